"""The servers a benchmark runs against: a dedicated embedded stack under ``.snoei/bench``."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from snoei.cli.embedded import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    EmbeddedKafka,
    EmbeddedPostgres,
    free_port,
)
from snoei.cli.stack import DATABASE, StackState, running, stack_down, stack_up
from snoei.samples import Landscape
from snoei.shared.kafka import client_kwargs, ensure_topics
from snoei.shared.settings import KafkaSettings


class BenchError(RuntimeError):
    """A benchmark could not run (a server did not start, a stage timed out)."""


@dataclass
class BenchEnv:
    """Addresses of the embedded PostgreSQL and broker, and of the services when started."""

    root: Path
    pg_port: int
    bootstrap: str
    state: StackState | None = None

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{database}"

    @property
    def kafka(self) -> KafkaSettings:
        # the stack's consumer-group timings (``stack_up`` gives its services 3 s)
        return KafkaSettings(
            bootstrap=self.bootstrap,
            session_timeout_ms=3_000,
            heartbeat_interval_ms=300,
            fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS,
        )

    @property
    def stack(self) -> StackState:
        if self.state is None:
            raise BenchError("this scenario needs the services; start the bench with them")
        return self.state

    def client(self, service: str, timeout: float = 30) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.stack.url(service),
            headers={"Authorization": f"Bearer {self.stack.token}"},
            timeout=timeout,
        )

    @property
    def postgres_log(self) -> Path:
        return self.root / "logs" / "postgres.log"

    def postgres_log_size(self) -> int:
        return self.postgres_log.stat().st_size if self.postgres_log.exists() else 0

    def postgres_trouble(self, since: int = 0, limit: int = 4) -> list[str]:
        """The server log's lines after byte ``since`` that say why connections were dropped
        (a PANIC, a killed server process, a shutdown): a lost connection names no cause."""
        if not self.postgres_log.exists():
            return []
        with self.postgres_log.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        return [line for line in lines if _is_trouble(line)][-limit:]

    async def fresh_database(self, name: str) -> str:
        """Drop and recreate ``name``; return its DSN."""
        await recreate_database(self.dsn(), name)
        return self.dsn(name)


async def recreate_database(admin_dsn: str, name: str) -> None:
    """Drop ``name`` (closing its connections) and create it empty, through ``admin_dsn``."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


# pg_isready connects as the OS user and during start-up; neither is a problem
_ROUTINE = ('role "root" does not exist', "the database system is starting up")
_TROUBLE = (" PANIC: ", " FATAL: ", "terminated by signal", "shutdown request",
            "terminating any other active server processes")


def _is_trouble(line: str) -> bool:
    return any(t in line for t in _TROUBLE) and not any(r in line for r in _ROUTINE)


def _clean(root: Path) -> None:
    existing = StackState.load(root)
    if existing is not None and any(running(existing).values()):
        raise BenchError(f"a bench stack is still running from {root}; `SNOEI_STACK_DIR={root} "
                         "snoei stack down` stops it")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    os.chmod(root, 0o755)  # the PostgreSQL system user must reach its data directory


@contextmanager
def bench_environment(root: Path, *, services: bool) -> Iterator[BenchEnv]:
    """A fresh embedded PostgreSQL and Tansu broker on free ports, plus the three services
    as processes (``snoei stack up`` under ``root``) when ``services``; stopped on exit."""
    _clean(root)
    if services:
        previous = os.environ.get("SNOEI_STACK_DIR")
        os.environ["SNOEI_STACK_DIR"] = str(root)
        try:
            state = stack_up(
                pg_port=free_port(),
                broker_port=free_port(),
                inventory_port=free_port(),
                dependency_port=free_port(),
                rationalizer_port=free_port(),
                timeout=120,
            )
        finally:
            if previous is None:
                os.environ.pop("SNOEI_STACK_DIR", None)
            else:
                os.environ["SNOEI_STACK_DIR"] = previous
        try:
            yield BenchEnv(root, state.pg_port, state.bootstrap, state)
        finally:
            stack_down(state)
        return
    logs = root / "logs"
    pg = EmbeddedPostgres(root / "pg", free_port(), logs / "postgres.log")
    kafka = EmbeddedKafka(free_port(), logs / "broker.log")
    try:
        pg.start()
        pg.create_database(DATABASE)
        kafka.start()
        yield BenchEnv(root, pg.port, kafka.bootstrap)
    finally:
        kafka.stop()
        pg.stop()


async def create_topics(env: BenchEnv, *names: str, partitions: int = 6) -> None:
    settings = KafkaSettings(bootstrap=env.bootstrap, partitions=partitions)
    await ensure_topics(settings, names)


def raw_producer(env: BenchEnv, client_id: str) -> AIOKafkaProducer:
    """A producer configured like Snoei's ``BatchPublisher`` (acks=all, batched)."""
    return AIOKafkaProducer(
        **client_kwargs(env.kafka),
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        max_batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
    )


async def publish_all(
    producer: AIOKafkaProducer, topic: str, messages: list[tuple[bytes, bytes]]
) -> None:
    """Send every (key, value) and wait for all acknowledgements."""
    futures = [await producer.send(topic, value=v, key=k) for k, v in messages]
    for future in futures:
        await future


def change_messages(landscape: Landscape) -> list[tuple[bytes, bytes]]:
    """The landscape's ``inventory.changes`` as (key, value) bytes, in feeding order."""
    return [(c.key(), c.to_bytes()) for c in landscape.iter_changes("bench")]


async def latest_run(env: BenchEnv, client: httpx.AsyncClient, landscape_id: str) -> Any:
    response = await client.get(f"/v1/landscapes/{landscape_id}/runs", params={"limit": 1})
    if response.status_code != 200:
        return None
    runs = response.json()
    return runs[0] if runs else None


async def wait_for_run(
    env: BenchEnv, landscape_id: str, sequence: int, *, timeout: float, interval: float = 0.1
) -> dict[str, Any]:
    """Poll the rationalizer until a run evaluated inventory ``sequence`` (or later)."""
    deadline = time.monotonic() + timeout
    async with env.client("rationalizer") as client:
        while True:
            run = await latest_run(env, client, landscape_id)
            if run is not None and run["inventory_sequence"] >= sequence:
                return dict(run)
            if time.monotonic() > deadline:
                seen = run["inventory_sequence"] if run else None
                raise BenchError(
                    f"no rationalizer run reached inventory sequence {sequence} of "
                    f"{landscape_id!r} within {timeout:.0f}s (latest run at {seen}); "
                    f"logs in {env.root}/logs"
                )
            await asyncio.sleep(interval)


async def inventory_sequence(conn: asyncpg.Connection, landscape_id: str) -> int:
    """The last sequence the inventory assigned in ``landscape_id`` (0 if none)."""
    value = await conn.fetchval(
        "SELECT last_sequence FROM inventory.landscapes WHERE landscape_id = $1", landscape_id
    )
    return int(value or 0)
