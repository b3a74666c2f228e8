"""The Softwarecatalogus end to end against real PostgreSQL and broker: its AMEFF export and
CSV downloads through the inventory's HTTP import, and its market list through the
rationalizer, until a replace proposal names a real product."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app as dependency_app
from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app as inventory_app
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.main import create_app as rationalizer_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, auth, in_process, wait_for

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parent.parent / "data" / "softwarecatalogus"
ONE_LANDSCAPE = "token-for-voorbeeldstad-only"
L = "voorbeeldstad"
BASE = f"/v1/landscapes/{L}"


@pytest.fixture
async def chain(database_url: str, kafka: KafkaSettings) -> AsyncIterator[
    dict[str, httpx.AsyncClient]
]:
    """Inventory, dependency and rationalizer in-process on one database and topic prefix."""
    common: dict[str, Any] = {"database_url": database_url, "kafka": kafka,
                              "api_tokens": {TEST_TOKEN: ["*"], ONE_LANDSCAPE: [L]}}
    apps = {"inventory": inventory_app(InventorySettings(**common)),
            "dependency": dependency_app(DependencySettings(**common, inventory_url="")),
            "rationalizer": rationalizer_app(RationalizerSettings(**common, dependency_url=""))}
    clients: dict[str, httpx.AsyncClient] = {}
    async with AsyncExitStack() as stack:
        for name, app in apps.items():
            clients[name] = await stack.enter_async_context(in_process(app, name, timeout=60))
        yield clients


async def upload(http: httpx.AsyncClient, name: str, landscape: str = L) -> httpx.Response:
    files = {"file": (name, (DATA / name).read_bytes())}
    return await http.post(f"/v1/landscapes/{landscape}/imports", files=files)


async def test_the_ameff_export_and_both_csv_downloads_import_over_http(
    chain: dict[str, httpx.AsyncClient],
) -> None:
    inventory = chain["inventory"]
    for name, landscape, items in [
        ("voorbeeldstad.xml", L, {"application": 15, "capability": 4, "integration": 10,
                                  "technology": 1}),
        ("mijn_pakketoverzicht.csv", "voorbeeldstad-csv", {"application": 8, "capability": 5,
                                                           "technology": 2}),
        ("mijn_koppelingen.csv", "voorbeeldstad-csv", {"integration": 6}),
    ]:
        first = await upload(inventory, name, landscape)
        assert first.status_code == 200, first.text
        assert first.json()["items"] == items
        again = (await upload(inventory, name, landscape)).json()
        assert (again["applied"], again["unchanged"]) == (0, 0), name
    zaak = (await inventory.get(f"{BASE}/applications/pv-zaakwijs-42")).json()
    assert (zaak["product"], zaak["supplier"], zaak["version"]) == ("Zaakwijs", "Stadsoft B.V.",
                                                                    "4.2")
    csv_apps = (await inventory.get("/v1/landscapes/voorbeeldstad-csv/applications")).json()
    assert {a["id"]: a["lifecycle"] for a in csv_apps}["b018"] == "phase-out"
    # every koppeling names applications the pakketoverzicht holds
    issues = (await inventory.get("/v1/landscapes/voorbeeldstad-csv/quality-issues")).json()
    assert not [i for i in issues if "b0" in str(i)]
    market = await upload(inventory, "alle_pakketten.csv")
    assert market.status_code == 422
    assert "snoei catalogue import" in market.json()["detail"]


async def test_a_replace_proposal_names_products_from_the_uploaded_market_catalogue(
    chain: dict[str, httpx.AsyncClient],
) -> None:
    rationalizer = chain["rationalizer"]
    csv = (DATA / "alle_pakketten.csv").read_bytes()
    refused = await rationalizer.put("/v1/market-catalogue", content=csv,
                                     headers=auth(ONE_LANDSCAPE))
    assert refused.status_code == 403
    bad = await rationalizer.put("/v1/market-catalogue",
                                 files={"file": ("bad.csv",
                                                 (DATA / "alle_pakketten_bad.csv").read_bytes())})
    assert bad.status_code == 422
    assert [e["location"] for e in bad.json()["errors"]] == [
        "line 2, column 'Pakket Naam'", "line 3, column 'Referentiecomponenten leverancier UUID'"]
    stored = await rationalizer.put("/v1/market-catalogue", files={"file": ("alle.csv", csv)})
    assert stored.status_code == 200, stored.text
    assert (stored.json()["products"], stored.json()["source"]) == (7, "alle.csv")
    seen = await rationalizer.get("/v1/market-catalogue", headers=auth(ONE_LANDSCAPE))
    assert seen.json()["products"] == 7

    # The landscape from the Softwarecatalogus, and the architects' survey of Zaakwijs 4.2:
    # valuable, on a version whose support ended.
    inventory = chain["inventory"]
    assert (await upload(inventory, "voorbeeldstad.xml")).status_code == 200
    zaak = (await inventory.get(f"{BASE}/applications/pv-zaakwijs-42")).json()
    zaak.update(business_value=5, technical_fitness=4, users=120)
    posted = await inventory.post(f"{BASE}/changes", json=[
        {"type": "application.upsert", "payload": {"application": zaak}}])
    assert posted.status_code == 200, posted.text

    async def replace_proposal() -> dict[str, Any] | None:
        answer = await rationalizer.get(f"{BASE}/proposals", params={"action": "replace"})
        found = [p for p in answer.json()["proposals"] if p["id"] == "replace:pv-zaakwijs-42"]
        return found[0] if found and found[0]["replacement_products"] else None

    proposal = await wait_for(replace_proposal, timeout=60, message="a replace proposal")
    # matched by the reference component's name (the export's ids are not the market's)
    assert [(p["product"], p["supplier"]) for p in proposal["replacement_products"]] == [
        ("Zaakwijs", "Stadsoft B.V."), ("Zaakhuis Online", "Zaakhuis")]
    assert proposal["replacement_products"][0]["capabilities"] == ["Zaakregistratiecomponent"]
    assert "Zaakhuis Online 2025 (Zaakhuis, distributie)" in proposal["summary"]
