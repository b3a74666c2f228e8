"""The three services of one run as processes the suite can kill, pause, restart and double."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from snoei.bench.chaos.servers import ChaosError
from snoei.cli.embedded import free_port
from snoei.cli.stack import BrokerKind, StackState, service_environment

SERVICES = ("inventory", "dependency", "rationalizer")
SESSION_TIMEOUT_MS = 3_000  # the local stack's: a lost member is noticed within 3 s


@dataclass
class ServiceProcess:
    """One instance of a service, in its own process group."""

    name: str
    service: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, faults: str | None = None) -> None:
        env = dict(self.env)
        if faults:
            env["SNOEI_FAULTS"] = faults
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"snoei.{self.service}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def signal(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (the service commits what it processed and leaves its group)."""
        if not self.alive:
            return
        self.signal(signal.SIGCONT)  # a paused process cannot stop
        self.signal(signal.SIGTERM)
        assert self.process is not None
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    async def wait_exit(self, timeout: float) -> bool:
        """True when the process exited within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.alive:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                if not self.alive:
                    raise ChaosError(f"{self.name} exited at start; see {self.log}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/ready")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise ChaosError(f"{self.name} was not ready within {timeout:.0f}s; "
                                     f"see {self.log}")
                await asyncio.sleep(0.1)


@dataclass
class Deployment:
    """The services of one run: their own database and topic prefix on shared servers."""

    database_url: str
    bootstrap: str
    topic_prefix: str
    token: str
    logs: Path
    broker: BrokerKind = "tansu"  # the stack's settings for that broker
    primary: dict[str, ServiceProcess] = field(default_factory=dict)
    extra: list[ServiceProcess] = field(default_factory=list)

    def instance(self, service: str, name: str) -> ServiceProcess:
        port = free_port()
        ports = {s: p.port for s, p in self.primary.items()} | {service: port}
        for other in SERVICES:
            ports.setdefault(other, free_port())
        state = StackState(str(self.logs.parent), 0, 0, ports, self.token, broker=self.broker)
        env = service_environment(state, service, SESSION_TIMEOUT_MS)
        env.update({
            "SNOEI_DATABASE_URL": self.database_url,
            "SNOEI_KAFKA_BOOTSTRAP": self.bootstrap,
            "SNOEI_KAFKA_TOPIC_PREFIX": self.topic_prefix,
            "SNOEI_SCHEDULE": "",  # runs come from changes only: the same in both runs
        })
        self.logs.mkdir(parents=True, exist_ok=True)
        return ServiceProcess(name, service, port, env, self.logs / f"{name}.log")

    async def start(self, timeout: float) -> None:
        for service in SERVICES:
            self.primary[service] = self.instance(service, service)
        # One instance knows the others' URLs (gap repair, snapshots): fix them up first.
        urls = {f"SNOEI_{s.upper()}_URL": p.url for s, p in self.primary.items()}
        for process in self.primary.values():
            process.env.update(urls)
            process.start()
        for process in self.primary.values():
            await process.wait_ready(timeout)

    def second(self, service: str) -> ServiceProcess:
        process = self.instance(service, f"{service}-2")
        process.env.update({k: v for k, v in self.primary[service].env.items()
                            if k.endswith("_URL") and k != "SNOEI_DATABASE_URL"})
        self.extra.append(process)
        return process

    def url(self, service: str) -> str:
        return self.primary[service].url

    def stop(self) -> None:
        """Stop every instance at once (each may wait for its group to let go)."""
        processes = [*self.extra, *self.primary.values()]
        threads = [threading.Thread(target=p.stop, args=(20,)) for p in processes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
