"""B8 CLI start-up: what importing ``snoei.cli.main`` costs (``python -X importtime``, the
cumulative times of the top-level imports summed), against importing typer alone, and the
wall time of ``snoei --help``; each in a fresh interpreter, the median of several."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from snoei.bench.common import Figure, ScenarioResult, ratio
from snoei.bench.context import BenchContext

TITLE = "CLI start-up (import time of snoei.cli.main, snoei --help)"
TARGET_MS = 500.0
RUNS, QUICK_RUNS = 7, 3


def top_level_import_ms(report: str) -> float:
    """The sum of the cumulative times of the top-level imports in an ``-X importtime``
    report (lines ``import time: self | cumulative | name``, nested names indented)."""
    total_us = 0
    for line in report.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue  # the header, or anything else on stderr
        name = parts[2]
        if len(name) - len(name.lstrip(" ")) == 1:  # one space: imported at top level
            total_us += int(parts[1])
    return total_us / 1000


def import_ms(module: str) -> float:
    """``import module`` in a fresh interpreter, as ``-X importtime`` reports it."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return top_level_import_ms(completed.stderr)


def wall_ms(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, timeout=120)
    return (time.perf_counter() - started) * 1000


def _median(measure: Callable[[], float], runs: int) -> float:
    return statistics.median(measure() for _ in range(runs))


async def run(ctx: BenchContext) -> ScenarioResult:
    runs = QUICK_RUNS if ctx.quick else RUNS
    result = ScenarioResult("B8", TITLE, {"runs": runs})
    ctx.console.print(f"  B8 importing snoei.cli.main and typer, {runs}× each")
    cli = _median(lambda: import_ms("snoei.cli.main"), runs)
    typer = _median(lambda: import_ms("typer"), runs)
    result.figures.append(
        Figure(
            "import snoei.cli.main (top-level imports summed)", round(cli, 1), "ms",
            baseline=round(typer, 1), baseline_name="import typer",
            ratio=ratio(cli, typer), ratio_of="snoei.cli.main / typer",
            target=TARGET_MS, target_on="value",
            note="python -X importtime in a fresh interpreter, median",
        )
    )
    snoei = str(Path(sys.executable).parent / "snoei")
    help_ms = _median(lambda: wall_ms([snoei, "--help"]), runs)
    bare = _median(lambda: wall_ms([sys.executable, "-c", "pass"]), runs)
    result.figures.append(
        Figure(
            "snoei --help wall time", round(help_ms, 1), "ms",
            baseline=round(bare, 1), baseline_name="python -c pass",
            ratio=ratio(help_ms, bare), ratio_of="snoei --help / bare interpreter",
            note="includes interpreter start and typer's help rendering (rich)",
        )
    )
    return result
