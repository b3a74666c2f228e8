"""Hand-written models shaped like a municipality's (GEMMA reference components, national
facilities, suites and their modules, specialisations, no costs) read by the inventory's
importer and evaluated by the rationalizer: the advice an architect would accept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from snoei.inventory.importers.archimate import DEFAULT_MAPPING, parse_exchange
from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.engine import Evaluation, rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
)
from snoei.shared.contracts.proposals import Proposal

pytestmark = pytest.mark.unit

DATA = Path(__file__).parent.parent / "data" / "inventory"
MODELS = ("municipal.xml", "gemma.xml")


def read(name: str) -> Landscape:
    items, _ = parse_exchange((DATA / name).read_bytes(), DEFAULT_MAPPING)
    return Landscape(
        applications=[
            ApplicationRecord.model_validate(i.data) for i in items if i.kind == "application"
        ],
        integrations=[
            IntegrationRecord.model_validate(i.data) for i in items if i.kind == "integration"
        ],
        capabilities=[
            CapabilityRecord.model_validate(i.data) for i in items if i.kind == "capability"
        ],
    )


def evaluate(landscape: Landscape) -> Evaluation:
    return rationalise(
        landscape, config=RulesConfig(), catalogue=packaged_catalogue(), today=date(2026, 12, 3)
    )


def assert_sound(landscape: Landscape, proposals: tuple[Proposal, ...]) -> None:
    """What the board may rely on for a model without costs."""
    apps = landscape.applications
    for proposal in proposals:
        # no euro saving or payback out of unknown costs
        assert not proposal.yearly_saving, proposal.id
        assert proposal.payback_months is None, proposal.id
        target = apps[proposal.targets[0]]
        if proposal.yearly_saving is None:
            assert (
                f"annual costs of {target.name} ({target.id}) to compute the saving"
                in proposal.missing_inputs
            ), proposal.id
        # external facilities are never targets nor survivors
        assert target.owned, proposal.id
        if proposal.survivor is not None:
            survivor = apps[proposal.survivor]
            assert survivor.owned, proposal.id
            assert survivor.kind == "application", proposal.id
            # a component and its specialisation or part are never consolidated
            related = set(target.specialises) | set(target.part_of)
            related |= set(survivor.specialises) | set(survivor.part_of)
            assert not related & {target.id, survivor.id}, proposal.id


@pytest.mark.parametrize("name", MODELS)
def test_a_model_without_costs_gives_no_euro_figure_and_names_the_missing_costs(name: str) -> None:
    landscape = read(name)
    evaluation = evaluate(landscape)
    assert_sound(landscape, evaluation.proposals)
    assert evaluation.total_yearly_saving == 0


def test_the_municipal_model_gets_the_advice_an_architect_would_accept() -> None:
    landscape = read("municipal.xml")
    evaluation = evaluate(landscape)
    found = {p.id: p for p in evaluation.proposals}
    assert set(found) == {
        "consolidate:app-djuma",  # two zaak systems realising the same specific components
        "consolidate:app-woz",  # WOZ done twice
        "consolidate:app-wmo",  # blocked: the suite alone realises the Wmo component
        "replace:app-burgerzaken",  # critical, on an end-of-life database
        "retire:app-corsa",  # the old DMS in phase-out
    }
    assert found["consolidate:app-djuma"].survivor == "app-zaaksysteem"
    assert found["consolidate:app-wmo"].status == "blocked"
    assert evaluation.unknown_saving_count == 3  # djuma, woz, corsa; the upgrade saves 0
    assert found["replace:app-burgerzaken"].yearly_saving == 0  # an upgrade saves nothing
    # what was considered and set aside, and why
    notes = {n.facts["applications"]: n for n in evaluation.notes}
    assert notes["app-camera, app-powerbrowser"].rule == "functional_overlap"
    assert notes["app-zaak-vth, app-zaaksysteem"].rule == "structure"
    assert notes["app-portaal, app-website"].rule == "structure"
    assert notes["app-suite, app-zaaksysteem"].rule == "structure"
