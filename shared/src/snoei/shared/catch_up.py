"""Catching up with what a broker lost.

A relay marks an event published once the broker acknowledged it. A broker that then loses
it (Tansu keeps everything in memory; a Kafka topic deleted and re-created) leaves the
consumer behind, and if no later event arrives to reveal the gap, behind for good. So every
consuming service compares its stored position per landscape with the head its upstream
service stored (``GET /v1/heads``), and fetches what it lacks over HTTP. Stored state
decides what is due, never memory.

At start and as soon as the broker is back from an outage it fetches up to the current
heads: events may have been lost, and what was in flight is simply fetched twice (every
consumer is idempotent). The periodic comparison, every ``interval_s``, cannot tell events
a broker lost from events still in flight (a bulk load keeps a consumer behind the head
for seconds), so it fetches only up to the heads it saw one comparison earlier: an event
that was stored upstream a whole interval ago and has still not arrived is lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

Heads = Mapping[str, int]
"""Landscape → the upstream's stored head (an event sequence or a graph version)."""


@dataclass(frozen=True)
class Upstream:
    """What a consuming service compares with: its upstream's stored heads, and how it
    fetches what it lacks up to given heads (returning how many landscapes it brought
    forward; landscapes already at or past their head are left alone)."""

    heads: Callable[[], Awaitable[Heads]]
    fetch_up_to: Callable[[Heads], Awaitable[int]]


def overdue(heads: Heads, seen: Heads) -> dict[str, int]:
    """Of the current ``heads``, what was already stored upstream one comparison ago."""
    return {
        landscape: min(head, seen[landscape])
        for landscape, head in heads.items()
        if landscape in seen
    }


class CatchUp:
    def __init__(self, upstream: Upstream, *, interval_s: float, wake: asyncio.Event) -> None:
        self._upstream = upstream
        self._interval_s = interval_s
        self._wake = wake
        self._seen: Heads = {}  # the heads at the previous comparison
        self.caught_up = 0  # landscapes brought up to their upstream head, since start

    async def once(self, *, eager: bool = True) -> int:
        """One comparison: up to the current heads when ``eager`` (at start, broker back),
        else up to the heads seen one comparison ago. A failure (upstream unreachable) is
        logged and tried again later."""
        try:
            heads = await self._upstream.heads()
            due = dict(heads) if eager else overdue(heads, self._seen)
            self._seen = dict(heads)
            caught = await self._upstream.fetch_up_to(due) if due else 0
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
        eager = True  # at start
        while True:
            await self.once(eager=eager)
            try:
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
                eager = True  # the broker is back from an outage
            except TimeoutError:
                eager = False
            self._wake.clear()
