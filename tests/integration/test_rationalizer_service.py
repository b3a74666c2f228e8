"""The rationalizer as a process against real PostgreSQL and broker: graph versions in,
proposals, decisions, runs, waves and what-if out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from snoei.shared.contracts.graph import GraphChanged, GraphDelta
from snoei.shared.contracts.landscape import ApplicationRecord, CapabilityRecord, IntegrationRecord
from snoei.shared.contracts.proposals import PROPOSAL_EVENTS
from snoei.shared.contracts.runs import RunRequest, RunRequested, RunTrigger
from snoei.shared.envelope import Envelope
from snoei.shared.settings import KafkaSettings
from tests.harness import auth, running_services, wait_for

pytestmark = pytest.mark.integration

LANDSCAPE = "gemeente-test"


def app(app_id: str, **fields: Any) -> ApplicationRecord:
    base: dict[str, Any] = {
        "name": app_id.title(),
        "business_value": 4,
        "technical_fitness": 4,
        "users": 40,
        "costs": {"licence": 20_000},
    }
    return ApplicationRecord(id=app_id, **{**base, **fields})


def delta(version: int, **fields: Any) -> GraphChanged:
    return GraphChanged(
        landscape_id=LANDSCAPE,
        sequence=version,
        payload=GraphDelta(
            from_version=version - 1, version=version, inventory_sequence=version, **fields
        ),
    )


@pytest.fixture
async def producer(kafka: KafkaSettings) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, enable_idempotence=False)
    await client.start()
    yield client
    await client.stop()


async def send(producer: AIOKafkaProducer, topic: str, *events: Envelope) -> None:
    for event in events:
        await producer.send_and_wait(topic, event.to_bytes(), key=event.key())


async def test_graph_changes_become_proposals_and_decisions_hold_across_runs(
    database_url: str, kafka: KafkaSettings, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    topics = kafka.topics
    with running_services(
        ["rationalizer"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={"rationalizer": {"SNOEI_DEPENDENCY_URL": "", "SNOEI_DEBOUNCE_S": "0.1"}},
    ) as procs:
        rationalizer = procs["rationalizer"]
        await rationalizer.wait_ready()
        base = f"/v1/landscapes/{LANDSCAPE}"
        async with httpx.AsyncClient(base_url=rationalizer.url, headers=auth(), timeout=10) as http:
            # A landscape without data: an empty run with the reason, not an error.
            response = await http.post("/v1/landscapes/empty-one/runs", json={"trigger": "cli"})
            assert response.status_code == 202
            empty_run = response.json()["run_id"]

            async def empty_done() -> Any:
                r = await http.get(f"/v1/landscapes/empty-one/runs/{empty_run}")
                return r.json() if r.status_code == 200 else None

            detail = await wait_for(empty_done, message="the empty run")
            assert (
                detail["run"]["empty_reason"] == "no graph has been received for this landscape yet"
            )
            assert detail["proposals"] == []

            await send(
                producer,
                topics.dependency_graph,
                delta(
                    1,
                    capabilities_upserted=(CapabilityRecord(id="zaak", name="Zaaksysteem"),),
                    applications_upserted=(
                        app("alpha", capabilities=("zaak",), technical_fitness=5),
                        app("beta", capabilities=("zaak",), technical_fitness=2),
                        app("legacy", lifecycle="phase-out", users=0),
                        app("portal"),
                    ),
                ),
                delta(
                    2,
                    integrations_upserted=(
                        IntegrationRecord(id="b-p", source="beta", target="portal"),
                        IntegrationRecord(id="l-p", source="legacy", target="portal"),
                    ),
                ),
            )

            async def proposals_at(version: int) -> dict[str, Any] | None:
                body = (await http.get(f"{base}/proposals")).json()
                run = body["run"]
                return body if run and run["graph_version"] >= version else None

            listing = await wait_for(lambda: proposals_at(2), message="proposals of version 2")
            by_id = {p["id"]: p for p in listing["proposals"]}
            assert set(by_id) == {"consolidate:beta", "retire:legacy"}
            assert by_id["consolidate:beta"]["survivor"] == "alpha"
            assert by_id["consolidate:beta"]["integrations_to_rewire"] == ["b-p"]
            assert by_id["retire:legacy"]["blast_radius"][0]["consumer"] == "portal"

            filtered = (await http.get(f"{base}/proposals", params={"action": "retire"})).json()
            assert [p["id"] for p in filtered["proposals"]] == ["retire:legacy"]

            explained = (await http.get(f"{base}/proposals/retire:legacy")).json()
            assert explained["proposal"]["summary"].startswith("Retire Legacy")
            assert (await http.get(f"{base}/proposals/retire:nothing")).status_code == 404

            waves = (await http.get(f"{base}/waves")).json()
            # beta and legacy only feed portal (which stays): one wave, two units
            assert [[u["applications"] for u in w["units"]] for w in waves["waves"]] == [
                [["beta"], ["legacy"]]
            ]

            whatif = await http.post(f"{base}/what-if", json={"retire": ["alpha", "ghost"]})
            assert whatif.status_code == 422
            assert "'ghost'" in whatif.json()["detail"]
            assert whatif.json()["unknown_applications"] == ["ghost"]
            simulated = (await http.post(f"{base}/what-if", json={"retire": ["legacy"]})).json()
            assert simulated["yearly_cost_change"] == -20_000
            assert [f["consumer"] for f in simulated["blast_radius"]] == ["portal"]

            decided = await http.post(
                f"{base}/decisions",
                json={"proposal_id": "retire:legacy", "verdict": "reject", "reason": "archive"},
            )
            assert decided.status_code == 201
            assert decided.json()["proposal"]["status"] == "rejected"

            # A new run on the same facts keeps it rejected.
            first_run = listing["run"]["run_id"]
            run_id = (await http.post(f"{base}/runs", json={})).json()["run_id"]

            async def run_done() -> Any:
                r = await http.get(f"{base}/runs/{run_id}")
                return r.json() if r.status_code == 200 else None

            second = await wait_for(run_done, message="the requested run")
            statuses = {p["id"]: p["status"] for p in second["proposals"]}
            assert statuses["retire:legacy"] == "rejected"
            diff = (
                await http.get(f"{base}/runs/{run_id}/diff", params={"against": first_run})
            ).json()
            assert [c["id"] for c in diff["changed"]] == ["retire:legacy"]
            assert diff["changed"][0]["fields"] == ["status"]

            # Its facts change (costs): it is proposed again.
            await send(
                producer,
                topics.dependency_graph,
                delta(
                    3,
                    applications_upserted=(
                        app("legacy", lifecycle="phase-out", users=0, costs={"licence": 30_000}),
                    ),
                ),
            )
            listing = await wait_for(lambda: proposals_at(3), message="proposals of version 3")
            legacy = next(p for p in listing["proposals"] if p["id"] == "retire:legacy")
            assert legacy["status"] == "open"
            assert legacy["yearly_saving"] == 30_000

            runs = (await http.get(f"{base}/runs")).json()
            assert len(runs) >= 3
            assert (await http.get(f"{base}/proposals", headers=auth("nope"))).status_code == 401


async def test_run_requests_are_idempotent_and_published(
    database_url: str, kafka: KafkaSettings, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    topics = kafka.topics
    consumer = AIOKafkaConsumer(
        topics.rationalizer_proposals,
        bootstrap_servers=kafka.bootstrap,
        auto_offset_reset="earliest",
        group_id=f"probe-{uuid.uuid4().hex[:8]}",
        session_timeout_ms=kafka.session_timeout_ms,
        heartbeat_interval_ms=kafka.heartbeat_interval_ms,
    )
    await consumer.start()
    try:
        await wait_for(consumer.assignment, message="the probe consumer's assignment")
        with running_services(
            ["rationalizer"],
            database_url=database_url,
            kafka=kafka,
            log_dir=tmp_path,
            extra_env={"rationalizer": {"SNOEI_DEPENDENCY_URL": ""}},
        ) as procs:
            await procs["rationalizer"].wait_ready()
            await send(
                producer,
                topics.dependency_graph,
                delta(1, applications_upserted=(app("old", lifecycle="phase-out"),)),
            )
            request = RunRequested(
                landscape_id=LANDSCAPE,
                payload=RunRequest(trigger=RunTrigger.CLI, requested_by="tester"),
            )
            async with httpx.AsyncClient(
                base_url=procs["rationalizer"].url, headers=auth()
            ) as http:
                # Graph changes and run requests travel on different topics; ask for the run
                # once the replica holds the graph, as an architect would.
                async def replica_has_graph() -> bool:
                    response = await http.get(f"/v1/landscapes/{LANDSCAPE}/proposals")
                    return response.status_code == 200 and bool(response.json()["proposals"])

                await wait_for(replica_has_graph, message="the graph in the replica")
                await send(producer, topics.rationalizer_runs, request, request)
                await producer.send_and_wait(topics.rationalizer_runs, b"{not json", key=b"x")

                async def requested_run() -> Any:
                    runs = (await http.get(f"/v1/landscapes/{LANDSCAPE}/runs")).json()
                    return [r for r in runs if r["run_id"] == str(request.payload.run_id)]

                [run] = await wait_for(requested_run, message="the requested run")
                assert run["trigger"] == "cli"
                assert run["requested_by"] == "tester"

            published: list[Any] = []

            async def batch_for_run() -> bool:
                records = await consumer.getmany(timeout_ms=200)
                for batch in records.values():
                    published.extend(PROPOSAL_EVENTS.decode(r.value) for r in batch)
                return any(str(e.payload.run_id) == run["run_id"] for e in published)

            await wait_for(batch_for_run, message="the published proposals")
            mine = [e for e in published if str(e.payload.run_id) == run["run_id"]]
            assert len(mine) == 1
            assert [p.id for p in mine[0].payload.proposals] == ["retire:old"]
    finally:
        await consumer.stop()


async def test_unknown_savings_need_data_rank_last_and_can_still_be_decided(
    database_url: str, kafka: KafkaSettings, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    landscape = "gemeente-zonder-kosten"
    with running_services(
        ["rationalizer"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={"rationalizer": {"SNOEI_DEPENDENCY_URL": "", "SNOEI_DEBOUNCE_S": "0.1"}},
    ) as procs:
        rationalizer = procs["rationalizer"]
        await rationalizer.wait_ready(timeout=60)
        base = f"/v1/landscapes/{landscape}"
        await send(
            producer,
            kafka.topics.dependency_graph,
            GraphChanged(
                landscape_id=landscape,
                sequence=1,
                payload=GraphDelta(
                    from_version=0,
                    version=1,
                    inventory_sequence=1,
                    applications_upserted=(
                        app("fax", lifecycle="phase-out", costs=None),
                        app("known", lifecycle="phase-out", costs={"licence": 12_000}),
                        app("telex", lifecycle="phase-out", costs=None, owner=None),
                    ),
                ),
            ),
        )
        async with httpx.AsyncClient(base_url=rationalizer.url, headers=auth(), timeout=10) as http:

            async def listed() -> dict[str, Any] | None:
                body: dict[str, Any] = (await http.get(f"{base}/proposals")).json()
                return body if body["run"] and len(body["proposals"]) == 3 else None

            body = await wait_for(listed, timeout=60, message="the run of the landscape")
            assert [p["id"] for p in body["proposals"]] == [
                "retire:known",  # a known saving ranks before unknown ones
                "retire:fax",
                "retire:telex",
            ]
            assert [p["status"] for p in body["proposals"]] == ["open", "needs-data", "needs-data"]
            assert body["proposals"][1]["yearly_saving"] is None
            assert body["total_yearly_saving"] == 12_000
            assert body["unknown_saving_count"] == 2
            # unknown savings are never recommended: the report's headline is the known one
            assert (body["recommended_count"], body["recommended_yearly_saving"]) == (1, 12_000)
            run = (await http.get(f"{base}/runs/{body['run']['run_id']}")).json()
            assert (run["recommended_count"], run["recommended_yearly_saving"]) == (1, 12_000)
            assert body["run"]["unknown_saving_count"] == 2
            assert body["completeness"]["fields"][0] == {
                "field": "costs",
                "meaning": "annual costs (licence, hosting, support, staff)",
                "have": 1,
                "of": 3,
                "share": 0.3333,
            }
            needs = (await http.get(f"{base}/proposals", params={"status": "needs-data"})).json()
            assert [p["id"] for p in needs["proposals"]] == ["retire:fax", "retire:telex"]
            saving = (await http.get(f"{base}/proposals", params={"min_saving": 0})).json()
            assert [p["id"] for p in saving["proposals"]] == ["retire:known"]

            for proposal_id, verdict in (("retire:fax", "accept"), ("retire:telex", "reject")):
                decided = await http.post(
                    f"{base}/decisions",
                    json={"proposal_id": proposal_id, "verdict": verdict, "reason": "board"},
                )
                assert decided.status_code == 201
            after = (await http.get(f"{base}/proposals")).json()
            statuses = {p["id"]: p["status"] for p in after["proposals"]}
            assert statuses == {
                "retire:known": "open", "retire:fax": "accepted", "retire:telex": "rejected"
            }
            assert after["unknown_saving_count"] == 1  # accepted still stands, saving unknown
            completeness = (await http.get(f"{base}/completeness")).json()
            blocking = {b["application"]: b["missing"] for b in completeness["blocking"]}
            assert "costs" in blocking["fax"]
            assert "costs" in blocking["telex"]
            assert "costs" not in blocking["known"]  # it waits for its technologies only
            assert "technologies" in blocking["known"]
            missing = await http.get("/v1/landscapes/nobody-here/completeness")
            assert missing.status_code == 404
