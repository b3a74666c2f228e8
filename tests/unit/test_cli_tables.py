"""`snoei`'s listings: ids never cut with names beside them at 80 columns, waves that say
why applications go together, --json and --csv for scripts, and the commands' refusals."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from rich.console import Console
from typer.testing import CliRunner

from snoei.cli.main import app
from snoei.cli.render import (
    Column,
    print_keyed,
    print_proposals,
    print_waves,
    unit_note,
    wave_rows,
)

pytestmark = pytest.mark.unit

LONG = "app-geo-informatieplatform-en-bgt-bijhouding"
NAMES = {LONG: "Geo-informatieplatform en BGT-bijhouding", "app-zaak": "Zaaksysteem",
         "app-brp": "Basisregistratie Personen", "app-gis": "GIS-viewer"}


def _proposal(pid: str, action: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "action": action, "targets": [target], "survivor": None,
            "status": "open", "yearly_saving": 12_000.0, "migration_cost": 30_000.0,
            "payback_months": 30.0, "risk": "medium", "confidence": 0.8,
            "blocked_reason": None, **extra}


PROPOSALS = [
    _proposal(f"consolidate:{LONG}", "consolidate", LONG, survivor="app-gis",
              yearly_saving=None, payback_months=None),
    _proposal("retire:app-brp", "retire", "app-brp", yearly_saving=-2_500.0),
]


def _render(width: int, *, proposals: list[dict[str, Any]] = PROPOSALS) -> list[str]:
    out = Console(width=width, record=True, file=io.StringIO())
    print_proposals(out, proposals, NAMES, title="proposals")
    return out.export_text().splitlines()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_ids_are_never_cut_and_names_stand_beside_or_under_them(width: int) -> None:
    lines = _render(width)
    text = "\n".join(lines)
    assert all(len(line) <= width for line in lines)
    for proposal in PROPOSALS:
        assert any(proposal["id"] in line for line in lines), proposal["id"]  # on one line
    assert "…" not in text
    assert "Basisregistratie" in text  # a name may wrap in its column; ids never do
    assert "Geo-informatie" in text


def test_at_80_columns_the_figures_that_fit_are_shown_and_money_reads_as_words() -> None:
    text = "\n".join(_render(80))
    assert "unknown" in text
    assert "costs €2,500 more" in " ".join(text.split())
    assert "€-" not in text


def test_wide_shows_every_column_on_one_line_per_proposal() -> None:
    lines = _render(1000)
    header = next(line for line in lines if "proposal" in line and "application" in line)
    for column in ("saving/yr", "status", "payback", "one-off", "risk", "conf."):
        assert column in header
    row = next(line for line in lines if "retire:app-brp" in line)
    assert "Basisregistratie Personen" in row
    assert "€30,000" in row


def test_a_narrow_terminal_puts_names_and_figures_under_the_whole_id() -> None:
    lines = _render(60)
    assert any(f"consolidate:{LONG}" in line for line in lines)
    assert any("Geo-informatieplatform en BGT-bijhouding → GIS-viewer" in line for line in lines)


def test_too_narrow_for_columns_the_figures_go_whole_under_the_id() -> None:
    run = "8aa6c3e8-a301-411a-8158-3a509204be28"
    out = Console(width=44, record=True, file=io.StringIO())
    print_keyed(out, title="runs", key=Column("run", [run]), figures=[
        Column("finished", ["2026-12-03 07:03"], prefix="finished "),
        Column("saving/yr", ["€48,000"], "right", prefix="saving/yr "),
    ])
    lines = out.export_text().splitlines()
    assert any(run in line for line in lines)
    assert "finished 2026-12-03 07:03 · saving/yr €48,000" in " ".join(
        " ".join(lines).split())


def test_waves_tell_a_consolidation_group_from_a_cycle() -> None:
    proposals = [
        _proposal("consolidate:a", "consolidate", "app-zaak", survivor="app-gis"),
        _proposal("consolidate:b", "consolidate", "app-brp", survivor="app-gis"),
        _proposal("consolidate:c", "consolidate", "app-c", survivor="app-s"),
        _proposal("retire:x", "retire", LONG),
    ]
    by_id = {p["id"]: p for p in proposals}

    def unit(*apps: str) -> dict[str, Any]:
        ids = [p["id"] for p in proposals if p["targets"][0] in apps]
        return {"applications": sorted(apps), "cycle": len(apps) > 1, "proposal_ids": ids}

    group, onto_two, mixed = unit("app-brp", "app-zaak"), unit("app-c", "app-zaak"), unit(
        "app-brp", LONG)
    names = NAMES | {"app-s": "Suite"}
    assert unit_note(group, by_id, names) == (
        "consolidation group onto GIS-viewer: they feed each other, so they move together")
    assert unit_note(onto_two, by_id, names) == (
        "consolidated onto GIS-viewer, Suite: they feed each other, so they move together")
    assert unit_note(mixed, by_id, names) == "cycle: they feed each other, so they go together"
    assert unit_note(unit(LONG), by_id, names) == "retire"
    assert unit_note(unit("app-zaak"), by_id, names) == "consolidate onto GIS-viewer"

    plan = {"waves": [{"number": 1, "units": [group]}, {"number": 2, "units": [mixed]}]}
    rows = wave_rows(plan, by_id, names)
    assert rows == [
        ["1", "app-brp", "Basisregistratie Personen", "consolidate:b",
         "consolidation group onto GIS-viewer, with Zaaksysteem (they feed each other)"],
        ["1", "app-zaak", "Zaaksysteem", "consolidate:a",
         "consolidation group onto GIS-viewer, with Basisregistratie Personen (they feed "
         "each other)"],
        ["2", "app-brp", "Basisregistratie Personen", "consolidate:b",
         f"consolidate onto GIS-viewer; goes with {NAMES[LONG]} (they feed each other)"],
        ["2", LONG, NAMES[LONG], "retire:x",
         "retire; goes with Basisregistratie Personen (they feed each other)"],
    ]
    out = Console(width=80, record=True, file=io.StringIO())
    print_waves(out, rows)
    text = out.export_text()
    assert any(LONG in line for line in text.splitlines())
    assert "retire together" not in text


def test_a_what_ifs_waves_come_from_no_proposal_and_still_say_who_goes_together() -> None:
    plan = {"waves": [{"number": 1, "units": [
        {"applications": ["app-brp", "app-zaak"], "cycle": True, "proposal_ids": []},
        {"applications": [LONG], "cycle": False, "proposal_ids": []},
    ]}]}
    assert wave_rows(plan, {}, NAMES) == [
        ["1", "app-brp", "Basisregistratie Personen", "",
         "cycle; goes with Zaaksysteem (they feed each other)"],
        ["1", "app-zaak", "Zaaksysteem", "",
         "cycle; goes with Basisregistratie Personen (they feed each other)"],
        ["1", LONG, NAMES[LONG], "", ""],
    ]


@dataclass
class FakeApis:
    """The inventory's and the rationalizer's answers, by path; what was posted."""

    answers: dict[str, Any] = field(default_factory=dict)
    posted: list[tuple[str, Any]] = field(default_factory=list)


@pytest.fixture
def apis() -> Iterator[tuple[str, FakeApis]]:
    fake = FakeApis()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # the name http.server calls
            path = urlsplit(self.path).path
            if path in fake.answers:
                self._answer(200, fake.answers[path])
            else:
                self._answer(404, {"title": "Not found", "detail": path})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.posted.append((urlsplit(self.path).path, body))
            self._answer(201, {"proposal": {"id": body.get("proposal_id"),
                                            "status": f"{body.get('verdict')}ed"}})

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on answers, not on an access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        server.server_close()


def _snoei(url: str, *args: str) -> tuple[int, str, str]:
    env = {"SNOEI_STACK_DIR": "/nonexistent/snoei-stack", "SNOEI_API_TOKEN": "t",
           "SNOEI_INVENTORY_URL": url, "SNOEI_RATIONALIZER_URL": url, "COLUMNS": "80"}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


BASE = "/v1/landscapes/gem"


def _landscape(fake: FakeApis) -> None:
    fake.answers[f"{BASE}/applications"] = [{"id": k, "name": v} for k, v in NAMES.items()]
    fake.answers[f"{BASE}/proposals"] = {"run": None, "proposals": PROPOSALS,
                                         "total_yearly_saving": 9_500.0, "empty_reason": None}


def test_proposals_as_json_are_the_apis_answer_and_as_csv_carry_names(
    apis: tuple[str, FakeApis],
) -> None:
    url, fake = apis
    _landscape(fake)
    code, out, _ = _snoei(url, "proposals", "-l", "gem", "--json")
    assert code == 0
    assert json.loads(out) == fake.answers[f"{BASE}/proposals"]
    code, out, _ = _snoei(url, "proposals", "-l", "gem", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [p["id"] for p in PROPOSALS]
    assert rows[0]["target_names"] == NAMES[LONG]
    assert rows[0]["survivor_name"] == "GIS-viewer"
    assert rows[0]["yearly_saving"] == ""  # unknown stays empty, not 0
    code, out, _ = _snoei(url, "proposals", "-l", "gem")
    assert code == 0
    assert any(f"consolidate:{LONG}" in line for line in out.splitlines())


def test_the_proposals_title_shows_the_recommended_figure_the_service_computed(
    apis: tuple[str, FakeApis],
) -> None:
    url, fake = apis
    _landscape(fake)
    # the service's figure, not one the CLI derives: no listed proposal saves €7,000
    fake.answers[f"{BASE}/proposals"] |= {"recommended_yearly_saving": 7_000.0,
                                         "recommended_count": 1}
    code, out, _ = _snoei(url, "proposals", "-l", "gem")
    assert code == 0
    assert "gem · 2 proposals" in out
    assert "recommended: €7,000 a year (1 proposal) · open total: €9,500 a year" in out


def test_an_unknown_landscape_is_an_error_not_an_empty_list(apis: tuple[str, FakeApis]) -> None:
    url, fake = apis
    fake.answers["/v1/landscapes/nope/applications"] = []
    fake.answers["/v1/landscapes/nope/events"] = []
    for command in ("proposals", "run"):
        code, _, err = _snoei(url, command, "-l", "nope")
        assert code == 1
        assert "landscape 'nope' is unknown" in " ".join(err.split())
    assert fake.posted == []  # no run was asked for


def test_accept_needs_no_reason_and_reject_does(apis: tuple[str, FakeApis]) -> None:
    url, fake = apis
    code, out, _ = _snoei(url, "decide", "-l", "gem", "retire:app-brp", "accept")
    assert code == 0, out
    assert fake.posted == [(f"{BASE}/decisions", {"proposal_id": "retire:app-brp",
                                                  "verdict": "accept", "reason": "",
                                                  "decided_by": None})]
    code, _, err = _snoei(url, "decide", "-l", "gem", "retire:app-brp", "reject")
    assert code == 2
    assert "a rejection needs a reason" in err
    assert len(fake.posted) == 1


def test_the_demo_summary_shows_the_services_recommended_figure_beside_the_open_total() -> None:
    from snoei.cli.demo import _print_summary
    from snoei.samples import Landscape
    from snoei.shared.contracts.landscape import ApplicationRecord

    sample = Landscape("gem", applications=[ApplicationRecord(id=a, name=n)
                                            for a, n in NAMES.items()])
    body = {"proposals": PROPOSALS, "total_yearly_saving": 9_500.0,
            "recommended_yearly_saving": 7_000.0, "recommended_count": 1}
    run = {"graph_version": 3, "inventory_sequence": 12, "duration_ms": 40.0}
    out = Console(width=160, record=True, file=io.StringIO())
    _print_summary(out, sample, run, body, {"waves": []})
    text = out.export_text()
    assert "recommended: €7,000 a year (1 proposal) · open total: €9,500 a year" in text
    assert "Total yearly saving" not in text
