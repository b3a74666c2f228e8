"""LongLivedHeap: the collector is paused during a unit of work, what it leaves is frozen,
and every so often, at an idle moment, one full collection sees everything."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from snoei.shared.heap import LongLivedHeap

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test leaves the process's collector as it found it: nothing frozen, enabled."""
    yield
    gc.enable()
    gc.unfreeze()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_work_pauses_the_collector_and_freezes_what_is_alive() -> None:
    heap = LongLivedHeap(rescan_every=3)
    with heap.work():
        assert not gc.isenabled()
        kept = [{"n": n} for n in range(1_000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    assert heap.units == 1


def test_a_due_rescan_waits_for_an_idle_moment_and_frees_frozen_cycles() -> None:
    clock = Clock()
    heap = LongLivedHeap(rescan_every=2, idle_s=0.2, max_delay_s=30, clock=clock)
    with heap.work():
        cycle = weakref.ref(Node())  # garbage, frozen with the rest: nothing frees it yet
    assert not heap.rescan_if_idle()  # not due
    with heap.work():
        pass
    clock.now = 0.1
    assert not heap.rescan_if_idle()  # due, but a unit ended 0.1 s ago
    with heap.work():
        clock.now = 5.0
        assert not heap.rescan_if_idle()  # a unit is in progress
    clock.now = 5.3
    gc.collect()
    assert cycle() is not None
    assert heap.rescan_if_idle()
    assert cycle() is None
    assert gc.get_freeze_count() > 0  # the survivors are frozen again
    assert (heap.rescans, heap.rescan_if_idle()) == (1, False)


def test_a_rescan_overdue_runs_even_if_the_service_is_never_idle() -> None:
    clock = Clock()
    heap = LongLivedHeap(rescan_every=1, idle_s=0.2, max_delay_s=30, clock=clock)
    with heap.work():
        pass
    for step in range(1, 400):
        clock.now = step * 0.1
        with heap.work():
            if heap.rescan_if_idle():
                break
    assert 29.99 < clock.now < 30.11


def test_work_restores_a_disabled_collector_and_unwinds_on_error() -> None:
    heap = LongLivedHeap()
    gc.disable()
    with pytest.raises(RuntimeError), heap.work():
        raise RuntimeError("run failed")
    assert not gc.isenabled()
