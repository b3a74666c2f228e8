"""Property-based fuzzing of each service's published OpenAPI (schemathesis): valid and
invalid requests generated from the schema, sent in-process to a real app wired to real
Postgres and broker. Whatever a client sends, the answer is never a 5xx."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
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
from tests.harness import Servers

pytestmark = [
    pytest.mark.integration,
    # schemathesis' own strategies touch `random`; derandomize keeps the run reproducible
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]
TOKEN = {"Authorization": "Bearer fuzz"}
EXAMPLES_PER_OPERATION = 25  # per generation mode; the whole module stays within minutes


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
        return inventory_app(InventorySettings(**common, relay_enabled=False))
    if service == "dependency":
        return dependency_app(DependencySettings(**common, inventory_url=""))
    return rationalizer_app(RationalizerSettings(**common, dependency_url=""))


def fuzz(app: FastAPI, send: Callable[[requests.PreparedRequest], httpx.Response]) -> FuzzReport:
    """Every operation of the app's OpenAPI, positive and negative examples, derandomized."""
    spec = app.openapi()
    schema = schemathesis.openapi.from_dict(spec)
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


REQUEST_KEYS = {"method", "url", "headers", "files", "data", "params", "cookies", "json"}


def _run(
    strategy: st.SearchStrategy[Any],
    send: Callable[[requests.PreparedRequest], httpx.Response],
    report: FuzzReport,
) -> None:
    @settings(
        max_examples=2 * EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(case: Any) -> None:
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


@pytest.mark.parametrize("service", ["inventory", "dependency", "rationalizer"])
async def test_no_request_makes_a_service_answer_with_a_server_error(
    service: str, servers: Servers
) -> None:
    app = build(service, await servers.fresh_database(), await servers.fresh_topics())
    loop = asyncio.get_running_loop()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500, not a raise
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://fuzz", timeout=30
    ) as client:

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
    print(
        f"\n{service}: {report.operations} operations, {report.requests} requests "
        f"({report.unsendable} unsendable), statuses {dict(sorted(report.statuses.items()))}, "
        f"{len(report.server_errors)} server errors"
    )
    assert report.operations >= 8
    assert report.requests >= report.operations * EXAMPLES_PER_OPERATION
    assert report.server_errors == [], "\n".join(report.server_errors[:20])
