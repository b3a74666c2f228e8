"""LongLivedHeap: the collector is paused during a unit of work, what it leaves is frozen,
and every so often everything is handed back to the collector."""

from __future__ import annotations

import gc

import pytest

from snoei.shared.heap import LongLivedHeap

pytestmark = pytest.mark.unit


def test_work_pauses_the_collector_and_freezes_what_is_alive() -> None:
    heap = LongLivedHeap(rescan_every=3)
    try:
        with heap.work():
            assert not gc.isenabled()
            kept = [{"n": n} for n in range(1_000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
        with heap.work():
            pass
        with heap.work():
            pass  # the third unit unfreezes for one full rescan
        assert gc.get_freeze_count() == 0
        assert heap.units == 3
    finally:
        gc.unfreeze()


def test_work_restores_a_disabled_collector_and_unwinds_on_error() -> None:
    heap = LongLivedHeap()
    gc.disable()
    try:
        with pytest.raises(RuntimeError), heap.work():
            raise RuntimeError("run failed")
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
