"""B9 (optional, several minutes): B1's bulk load at ten times the size. The 10k/50k and the
100k/500k landscapes go through the same stack one after the other (each its own landscape,
so neither starts from the other's state); the figure is how much longer the large one
takes, for ten times the records (goal ≤ 15×), with each service's peak RSS."""

from __future__ import annotations

from snoei.bench.b1_bulk_load import Load, memory_figures, timed_load
from snoei.bench.common import Figure, ScenarioResult, ratio
from snoei.bench.context import BenchContext
from snoei.bench.environment import change_messages
from snoei.samples import generate_scale

TITLE = "bulk load growth: 100k/500k against 10k/50k through the whole pipeline"
FULL = ((10_000, 50_000), (100_000, 500_000))
QUICK = ((400, 2_000), (4_000, 20_000))


async def _load(ctx: BenchContext, n: int, m: int) -> Load:
    landscape_id = f"bench-growth-{n}"
    messages = change_messages(generate_scale(n, m, landscape_id=landscape_id))
    ctx.console.print(f"  {len(messages):,} changes of {landscape_id}")
    load = await timed_load(ctx.environment, messages, landscape_id)
    ctx.loaded[landscape_id] = load.sequence
    return load


async def run(ctx: BenchContext) -> ScenarioResult:
    (small_n, small_m), (large_n, large_m) = QUICK if ctx.quick else FULL
    small = await _load(ctx, small_n, small_m)
    large = await _load(ctx, large_n, large_m)
    result = ScenarioResult("B9", TITLE, {
        "small": {"applications": small_n, "integrations": small_m, "changes": small.count},
        "large": {"applications": large_n, "integrations": large_m, "changes": large.count},
    })
    growth = ratio(large.total_s, small.total_s)
    result.figures = [
        Figure(f"seconds, publish -> run at {large_n:,}/{large_m:,}", round(large.total_s, 2),
               "s", baseline=round(small.total_s, 2),
               baseline_name=f"seconds at {small_n:,}/{small_m:,}",
               ratio=growth, ratio_of="large / small",
               target=15, target_on="ratio", direction="max",
               note=f"{large.count / small.count:.1f}x the changes"),
        Figure(f"seconds, publish -> inventory stored all at {large_n:,}",
               round(large.inventory_s, 2), "s", baseline=round(small.inventory_s, 2),
               ratio=ratio(large.inventory_s, small.inventory_s), ratio_of="large / small"),
        Figure(f"seconds, final rationalizer run at {large_n:,} (in service)",
               round(float(large.run["duration_ms"]) / 1000, 2), "s",
               baseline=round(float(small.run["duration_ms"]) / 1000, 2),
               note=f"{large.run['proposal_count']} proposals"),
        *memory_figures(large, target=None, label=f" at {large_n:,}"),
    ]
    return result
