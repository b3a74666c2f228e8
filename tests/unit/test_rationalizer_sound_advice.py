"""Advice an enterprise architect would accept on landscapes shaped like real ones: unknown
costs are not zero, external facilities are not ours to prune, ArchiMate structure is not
duplication, and a shared general capability is weak evidence. Each landscape here would
have produced the wrong advice before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.completeness import data_completeness
from snoei.rationalizer.domain.engine import Decision, Evaluation, Verdict, rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.whatif import what_if
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyUse,
)
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 23)
EOL_DATABASE = (TechnologyUse(product="mssqlserver", version="11.0"),)

# A GEMMA-like capability tree: domains over specific reference components.
GEMMA = [
    CapabilityRecord(id="zaakgericht", name="Zaakgericht werken"),
    CapabilityRecord(id="zrc", name="Zaakregistratiecomponent", parent_id="zaakgericht"),
    CapabilityRecord(id="zac", name="Zaakafhandelcomponent", parent_id="zaakgericht"),
    CapabilityRecord(id="drc", name="Documentregistratiecomponent", parent_id="zaakgericht"),
    CapabilityRecord(id="handhaving", name="Toezicht en handhaving"),
    CapabilityRecord(id="vergunning", name="Vergunningencomponent", parent_id="handhaving"),
    CapabilityRecord(id="camera", name="Cameratoezichtcomponent", parent_id="handhaving"),
    CapabilityRecord(id="brp", name="Basisregistratie Personen"),
    CapabilityRecord(id="authenticatie", name="Authenticatiecomponent"),
]


def app(app_id: str, **fields: Any) -> ApplicationRecord:
    """An application as a Softwarecatalogus-based model gives it: no costs, no scores."""
    return ApplicationRecord(id=app_id, name=fields.pop("name", app_id.title()), **fields)


def flow(source: str, target: str, **fields: Any) -> IntegrationRecord:
    return IntegrationRecord(id=f"{source}->{target}", source=source, target=target, **fields)


def evaluate(
    apps: list[ApplicationRecord],
    flows: list[IntegrationRecord] | None = None,
    *,
    capabilities: list[CapabilityRecord] | None = None,
    **kwargs: Any,
) -> Evaluation:
    landscape = Landscape(
        applications=apps, integrations=flows or [], capabilities=capabilities or GEMMA
    )
    return rationalise(
        landscape, config=RulesConfig(), catalogue=packaged_catalogue(), today=TODAY, **kwargs
    )


def by_id(evaluation: Evaluation) -> dict[str, Proposal]:
    return {p.id: p for p in evaluation.proposals}


# --- unknown is not zero ---------------------------------------------------------------


def test_a_retirement_without_costs_has_no_saving_no_payback_and_says_which_costs_it_needs() -> (
    None
):
    evaluation = evaluate([app("fax", name="Faxserver", lifecycle="phase-out", users=3)])
    proposal = by_id(evaluation)["retire:fax"]
    assert proposal.yearly_saving is None
    assert proposal.payback_months is None
    assert proposal.status == ProposalStatus.NEEDS_DATA
    assert "annual costs of Faxserver (fax) to compute the saving" in proposal.missing_inputs
    assert proposal.data_needed_from == ("fax",)
    assert "€0" not in proposal.summary
    assert "Saving unknown (needs data" in proposal.summary
    assert evaluation.total_yearly_saving == 0
    assert evaluation.unknown_saving_count == 1


def test_a_known_zero_cost_is_a_known_saving_of_zero_not_needs_data() -> None:
    evaluation = evaluate([app("free", lifecycle="phase-out", costs={"licence": 0})])
    proposal = by_id(evaluation)["retire:free"]
    assert proposal.yearly_saving == 0
    assert proposal.status == ProposalStatus.OPEN
    assert not any("annual costs" in m for m in proposal.missing_inputs)
    assert evaluation.unknown_saving_count == 0


def test_run_totals_sum_known_savings_and_count_the_unknown_ones_apart() -> None:
    evaluation = evaluate(
        [
            app("known", lifecycle="phase-out", costs={"licence": 12_000}),
            app("unknown", lifecycle="phase-out"),
        ]
    )
    found = by_id(evaluation)
    assert found["retire:known"].yearly_saving == 12_000
    assert found["retire:known"].payback_months is not None
    assert found["retire:known"].status == ProposalStatus.OPEN
    assert found["retire:unknown"].status == ProposalStatus.NEEDS_DATA
    assert evaluation.total_yearly_saving == 12_000
    assert evaluation.unknown_saving_count == 1


def test_a_consolidation_without_costs_names_both_applications_costs() -> None:
    apps = [
        app("zaak-x", name="Zaaksysteem X", capabilities=("zrc", "zac")),
        app("zaak-y", name="Zaaksysteem Y", capabilities=("zrc", "zac")),
        app("portal", name="Portaal"),
    ]
    evaluation = evaluate(apps, [flow("zaak-y", "portal", data_objects=("zaken",))])
    [proposal] = [p for p in evaluation.proposals if p.action == Action.CONSOLIDATE]
    assert proposal.yearly_saving is None
    assert proposal.status == ProposalStatus.NEEDS_DATA
    target, survivor = proposal.targets[0], proposal.survivor
    assert survivor is not None
    names = {"zaak-x": "Zaaksysteem X", "zaak-y": "Zaaksysteem Y"}
    assert f"annual costs of {names[target]} ({target}) to compute the saving" in (
        proposal.missing_inputs
    )
    assert any(
        f"annual costs of {names[survivor]} ({survivor})" in m for m in proposal.missing_inputs
    )
    assert set(proposal.data_needed_from) >= {"zaak-x", "zaak-y"}
    # the survivor was chosen on neutral scores: the proposal says which would settle it
    assert (
        "business value and technical fitness of Zaaksysteem X (zaak-x) and Zaaksysteem Y "
        "(zaak-y) to compare them in choosing the survivor"
    ) in proposal.missing_inputs


def test_a_consolidation_says_consumers_are_rewired_to_the_survivor_not_that_they_lose_data() -> (
    None
):
    apps = [
        app("zaak-a", name="Zaak A", capabilities=("zrc",), technical_fitness=5),
        app("zaak-b", name="Zaak B", capabilities=("zrc",), technical_fitness=2),
        app("portal", name="Portaal"),
    ]
    evaluation = evaluate(apps, [flow("zaak-b", "portal", data_objects=("zaken",))])
    proposal = by_id(evaluation)["consolidate:zaak-b"]
    assert "consumer(s) to rewire to Zaak A (Portaal)" in proposal.summary
    assert "lose data" not in proposal.summary
    assert proposal.rules[0].facts["consumers_to_rewire_to_survivor"] == 1


def test_an_architects_decision_holds_on_a_needs_data_proposal() -> None:
    apps = [app("fax", lifecycle="phase-out")]
    first = by_id(evaluate(apps))["retire:fax"]
    for verdict, status in ((Verdict.ACCEPT, ProposalStatus.ACCEPTED),
                            (Verdict.REJECT, ProposalStatus.REJECTED)):
        decision = Decision(verdict, first.facts_hash, "ok")
        decided = evaluate(apps, decisions={"retire:fax": decision})
        assert by_id(decided)["retire:fax"].status == status
    # a decision on other facts no longer holds: it needs data again, and says why
    stale = evaluate(apps, decisions={"retire:fax": Decision(Verdict.REJECT, "other", "no")})
    reopened = by_id(stale)["retire:fax"]
    assert reopened.status == ProposalStatus.NEEDS_DATA
    assert any(r.rule == "decision" for r in reopened.rules)


# --- what is not ours ------------------------------------------------------------------


def test_a_national_facility_is_never_retired_replaced_or_consolidated_but_counts_in_blast_radius() -> (  # noqa: E501
    None
):
    apps = [
        app("gbav", name="GBA-V", owned=False, lifecycle="phase-out", users=0),
        app("brp", name="BRP", owned=False, criticality="critical", technologies=EOL_DATABASE,
            capabilities=("brp",)),
        app("brp-kopie", name="BRP-kopie", capabilities=("brp",), lifecycle="phase-out"),
        app("digid", name="DigiD", owned=False, capabilities=("authenticatie",)),
        app("eherkenning", name="eHerkenning", owned=False, capabilities=("authenticatie",)),
        app("burgerzaken", name="Burgerzaken", users=0),
    ]
    flows = [flow("burgerzaken", "brp", data_objects=("mutaties",)), flow("gbav", "burgerzaken")]
    evaluation = evaluate(apps, flows)
    targets = {p.targets[0] for p in evaluation.proposals}
    assert targets.isdisjoint({"gbav", "brp", "digid", "eherkenning"})
    assert all(p.survivor not in {"brp", "digid", "eherkenning"} for p in evaluation.proposals)
    # retiring our own application still shows the external facility losing its data
    retire = by_id(evaluation)["retire:burgerzaken"]
    assert ("brp", 1) in {(f.consumer, f.depth) for f in retire.blast_radius}


def test_an_owned_application_is_not_consolidated_onto_an_external_facility() -> None:
    apps = [
        app("eigen-idp", name="Eigen inlogvoorziening", capabilities=("authenticatie",)),
        app("digid", name="DigiD", owned=False, capabilities=("authenticatie",)),
    ]
    assert [p for p in evaluate(apps).proposals if p.action == Action.CONSOLIDATE] == []


def test_infrastructure_is_neither_an_overlap_candidate_nor_a_survivor() -> None:
    apps = [
        app("dms", name="Documentbeheer", capabilities=("drc",)),
        app("objectstore", name="Objectopslag", kind="infrastructure", capabilities=("drc",),
            technical_fitness=5, business_value=5),
    ]
    assert [p for p in evaluate(apps).proposals if p.action == Action.CONSOLIDATE] == []


# --- structure is not duplication --------------------------------------------------------


def test_a_specialisation_is_not_a_duplicate_of_what_it_specialises_and_the_note_says_why() -> None:
    apps = [
        app("zaak", name="Zaaksysteem", capabilities=("zrc", "zac")),
        app("zaak-vth", name="Zaaksysteem VTH", capabilities=("zrc", "zac"), specialises=("zaak",)),
    ]
    evaluation = evaluate(apps)
    assert [p for p in evaluation.proposals if p.action == Action.CONSOLIDATE] == []
    [note] = [n for n in evaluation.notes if n.rule == "structure"]
    assert note.facts["applications"] == "zaak, zaak-vth"
    assert note.facts["relation"] == "Zaaksysteem VTH (zaak-vth) specialises Zaaksysteem (zaak)"


def test_a_whole_and_its_parts_transitively_are_not_duplicates_but_a_real_duplicate_still_is() -> (
    None
):
    apps = [
        app("suite", name="Zaak- en documentsuite", capabilities=("zrc", "zac", "drc")),
        app("zaak", name="Zaaksysteem", capabilities=("zrc", "zac"), part_of=("suite",)),
        app("zaak-vth", name="Zaaksysteem VTH", capabilities=("zrc", "zac"), specialises=("zaak",)),
        app("djuma", name="Djuma", capabilities=("zrc", "zac"), technical_fitness=1),
    ]
    evaluation = evaluate(apps)
    consolidations = [p for p in evaluation.proposals if p.action == Action.CONSOLIDATE]
    related = {frozenset({"suite", "zaak"}), frozenset({"zaak", "zaak-vth"}),
               frozenset({"suite", "zaak-vth"})}
    for proposal in consolidations:
        assert frozenset({proposal.targets[0], proposal.survivor}) not in related
    assert [p.id for p in consolidations] == ["consolidate:djuma"]
    # the suite is above the specialisation through its part: a chain, shown in full
    chained = [n for n in evaluation.notes if n.facts.get("applications") == "suite, zaak-vth"]
    assert "specialises Zaaksysteem (zaak); Zaaksysteem (zaak) is part of" in str(
        chained[0].facts["relation"]
    )
    # the consolidation that stands says why its survivor's relatives are not in it
    assert any(r.rule == "structure" for r in by_id(evaluation)["consolidate:djuma"].rules)


def test_backstage_system_grouping_is_context_not_a_capability() -> None:
    apps = [
        app("orders-api", attributes={"backstage.system": "webshop"}),
        app("orders-ui", attributes={"backstage.system": "webshop"}),
    ]
    assert [p for p in evaluate(apps).proposals if p.action == Action.CONSOLIDATE] == []
    # real duplicates in one system: the system shows as context in the evidence
    duplicates = [
        app("search-a", capabilities=("zrc",), attributes={"backstage.system": "zaken"}),
        app("search-b", capabilities=("zrc",), attributes={"backstage.system": "zaken"},
            technical_fitness=1),
    ]
    [proposal] = [p for p in evaluate(duplicates).proposals if p.action == Action.CONSOLIDATE]
    assert proposal.rules[0].facts["same_backstage_system"] == "zaken"


# --- overlap evidence --------------------------------------------------------------------


def test_camera_surveillance_and_permits_sharing_enforcement_are_not_duplicates() -> None:
    apps = [
        app("camera", name="Cameratoezicht", capabilities=("handhaving",)),
        app("permits", name="Vergunningen", capabilities=("handhaving", "vergunning")),
    ]
    evaluation = evaluate(apps)
    assert [p for p in evaluation.proposals if p.action == Action.CONSOLIDATE] == []
    [note] = evaluation.notes
    assert note.rule == "functional_overlap"
    assert "too general" in note.message
    assert note.facts["overlap_evidence"] == pytest.approx(0.5 / 1.585, abs=1e-3)


def test_a_specific_component_shared_by_two_applications_is_strong_evidence_shown_in_the_rule() -> (
    None
):
    apps = [
        app("camera-a", name="Camera A", capabilities=("camera",)),
        app("camera-b", name="Camera B", capabilities=("camera",), technical_fitness=2),
    ]
    [proposal] = [p for p in evaluate(apps).proposals if p.action == Action.CONSOLIDATE]
    rule = proposal.rules[0]
    assert rule.facts["overlap_evidence"] == pytest.approx(1 / 1.585, abs=1e-3)
    assert rule.facts["overlap_min_evidence"] == 0.5
    assert "Cameratoezichtcomponent 0.6309" in str(rule.facts["evidence_per_capability"])
    assert "overlap evidence 0.6309" in rule.message


def test_a_capability_realised_by_many_applications_is_weak_evidence() -> None:
    apps = [app(f"tool-{n}", capabilities=("drc",)) for n in range(6)]
    evaluation = evaluate(apps)
    assert [p for p in evaluation.proposals if p.action == Action.CONSOLIDATE] == []
    assert len(evaluation.notes) == 15  # every similar pair, each set aside with its evidence


def test_the_minimum_evidence_is_a_rule_setting() -> None:
    apps = [
        app("camera", capabilities=("handhaving",)),
        app("permits", capabilities=("handhaving", "vergunning")),
    ]
    landscape = Landscape(applications=apps, integrations=[], capabilities=GEMMA)
    loose = rationalise(
        landscape,
        config=RulesConfig(overlap_min_evidence=0.3),
        catalogue=packaged_catalogue(),
        today=TODAY,
    )
    assert [p.action for p in loose.proposals] == [Action.CONSOLIDATE]


# --- the empty and the odd ---------------------------------------------------------------


def test_an_empty_run_says_why_from_the_landscape() -> None:
    apps = [
        app("camera", capabilities=("handhaving",)),
        app("permits", capabilities=("handhaving", "vergunning")),
        app("brp", owned=False, capabilities=("brp",)),
    ]
    evaluation = evaluate(apps)
    assert evaluation.proposals == ()
    reason = evaluation.empty_reason or ""
    assert "no two applications share a specific capability" in reason
    assert "no costs, scores, users or lifecycle data to judge retirement" in reason
    assert "add them as columns of a CSV import" in reason
    assert "no technologies recorded" in reason


def test_a_landscape_of_external_facilities_only_says_so() -> None:
    evaluation = evaluate([app("brp", owned=False), app("digid", owned=False)])
    assert "none of the 2 applications is the organisation's own" in (evaluation.empty_reason or "")


# --- data completeness -------------------------------------------------------------------


def test_data_completeness_counts_owned_applications_per_field_and_who_blocks_advice() -> None:
    apps = [
        app("a", owner="Burgerzaken", costs={"licence": 1}, business_value=3,
            technical_fitness=3, technologies=EOL_DATABASE, lifecycle="phase-out", users=5),
        app("b", technologies=(TechnologyUse(product="onbekend-pakket", version="1"),),
            lifecycle="phase-out"),
        app("c", lifecycle="phase-out"),
        app("extern", owned=False),
    ]
    landscape = Landscape(applications=apps, integrations=[], capabilities=GEMMA)
    evaluation = evaluate(apps)
    catalogue = packaged_catalogue()
    found = data_completeness(
        landscape, lambda use: catalogue.find(use) is not None, evaluation.proposals
    )
    fields = {f.field: (f.have, f.of, f.share) for f in found.fields}
    assert found.applications == 3
    assert fields == {
        "costs": (1, 3, 0.3333),
        "scores": (1, 3, 0.3333),
        "lifecycle": (1, 3, 0.3333),
        "technologies": (2, 3, 0.6667),
        "owner": (1, 3, 0.3333),
    }
    blocking = {b.application: b for b in found.blocking}
    assert set(blocking) == {"b", "c"}  # a's data is complete, the external one is not judged
    assert blocking["c"].missing == ("costs", "scores", "lifecycle", "technologies", "owner")


def test_what_if_does_not_count_unknown_costs_as_a_saving() -> None:
    landscape = Landscape(
        applications=[app("known", costs={"licence": 5_000}), app("unknown")],
        integrations=[],
        capabilities=GEMMA,
    )
    kwargs: dict[str, Any] = {
        "config": RulesConfig(), "catalogue": packaged_catalogue(), "today": TODAY
    }
    both = what_if(landscape, ["known", "unknown"], **kwargs)
    assert both.yearly_cost_change is None
    assert both.costs_unknown_for == ("unknown",)
    assert what_if(landscape, ["known"], **kwargs).yearly_cost_change == -5_000
