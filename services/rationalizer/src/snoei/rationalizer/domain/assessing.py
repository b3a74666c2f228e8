"""Assessing every application of one run, re-using the previous run's assessments where the
record and the previous quadrant it was assessed with are the same (and the rule book, the
catalogue and the day, which the caller checks). After a change to a few records of a
landscape patched from the previous run's, only those applications and the ones whose
previous quadrant moved are looked at: the work is proportional to the change."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from snoei.rationalizer.domain.assessment import Assessment, Quadrant, assess
from snoei.rationalizer.domain.landscape import Changes, Landscape
from snoei.rationalizer.domain.rulebook import TIME_QUADRANT, RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue, TechnologyRisk


@dataclass(frozen=True, slots=True)
class Assessed:
    """One run's assessments by application (in the landscape's order), the previous
    quadrants they were assessed with and the quadrants they place (the run's)."""

    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    previous: Mapping[str, str] = field(default_factory=dict)
    quadrants: Mapping[str, str] = field(default_factory=dict)


class Assessor:
    """Assesses the applications of one landscape for one run."""

    def __init__(
        self,
        landscape: Landscape,
        *,
        config: RulesConfig,
        catalogue: LifecycleCatalogue,
        today: date,
        previous: Mapping[str, str],
    ) -> None:
        self.landscape = landscape
        self.config = config
        self.catalogue = catalogue
        self.today = today
        self.previous = dict(previous)  # kept by the memo: a copy the caller cannot change
        self._use_quadrant = config.enabled(TIME_QUADRANT)
        self._risks: dict[tuple[str, str | None], TechnologyRisk] = {}
        self.reassessed: set[str] = set()  # not the previous run's assessment

    def assess_all(self, before: Assessed | None, changes: Changes | None) -> Assessed:
        """Every application's assessment; ``before`` (the previous run's, with the same
        rule book, catalogue and day) and ``changes`` (since its landscape) let it re-use."""
        if before is not None and changes is not None and changes.patched:
            return self._patch(before, changes.applications)
        assessments: dict[str, Assessment] = {}
        earlier = before.assessments if before is not None else {}
        assessed_with = before.previous if before is not None else {}
        for app_id, app in self.landscape.applications.items():
            found = earlier.get(app_id)
            if (
                found is None
                or found.application is not app
                or assessed_with.get(app_id) != self.previous.get(app_id)
            ):
                found = self._assess(app_id)
            assessments[app_id] = found
        quadrants = _quadrants(assessments)
        return Assessed(assessments, self.previous, quadrants)

    def _patch(self, before: Assessed, records: Collection[str]) -> Assessed:
        """``before`` with the applications whose record (``records``: the landscape is the
        previous one patched, same applications in the same order) or previous quadrant
        changed assessed again."""
        moved = {a for a, _ in self.previous.items() ^ before.previous.items()}
        assessments = dict(before.assessments)
        quadrants = dict(before.quadrants)
        placed_as_before = True
        for app_id in sorted((moved | set(records)) & assessments.keys()):
            found = assessments[app_id] = self._assess(app_id)
            quadrant = found.quadrant.value if found.quadrant is not None else None
            placed_as_before = placed_as_before and (app_id in quadrants) == (
                quadrant is not None
            )
            if quadrant is not None:
                quadrants[app_id] = quadrant
        if not placed_as_before:  # one gained or lost its quadrant: in the landscape's order
            quadrants = _quadrants(assessments)
        return Assessed(assessments, self.previous, quadrants)

    def _assess(self, app_id: str) -> Assessment:
        self.reassessed.add(app_id)
        previous = self.previous.get(app_id)
        return assess(
            self.landscape.applications[app_id],
            catalogue=self.catalogue,
            config=self.config,
            today=self.today,
            previous=Quadrant(previous) if previous and self._use_quadrant else None,
            risk_cache=self._risks,
        )


def _quadrants(assessments: Mapping[str, Assessment]) -> dict[str, str]:
    """The quadrant each application is placed in, in the assessments' order."""
    return {a: s.quadrant.value for a, s in assessments.items() if s.quadrant is not None}
