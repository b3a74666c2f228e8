"""`GET /export`: the proposals of the latest run, with the decisions in force laid over
them, as a spreadsheet (one row per proposal)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from snoei.rationalizer.adapters.decisions import DecisionRow
from snoei.rationalizer.adapters.runs import StoredRun
from snoei.rationalizer.api.dependencies import Queries
from snoei.shared.contracts.proposals import Proposal
from snoei.shared.http import AuthorizedLandscape
from snoei.shared.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Table,
    TableFormat,
    table,
    table_response,
)

router = APIRouter()

COLUMNS = (
    "id", "action", "status", "targets", "target_names", "survivor", "capabilities",
    "yearly_saving", "migration_cost", "payback_months", "missing_inputs", "risk",
    "risk_score", "confidence", "blocked_reason", "summary", "rules", "lost_flows",
    "integrations_to_rewire", "replacement_candidates", "decision", "decision_reason",
    "decided_by", "decided_at", "decision_applies", "facts_hash", "run_id", "run_finished_at",
)
# Fields of a proposal that do not fit a cell; the table names or counts them instead.
NESTED = {"rules", "blast_radius"}


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
)
async def export_proposals(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    format: Annotated[TableFormat, Query(description="`xlsx` or `csv`.")] = TableFormat.XLSX,
) -> Response:
    """The latest run's proposals with decisions applied: amounts as numbers, unknown
    amounts as empty cells (never 0), the decision in force and who took it."""
    run, proposals = await service.proposals(landscape_id)
    decisions = {d.proposal_id: d for d in await service.decisions(landscape_id)}
    names = await service.application_names(landscape_id)
    sheet = proposal_table(run, proposals, decisions, names)
    return table_response([sheet], format, f"{landscape_id}-proposals")


def proposal_table(
    run: StoredRun | None,
    proposals: list[Proposal],
    decisions: Mapping[str, DecisionRow],
    names: Mapping[str, str],
) -> Table:
    """One row per proposal; a field the contract gains later becomes a column of its own
    (after the known ones), so nothing is left out."""
    rows = [_row(run, p, decisions.get(p.id), names) for p in proposals]
    extra = sorted({k for r in rows for k in r} - set(COLUMNS) - NESTED)
    return table("proposals", rows, (*COLUMNS, *extra))


def _row(
    run: StoredRun | None, p: Proposal, decision: DecisionRow | None, names: Mapping[str, str]
) -> dict[str, Any]:
    row = p.model_dump()
    row.update(
        target_names=[names.get(t, t) for t in p.targets],
        rules=[r.rule for r in p.rules],
        lost_flows=len(p.blast_radius),
        integrations_to_rewire=len(p.integrations_to_rewire),
        run_id=str(run.row.run_id) if run else None,
        run_finished_at=run.row.finished_at if run else None,
    )
    if decision is not None:
        row.update(
            decision=decision.verdict, decision_reason=decision.reason,
            decided_by=decision.decided_by, decided_at=decision.decided_at,
            decision_applies=decision.facts_hash == p.facts_hash,
        )
    return row
