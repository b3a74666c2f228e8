"""B4 queries: blast radius, dependents to depth 3 and export over the dependency service's
HTTP API on the scale landscape, against ``GET /health`` of the same server as baseline."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

import httpx

from snoei.bench.common import Figure, ScenarioResult, percentile, ratio
from snoei.bench.context import SCALE_LANDSCAPE, BenchContext
from snoei.bench.environment import BenchError

TITLE = "graph queries over HTTP (dependency service)"
# issue 16: blast radius p95 at most 5x the p95 of GET /health on the same server and run
BLAST_RADIUS_TARGET_RATIO = 5.0


async def _timed(call: Callable[[], Awaitable[httpx.Response]], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        response = await call()
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError(f"{response.request.url} answered {response.status_code}: "
                             f"{response.text[:300]}")
        samples.append(elapsed)
    return samples


async def run(ctx: BenchContext) -> ScenarioResult:
    env = ctx.environment
    queries, exports = (20, 2) if ctx.quick else (200, 10)
    n, m = ctx.scale_size
    result = ScenarioResult(
        "B4", TITLE,
        {"applications": n, "integrations": m, "queries": queries, "exports": exports},
    )
    await ctx.ensure_scale_loaded()
    base = f"/v1/landscapes/{SCALE_LANDSCAPE}"
    chosen = random.Random(4).choices([a.id for a in ctx.scale.applications], k=queries)
    picks = iter(chosen * 3)
    async with env.client("dependency", timeout=120) as client:
        # Warm up: the first question loads the graph from Postgres and the connection.
        await client.post(f"{base}/impact", json={"applications": [chosen[0]]})
        await client.get("/health")

        health = await _timed(lambda: client.get("/health"), queries)
        impact = await _timed(
            lambda: client.post(f"{base}/impact", json={"applications": [next(picks)]}), queries
        )
        dependents = await _timed(
            lambda: client.get(f"{base}/applications/{next(picks)}/dependents",
                               params={"depth": 3}),
            queries,
        )
        export = await _timed(lambda: client.get(f"{base}/export", params={"format": "json"}),
                              exports)
    health_p50, health_p95 = percentile(health, 50), percentile(health, 95)
    result.figures.append(
        Figure("p50 GET /health (baseline)", round(health_p50 * 1000, 2), "ms")
    )
    for label, samples, target in (
        ("blast radius (POST /impact, 1 app)", impact, BLAST_RADIUS_TARGET_RATIO),
        ("dependents depth 3", dependents, None),
        ("export JSON", export, None),
    ):
        for q in (50, 95):
            value = percentile(samples, q)
            baseline = health_p50 if q == 50 else health_p95
            checked = target is not None and q == 95
            result.figures.append(
                Figure(
                    f"p{q} {label}", round(value * 1000, 2), "ms",
                    baseline=round(baseline * 1000, 2), baseline_name=f"p{q} GET /health",
                    ratio=ratio(value, baseline), ratio_of="query / health",
                    target=target if checked else None, target_on="ratio" if checked else None,
                )
            )
    return result
