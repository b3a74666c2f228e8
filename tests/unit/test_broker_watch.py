"""Outage bookkeeping without a broker: repeated log lines are limited per condition and
counted, and the pause between broker checks grows to a cap."""

from __future__ import annotations

import logging

import pytest

from snoei.shared.broker_watch import Backoff, RepeatLimiter

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def line(msg: str, *args: object, name: str = "aiokafka", exc: bool = False) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)
    if exc:
        record.exc_info = (ConnectionError, ConnectionError("refused"), None)
    return record


def test_one_line_per_condition_per_interval_then_the_count_of_the_suppressed() -> None:
    clock = Clock()
    limiter = RepeatLimiter(30, clock=clock)
    passed = [limiter.filter(line("Unable connect to node %s", n)) for n in range(500)]
    assert passed.count(True) == 1
    assert limiter.filter(line("Failed fetch messages from %s", 1)), "another condition"
    clock.now += 30
    again = line("Unable connect to node %s", 7)
    assert limiter.filter(again)
    assert again.getMessage() == (
        "Unable connect to node 7 (and 499 more like it in the last 30 s)"
    )
    assert limiter.suppressed_total == 499


def test_only_failures_limits_lines_with_an_exception_and_lets_the_rest_through() -> None:
    limiter = RepeatLimiter(30, only_failures=True, clock=Clock())
    assert all(limiter.filter(line("rejected change", name="snoei.x")) for _ in range(5))
    failures = [limiter.filter(line("relay failed", name="snoei.x", exc=True)) for _ in range(5)]
    assert failures == [True, False, False, False, False]


def test_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success() -> None:
    backoff = Backoff(base_s=0.5, max_s=10)
    assert [backoff.next_delay() for _ in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next_delay() == 0.5
