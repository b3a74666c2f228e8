"""Technology end-of-life risk: which release cycle a technology is, when its support ends,
and a lifecycle-risk score that grows as end of support / end of life approach or pass."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.landscape import TechnologyRecord, TechnologyUse

# A date, True (already ended, date unknown), False (not ended) or None (unknown).
Milestone = date | bool | None

ALIASES: Mapping[str, str] = {
    "postgres": "postgresql",
    "sql-server": "mssqlserver",
    "microsoft-sql-server": "mssqlserver",
    "mssql": "mssqlserver",
    "oracle": "oracle-database",
    "java": "oracle-jdk",
    "jdk": "oracle-jdk",
    "openjdk": "eclipse-temurin",
    ".net": "dotnet",
    "node": "nodejs",
    "node.js": "nodejs",
    "windows-server-core": "windows-server",
}


def normalise_product(product: str) -> str:
    key = re.sub(r"\s+", "-", product.strip().lower())
    return ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class ReleaseCycle:
    product: str
    cycle: str
    end_of_support: Milestone
    end_of_life: Milestone
    source: str  # "organisation" or "endoflife.date"


def version_candidates(version: str) -> list[str]:
    """``11.4.2`` -> ``11.4.2, 11.4, 11``; ``8u392`` -> ``8u392, 8``: most specific first."""
    version = version.strip().lower().removeprefix("v")
    found = [version]
    parts = re.split(r"[.\-]", version)
    for n in range(len(parts) - 1, 0, -1):
        found.append(".".join(parts[:n]))
    leading = re.match(r"^\d+(\.\d+)?", version)
    if leading:
        found.extend([leading.group(0), leading.group(0).split(".")[0]])
    return list(dict.fromkeys(c for c in found if c))


class LifecycleCatalogue:
    """Release cycles by product: the organisation's own records first, then endoflife.date."""

    def __init__(self, cycles: Iterable[ReleaseCycle]) -> None:
        self._cycles: dict[tuple[str, str], ReleaseCycle] = {}
        self._by_product: dict[str, list[ReleaseCycle]] = {}
        self._with_last: tuple[tuple[TechnologyRecord, ...], LifecycleCatalogue] | None = None
        for cycle in cycles:
            key = (normalise_product(cycle.product), cycle.cycle.lower())
            self._cycles.setdefault(key, cycle)
            self._by_product.setdefault(key[0], []).append(cycle)

    def with_records(self, records: Iterable[TechnologyRecord]) -> LifecycleCatalogue:
        """A catalogue where the organisation's ``TechnologyRecord``s take precedence (the
        last one built is kept: successive runs of a landscape mostly have the same)."""
        records = tuple(records)
        last = self._with_last
        if last is not None and last[0] == records:
            return last[1]
        merged = self._merge(records)
        self._with_last = (records, merged)
        return merged

    def _merge(self, records: tuple[TechnologyRecord, ...]) -> LifecycleCatalogue:
        own = [
            ReleaseCycle(r.product, r.version, r.end_of_support, r.end_of_life, "organisation")
            for r in records
        ]
        if not own:
            return self
        return LifecycleCatalogue([*own, *self._cycles.values()])

    def find(self, use: TechnologyUse) -> ReleaseCycle | None:
        if not use.version:
            return None
        product = normalise_product(use.product)
        for candidate in version_candidates(use.version):
            cycle = self._cycles.get((product, candidate))
            if cycle is not None:
                return cycle
        return None

    def supported_successor(self, use: TechnologyUse, today: date) -> ReleaseCycle | None:
        """The newest release cycle of the same product still supported ``today``."""
        supported = [
            c
            for c in self._by_product.get(normalise_product(use.product), [])
            if not _passed(c.end_of_life, today)
            and not _passed(c.end_of_support, today)
            and c.end_of_life is not None
        ]
        if not supported:
            return None
        return max(supported, key=lambda c: _version_key(c.cycle))


def _version_key(cycle: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.\-]", cycle))


def _passed(milestone: Milestone, today: date) -> bool:
    if isinstance(milestone, bool):
        return milestone
    return milestone is not None and milestone <= today


@dataclass(frozen=True, slots=True)
class TechnologyRisk:
    """The lifecycle verdict on one technology an application uses."""

    product: str
    version: str | None
    risk: float
    known: bool
    end_of_support: Milestone
    end_of_life: Milestone
    state: str  # "supported", "support ending", "unsupported", "end of life", "unknown"

    @property
    def label(self) -> str:
        return f"{self.product} {self.version}" if self.version else self.product


def _ramp(milestone: Milestone, peak: float, today: date, warning_days: int) -> float:
    """``peak`` once the milestone passed, growing linearly from 0 during the warning window."""
    if milestone is True:
        return peak
    if milestone is None or milestone is False:
        return 0.0
    days_left = (milestone - today).days
    if days_left <= 0:
        return peak
    return peak * max(0.0, 1.0 - days_left / warning_days)


def technology_risk(
    use: TechnologyUse, catalogue: LifecycleCatalogue, config: RulesConfig, today: date
) -> TechnologyRisk:
    cycle = catalogue.find(use)
    if cycle is None or (cycle.end_of_support is None and cycle.end_of_life is None):
        return TechnologyRisk(
            use.product, use.version, config.unknown_lifecycle_risk, False, None, None, "unknown"
        )
    risk = max(
        _ramp(cycle.end_of_support, config.end_of_support_risk, today, config.eol_warning_days),
        _ramp(cycle.end_of_life, 1.0, today, config.eol_warning_days),
    )
    if _passed(cycle.end_of_life, today):
        state = "end of life"
    elif _passed(cycle.end_of_support, today):
        state = "unsupported"
    elif risk > 0:
        state = "support ending"
    else:
        state = "supported"
    return TechnologyRisk(
        use.product,
        use.version,
        round(risk, 4),
        True,
        cycle.end_of_support,
        cycle.end_of_life,
        state,
    )


def milestone_text(milestone: Milestone) -> str | None:
    if milestone is None:
        return None
    if isinstance(milestone, bool):
        return "passed" if milestone else "not scheduled"
    return milestone.isoformat()
