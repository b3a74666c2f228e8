"""The servers a chaos run uses: an embedded PostgreSQL and Tansu broker the suite can crash
and restart, or the user's own (then only the services are disturbed)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

from snoei.bench.environment import recreate_database
from snoei.cli.embedded import EmbeddedKafka, EmbeddedPostgres, EmbeddedServerError, free_port
from snoei.cli.kafka_broker import ApacheKafka
from snoei.cli.stack import BrokerKind


class ChaosError(RuntimeError):
    """The suite could not run (a server did not start, a stage timed out)."""


def _wait(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    if process is None:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _reopen_parents(path: Path) -> None:
    """Under root, PostgreSQL runs as its own system user, which must traverse every parent
    of its data directory; something may have closed one since the first start (pytest
    resets its temporary root to 0700 whenever a session starts)."""
    if os.geteuid() != 0:
        return
    for parent in path.parents:  # the data directory itself must stay 0700
        mode = parent.stat().st_mode
        if mode & 0o011 != 0o011:
            parent.chmod(mode | 0o011)


@dataclass
class Servers:
    """PostgreSQL and the Kafka-protocol broker; embedded ones can be crashed and restarted."""

    admin_dsn: str
    bootstrap: str
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedKafka | ApacheKafka | None = None

    @property
    def embedded(self) -> bool:
        return self.postgres is not None and self.broker is not None

    @property
    def volatile_broker(self) -> bool:
        """A broker that loses its messages when it restarts (Tansu keeps them in memory)."""
        return isinstance(self.broker, EmbeddedKafka)

    @property
    def broker_kind(self) -> BrokerKind:
        return "kafka" if isinstance(self.broker, ApacheKafka) else "tansu"

    def dsn(self, database: str) -> str:
        parts = urlsplit(self.admin_dsn)
        return urlunsplit(parts._replace(path=f"/{database}"))

    async def fresh_database(self, name: str) -> str:
        await recreate_database(self.admin_dsn, name)
        return self.dsn(name)

    def crash_postgres(self) -> None:
        """Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, crash recovery at
        the next start, exactly like a power cut for every client."""
        pg = self._postgres()
        if pg.process is not None:
            backends = psutil.Process(pg.process.pid).children(recursive=True)
            pg.process.send_signal(signal.SIGQUIT)
            _wait(pg.process, 30)
            # A backend still attached to the shared memory makes the next start refuse.
            _, alive = psutil.wait_procs(backends, timeout=30)
            for backend in alive:
                with contextlib.suppress(psutil.NoSuchProcess):
                    backend.kill()
        pg.process = None

    def start_postgres(self, attempts: int = 3) -> None:
        """Start again after a crash; a start refused while the old server's resources are
        being released is tried again (the log says why each time)."""
        pg = self._postgres()
        for attempt in range(1, attempts + 1):
            _reopen_parents(pg.data_dir)
            try:
                pg.start(timeout=60)
                return
            except EmbeddedServerError:
                if attempt == attempts:
                    raise

    def kill_broker(self) -> None:
        """SIGKILL: Tansu loses every message (memory only), Apache Kafka recovers its log."""
        broker = self._broker()
        if broker.process is not None:
            with contextlib.suppress(ProcessLookupError):  # Apache Kafka: its process group
                os.killpg(broker.process.pid, signal.SIGKILL)
            broker.process.kill()
            _wait(broker.process, 10)
        broker.process = None

    def start_broker(self) -> None:
        self._broker().start(timeout=120)

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()
        if self.postgres is not None and self.postgres.process is not None:
            self.postgres.process.send_signal(signal.SIGINT)  # "fast" shutdown
            _wait(self.postgres.process, 30)
            self.postgres.process = None

    def _postgres(self) -> EmbeddedPostgres:
        if self.postgres is None:
            raise ChaosError("PostgreSQL is not embedded: the suite cannot crash it")
        return self.postgres

    def _broker(self) -> EmbeddedKafka | ApacheKafka:
        if self.broker is None:
            raise ChaosError("the broker is not embedded: the suite cannot restart it")
        return self.broker


@contextlib.contextmanager
def chaos_servers(
    root: Path, *, database_url: str | None = None, bootstrap: str | None = None,
    broker: BrokerKind = "tansu",
) -> Iterator[Servers]:
    """The user's servers when both addresses are given, else a fresh embedded PostgreSQL
    (durable: its crash recovery is under test) and broker (Tansu or Apache Kafka) under
    ``root``."""
    if database_url and bootstrap:
        yield Servers(database_url, bootstrap)
        return
    if database_url or bootstrap:
        raise ChaosError("give both --database-url and --bootstrap, or neither (embedded)")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    os.chmod(root, 0o755)  # the PostgreSQL system user must reach its data directory
    logs = root / "logs"
    pg = EmbeddedPostgres(root / "pg", free_port(), logs / "postgres.log")
    kafka: EmbeddedKafka | ApacheKafka = (
        ApacheKafka(free_port(), logs / "broker.log", root / "kafka") if broker == "kafka"
        else EmbeddedKafka(free_port(), logs / "broker.log")
    )
    servers = Servers(pg.dsn(), kafka.bootstrap, pg, kafka)
    try:
        pg.start(timeout=60)
        kafka.start(timeout=180)
        yield servers
    finally:
        servers.stop()
