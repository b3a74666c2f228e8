"""What the overlap groups of a landscape are worked out from, and telling from the
applications that changed whether it is still the same, without going over all of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.evidence import structure_key
from snoei.rationalizer.domain.landscape import Changes, Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.landscape import ApplicationRecord, ElementKind, Lifecycle


def is_candidate(app: ApplicationRecord) -> bool:
    """Whether the application may be a duplicate of another one."""
    return app.lifecycle == Lifecycle.ACTIVE and app.owned and app.kind == ElementKind.APPLICATION


def overlap_candidates(landscape: Landscape) -> dict[str, frozenset[str]]:
    """The capability sets of the applications that may be duplicates of each other."""
    return {
        app.id: frozenset(app.capabilities)
        for app in landscape.applications.values()
        if is_candidate(app)
    }


@dataclass(frozen=True, slots=True)
class OverlapInputs:
    """Everything the overlap groups are worked out from."""

    capability_sets: Mapping[str, frozenset[str]]  # of the candidates
    threshold: float
    min_evidence: float
    structure: Mapping[str, tuple[object, ...]]
    # the notes name the candidates and the capabilities they share
    names: Mapping[str, str]
    capabilities: Mapping[str, tuple[str | None, str]]

    @classmethod
    def of(cls, landscape: Landscape, config: RulesConfig) -> OverlapInputs:
        capability_sets = overlap_candidates(landscape)
        return cls(
            capability_sets,
            config.overlap_threshold,
            config.overlap_min_evidence,
            structure_key(landscape.applications.values()),
            {app_id: landscape.applications[app_id].name for app_id in capability_sets},
            {c.id: (c.parent_id, c.name) for c in landscape.capabilities.values()},
        )

    def still(self, landscape: Landscape, config: RulesConfig, changes: Changes) -> bool:
        """Whether ``OverlapInputs.of(landscape, config)`` equals these, where ``changes``
        is what changed since the landscape these are of: only the changed applications
        are looked at, as every other record is the very same."""
        if changes.capabilities or (self.threshold, self.min_evidence) != (
            config.overlap_threshold,
            config.overlap_min_evidence,
        ):
            return False
        for app_id in changes.applications:
            app = landscape.applications.get(app_id)
            candidate = app is not None and is_candidate(app)
            related = app is not None and bool(app.specialises or app.part_of)
            if (
                self.capability_sets.get(app_id)
                != (frozenset(app.capabilities) if app is not None and candidate else None)
                or self.names.get(app_id) != (app.name if app is not None and candidate else None)
                or self.structure.get(app_id)
                != ((app.specialises, app.part_of) if app is not None and related else None)
            ):
                return False
        return True
