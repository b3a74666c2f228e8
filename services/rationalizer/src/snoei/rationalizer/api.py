"""HTTP API of the rationalizer (OpenAPI at /docs): proposals, waves, what-if, decisions
and runs of one landscape."""

# No `from __future__ import annotations` here: FastAPI resolves the route signatures at
# runtime, and they use an alias local to build_router.
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, model_validator

from snoei.rationalizer.adapters.repository import DecisionRow, RunRow, StoredRun
from snoei.rationalizer.domain.engine import Verdict
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.domain.whatif import UnknownApplications, WhatIfResult
from snoei.rationalizer.report import Language
from snoei.rationalizer.service import (
    NoRunYet,
    ProposalNotFound,
    RationalizerService,
    RunNotFound,
)
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus
from snoei.shared.contracts.runs import RunTrigger
from snoei.shared.http import Problem


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
    total_yearly_saving: float
    empty_reason: str | None = Field(description="Why the run produced nothing, if it did not.")
    stale_inputs: bool = Field(description="The graph replica was known to be behind.")

    @classmethod
    def of(cls, row: RunRow) -> "RunSummary":
        return cls(**{k: getattr(row, k) for k in cls.model_fields})


class ProposalList(BaseModel):
    run: RunSummary | None = Field(description="The latest run; null before the first one.")
    proposals: list[Proposal]
    total_yearly_saving: float = Field(description="Sum over the listed open/accepted ones.")
    empty_reason: str | None = None


class DecisionView(BaseModel):
    proposal_id: str
    verdict: Verdict
    reason: str
    facts_hash: str = Field(description="Facts the decision was taken on.")
    decided_by: str | None
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
    proposal_id: str = Field(min_length=1, description="Id of a proposal of the latest run.")
    verdict: Verdict
    reason: str = Field(
        default="", max_length=2000,
        description="Why; shown to others. Required to reject, optional to accept.",
    )
    decided_by: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _a_rejection_says_why(self) -> "DecisionRequest":
        if self.verdict == Verdict.REJECT and not self.reason.strip():
            raise ValueError("a rejection needs a reason")
        return self


class WhatIfRequest(BaseModel):
    retire: list[str] = Field(
        min_length=1, max_length=5000, description="Ids of the applications to retire."
    )


class RunRequestBody(BaseModel):
    trigger: Literal["http", "cli"] = "http"
    requested_by: str | None = Field(default=None, max_length=200)


class RunAccepted(BaseModel):
    run_id: uuid.UUID = Field(description="Poll GET runs/{run_id} until it is there.")


class RunDetail(BaseModel):
    run: RunSummary
    proposals: list[Proposal]
    waves: WavePlan


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


def _not_found(exc: LookupError) -> Problem:
    return Problem(404, "Not found", str(exc))


def build_router(*, service: RationalizerService, guard: Any) -> APIRouter:
    router = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["rationalizer"])
    Landscape = Annotated[str, Depends(guard)]  # noqa: N806  (a type alias)

    @router.get("/proposals", response_model=ProposalList)
    async def list_proposals(
        landscape_id: Landscape,
        action: Annotated[Action | None, Query(description="Only this action.")] = None,
        status_: Annotated[
            ProposalStatus | None, Query(alias="status", description="Only this status.")
        ] = None,
        min_saving: Annotated[float | None, Query(ge=0, description="Yearly euros.")] = None,
    ) -> ProposalList:
        """Proposals of the latest run, with decisions taken since applied."""
        run, proposals = await service.proposals(
            landscape_id,
            action=action.value if action else None,
            status=status_.value if status_ else None,
            min_saving=min_saving,
        )
        return ProposalList(
            run=RunSummary.of(run.row) if run else None,
            proposals=proposals,
            total_yearly_saving=round(
                sum(
                    p.yearly_saving
                    for p in proposals
                    if p.status in (ProposalStatus.OPEN, ProposalStatus.ACCEPTED)
                ),
                2,
            ),
            empty_reason=(run.row.empty_reason if run else "no run has been made yet"),
        )

    @router.get("/proposals/{proposal_id:path}", response_model=ProposalExplained)
    async def explain(landscape_id: Landscape, proposal_id: str) -> ProposalExplained:
        """One proposal with its evidence, economics, blast radius and decision."""
        try:
            proposal, decision = await service.proposal(landscape_id, proposal_id)
        except ProposalNotFound as exc:
            raise _not_found(exc) from None
        return ProposalExplained(
            proposal=proposal,
            decision=DecisionView.of(decision) if decision else None,
            decision_applies=decision is not None and decision.facts_hash == proposal.facts_hash,
        )

    @router.get("/waves", response_model=WavePlan)
    async def waves(landscape_id: Landscape) -> WavePlan:
        """Decommission waves of the latest run: consumers go before their suppliers."""
        run: StoredRun | None = await service.latest(landscape_id)
        return run.waves if run is not None else WavePlan()

    @router.get("/report", response_class=HTMLResponse)
    async def report(
        landscape_id: Landscape,
        lang: Annotated[Language, Query(description="Language of the report.")] = "en",
    ) -> HTMLResponse:
        """The latest run as a self-contained HTML report a board can read."""
        try:
            return HTMLResponse(await service.report(landscape_id, lang))
        except NoRunYet as exc:
            raise _not_found(exc) from None

    @router.post("/what-if", response_model=WhatIfResult)
    async def simulate(landscape_id: Landscape, body: WhatIfRequest) -> WhatIfResult:
        """Simulate retiring applications; nothing in the inventory changes."""
        try:
            return await service.what_if(landscape_id, body.retire)
        except UnknownApplications as exc:
            raise Problem(
                422,
                "Unknown application",
                f"{exc} in landscape {landscape_id!r}",
                extra={"unknown_applications": list(exc.application_ids)},
            ) from None

    @router.post("/decisions", response_model=ProposalExplained, status_code=201)
    async def decide(landscape_id: Landscape, body: DecisionRequest) -> ProposalExplained:
        """Accept or reject a proposal; a rejection holds until the proposal's facts change."""
        try:
            proposal = await service.decide(
                landscape_id,
                body.proposal_id,
                verdict=body.verdict,
                reason=body.reason,
                decided_by=body.decided_by,
            )
        except ProposalNotFound as exc:
            raise _not_found(exc) from None
        decision = next(
            d for d in await service.decisions(landscape_id) if d.proposal_id == proposal.id
        )
        return ProposalExplained(
            proposal=proposal, decision=DecisionView.of(decision), decision_applies=True
        )

    @router.get("/decisions", response_model=list[DecisionView])
    async def decisions(landscape_id: Landscape) -> list[DecisionView]:
        """The decision in force per proposal, newest first."""
        return [DecisionView.of(d) for d in await service.decisions(landscape_id)]

    @router.get("/runs", response_model=list[RunSummary])
    async def runs(
        landscape_id: Landscape, limit: Annotated[int, Query(ge=1, le=1000)] = 50
    ) -> list[RunSummary]:
        """Run history, newest first."""
        return [RunSummary.of(r) for r in await service.runs(landscape_id, limit)]

    @router.post("/runs", response_model=RunAccepted, status_code=status.HTTP_202_ACCEPTED)
    async def request_run(
        landscape_id: Landscape, body: RunRequestBody | None = None
    ) -> RunAccepted:
        """Ask for a run; it is evaluated asynchronously by the instance owning the landscape."""
        body = body or RunRequestBody()
        run_id = await service.request_run(
            landscape_id, trigger=RunTrigger(body.trigger), requested_by=body.requested_by
        )
        return RunAccepted(run_id=run_id)

    @router.get("/runs/{run_id}", response_model=RunDetail)
    async def run_detail(landscape_id: Landscape, run_id: uuid.UUID) -> RunDetail:
        try:
            run, proposals = await service.run_detail(landscape_id, run_id)
        except RunNotFound as exc:
            raise _not_found(exc) from None
        return RunDetail(run=RunSummary.of(run.row), proposals=proposals, waves=run.waves)

    @router.get("/runs/{run_id}/diff", response_model=RunDiffView)
    async def diff(
        landscape_id: Landscape,
        run_id: uuid.UUID,
        against: Annotated[
            uuid.UUID | None, Query(description="Earlier run; default the one before.")
        ] = None,
    ) -> RunDiffView:
        """What changed between two runs: added, removed and changed proposals."""
        try:
            result = await service.diff(landscape_id, run_id, against)
        except RunNotFound as exc:
            raise _not_found(exc) from None
        return RunDiffView(
            from_run=result.from_run,
            to_run=result.to_run,
            added=result.added,
            removed=result.removed,
            changed=[
                ProposalChange(id=a.id, fields=f, before=b, after=a) for b, a, f in result.changed
            ],
            saving_change=result.saving_change,
        )

    return router
