"""B3 rationalisation: one full in-process run of the rationalizer's domain engine per size,
each in its own child process so peak memory belongs to that size alone."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date
from typing import Any

from snoei.bench.common import MB, Figure, PeakRss, ScenarioResult, ratio
from snoei.bench.context import BenchContext

TITLE = "full rationalisation run (domain engine, in process)"
TODAY = date(2026, 11, 23)  # the samples' reference date: the same facts on every run
FULL_SIZES = ((400, 2_000), (10_000, 50_000), (100_000, 500_000))
QUICK_SIZES = ((100, 500), (400, 2_000))
TARGETS_S = {(400, 2_000): 0.5, (10_000, 50_000): 10.0}
GROWTH_TARGET = 15.0


def measure(n_applications: int, n_integrations: int) -> dict[str, Any]:
    """Generate, build the rationalizer's landscape and run it once; times and memory."""
    from snoei.rationalizer.adapters.endoflife import packaged_catalogue
    from snoei.rationalizer.domain.engine import rationalise
    from snoei.rationalizer.domain.landscape import Landscape
    from snoei.rationalizer.domain.rulebook import RulesConfig
    from snoei.samples import generate_scale

    sample = generate_scale(n_applications, n_integrations)
    catalogue = packaged_catalogue()
    with PeakRss() as memory:
        started = time.perf_counter()
        landscape = Landscape(
            applications=sample.applications,
            integrations=sample.integrations,
            capabilities=sample.capabilities,
            technologies=sample.technologies,
        )
        built = time.perf_counter()
        evaluation = rationalise(
            landscape, config=RulesConfig(), catalogue=catalogue, today=TODAY
        )
        finished = time.perf_counter()
    return {
        "build_s": built - started,
        "evaluate_s": finished - built,
        "total_s": finished - started,
        "proposals": len(evaluation.proposals),
        "peak_rss_mb": memory.peak / MB,
        "run_growth_mb": memory.growth / MB,
    }


def _in_child(n: int, m: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "snoei.bench.b3_rationalise", str(n), str(m)],
        capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"B3 at {n}/{m} failed: {completed.stderr.strip()[-800:]}")
    measured: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return measured


async def run(ctx: BenchContext) -> ScenarioResult:
    sizes = QUICK_SIZES if ctx.quick else FULL_SIZES
    result = ScenarioResult(
        "B3", TITLE, {"sizes": [f"{n}/{m}" for n, m in sizes], "today": TODAY.isoformat()}
    )
    measured: dict[tuple[int, int], dict[str, Any]] = {}
    for n, m in sizes:
        ctx.console.print(f"  B3 at {n} applications / {m} integrations")
        one = _in_child(n, m)
        measured[(n, m)] = one
        result.figures.append(
            Figure(
                f"seconds at {n}/{m}", round(one["total_s"], 3), "s",
                target=TARGETS_S.get((n, m)), target_on="value" if (n, m) in TARGETS_S else None,
                note=(f"build {one['build_s']:.2f} s + evaluate {one['evaluate_s']:.2f} s; "
                      f"{one['proposals']} proposals"),
            )
        )
        result.figures.append(
            Figure(f"peak RSS at {n}/{m}", round(one["peak_rss_mb"], 1), "MB",
                   note=f"+{one['run_growth_mb']:.1f} MB during the run (sample data before)")
        )
    (small, large) = (sizes[-2], sizes[-1])
    growth = measured[large]["total_s"] / measured[small]["total_s"]
    scale = (large[0] + large[1]) / (small[0] + small[1])
    full = large == FULL_SIZES[-1]
    result.figures.append(
        Figure(
            f"growth {large[0]}/{small[0]} seconds", round(growth, 2), "x",
            baseline=round(scale, 1), baseline_name="growth of the input",
            ratio=ratio(growth, scale), ratio_of="time growth / size growth",
            target=GROWTH_TARGET if full else None, target_on="value" if full else None,
        )
    )
    return result


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
