"""B1 bulk load: the scale landscape through inventory -> dependency -> rationalizer versus a
raw aiokafka two-hop relay of the same messages on the same broker."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from snoei.bench.common import MB, Figure, PeakRss, ScenarioResult, ratio
from snoei.bench.context import LOAD_TIMEOUT_S, SCALE_LANDSCAPE, BenchContext, wait_inventory
from snoei.bench.environment import (
    BenchEnv,
    change_messages,
    publish_all,
    raw_producer,
    wait_for_run,
)
from snoei.bench.relay import TwoHopRelay

TITLE = "bulk load through Kafka until the rationalizer ran on the final graph"
SERVICES = ("inventory", "dependency", "rationalizer")


@dataclass(frozen=True)
class Load:
    """One landscape's changes through the stack, timed from the first publish."""

    count: int
    published_s: float
    inventory_s: float
    total_s: float
    sequence: int
    run: dict[str, Any]  # the rationalizer's run on the final graph
    peaks: dict[str, int]  # peak RSS per service during the load, bytes


async def timed_load(
    env: BenchEnv, messages: list[tuple[bytes, bytes]], landscape_id: str
) -> Load:
    """Publish ``messages`` to ``inventory.changes``; wait until the inventory stored them
    all and the rationalizer ran on the final graph."""
    services = {name: env.stack.pids[name] for name in SERVICES}
    with PeakRss(services, interval=0.1) as memory:
        producer = raw_producer(env, f"bench-{landscape_id}")
        await producer.start()
        try:
            started = time.perf_counter()
            await publish_all(producer, env.kafka.topics.inventory_changes, messages)
            published_s = time.perf_counter() - started
        finally:
            await producer.stop()
        sequence = await wait_inventory(env, landscape_id, len(messages), LOAD_TIMEOUT_S)
        inventory_s = time.perf_counter() - started
        run_row = await wait_for_run(env, landscape_id, sequence, timeout=LOAD_TIMEOUT_S)
        total_s = time.perf_counter() - started
    return Load(len(messages), published_s, inventory_s, total_s, sequence, dict(run_row),
                dict(memory.peaks))


def memory_figures(load: Load, *, target: float | None, label: str = "") -> list[Figure]:
    """Peak RSS per service; ``target`` in MiB (None: no target at this size)."""
    return [
        Figure(f"peak RSS of the {name} service during the load{label}", round(peak / MB),
               "MiB", target=target, target_on="value" if target else None, direction="max")
        for name, peak in load.peaks.items()
    ]


async def run(ctx: BenchContext) -> ScenarioResult:
    env = ctx.environment
    n, m = ctx.scale_size
    messages = change_messages(ctx.scale)
    count = len(messages)
    result = ScenarioResult("B1", TITLE, {"applications": n, "integrations": m, "changes": count})

    async with TwoHopRelay(env) as relay:
        started = time.perf_counter()
        await publish_all(relay.producer, relay.source, messages)
        await relay.wait_received(count, LOAD_TIMEOUT_S)
        relay_s = time.perf_counter() - started
    relay_rate = count / relay_s

    load = await timed_load(env, messages, SCALE_LANDSCAPE)
    ctx.loaded[SCALE_LANDSCAPE] = load.sequence
    rate = count / load.total_s
    run_row = load.run
    result.figures = [
        Figure(
            "events/s, publish -> rationalizer run on final graph",
            round(rate, 1), "events/s",
            baseline=round(relay_rate, 1), baseline_name="raw aiokafka two-hop relay",
            ratio=ratio(rate, relay_rate), ratio_of="snoei / relay",
            target=0.5, target_on="ratio", direction="min",
        ),
        Figure("seconds, publish -> rationalizer run", round(load.total_s, 2), "s",
               baseline=round(relay_s, 2), baseline_name="raw relay seconds",
               ratio=ratio(load.total_s, relay_s), ratio_of="snoei / relay"),
        Figure("seconds, publish -> inventory stored all", round(load.inventory_s, 2), "s",
               note=f"publishing alone took {load.published_s:.2f} s"),
        Figure("seconds, final rationalizer run (in service)",
               round(float(run_row["duration_ms"]) / 1000, 2), "s",
               note=f"{run_row['proposal_count']} proposals, graph version "
                    f"{run_row['graph_version']}"),
        *memory_figures(load, target=1024),
    ]
    return result
