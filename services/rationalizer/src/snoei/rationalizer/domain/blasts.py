"""The blast radii one run computes, each with the applications its traversal read, so that
the next run re-uses those whose reads did not change their outgoing integrations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.impact import blast_radius
from snoei.rationalizer.domain.landscape import Landscape
from snoei.shared.contracts.proposals import LostFlow

BlastKey = tuple[str, int]
"""(application id, depth)"""


@dataclass(frozen=True, slots=True)
class Blast:
    """One blast radius with what it was computed from: the applications whose outgoing
    integrations the traversal read. It stays valid while none of those changed."""

    flows: list[LostFlow]
    reads: frozenset[str]


class BlastRadii:
    """Blast radii by application and depth for one landscape, computed at most once and
    taken from ``reusable`` (a previous run's) where still valid."""

    def __init__(self, landscape: Landscape, reusable: Mapping[BlastKey, Blast]) -> None:
        self.landscape = landscape
        self._reusable = reusable
        self.used: dict[BlastKey, Blast] = {}

    @classmethod
    def after(
        cls, landscape: Landscape, previous: Landscape, blasts: Mapping[BlastKey, Blast]
    ) -> BlastRadii:
        """Radii for ``landscape`` re-using the ones computed on ``previous`` that read no
        application whose outgoing integrations changed."""
        changed = landscape.changed_suppliers(previous)
        if not changed:  # as after most changes to records alone: every one is still valid
            return cls(landscape, blasts)
        return cls(landscape, {k: b for k, b in blasts.items() if b.reads.isdisjoint(changed)})

    def of(self, app_id: str, depth: int) -> Blast:
        key = (app_id, depth)
        found = self.used.get(key) or self._reusable.get(key)
        if found is None:
            reads: set[str] = set()
            flows = blast_radius(self.landscape, [app_id], depth, reads)
            found = Blast(flows, frozenset(reads))
        self.used[key] = found
        return found
