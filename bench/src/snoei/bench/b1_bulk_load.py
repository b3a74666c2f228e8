"""B1 bulk load: the scale landscape through inventory -> dependency -> rationalizer versus a
raw aiokafka two-hop relay of the same messages on the same broker."""

from __future__ import annotations

import time

from snoei.bench.common import MB, Figure, PeakRss, ScenarioResult, ratio
from snoei.bench.context import LOAD_TIMEOUT_S, SCALE_LANDSCAPE, BenchContext, wait_inventory
from snoei.bench.environment import change_messages, publish_all, raw_producer, wait_for_run
from snoei.bench.relay import TwoHopRelay

TITLE = "bulk load through Kafka until the rationalizer ran on the final graph"
SERVICES = ("inventory", "dependency", "rationalizer")


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

    services = {name: env.stack.pids[name] for name in SERVICES}
    with PeakRss(services, interval=0.1) as memory:
        producer = raw_producer(env, "bench-b1")
        await producer.start()
        try:
            started = time.perf_counter()
            await publish_all(producer, env.kafka.topics.inventory_changes, messages)
            published_s = time.perf_counter() - started
        finally:
            await producer.stop()
        sequence = await wait_inventory(env, SCALE_LANDSCAPE, count, LOAD_TIMEOUT_S)
        inventory_s = time.perf_counter() - started
        run_row = await wait_for_run(env, SCALE_LANDSCAPE, sequence, timeout=LOAD_TIMEOUT_S)
        total_s = time.perf_counter() - started
    ctx.loaded[SCALE_LANDSCAPE] = sequence
    rate = count / total_s

    result.figures = [
        Figure(
            "events/s, publish -> rationalizer run on final graph",
            round(rate, 1), "events/s",
            baseline=round(relay_rate, 1), baseline_name="raw aiokafka two-hop relay",
            ratio=ratio(rate, relay_rate), ratio_of="snoei / relay",
            target=0.5, target_on="ratio", direction="min",
        ),
        Figure("seconds, publish -> rationalizer run", round(total_s, 2), "s",
               baseline=round(relay_s, 2), baseline_name="raw relay seconds",
               ratio=ratio(total_s, relay_s), ratio_of="snoei / relay"),
        Figure("seconds, publish -> inventory stored all", round(inventory_s, 2), "s",
               note=f"publishing alone took {published_s:.2f} s"),
        Figure("seconds, final rationalizer run (in service)",
               round(float(run_row["duration_ms"]) / 1000, 2), "s",
               note=f"{run_row['proposal_count']} proposals, graph version "
                    f"{run_row['graph_version']}"),
        *(
            Figure(f"peak RSS of the {name} service during the load", round(peak / MB), "MiB",
                   target=1024, target_on="value", direction="max")
            for name, peak in memory.peaks.items()
        ),
    ]
    return result
