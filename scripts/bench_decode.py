"""Micro benchmark: the B1 load's ``inventory.changes`` and ``inventory.events`` decoded as the
inventory and the dependency consumers decode them, one record at a time versus a batch at a
time, in process, each batch in ``PROCESS_HEAP.work()`` as the consumers run it (the cyclic
collector paused). CPU seconds, best of several interleaved rounds (a shared machine is noisy).

    .venv/bin/python scripts/bench_decode.py [rounds]
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from aiokafka.structs import ConsumerRecord

from snoei.dependency import handlers as dependency
from snoei.inventory import handlers as inventory
from snoei.inventory.domain.changes import event_for, target_of
from snoei.samples import generate_scale
from snoei.shared.heap import PROCESS_HEAP
from snoei.shared.kafka import Rejections

LANDSCAPE = "bench-decode"
CHANGE_BATCH = 2_000  # the inventory's batch_max_records
EVENT_BATCH = 5_000  # the dependency service's batch_max_records


def _record(topic: str, offset: int, key: bytes, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(topic, 0, offset, 0, 0, key, value, None, 0, len(value), ())


def load() -> tuple[list[ConsumerRecord], list[ConsumerRecord]]:
    """The scale landscape's changes, and the events the inventory writes for them (its own
    bytes, as ``event_for`` builds them)."""
    changes = generate_scale(10_000, 50_000, landscape_id=LANDSCAPE).to_changes("bench")
    change_records, event_records = [], []
    for offset, change in enumerate(changes):
        change_records.append(
            _record("inventory.changes", offset, change.key(), change.to_bytes())
        )
        event = event_for(change, target_of(change), existed=False, sequence=offset + 1)
        if event is None:
            raise SystemExit(f"change {offset} makes no event")
        event_records.append(_record("inventory.events", offset, change.key(), event.body))
    return change_records, event_records


def _batches(records: list[ConsumerRecord], size: int) -> list[list[ConsumerRecord]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


def _cpu_seconds(batches: list[list[ConsumerRecord]], decode: Callable[[Any], Any]) -> float:
    gc.collect()
    seconds = 0.0
    for batch in batches:
        with PROCESS_HEAP.work():
            started = time.process_time()
            decode(batch)
            seconds += time.process_time() - started
    return seconds


def main(rounds: int) -> None:
    change_records, event_records = load()
    changes = _batches(change_records, CHANGE_BATCH)
    events = _batches(event_records, EVENT_BATCH)
    rejections = Rejections()
    cases: dict[str, tuple[list[list[ConsumerRecord]], Callable[[Any], Any]]] = {
        "changes one by one": (changes, lambda b: [inventory.decode(r) for r in b]),
        "changes a batch at a time": (changes, inventory.decode_batch),
        "events one by one": (events, lambda b: [dependency.decode(r, rejections) for r in b]),
        "events a batch at a time": (events, lambda b: dependency.decode_batch(b, rejections)),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (batches, decode) in cases.items():
            samples[name].append(_cpu_seconds(batches, decode))
    for name, (batches, _) in cases.items():
        count = sum(map(len, batches))
        best = min(samples[name])
        print(
            f"{name:27} {count:6} records  best {best:6.3f} s CPU ({count / best:8,.0f}/s)"
            f"  median {statistics.median(samples[name]):6.3f} s"
        )
    if rejections.counts:
        raise SystemExit(f"unexpected rejections: {rejections.counts}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
