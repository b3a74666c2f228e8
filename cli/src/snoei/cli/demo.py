"""``snoei demo``: the embedded stack, the municipal sample through Kafka, proposals, a report."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from snoei.cli import money, render
from snoei.cli.api import ApiError, call
from snoei.cli.stack import StackState, running, stack_down, stack_up
from snoei.samples import Landscape, generate_municipality
from snoei.shared.kafka import BatchPublisher, OutgoingMessage
from snoei.shared.settings import KafkaSettings

DEFAULT_STACK_DIR = ".snoei/demo"
BATCH = 250
TOP = 10


class DemoError(Exception):
    """The demo could not finish; the message says why and what to do."""


class Stopped(Exception):
    """SIGTERM arrived: unwind like Ctrl-C so the stack is stopped."""


@dataclass(frozen=True, slots=True)
class Ports:
    pg: int
    broker: int
    inventory: int
    dependency: int
    rationalizer: int


def _console() -> Console:
    # Not a terminal (CI, a pipe): wide enough that the tables are not cut.
    return Console(width=None if sys.stdout.isatty() else 120)


def run_demo(*, lang: str, keep: bool, out: Path, ports: Ports, timeout: float) -> None:
    """Run the whole demo; raises ``DemoError`` / ``EmbeddedServerError`` with a clear message."""
    console, err = _console(), Console(stderr=True)
    os.environ.setdefault("SNOEI_STACK_DIR", DEFAULT_STACK_DIR)
    root = Path(os.environ["SNOEI_STACK_DIR"]).resolve()
    existing = StackState.load(root)
    if existing is not None and any(running(existing).values()):
        raise DemoError(
            f"a demo stack is already running from {root} (left by `snoei demo --keep`?); "
            f"stop it with `{snoei_command(root)} stack down`"
        )
    started = time.monotonic()
    landscape = generate_municipality()
    state: StackState | None = None
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        state = stack_up(
            pg_port=ports.pg,
            broker_port=ports.broker,
            inventory_port=ports.inventory,
            dependency_port=ports.dependency,
            rationalizer_port=ports.rationalizer,
            timeout=timeout,
        )
        err.print(f"stack up in {time.monotonic() - started:.1f}s (data and logs: {root})")
        asyncio.run(_feed(state, landscape))
        with httpx.Client(headers={"Authorization": f"Bearer {state.token}"}, timeout=30) as http:
            run = _wait_for_run(http, state, landscape, deadline=time.monotonic() + timeout)
            base = f"{state.url('rationalizer')}/v1/landscapes/{landscape.landscape_id}"
            logs = root / "logs"
            proposals = _get(http, f"{base}/proposals", logs=logs)
            waves = _get(http, f"{base}/waves", logs=logs)
            report = _get(http, f"{base}/report?lang={lang}", logs=logs, html=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        _print_summary(console, landscape, run, proposals, waves)
        console.print(f"\nReport ({lang}): [bold]{out.resolve()}[/bold]")
        console.print(f"Demo finished in {time.monotonic() - started:.1f}s.")
        if keep:
            ranked = sorted(proposals["proposals"], key=lambda p: -(p["yearly_saving"] or 0))
            example = ranked[0]["id"] if ranked else None
            _print_keep(console, state, landscape.landscape_id, root, example)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if state is not None and not keep:
            with _shielded():
                stopped = stack_down(state)
                err.print(f"stack stopped ({', '.join(stopped)})")


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped(f"stopped by signal {signum}")


@contextlib.contextmanager
def _shielded() -> Iterator[None]:
    """Stopping the stack must not be cut short by a second Ctrl-C or SIGTERM."""
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


async def _feed(state: StackState, landscape: Landscape) -> None:
    """Publish every change to ``inventory.changes`` as an ops pipeline would: batches,
    keyed by the landscape id so one landscape's changes stay in order."""
    settings = KafkaSettings(bootstrap=state.bootstrap)
    topic = settings.topics.inventory_changes
    changes = landscape.to_changes("snoei-demo")
    publisher = BatchPublisher(settings, client_id="snoei-demo")
    try:
        await publisher.start()
        with _progress() as progress:
            task = progress.add_task("feeding inventory.changes", total=len(changes))
            for start in range(0, len(changes), BATCH):
                batch = changes[start : start + BATCH]
                await publisher.publish(
                    [OutgoingMessage(topic, c.key(), c.to_bytes()) for c in batch]
                )
                progress.advance(task, len(batch))
    except KafkaError as exc:
        raise DemoError(f"could not publish to the broker at {state.bootstrap}: {exc}") from exc
    finally:
        await publisher.stop()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def _get(http: httpx.Client, url: str, *, logs: Path, html: bool = False) -> Any:
    advice = f"see the logs in {logs}"
    try:
        return call(http, "GET", url, service="rationalizer", text=html, unreachable=advice)
    except ApiError as exc:
        raise DemoError(str(exc)) from None


def _poll(
    what: str, check: Callable[[], tuple[bool, str]], deadline: float, progress: Progress
) -> None:
    task = progress.add_task(what, total=None)
    detail = "nothing yet"
    while True:
        try:
            done, detail = check()
        except httpx.TransportError as exc:
            done, detail = False, f"not reachable ({exc})"
        progress.update(task, description=f"{what}: {detail}")
        if done:
            progress.update(task, total=1, completed=1)
            return
        if time.monotonic() > deadline:
            raise DemoError(f"timed out waiting for {what} (last seen: {detail})")
        time.sleep(0.25)


def _wait_for_run(
    http: httpx.Client, state: StackState, landscape: Landscape, *, deadline: float
) -> dict[str, Any]:
    """Wait until the dependency graph holds the whole sample, then until the rationaliser
    has a run that includes the inventory sequence that graph reflects; returns that run."""
    base = f"/v1/landscapes/{landscape.landscape_id}"
    apps = {a.id for a in landscape.applications}
    integrations = {i.id for i in landscape.integrations}
    seen: dict[str, Any] = {"sequence": 0, "run": None}

    def graph_complete() -> tuple[bool, str]:
        response = http.get(f"{state.url('dependency')}{base}/graph")
        if response.status_code == 404:
            return False, "no graph yet"
        response.raise_for_status()
        body = response.json()
        have_apps = {a["id"] for a in body["applications"]}
        have_links = {i["id"] for i in body["integrations"]}
        seen["sequence"] = int(body["inventory_sequence"])
        detail = (
            f"{len(have_apps & apps)}/{len(apps)} applications, "
            f"{len(have_links & integrations)}/{len(integrations)} integrations"
        )
        return have_apps >= apps and have_links >= integrations, detail

    def run_complete() -> tuple[bool, str]:
        response = http.get(f"{state.url('rationalizer')}{base}/runs", params={"limit": 1})
        response.raise_for_status()
        runs = response.json()
        if not runs:
            return False, "no run yet"
        seen["run"] = runs[0]
        covered = int(runs[0]["inventory_sequence"])
        return covered >= seen["sequence"], f"latest run covers {covered}/{seen['sequence']}"

    try:
        with _progress() as progress:
            _poll("dependency graph", graph_complete, deadline, progress)
            _poll("rationaliser run on the whole sample", run_complete, deadline, progress)
    except httpx.HTTPStatusError as exc:
        raise DemoError(
            f"{exc.request.url} answered {exc.response.status_code}; see {state.root}/logs"
        ) from exc
    except DemoError as exc:
        raise DemoError(f"{exc}; see the logs in {state.root}/logs") from exc
    run: dict[str, Any] = seen["run"]
    return run


def _print_summary(
    console: Console,
    landscape: Landscape,
    run: dict[str, Any],
    body: dict[str, Any],
    plan: dict[str, Any],
) -> None:
    names = {a.id: a.name for a in landscape.applications}
    proposals: list[dict[str, Any]] = body["proposals"]
    active = [p for p in proposals if p["status"] in ("open", "accepted")]
    blocked = [p for p in proposals if p["status"] == "blocked"]
    console.print(
        f"\n[bold]{landscape.landscape_id}[/bold]: {len(landscape.applications)} applications, "
        f"{len(landscape.integrations)} integrations fed through inventory.changes; the "
        f"rationaliser evaluated graph version {run['graph_version']} "
        f"(inventory sequence {run['inventory_sequence']}) in {run['duration_ms']:.0f} ms."
    )
    table = Table(title=f"Top {TOP} proposals by yearly saving", title_justify="left")
    for column, justify in (
        ("#", "right"),
        ("action", "left"),
        ("application", "left"),
        ("saving/yr", "right"),
        ("one-off", "right"),
        ("payback", "right"),
        ("risk", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]  # rich's Literal
    ranked = sorted(active, key=lambda p: (-(p["yearly_saving"] or 0), p["id"]))
    for n, p in enumerate(ranked[:TOP], start=1):
        target = p["targets"][0]
        application = names.get(target, target)
        if p["action"] == "consolidate" and p.get("survivor"):
            application += f" → {names.get(p['survivor'], p['survivor'])}"
        payback = p.get("payback_months")
        table.add_row(
            str(n),
            p["action"],
            application,
            money.yearly_saving(p["yearly_saving"]),
            money.euros(p["migration_cost"]),
            money.payback(payback, saving=p["yearly_saving"], cost=p["migration_cost"]),
            p["risk"],
        )
    console.print(table)
    counts = dict.fromkeys(("retire", "consolidate", "replace"), 0)
    for p in active:
        counts[p["action"]] = counts.get(p["action"], 0) + 1
    per_action = ", ".join(f"{action} {count}" for action, count in counts.items())
    console.print(
        f"Proposals: {len(proposals)} ({per_action}, blocked {len(blocked)})."
    )
    # the service's figures, the report's headline first: the CLI does not re-apply the rule
    console.print(
        f"[bold green]{money.totals(body, body['total_yearly_saving'])}[/bold green]\n"
        "The report's headline is the recommended figure; the open total also counts the "
        "open proposals it does not recommend (no saving, or too slow a payback)."
    )
    for p in blocked:
        target = p["targets"][0]
        console.print(
            f"[red]Blocked[/red] {p['action']} {names.get(target, target)}: {p['blocked_reason']}"
        )
    _print_waves(console, plan, {p["id"]: p for p in proposals}, names)


def _print_waves(
    console: Console, plan: dict[str, Any], proposals: dict[str, Any], names: dict[str, str]
) -> None:
    """Each wave on one line; applications that go together in brackets, saying why (a
    consolidation group, or a cycle of applications feeding each other)."""
    waves = plan.get("waves", [])
    if not waves:
        console.print("Waves: none (nothing to switch off).")
        return
    console.print(f"Decommission waves ({len(waves)}; consumers go before their suppliers):")
    for wave in waves:
        units = []
        for unit in wave["units"]:
            label = " + ".join(names.get(a, a) for a in unit["applications"])
            if len(unit["applications"]) > 1:
                label = f"({label}: {render.unit_note(unit, proposals, names)})"
            units.append(label)
        apps = sum(len(u["applications"]) for u in wave["units"])
        shown = ", ".join(units[:8]) + (f", … {len(units) - 8} more" if len(units) > 8 else "")
        console.print(f"  Wave {wave['number']} ({apps} applications): {shown}")


def snoei_command(root: Path) -> str:
    """How to run the CLI against the stack in ``root`` from where the user is: ``uv run
    snoei`` (``python3 -m uv`` when uv is not on PATH), with the stack directory."""
    try:
        where = root.relative_to(Path.cwd())
    except ValueError:
        where = root
    uv = "uv" if shutil.which("uv") else "python3 -m uv"
    return f"SNOEI_STACK_DIR={shlex.quote(str(where))} {uv} run snoei"


def _print_keep(
    console: Console, state: StackState, landscape_id: str, root: Path, example: str | None
) -> None:
    """Commands that work as printed: the CLI finds the stack's ports and token in its
    directory; curl needs the token."""
    rationalizer = state.url("rationalizer")
    snoei = snoei_command(root)
    lines = [
        f"{snoei} proposals --landscape {landscape_id}",
        *([f"{snoei} explain --landscape {landscape_id} {example}"] if example else []),
        f"{snoei} waves --landscape {landscape_id}",
        f"{snoei} proposals --landscape {landscape_id} --csv > proposals.csv",
        f"export SNOEI_API_TOKEN={state.token}",
        f'curl -H "Authorization: Bearer $SNOEI_API_TOKEN" '
        f'"{rationalizer}/v1/landscapes/{landscape_id}/report?lang=nl" > rapport.html',
    ]
    console.print("\n[bold]The stack keeps running.[/bold] Query it with:")
    for line in lines:
        console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    for service in ("inventory", "dependency", "rationalizer"):
        console.print(f"  {service}: {state.url(service)}/docs", soft_wrap=True)
    console.print(f"Stop it with: {snoei} stack down", markup=False, soft_wrap=True)
