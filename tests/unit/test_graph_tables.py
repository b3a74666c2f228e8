"""The graph as spreadsheet tables (nodes with metrics, edges), and the shared writer:
one row per item, typed cells, unknown as empty."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from snoei.dependency.domain import analysis
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.dependency.domain.tables import graph_tables
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.landscape import AnnualCosts, ApplicationRecord, IntegrationRecord
from snoei.shared.tables import Table, to_csv, to_xlsx

pytestmark = pytest.mark.unit


@pytest.fixture
def g() -> LandscapeGraph:
    """A -> B <-> C (a cycle), D isolated with unknown costs."""
    apps = [ApplicationRecord(id=x, name=f"App {x}", costs=AnnualCosts(licence=100.0))
            for x in "ABC"] + [ApplicationRecord(id="D", name="App D")]
    flows = [IntegrationRecord(id="ab", source="A", target="B", data_objects=("BRP", "BAG")),
             IntegrationRecord(id="bc", source="B", target="C"),
             IntegrationRecord(id="cb", source="C", target="B")]
    content = GraphContent(version=1, inventory_sequence=4, applications=tuple(apps),
                           integrations=tuple(flows))
    return LandscapeGraph.from_content("l", content)


def rows(sheet: Table) -> dict[str, dict[str, object]]:
    return {str(r[0]): dict(zip(sheet.columns, r, strict=True)) for r in sheet.rows}


def test_nodes_carry_their_graph_metrics_and_edges_their_role(g: LandscapeGraph) -> None:
    nodes, edges = graph_tables(g, analysis.communities(analysis.cluster_view(g), 4))
    node = rows(nodes)
    assert sorted(node) == ["A", "B", "C", "D"]
    assert node["B"]["articulation_point"] is True
    assert node["A"]["articulation_point"] is False
    assert (node["B"]["suppliers"], node["B"]["consumers"], node["B"]["flows_in"]) == (2, 1, 2)
    assert node["B"]["cycle_size"] == 2
    assert node["A"]["cycle_size"] is None
    assert node["A"]["yearly_cost"] == 100.0
    assert node["D"]["yearly_cost"] is None  # unknown, not 0
    assert node["B"]["cluster"] == node["C"]["cluster"]
    edge = rows(edges)
    assert sorted(edge) == ["ab", "bc", "cb"]
    assert edge["ab"]["bridge"] is True
    assert edge["bc"]["bridge"] is False  # B and C stay linked by cb
    assert edge["bc"]["in_cycle"] is True
    assert edge["ab"]["in_cycle"] is False
    assert edge["ab"]["data_objects"] == "BRP; BAG"
    assert edge["ab"]["source_name"] == "App A"


def test_the_xlsx_has_one_row_per_item_with_typed_cells(g: LandscapeGraph) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(graph_tables(g))))
    assert book.sheetnames == ["nodes", "edges"]
    sheet = book["nodes"]
    header = [c.value for c in sheet[1]]
    values = {str(r[0].value): dict(zip(header, r, strict=True))
              for r in sheet.iter_rows(min_row=2)}
    assert sorted(values) == ["A", "B", "C", "D"]
    assert values["A"]["yearly_cost"].data_type == "n"
    assert values["A"]["yearly_cost"].value == 100
    assert values["D"]["yearly_cost"].value is None
    assert values["B"]["articulation_point"].data_type == "b"
    assert book["edges"].max_row == 4


def test_csv_parses_back_with_dates_iso_unknown_empty_and_formulas_defused() -> None:
    sheet = Table("t", ("text", "number", "day", "moment", "unknown", "flag"), [
        ("=cmd|' /C calc'!A0", 1.5, date(2026, 3, 1), datetime(2026, 3, 1, 12, tzinfo=UTC),
         None, True),
        ("gewoon, met komma", 3, None, None, None, False),
    ])
    parsed = list(csv.DictReader(io.StringIO(to_csv(sheet).decode("utf-8-sig"))))
    assert len(parsed) == 2
    assert parsed[0] == {"text": "'=cmd|' /C calc'!A0", "number": "1.5", "day": "2026-03-01",
                         "moment": "2026-03-01T12:00:00+00:00", "unknown": "", "flag": "true"}
    assert parsed[1]["text"] == "gewoon, met komma"
    assert parsed[1]["day"] == ""


def test_xlsx_keeps_dates_as_dates_and_formula_text_as_text() -> None:
    sheet = Table("a/b:c", ("text", "day", "moment"), [
        ("=1+1", date(2026, 3, 1), datetime(2026, 3, 1, 13, tzinfo=UTC)),
        ("bell\x07", None, None),
    ])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([sheet])))
    ws = book[book.sheetnames[0]]
    assert book.sheetnames == ["a_b_c"]
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == "=1+1"
    assert ws["B2"].is_date
    assert ws["B2"].value == datetime(2026, 3, 1)
    assert ws["C2"].value == datetime(2026, 3, 1, 13)
    assert ws["A3"].value == "bell\ufffd"  # a control character Excel cannot hold
    assert ws["B3"].value is None
