"""Real-shaped models end to end: an ArchiMate file without costs imported over the
inventory's HTTP API, through the dependency service, evaluated by the rationalizer — all
three as processes on the real broker and PostgreSQL. The board sees no euro figure made up
from unknown costs, the costs each proposal needs, no national facility as a target, and no
specialisation or part consolidated into its whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import ServiceProcess, auth, wait_for

pytestmark = pytest.mark.e2e
DATA = Path(__file__).parent.parent / "data" / "inventory"
MUNICIPAL = {
    "consolidate:app-djuma",
    "consolidate:app-woz",
    "consolidate:app-wmo",
    "replace:app-burgerzaken",
    "retire:app-corsa",
}
EXTERNAL = {"app-brp", "app-gbav", "app-digid", "app-eherkenning", "app-suwinet"}
STRUCTURE = {  # (part or specialisation, whole or general)
    ("app-zaak-vth", "app-zaaksysteem"),
    ("app-zaaksysteem", "app-suite"),
    ("app-dms", "app-suite"),
    ("app-portaal", "app-website"),
    ("app-zaak-vth", "app-zaak"),
    ("app-zaak", "app-suite"),
}


async def import_file(inventory: ServiceProcess, landscape: str, name: str) -> None:
    async with httpx.AsyncClient(base_url=inventory.url, headers=auth(), timeout=30) as http:
        response = await http.post(
            f"/v1/landscapes/{landscape}/imports",
            files={"file": (name, (DATA / name).read_bytes())},
        )
    assert response.status_code == 200, response.text


def assert_sound(body: dict[str, Any]) -> None:
    for proposal in body["proposals"]:
        pid, target = proposal["id"], proposal["targets"][0]
        assert not proposal["yearly_saving"], pid  # None, or an upgrade's known 0
        assert proposal["payback_months"] is None, pid
        if proposal["yearly_saving"] is None:
            assert proposal["status"] in ("needs-data", "blocked"), pid
            assert any(
                m.startswith("annual costs of") and f"({target}) to compute the saving" in m
                for m in proposal["missing_inputs"]
            ), pid
            assert "€0" not in proposal["summary"], pid
        assert target not in EXTERNAL, pid
        assert proposal["survivor"] not in EXTERNAL, pid
        pair = (target, proposal["survivor"])
        assert pair not in STRUCTURE, pid
        assert pair[::-1] not in STRUCTURE, pid
    assert body["total_yearly_saving"] == 0


async def test_imported_models_without_costs_get_advice_a_board_can_rely_on(
    pipeline: dict[str, ServiceProcess],
) -> None:
    for proc in pipeline.values():
        await proc.wait_ready(timeout=90)  # three processes start at once on a busy machine
    await import_file(pipeline["inventory"], "gemeente-noord", "municipal.xml")
    await import_file(pipeline["inventory"], "gemeente-zuid", "gemma.xml")
    async with httpx.AsyncClient(
        base_url=pipeline["rationalizer"].url, headers=auth(), timeout=10
    ) as http:

        async def evaluated(landscape: str, done: Any) -> dict[str, Any] | None:
            response = await http.get(f"/v1/landscapes/{landscape}/proposals")
            body: dict[str, Any] = response.json()
            return body if response.status_code == 200 and done(body) else None

        noord = await wait_for(
            lambda: evaluated(
                "gemeente-noord",
                lambda b: {p["id"] for p in b["proposals"]} == MUNICIPAL and len(b["notes"]) == 5,
            ),
            timeout=60,
            message="the municipal model's proposals",
        )
        zuid = await wait_for(
            lambda: evaluated(
                "gemeente-zuid",
                lambda b: b["run"] is not None and b["notes"] and b["completeness"],
            ),
            timeout=60,
            message="the GEMMA model's run",
        )
        completeness = (await http.get("/v1/landscapes/gemeente-noord/completeness")).json()

    assert_sound(noord)
    assert noord["unknown_saving_count"] == 3
    assert noord["run"]["unknown_saving_count"] == 3
    # known savings first (the upgrade's 0), unknown ones after
    savings = [p["yearly_saving"] for p in noord["proposals"]]
    assert savings.index(0) < min(i for i, s in enumerate(savings) if s is None)
    noted = {n["facts"]["applications"]: n["rule"] for n in noord["notes"]}
    assert noted["app-camera, app-powerbrowser"] == "functional_overlap"  # enforcement only
    assert noted["app-zaak-vth, app-zaaksysteem"] == "structure"

    assert_sound(zuid)
    assert zuid["proposals"] == []  # the specialisation pair is the only overlap it has
    assert "no two applications share a specific capability" in zuid["run"]["empty_reason"]
    assert zuid["notes"][0]["facts"]["relation"] == (
        "Zaaksysteem VTH (app-zaak-vth) specialises Zaaksysteem (app-zaak)"
    )

    fields = {f["field"]: f for f in completeness["fields"]}
    assert completeness["applications"] == 16  # owned, not retired; facilities not judged
    assert fields["costs"]["have"] == 0
    assert fields["costs"]["share"] == 0
    assert fields["technologies"]["have"] == 1  # Burgerzakenmodules
    blocking = {b["application"]: b["proposals"] for b in completeness["blocking"]}
    assert blocking["app-zaaksysteem"] >= 1  # its costs decide a survivor
    assert "app-brp" not in blocking
