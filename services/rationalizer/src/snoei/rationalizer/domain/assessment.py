"""Per-application assessment: lifecycle risk, effective fitness, the TIME quadrant with
hysteresis, and which inputs are missing or stale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from snoei.rationalizer.domain.rulebook import TECHNOLOGY_LIFECYCLE, RulesConfig
from snoei.rationalizer.domain.technology import (
    LifecycleCatalogue,
    TechnologyRisk,
    technology_risk,
)
from snoei.shared.contracts.landscape import ApplicationRecord

ASSESSED_AT = "assessed_at"
"""Application attribute with the date (YYYY-MM-DD) the survey scores were collected."""


class Quadrant(StrEnum):
    TOLERATE = "tolerate"  # low value, high fitness
    INVEST = "invest"  # high value, high fitness
    MIGRATE = "migrate"  # high value, low fitness
    ELIMINATE = "eliminate"  # low value, low fitness


_SIDES: Mapping[Quadrant, tuple[bool, bool]] = {  # (high value, high fitness)
    Quadrant.TOLERATE: (False, True),
    Quadrant.INVEST: (True, True),
    Quadrant.MIGRATE: (True, False),
    Quadrant.ELIMINATE: (False, False),
}
_BY_SIDES = {sides: quadrant for quadrant, sides in _SIDES.items()}


def _side(score: float, threshold: float, previous_high: bool | None, margin: float) -> bool:
    """High or low; with a previous side the score must cross the threshold by ``margin``."""
    if previous_high is None:
        return score >= threshold
    if previous_high:
        return score >= threshold - margin
    return score >= threshold + margin


def quadrant_for(
    value: float,
    fitness: float,
    config: RulesConfig,
    previous: Quadrant | None = None,
) -> Quadrant:
    """TIME quadrant of value x fitness, sticking to ``previous`` inside the hysteresis band."""
    before = _SIDES.get(previous) if previous is not None else None
    high_value = _side(
        value, config.value_threshold, before[0] if before else None, config.hysteresis
    )
    high_fitness = _side(
        fitness, config.fitness_threshold, before[1] if before else None, config.hysteresis
    )
    return _BY_SIDES[(high_value, high_fitness)]


@dataclass(frozen=True, slots=True)
class Assessment:
    application: ApplicationRecord
    technologies: tuple[TechnologyRisk, ...]
    lifecycle_risk: float
    effective_fitness: float | None
    quadrant: Quadrant | None
    missing: tuple[str, ...]
    stale: bool

    @property
    def worst_technology(self) -> TechnologyRisk | None:
        if not self.technologies:
            return None
        return max(self.technologies, key=lambda t: t.risk)

    def confidence(self, *extra_missing: str) -> float:
        """1.0 with every input present and fresh; each missing input costs 0.12, stale 0.2."""
        missing = set(self.missing) | set(extra_missing)
        value = 1.0 - 0.12 * len(missing) - (0.2 if self.stale else 0.0)
        return round(min(1.0, max(0.1, value)), 2)


def assess(
    app: ApplicationRecord,
    *,
    catalogue: LifecycleCatalogue,
    config: RulesConfig,
    today: date,
    previous: Quadrant | None,
    risk_cache: dict[tuple[str, str | None], TechnologyRisk] | None = None,
) -> Assessment:
    """``risk_cache`` memoises the verdict per (product, version) across the applications of
    one run (same catalogue, config and day)."""
    missing: list[str] = []
    risks: tuple[TechnologyRisk, ...] = ()
    lifecycle_risk = 0.0
    if config.enabled(TECHNOLOGY_LIFECYCLE):
        if risk_cache is None:
            risks = tuple(technology_risk(t, catalogue, config, today) for t in app.technologies)
        else:
            found: list[TechnologyRisk] = []
            for use in app.technologies:
                key = (use.product, use.version)
                risk = risk_cache.get(key)
                if risk is None:
                    risk = risk_cache[key] = technology_risk(use, catalogue, config, today)
                found.append(risk)
            risks = tuple(found)
        lifecycle_risk = max((r.risk for r in risks), default=0.0)
        missing.extend(f"lifecycle of {r.label}" for r in risks if not r.known)
        if not app.technologies:
            missing.append("technologies")
    if app.business_value is None:
        missing.append("business value")
    if app.technical_fitness is None:
        missing.append("technical fitness")
    if (app.yearly_cost or 0.0) == 0:
        missing.append("costs")
    effective: float | None = None
    if app.technical_fitness is not None:
        effective = round(
            max(1.0, app.technical_fitness - config.eol_fitness_penalty * lifecycle_risk), 2
        )
    quadrant = None
    if app.business_value is not None and effective is not None:
        quadrant = quadrant_for(app.business_value, effective, config, previous)
    return Assessment(
        application=app,
        technologies=risks,
        lifecycle_risk=round(lifecycle_risk, 4),
        effective_fitness=effective,
        quadrant=quadrant,
        missing=tuple(missing),
        stale=_stale(app, config, today),
    )


def _stale(app: ApplicationRecord, config: RulesConfig, today: date) -> bool:
    raw = app.attributes.get(ASSESSED_AT)
    if raw is None:
        return False
    try:
        assessed = date.fromisoformat(raw[:10])
    except ValueError:
        return True  # an unreadable assessment date is as good as none
    return (today - assessed).days > config.stale_after_days
