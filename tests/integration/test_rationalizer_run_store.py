"""The run store: what a process remembers of the runs it stored gives way to what another
instance stored since."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from snoei.rationalizer.adapters.runs import RunRepository, RunRow, StoredRun
from snoei.rationalizer.domain.waves import Wave, WavePlan, WaveUnit
from snoei.rationalizer.encoding import EncodedProposals, ProposalEncoder
from snoei.shared.contracts.proposals import Action, Proposal, RiskLevel, RuleFired

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


def _proposals(count: int, changed: int | None = None) -> tuple[Proposal, ...]:
    return tuple(
        Proposal(
            id=f"retire:app-{i:04d}",
            action=Action.REPLACE if i % 5 == 0 else Action.RETIRE,
            targets=(f"app-{i:04d}",),
            rules=(),
            yearly_saving=None if i % 7 == 0 else float(i * (2 if i == changed else 1)),
            migration_cost=None,
            payback_months=None,
            risk=RiskLevel.LOW,
            risk_score=0.1,
            confidence=1.0,
            facts_hash=f"facts-{i}",
            summary=f"app {i}",
        )
        for i in range(count)
    )


async def test_runs_store_only_the_chunks_of_their_proposals_that_changed(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    repository, encoder = RunRepository(rationalizer_pool), ProposalEncoder()
    first, second = _proposals(600), _proposals(600, changed=300)
    runs = [_run({}) for _ in range(3)]
    for run, proposals in zip(runs, (first, second, ()), strict=True):
        assert await repository.save_run(run, encoder.encode(LANDSCAPE, proposals))
    chunks = await rationalizer_pool.fetchval("SELECT count(*) FROM proposal_chunks")
    stored = await rationalizer_pool.fetch("SELECT proposal_chunks FROM runs")
    assert chunks == len({d for r in stored for d in r["proposal_chunks"]})
    assert chunks == len(stored[0]["proposal_chunks"]) + 1  # the second run changed one
    assert await rationalizer_pool.fetchval("SELECT count(*) FROM run_proposals") == 0

    for run, proposals in zip(runs, (first, second, ()), strict=True):
        by_saving = sorted(proposals, key=lambda p: (-(p.yearly_saving or -1), p.id))
        assert await repository.run_proposals(run.row.run_id) == by_saving
    found = await repository.run_proposals(runs[1].row.run_id, action="replace", min_saving=200)
    assert {p.id for p in found} == {
        p.id for p in second if p.action is Action.REPLACE and (p.yearly_saving or 0) >= 200
    }
    one = await repository.run_proposals(runs[1].row.run_id, proposal_id="retire:app-0300")
    assert [p.yearly_saving for p in one] == [600.0]


async def test_proposals_of_runs_stored_before_chunks_still_read(
    rationalizer_pool: asyncpg.Pool,
) -> None:
    """Runs stored before migration 0010 list their proposals in ``run_proposals``."""
    run, (proposal,) = _run({}), _proposals(2)[1:]
    assert await RunRepository(rationalizer_pool).save_run(run, EncodedProposals((), [], []))
    await rationalizer_pool.execute(
        """INSERT INTO run_proposals (run_id, proposal_id, action, status, yearly_saving,
                                      facts_hash, body)
           VALUES ($1, $2, 'retire', 'open', 1, 'facts-1', $3)""",
        run.row.run_id,
        proposal.id,
        proposal.model_dump_json(),
    )
    assert await RunRepository(rationalizer_pool).run_proposals(run.row.run_id) == [proposal]
