"""Proposals while they are drafted: the facts of the run every rule reads, the draft each
rule produces, and the evidence several rules share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.blasts import Blast, BlastRadii
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.market import EMPTY_MARKET, MarketCatalogue
from snoei.rationalizer.domain.rulebook import TIME_QUADRANT, RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.contracts.proposals import Action, LostFlow, ReplacementProduct, RuleFired


def proposal_id(action: Action, targets: Sequence[str]) -> str:
    return f"{action.value}:{'+'.join(sorted(targets))}"


@dataclass(frozen=True, slots=True)
class Missing:
    """An input a proposal lacks: what, of which applications, and what it would settle."""

    what: str  # e.g. "annual costs"
    applications: tuple[str, ...]
    settles: str  # e.g. "compute the saving"
    unknown_economics: bool = False  # True when the saving cannot be computed without it

    def text(self, landscape: Landscape) -> str:
        names = [
            f"{landscape.applications[a].name} ({a})" if a in landscape.applications else a
            for a in self.applications
        ]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"{self.what} of {listed} to {self.settles}"


def unknown_costs(*apps: ApplicationRecord) -> tuple[str, ...]:
    """The ids of the applications whose annual costs are unknown (never read as 0)."""
    return tuple(a.id for a in apps if a.costs is None)


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the rules of one run read: the landscape, the rule book, the technology
    lifecycles on the day of the run, last run's quadrants and this run's assessments."""

    landscape: Landscape
    config: RulesConfig
    catalogue: LifecycleCatalogue
    today: date
    previous_quadrants: Mapping[str, str]
    assessments: Mapping[str, Assessment]
    blasts: BlastRadii
    market: MarketCatalogue = EMPTY_MARKET

    def capability_names(self, capabilities: Sequence[str]) -> str:
        return ", ".join(self.landscape.capability_name(c) for c in capabilities)


@dataclass
class Draft:
    """A proposal being assembled, before economics, decisions and the coverage check."""

    action: Action
    target: ApplicationRecord
    rules: list[RuleFired]
    saving: float | None  # None: unknown, see ``missing``
    rewire: list[str]
    blast: Blast
    survivor: str | None = None
    candidates: tuple[str, ...] = ()
    products: tuple[ReplacementProduct, ...] = ()
    reasons: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    """Inputs that would change or settle the proposal (costs, scores, lifecycle)."""
    basis: dict[str, Any] = field(default_factory=dict)
    """Further facts the proposal rests on, for its facts hash."""

    @cached_property
    def id(self) -> str:
        return proposal_id(self.action, [self.target.id])

    @property
    def flows(self) -> list[LostFlow]:
        return self.blast.flows


def quadrant_rule(assessment: Assessment, run: RunFacts) -> RuleFired:
    """The TIME quadrant as evidence, with the scores and thresholds that placed it there."""
    app = assessment.application
    assert assessment.quadrant is not None
    return RuleFired(
        rule=TIME_QUADRANT,
        message=f"{app.name} falls in the {assessment.quadrant.value.title()} quadrant.",
        facts={
            "business_value": app.business_value,
            "technical_fitness": app.technical_fitness,
            "effective_fitness": assessment.effective_fitness,
            "lifecycle_risk": assessment.lifecycle_risk,
            "value_threshold": run.config.value_threshold,
            "fitness_threshold": run.config.fitness_threshold,
            "previous_quadrant": run.previous_quadrants.get(app.id),
            "quadrant": assessment.quadrant.value,
        },
    )
