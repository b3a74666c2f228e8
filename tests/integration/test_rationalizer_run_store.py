"""The run store: what a process remembers of the runs it stored gives way to what another
instance stored since."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from snoei.rationalizer.adapters.runs import RunRepository, RunRow, StoredRun
from snoei.rationalizer.domain.waves import Wave, WavePlan, WaveUnit
from snoei.rationalizer.encoding import EncodedProposals
from snoei.shared.contracts.proposals import RuleFired

pytestmark = pytest.mark.integration

LANDSCAPE = "gemeente-test"
NOTE = RuleFired(rule="structure", message="crm is part of erp", facts={"part": "crm"})


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


async def test_runs_share_the_quadrants_waves_and_notes_they_repeat(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    mine, theirs = RunRepository(rationalizer_pool), RunRepository(rationalizer_pool)
    nothing = EncodedProposals((), [], [])
    waves = WavePlan(
        waves=(Wave(number=1, units=(WaveUnit(applications=("crm",), cycle=False),)),)
    )
    first = StoredRun(_run({"crm": "eliminate"}).row, {"crm": "eliminate"}, waves, (NOTE,))
    again = StoredRun(_run({"crm": "eliminate"}).row, {"crm": "eliminate"}, waves, (NOTE,))
    moved = StoredRun(_run({"crm": "migrate"}).row, {"crm": "migrate"}, WavePlan())
    saves = ((mine, first), (mine, again), (theirs, again), (mine, moved))
    assert [await r.save_run(run, nothing) for r, run in saves] == [True, True, False, True]
    documents = await rationalizer_pool.fetchval("SELECT count(*) FROM run_documents")
    assert documents == 6  # two quadrant maps, wave plans and lists of notes, each once
    for run in (first, again, moved):
        stored = await theirs.run(LANDSCAPE, run.row.run_id)
        assert stored is not None
        assert (stored.quadrants, stored.waves, stored.notes) == (
            run.quadrants,
            run.waves,
            run.notes,
        )
    assert await theirs.latest_quadrants(LANDSCAPE) == {"crm": "migrate"}


async def test_runs_stored_before_documents_still_read(rationalizer_pool: asyncpg.Pool) -> None:
    """Runs stored before migration 0008 hold their quadrants, waves and notes inline (and
    those stored before 0009 their notes)."""
    run = _run({"erp": "invest"})
    await rationalizer_pool.execute(
        """INSERT INTO runs (run_id, landscape_id, trigger, graph_version, inventory_sequence,
                             started_at, finished_at, duration_ms, proposal_count,
                             total_yearly_saving, stale_inputs, quadrants, waves, notes)
           VALUES ($1, $2, 'cli', 1, 1, now(), now(), 1, 0, 0, false, $3, $4, $5)""",
        run.row.run_id,
        LANDSCAPE,
        '{"erp": "invest"}',
        WavePlan().model_dump_json(),
        f"[{NOTE.model_dump_json()}]",
    )
    repository = RunRepository(rationalizer_pool)
    stored = await repository.run(LANDSCAPE)
    assert stored is not None
    assert (stored.row.run_id, stored.quadrants, stored.waves, stored.notes) == (
        run.row.run_id,
        {"erp": "invest"},
        WavePlan(),
        (NOTE,),
    )
    assert await repository.latest_quadrants(LANDSCAPE) == {"erp": "invest"}
