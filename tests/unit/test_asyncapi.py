"""The AsyncAPI documents: current, complete per topic, and served by every service."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from faststream.kafka import KafkaRouter
from pydantic import SecretStr

from snoei.dependency.config import DependencySettings
from snoei.dependency.handlers import register_handlers as register_dependency
from snoei.dependency.main import create_app as create_dependency
from snoei.inventory.config import InventorySettings
from snoei.inventory.handlers import register_handlers as register_inventory
from snoei.inventory.main import create_app as create_inventory
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.handlers import register_handlers as register_rationalizer
from snoei.rationalizer.main import create_app as create_rationalizer
from snoei.shared.asyncapi import SERVICES, document, published_settings
from snoei.shared.settings import KafkaSettings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "asyncapi"
GOLDEN = ROOT / "shared" / "golden"
UNUSED: Any = None  # registration only keeps the handlers' collaborators; none is called


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    name = ref.removeprefix("#/components/schemas/")
    return _resolve(doc, doc["components"]["schemas"][name])


def _messages(doc: dict[str, Any], topic: str, action: str) -> list[dict[str, Any]]:
    """The message definitions of the operations doing ``action`` on ``topic``."""
    found = []
    for operation in doc["operations"].values():
        channel_name = operation["channel"]["$ref"].removeprefix("#/channels/")
        channel = doc["channels"][channel_name]
        if operation["action"] != action or channel["address"] != topic:
            continue
        for ref in channel["messages"].values():
            name = ref["$ref"].removeprefix("#/components/messages/")
            found.append(doc["components"]["messages"][name])
    return found


def _variants(doc: dict[str, Any], message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The payload's envelope schemas by their `type`."""
    payload = _resolve(doc, message["payload"])
    members = [_resolve(doc, m) for m in payload.get("oneOf", [payload])]
    return {m["properties"]["type"]["const"]: m for m in members}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_committed_document_is_the_generated_one(service: str) -> None:
    committed = json.loads((DOCS / f"{service}.json").read_text(encoding="utf-8"))
    assert committed == document(service, published_settings()), (
        f"docs/asyncapi/{service}.json is stale: run `make asyncapi`"
    )


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_topic_documents_each_message_type_of_its_golden_files(service: str) -> None:
    doc = document(service, published_settings())
    topics = SERVICES[service]
    for action, names in (("receive", topics.receives), ("send", topics.sends)):
        for topic in names:
            [message] = _messages(doc, topic, action)
            variants = _variants(doc, message)
            # `<type>.v<n>.json` pin older versions, the upcasters' input: not documented
            golden = {p.stem: p for p in (GOLDEN / topic).glob("*.json")
                      if not re.search(r"\.v\d+$", p.stem)}
            assert golden, f"no golden files for {topic}"
            assert set(variants) == set(golden), topic
            for type_, path in golden.items():
                wire = json.loads(path.read_text(encoding="utf-8"))
                schema = variants[type_]
                assert set(wire) <= set(schema["properties"]), (topic, type_)
                assert set(schema.get("required", [])) <= set(wire), (topic, type_)
            key = message["bindings"]["kafka"]["key"]
            assert key["type"] == "string"
            assert "landscape" in key["description"]


def test_documented_consumers_are_the_services_subscribers() -> None:
    inventory, dependency, rationalizer = KafkaRouter(), KafkaRouter(), KafkaRouter()
    register_inventory(
        inventory, settings=InventorySettings(), service=UNUSED, dlq=UNUSED, tracker=UNUSED
    )
    register_dependency(dependency, settings=DependencySettings(), service=UNUSED, tracker=UNUSED)
    register_rationalizer(
        rationalizer,
        settings=RationalizerSettings(),
        replicas=UNUSED,
        runs=UNUSED,
        debouncer=UNUSED,
        graph_tracker=UNUSED,
        runs_tracker=UNUSED,
    )
    prefix = KafkaSettings().topic_prefix
    for service, router in (
        ("inventory", inventory),
        ("dependency", dependency),
        ("rationalizer", rationalizer),
    ):
        subscribed = {
            name.removeprefix(prefix)
            for subscriber in router.subscribers
            for name in cast(Any, subscriber).topic_names_for_subscribe
        }
        assert subscribed == set(SERVICES[service].receives), service


@pytest.mark.parametrize(
    ("service", "app"),
    [
        ("inventory", lambda k: create_inventory(InventorySettings(kafka=k))),
        ("dependency", lambda k: create_dependency(DependencySettings(kafka=k))),
        ("rationalizer", lambda k: create_rationalizer(RationalizerSettings(kafka=k))),
    ],
)
def test_service_serves_its_document_with_its_own_topic_names(service: str, app: Any) -> None:
    kafka = KafkaSettings(bootstrap="kafka-a:9092,kafka-b:9092", topic_prefix="acme-")
    built: FastAPI = app(kafka)
    client = TestClient(built)  # no lifespan: the document needs neither database nor broker

    served = client.get("/asyncapi.json")
    assert served.status_code == 200
    doc = served.json()
    assert doc["servers"]["development"]["host"] == "kafka-a:9092,kafka-b:9092"
    addresses = {channel["address"] for channel in doc["channels"].values()}
    topics = SERVICES[service]
    assert addresses == {f"acme-{t}" for t in (*topics.receives, *topics.sends)}

    page = client.get("/asyncapi")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"Snoei {service}" in page.text
    assert "acme-" in page.text


def test_document_names_the_sasl_mechanism_but_never_the_credentials() -> None:
    kafka = KafkaSettings(
        bootstrap="kafka:9093",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="snoei-user-name",
        sasl_password=SecretStr("a-sasl-password"),
    )
    doc = document("rationalizer", kafka)
    text = json.dumps(doc)
    assert doc["servers"]["development"]["protocol"] == "kafka-secure"
    assert doc["components"]["securitySchemes"] == {"scram512": {"type": "scramSha512"}}
    assert "a-sasl-password" not in text
    assert "snoei-user-name" not in text
