"""Facts hashes are stored with the architects' decisions: the same facts must give the
same hash from release to release, or every accepted and rejected proposal reopens."""

from __future__ import annotations

import pytest

from snoei.rationalizer.domain.engine import rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from tests.unit.test_report import CATALOGUE, TODAY, flow, small_landscape

pytestmark = pytest.mark.unit

# Recorded from the engine before it was split into one module per step (issue 11).
PINNED = {
    "consolidate:heffing-nieuw": "670ca5960a140813c213",
    "consolidate:zaak-b": "583eef4d151a76499197",
    "replace:belasting": "c691baa745f2620f510c",
    "retire:enig": "61c525f480b552ad556e",
    "retire:oud": "ad4087ce1929cbefcdb1",
}


def test_the_same_facts_give_the_hashes_of_earlier_releases() -> None:
    evaluation = rationalise(
        small_landscape(), config=RulesConfig(), catalogue=CATALOGUE, today=TODAY
    )
    assert {p.id: p.facts_hash for p in evaluation.proposals} == PINNED
    # the pinned proposals rest on graph facts too, not only on the records
    assert any(p.blast_radius for p in evaluation.proposals)


def test_the_hash_does_not_depend_on_the_order_the_graph_was_built_in() -> None:
    """A replica reloaded after a restart lists its records in another order than the one
    built from events; a decision must still apply to the unchanged proposal."""
    small = small_landscape()
    # "oud" (to be retired) feeds three consumers, listed in arrival order: f3, f9, f5.
    integrations = [*small.integrations.values(), flow("f9", "oud", "archief"),
                    flow("f5", "oud", "portaal")]
    built = Landscape(
        applications=small.applications.values(),
        integrations=integrations,
        capabilities=small.capabilities.values(),
    )
    reloaded = Landscape(
        applications=reversed(small.applications.values()),
        integrations=reversed(integrations),
        capabilities=reversed(small.capabilities.values()),
    )

    def hashes(landscape: Landscape) -> dict[str, str]:
        evaluation = rationalise(landscape, config=RulesConfig(), catalogue=CATALOGUE, today=TODAY)
        return {p.id: p.facts_hash for p in evaluation.proposals}

    assert hashes(reloaded) == hashes(built)
