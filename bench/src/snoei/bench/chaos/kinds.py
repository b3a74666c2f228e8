"""The faults a cycle can inject, each choreographed with the cycle's chunk of load."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from snoei.bench.chaos.load import Change, Feeder
from snoei.bench.chaos.observe import EventTap, Probe
from snoei.bench.chaos.servers import Servers
from snoei.bench.chaos.services import SERVICES, Deployment

TARGETED = {
    "inventory.after_db_commit": "inventory",
    "inventory.outbox_mid_batch": "inventory",
    "rationalizer.after_replica_stored": "rationalizer",
}
KINDS = ("kill", "pause", "rebalance", "postgres", "broker", *TARGETED)
EMBEDDED_ONLY = frozenset({"postgres", "broker"})
QUIET_S = 2.0  # the inventory counts as idle once its store did not change for this long


@dataclass
class RunContext:
    servers: Servers
    deployment: Deployment
    probe: Probe
    feeder: Feeder
    tap: EventTap
    rng: random.Random
    timeout: float
    broker_cursors: list[int] = field(default_factory=list)  # outbox cursor at each loss
    broker_lost_changes: int = 0


@dataclass(frozen=True, slots=True)
class Injected:
    kind: str
    detail: str
    at: float  # monotonic time of the fault
    note: str | None = None


async def _during_load(ctx: RunContext, chunk: list[Change]) -> asyncio.Task[None]:
    """Start sending the chunk and return while it flows, a random moment in."""
    load = asyncio.create_task(ctx.feeder.publish(chunk), name="chaos-load")
    await asyncio.sleep(ctx.rng.uniform(0.0, 1.0))
    return load


async def kill(ctx: RunContext, chunk: list[Change]) -> Injected:
    service = ctx.rng.choice(SERVICES)
    process = ctx.deployment.primary[service]
    load = await _during_load(ctx, chunk)
    at = time.monotonic()
    process.kill()
    await asyncio.sleep(ctx.rng.uniform(0.0, 2.0))  # down for a while, then back
    process.start()
    await process.wait_ready(ctx.timeout)
    await load
    return Injected("kill", f"SIGKILL {service}", at)


async def pause(ctx: RunContext, chunk: list[Change]) -> Injected:
    service = ctx.rng.choice(SERVICES)
    process = ctx.deployment.primary[service]
    held = ctx.rng.uniform(1.0, 6.0)  # often past the session timeout: the group moves on
    load = await _during_load(ctx, chunk)
    at = time.monotonic()
    process.signal(signal.SIGSTOP)
    await asyncio.sleep(held)
    process.signal(signal.SIGCONT)
    await load
    return Injected("pause", f"SIGSTOP {service} for {held:.1f}s", at)


async def rebalance(ctx: RunContext, chunk: list[Change]) -> Injected:
    service = ctx.rng.choice(SERVICES)
    second = ctx.deployment.second(service)
    load = await _during_load(ctx, chunk)
    at = time.monotonic()
    second.start()
    await second.wait_ready(ctx.timeout)
    await asyncio.sleep(ctx.rng.uniform(0.5, 4.0))
    await asyncio.to_thread(second.stop)
    ctx.deployment.extra.remove(second)
    await load
    return Injected("rebalance", f"a second {service} joined and left", at)


async def postgres(ctx: RunContext, chunk: list[Change]) -> Injected:
    load = await _during_load(ctx, chunk)
    at = time.monotonic()
    await asyncio.to_thread(ctx.servers.crash_postgres)
    down = ctx.rng.uniform(0.5, 3.0)
    await asyncio.sleep(down)
    await asyncio.to_thread(ctx.servers.start_postgres)
    await load
    return Injected("postgres", f"immediate stop, down {down:.1f}s", at)


async def _quiet(read: Callable[[], Awaitable[int | None]], timeout: float) -> int | None:
    """The value once it stayed the same for ``QUIET_S`` (or at the deadline)."""
    deadline = time.monotonic() + timeout
    last, since = await read(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < QUIET_S:
        await asyncio.sleep(0.25)
        value = await read()
        if value != last:
            last, since = value, time.monotonic()
    return last


async def broker(ctx: RunContext, chunk: list[Change]) -> Injected:
    """Kill Tansu (memory only) once the chunk is acknowledged, while the inventory eats it.
    What the inventory never consumed was lost by the broker: sent again, as the pipeline
    would, and counted as ``broker_lost``. Everything else must come back by itself."""
    await ctx.feeder.publish(chunk)
    await asyncio.sleep(ctx.rng.uniform(0.0, 1.0))
    await ctx.tap.stop()
    at = time.monotonic()
    await asyncio.to_thread(ctx.servers.kill_broker)
    await _quiet(ctx.probe.processed, ctx.timeout)  # a batch in hand still commits
    cursor = await _quiet(ctx.probe.cursor, ctx.timeout)
    ctx.broker_cursors.append(cursor or 0)
    await asyncio.to_thread(ctx.servers.start_broker)
    await ctx.feeder.stop()
    await ctx.feeder.start()
    ctx.tap.start()
    processed = await ctx.probe.processed_ids()
    published = ctx.feeder.published
    first = len(published)
    while first > 0 and str(published[first - 1].change_id) not in processed:
        first -= 1
    # Only the unconsumed tail is the broker's loss; a hole before it stays lost.
    await ctx.feeder.publish(published[first:], again=True)
    ctx.broker_lost_changes += len(published) - first
    return Injected("broker", f"Tansu killed and restarted; {len(published) - first} changes "
                    f"never consumed, sent again", at)


async def targeted(ctx: RunContext, chunk: list[Change], kind: str) -> Injected:
    """Restart the service with the fault point armed; it kills itself there under load."""
    service = TARGETED[kind]
    process = ctx.deployment.primary[service]
    await asyncio.to_thread(process.stop)
    process.start(faults=f"{kind}:kill")
    await process.wait_ready(ctx.timeout)
    load = asyncio.create_task(ctx.feeder.publish(chunk), name="chaos-load")
    fired = await process.wait_exit(ctx.timeout)
    at = time.monotonic()
    note = None
    if not fired:
        note = f"{kind} was not reached within {ctx.timeout:.0f}s"
        await asyncio.to_thread(process.stop)
    process.start()
    await process.wait_ready(ctx.timeout)
    await load
    return Injected(kind, f"{service} killed at {kind}", at, note)


INJECT: dict[str, Callable[[RunContext, list[Change]], Awaitable[Injected]]] = {
    "kill": kill, "pause": pause, "rebalance": rebalance, "postgres": postgres, "broker": broker,
}


async def inject(ctx: RunContext, kind: str, chunk: list[Change]) -> Injected:
    if kind in TARGETED:
        return await targeted(ctx, chunk, kind)
    return await INJECT[kind](ctx, chunk)
