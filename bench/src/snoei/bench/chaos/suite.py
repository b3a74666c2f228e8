"""Entry point of ``snoei chaos``: servers, both runs, the report and the table."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from snoei.bench.chaos.kinds import KINDS
from snoei.bench.chaos.report import build_report, show, write
from snoei.bench.chaos.runner import Options, execute
from snoei.bench.chaos.servers import ChaosError, chaos_servers
from snoei.cli.stack import BrokerKind


def parse_kinds(text: str | None) -> tuple[str, ...]:
    """``kill,pause`` into kinds; every kind when empty."""
    if not text:
        return KINDS
    chosen = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ChaosError(f"unknown fault {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    return chosen


def run_chaos(
    options: Options, *, out: Path = Path("bench/results/chaos.json"),
    root: Path = Path(".snoei/chaos"), database_url: str | None = None,
    bootstrap: str | None = None, broker: BrokerKind = "tansu", console: Console | None = None,
) -> dict[str, Any]:
    """Run the suite and write ``out``; returns the report."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # logs and CI: wide enough for the table
            console = Console(width=180)
    if options.cycles < 1:
        raise ChaosError("--cycles must be at least 1")
    # aiokafka reports every refused connection while a broker is down: expected here.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    started, clock = datetime.now(UTC), time.monotonic()
    root = root.resolve()
    with chaos_servers(root, database_url=database_url, bootstrap=bootstrap,
                       broker=broker) as servers:
        where = (f"embedded PostgreSQL and {'Apache Kafka' if broker == 'kafka' else 'Tansu'}"
                 if servers.embedded else "your servers")
        console.print(f"chaos suite on {where}; logs in {root / 'logs'}")
        reference, chaos = asyncio.run(execute(options, servers, logs=root / "logs",
                                               console=console))
    report = build_report(options, reference, chaos, started, time.monotonic() - clock)
    write(report, out)
    show(report, console)
    console.print(f"written: {out}")
    return report
