"""Apache Kafka (KRaft, one combined controller+broker node) from the official Maven jars.

The jars are resolved once by Maven from ``deploy/kafka/pom.xml`` into a cache folder
(``~/.cache/snoei/kafka-<version>``, or ``SNOEI_KAFKA_JARS``); the log dir is formatted with
``kafka.tools.StorageTool`` and the broker runs as ``java -cp ... kafka.Kafka`` in its own
process group. No Docker, no distribution tarball. Used by the test harness
(``SNOEI_TEST_BACKEND=kafka``) and by ``snoei stack up --broker kafka``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import subprocess
import threading
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from snoei.cli.embedded import (
    EmbeddedServerError,
    accepts_connections,
    free_port,
    port_is_free,
    require_free_port,
    wait_until,
)

POM = Path(__file__).resolve().parents[4] / "deploy" / "kafka" / "pom.xml"
MAVEN_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
RESOLVED_MARKER = ".resolved"
# A small heap: the broker shares 2 cores and the machine with Postgres and three services.
JVM_OPTIONS = ("-Xmx512m", "-Xms128m", "-XX:+UseSerialGC", "-Djava.awt.headless=true")
LOG4J2 = """\
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.config.name = org.apache.kafka.common.config
logger.config.level = WARN
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
"""


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version the pom pins (its one source of truth)."""
    if not pom.exists():
        raise EmbeddedServerError(f"{pom} is missing: Apache Kafka runs from a Snoei checkout")
    node = ET.parse(pom).getroot().find("m:properties/m:kafka.version", MAVEN_NS)
    if node is None or not node.text:
        raise EmbeddedServerError(f"{pom} names no <kafka.version>")
    return node.text.strip()


def jar_dir(version: str) -> Path:
    configured = os.environ.get("SNOEI_KAFKA_JARS")
    if configured:
        return Path(configured).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "snoei" / f"kafka-{version}"


def resolve_jars(pom: Path = POM) -> Path:
    """The folder of the broker's jars: copied by Maven on first use, then reused.

    A lock file keeps two sessions from resolving into the same folder at once, and the
    marker is written last, so an interrupted copy is redone rather than half used."""
    folder = jar_dir(kafka_version(pom))
    if (folder / RESOLVED_MARKER).exists():
        return folder
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EmbeddedServerError("Apache Kafka needs Maven (mvn) on PATH to resolve its jars")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / RESOLVED_MARKER).exists():
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        result = subprocess.run(
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={folder}",
            ],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()[-800:]
            raise EmbeddedServerError(f"Maven could not resolve the Kafka jars: {output}")
        (folder / RESOLVED_MARKER).write_text(kafka_version(pom) + "\n")
    return folder


def _controller_port(properties: Path) -> int:
    """The controller port a previous start wrote into ``properties``, or 0."""
    if not properties.exists():
        return 0
    for line in properties.read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "controller.quorum.voters":
            return int(value.rsplit(":", 1)[1])
    return 0


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel kills the JVM when its parent dies, so an
    interrupted or crashed test session leaves no broker behind (Linux PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def cluster_id() -> str:
    """A KRaft cluster id: a random UUID in URL-safe base64. One that starts with "-" is
    drawn again, as Kafka's own ``Uuid.randomUuid`` does: ``kafka-storage format
    --cluster-id -x…`` reads it as an option (one format in 64 failed, in CI)."""
    while (candidate := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode()).startswith("-"):
        pass
    return candidate.rstrip("=")


async def _broker_count(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="snoei-probe", request_timeout_ms=3000
    )
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return len(cluster["brokers"])
    finally:
        await admin.close()


def broker_answers(bootstrap: str) -> bool:
    """True once a metadata call lists a live broker (registered and unfenced, so topics
    can be created). Runs in a thread of its own, so callers inside an event loop can use it."""
    result: list[int] = []

    def probe() -> None:
        with contextlib.suppress(Exception):  # not up yet: refused, timed out, no broker
            result.append(asyncio.run(_broker_count(bootstrap)))

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join()
    return bool(result and result[0] > 0)


@dataclass
class ApacheKafka:
    """A single-node Apache Kafka on ``127.0.0.1:port`` whose log dir is ``data_dir``.

    The data dir is formatted on first start only, so a broker restarted on the same folder
    keeps every message: the stack keeps it under its folder, tests in a temporary one."""

    port: int
    log_file: Path
    data_dir: Path
    controller_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def config(self) -> str:
        logs = self.data_dir / "logs"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(logs),
            # Snoei creates its topics (ensure_topics); a typo must not create one.
            "auto.create.topics.enable": "false",
            # One node: internal topics cannot have more replicas than that.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # Fewer than the default 50: the offsets topic is created at the first group join.
            "offsets.topic.num.partitions": "10",
            # The default 3 s delays every first join of a group; tests join many groups.
            "group.initial.rebalance.delay.ms": "0",
            # Kafka refuses sessions under 6 s by default; tests (2 s) and the stack (3 s)
            # use shorter ones so that a new member is assigned partitions quickly.
            "group.min.session.timeout.ms": "1000",
            "num.partitions": "1",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _java(self, jars: Path, main: str, *args: str) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise EmbeddedServerError("Apache Kafka needs Java 17 or newer (java) on PATH")
        return [
            java,
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp",
            str(jars / "*"),
            main,
            *args,
        ]

    def _format(self, jars: Path, properties: Path) -> None:
        if (self.data_dir / "logs" / "meta.properties").exists():
            return
        command = ["format", "--cluster-id", cluster_id(), "--config", str(properties)]
        result = subprocess.run(
            self._java(jars, "kafka.tools.StorageTool", *command),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip()[-800:]
            raise EmbeddedServerError(f"formatting the Kafka log dir failed: {tail}")

    def start(self, *, detach: bool = False, timeout: float = 60) -> None:
        """Start and wait until a metadata call lists the broker. ``detach`` lets it outlive
        this process (the stack); otherwise it dies with it (tests)."""
        jars = resolve_jars()
        require_free_port(self.port, "the Kafka broker", "SNOEI_BROKER_PORT / --broker-port")
        properties = self.data_dir / "server.properties"
        # A restart on the same log dir keeps its controller address when it can.
        self.controller_port = self.controller_port or _controller_port(properties)
        if not self.controller_port or not port_is_free(self.controller_port):
            self.controller_port = free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "log4j2.properties").write_text(LOG4J2)
        properties.write_text(self.config())
        self._format(jars, properties)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self._java(jars, "kafka.Kafka", str(properties)),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() signals all of it
                preexec_fn=None if detach else _die_with_parent,
            )
        try:
            wait_until(self._ready, timeout=timeout, what="Apache Kafka", log=self.log_file)
        except BaseException:
            self.stop()
            raise

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise EmbeddedServerError(f"Apache Kafka exited at start; see {self.log_file}")
        # Ask for metadata only once the port is open: a refused client logs errors.
        return accepts_connections(self.port) and broker_answers(self.bootstrap)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the process group (a controlled shutdown that flushes the log), then
        SIGKILL what is left after ``timeout``."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

