"""The dependency service as a real process on the real broker and database: its HTTP
answers, a kill -9 mid-stream, and two instances sharing and taking over partitions."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import openpyxl
import pytest
from aiokafka import AIOKafkaProducer

from snoei.dependency.domain.graph import LandscapeGraph
from snoei.rationalizer.adapters.dependency_client import DependencyClient, DependencyUnavailable
from snoei.shared.contracts.graph import GraphHead
from snoei.shared.contracts.inventory_events import InventoryEvent
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, ServiceProcess, auth, running_services, wait_for
from tests.integration.test_dependency_streams import stream
from tests.unit.test_dependency_domain import landscape

pytestmark = pytest.mark.integration
FAST = {"dependency": {"SNOEI_PUBLISH_DEBOUNCE_S": "0.2"}}


async def publish(kafka: KafkaSettings, events: Sequence[InventoryEvent]) -> None:
    producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False, linger_ms=5)
    await producer.start()
    try:
        sent = [
            await producer.send(kafka.topics.inventory_events, e.to_bytes(), key=e.key())
            for e in events
        ]
        for future in sent:
            await future
    finally:
        await producer.stop()


def relabel(events: Sequence[InventoryEvent], landscape_id: str) -> list[InventoryEvent]:
    return [e.model_copy(update={"landscape_id": landscape_id}) for e in events]


async def graph_at(
    proc: ServiceProcess, landscape_id: str, sequence: int, timeout: float = 30
) -> dict[str, Any]:
    """The graph once it reflects ``sequence`` (read through ``proc``'s HTTP API)."""
    url = f"{proc.url}/v1/landscapes/{landscape_id}/graph"

    async def reached() -> dict[str, Any] | None:
        async with httpx.AsyncClient() as client:
            response = await client.get(url, headers=auth())
        if response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        return body if body["inventory_sequence"] >= sequence else None

    body: dict[str, Any] = await wait_for(
        reached, timeout=timeout, message=f"{landscape_id} at {sequence}"
    )
    return body


def expected_content(events: Sequence[InventoryEvent]) -> dict[str, Any]:
    g = LandscapeGraph(events[0].landscape_id)
    for e in events:
        g.apply(e)
    body = g.content().model_dump(mode="json")
    body.pop("version")
    return body


def without_version(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "version"}


async def test_graph_questions_over_http(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    events = relabel(landscape().events, "gemeente-http")
    with running_services(
        ["dependency"], database_url=database_url, kafka=kafka, log_dir=tmp_path, extra_env=FAST
    ) as procs:
        proc = procs["dependency"]
        await proc.wait_ready()
        await publish(kafka, events)
        async with httpx.AsyncClient(base_url=f"{proc.url}/v1/landscapes/gemeente-http") as c:
            await graph_at(proc, "gemeente-http", len(events))
            impact = (await c.post("/impact", json={"applications": ["B"]}, headers=auth())).json()
            assert [i["application_id"] for i in impact["direct"]] == ["C"]
            assert impact["blast_radius"] == 10.0
            cycles = (await c.get("/cycles", headers=auth())).json()
            assert [x["applications"] for x in cycles] == [["B", "C"]]
            spof = (await c.get("/spof", headers=auth())).json()
            assert [p["application_id"] for p in spof["articulation_points"]] == ["B", "C", "D"]
            clusters = (await c.get("/clusters", headers=auth())).json()
            assert sum(len(x["applications"]) for x in clusters["clusters"]) == 8
            paths = (await c.get("/paths?source=A&target=D", headers=auth())).json()
            assert [p["applications"] for p in paths] == [["A", "B", "C", "D"]]
            deps = await c.get("/applications/D/dependencies?depth=2", headers=auth())
            assert [a["application_id"] for a in deps.json()["applications"]] == ["C", "E", "B"]

            as_json = await c.get("/export?format=json", headers=auth())
            assert nx.node_link_graph(as_json.json(), edges="edges").number_of_edges() == 6
            as_graphml = await c.get("/export?format=graphml", headers=auth())
            assert nx.parse_graphml(as_graphml.text).number_of_nodes() == 8
            as_archimate = await c.get("/export?format=archimate", headers=auth())
            assert ET.fromstring(as_archimate.content).tag.endswith("model")
            as_xlsx = await c.get("/export?format=xlsx", headers=auth())
            book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
            assert (book["nodes"].max_row, book["edges"].max_row) == (1 + 8, 1 + 6)
            assert "gemeente-http-graph.xlsx" in as_xlsx.headers["content-disposition"]
            as_csv = await c.get("/export?format=csv&kind=edges", headers=auth())
            assert len(list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff"))))) == 6
            no_kind = await c.get("/export?format=csv", headers=auth())
            assert no_kind.status_code == 422

            unknown = await c.post("/impact", json={"applications": ["B", "Q"]}, headers=auth())
            assert unknown.status_code == 404
            assert unknown.json()["detail"] == (
                "application 'Q' not in the graph of landscape 'gemeente-http'"
            )
            too_many = await c.post(
                "/impact", json={"applications": [f"x{i}" for i in range(501)]}, headers=auth()
            )
            assert too_many.status_code == 422
            assert (
                await c.get("/paths?source=A&target=D&max_hops=99", headers=auth())
            ).status_code == 422
            assert (await c.get("/cycles")).status_code == 401
            assert (await c.get("/export?format=pdf", headers=auth())).status_code == 422

        # What the rationalizer asks before evaluating a load that seems to have settled.
        client = DependencyClient(proc.url, token=TEST_TOKEN)
        try:
            heads: list[GraphHead] = []

            async def cut() -> bool:
                heads.append(await client.graph_head("gemeente-http"))
                return not heads[-1].pending

            await wait_for(cut, message="the last changes cut into a version")
            snapshot = await graph_at(proc, "gemeente-http", len(events))
            assert (heads[-1].version, heads[-1].inventory_sequence) == (
                snapshot["version"], len(events)
            )
            with pytest.raises(DependencyUnavailable, match="never-seen"):
                await client.graph_head("never-seen")
        finally:
            await client.aclose()


async def test_killed_mid_stream_the_restarted_service_ends_in_the_same_graph(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    events = relabel(stream(3000, seed=5), "gemeente-crash")
    with running_services(
        ["dependency"], database_url=database_url, kafka=kafka, log_dir=tmp_path, extra_env=FAST
    ) as procs:
        proc = procs["dependency"]
        await proc.wait_ready()
        await publish(kafka, events[:2000])
        await graph_at(proc, "gemeente-crash", 1)
        proc.kill()  # SIGKILL while (or right after) it consumes
        await publish(kafka, events[2000:])
        proc.start()
        await proc.wait_ready()
        body = await graph_at(proc, "gemeente-crash", len(events))
        assert without_version(body) == expected_content(events)


async def test_two_instances_share_partitions_and_one_takes_over(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    names = [f"gemeente-{i}" for i in range(8)]
    base = stream(60, seed=9)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    with (
        running_services(
            ["dependency"],
            database_url=database_url,
            kafka=kafka,
            log_dir=tmp_path / "a",
            extra_env=FAST,
        ) as first,
        running_services(
            ["dependency"],
            database_url=database_url,
            kafka=kafka,
            log_dir=tmp_path / "b",
            extra_env=FAST,
        ) as second,
    ):
        a, b = first["dependency"], second["dependency"]
        for proc in (a, b):
            await proc.wait_ready()
        await wait_for(lambda: both_assigned(a, b), message="both instances to own partitions")
        await publish(kafka, [e for n in names for e in relabel(base[:30], n)])
        for proc in (a, b):  # either instance answers for every landscape
            for n in names:
                await graph_at(proc, n, 30)
        assert applied_something(a)  # the landscapes were split between the two
        assert applied_something(b)

        a.stop()
        await publish(kafka, [e for n in names for e in relabel(base[30:], n)])
        for n in names:
            body = await graph_at(b, n, 60)
            assert without_version(body) == expected_content(relabel(base, n))


def both_assigned(*procs: ServiceProcess) -> bool:
    return all("assigned to partitions" in p.log_file.read_text() for p in procs)


def applied_something(proc: ServiceProcess) -> bool:
    return '"msg": "applied inventory events"' in proc.log_file.read_text()
