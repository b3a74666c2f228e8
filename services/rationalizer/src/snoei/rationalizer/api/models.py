"""Request and response bodies of the rationalizer's HTTP API."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from snoei.rationalizer.adapters.decisions import DecisionRow
from snoei.rationalizer.adapters.runs import RunRow
from snoei.rationalizer.domain.completeness import DataCompleteness
from snoei.rationalizer.domain.engine import Verdict
from snoei.rationalizer.domain.waves import WavePlan
from snoei.shared.contracts.proposals import Proposal, RuleFired
from snoei.shared.identifiers import Text


class RunSummary(BaseModel):
    run_id: uuid.UUID
    trigger: str
    requested_by: str | None
    graph_version: int = Field(description="Graph version the run evaluated.")
    inventory_sequence: int
    started_at: datetime
    finished_at: datetime
    duration_ms: float
    proposal_count: int
    total_yearly_saving: float = Field(
        description="Known savings of the standing proposals; unknown ones are not counted as 0."
    )
    unknown_saving_count: int = Field(
        description="Standing proposals whose saving is unknown (needs data)."
    )
    empty_reason: str | None = Field(description="Why the run produced nothing, if it did not.")
    stale_inputs: bool = Field(description="The graph replica was known to be behind.")

    @classmethod
    def of(cls, row: RunRow) -> "RunSummary":
        return cls(**{k: getattr(row, k) for k in cls.model_fields})


class ProposalList(BaseModel):
    run: RunSummary | None = Field(description="The latest run; null before the first one.")
    proposals: list[Proposal] = Field(
        description="Known savings first, largest first; unknown savings (needs data) after."
    )
    total_yearly_saving: float = Field(
        description="Sum of the known savings of the listed standing ones (open, needs "
        "data, accepted); an unknown saving is counted in `unknown_saving_count`, not as 0."
    )
    unknown_saving_count: int = Field(
        default=0, description="Listed standing proposals whose saving is unknown."
    )
    recommended_yearly_saving: float = Field(
        default=0.0,
        description="Sum of the savings of the listed proposals the board report recommends "
        "(open or accepted, a known positive saving, paid back within the rule book's "
        "`max_payback_months`): the report's headline saving.",
    )
    recommended_count: int = Field(
        default=0, description="Listed proposals the board report recommends."
    )
    empty_reason: str | None = None
    notes: list[RuleFired] = Field(
        default=[],
        description="What the run considered and set aside: overlaps ruled out by structure "
        "(specialisation, whole/part) or by too little evidence.",
    )
    completeness: DataCompleteness | None = Field(
        default=None, description="Data completeness of the landscape; null before any graph."
    )


class DecisionView(BaseModel):
    proposal_id: str
    verdict: Verdict
    reason: str
    facts_hash: str = Field(description="Facts the decision was taken on.")
    decided_by: str | None = Field(
        description="The name given and the deciding token's fingerprint, "
        "`name (token:<12 hex>)`, or the fingerprint alone; null for old decisions."
    )
    decided_at: datetime

    @classmethod
    def of(cls, row: DecisionRow) -> "DecisionView":
        return cls(
            proposal_id=row.proposal_id,
            verdict=row.verdict,
            reason=row.reason,
            facts_hash=row.facts_hash,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
        )


class ProposalExplained(BaseModel):
    proposal: Proposal
    decision: DecisionView | None = Field(description="The decision in force, if any.")
    decision_applies: bool = Field(description="False when the facts changed since deciding.")


class DecisionRequest(BaseModel):
    proposal_id: Text = Field(min_length=1, description="Id of a proposal of the latest run.")
    verdict: Verdict
    reason: Text = Field(
        default="",
        max_length=2000,
        description="Why; shown to others. Required to reject, optional to accept.",
    )
    decided_by: Text | None = Field(
        default=None,
        max_length=200,
        description="Who decides; recorded with the fingerprint of the bearer token.",
    )

    @model_validator(mode="after")
    def _a_rejection_says_why(self) -> "DecisionRequest":
        if self.verdict == Verdict.REJECT and not self.reason.strip():
            raise ValueError("a rejection needs a reason")
        return self


class WhatIfRequest(BaseModel):
    retire: list[Text] = Field(
        min_length=1, max_length=5000, description="Ids of the applications to retire."
    )


class RunRequestBody(BaseModel):
    trigger: Literal["http", "cli"] = "http"
    requested_by: Text | None = Field(default=None, max_length=200)


class RunAccepted(BaseModel):
    run_id: uuid.UUID = Field(description="Poll GET runs/{run_id} until it is there.")


class RunDetail(BaseModel):
    run: RunSummary
    proposals: list[Proposal]
    recommended_yearly_saving: float = Field(
        default=0.0,
        description="Sum of the savings of the run's proposals the board report recommends "
        "(open or accepted, a known positive saving, paid back within the rule book's "
        "`max_payback_months`), as the run left them; decisions taken since are applied "
        "in `GET proposals`.",
    )
    recommended_count: int = Field(
        default=0, description="The run's proposals the board report recommends."
    )
    waves: WavePlan
    notes: list[RuleFired] = Field(default=[], description="What the run set aside, and why.")


class ProposalChange(BaseModel):
    id: str
    fields: list[str] = Field(description="Fields whose value changed.")
    before: Proposal
    after: Proposal


class RunDiffView(BaseModel):
    from_run: uuid.UUID | None
    to_run: uuid.UUID
    added: list[Proposal]
    removed: list[Proposal]
    changed: list[ProposalChange]
    saving_change: float = Field(description="Change of the open/accepted yearly saving.")
