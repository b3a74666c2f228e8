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
from snoei.bench.chaos.servers import ChaosError, Servers
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
    broker_lost_changes: int = 0
    broker_lost_events: set[int] = field(default_factory=set)  # published, unread, then gone

    def events_unread(self, last: int) -> list[int]:
        """Sequences up to ``last`` the tap has not read and no broker took down with it."""
        return [s for s in range(1, last + 1)
                if s not in self.tap.seen and s not in self.broker_lost_events]


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
    """SIGKILL the broker once the chunk is acknowledged; half the time the inventory is held
    (SIGSTOP) meanwhile, so the broker dies with changes nobody consumed. Tansu loses them
    (memory only): they are sent again, as the pipeline would, and counted as
    ``broker_lost``, and so are events it held that the tap had not read. Apache Kafka
    loses nothing. Everything else must come back by itself."""
    inventory = ctx.deployment.primary["inventory"]
    held = ctx.rng.random() < 0.5
    if held:
        inventory.signal(signal.SIGSTOP)
    await ctx.feeder.publish(chunk)
    await asyncio.sleep(ctx.rng.uniform(0.0, 1.0))
    await ctx.tap.stop()
    at = time.monotonic()
    await asyncio.to_thread(ctx.servers.kill_broker)
    if held:
        inventory.signal(signal.SIGCONT)
    lost = 0
    if ctx.servers.volatile_broker:
        await _quiet(ctx.probe.processed, ctx.timeout)  # a batch in hand still commits
        cursor = await _quiet(ctx.probe.cursor, ctx.timeout) or 0
        ctx.broker_lost_events.update(s for s in range(1, cursor + 1) if s not in ctx.tap.seen)
        ctx.tap.positions.clear()
    await asyncio.to_thread(ctx.servers.start_broker)
    # Ready means the services re-created the topics they use: only then does the pipeline
    # (and the tap) talk to the broker, which would otherwise create a missing topic with
    # its own partition count.
    unready = []
    for name, process in ctx.deployment.primary.items():
        try:
            await process.wait_ready(ctx.timeout)
        except ChaosError:
            unready.append(name)
    await ctx.feeder.stop()
    await ctx.feeder.start()
    ctx.tap.start()
    if ctx.servers.volatile_broker:
        lost = await _send_unconsumed_again(ctx)
    what = "while the inventory was held" if held else "during the load"
    resent = f"; {lost} changes never consumed, sent again" if ctx.servers.volatile_broker else ""
    note = f"not ready after the broker came back: {', '.join(unready)}" if unready else None
    return Injected("broker", f"{ctx.servers.broker_kind} killed {what} and restarted{resent}",
                    at, note)


async def _send_unconsumed_again(ctx: RunContext) -> int:
    """Send again the tail of the published changes the inventory never applied."""
    processed = await ctx.probe.processed_ids()
    published = ctx.feeder.published
    first = len(published)
    while first > 0 and str(published[first - 1].change_id) not in processed:
        first -= 1
    # Only the unconsumed tail is the broker's loss; a hole before it stays lost.
    await ctx.feeder.publish(published[first:], again=True)
    ctx.broker_lost_changes += len(published) - first
    return len(published) - first


async def _graph_settled(ctx: RunContext) -> None:
    """Wait until the dependency applied every published change and cut its last version."""
    deadline = time.monotonic() + ctx.timeout
    while time.monotonic() < deadline:
        progress = await ctx.probe.progress()
        if (progress.processed == len(ctx.feeder.published)
                and progress.graph_sequence == progress.inventory_sequence):
            break
        await asyncio.sleep(0.25)
    await _quiet(ctx.probe.graph_version, ctx.timeout)


async def targeted(ctx: RunContext, chunk: list[Change], kind: str) -> Injected:
    """Stop the service, send the chunk, start it with the fault point armed: its first
    batch is the whole chunk, and it kills itself at the point while handling it. The
    rationalizer starts once every graph version of the chunk is out, so the version it
    stores before dying is the last one: only a restart that finds the replica ahead of its
    latest run evaluates it."""
    service = TARGETED[kind]
    process = ctx.deployment.primary[service]
    await asyncio.to_thread(process.stop)
    await ctx.feeder.publish(chunk)
    if service == "rationalizer":
        await _graph_settled(ctx)
    process.start(faults=f"{kind}:kill")
    fired = await process.wait_exit(ctx.timeout)
    at = time.monotonic()
    note = None
    if not fired:
        note = f"{kind} was not reached within {ctx.timeout:.0f}s"
        await asyncio.to_thread(process.stop)
    process.start()
    await process.wait_ready(ctx.timeout)
    return Injected(kind, f"{service} killed at {kind}", at, note)


INJECT: dict[str, Callable[[RunContext, list[Change]], Awaitable[Injected]]] = {
    "kill": kill, "pause": pause, "rebalance": rebalance, "postgres": postgres, "broker": broker,
}


async def inject(ctx: RunContext, kind: str, chunk: list[Change]) -> Injected:
    if kind in TARGETED:
        return await targeted(ctx, chunk, kind)
    return await INJECT[kind](ctx, chunk)
