"""The inventory's spreadsheet export: one row per item, typed cells, unknown as empty, and
a CSV export that the CSV importer reads back into the same records."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import openpyxl
import pytest

from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process

pytestmark = pytest.mark.integration
A, B = "/v1/landscapes/gemeente-a", "/v1/landscapes/gemeente-b"
APPLICATIONS = [
    {"id": "zaak", "name": "Zaaksysteem", "costs": {"licence": 1200.5}, "users": 40,
     "business_value": 4, "contract_end": "2027-06-30", "capabilities": ["zaak", "dms"],
     "technologies": [{"product": "java", "version": "17"}], "owned": False,
     "attributes": {"assessed_at": "2026-01-01"}},
    {"id": "oud", "name": "=HYPERLINK(\"x\")", "lifecycle": "phase-out"},
]
INTEGRATIONS = [{"id": "i1", "source": "zaak", "target": "oud", "data_objects": ["BRP", "BAG"],
                 "kind": "file", "criticality": "high"}]
TECHNOLOGIES = [{"id": "java:17", "product": "java", "version": "17",
                 "end_of_life": "2029-09-30"}]


@pytest.fixture
async def client(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = InventorySettings(database_url=database_url, kafka=kafka, relay_enabled=False,
                                 api_tokens={TEST_TOKEN: ["*"]})
    async with in_process(create_app(settings), "inventory") as http:
        yield http


async def load(client: httpx.AsyncClient) -> None:
    changes: list[dict[str, Any]] = [
        *({"type": "application.upsert", "payload": {"application": a}} for a in APPLICATIONS),
        *({"type": "integration.upsert", "payload": {"integration": i}} for i in INTEGRATIONS),
        *({"type": "technology.upsert", "payload": {"technology": t}} for t in TECHNOLOGIES),
        {"type": "capability.upsert", "payload": {"capability": {"id": "zaak", "name": "Z"}}},
    ]
    response = await client.post(f"{A}/changes", json=changes)
    assert response.status_code == 200, response.text


async def test_the_xlsx_export_has_a_sheet_per_kind_and_typed_cells(
    client: httpx.AsyncClient,
) -> None:
    await load(client)
    response = await client.get(f"{A}/export", params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    assert 'filename="gemeente-a-inventory.xlsx"' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["applications", "integrations", "capabilities", "technologies"]
    rows = list(book["applications"].iter_rows(values_only=True))
    header, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert len(body) == 2
    assert "attr:assessed_at" in header
    zaak, oud = body["zaak"], body["oud"]
    assert zaak["cost_licence"] == 1200.5
    assert zaak["cost_staff"] == 0
    assert zaak["users"] == 40
    assert zaak["owned"] is False
    assert isinstance(zaak["contract_end"], datetime)
    assert zaak["contract_end"].date().isoformat() == "2027-06-30"
    assert zaak["capabilities"] == "zaak; dms"
    assert zaak["technologies"] == "java:17"
    assert oud["cost_licence"] is None
    assert oud["users"] is None  # unknown: empty, never 0
    assert oud["name"] == '=HYPERLINK("x")'  # text, not a formula
    name_cell = next(c for c in book["applications"]["B"] if c.value == oud["name"])
    assert name_cell.data_type == "s"
    assert len(list(book["integrations"].iter_rows())) == 2
    end = book["technologies"]["E2"]
    assert end.is_date
    assert end.value.date().isoformat() == "2029-09-30"


async def test_a_csv_export_imports_again_into_the_same_records(
    client: httpx.AsyncClient,
) -> None:
    await load(client)
    for kind in ("capabilities", "technologies", "applications", "integrations"):
        exported = await client.get(f"{A}/export", params={"format": "csv", "kind": kind})
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-type"].startswith("text/csv")
        text = exported.content.decode("utf-8-sig")
        parsed = list(csv.DictReader(io.StringIO(text)))
        assert len(parsed) == len((await client.get(f"{A}/{kind}")).json())
        if kind == "applications":
            # the formula-looking name is quoted for spreadsheets; put it back to compare
            text = text.replace("'=HYPERLINK", "=HYPERLINK")
        imported = await client.post(f"{B}/imports", params={"format": "csv"},
                                     files={"file": (f"{kind}.csv", text.encode())})
        assert imported.status_code == 200, imported.text
    for kind in ("applications", "integrations", "capabilities", "technologies"):
        original = (await client.get(f"{A}/{kind}")).json()
        assert (await client.get(f"{B}/{kind}")).json() == original, kind


async def test_csv_without_a_kind_or_an_unknown_format_is_a_422(
    client: httpx.AsyncClient,
) -> None:
    for params in ({"format": "csv"}, {"format": "pdf"}, {"kind": "people"}):
        response = await client.get(f"{A}/export", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")
