"""The portfolio per owner and per capability domain, and the rule for what the board is
recommended: unknown costs and savings are counted apart, never as zero."""

from __future__ import annotations

from typing import Any

import pytest

from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.portfolio import domain_of, portfolio
from snoei.rationalizer.domain.recommendation import Reason, Standing, verdict
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    Lifecycle,
)
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus, RiskLevel

pytestmark = pytest.mark.unit


def app(app_id: str, cost: float | None, **fields: Any) -> ApplicationRecord:
    costs = None if cost is None else AnnualCosts(licence=cost)
    return ApplicationRecord(id=app_id, name=app_id.title(), costs=costs, **fields)


def proposal(
    target: str, saving: float | None, migration: float | None = 10_000, **fields: Any
) -> Proposal:
    made = Proposal(
        id=f"retire:{target}",
        action=Action.RETIRE,
        targets=(target,),
        rules=(),
        yearly_saving=saving or 0.0,
        migration_cost=migration or 0.0,
        payback_months=None,
        risk=RiskLevel.LOW,
        risk_score=0.1,
        confidence=1.0,
        facts_hash="x",
        summary="",
        **fields,
    )
    # The contract will carry unknown economics as None; until then, set them as it will.
    return made.model_copy(update={"yearly_saving": saving, "migration_cost": migration})


CAPABILITIES = [
    CapabilityRecord(id="dienstverlening", name="Dienstverlening"),
    CapabilityRecord(id="burgerzaken", name="Burgerzaken"),
    CapabilityRecord(id="zaak", name="Zaakafhandeling", parent_id="dienstverlening"),
    CapabilityRecord(id="zaak-intake", name="Intake", parent_id="zaak"),
    CapabilityRecord(id="brp", name="BRP", parent_id="burgerzaken"),
]


def landscape() -> Landscape:
    return Landscape(
        applications=[
            app(
                "zaaksysteem", 100_000, owner="Dienstverlening", capabilities=("zaak-intake", "brp")
            ),
            app("portaal", None, owner="Dienstverlening", capabilities=("zaak",)),
            app("brp-app", 50_000, owner="Publiekszaken", capabilities=("brp", "zaak")),
            app("losse-tool", 5_000, capabilities=()),
            app("oud", 70_000, owner="Publiekszaken", lifecycle=Lifecycle.RETIRED),
        ],
        integrations=[],
        capabilities=CAPABILITIES,
    )


def test_an_application_belongs_to_the_domain_of_its_first_capability() -> None:
    view = landscape()
    assert domain_of(view, view.applications["zaaksysteem"]) == "dienstverlening"
    assert domain_of(view, view.applications["brp-app"]) == "burgerzaken"
    assert domain_of(view, view.applications["losse-tool"]) is None


def test_costs_per_domain_add_up_to_the_live_landscape_with_unknown_costs_apart() -> None:
    result = portfolio(landscape(), ())
    rows = {d.domain: d for d in result.domains}
    assert rows["dienstverlening"].costs.yearly_cost == 100_000
    assert rows["dienstverlening"].costs.applications == ("portaal", "zaaksysteem")
    assert rows["dienstverlening"].costs.unknown_cost == 1  # portaal: no cost, not €0
    assert rows["burgerzaken"].costs.yearly_cost == 50_000
    assert rows[None].costs.applications == ("losse-tool",)
    assert [d.domain for d in result.domains] == ["dienstverlening", "burgerzaken", None]
    # retired "oud" costs nothing any more and counts nowhere
    assert result.total.yearly_cost == sum(d.costs.yearly_cost for d in result.domains) == 155_000
    assert result.total.unknown_cost == 1


def test_owners_see_their_proposals_recommended_savings_and_pending_decisions() -> None:
    proposals = [
        proposal("portaal", None),
        proposal("brp-app", 50_000),
        proposal("zaaksysteem", 100_000, status=ProposalStatus.ACCEPTED),
        proposal("losse-tool", 5_000, status=ProposalStatus.REJECTED),
    ]
    recommended = {"retire:brp-app": 50_000.0, "retire:zaaksysteem": 100_000.0}
    result = portfolio(landscape(), proposals, recommended=recommended)
    rows = {o.owner: o for o in result.owners}
    dienst = rows["Dienstverlening"]
    assert (dienst.proposals, dienst.recommended, dienst.recommended_saving) == (2, 1, 100_000)
    assert dienst.pending == 1  # portaal is open; zaaksysteem was accepted
    assert (dienst.costs.yearly_cost, dienst.costs.unknown_cost) == (100_000, 1)
    publiek = rows["Publiekszaken"]
    assert (publiek.proposals, publiek.recommended_saving, publiek.pending) == (1, 50_000, 1)
    assert publiek.costs.applications == ("brp-app",)  # the retired one is not run any more
    nobody = rows[None]
    assert (nobody.proposals, nobody.pending) == (0, 0)  # a rejected proposal is no longer open
    assert result.owners[-1].owner is None
    assert sum(o.recommended_saving for o in result.owners) == sum(recommended.values())


@pytest.mark.parametrize(
    ("saving", "migration", "status", "missing", "standing", "reason"),
    [
        (12_000, 60_000, ProposalStatus.OPEN, (), Standing.RECOMMENDED, None),  # 60 months
        (12_000, 61_000, ProposalStatus.OPEN, (), Standing.NOT_RECOMMENDED, Reason.SLOW_PAYBACK),
        (12_000, 0, ProposalStatus.ACCEPTED, (), Standing.RECOMMENDED, None),
        (None, 10_000, ProposalStatus.OPEN, (), Standing.NEEDS_DATA, Reason.UNKNOWN_SAVING),
        (0, 10_000, ProposalStatus.OPEN, ("costs",), Standing.NEEDS_DATA, Reason.UNKNOWN_SAVING),
        (0, 10_000, ProposalStatus.OPEN, (), Standing.NOT_RECOMMENDED, Reason.NO_SAVING),
        (12_000, None, ProposalStatus.OPEN, (), Standing.NEEDS_DATA, Reason.UNKNOWN_MIGRATION),
        (90_000, 1_000, ProposalStatus.BLOCKED, (), Standing.BLOCKED, None),
        (90_000, 1_000, ProposalStatus.REJECTED, (), Standing.REJECTED, None),
    ],
)
def test_recommended_means_standing_with_a_known_saving_that_pays_back_in_time(
    saving: float | None,
    migration: float | None,
    status: ProposalStatus,
    missing: tuple[str, ...],
    standing: Standing,
    reason: Reason | None,
) -> None:
    made = proposal("portaal", saving, migration, status=status)
    result = verdict(made, max_payback_months=60, assessed_missing=missing)
    assert (result.standing, result.reason) == (standing, reason)
    if standing == Standing.NEEDS_DATA:
        assert result.missing == missing
