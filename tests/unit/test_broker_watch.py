"""Outage bookkeeping without a broker: repeated log lines are limited per condition and
counted, the pause between broker checks grows to a cap, and a partition past a short end
offset is rewound once, not on every check."""

from __future__ import annotations

import logging

import pytest
from aiokafka.structs import TopicPartition

from snoei.shared.broker_watch import Backoff, BrokerWatch, RepeatLimiter
from snoei.shared.settings import KafkaSettings

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


class StuckConsumer:
    """One partition read to ``position`` while the broker reports ``end`` as its end."""

    def __init__(self, position: int, end: int) -> None:
        self.tp = TopicPartition("inventory.events", 1)
        self.at = position
        self.end = end
        self.log_end: int | None = None  # where its records really end
        self.seeks = 0

    def assignment(self) -> set[TopicPartition]:
        return {self.tp}

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {self.tp: self.end}

    async def position(self, tp: TopicPartition) -> int:
        return self.at

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        self.seeks += 1


async def test_a_partition_is_not_rewound_when_its_last_records_reach_where_it_stands() -> None:
    consumer = StuckConsumer(62_530, 62_510)  # Tansu: the last batch's first offset + 1
    asked: list[int] = []

    async def log_end(tp: TopicPartition, reported: int) -> int | None:
        asked.append(reported)
        return consumer.log_end

    consumer.log_end = 62_530
    watch = BrokerWatch(KafkaSettings(), ["t"], consumers=lambda: [consumer], log_end=log_end)
    assert await watch.rewind_past_the_end() == []
    assert asked == [62_510]
    consumer.end = consumer.log_end = 7  # re-created: its records end before the consumer
    assert await watch.rewind_past_the_end() == [consumer.tp]
    consumer.end = 0  # re-created and empty: nothing to read, no need to look
    assert await watch.rewind_past_the_end() == [consumer.tp]
    assert asked == [62_510, 7]
    assert consumer.seeks == 2


async def _unreadable(tp: TopicPartition, reported: int) -> int | None:
    return None


async def test_a_partition_is_not_read_again_and_again_past_a_short_end_offset() -> None:
    consumer = StuckConsumer(62_530, 62_510)  # re-read to the same place after the rewind
    watch = BrokerWatch(KafkaSettings(), ["t"], consumers=lambda: [consumer], log_end=_unreadable)
    assert await watch.rewind_past_the_end() == [consumer.tp]
    assert await watch.rewind_past_the_end() == []
    assert await watch.rewind_past_the_end() == []
    assert consumer.seeks == 1
    consumer.end = 7  # re-created and refilled: a new end, so read from the start again
    assert await watch.rewind_past_the_end() == [consumer.tp]
    consumer.end, consumer.at = 62_540, 62_540  # caught up: nothing to rewind
    assert await watch.rewind_past_the_end() == []
    assert consumer.seeks == 2
