"""What a chaos run found: losses, double applications, divergences and recovery times, as
``chaos.json`` and a table."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from snoei.bench.chaos.runner import Options, RunResult
from snoei.bench.chaos.state import differences, ranges
from snoei.bench.common import machine, percentile


def event_accounting(run: RunResult) -> dict[str, Any]:
    """The events topic against the inventory's sequence: every sequence once at least; a
    missing one the broker held unread when it died is the broker's loss, any other lost."""
    missing = [s for s in range(1, run.state.last_sequence + 1) if s not in run.seen]
    return {
        "expected": run.state.last_sequence,
        "read": sum(len(ids) for ids in run.seen.values()),
        "duplicates": sum(len(ids) - 1 for ids in run.seen.values()),
        "broker_lost": sum(1 for s in missing if s in run.broker_lost_events),
        "lost": sum(1 for s in missing if s not in run.broker_lost_events),
        # the same sequence carrying two different events: a change numbered twice
        "renumbered": sum(1 for ids in run.seen.values() if len(set(ids)) > 1),
        "missing": ranges(missing),
    }


def _revision() -> str | None:
    try:
        found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                               text=True, check=False, timeout=5)
    except OSError:
        return None
    return found.stdout.strip() or None


def build_report(options: Options, reference: RunResult, chaos: RunResult,
                 started: datetime, seconds: float) -> dict[str, Any]:
    events = event_accounting(chaos)
    lost_changes = sum(1 for c in chaos.published if str(c.change_id) not in chaos.state.processed)
    diverged = differences(reference.state, chaos.state)
    for run in (reference, chaos):
        diverged += [f"{run.name} cycle {c.number} ({c.kind or 'no fault'}): {c.note}"
                     for c in run.cycles if c.recovery_s is None]
    recoveries = [c.recovery_s for c in chaos.cycles if c.recovery_s is not None]
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "revision": _revision(),
        "machine": machine(),
        "options": {"cycles": options.cycles, "applications": options.applications,
                    "integrations": options.integrations, "seed": options.seed,
                    "faults": list(options.faults), "timeout_s": options.timeout},
        "cycles": len(chaos.cycles),
        "changes": len(chaos.published),
        "faults": dict(sorted(Counter(c.kind for c in chaos.cycles if c.kind).items())),
        "events": events,
        "lost": lost_changes + events["lost"],
        "broker_lost": chaos.broker_lost_changes + events["broker_lost"],
        "applied_twice": chaos.state.applied_twice + events["renumbered"],
        "diverged": diverged,
        "recovery_s": {
            "max": round(max(recoveries), 2) if recoveries else None,
            "p95": round(percentile(recoveries, 95), 2) if recoveries else None,
        },
        "timeline": [c.to_json() for c in chaos.cycles],
        "notes": [f"cycle {c.number}: {c.note}" for c in chaos.cycles if c.note],
    }


def failed(report: dict[str, Any]) -> bool:
    return bool(report["lost"] or report["applied_twice"] or report["diverged"])


def write(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, out)


def table(report: dict[str, Any]) -> Table:
    o = report["options"]
    out = Table(title=f"snoei chaos — {o['applications']} applications, {o['integrations']} "
                      f"integrations, seed {o['seed']}")
    out.add_column("figure")
    out.add_column("value", justify="right")
    bad = "[red]{}[/red]"
    out.add_row("cycles", str(report["cycles"]))
    for kind, count in report["faults"].items():
        out.add_row(f"  fault {kind}", str(count))
    ev = report["events"]
    out.add_row("changes sent", str(report["changes"]))
    out.add_row("events (sequences)", str(ev["expected"]))
    out.add_row("events read / duplicates", f"{ev['read']} / {ev['duplicates']}")
    out.add_row("lost", (bad if report["lost"] else "{}").format(report["lost"]))
    out.add_row("broker_lost (never consumed)", str(report["broker_lost"]))
    out.add_row("applied_twice",
                (bad if report["applied_twice"] else "{}").format(report["applied_twice"]))
    rec = report["recovery_s"]
    out.add_row("recovery_s max / p95", f"{rec['max']} / {rec['p95']}")
    out.add_row("diverged", (bad if report["diverged"] else "{}").format(len(report["diverged"])))
    for line in report["diverged"]:
        out.add_row("", bad.format(line[:160]))
    return out


def show(report: dict[str, Any], console: Console) -> None:
    console.print(table(report))
    for note in report["notes"]:
        console.print(f"note: {note}", markup=False)
