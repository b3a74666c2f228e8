"""What a proposal saves, costs once and risks: yearly saving, migration estimate, payback,
confidence in the inputs, and a risk score with its level."""

from __future__ import annotations

from dataclasses import dataclass

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.drafts import Draft
from snoei.rationalizer.domain.impact import CRITICALITY_WEIGHT
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.proposals import Action, RiskLevel


@dataclass(frozen=True, slots=True)
class Economics:
    yearly_saving: float | None  # None: unknown (an input is missing), never read as 0
    migration_cost: float
    payback_months: float | None  # None: never pays back (no saving) or saving unknown
    confidence: float
    risk_score: float

    @property
    def risk(self) -> RiskLevel:
        return risk_level(self.risk_score)


def economics(draft: Draft, assessment: Assessment, config: RulesConfig) -> Economics:
    """A migration costs a base amount plus an amount per integration to rewire; the risk
    weighs the target's criticality, the most critical lost flow, how many applications lose
    data directly, and how unsure the inputs are."""
    app = draft.target
    migration = round(
        config.migration_base_cost + config.migration_cost_per_integration * len(draft.rewire),
        2,
    )
    saving = round(draft.saving, 2) if draft.saving is not None else None
    payback = round(migration / (saving / 12), 1) if saving is not None and saving > 0 else None
    direct = [f for f in draft.flows if f.depth == 1]
    # Retiring an application whose use is unknown is a guess about who still needs it.
    extra_missing = ("users",) if app.users is None and draft.action == Action.RETIRE else ()
    confidence = assessment.confidence(*extra_missing)
    risk_score = round(
        min(
            1.0,
            0.35 * CRITICALITY_WEIGHT[app.criticality.value]
            + 0.35 * max((CRITICALITY_WEIGHT[f.criticality] for f in direct), default=0.0)
            + 0.15 * min(1.0, len(direct) / 10)
            + 0.15 * (1.0 - confidence),
        ),
        3,
    )
    return Economics(saving, migration, payback, confidence, risk_score)


def risk_level(score: float) -> RiskLevel:
    if score < 0.34:
        return RiskLevel.LOW
    if score < 0.6:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH
