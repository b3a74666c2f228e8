"""Blast radius and neighbourhoods from the per-version reachability view give exactly the
answers of a fresh traversal, on random graphs, and follow the graph when it changes."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snoei.dependency.domain import analysis, reachability
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts import inventory_events as ev
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.landscape import ApplicationRecord, Criticality, IntegrationRecord

pytestmark = pytest.mark.unit
CRITICALITIES = list(Criticality)


def random_graph(seed: int, applications: int, integrations: int) -> LandscapeGraph:
    """Parallel flows, cycles, dangling integrations and isolated applications included."""
    rng = random.Random(seed)
    apps = [
        ApplicationRecord(id=f"a{i}", name=f"App {i}", criticality=rng.choice(CRITICALITIES))
        for i in range(applications)
    ]
    links = []
    for i in range(integrations):
        source, target = rng.sample([*range(applications), applications], 2)  # n: unknown app
        links.append(
            IntegrationRecord(
                id=f"i{i:03d}", source=f"a{source}", target=f"a{target}",
                criticality=rng.choice(CRITICALITIES),
            )
        )
    content = GraphContent(
        version=1, inventory_sequence=1, applications=tuple(apps), integrations=tuple(links)
    )
    return LandscapeGraph.from_content("random", content)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    applications=st.integers(2, 30),
    density=st.floats(0.5, 3.0),
    data=st.data(),
)
def test_cached_answers_equal_a_fresh_traversal_on_random_graphs(
    seed: int, applications: int, density: float, data: st.DataObject
) -> None:
    g = random_graph(seed, applications, int(applications * density))
    ids = sorted(g.applications)
    for _ in range(3):  # the second and third questions may be answered from the memo
        removed = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
        limit = data.draw(st.sampled_from([None, 1, 3, 100]))
        assert reachability.impact(g, removed, limit=limit) == analysis.impact(
            g, removed, limit=limit
        )
        start = data.draw(st.sampled_from(ids))
        depth = data.draw(st.integers(1, 4))
        for upstream in (True, False):
            assert reachability.neighbourhood(
                g, start, depth=depth, upstream=upstream
            ) == analysis.neighbourhood(g, start, depth=depth, upstream=upstream)


def test_a_repeated_question_is_answered_from_the_view_until_the_graph_changes() -> None:
    g = random_graph(7, 40, 90)
    first = reachability.impact(g, ["a1"])
    assert reachability.impact(g, ["a1"]) is first
    view = reachability.reachability(g)
    # a flow from a1 to a new application: the next answer must include it
    record = ApplicationRecord(id="new", name="New", criticality=Criticality.CRITICAL)
    provenance: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "test"}
    g.apply(ev.ApplicationRegistered(
        landscape_id="random", sequence=g.sequence + 1,
        payload=ev.ApplicationState(application=record, **provenance),
    ))
    link = IntegrationRecord(id="i-new", source="a1", target="new")
    g.apply(ev.IntegrationRegistered(
        landscape_id="random", sequence=g.sequence + 1,
        payload=ev.IntegrationState(integration=link, **provenance),
    ))
    after = reachability.impact(g, ["a1"])
    assert reachability.reachability(g) is not view
    assert after == analysis.impact(g, ["a1"])
    assert "new" in {i.application_id for i in after.direct}


def hub_graph(seed: int) -> LandscapeGraph:
    """A hub fed by most applications, fanning out again, with parallel flows and equal
    weights: the lost flows of a listed hub are searched from the step before, and ties
    within a distance are ordered by id."""
    rng = random.Random(seed)
    apps = [
        ApplicationRecord(id=f"a{i:02d}", name=f"App {i}", criticality=rng.choice(CRITICALITIES))
        for i in range(40)
    ]
    links = [
        IntegrationRecord(id=f"in{i:02d}-{k}", source=f"a{i:02d}", target="a00",
                          criticality=rng.choice(CRITICALITIES))
        for i in range(1, 40) for k in range(rng.randint(1, 2))
    ]
    links += [
        IntegrationRecord(id=f"out{i:02d}", source="a00", target=f"a{i:02d}",
                          criticality=Criticality.MEDIUM)
        for i in range(20, 40)
    ]
    links += [
        IntegrationRecord(id=f"x{i:02d}", source=f"a{i:02d}", target=f"a{i + 1:02d}",
                          criticality=rng.choice(CRITICALITIES))
        for i in range(1, 39)
    ]
    content = GraphContent(
        version=1, inventory_sequence=1, applications=tuple(apps), integrations=tuple(links)
    )
    return LandscapeGraph.from_content("hub", content)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("limit", [None, 1, 2, 5, 17, 40])
def test_a_hub_and_ties_give_the_answers_of_a_fresh_traversal(seed: int, limit: int | None) -> None:
    g = hub_graph(seed)
    for removed in (["a01"], ["a02", "a05"], ["a00"], ["a30", "a10", "a00"]):
        assert reachability.impact(g, removed, limit=limit) == analysis.impact(
            g, removed, limit=limit
        )


def test_the_json_answer_follows_the_graph_when_it_changes() -> None:
    g = random_graph(11, 30, 70)
    first = reachability.impact_json(g, ["a1"], limit=5)
    assert reachability.impact_json(g, ["a1"], limit=5) is first  # same version: kept
    assert first == analysis.impact(g, ["a1"], limit=5).model_dump_json().encode()
    record = ApplicationRecord(id="new", name="New", criticality=Criticality.CRITICAL)
    provenance: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "test"}
    g.apply(ev.ApplicationRegistered(
        landscape_id="random", sequence=g.sequence + 1,
        payload=ev.ApplicationState(application=record, **provenance),
    ))
    g.apply(ev.IntegrationRegistered(
        landscape_id="random", sequence=g.sequence + 1,
        payload=ev.IntegrationState(
            integration=IntegrationRecord(id="i-new", source="a1", target="new"), **provenance
        ),
    ))
    after = reachability.impact_json(g, ["a1"], limit=5)
    assert after != first
    assert after == analysis.impact(g, ["a1"], limit=5).model_dump_json().encode()
    assert b'"application_id":"new"' in after


def test_a_body_is_kept_with_its_answer_and_forgotten_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reachability, "ANSWERS_KEPT", 2)
    g = random_graph(13, 20, 40)
    for removed in ("a1", "a2", "a3"):
        reachability.impact_json(g, [removed], limit=3)
    view = reachability.reachability(g)
    assert list(view.answers) == [("impact", frozenset({a}), 3) for a in ("a2", "a3")]
    assert set(view.bodies) == set(view.answers)
