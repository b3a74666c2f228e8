"""Shared pieces of the benchmarks: figures, percentiles, the machine and peak-memory probes."""

from __future__ import annotations

import contextlib
import os
import platform
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import psutil

Direction = Literal["min", "max"]
"""``max``: the figure must stay at or under the target; ``min``: at or above it."""


@dataclass
class Figure:
    """One measured number, its baseline from the same run, and its target if any."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str | None = None
    ratio: float | None = None
    ratio_of: str | None = None  # what the ratio divides, e.g. "snoei / relay"
    target: float | None = None
    target_on: Literal["value", "ratio"] | None = None
    direction: Direction = "max"
    note: str | None = None

    @property
    def passed(self) -> bool | None:
        if self.target is None or self.target_on is None:
            return None
        measured = self.value if self.target_on == "value" else self.ratio
        if measured is None:
            return False
        return measured <= self.target if self.direction == "max" else measured >= self.target

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data


@dataclass
class ScenarioResult:
    """What one scenario measured, with the sizes it ran at."""

    scenario: str
    title: str
    sizes: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "title": self.title,
            "sizes": self.sizes,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "figures": [f.to_json() for f in self.figures],
        }


def machine() -> dict[str, Any]:
    """The machine the figures were measured on."""
    memory = psutil.virtual_memory()
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory.total / 2**30, 1),
        "memory_available_gb": round(memory.available / 2**30, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 4) if baseline > 0 else None


class PeakRss:
    """Samples resident memory in a thread: of this process, or of the processes named in
    ``pids`` (a service that exits meanwhile keeps its last peak). ``peaks`` holds the
    highest seen per name; ``peak`` and ``growth`` are this process's."""

    def __init__(self, pids: Mapping[str, int] | None = None, interval: float = 0.005) -> None:
        self._processes = (
            {name: psutil.Process(pid) for name, pid in pids.items()}
            if pids is not None
            else {SELF: psutil.Process()}
        )
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.start_rss = 0
        self.peaks = dict.fromkeys(self._processes, 0)

    def _sample_once(self) -> None:
        for name, process in self._processes.items():
            with contextlib.suppress(psutil.Error):
                self.peaks[name] = max(self.peaks[name], process.memory_info().rss)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._sample_once()
            time.sleep(self._interval)

    def __enter__(self) -> PeakRss:
        self._sample_once()
        self.start_rss = self.peaks.get(SELF, 0)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample_once()

    @property
    def peak(self) -> int:
        return self.peaks[SELF]

    @property
    def growth(self) -> int:
        return self.peak - self.start_rss


SELF = "this process"
MB = 2**20
