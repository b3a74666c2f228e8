"""Inventory HTTP API against real Postgres and broker: changes, history, data quality,
imports, upload limits and bearer-token isolation on every endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, auth, in_process

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"
L = "gemeente-a"
BASE = f"/v1/landscapes/{L}"
OTHER_TOKEN = "token-for-b-only"


@pytest.fixture
async def client(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = InventorySettings(
        database_url=database_url, kafka=kafka, max_upload_bytes=64 * 1024,
        api_tokens={TEST_TOKEN: ["*"], OTHER_TOKEN: ["gemeente-b"]},
    )
    app = create_app(settings)
    async with in_process(app, "inventory") as http:
        http.app = app  # type: ignore[attr-defined]  # lets the isolation test list routes
        yield http


def app_change(app_id: str, change_id: str | None = None, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"application": {"id": app_id, "name": app_id.upper(), **fields}}
    if change_id:
        payload["change_id"] = change_id
    return {"type": "application.upsert", "payload": payload}


async def post(client: httpx.AsyncClient, changes: list[dict[str, Any]]) -> dict[str, Any]:
    response = await client.post(f"{BASE}/changes", json=changes)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def upload(
    client: httpx.AsyncClient, name: str, content: bytes | None = None, **params: Any
) -> httpx.Response:
    data = content if content is not None else (DATA / name).read_bytes()
    return await client.post(f"{BASE}/imports", files={"file": (name, data)}, params=params)


async def test_a_change_sent_twice_is_applied_once(client: httpx.AsyncClient) -> None:
    change = app_change("crm", change_id="7b0c2c43-8f3a-4d7e-9f5e-0d6c8a0b1a11")
    first = await post(client, [change])
    again = await post(client, [change, change])
    assert (first["applied"], first["last_sequence"]) == (1, 1)
    assert (again["applied"], again["duplicates"], again["last_sequence"]) == (0, 2, 1)
    history = (await client.get(f"{BASE}/applications/crm/history")).json()
    assert [h["version"] for h in history] == [1]
    assert len((await client.get(f"{BASE}/events")).json()) == 1


async def test_each_batch_reports_the_sequence_it_left_even_when_batches_race(
    client: httpx.AsyncClient,
) -> None:
    # each answer is read in the transaction that applied its batch
    answers = await asyncio.gather(*(post(client, [app_change(f"app-{i}")]) for i in range(8)))
    assert sorted(a["last_sequence"] for a in answers) == list(range(1, 9))
    assert (await post(client, []))["last_sequence"] == 8


async def test_history_answers_what_an_item_looked_like_on_a_date(
    client: httpx.AsyncClient,
) -> None:
    await post(client, [app_change("crm", owner="KCC")])
    between = datetime.now(UTC)
    await asyncio.sleep(0.01)  # valid_from is the commit's clock; make "between" strictly earlier
    await post(client, [app_change("crm", owner="Publiekszaken", users=12)])
    await post(client, [{"type": "application.delete", "payload": {"id": "crm"}}])

    history = (await client.get(f"{BASE}/applications/crm/history")).json()
    assert [h["change"] for h in history] == ["registered", "updated", "removed"]
    assert history[1]["changed_fields"] == ["owner", "users"]
    assert {h["source"] for h in history} == {"api"}
    then = await client.get(f"{BASE}/applications/crm", params={"as_of": between.isoformat()})
    assert then.json()["owner"] == "KCC"
    assert (await client.get(f"{BASE}/applications/crm")).status_code == 404
    listed = await client.get(f"{BASE}/applications", params={"as_of": between.isoformat()})
    assert [a["id"] for a in listed.json()] == ["crm"]
    assert (await client.get(f"{BASE}/applications", params={"as_of": "2000-01-01"})).json() == []
    bad = await client.get(f"{BASE}/applications", params={"as_of": "31-02-2026"})
    assert bad.status_code == 422
    assert "as_of" in bad.json()["detail"]


async def test_an_integration_to_an_unknown_application_is_kept_as_a_quality_issue(
    client: httpx.AsyncClient,
) -> None:
    await post(client, [app_change("zaak"), {"type": "integration.upsert", "payload": {
        "integration": {"id": "z-to-later", "source": "zaak", "target": "later"}}}])
    assert (await client.get(f"{BASE}/integrations/z-to-later")).status_code == 200
    issues = (await client.get(f"{BASE}/quality-issues")).json()
    assert [(i["id"], i["field"], i["problem"]) for i in issues] == [
        ("z-to-later", "target", "unknown-application")
    ]
    await post(client, [app_change("later")])
    assert (await client.get(f"{BASE}/quality-issues")).json() == []


async def test_invalid_changes_get_a_problem_naming_item_and_field(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        f"{BASE}/changes", json=[app_change("ok"), app_change("crm", costs={"licence": -1})]
    )
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "change 1: application.upsert 'crm': payload.application.costs.licence" in (
        problem["detail"]
    )
    assert (await client.get(f"{BASE}/applications")).json() == []  # all or nothing


async def test_each_importer_over_http_and_reimport_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    for name, fmt in [("applications.csv", "csv"), ("integrations.csv", "csv"),
                      ("archimate3.xml", "archimate"), ("archimate21.xml", "archimate"),
                      ("model.archimate", "archi"), ("catalog-info.yaml", "backstage")]:
        first = await upload(client, name)
        assert first.status_code == 200, first.text
        assert first.json()["format"] == fmt
        assert first.json()["applied"] > 0
        again = (await upload(client, name)).json()
        assert (again["applied"], again["unchanged"]) == (0, 0), name
        assert again["duplicates"] == first.json()["applied"] + first.json()["unchanged"]
    apps = {a["id"] for a in (await client.get(f"{BASE}/applications",
                                                params={"limit": 100})).json()}
    assert {"zaak", "app-zaak", "c-crm", "id-zaak", "zaak-api", "resource:zaken-db"} <= apps
    history = (await client.get(f"{BASE}/applications/zaak/history")).json()
    assert history[0]["source"] == "import:csv:applications.csv"


async def test_a_newer_file_produces_exactly_the_differences_and_prune_removes_vanished(
    client: httpx.AsyncClient,
) -> None:
    v1 = b"id,name,owner\na,App A,X\nb,App B,X\nc,App C,X\n"
    v2 = b"id,name,owner\na,App A,X\nb,App B,Y\nd,App D,X\n"
    assert (await upload(client, "apps.csv", v1)).json()["applied"] == 3
    kept = (await upload(client, "apps.csv", v2)).json()
    assert (kept["applied"], kept["duplicates"], kept["deleted"]) == (2, 1, 0)
    pruned = (await upload(client, "apps.csv", v2, prune="true")).json()
    assert (pruned["applied"], pruned["deleted"]) == (1, 1)
    ids = [a["id"] for a in (await client.get(f"{BASE}/applications")).json()]
    assert ids == ["a", "b", "d"]
    events = (await client.get(f"{BASE}/events")).json()
    assert [e["type"] for e in events[3:]] == [
        "application.updated", "application.registered", "application.removed"
    ]


async def test_a_bad_row_aborts_the_import_or_is_skipped_and_reported(
    client: httpx.AsyncClient,
) -> None:
    aborted = await upload(client, "applications_bad.csv")
    assert aborted.status_code == 422
    assert aborted.json()["title"] == "Import rejected"
    assert {e["location"] for e in aborted.json()["errors"]} >= {"line 3", "line 4"}
    assert (await client.get(f"{BASE}/applications")).json() == []
    skipped = await upload(client, "applications_bad.csv", on_error="skip")
    assert skipped.status_code == 200
    body = skipped.json()
    assert body["applied"] == 2
    assert any(s["field"] == "cost_licence" and s["item"] == "application 'bad-cost'"
               for s in body["skipped"])


async def test_a_rejected_import_counts_bad_rows_not_bad_cells(
    client: httpx.AsyncClient,
) -> None:
    two_bad_cells = b"id,name,lifecycle,cost_licence\nok,Goed,active,1\nx,Slecht,sunset,-5\n"
    rejected = await upload(client, "two.csv", two_bad_cells)
    assert rejected.status_code == 422
    body = rejected.json()
    assert len(body["errors"]) == 2
    assert body["bad_rows"] == 1
    assert body["detail"].startswith("1 bad row(s), nothing imported")


async def test_unreadable_and_unsafe_files_are_refused_clearly(client: httpx.AsyncClient) -> None:
    xxe = await upload(client, "xxe.xml")
    assert xxe.status_code == 422
    assert "unsafe XML" in xxe.json()["detail"]
    wrong = await upload(client, "applications.csv", format="archimate")
    assert wrong.status_code == 422
    assert "not well-formed XML" in wrong.json()["detail"]


async def test_an_upload_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    big = b"id,name\n" + b"".join(b"app-%d,App %d\n" % (i, i) for i in range(20_000))
    response = await upload(client, "big.csv", big)
    assert response.status_code == 413
    assert "SNOEI_MAX_UPLOAD_BYTES" in response.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the stream is counted
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="b.csv"\r\n\r\n'
        for _ in range(200):
            yield b"x" * 1024
        yield b"\r\n--xyz--\r\n"

    streamed = await client.post(
        f"{BASE}/imports", content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert streamed.status_code == 413


async def test_every_endpoint_needs_a_token_for_its_landscape(client: httpx.AsyncClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]  # the published API
    routes = [(p, m.upper()) for p, ops in paths.items() for m in ops
              if p.startswith("/v1/landscapes/{landscape_id}")]
    assert len(routes) >= 15
    for template, method in routes:
        path = template.replace("{landscape_id}", L).replace("{item_id}", "x")
        anonymous = await client.request(method, path, headers={"Authorization": ""})
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        other = await client.request(method, path, headers=auth(OTHER_TOKEN))
        assert other.status_code == 403, (method, path, other.text)


async def test_real_models_import_with_their_data_quality_problems_reported(
    client: httpx.AsyncClient,
) -> None:
    # on_error=abort (the default): data-quality problems are listed, never a rejection
    gemma = await upload(client, "gemma.xml")
    assert gemma.status_code == 200, gemma.text
    reported = {s["location"]: s["message"] for s in gemma.json()["skipped"]}
    assert set(reported) == {"relationship 'r-self'", "relationship 'r-to-ref'",
                             "relationship 'r-loos'", "relationship 'r-dangling'"}
    assert all(m.startswith("data quality: ") for m in reported.values())
    assert "'Documentbeheer' (ApplicationComponent)" in reported["relationship 'r-self'"]

    apps = {a["id"]: a for a in (await client.get(f"{BASE}/applications")).json()}
    assert apps["app-zaak"]["costs"] is None  # unknown, not zero
    assert apps["app-brp"]["owned"] is False
    assert apps["app-zaak-vth"]["specialises"] == ["app-zaak"]
    assert apps["app-zaak"]["part_of"] == ["app-suite"]
    assert "ref-zrc" not in apps
    capabilities = {c["id"] for c in (await client.get(f"{BASE}/capabilities")).json()}
    assert {"ref-zrc", "ref-drc", "ref-zaak-domein"} <= capabilities

    catalog = await upload(client, "backstage-example.yaml")
    assert catalog.status_code == 200, catalog.text
    assert any("component:artist-lookup" in s["message"] for s in catalog.json()["skipped"])
    db = (await client.get(f"{BASE}/applications/resource:artists-db")).json()
    assert db["kind"] == "infrastructure"
    # the event stream carries the new record version
    events = (await client.get(f"{BASE}/events")).json()
    assert {e["schema_version"] for e in events if e["type"].startswith("application.")} == {2}


async def test_structure_naming_an_unknown_application_is_a_quality_issue(
    client: httpx.AsyncClient,
) -> None:
    await post(client, [app_change("vth", specialises=["zaak"], part_of=["suite"])])
    issues = (await client.get(f"{BASE}/quality-issues")).json()
    assert [(i["id"], i["field"], i["problem"]) for i in issues] == [
        ("vth", "part_of", "unknown-application"),
        ("vth", "specialises", "unknown-application"),
    ]
    await post(client, [app_change("zaak"), app_change("suite")])
    assert (await client.get(f"{BASE}/quality-issues")).json() == []


async def test_heads_say_each_visible_landscapes_last_sequence(client: httpx.AsyncClient) -> None:
    await post(client, [app_change("a"), app_change("b")])
    other = await client.post(
        "/v1/landscapes/gemeente-b/changes", json=[app_change("c")], headers=auth()
    )
    assert other.status_code == 200, other.text

    every = await client.get("/v1/heads")
    only_b = await client.get("/v1/heads", headers=auth(OTHER_TOKEN))
    nobody = await client.get("/v1/heads", headers={"Authorization": "Bearer unknown"})

    assert every.json() == {
        "heads": [
            {"landscape_id": "gemeente-a", "position": 2},
            {"landscape_id": "gemeente-b", "position": 1},
        ]
    }
    assert only_b.json() == {"heads": [{"landscape_id": "gemeente-b", "position": 1}]}
    assert nobody.status_code == 401
    assert nobody.headers["content-type"] == "application/problem+json"
