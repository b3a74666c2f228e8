"""What every scenario gets: the environment, the size mode, and the landscapes loaded so far."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from functools import cached_property

import asyncpg
from rich.console import Console

from snoei.bench.environment import (
    BenchEnv,
    BenchError,
    change_messages,
    inventory_sequence,
    publish_all,
    raw_producer,
    wait_for_run,
)
from snoei.cli.stack import DATABASE
from snoei.samples import Landscape, generate_scale

SCALE_LANDSCAPE = "bench-scale"
LOAD_TIMEOUT_S = 900.0


@dataclass
class BenchContext:
    env: BenchEnv | None
    quick: bool
    console: Console
    loaded: dict[str, int] = field(default_factory=dict)  # landscape id -> final sequence

    @property
    def scale_size(self) -> tuple[int, int]:
        """The 10k / 50k landscape of B1, B2 and B4 (400 / 2k with --quick)."""
        return (400, 2_000) if self.quick else (10_000, 50_000)

    @cached_property
    def scale(self) -> Landscape:
        n, m = self.scale_size
        return generate_scale(n, m, landscape_id=SCALE_LANDSCAPE)

    @property
    def environment(self) -> BenchEnv:
        if self.env is None:
            raise RuntimeError("this scenario needs the embedded servers")
        return self.env

    async def ensure_scale_loaded(self) -> int:
        """Load the scale landscape through Kafka (untimed) unless B1 already did; returns
        the inventory sequence the rationalizer has evaluated."""
        if SCALE_LANDSCAPE in self.loaded:
            return self.loaded[SCALE_LANDSCAPE]
        env = self.environment
        messages = change_messages(self.scale)
        self.console.print(f"  loading {len(messages)} changes of {SCALE_LANDSCAPE} (untimed)")
        producer = raw_producer(env, "bench-loader")
        await producer.start()
        try:
            await publish_all(producer, env.kafka.topics.inventory_changes, messages)
        finally:
            await producer.stop()
        started = time.monotonic()
        sequence = await wait_inventory(env, SCALE_LANDSCAPE, len(messages), LOAD_TIMEOUT_S)
        await wait_for_run(env, SCALE_LANDSCAPE, sequence,
                           timeout=LOAD_TIMEOUT_S - (time.monotonic() - started))
        self.loaded[SCALE_LANDSCAPE] = sequence
        return sequence


async def wait_inventory(env: BenchEnv, landscape_id: str, count: int, timeout: float) -> int:
    """Wait until the inventory assigned ``count`` sequences in the landscape."""
    deadline = time.monotonic() + timeout
    # One connection for the whole wait: a new one per poll would fork a Postgres backend
    # ten times a second next to the services being measured.
    conn = await asyncpg.connect(env.dsn(DATABASE))
    try:
        while (sequence := await inventory_sequence(conn, landscape_id)) < count:
            if time.monotonic() > deadline:
                raise BenchError(
                    f"the inventory applied {sequence} of {count} changes of {landscape_id!r} "
                    f"within {timeout:.0f}s; logs in {env.root}/logs"
                )
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return sequence
