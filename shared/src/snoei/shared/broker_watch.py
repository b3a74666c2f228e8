"""Living through a broker outage: notice an unreachable broker or a missing topic, say so on
``/ready``, re-create the topics the service owns, and keep the logs to one line per condition
per interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

from snoei.shared.kafka import TOPIC_ALREADY_EXISTS, client_kwargs, new_topic
from snoei.shared.log_end import log_end as read_log_end
from snoei.shared.settings import KafkaSettings

log = logging.getLogger(__name__)

# Loggers whose every line is a symptom of the broker's state: the Kafka client retries many
# times a second and logs each attempt (16k lines in four minutes of outage, measured).
KAFKA_LOGGERS = ("aiokafka", "faststream", "snoei.kafka")


@dataclass
class Backoff:
    """Capped exponential pause: ``base_s``, twice that, … up to ``max_s``."""

    base_s: float = 0.5
    max_s: float = 5.0
    failures: int = 0

    def next_delay(self) -> float:
        self.failures += 1
        return float(min(self.max_s, self.base_s * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


class RepeatLimiter(logging.Filter):
    """Lets one line per distinct condition (logger, level, message template, exception type)
    through per ``interval_s``; the next line that passes says how many were suppressed.
    With ``only_failures`` it limits only lines carrying an exception (retry loops)."""

    def __init__(
        self,
        interval_s: float = 30.0,
        *,
        only_failures: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.only_failures = only_failures
        self._clock = clock
        self._last: dict[tuple[str, int, str, str], float] = {}
        self._suppressed: dict[tuple[str, int, str, str], int] = {}
        self.suppressed_total = 0

    @staticmethod
    def _condition(record: logging.LogRecord) -> tuple[str, int, str, str]:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        return record.name, record.levelno, str(record.msg), exc

    def filter(self, record: logging.LogRecord) -> bool:
        if self.only_failures and not record.exc_info:
            return True
        key = self._condition(record)
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval_s:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            self.suppressed_total += 1
            return False
        self._last[key] = now
        suppressed = self._suppressed.pop(key, 0)
        if suppressed:
            record.msg = (
                f"{record.getMessage()} "
                f"(and {suppressed} more like it in the last {self.interval_s:g} s)"
            )
            record.args = ()
            record.suppressed = suppressed
        return True


@contextlib.contextmanager
def repeats_limited(interval_s: float = 30.0) -> Iterator[RepeatLimiter]:
    """For the lifetime of a service: every line of the Kafka client's loggers, and the
    failures Snoei's own retry loops log (a publisher retrying against a missing topic), at
    most once per condition per ``interval_s``. A logger's filters do not apply to its
    children's lines, so each logger known so far gets them."""
    limiter = RepeatLimiter(interval_s)
    failures = RepeatLimiter(interval_s, only_failures=True)
    known = sorted(logging.root.manager.loggerDict)
    attached: list[tuple[logging.Logger, RepeatLimiter]] = []
    for name in {*KAFKA_LOGGERS, *known}:
        if any(name == p or name.startswith(f"{p}.") for p in KAFKA_LOGGERS):
            attached.append((logging.getLogger(name), limiter))
        elif name.startswith("snoei."):
            attached.append((logging.getLogger(name), failures))
    for logger, chosen in attached:
        logger.addFilter(chosen)
    try:
        yield limiter
    finally:
        for logger, chosen in attached:
            logger.removeFilter(chosen)


class BrokerWatch:
    """Checks that the broker answers and that the service's topics exist; re-creates missing
    ones (idempotent: a topic another service created meanwhile is fine).

    ``problem`` is None when all is well, else a sentence naming the broker or the topics —
    the ``/ready`` answer. While something is wrong it looks again after a capped exponential
    backoff; the consumers and producers reconnect by themselves once the topics are back.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        topics: Sequence[str],
        *,
        interval_s: float = 2.0,
        backoff: Backoff | None = None,
        timeout_s: float = 5.0,
        log_every_s: float = 30.0,
        consumers: Callable[[], Iterable[Any]] = tuple,
        log_end: Callable[[TopicPartition, int], Awaitable[int | None]] | None = None,
    ) -> None:
        """``log_end(tp, reported)``: where the log of ``tp`` really ends, given the
        broker's answer (default: read from its last records, see ``snoei.shared.log_end``)."""
        self._settings = settings
        self._consumers = consumers
        self._topics = tuple(topics)
        self._interval_s = interval_s
        self._backoff = backoff or Backoff()
        self._timeout_s = timeout_s
        self._log_every_s = log_every_s
        self.problem: str | None = None
        # Set when the broker is back from an outage or a topic came back empty: what it
        # held may be lost, so the service compares its state with its upstream's.
        self.back = asyncio.Event()
        self._since: float | None = None
        self._logged_at = 0.0
        self._repeats = 0
        # (consumer, partition) -> (position, end) of its last rewind: see rewind_past_the_end
        self._rewound: dict[tuple[int, TopicPartition], tuple[int, int]] = {}
        self._log_end = log_end or (
            lambda tp, reported: read_log_end(settings, tp, reported, timeout_s)
        )

    async def ready(self) -> str | None:
        return self.problem

    async def check(self) -> str | None:
        """One look at the broker; creates missing topics. None when all is well."""
        where = self._settings.bootstrap
        admin = AIOKafkaAdminClient(
            **client_kwargs(self._settings),
            client_id="snoei-broker-watch",
            request_timeout_ms=int(self._timeout_s * 1000),
        )
        try:
            try:
                await asyncio.wait_for(admin.start(), self._timeout_s)
                existing = set(await asyncio.wait_for(admin.list_topics(), self._timeout_s))
            except (KafkaError, OSError, TimeoutError) as exc:
                return f"Kafka broker at {where} unreachable ({type(exc).__name__})"
            missing = [t for t in self._topics if t not in existing]
            if not missing:
                if await self.rewind_past_the_end():
                    self.back.set()
                return None
            new = [new_topic(self._settings, t) for t in missing]
            try:
                response = await asyncio.wait_for(admin.create_topics(new), self._timeout_s)
            except (KafkaError, OSError, TimeoutError) as exc:
                return (
                    f"topics missing on {where}: {', '.join(missing)}; "
                    f"re-creating failed ({type(exc).__name__})"
                )
            failed = [
                f"{topic} ({message or code})"
                for topic, code, message in response.topic_errors
                if code not in (0, TOPIC_ALREADY_EXISTS)
            ]
            if failed:
                return f"topics missing on {where}: {', '.join(failed)} could not be re-created"
            # The broker is back: look again soon, not after the outage's long backoff.
            self._backoff.reset()
            return f"topics missing on {where}: {', '.join(missing)}; re-created"
        finally:
            with contextlib.suppress(Exception):
                await admin.close()

    async def rewind_past_the_end(self) -> list[TopicPartition]:
        """Read from the start every assigned partition whose consumer stands past its end.

        That happens when a topic was re-created (a restarted Tansu; a deleted topic): the
        consumer keeps its old position, or the group gets an old offset committed again by
        a batch that was in flight, and Tansu answers a fetch past the end with nothing
        rather than "out of range" — the new topic's first messages would be skipped for
        good. Going back only ever re-reads (consumers are idempotent), never skips.

        Tansu also reports an end offset short of the messages it serves (its last batch's
        first offset + 1: 62 510 of 62 530, measured after a bench load), so a consumer that
        read them all stands past that end; rewinding it re-read the whole topic, several
        times during a bulk load. So where the log really ends is read from its last
        records first. Should they not be readable, a partition that stands again at the
        same position past the same end after its rewind was read to there again: the end
        is short, not a new topic, and it is not rewound again (until either changes)."""
        rewound: list[TopicPartition] = []
        for consumer in self._consumers():
            assigned = list(consumer.assignment())
            if not assigned:
                continue
            try:
                ends = await asyncio.wait_for(consumer.end_offsets(assigned), self._timeout_s)
            except (KafkaError, TimeoutError):
                continue  # looked at again on the next check
            behind = []
            for tp in assigned:
                try:
                    position = await asyncio.wait_for(consumer.position(tp), 1.0)
                except (KafkaError, TimeoutError):
                    continue  # unassigned meanwhile, or no position yet: nothing to rewind
                if tp in ends and position > ends[tp]:
                    end = await self._log_end(tp, ends[tp]) if ends[tp] > 0 else 0
                    if end is not None and position <= end:
                        continue  # the broker's answer was short: the log reaches here
                    if end is None and self._rewound.get((id(consumer), tp)) == (
                        position,
                        ends[tp],
                    ):
                        continue  # read back to where it stood: the broker's end is short
                    behind.append((tp, position, ends[tp]))
            if behind:
                await consumer.seek_to_beginning(*(tp for tp, _, _ in behind))
                rewound.extend(tp for tp, _, _ in behind)
                for tp, position, end in behind:
                    self._rewound[(id(consumer), tp)] = (position, end)
                log.warning(
                    "consumer stood past the end of a re-created topic; reading it from the start",
                    extra={
                        "partitions": [
                            f"{tp.topic}[{tp.partition}] at {pos}, end {end}"
                            for tp, pos, end in behind
                        ]
                    },
                )
        return rewound

    def _report(self, problem: str | None) -> None:
        """One line when a condition starts, at most one per ``log_every_s`` while it lasts,
        one when it ends."""
        now = time.monotonic()
        if problem is None:
            if self.problem is not None:
                self.back.set()
            if self.problem is not None and self._since is not None:
                log.warning(
                    "Kafka broker and topics are back",
                    extra={"outage_s": round(now - self._since, 1), "checks": self._repeats + 1},
                )
            self._since = None
        elif problem != self.problem or now - self._logged_at >= self._log_every_s:
            if self._since is None:
                self._since = now
            log.warning(
                "Kafka not usable; consumers and producers wait",
                extra={
                    "reason": problem,
                    "since_s": round(now - self._since, 1),
                    "checks_since_last_line": self._repeats,
                },
            )
            self._logged_at = now
            self._repeats = 0
        else:
            self._repeats += 1
        self.problem = problem

    async def run(self) -> None:
        while True:
            try:
                problem = await self.check()
            except Exception as exc:  # never let the watch die: say what broke and look again
                problem = f"Kafka broker check failed ({type(exc).__name__}: {exc})"
            self._report(problem)
            if problem is None:
                self._backoff.reset()
                delay = self._interval_s
            else:
                delay = self._backoff.next_delay()
            await asyncio.sleep(delay)
