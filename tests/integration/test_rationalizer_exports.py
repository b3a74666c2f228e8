"""The rationalizer's proposals export, portfolio and who-decided, over HTTP and the CLI,
against the service running as a process."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from snoei.cli.main import app as cli_app
from snoei.shared.contracts.graph import GraphChanged, GraphDelta
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    Lifecycle,
)
from snoei.shared.http import token_fingerprint
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, auth, running_services, wait_for

pytestmark = pytest.mark.integration
L = "export-land"
BASE = f"/v1/landscapes/{L}"


def records() -> GraphDelta:
    def app(app_id: str, owner: str | None, cost: float | None, **fields: Any) -> Any:
        costs = AnnualCosts(licence=cost) if cost is not None else None
        base: dict[str, Any] = {"business_value": 4, "technical_fitness": 4, "users": 30}
        return ApplicationRecord(id=app_id, name=app_id.title(), owner=owner, costs=costs,
                                 **{**base, **fields})

    return GraphDelta(
        from_version=0, version=1, inventory_sequence=1,
        capabilities_upserted=(CapabilityRecord(id="zaak", name="Zaken"),),
        applications_upserted=(
            app("alpha", "Burgerzaken", 30_000, capabilities=("zaak",), technical_fitness=5),
            app("beta", "Burgerzaken", 50_000, capabilities=("zaak",), technical_fitness=2),
            app("old", "Financien", 24_000, lifecycle=Lifecycle.PHASE_OUT, users=0),
            app("mystery", None, None),
        ),
        integrations_upserted=(
            IntegrationRecord(id="old-alpha", source="old", target="alpha"),
        ),
    )


async def test_proposals_export_portfolio_and_decisions_name_who_decided(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    with running_services(["rationalizer"], database_url=database_url, kafka=kafka,
                          log_dir=tmp_path,
                          extra_env={"rationalizer": {"SNOEI_DEPENDENCY_URL": ""}}) as procs:
        await procs["rationalizer"].wait_ready()
        producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            event = GraphChanged(landscape_id=L, sequence=1, payload=records())
            await producer.send_and_wait(kafka.topics.dependency_graph, event.to_bytes(),
                                         key=event.key())
        finally:
            await producer.stop()
        async with httpx.AsyncClient(base_url=procs["rationalizer"].url, headers=auth(),
                                     timeout=30) as http:
            async def listed() -> list[dict[str, Any]] | None:
                body = (await http.get(f"{BASE}/proposals")).json()
                return body["proposals"] or None

            proposals = await wait_for(listed, message="proposals")
            await check_decisions(http, proposals)
            await check_export(http, proposals)
            await check_portfolio(http)
        check_cli(procs["rationalizer"].url, tmp_path, len(proposals))


async def check_decisions(http: httpx.AsyncClient, proposals: list[dict[str, Any]]) -> None:
    first = proposals[0]["id"]
    fingerprint = token_fingerprint(TEST_TOKEN)
    anonymous = await http.post(f"{BASE}/decisions", json={
        "proposal_id": first, "verdict": "reject", "reason": "contract until 2028"})
    assert anonymous.status_code == 201, anonymous.text
    assert anonymous.json()["decision"]["decided_by"] == fingerprint
    named = await http.post(f"{BASE}/decisions", headers={"X-Snoei-User": "Ada"}, json={
        "proposal_id": first, "verdict": "reject", "reason": "still"})
    assert named.json()["decision"]["decided_by"] == f"Ada ({fingerprint})"
    assert TEST_TOKEN not in named.text


async def check_export(http: httpx.AsyncClient, proposals: list[dict[str, Any]]) -> None:
    as_xlsx = await http.get(f"{BASE}/export", params={"format": "xlsx"})
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert f'filename="{L}-proposals.xlsx"' in as_xlsx.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["proposals"]
    header = [c.value for c in sheet[1]]
    rows = {str(r[0].value): dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2)}
    assert sorted(rows) == sorted(p["id"] for p in proposals)
    for p in proposals:
        saving = rows[p["id"]]["yearly_saving"]
        assert saving.data_type == "n"
        assert saving.value == p["yearly_saving"]
    decided = rows[proposals[0]["id"]]
    assert decided["status"].value == "rejected"
    assert str(decided["decided_by"].value).startswith("Ada (token:")
    assert isinstance(decided["decided_at"].value, datetime)
    undecided = next(r for k, r in rows.items() if k != proposals[0]["id"])
    assert undecided["decided_by"].value is None
    as_csv = await http.get(f"{BASE}/export", params={"format": "csv"})
    parsed = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(parsed) == len(proposals)
    assert (await http.get(f"{BASE}/export", params={"format": "pdf"})).status_code == 422


async def check_portfolio(http: httpx.AsyncClient) -> None:
    view = (await http.get(f"{BASE}/portfolio")).json()
    owners = {o["owner"]: o for o in view["owners"]}
    assert owners["Burgerzaken"]["costs"]["yearly_cost"] == 80_000
    assert owners[None]["costs"]["unknown_cost"] == 1  # unknown is counted apart, not 0
    assert owners[None]["costs"]["yearly_cost"] == 0
    assert view["total"]["unknown_cost"] == 1
    assert sum(o["proposals"] for o in view["owners"]) >= 1
    only = (await http.get(f"{BASE}/portfolio", params={"owner": "Financien"})).json()
    assert [o["owner"] for o in only["owners"]] == ["Financien"]
    none_yet = await http.get("/v1/landscapes/never-run/portfolio")
    assert none_yet.status_code == 404


def check_cli(url: str, tmp_path: Path, count: int) -> None:
    runner = CliRunner()
    env = {"SNOEI_RATIONALIZER_URL": url, "SNOEI_API_TOKEN": TEST_TOKEN, "COLUMNS": "200"}

    def cli(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli_app, [*args, "--landscape", L], env=env)
        return result.exit_code, result.output

    out = tmp_path / "proposals.xlsx"
    code, output = cli("export", "proposals", "--out", str(out))
    assert code == 0, output
    assert openpyxl.load_workbook(out)["proposals"].max_row == 1 + count
    code, output = cli("portfolio", "--json")
    assert code == 0, output
    assert json.loads(output)["total"]["unknown_cost"] == 1
    code, output = cli("portfolio", "--csv", "--owner", "Burgerzaken")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["owner"], r["applications"], r["yearly_cost"]) for r in rows] == [
        ("Burgerzaken", "2", "80000.0")]
    code, output = cli("portfolio")
    assert code == 0, output
    assert "Burgerzaken" in output
    assert "1 unknown" in output
    code, output = cli("export", "proposals", "--out", str(tmp_path / "no" / "dir.xlsx"))
    assert code == 1
    assert "cannot write" in output
