"""How much a shared capability says about two applications being duplicates, and the
ArchiMate structure (specialisation, whole/part) that rules a pair out altogether.

Overlap evidence of a pair = the sum, over the capabilities both realise, of

    specificity(c) / log2(1 + applications realising c)

where specificity(c) = 1 / (1 + levels of capabilities below c in the capability tree): a
specific reference component (a leaf, 1.0) shared by two applications weighs 0.63; a domain
with one level below it weighs half that; a capability that many applications realise
weighs little (eight realisers: 0.32 for a leaf). Documented in docs/rules.md."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.landscape import Landscape
from snoei.shared.contracts.landscape import ApplicationRecord, CapabilityRecord


@dataclass(frozen=True, slots=True)
class Evidence:
    """The overlap evidence of one pair: its score and each shared capability's weight."""

    score: float
    weights: tuple[tuple[str, float], ...]  # (capability, weight), strongest first

    def explained(self, landscape: Landscape) -> str:
        return "; ".join(f"{landscape.capability_name(c)} {w:g}" for c, w in self.weights)


def specificity(capabilities: Mapping[str, CapabilityRecord]) -> dict[str, float]:
    """1 / (1 + levels below) of every capability in the tree; one the map does not hold
    (or a flat map) counts as a leaf, 1.0. A cycle in the parents stops the count."""
    children: dict[str, list[str]] = {}
    for record in capabilities.values():
        if record.parent_id is not None and record.parent_id != record.id:
            children.setdefault(record.parent_id, []).append(record.id)
    heights: dict[str, int] = {}

    def height(capability: str, trail: frozenset[str]) -> int:
        if capability in heights:
            return heights[capability]
        below = [c for c in children.get(capability, ()) if c not in trail]
        found = 1 + max((height(c, trail | {c}) for c in below), default=-1)
        heights[capability] = found
        return found

    return {c: round(1.0 / (1 + height(c, frozenset({c}))), 4) for c in capabilities}


def pair_evidence(
    shared: Iterable[str], realisers: Mapping[str, int], specific: Mapping[str, float]
) -> Evidence:
    weights = sorted(
        (
            (c, round(specific.get(c, 1.0) / math.log2(1 + max(2, realisers.get(c, 2))), 4))
            for c in shared
        ),
        key=lambda cw: (-cw[1], cw[0]),
    )
    return Evidence(round(sum(w for _, w in weights), 4), tuple(weights))


_EDGES = (("specialises", "specialises"), ("part_of", "is part of"))


class Structure:
    """Specialisation and whole/part between applications, followed transitively upwards
    (to what an application specialises or is part of, and on from there)."""

    def __init__(self, applications: Mapping[str, ApplicationRecord]) -> None:
        self._apps = applications
        self._up: dict[str, dict[str, tuple[str, ...]]] = {}

    def _ancestors(self, app_id: str) -> dict[str, tuple[str, ...]]:
        """Every application above ``app_id`` with the first chain of steps reaching it."""
        found = self._up.get(app_id)
        if found is not None:
            return found
        found = {}
        frontier: list[tuple[str, tuple[str, ...]]] = [(app_id, ())]
        while frontier:
            current, path = frontier.pop(0)
            record = self._apps.get(current)
            if record is None:
                continue
            for field, verb in _EDGES:
                for above in getattr(record, field):
                    if above == app_id or above in found:
                        continue
                    step = (*path, f"{self._name(current)} {verb} {self._name(above)}")
                    found[above] = step
                    frontier.append((above, step))
        self._up[app_id] = found
        return found

    def _name(self, app_id: str) -> str:
        record = self._apps.get(app_id)
        return f"{record.name} ({app_id})" if record is not None else app_id

    def relation(self, a: str, b: str) -> str | None:
        """How ``a`` and ``b`` are related by structure, or None when they are not."""
        chain = self._ancestors(a).get(b) or self._ancestors(b).get(a)
        return "; ".join(chain) if chain else None


def structure_key(applications: Iterable[ApplicationRecord]) -> dict[str, tuple[object, ...]]:
    """What the structure of a landscape rests on, for telling whether it changed."""
    return {a.id: (a.specialises, a.part_of) for a in applications if a.specialises or a.part_of}
