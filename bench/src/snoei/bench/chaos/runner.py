"""Runs the suite: an undisturbed reference run, then the same load under faults, each cycle
waiting for convergence; compares the end states and writes ``bench/results/chaos.json``."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from snoei.bench.chaos.kinds import EMBEDDED_ONLY, Injected, RunContext, inject
from snoei.bench.chaos.load import Change, Feeder, chunks, workload
from snoei.bench.chaos.observe import EventTap, Probe
from snoei.bench.chaos.servers import ChaosError, Servers
from snoei.bench.chaos.services import Deployment
from snoei.bench.chaos.state import EndState, capture, ranges
from snoei.shared.kafka import ensure_topics
from snoei.shared.settings import KafkaSettings

LANDSCAPE = "chaos"


@dataclass(frozen=True)
class Options:
    cycles: int
    applications: int
    integrations: int
    seed: int
    faults: tuple[str, ...]
    timeout: float  # seconds a stage may take, convergence after a fault included


@dataclass
class Cycle:
    number: int
    changes: int
    kind: str | None = None
    detail: str | None = None
    recovery_s: float | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class RunResult:
    name: str
    state: EndState
    cycles: list[Cycle]
    published: list[Change]
    seen: dict[int, list[str]]
    broker_lost_events: set[int]
    broker_lost_changes: int


TAP_GRACE_S = 15.0  # the events reader trails the dependency


async def wait_converged(ctx: RunContext, timeout: float) -> str | None:
    """Poll until every service caught up with every published change, then until a reader
    of the events topic from its start has every sequence; None then, else what was still
    behind at the deadline."""
    deadline = time.monotonic() + timeout
    published = len(ctx.feeder.published)
    while not (progress := await ctx.probe.progress()).converged(published):
        if time.monotonic() > deadline:
            return progress.describe(published)
        await asyncio.sleep(0.25)
    # The services may have caught up over HTTP while the relay still retries a publish:
    # the events get the rest of the time, and at least a short grace.
    deadline = max(deadline, time.monotonic() + TAP_GRACE_S)
    while unread := ctx.events_unread(progress.inventory_sequence or 0):
        if time.monotonic() > deadline:
            return (f"{len(unread)} events ({', '.join(ranges(unread, 3))}) are not on the "
                    f"events topic for a reader from its start")
        await asyncio.sleep(0.25)
    return None


async def decide(probe: Probe, cycle: int) -> None:
    """Reject the first open proposal (by id) and accept the second: the same proposals in
    both runs, since both decide on the same converged state."""
    listed = await probe.get("rationalizer", "proposals", status="open")
    ids = sorted(p["id"] for p in (listed or {}).get("proposals", []))
    for proposal_id, verdict in zip(ids, ("reject", "accept"), strict=False):
        await probe.post("rationalizer", "decisions", {
            "proposal_id": proposal_id, "verdict": verdict, "decided_by": "snoei chaos",
            "reason": f"decided by the chaos suite after cycle {cycle}",
        })


async def _cycle(ctx: RunContext, k: int, chunk: list[Change], kind: str | None) -> Cycle:
    cycle = Cycle(k + 1, len(chunk), kind)
    if kind is None:
        await ctx.feeder.publish(chunk)
        started = time.monotonic()
    else:
        injected: Injected = await inject(ctx, kind, chunk)
        cycle.detail, cycle.note, started = injected.detail, injected.note, injected.at
    stuck = await wait_converged(ctx, ctx.timeout)
    if stuck is None:
        cycle.recovery_s = round(time.monotonic() - started, 2)
    else:
        cycle.note = "; ".join(filter(None, [
            cycle.note, f"not converged within {ctx.timeout:.0f}s: {stuck}"]))
    return cycle


async def one_run(
    name: str, servers: Servers, parts: list[list[Change]], options: Options, *,
    logs: Path, console: Console, plan: list[str] | None,
) -> RunResult:
    """The load in cycles, on fresh services with their own database and topics; ``plan``:
    the fault of each cycle, None for the undisturbed reference run."""
    dsn = await servers.fresh_database(f"snoei_chaos_{name}")
    kafka = KafkaSettings(bootstrap=servers.bootstrap, topic_prefix=f"chaos-{name}.")
    await ensure_topics(kafka, kafka.topics.all())  # as `snoei stack up` does
    deployment = Deployment(dsn, servers.bootstrap, kafka.topic_prefix,
                            secrets.token_urlsafe(16), logs / name, servers.broker_kind)
    feeder, tap = Feeder(kafka), EventTap(kafka, LANDSCAPE)
    try:
        await deployment.start(options.timeout)
        urls = {s: deployment.url(s) for s in deployment.primary}
        probe = Probe(dsn, LANDSCAPE, urls, deployment.token)
        ctx = RunContext(servers, deployment, probe, feeder, tap,
                         random.Random(options.seed), options.timeout)
        await feeder.start()
        tap.start()
        decide_after = {max(0, len(parts) // 2 - 1), len(parts) - 1}
        cycles: list[Cycle] = []
        for k, chunk in enumerate(parts):
            cycle = await _cycle(ctx, k, chunk, plan[k] if plan else None)
            cycles.append(cycle)
            console.print(f"  {name} cycle {cycle.number}/{len(parts)}: "
                          f"{cycle.detail or 'no fault'}; "
                          + (f"converged in {cycle.recovery_s:.1f}s" if cycle.recovery_s
                             is not None else "[red]not converged[/red]")
                          + (f" ({cycle.note})" if cycle.note else ""))
            if k in decide_after:
                await decide(probe, k + 1)
        state = await capture(probe, kafka)
    finally:
        await tap.stop()
        await feeder.stop()
        await asyncio.to_thread(deployment.stop)
    return RunResult(name, state, cycles, list(feeder.published), dict(tap.seen),
                     ctx.broker_lost_events, ctx.broker_lost_changes)


def fault_plan(options: Options, servers: Servers) -> list[str]:
    """The fault of each cycle, seeded; the servers' faults only when they are embedded."""
    kinds = [k for k in options.faults if servers.embedded or k not in EMBEDDED_ONLY]
    if not kinds:
        raise ChaosError("none of the chosen faults can be injected into servers the suite "
                         "did not start (postgres and broker need the embedded stack)")
    # Seeded shuffles one after another: random order, and every kind before any repeats.
    rng = random.Random(options.seed)
    plan: list[str] = []
    while len(plan) < options.cycles:
        plan += rng.sample(kinds, len(kinds))
    return plan[: options.cycles]


async def execute(
    options: Options, servers: Servers, *, logs: Path, console: Console
) -> tuple[RunResult, RunResult]:
    changes = workload(options.applications, options.integrations, seed=options.seed,
                       landscape_id=LANDSCAPE)
    parts = chunks(changes, options.cycles)
    plan = fault_plan(options, servers)
    console.print(f"{len(changes)} changes in {options.cycles} cycles; faults: "
                  + ", ".join(f"{k} ×{n}" for k, n in sorted(Counter(plan).items())))
    console.print("reference run (no faults)")
    reference = await one_run("reference", servers, parts, options, logs=logs,
                              console=console, plan=None)
    console.print("chaos run")
    chaos = await one_run("faults", servers, parts, options, logs=logs, console=console,
                          plan=plan)
    return reference, chaos
