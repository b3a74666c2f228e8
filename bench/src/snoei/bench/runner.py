"""Runs the selected scenarios against a fresh embedded stack, prints the table and writes
``bench/results/latest.json`` and ``latest.md``."""

from __future__ import annotations

import asyncio
import json
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from snoei.bench import (
    b1_bulk_load,
    b2_freshness,
    b3_rationalise,
    b4_queries,
    b5_database,
    b6_framework,
    b7_dependency,
    b8_cli_startup,
    b9_growth,
)
from snoei.bench.common import Figure, ScenarioResult, machine
from snoei.bench.context import BenchContext
from snoei.bench.environment import bench_environment


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    run: Callable[[BenchContext], Awaitable[ScenarioResult]]
    servers: bool  # needs PostgreSQL and the broker
    services: bool  # needs the three services as processes
    optional: bool = False  # runs only when named (takes minutes)


# Run order: in-process first, then the raw paths, then the loaded stack (B1 loads the
# landscape B2 and B4 query).
SCENARIOS = {
    s.key: s
    for s in (
        Scenario("B3", b3_rationalise.TITLE, b3_rationalise.run, servers=False, services=False),
        Scenario("B8", b8_cli_startup.TITLE, b8_cli_startup.run, servers=False, services=False),
        Scenario("B5", b5_database.TITLE, b5_database.run, servers=True, services=False),
        Scenario("B6", b6_framework.TITLE, b6_framework.run, servers=True, services=False),
        Scenario("B7", b7_dependency.TITLE, b7_dependency.run, servers=True, services=False),
        Scenario("B1", b1_bulk_load.TITLE, b1_bulk_load.run, servers=True, services=True),
        Scenario("B2", b2_freshness.TITLE, b2_freshness.run, servers=True, services=True),
        Scenario("B4", b4_queries.TITLE, b4_queries.run, servers=True, services=True),
        Scenario("B9", b9_growth.TITLE, b9_growth.run, servers=True, services=True,
                 optional=True),
    )
}


class UnknownScenario(ValueError):
    pass


def select(scenario: str | None) -> list[Scenario]:
    if scenario is None:
        return [s for s in SCENARIOS.values() if not s.optional]
    keys = [k.strip().upper() for k in scenario.split(",") if k.strip()]
    unknown = [k for k in keys if k not in SCENARIOS]
    if unknown:
        raise UnknownScenario(
            f"unknown scenario {', '.join(unknown)}; choose from {', '.join(sorted(SCENARIOS))}"
        )
    return [s for s in SCENARIOS.values() if s.key in keys]


def _run_all(
    chosen: list[Scenario], *, quick: bool, root: Path, console: Console
) -> list[ScenarioResult]:
    """In-process scenarios first, then one fresh stack for the rest. The stack is started
    outside the event loop (``stack_up`` runs its own), the scenarios inside one loop."""
    results: list[ScenarioResult] = []

    async def one(scenario: Scenario, ctx: BenchContext) -> None:
        console.print(f"[bold]{scenario.key}[/bold] {scenario.title}")
        started = time.perf_counter()
        log_at = ctx.env.postgres_log_size() if ctx.env is not None else 0
        try:
            result = await scenario.run(ctx)
        except Exception as exc:
            error = str(exc)
            trouble = ctx.env.postgres_trouble(since=log_at) if ctx.env is not None else []
            if trouble:
                error += "; PostgreSQL log: " + " | ".join(trouble)
            console.print(f"[red]{scenario.key} failed:[/red] {error}")
            result = ScenarioResult(scenario.key, scenario.title, {}, error=error)
            console.print(traceback.format_exc(), style="dim", markup=False, highlight=False)
        result.seconds = time.perf_counter() - started
        results.append(result)

    async def several(scenarios: list[Scenario], ctx: BenchContext) -> None:
        for scenario in scenarios:
            await one(scenario, ctx)

    local = [s for s in chosen if not s.servers]
    served = [s for s in chosen if s.servers]
    if local:
        asyncio.run(several(local, BenchContext(None, quick, console)))
    if served:
        services = any(s.services for s in served)
        console.print("starting the embedded stack" + (" and services" if services else ""))
        with bench_environment(root, services=services) as env:
            asyncio.run(several(served, BenchContext(env, quick, console)))
    order = list(SCENARIOS)
    return sorted(results, key=lambda r: order.index(r.scenario))


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def _target(f: Figure) -> str:
    if f.target is None:
        return "—"
    sign = "≤" if f.direction == "max" else "≥"
    on = "ratio " if f.target_on == "ratio" else ""
    return f"{on}{sign} {_fmt(f.target)}"


def _verdict(f: Figure) -> str:
    return {True: "pass", False: "FAIL", None: "—"}[f.passed]


def table(report: dict[str, Any], results: list[ScenarioResult]) -> Table:
    m = report["machine"]
    title = (f"Snoei benchmarks ({'quick' if report['quick'] else 'full'}) — "
             f"{m['cores']} cores, {m['memory_gb']} GB, load {m['load_average_1m']}")
    out = Table(title=title, show_lines=False)
    for column in ("scenario", "figure", "value", "baseline", "ratio", "target", "result"):
        out.add_column(column, justify="right" if column in ("value", "baseline", "ratio")
                       else "left")
    for result in results:
        if result.error:
            out.add_row(result.scenario, f"[red]error: {result.error[:80]}[/red]",
                        "", "", "", "", "FAIL")
            continue
        for f in result.figures:
            out.add_row(
                result.scenario, f.name, f"{_fmt(f.value)} {f.unit}",
                _fmt(f.baseline), _fmt(f.ratio), _target(f),
                {"pass": "[green]pass[/green]", "FAIL": "[red]FAIL[/red]"}.get(
                    _verdict(f), "—"),
            )
    return out


def markdown(report: dict[str, Any], results: list[ScenarioResult]) -> str:
    m = report["machine"]
    lines = [
        f"# Snoei benchmarks ({'quick' if report['quick'] else 'full'})",
        "",
        f"Measured {report['finished_at']} on {m['cores']} cores, {m['memory_gb']} GB "
        f"(load {m['load_average_1m']} at start), Python {m['python']}, {m['platform']}.",
        "",
        "| scenario | figure | value | baseline | ratio | target | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        if result.error:
            lines.append(f"| {result.scenario} | error: {result.error} | | | | | FAIL |")
            continue
        for f in result.figures:
            lines.append(
                f"| {result.scenario} | {f.name} | {_fmt(f.value)} {f.unit} | "
                f"{_fmt(f.baseline)} | {_fmt(f.ratio)} | {_target(f)} | {_verdict(f)} |"
            )
    lines += ["", "Baselines and notes:", ""]
    for result in results:
        lines.append(f"- **{result.scenario}** {result.title}; sizes {result.sizes}; "
                     f"{result.seconds:.1f} s")
        for f in result.figures:
            extra = [x for x in (f.baseline_name and f"baseline: {f.baseline_name}",
                                 f.ratio_of and f"ratio: {f.ratio_of}", f.note) if x]
            if extra:
                lines.append(f"  - {f.name}: {'; '.join(extra)}")
    return "\n".join(lines) + "\n"


def run_bench(
    scenario: str | None, *, quick: bool, out_dir: Path = Path("bench/results"),
    root: Path = Path(".snoei/bench"), console: Console | None = None,
) -> dict[str, Any]:
    """Run the benchmarks; returns the report that was written to ``out_dir``."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # logs and CI: wide enough for the table
            console = Console(width=160)
    chosen = select(scenario)
    started = datetime.now(UTC)
    info = machine()
    console.print(f"machine: {info['cores']} cores, {info['memory_gb']} GB memory, "
                  f"load {info['load_average_1m']}")
    results = _run_all(chosen, quick=quick, root=root.resolve(), console=console)
    report: dict[str, Any] = {
        "quick": quick,
        "scenarios": [s.key for s in chosen],
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "results": {r.scenario: r.to_json() for r in results},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / "latest.md").write_text(markdown(report, results))
    console.print(table(report, results))
    console.print(f"written: {out_dir / 'latest.json'}, {out_dir / 'latest.md'}")
    return report
