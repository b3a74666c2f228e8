"""Test harness: real PostgreSQL and Kafka-protocol servers, service processes, and waiting
for conditions with a deadline (never a fixed sleep)."""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import psutil

from snoei.cli.embedded import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    EmbeddedKafka,
    EmbeddedPostgres,
    free_port,
    stop_process,
)
from snoei.cli.kafka_broker import ApacheKafka
from snoei.shared.kafka import ensure_topics
from snoei.shared.settings import KafkaSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

REPO = Path(__file__).resolve().parent.parent
TEST_TOKEN = "test-token"


def ready_timeout() -> float:
    """Seconds a service process gets to answer ``/ready``: ``SNOEI_TEST_READY_TIMEOUT_S``,
    60 by default. Importing a service takes 2-3 s on an idle machine and over 20 s on a
    shared one under heavy load; a process that hangs still fails, with its log."""
    value = os.environ.get("SNOEI_TEST_READY_TIMEOUT_S", "60")
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ValueError(f"SNOEI_TEST_READY_TIMEOUT_S={value!r}: give a positive number of seconds")
    return seconds


async def wait_for(
    condition: Callable[[], Any],
    *,
    timeout: float = 20.0,
    message: str = "condition",
    interval: float = 0.05,
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = condition()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
        except AssertionError as exc:  # lets a condition explain itself
            last_error = exc
        if time.monotonic() > deadline:
            detail = f": {last_error}" if last_error else ""
            raise TimeoutError(f"timed out after {timeout}s waiting for {message}{detail}")
        await asyncio.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def server_directory(prefix: str = "snoei-test-") -> Path:
    """A new directory for an embedded server's data, never under pytest's ``tmp_path``.

    Run as root, the embedded PostgreSQL is another system user: it reaches its data
    directory through every parent for as long as it runs (the checkpointer opens
    ``global/pg_control`` by its full path). Each pytest session that starts on the machine
    makes ``/tmp/pytest-of-<user>`` private again (mode 0700), so a server under ``tmp_path``
    dies at its next checkpoint ("PANIC: could not open file .../pg_control: Permission
    denied") and drops every connection. The caller removes the directory."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(root, 0o755)
    return root


@dataclass
class Servers:
    """The real servers one test session talks to."""

    kafka_bootstrap: str
    admin_dsn: str
    # Apache Kafka has idempotent producers; Tansu refuses them.
    idempotent_producers: bool = False
    apache_kafka: ApacheKafka | None = None
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    async def fresh_database(self) -> str:
        """A new, empty database on the server: per-test isolation of every schema."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        parts = urlsplit(self.admin_dsn)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def kafka_settings(self, prefix: str) -> KafkaSettings:
        return KafkaSettings(
            bootstrap=self.kafka_bootstrap,
            topic_prefix=prefix,
            session_timeout_ms=2_000,
            heartbeat_interval_ms=300,
            fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS,
            partitions=3,
            enable_idempotence=self.idempotent_producers,
        )

    async def fresh_topics(self) -> KafkaSettings:
        """Kafka settings with a unique topic prefix whose topics already exist."""
        settings = self.kafka_settings(f"t{uuid.uuid4().hex[:10]}.")
        await ensure_topics(settings, settings.topics.all())
        return settings

    def close(self) -> None:
        for step in reversed(self._cleanup):
            step()


def start_servers() -> Servers:
    """Embedded servers by default; ``SNOEI_KAFKA_BOOTSTRAP`` / ``SNOEI_DATABASE_URL`` when set;
    Apache Kafka from Maven's jars when ``SNOEI_TEST_BACKEND=kafka``; testcontainers when
    ``SNOEI_TEST_BACKEND=testcontainers``."""
    backend = os.environ.get("SNOEI_TEST_BACKEND", "embedded")
    if backend not in ("embedded", "kafka", "testcontainers"):
        raise ValueError(f"SNOEI_TEST_BACKEND={backend!r}: use embedded, kafka or testcontainers")
    servers = Servers(kafka_bootstrap="", admin_dsn="", idempotent_producers=backend != "embedded")
    try:
        _start(servers, backend)
    except BaseException:
        servers.close()  # what did start must not outlive a failed start
        raise
    return servers


def _start(servers: Servers, backend: str) -> None:
    if backend == "testcontainers":
        _start_testcontainers(servers)
    bootstrap = os.environ.get("SNOEI_KAFKA_BOOTSTRAP")
    dsn = os.environ.get("SNOEI_DATABASE_URL")
    if bootstrap:
        servers.kafka_bootstrap = bootstrap
    if dsn:
        servers.admin_dsn = dsn
    if not servers.admin_dsn or not servers.kafka_bootstrap:
        root = server_directory()
        servers._cleanup.append(lambda: shutil.rmtree(root, ignore_errors=True))
        if not servers.admin_dsn:
            pg = EmbeddedPostgres(root / "pg", free_port(), root / "pg.log")
            pg.start(durable=False)
            servers._cleanup.append(pg.stop)
            servers.admin_dsn = pg.dsn()
        if not servers.kafka_bootstrap and backend == "kafka":
            apache = ApacheKafka(free_port(), root / "kafka.log", root / "kafka")
            apache.start()
            servers._cleanup.append(apache.stop)
            servers.kafka_bootstrap = apache.bootstrap
            servers.apache_kafka = apache
        if not servers.kafka_bootstrap:
            kafka = EmbeddedKafka(free_port(), root / "kafka.log")
            kafka.start()
            servers._cleanup.append(kafka.stop)
            servers.kafka_bootstrap = kafka.bootstrap


def _start_testcontainers(servers: Servers) -> None:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    pg = PostgresContainer("postgres:17-alpine", driver=None)
    pg.start()
    servers._cleanup.append(pg.stop)
    servers.admin_dsn = pg.get_connection_url()
    kafka = KafkaContainer().with_kraft()
    kafka.start()
    servers._cleanup.append(kafka.stop)
    servers.kafka_bootstrap = kafka.get_bootstrap_server()


@dataclass
class ServiceProcess:
    """One Snoei service running as its own OS process, as in production."""

    name: str
    port: int
    env: dict[str, str]
    log_file: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"snoei.{self.name}"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Until ``/ready`` answers 200 (within ``ready_timeout()`` by default); fails at once,
        with the log's tail, when the process exits meanwhile."""
        timeout = ready_timeout() if timeout is None else timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:

            async def ready() -> bool:
                if self.process is not None and self.process.poll() is not None:
                    raise AssertionError(
                        f"{self.name} exited with {self.process.returncode}:\n{self.tail()}"
                    )
                try:
                    return (await client.get("/ready")).status_code == 200
                except httpx.TransportError:
                    return False

            try:
                await wait_for(ready, timeout=timeout, message=f"{self.name} to be ready")
            except AssertionError as exc:
                raise RuntimeError(str(exc)) from None
            except TimeoutError as exc:  # the log is shown by ``running_services``
                raise TimeoutError(f"{exc}; SNOEI_TEST_READY_TIMEOUT_S sets the deadline") from None

    def stop(self, timeout: float = 20) -> None:
        stop_process(self.process, timeout)

    def kill(self) -> None:
        """SIGKILL: a crash, with no chance to commit or flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def service_env(
    *, database_url: str, kafka: KafkaSettings, port: int, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env.update(
        {
            "SNOEI_DATABASE_URL": database_url,
            "SNOEI_KAFKA_BOOTSTRAP": kafka.bootstrap,
            "SNOEI_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
            "SNOEI_KAFKA_SESSION_TIMEOUT_MS": str(kafka.session_timeout_ms),
            "SNOEI_KAFKA_HEARTBEAT_INTERVAL_MS": str(kafka.heartbeat_interval_ms),
            "SNOEI_KAFKA_FETCH_MAX_WAIT_MS": str(kafka.fetch_max_wait_ms),
            "SNOEI_KAFKA_PARTITIONS": str(kafka.partitions),
            "SNOEI_KAFKA_ENABLE_IDEMPOTENCE": str(kafka.enable_idempotence).lower(),
            "SNOEI_HTTP_PORT": str(port),
            "SNOEI_LOG_FORMAT": "json",
            "SNOEI_API_TOKENS": f'{{"{TEST_TOKEN}": ["*"]}}',
        }
    )
    env.update(extra or {})
    return env


@contextmanager
def running_services(
    names: list[str],
    *,
    database_url: str,
    kafka: KafkaSettings,
    log_dir: Path,
    extra_env: dict[str, dict[str, str]] | None = None,
) -> Iterator[dict[str, ServiceProcess]]:
    """Start services as processes; always stop them, and show their logs on failure."""
    procs: dict[str, ServiceProcess] = {}
    ports = {name: free_port() for name in names}
    # Services started together find each other; one started alone calls nothing outside
    # the test (an empty URL disables the call rather than reaching a local stack).
    wiring = {
        "SNOEI_INVENTORY_URL": _url(ports.get("inventory")),
        "SNOEI_DEPENDENCY_URL": _url(ports.get("dependency")),
        "SNOEI_INVENTORY_TOKEN": TEST_TOKEN,
        "SNOEI_DEPENDENCY_TOKEN": TEST_TOKEN,
    }
    try:
        for name in names:
            env = service_env(
                database_url=database_url,
                kafka=kafka,
                port=ports[name],
                extra={**wiring, **(extra_env or {}).get(name, {})},
            )
            procs[name] = ServiceProcess(name, ports[name], env, log_dir / f"{name}.log")
            procs[name].start()
        yield procs
    except BaseException:
        for proc in procs.values():
            sys.stderr.write(f"--- {proc.name} log ---\n{proc.tail()}\n")
        raise
    finally:
        for proc in procs.values():
            proc.stop()


def _url(port: int | None) -> str:
    return f"http://127.0.0.1:{port}" if port else ""


def auth(token: str = TEST_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def in_process(
    app: FastAPI,
    name: str = "snoei",
    *,
    headers: Mapping[str, str] | None = None,
    raise_app_exceptions: bool = True,
    timeout: float = 5.0,
) -> AsyncIterator[httpx.AsyncClient]:
    """A service's app started in this process (its lifespan) and a client to it, with the
    test token unless ``headers`` say otherwise. ``raise_app_exceptions=False``: a server
    error comes back as a 500 answer, as a real server would send it."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url=f"http://{name}",
        headers=auth() if headers is None else dict(headers), timeout=timeout,
    ) as client:
        yield client


Json = dict[str, Any]


def surviving_processes(root: Path, pids: Collection[int] = ()) -> list[int]:
    """Processes still running from a stack directory (named on their command line), or
    among ``pids``: after a stack is stopped, there must be none."""

    def cmdline(proc: psutil.Process) -> list[str]:
        try:
            return proc.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return []

    return [
        p.pid
        for p in psutil.process_iter()
        if p.pid in pids or str(root) in " ".join(cmdline(p))
    ]
