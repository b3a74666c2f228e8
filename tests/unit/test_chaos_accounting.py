"""The chaos suite's bookkeeping: how the load is cut, how faults are planned, and how
losses and differences are counted."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from snoei.bench.chaos.kinds import EMBEDDED_ONLY, KINDS
from snoei.bench.chaos.load import Change, chunks
from snoei.bench.chaos.report import event_accounting
from snoei.bench.chaos.runner import Options, RunResult, fault_plan
from snoei.bench.chaos.servers import ChaosError, Servers
from snoei.bench.chaos.state import EndState, differences, ranges
from snoei.cli.embedded import EmbeddedKafka, EmbeddedPostgres

pytestmark = pytest.mark.unit


def change(n: int) -> Change:
    return Change(uuid.UUID(int=n), b"chaos", str(n).encode())


def options(cycles: int, faults: tuple[str, ...] = KINDS) -> Options:
    return Options(cycles, 10, 10, seed=5, faults=faults, timeout=10)


def test_the_load_is_cut_into_consecutive_chunks_of_nearly_equal_size() -> None:
    parts = chunks([change(n) for n in range(11)], 4)
    assert [len(p) for p in parts] == [3, 3, 3, 2]
    assert [c for p in parts for c in p] == [change(n) for n in range(11)]


def test_every_fault_kind_comes_once_before_any_repeats() -> None:
    # Never started: the plan only asks whether the servers are embedded.
    pg = EmbeddedPostgres(Path("pg"), 1, Path("pg.log"))
    servers = Servers("postgresql://x/postgres", "x:1", pg, EmbeddedKafka(2, Path("b.log")))
    plan = fault_plan(options(len(KINDS) + 3), servers)
    assert sorted(plan[: len(KINDS)]) == sorted(KINDS)
    assert plan == fault_plan(options(len(KINDS) + 3), servers)  # seeded


def test_servers_the_suite_did_not_start_are_never_crashed() -> None:
    own = Servers("postgresql://x/postgres", "x:1")
    assert not set(fault_plan(options(20), own)) & EMBEDDED_ONLY
    with pytest.raises(ChaosError, match="embedded stack"):
        fault_plan(options(3, ("broker", "postgres")), own)


def test_ranges_collapse_consecutive_numbers() -> None:
    assert ranges([7, 1, 2, 3, 9, 10]) == ["1-3", "7", "9-10"]
    assert ranges(list(range(0, 40, 2)), limit=2) == ["0", "2"]


def test_events_missing_after_a_broker_loss_are_the_brokers_and_any_other_are_lost() -> None:
    state = EndState(last_sequence=6)
    seen = {1: ["a"], 2: ["b", "b"], 4: ["d", "x"], 6: ["f"]}
    run = RunResult("faults", state, [], [], seen, broker_lost_events={3}, broker_lost_changes=0)
    counted = event_accounting(run)
    assert counted["duplicates"] == 2
    assert counted["broker_lost"] == 1
    assert counted["lost"] == 1
    assert counted["renumbered"] == 1
    assert counted["missing"] == ["3", "5"]


def test_differences_name_the_part_and_the_keys_that_differ() -> None:
    reference = EndState(items={("application", "a"): (1, "{}"), ("application", "b"): (1, "{}")},
                         proposals={("retire:a",): ("retire", "h1", "open")})
    chaos = EndState(items={("application", "a"): (2, "{}")},
                     proposals={("retire:a",): ("retire", "h1", "open")})
    found = differences(reference, chaos)
    assert len(found) == 1
    assert found[0].startswith("inventory items: 2 differ")
    assert "application/b missing after faults" in found[0]
    assert "application/a 1, {} vs 2, {} after faults" in found[0]
    longer = EndState(proposals={("retire:a",): ("retire", "h2" * 40, "open")})
    assert differences(reference, longer)[-1].endswith("retire:a differs in facts_hash")
    assert differences(reference, reference) == []
