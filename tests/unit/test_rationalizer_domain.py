"""Rationalizer rules on small hand-checked landscapes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain import graph_replica
from snoei.rationalizer.domain.assessment import Quadrant, quadrant_for
from snoei.rationalizer.domain.engine import Decision, Evaluation, Verdict, rationalise
from snoei.rationalizer.domain.graph_replica import GraphReplica, Touch, VersionGap
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import technology_risk
from snoei.rationalizer.domain.waves import plan_waves
from snoei.rationalizer.domain.whatif import UnknownApplications, what_if
from snoei.shared.contracts.graph import GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
    TechnologyUse,
)
from snoei.shared.contracts.proposals import Action, ProposalStatus

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 23)
CONFIG = RulesConfig()


def app(app_id: str, **fields: Any) -> ApplicationRecord:
    defaults: dict[str, Any] = {
        "name": app_id.title(),
        "business_value": 4,
        "technical_fitness": 4,
        "users": 50,
        "costs": {"licence": 10_000},
    }
    return ApplicationRecord(id=app_id, **{**defaults, **fields})


def flow(source: str, target: str, **fields: Any) -> IntegrationRecord:
    return IntegrationRecord(id=f"{source}->{target}", source=source, target=target, **fields)


def evaluate(
    apps: list[ApplicationRecord],
    flows: list[IntegrationRecord] = (),  # type: ignore[assignment]
    *,
    config: RulesConfig = CONFIG,
    **kwargs: Any,
) -> Evaluation:
    landscape = Landscape(
        applications=apps,
        integrations=flows,
        capabilities=[CapabilityRecord(id="zaak", name="Zaaksysteem")],
        technologies=kwargs.pop("technologies", ()),
    )
    return rationalise(
        landscape, config=config, catalogue=packaged_catalogue(), today=TODAY, **kwargs
    )


def by_id(evaluation: Evaluation) -> dict[str, Any]:
    return {p.id: p for p in evaluation.proposals}


def test_two_applications_for_one_capability_consolidate_onto_the_better_one() -> None:
    apps = [
        app("alpha", capabilities=("zaak",), technical_fitness=5, costs={"licence": 30_000}),
        app("beta", capabilities=("zaak",), technical_fitness=3, costs={"licence": 50_000}),
        app("portal", capabilities=("portaal",)),
        app("archive", capabilities=("archief",)),
    ]
    flows = [
        flow("beta", "portal", data_objects=("zaken",)),
        flow("archive", "beta"),
        flow("alpha", "beta"),  # internal to the cluster: disappears, nothing to rewire
    ]
    proposals = by_id(evaluate(apps, flows))
    consolidate = proposals["consolidate:beta"]
    assert consolidate.survivor == "alpha"
    assert consolidate.targets == ("beta",)
    assert consolidate.integrations_to_rewire == ("archive->beta", "beta->portal")
    assert consolidate.yearly_saving == 50_000
    assert consolidate.migration_cost == 10_000 + 2 * 15_000
    assert consolidate.payback_months == pytest.approx(40_000 / (50_000 / 12), abs=0.1)
    assert [(f.consumer, f.data_objects) for f in consolidate.blast_radius] == [
        ("portal", ("zaken",))
    ]
    assert consolidate.status == ProposalStatus.OPEN
    assert "Consolidate Beta into Alpha" in consolidate.summary
    assert "consolidate:alpha" not in proposals


def test_end_of_life_database_under_a_critical_application_is_replaced() -> None:
    apps = [
        app(
            "burgerzaken",
            criticality="critical",
            business_value=5,
            capabilities=("bz",),
            technologies=(TechnologyUse(product="PostgreSQL", version="11.22"),),
        ),
        app(
            "other-bz",
            capabilities=("bz",),
            technologies=(TechnologyUse(product="postgresql", version="17"),),
        ),
    ]
    # other-bz shares the capability, so consolidation would also fire; keep it apart
    config = RulesConfig(enabled_rules=("technology_lifecycle", "replace", "time_quadrant"))
    proposals = by_id(evaluate(apps, config=config))
    replace = proposals["replace:burgerzaken"]
    assert replace.action == Action.REPLACE
    assert replace.replacement_candidates == ("other-bz",)
    facts = {r.rule: r.facts for r in replace.rules}
    assert facts["technology_lifecycle"]["end_of_life"] == "2023-11-09"
    assert facts["technology_lifecycle"]["lifecycle_risk"] == 1.0
    assert facts["replace"]["supported_release"] == "postgresql 18"
    assert "PostgreSQL 11.22" in replace.summary


def test_lifecycle_risk_grows_as_end_of_life_approaches_and_unknown_is_missing_data() -> None:
    catalogue = packaged_catalogue()
    pg14 = TechnologyUse(product="postgresql", version="14")  # EOL 2026-11-12
    passed = technology_risk(pg14, catalogue, CONFIG, date(2026, 12, 1))
    near = technology_risk(pg14, catalogue, CONFIG, date(2026, 8, 1))
    far = technology_risk(pg14, catalogue, CONFIG, date(2024, 1, 1))
    assert passed.risk == 1.0
    assert passed.state == "end of life"
    assert 0 < near.risk < passed.risk
    assert far.risk == 0
    unknown = technology_risk(
        TechnologyUse(product="inhouse-thing", version="2"), catalogue, CONFIG, TODAY
    )
    assert not unknown.known
    assert unknown.risk == CONFIG.unknown_lifecycle_risk
    own = catalogue.with_records(
        [
            TechnologyRecord(
                id="inhouse-thing:2",
                product="inhouse-thing",
                version="2",
                end_of_life=date(2020, 1, 1),
            )
        ]
    )
    assert (
        technology_risk(
            TechnologyUse(product="inhouse-thing", version="2"), own, CONFIG, TODAY
        ).risk
        == 1.0
    )


def test_unknown_lifecycle_lowers_confidence_and_is_reported_as_missing() -> None:
    apps = [
        app(
            "old",
            lifecycle="phase-out",
            technologies=(TechnologyUse(product="mystery", version="1"),),
        ),
        app(
            "fine",
            lifecycle="phase-out",
            technologies=(TechnologyUse(product="postgresql", version="17"),),
        ),
    ]
    proposals = by_id(evaluate(apps))
    old, fine = proposals["retire:old"], proposals["retire:fine"]
    assert old.confidence < fine.confidence
    quality = next(r for r in old.rules if r.rule == "data_quality")
    assert "lifecycle of mystery 1" in str(quality.facts["missing"])


def test_unused_phase_out_application_without_dependents_is_retired_with_empty_blast_radius() -> (
    None
):
    apps = [
        app("legacy", lifecycle="phase-out", users=0, costs={"licence": 12_000, "hosting": 6_000}),
        app("consumer-of-nothing"),
    ]
    flows = [flow("consumer-of-nothing", "legacy")]  # legacy only consumes
    proposals = by_id(evaluate(apps, flows))
    retire = proposals["retire:legacy"]
    assert retire.action == Action.RETIRE
    assert retire.blast_radius == ()
    assert retire.integrations_to_rewire == ()
    assert retire.yearly_saving == 18_000
    assert retire.payback_months == pytest.approx(10_000 / 1_500, abs=0.05)
    assert {r.message for r in retire.rules} >= {
        "Legacy is in phase-out.",
        "Legacy is unused (0 users).",
    }
    assert "No other application loses data." in retire.summary
    assert list(proposals) == ["retire:legacy"]


def test_eliminate_quadrant_retires_and_blast_radius_follows_the_flows_downstream() -> None:
    apps = [app("weak", business_value=1, technical_fitness=2), app("mid"), app("end")]
    flows = [
        flow("weak", "mid", data_objects=("BRP persons",), criticality="high"),
        flow("mid", "end"),
    ]
    retire = by_id(evaluate(apps, flows))["retire:weak"]
    assert [(f.consumer, f.supplier, f.depth) for f in retire.blast_radius] == [
        ("mid", "weak", 1),
        ("end", "mid", 2),
    ]
    assert retire.integrations_to_rewire == ("weak->mid",)
    assert any(
        r.rule == "time_quadrant" and r.facts["quadrant"] == "eliminate" for r in retire.rules
    )


def test_a_cycle_in_the_retire_set_is_one_wave_unit_after_its_consumers() -> None:
    apps = [
        app("a", lifecycle="phase-out"),
        app("b", lifecycle="phase-out"),
        app("c", lifecycle="phase-out"),
        app("keep"),
    ]
    # a <-> b feed each other; b feeds c, so c must go first; both feed keep (stays).
    flows = [flow("a", "b"), flow("b", "a"), flow("b", "c"), flow("a", "keep")]
    evaluation = evaluate(apps, flows)
    plan = evaluation.waves
    assert [[u.applications for u in w.units] for w in plan.waves] == [[("c",)], [("a", "b")]]
    assert plan.waves[1].units[0].cycle
    assert plan.waves[1].units[0].proposal_ids == ("retire:a", "retire:b")
    assert plan.cycles == (("a", "b"),)


def test_waves_retire_consumers_before_suppliers() -> None:
    landscape = Landscape(
        applications=[app("s"), app("m"), app("c")], integrations=[flow("s", "m"), flow("m", "c")]
    )
    plan = plan_waves(landscape, ["s", "m", "c"])
    assert [w.units[0].applications for w in plan.waves] == [("c",), ("m",), ("s",)]


def test_a_proposal_that_would_leave_a_capability_uncovered_is_blocked_with_reason() -> None:
    apps = [app("only", lifecycle="phase-out", capabilities=("zaak",)), app("x")]
    retire = by_id(evaluate(apps))["retire:only"]
    assert retire.status == ProposalStatus.BLOCKED
    assert retire.blocked_reason is not None
    assert "Zaaksysteem" in retire.blocked_reason
    assert any(r.rule == "coverage" for r in retire.rules)
    allowed = RulesConfig(allow_uncovered_capabilities=("zaak",))
    assert by_id(evaluate(apps, config=allowed))["retire:only"].status == ProposalStatus.OPEN


def test_coverage_keeps_one_of_two_retired_realisers() -> None:
    apps = [
        app("p1", lifecycle="phase-out", capabilities=("zaak",), business_value=2),
        app("p2", lifecycle="phase-out", capabilities=("zaak",), business_value=3),
    ]
    proposals = by_id(evaluate(apps))
    assert proposals["retire:p2"].status == ProposalStatus.BLOCKED  # the better one stays
    assert proposals["retire:p1"].status == ProposalStatus.OPEN


def test_hysteresis_keeps_the_previous_quadrant_inside_the_band() -> None:
    assert quadrant_for(2.9, 4, CONFIG) == Quadrant.TOLERATE
    assert quadrant_for(3.1, 4, CONFIG) == Quadrant.INVEST
    assert quadrant_for(2.9, 4, CONFIG, previous=Quadrant.INVEST) == Quadrant.INVEST
    assert quadrant_for(3.1, 4, CONFIG, previous=Quadrant.TOLERATE) == Quadrant.TOLERATE
    assert quadrant_for(2.7, 4, CONFIG, previous=Quadrant.INVEST) == Quadrant.TOLERATE
    assert quadrant_for(3.3, 4, CONFIG, previous=Quadrant.TOLERATE) == Quadrant.INVEST


def test_hysteresis_stops_a_wobbling_fitness_from_flipping_the_retire_proposal() -> None:
    # Fitness 3 with a lifecycle risk that lowers it a bit: effective fitness 2.85.
    config = RulesConfig(eol_fitness_penalty=0.5)
    wobbly = app(
        "wobbly",
        business_value=2,
        technical_fitness=3,
        technologies=(TechnologyUse(product="mystery", version="1"),),  # unknown: risk 0.3
    )
    fresh = evaluate([wobbly], config=config)
    assert fresh.quadrants["wobbly"] == "eliminate"
    kept = evaluate([wobbly], config=config, previous_quadrants={"wobbly": "tolerate"})
    assert kept.quadrants["wobbly"] == "tolerate"
    assert "retire:wobbly" not in by_id(kept)


def test_a_rejected_proposal_stays_rejected_until_its_facts_change() -> None:
    apps = [app("legacy", lifecycle="phase-out")]
    first = by_id(evaluate(apps))["retire:legacy"]
    decisions = {first.id: Decision(Verdict.REJECT, first.facts_hash, "still needed for archive")}
    again = evaluate(apps, decisions=decisions)
    assert by_id(again)["retire:legacy"].status == ProposalStatus.REJECTED
    assert again.total_yearly_saving == 0
    changed = evaluate([app("legacy", lifecycle="phase-out", users=0)], decisions=decisions)
    reopened = by_id(changed)["retire:legacy"]
    assert reopened.status == ProposalStatus.OPEN
    assert reopened.facts_hash != first.facts_hash
    assert any(r.rule == "decision" for r in reopened.rules)


def test_proposal_ids_and_facts_hash_are_stable_across_runs() -> None:
    apps = [app("legacy", lifecycle="phase-out")]
    one, two = evaluate(apps).proposals, evaluate(apps).proposals
    assert [(p.id, p.facts_hash) for p in one] == [(p.id, p.facts_hash) for p in two]


def test_an_empty_landscape_gives_an_empty_evaluation_with_the_reason() -> None:
    evaluation = evaluate([])
    assert evaluation.proposals == ()
    assert evaluation.empty_reason == "the landscape has no applications yet"


def test_what_if_reports_coverage_blast_radius_cost_and_resulting_proposals() -> None:
    apps = [
        app("a", capabilities=("zaak",)),
        app("b", capabilities=("bz",)),
        app("c", capabilities=("zaak",), lifecycle="phase-out"),
    ]
    landscape = Landscape(
        applications=apps,
        integrations=[flow("a", "b", data_objects=("zaken",))],
        capabilities=[CapabilityRecord(id="zaak", name="Zaaksysteem")],
    )
    result = what_if(landscape, ["a"], config=CONFIG, catalogue=packaged_catalogue(), today=TODAY)
    assert [c.name for c in result.uncovered_capabilities] == []  # c still realises it
    assert [(f.consumer, f.data_objects) for f in result.blast_radius] == [("b", ("zaken",))]
    assert result.yearly_cost_change == -10_000
    assert result.integrations_removed == 1
    # afterwards c is the last Zaaksysteem: its retirement is now blocked
    assert {p.id: p.status for p in result.proposals} == {"retire:c": ProposalStatus.BLOCKED}
    with pytest.raises(UnknownApplications, match="'nope'"):
        what_if(
            landscape, ["a", "nope"], config=CONFIG, catalogue=packaged_catalogue(), today=TODAY
        )


def test_invalid_configuration_names_the_setting() -> None:
    with pytest.raises(ValidationError, match="enabled_rules") as unknown:
        RulesConfig(enabled_rules=("retire", "magic"))
    assert "'magic'" in str(unknown.value)
    with pytest.raises(ValidationError, match="value_threshold"):
        RulesConfig(value_threshold=7)


def test_replica_applies_deltas_in_order_and_detects_gaps() -> None:
    replica = GraphReplica()
    replica.apply(
        GraphDelta(
            from_version=0, version=1, inventory_sequence=1, applications_upserted=(app("a"),)
        )
    )
    assert replica.is_duplicate(GraphDelta(from_version=0, version=1, inventory_sequence=1))
    with pytest.raises(VersionGap):
        replica.apply(GraphDelta(from_version=2, version=3, inventory_sequence=3))
    replica.apply(
        GraphDelta(
            from_version=1,
            version=2,
            inventory_sequence=2,
            applications_removed=("a",),
            applications_upserted=(app("b"),),
        )
    )
    assert set(replica.applications) == {"b"}
    assert replica.to_content().version == 2


def test_replica_says_what_deltas_touched_since_a_version_it_has_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replica = GraphReplica(version=3)
    b = app("b")
    replica.apply(
        GraphDelta(
            from_version=3, version=4, inventory_sequence=4, applications_upserted=(app("a"),)
        )
    )
    replica.apply(
        GraphDelta(
            from_version=4,
            version=5,
            inventory_sequence=5,
            applications_removed=("a",),
            applications_upserted=(b,),
            integrations_upserted=(flow("b", "c"),),
        )
    )
    since_4 = replica.touched_since(4)
    assert since_4 is not None
    assert since_4.applications == {"a": None, "b": b}
    assert since_4.did("application", Touch.REMOVED) == {"a"}
    assert since_4.did("integration", Touch.ADDED) == {"b->c"}
    assert replica.touched_since(3) is not None
    assert replica.touched_since(2) is None  # from before this replica began
    assert replica.touched_since(6) is None
    monkeypatch.setattr(graph_replica, "JOURNAL_LIMIT", 2)
    replica.apply(
        GraphDelta(
            from_version=5, version=6, inventory_sequence=6, applications_upserted=(app("d"),)
        )
    )
    assert replica.touched_since(5) is None  # forgotten: too much to remember
    assert replica.touched_since(6) == graph_replica.Touched({}, {}, frozenset())


def test_overlap_clusters_use_jaccard_and_skip_weak_overlap() -> None:
    apps = [
        app("x", capabilities=("c1", "c2")),
        app("y", capabilities=("c1", "c2", "c3")),  # J(x,y) = 2/3
        app("z", capabilities=("c3", "c4", "c5", "c6")),  # J(y,z) = 1/6: no overlap
    ]
    proposals = by_id(evaluate(apps))
    assert [p for p in proposals if p.startswith("consolidate")] == ["consolidate:y"]
    rule = proposals["consolidate:y"].rules[0]
    assert rule.facts["jaccard_with_survivor"] == pytest.approx(0.6667)
