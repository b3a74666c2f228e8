"""The board report renderer: figures, proposals, graph, charts, Dutch, no external loads,
escaping."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest

from snoei.rationalizer.domain.engine import Evaluation
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.recommendation import Recommended, recommended
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue, ReleaseCycle
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.report import ReportInput, build_report_input, render_report
from snoei.rationalizer.report.figures import figures
from snoei.rationalizer.report.graph import neighbourhoods
from snoei.rationalizer.report.i18n import Words, catalogue_problems
from snoei.rationalizer.report.model import completeness
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
from tests.sample_report import municipal_report, report_of

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
    return report_of("gemeente-test", small_landscape(), CONFIG, CATALOGUE, TODAY)


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
    data, _ = evaluated
    html = render_report(data)
    words = Words("en")
    numbers = figures(data)
    assert numbers.yearly_saving > 0
    assert words.euros(numbers.yearly_saving) in html
    assert words.euros(numbers.one_off) in html
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


def test_the_graph_draws_the_proposals_neighbourhoods_and_counts_the_rest_per_domain(
    evaluated: tuple[ReportInput, Evaluation],
) -> None:
    data, _ = evaluated
    elements = parse(render_report(data))
    assert len(elements.having("svg", id="landscape")) == 1
    nodes = elements.having("g", **{"class": "node"})
    drawn = neighbourhoods(data.landscape, data.proposals)
    assert sorted(n["data-app"] or "" for n in nodes) == sorted(drawn)
    # "portaal" only receives data from proposals' targets; "archief" from the replaced one
    assert {"portaal", "archief"} <= drawn
    assert len(elements.having("path", **{"class": "edge"})) == 4
    graph = json.loads(next(s for s in elements.scripts if '"consumers"' in s))
    assert len(graph["names"]) == len(data.landscape.applications)  # search and radius: all
    index = {n["data-app"]: int(n["data-i"] or -1) for n in nodes}
    assert [graph["names"][index["zaak-b"]]] == ["Zaak B"]
    assert graph["consumers"][index["zaak-b"]] == [index["portaal"]]
    # one box per capability domain, each application counted in exactly one
    boxes = elements.having("g", **{"class": "group"})
    assert len(boxes) == len(set(graph["group"]))
    # a proposal's colour class on its node
    assert "consolidate" in (next(n for n in nodes if n["data-app"] == "zaak-b")["class"] or "")
    assert elements.having("input", id="graph-search")


def test_the_charts_are_rendered_inline(evaluated: tuple[ReportInput, Evaluation]) -> None:
    data, _ = evaluated
    elements = parse(render_report(data))
    for chart in ("chart-proposals", "chart-waves", "chart-time", "chart-eol"):
        assert elements.having("svg", id=chart), chart
    bars = [a for t, a in elements.tags if t == "g" and a.get("data-proposal")]
    assert len(bars) == len(figures(data).book.recommended)
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
    assert catalogue_problems() == []


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


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with ``element_id`` (tags stripped, whitespace folded)."""
    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    depth, position = 1, start
    for match in re.finditer(r"<(/?)([a-z0-9]+)[^>]*?(/?)>", html[start:]):
        if match.group(3) or match.group(2) in ("br", "input", "meta"):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = start + match.start()
            break
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:position]).split())


def amount(text: str) -> float:
    """The euro amount in an English text: "€1,087,000" -> 1087000."""
    found = re.search(r"€\s?([\d,]+)", text)
    assert found is not None, text
    return float(found.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def mixed(evaluated: tuple[ReportInput, Evaluation]) -> ReportInput:
    """The sample's proposals in every standing: a recommended consolidation and replacement,
    a rejected consolidation, a blocked retirement, a retirement that pays back too slowly
    (in a wave), and one whose saving is unknown (as the contract will say with ``None``)."""
    data, evaluation = evaluated
    by_id = {p.id: p for p in evaluation.proposals}
    slow = by_id["retire:oud"].model_copy(
        update={"migration_cost": 250_000.0, "payback_months": 200.0}
    )
    unknown = by_id["retire:oud"].model_copy(
        update={
            "id": "retire:portaal",
            "targets": ("portaal",),
            "yearly_saving": None,
            "migration_cost": None,
            "payback_months": None,
        }
    )
    rejected = by_id["consolidate:heffing-nieuw"].model_copy(
        update={"status": ProposalStatus.REJECTED}
    )
    proposals = (
        by_id["consolidate:zaak-b"],
        by_id["replace:belasting"],
        by_id["retire:enig"],
        slow,
        unknown,
        rejected,
    )
    return dataclasses.replace(data, proposals=proposals)


def test_the_headline_saving_is_the_sum_of_the_listed_recommended_proposals(
    mixed: ReportInput,
) -> None:
    numbers = figures(mixed)
    assert [p.id for p in numbers.book.recommended] == [
        "consolidate:zaak-b",
        "replace:belasting",
    ]
    assert numbers.yearly_saving == 60_000 + 20_000
    html = render_report(mixed)
    listed = [
        float(attrs["data-saving"] or "nan")
        for tag, attrs in parse(html).tags
        if tag == "tr" and "recommended" in (attrs.get("class") or "").split()
    ]
    assert sorted(listed) == [20_000, 60_000]
    headline = amount(text_of(html, "kpi-saving"))
    assert headline == sum(listed) == numbers.yearly_saving
    assert amount(text_of(html, "recommended-total")) == headline
    assert f"the 2 recommended proposals save {Words('en').euros(headline)} a year" in html


def test_the_apis_recommended_figure_is_the_reports_headline(mixed: ReportInput) -> None:
    numbers = figures(mixed)
    served = recommended(mixed.proposals, max_payback_months=CONFIG.max_payback_months)
    assert served == Recommended(count=2, yearly_saving=60_000 + 20_000)
    assert served.count == len(numbers.book.recommended)
    assert served.yearly_saving == numbers.yearly_saving


def test_the_sample_recommends_what_the_docs_and_the_demo_say() -> None:
    """The figure `snoei demo` and `snoei run` show beside the total of open proposals."""
    data, evaluation = municipal_report()
    served = recommended(evaluation.proposals, max_payback_months=CONFIG.max_payback_months)
    assert served == Recommended(count=25, yearly_saving=1_071_700)
    assert served.yearly_saving == figures(data).yearly_saving
    assert evaluation.total_yearly_saving == 1_087_000  # every open proposal, recommended or not


def test_blocked_rejected_and_unknown_savings_are_listed_apart_and_not_counted(
    mixed: ReportInput,
) -> None:
    html = render_report(mixed)
    recommended = text_of(html, "table-recommended")
    doubtful = text_of(html, "table-doubtful")
    held_back = text_of(html, "table-held_back")
    assert "retire:enig" in held_back
    assert "consolidate:heffing-nieuw" in held_back
    assert "retire:oud" in doubtful
    assert "retire:portaal" in doubtful
    for proposal_id in ("retire:enig", "consolidate:heffing-nieuw", "retire:oud", "retire:portaal"):
        assert proposal_id not in recommended
    assert "it pays back in 200.0 months, longer than the 60 months" in doubtful
    assert "the yearly saving is unknown" in doubtful
    assert "€0" not in doubtful  # unknown is not zero
    summary = text_of(html, "summary")
    assert "2 proposals that need data or do not pay back within 60 months" in summary
    assert "1 held back; 1 rejected" in summary


def test_the_waves_say_what_they_leave_out_with_count_and_sum(mixed: ReportInput) -> None:
    html = render_report(mixed)
    notes = text_of(html, "wave-notes")
    # wave 1 holds zaak-b (recommended), oud (slow payback) and heffing-nieuw (rejected)
    assert "The waves add up to €60,000 a year." in notes
    assert "Replace proposals are not scheduled in waves: 1, €20,000 a year." in notes
    assert "Waves €60,000 + not in a wave €20,000 = €80,000" in notes
    assert "2 proposals in the waves are not recommended" in notes
    waves = figures(mixed).waves
    assert waves.scheduled_saving + waves.unscheduled_saving == figures(mixed).yearly_saving
    # the chart's running total ends at the waves' sum, not at the headline
    chart = html[
        html.index('id="chart-waves"') : html.index("</svg>", html.index('id="chart-waves"'))
    ]
    running = re.findall(r'class="value" text-anchor="middle">([^<]+)</text>', chart)
    assert running[-1] == Words("en").euros(waves.scheduled_saving) == "€60,000"


def test_the_portfolio_adds_up_to_the_landscape_and_the_headline(mixed: ReportInput) -> None:
    html = render_report(mixed)
    numbers = figures(mixed)
    owners = text_of(html, "owners-total")
    domains = text_of(html, "domains-total")
    words = Words("en")
    assert words.euros(numbers.landscape.yearly_cost) in owners
    assert words.euros(numbers.landscape.yearly_cost) in domains
    assert words.euros(numbers.yearly_saving) in owners


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 proposal is held back", "2 proposals are held back"),
        ("nl", "1 voorstel wordt tegengehouden", "2 voorstellen worden tegengehouden"),
    ],
)
def test_plurals_follow_the_language_for_one_and_two(lang: str, one: str, two: str) -> None:
    words = Words(lang)  # type: ignore[arg-type]
    assert words.plural("what_risks_blocked", 1, names="X").startswith(one)
    assert words.plural("what_risks_blocked", 2, names="X").startswith(two)
    nouns = {"en": ("1 application", "2 applications"), "nl": ("1 applicatie", "2 applicaties")}
    assert (words.plural("n_applications", 1), words.plural("n_applications", 2)) == nouns[lang]


def test_the_rendered_report_has_no_hand_made_plurals(
    evaluated: tuple[ReportInput, Evaluation],
) -> None:
    data, _ = evaluated
    for lang, held_back in (("en", "1 proposal is held back"), ("nl", "1 voorstel wordt")):
        html = render_report(data, lang)  # type: ignore[arg-type]
        assert held_back in html
        # The report's own words; the evidence quotes the engine's English summaries as is.
        own = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
        assert "(s)" not in own
        assert "(len)" not in own
        assert "(en)" not in own


def test_numbers_and_dates_are_formatted_by_the_language() -> None:
    en, nl = Words("en"), Words("nl")
    assert en.euros(1_087_000) == "€1,087,000"
    assert nl.euros(1_087_000) == "€\xa01.087.000"
    assert (en.euros(None), nl.euros(None)) == ("unknown", "onbekend")
    assert (en.percent(0.0875), nl.percent(0.0875)) == ("8.8%", "8,8%")
    assert (en.number(34.4), nl.number(34.4)) == ("34.4", "34,4")
    assert (en.long_date(TODAY), nl.long_date(TODAY)) == ("November 23, 2026", "23 november 2026")


def test_the_methodology_states_the_rule_book_that_was_used(
    evaluated: tuple[ReportInput, Evaluation],
) -> None:
    data, _ = evaluated
    rules = RulesConfig(max_payback_months=36, migration_base_cost=12_345, value_threshold=3.5)
    method = text_of(render_report(dataclasses.replace(data, rules=rules)), "method")
    assert "paid back within 36 months" in method
    assert "€12,345 per application" in method
    assert "€15,000 per integration" in method
    assert "Business value at or above 3.5 is high" in method


def test_the_data_section_shows_completeness_per_input_and_stale_inputs() -> None:
    landscape = Landscape(
        applications=[
            app("compleet", owner="Publiekszaken", capabilities=("zaak",)),
            app("zonder-kosten", owner="Belastingen", costs=None),
            app("zonder-scores", owner="Belastingen", business_value=None),
            app("onbekende-techniek", technologies=(TechnologyUse(product="cobol-runtime"),)),
            app("zonder-techniek", technologies=()),
            app("weg", lifecycle=Lifecycle.RETIRED, costs=None),
        ],
        integrations=[],
        version=3,
    )
    data = build_report_input(
        "gemeente-data", landscape, (), WavePlan(), catalogue=CATALOGUE, config=CONFIG, today=TODAY
    )
    shares = {c.field: (c.present, c.of) for c in completeness(data)}
    assert shares == {
        "costs": (4, 5),
        "scores": (4, 5),
        "lifecycle": (3, 5),
        "technologies": (4, 5),
        "owner": (3, 5),
    }
    fresh = text_of(render_report(data), "data")
    assert "Yearly costs 80% 4 of 5" in fresh
    assert "Owner 60% 3 of 5" in fresh
    assert "The run evaluated the current graph (version 3)." in fresh
    stale = text_of(render_report(dataclasses.replace(data, stale_inputs=True)), "data")
    assert "Stale inputs: the run evaluated a graph that was known to be behind" in stale
