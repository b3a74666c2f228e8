"""Test-only fault injection: ``SNOEI_FAULTS`` names points where the process kills itself.

``SNOEI_FAULTS=inventory.after_db_commit:kill`` makes the inventory SIGKILL itself the first
time it passes that point; ``…:kill@3`` on the third time; several faults are separated by
commas. The variable is read once, when this module is imported; unset (production), every
hook is a no-op. ``snoei chaos`` uses it to crash a service inside the windows that matter
for at-least-once delivery, where a signal from outside would only hit them by luck.

The points:

- ``inventory.after_db_commit``: a batch of changes is committed, its offsets are not.
- ``inventory.outbox_mid_batch``: half of an outbox batch is published, the rest is not and
  none of it is marked as sent.
- ``rationalizer.after_replica_stored``: a graph version is stored in the replica, the run
  it calls for has not started.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

ENVIRONMENT_VARIABLE = "SNOEI_FAULTS"
POINTS = frozenset(
    {
        "inventory.after_db_commit",
        "inventory.outbox_mid_batch",
        "rationalizer.after_replica_stored",
    }
)
ACTIONS = frozenset({"kill"})
log = logging.getLogger(__name__)
T = TypeVar("T")


class FaultSpecError(ValueError):
    """``SNOEI_FAULTS`` names an unknown point or action, or a bad hit number."""


@dataclass(frozen=True, slots=True)
class Fault:
    point: str
    action: str
    on_hit: int = 1


def parse(spec: str) -> dict[str, Fault]:
    """``point:action[@hit]``, comma-separated, into one fault per point."""
    faults: dict[str, Fault] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        point, _, action = part.partition(":")
        action, _, hit = action.partition("@")
        if point not in POINTS:
            known = ", ".join(sorted(POINTS))
            raise FaultSpecError(f"unknown fault point {point!r}; known: {known}")
        if action not in ACTIONS:
            raise FaultSpecError(f"unknown fault action {action!r} at {point}; known: kill")
        if hit and not (hit.isdigit() and int(hit) >= 1):
            raise FaultSpecError(f"the hit number of {point} must be a whole number ≥ 1")
        faults[point] = Fault(point, action, int(hit) if hit else 1)
    return faults


@dataclass
class FaultPlan:
    """The armed faults of this process and how often each point was passed."""

    faults: dict[str, Fault]
    hits: dict[str, int] = field(default_factory=dict)
    kill: Callable[[], None] = lambda: os.kill(os.getpid(), signal.SIGKILL)

    def armed(self, point: str) -> bool:
        return point in self.faults

    def point(self, point: str) -> None:
        """Count one pass of ``point`` and act when it is the armed hit."""
        fault = self.faults.get(point)
        if fault is None:
            return
        self.hits[point] = self.hits.get(point, 0) + 1
        if self.hits[point] == fault.on_hit:
            log.warning("fault injected", extra={"point": point, "action": fault.action})
            for handler in logging.getLogger().handlers:
                handler.flush()
            self.kill()

    async def in_halves(
        self, point: str, publish: Callable[[Sequence[T]], Awaitable[None]], items: Sequence[T]
    ) -> None:
        """``publish(items)``; when ``point`` is armed and there are two or more items, publish
        the first half, pass the point, then publish the rest."""
        if point not in self.faults or len(items) < 2:
            await publish(items)
            return
        middle = len(items) // 2
        await publish(items[:middle])
        self.point(point)
        await publish(items[middle:])


PLAN = FaultPlan(parse(os.environ.get(ENVIRONMENT_VARIABLE, "")))
point = PLAN.point
in_halves = PLAN.in_halves
