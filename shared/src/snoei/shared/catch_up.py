"""Catching up with what a broker lost.

A relay marks an event published once the broker acknowledged it. A broker that then loses
it (Tansu keeps everything in memory; a Kafka topic deleted and re-created) leaves the
consumer behind, and if no later event arrives to reveal the gap, behind for good. So every
consuming service compares, at start, every ``interval_s`` and as soon as the broker is back
from an outage, its stored position per landscape with the head its upstream service
stored (``GET /v1/heads``), and fetches what it lacks over HTTP. Stored state decides what
is due, never memory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Sweep = Callable[[], Awaitable[int]]
"""One comparison with the upstream heads; returns how many landscapes it brought up."""


class CatchUp:
    def __init__(self, sweep: Sweep, *, interval_s: float, wake: asyncio.Event) -> None:
        self._sweep = sweep
        self._interval_s = interval_s
        self._wake = wake
        self.caught_up = 0  # landscapes brought up to their upstream head, since start

    async def once(self) -> int:
        """One sweep; a failure (upstream unreachable) is logged and tried again later."""
        try:
            caught = await self._sweep()
        except Exception as exc:  # unreachable, refusing, answering nonsense: look again
            log.warning(
                "could not compare with the upstream service's stored state; trying again",
                extra={"error": f"{type(exc).__name__}: {exc}", "in_s": self._interval_s},
            )
            return 0
        if caught:
            self.caught_up += caught
            log.warning(
                "caught up with the upstream service's stored state (events the broker lost)",
                extra={"landscapes": caught},
            )
        return caught

    async def run(self) -> None:
        while True:
            await self.once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            self._wake.clear()
