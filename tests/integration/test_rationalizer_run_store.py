"""The run store: what a process remembers of the runs it stored gives way to what another
instance stored since."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from snoei.rationalizer.adapters.runs import RunRepository, RunRow, StoredRun
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.encoding import EncodedProposals

pytestmark = pytest.mark.integration

LANDSCAPE = "gemeente-test"


def _run(quadrants: dict[str, str]) -> StoredRun:
    now = datetime.now(UTC)
    row = RunRow(
        run_id=uuid.uuid4(),
        landscape_id=LANDSCAPE,
        trigger="cli",
        requested_by=None,
        graph_version=1,
        inventory_sequence=1,
        started_at=now,
        finished_at=now,
        duration_ms=1.0,
        proposal_count=0,
        total_yearly_saving=0.0,
        empty_reason=None,
        stale_inputs=False,
    )
    return StoredRun(row, quadrants, WavePlan())


async def test_latest_quadrants_are_those_of_the_latest_run_whoever_stored_it(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    mine, theirs = RunRepository(rationalizer_pool), RunRepository(rationalizer_pool)
    nothing = EncodedProposals((), [], [])
    assert await mine.latest_quadrants(LANDSCAPE) == {}

    assert await mine.save_run(_run({"crm": "tolerate"}), nothing)
    assert await mine.latest_quadrants(LANDSCAPE) == {"crm": "tolerate"}
    assert await theirs.latest_quadrants(LANDSCAPE) == {"crm": "tolerate"}

    assert await theirs.save_run(_run({"crm": "eliminate", "erp": "invest"}), nothing)
    assert await mine.latest_quadrants(LANDSCAPE) == {"crm": "eliminate", "erp": "invest"}

    assert await mine.save_run(_run({"crm": "migrate"}), nothing)
    assert await mine.latest_quadrants(LANDSCAPE) == {"crm": "migrate"}
    assert await theirs.latest_quadrants(LANDSCAPE) == {"crm": "migrate"}
