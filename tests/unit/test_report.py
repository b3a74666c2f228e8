"""The board report renderer: figures, proposals, graph, charts, Dutch, no external loads,
escaping."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest

from snoei.rationalizer.domain.engine import Evaluation, rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue, ReleaseCycle
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.report import ReportInput, build_report_input, render_report
from snoei.rationalizer.report.i18n import Words, same_keys
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    IntegrationRecord,
    Lifecycle,
    TechnologyUse,
)
from snoei.shared.contracts.proposals import Action, ProposalStatus

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 23)
MALICIOUS = '<script>alert("pwned")</script> & "Co" <img src=x onerror=alert(1)>'
CATALOGUE = LifecycleCatalogue(
    [
        ReleaseCycle("oracle-database", "12.2", date(2020, 11, 30), date(2022, 3, 31), "test"),
        ReleaseCycle("postgresql", "17", date(2029, 11, 8), date(2029, 11, 8), "test"),
    ]
)
CONFIG = RulesConfig()


def app(app_id: str, **fields: Any) -> ApplicationRecord:
    defaults: dict[str, Any] = {
        "name": app_id.replace("-", " ").title(),
        "business_value": 4,
        "technical_fitness": 4,
        "users": 50,
        "costs": AnnualCosts(licence=20_000),
        "technologies": (TechnologyUse(product="postgresql", version="17"),),
    }
    return ApplicationRecord(id=app_id, **{**defaults, **fields})


def flow(flow_id: str, source: str, target: str) -> IntegrationRecord:
    return IntegrationRecord(id=flow_id, source=source, target=target, data_objects=("zaken",))


def small_landscape() -> Landscape:
    return Landscape(
        applications=[
            app("zaak-a", capabilities=("zaak",), technical_fitness=5),
            app(
                "zaak-b",
                capabilities=("zaak",),
                technical_fitness=2,
                costs=AnnualCosts(licence=60_000),
            ),
            app("portaal", name=MALICIOUS, capabilities=("portaal",)),
            app(
                "oud",
                capabilities=("archief",),
                lifecycle=Lifecycle.PHASE_OUT,
                costs=AnnualCosts(hosting=15_000),
            ),
            app("archief", capabilities=("archief",)),
            app("enig", capabilities=("begraven",), lifecycle=Lifecycle.PHASE_OUT),
            app(
                "belasting",
                capabilities=("heffen",),
                business_value=5,
                criticality=Criticality.CRITICAL,
                technologies=(TechnologyUse(product="oracle", version="12.2"),),
            ),
            app("heffing-nieuw", capabilities=("heffen",)),
        ],
        integrations=[
            flow("f1", "zaak-b", "portaal"),
            flow("f2", "zaak-a", "portaal"),
            flow("f3", "oud", "zaak-a"),
            flow("f4", "belasting", "archief"),
        ],
        capabilities=[
            CapabilityRecord(id="zaak", name="Zaakafhandeling"),
            CapabilityRecord(id="portaal", name="Portaal"),
            CapabilityRecord(id="archief", name="Archief"),
            CapabilityRecord(id="begraven", name="Begraafplaatsadministratie"),
            CapabilityRecord(id="heffen", name="Belastingen"),
        ],
        version=7,
    )


@pytest.fixture(scope="module")
def evaluated() -> tuple[ReportInput, Evaluation]:
    landscape = small_landscape()
    evaluation = rationalise(landscape, config=CONFIG, catalogue=CATALOGUE, today=TODAY)
    data = build_report_input(
        "gemeente-test",
        landscape,
        evaluation.proposals,
        evaluation.waves,
        catalogue=CATALOGUE,
        config=CONFIG,
        today=TODAY,
        quadrants=evaluation.quadrants,
    )
    return data, evaluation


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def having(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(wanted[k] in (a.get(k) or "").split() for k in wanted)
        ]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_the_sample_fires_every_kind_of_proposal(evaluated: tuple[ReportInput, Evaluation]) -> None:
    _, evaluation = evaluated
    kinds = {(p.action, p.status) for p in evaluation.proposals}
    assert (Action.CONSOLIDATE, ProposalStatus.OPEN) in kinds
    assert (Action.RETIRE, ProposalStatus.OPEN) in kinds
    assert (Action.REPLACE, ProposalStatus.OPEN) in kinds
    assert (Action.RETIRE, ProposalStatus.BLOCKED) in kinds


def test_the_summary_carries_the_figures(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, evaluation = evaluated
    html = render_report(data)
    words = Words("en")
    assert words.euros(evaluation.total_yearly_saving) in html
    one_off = sum(p.migration_cost or 0.0 for p in data.active)
    assert words.euros(one_off) in html
    assert "What to prune" in html
    assert "What it risks" in html
    assert "What to do first" in html
    # the blocked proposal names the capability that would go uncovered
    assert "Begraafplaatsadministratie" in html


def test_every_proposal_is_listed_with_its_evidence(
    evaluated: tuple[ReportInput, Evaluation],
) -> None:
    data, evaluation = evaluated
    html = render_report(data)
    rows = {a.get("id") for a in parse(html).having("tr")}
    for proposal in evaluation.proposals:
        assert f"p-{proposal.id}" in rows
        for rule in proposal.rules:
            assert f"<code>{rule.rule}</code>" in html


def test_the_graph_has_one_node_per_application_and_the_consumers_for_the_script(
    evaluated: tuple[ReportInput, Evaluation],
) -> None:
    data, _ = evaluated
    elements = parse(render_report(data))
    assert len(elements.having("svg", id="landscape")) == 1
    nodes = elements.having("g", **{"class": "node"})
    assert sorted(n["data-app"] or "" for n in nodes) == sorted(data.landscape.applications)
    assert len(elements.having("line", **{"class": "edge"})) == 4
    graph = json.loads(next(s for s in elements.scripts if '"consumers"' in s))
    index = {n["data-app"]: int(n["data-i"] or -1) for n in nodes}
    assert [graph["names"][index["zaak-b"]]] == ["Zaak B"]
    assert graph["consumers"][index["zaak-b"]] == [index["portaal"]]
    # a proposal's colour class on its node
    assert "consolidate" in (next(n for n in nodes if n["data-app"] == "zaak-b")["class"] or "")


def test_the_charts_are_rendered_inline(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, _ = evaluated
    elements = parse(render_report(data))
    for chart in ("chart-proposals", "chart-waves", "chart-time", "chart-eol"):
        assert elements.having("svg", id=chart), chart
    active_with_saving = [p for p in data.active if (p.yearly_saving or 0.0) > 0]
    bars = [a for t, a in elements.tags if t == "g" and a.get("data-proposal")]
    assert len(bars) == len(active_with_saving)
    dots = elements.having("circle", **{"class": "dot"})
    assert len(dots) == len(data.landscape.applications)
    states = {a.get("data-state") for a in elements.having("g", **{"class": "tech"})}
    assert "end of life" in states
    assert "supported" in states


def test_dutch_translates_the_interface(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, _ = evaluated
    html = render_report(data, "nl")
    assert '<html lang="nl">' in html
    for dutch in (
        "Samenvatting voor het bestuur",
        "Besparing per jaar",
        "Uitfaseringsgolven",
        "Alle voorstellen met onderbouwing",
        "samenvoegen",
        "tegengehouden",
    ):
        assert dutch in html, dutch
    for english in ("Executive summary", "What to do first", "Decommission waves"):
        assert english not in html
    assert same_keys()


def test_nothing_is_loaded_from_the_network(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, _ = evaluated
    for lang in ("en", "nl"):
        html = render_report(data, lang)
        for _, attrs in parse(html).tags:
            for name in ("src", "href", "xlink:href", "action", "data"):
                value = (attrs.get(name) or "").strip().lower()
                assert not re.match(r"^(https?:)?//", value), (name, value)
        assert "http://" not in html
        assert "https://" not in html
        assert "@import" not in html
        assert "url(" not in html


def test_user_data_is_escaped(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, _ = evaluated
    html = render_report(data)
    assert MALICIOUS not in html
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp;" in html
    elements = parse(html)
    # exactly the two scripts of the report itself: the graph data and the behaviour
    assert len([t for t, _ in elements.tags if t == "script"]) == 2
    graph = json.loads(next(s for s in elements.scripts if '"consumers"' in s))
    assert MALICIOUS in graph["names"]  # intact as data, harmless as text


def test_an_empty_landscape_says_why(evaluated: tuple[ReportInput, Evaluation]) -> None:
    empty = ReportInput(
        landscape_id="leeg",
        landscape=Landscape(applications=[], integrations=[]),
        proposals=(),
        waves=WavePlan(),
        assessments={},
        today=TODAY,
        empty_reason="the landscape has no applications yet",
    )
    html = render_report(empty)
    assert "Snoei has no proposals for this landscape." in html
    assert "the landscape has no applications yet" in html
    assert "No technology in use has a known end of life." in html
