"""The rationalisation rule book: every threshold, weight and switch, validated."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TIME_QUADRANT = "time_quadrant"
TECHNOLOGY_LIFECYCLE = "technology_lifecycle"
FUNCTIONAL_OVERLAP = "functional_overlap"
RETIRE = "retire"
REPLACE = "replace"
COVERAGE = "coverage"

RULE_NAMES: tuple[str, ...] = (
    TIME_QUADRANT,
    TECHNOLOGY_LIFECYCLE,
    FUNCTIONAL_OVERLAP,
    RETIRE,
    REPLACE,
    COVERAGE,
)


class SurvivorWeights(BaseModel):
    """Weights of the survivor score of a consolidation cluster (see ``overlap.survivor_score``).

    score = fitness * (effective fitness - 1) / 4 + value * (business value - 1) / 4
            + cost * (1 - cost / highest cost in the cluster)
            + dependents * (1 - integrations to rewire / all integrations of the cluster)
    The highest score survives; ties go to the lowest application id.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fitness: float = Field(default=0.35, ge=0, le=10, description="Weight of technical fitness.")
    value: float = Field(default=0.25, ge=0, le=10, description="Weight of business value.")
    cost: float = Field(default=0.2, ge=0, le=10, description="Weight of being cheap to run.")
    dependents: float = Field(
        default=0.2, ge=0, le=10, description="Weight of having few integrations to rewire."
    )

    @model_validator(mode="after")
    def _some_weight(self) -> SurvivorWeights:
        if self.fitness + self.value + self.cost + self.dependents <= 0:
            raise ValueError("at least one survivor weight must be positive")
        return self


class RulesConfig(BaseModel):
    """All thresholds are absolute (never ranks within the portfolio), so adding one
    application never reshuffles the verdicts on the others."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled_rules: tuple[str, ...] = Field(
        default=RULE_NAMES, description=f"Rules to apply, any of: {', '.join(RULE_NAMES)}."
    )
    value_threshold: float = Field(
        default=3.0, ge=1, le=5, description="Business value at or above this is high (1-5)."
    )
    fitness_threshold: float = Field(
        default=3.0, ge=1, le=5, description="Effective fitness at or above this is high (1-5)."
    )
    hysteresis: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description=(
            "Margin a score must cross a threshold by before an application leaves its "
            "previous TIME quadrant, so a score wobbling around a threshold does not flip it."
        ),
    )
    eol_fitness_penalty: float = Field(
        default=1.5,
        ge=0,
        le=4,
        description="Fitness points subtracted at lifecycle risk 1.0 (proportionally below).",
    )
    eol_warning_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="Lifecycle risk starts growing this many days before end of support/life.",
    )
    end_of_support_risk: float = Field(
        default=0.6, ge=0, le=1, description="Lifecycle risk once end of (active) support passed."
    )
    unknown_lifecycle_risk: float = Field(
        default=0.3, ge=0, le=1, description="Lifecycle risk of a technology with unknown dates."
    )
    overlap_threshold: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Jaccard similarity of capability sets from which two applications overlap.",
    )
    survivor_weights: SurvivorWeights = Field(default_factory=SurvivorWeights)
    unused_max_users: int = Field(
        default=0, ge=0, description="An application with at most this many users is unused."
    )
    replace_min_value: int = Field(
        default=4,
        ge=1,
        le=5,
        description="Business value from which an application on end-of-life tech is replaced.",
    )
    replace_min_risk: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Lifecycle risk from which a technology counts as end-of-life/unsupported.",
    )
    max_replacement_candidates: int = Field(default=3, ge=0, le=20)
    migration_base_cost: float = Field(
        default=10_000, ge=0, description="One-off euros per application moved or retired."
    )
    migration_cost_per_integration: float = Field(
        default=15_000, ge=0, description="One-off euros per integration to rewire."
    )
    max_payback_months: float = Field(
        default=60,
        gt=0,
        le=600,
        description=(
            "A proposal is recommended to the board only when its one-off migration is paid "
            "back by its yearly saving within this many months (the board report)."
        ),
    )
    blast_radius_depth: int = Field(
        default=2, ge=1, le=10, description="How far downstream lost data flows are followed."
    )
    stale_after_days: int = Field(
        default=730,
        ge=1,
        description=(
            "Survey scores older than this (application attribute `assessed_at`, "
            "YYYY-MM-DD) count as stale and lower confidence."
        ),
    )
    allow_uncovered_capabilities: tuple[str, ...] = Field(
        default=(), description="Capabilities that may be left without any application."
    )

    @field_validator("enabled_rules")
    @classmethod
    def _known_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(RULE_NAMES))
        if unknown:
            raise ValueError(
                f"unknown rule name(s) {', '.join(map(repr, unknown))}; "
                f"known rules: {', '.join(RULE_NAMES)}"
            )
        return value

    def enabled(self, rule: str) -> bool:
        return rule in self.enabled_rules
