"""Property-based fuzzing of each service's published OpenAPI (schemathesis): valid and
invalid requests generated from the schema, sent in-process to real apps wired to real
Postgres and broker, half of them aimed at a landscape that holds data (imported into the
inventory and carried through Kafka to the service under test). Whatever a client sends,
the answer is never a 5xx."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app as dependency_app
from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app as inventory_app
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.main import create_app as rationalizer_app
from tests.harness import Servers, in_process, wait_for

pytestmark = [
    pytest.mark.integration,
    # schemathesis' own strategies touch `random`; derandomize keeps the run reproducible
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]
TOKEN = {"Authorization": "Bearer fuzz"}
EXAMPLES_PER_OPERATION = 100  # positive and negative together; derandomized: same every run
SEEDED = "gemeente-fuzz"
DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"
SEED_FILES = ["capabilities.csv", "technologies.csv", "applications.csv", "integrations.csv"]
CHAIN = ["inventory", "dependency", "rationalizer"]
REQUEST_KEYS = {"method", "url", "headers", "files", "data", "params", "cookies", "json"}
Send = Callable[[requests.PreparedRequest], httpx.Response]


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    unsendable: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)


def build(service: str, database_url: str, kafka: Any) -> FastAPI:
    common: dict[str, Any] = {
        "database_url": database_url, "kafka": kafka, "api_tokens": {"fuzz": ["*"]},
    }
    if service == "inventory":
        return inventory_app(InventorySettings(**common))
    if service == "dependency":
        return dependency_app(DependencySettings(**common, inventory_url=""))
    return rationalizer_app(RationalizerSettings(**common, dependency_url=""))


@asynccontextmanager
async def chain_up_to(
    service: str, servers: Servers
) -> AsyncIterator[tuple[FastAPI, dict[str, httpx.AsyncClient]]]:
    """The services from the inventory up to ``service``, in-process, on one database and
    one topic prefix, so the seeded landscape flows from the inventory to ``service``."""
    database_url, kafka = await servers.fresh_database(), await servers.fresh_topics()
    clients: dict[str, httpx.AsyncClient] = {}
    async with AsyncExitStack() as stack:
        for name in CHAIN[: CHAIN.index(service) + 1]:
            app = build(name, database_url, kafka)
            clients[name] = await stack.enter_async_context(in_process(
                app, name, headers=TOKEN, raise_app_exceptions=False, timeout=60
            ))
        yield app, clients


async def seed(clients: dict[str, httpx.AsyncClient]) -> None:
    """Import a small landscape and wait until the last service of the chain holds it."""
    base = f"/v1/landscapes/{SEEDED}"
    for name in SEED_FILES:
        files = {"file": (name, (DATA / name).read_bytes())}
        response = await clients["inventory"].post(f"{base}/imports", files=files)
        assert response.status_code == 200, response.text
    if "dependency" in clients:
        graph = clients["dependency"]
        await wait_for(
            lambda: _ok(graph.get(f"{base}/graph")), timeout=30, message="the seeded graph"
        )
    if "rationalizer" in clients:
        rationalizer = clients["rationalizer"]

        async def proposed() -> bool:
            return bool((await rationalizer.get(f"{base}/proposals")).json()["proposals"])

        await wait_for(proposed, timeout=60, message="proposals for the seeded landscape")


async def _ok(response: Any) -> bool:
    return bool((await response).status_code == 200)


def fuzz(app: FastAPI, send: Send) -> FuzzReport:
    """Every operation of the app's OpenAPI, positive and negative examples, derandomized."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    report = FuzzReport()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the published OpenAPI is valid
        operation = result.ok()
        if not operation.path.startswith("/v1/"):
            continue
        report.operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
        _run(strategy, send, report)
    return report


def _run(strategy: st.SearchStrategy[Any], send: Send, report: FuzzReport) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy, st.booleans())
    def one(case: Any, seeded: bool) -> None:
        if seeded and "landscape_id" in case.path_parameters:
            case.path_parameters["landscape_id"] = SEEDED  # reach past the empty answers
        kwargs = case.as_transport_kwargs(base_url="http://fuzz", headers=TOKEN)
        try:
            prepared = requests.Request(
                **{k: v for k, v in kwargs.items() if k in REQUEST_KEYS}
            ).prepare()
        except (ValueError, UnicodeError, requests.RequestException):
            report.unsendable += 1  # e.g. a header no HTTP client would send
            return
        response = send(prepared)
        report.requests += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except FailureGroup:
            report.server_errors.append(
                f"{prepared.method} {prepared.url} body={prepared.body!r:.200}"
                f" -> {response.status_code} {response.text[:200]}"
            )

    one()


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("latin-1")


@pytest.mark.parametrize("service", CHAIN)
async def test_no_request_makes_a_service_answer_with_a_server_error(
    service: str, servers: Servers
) -> None:
    loop = asyncio.get_running_loop()
    async with chain_up_to(service, servers) as (app, clients):
        await seed(clients)
        client = clients[service]

        def send(prepared: requests.PreparedRequest) -> httpx.Response:
            body = prepared.body
            request = client.request(
                str(prepared.method), str(prepared.url),
                headers={k: _text(v) for k, v in prepared.headers.items()},
                content=body.encode() if isinstance(body, str) else cast(bytes | None, body),
            )
            return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)

        # hypothesis drives the examples synchronously: from a thread, into this loop
        report = await asyncio.to_thread(fuzz, app, send)
    print(  # the figures the fuzzing reached, shown with -s
        f"\n{service}: {report.operations} operations, {report.requests} requests "
        f"({report.unsendable} unsendable), statuses {dict(sorted(report.statuses.items()))}, "
        f"{len(report.server_errors)} server errors"
    )
    assert report.operations >= 8
    assert report.requests >= report.operations * EXAMPLES_PER_OPERATION * 0.9
    assert report.server_errors == [], "\n".join(report.server_errors[:20])
