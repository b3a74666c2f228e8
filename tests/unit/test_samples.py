"""The sample landscapes: deterministic, well-formed, realistic in shape, with their stories."""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

from snoei.samples import STORIES, Landscape, generate_municipality
from snoei.samples.municipality import HUBS, ISOLATED, PLANTED_OVERLAPS
from snoei.samples.scale import generate_scale
from snoei.shared.contracts.changes import (
    CHANGES,
    ApplicationUpsert,
    CapabilityUpsert,
    IntegrationUpsert,
    TechnologyUpsert,
)
from snoei.shared.contracts.landscape import ApplicationRecord, Lifecycle

pytestmark = pytest.mark.unit

REFERENCE_DATE = date(2026, 11, 23)
TOLERANCE = 0.05
"""The municipality holds 300 applications and 900 integrations, give or take 5%."""
RELEASE_CYCLES = (
    Path(__file__).parents[2] / "services/rationalizer/src/snoei/rationalizer/data"
    / "release_cycles.csv",
    Path("/work/shared/data/endoflife/release_cycles.csv"),
)


@cache
def municipality() -> Landscape:
    return generate_municipality()


@cache
def scale() -> Landscape:
    return generate_scale(2_000, 10_000)


def graph(landscape: Landscape) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from(a.id for a in landscape.applications)
    g.add_edges_from((i.source, i.target, i.id) for i in landscape.integrations)
    return g


def apps(landscape: Landscape) -> dict[str, ApplicationRecord]:
    return {a.id: a for a in landscape.applications}


@cache
def end_of_life_dates() -> dict[tuple[str, str], date]:
    path = next((p for p in RELEASE_CYCLES if p.exists()), None)
    if path is None:
        pytest.skip("release_cycles.csv (endoflife.date) is not available")
    with path.open(newline="") as handle:
        return {
            (row["product"], row["releaseCycle"]): date.fromisoformat(row["eol"])
            for row in csv.DictReader(handle)
            if row["eol"][:1].isdigit()
        }


def assert_well_formed(landscape: Landscape) -> None:
    app_ids = [a.id for a in landscape.applications]
    assert len(set(app_ids)) == len(app_ids)
    integration_ids = [i.id for i in landscape.integrations]
    assert len(set(integration_ids)) == len(integration_ids)
    known = set(app_ids)
    for integration in landscape.integrations:
        assert integration.source in known
        assert integration.target in known
        assert integration.source != integration.target
    capability_ids = {c.id for c in landscape.capabilities}
    assert all(c.parent_id is None or c.parent_id in capability_ids for c in landscape.capabilities)
    assert {c for a in landscape.applications for c in a.capabilities} <= capability_ids
    technologies = {(t.product, t.version) for t in landscape.technologies}
    used = {(t.product, t.version) for a in landscape.applications for t in a.technologies}
    assert used <= technologies


# --- the municipality ---------------------------------------------------------------------


def test_the_same_seed_gives_the_same_municipality() -> None:
    first, second = generate_municipality(), generate_municipality()
    assert first.applications == second.applications
    assert first.integrations == second.integrations
    assert first.capabilities == second.capabilities
    assert first.technologies == second.technologies


def test_another_seed_gives_another_municipality_with_the_same_stories() -> None:
    other = generate_municipality(seed=1)
    assert other.integrations != municipality().integrations
    planted = {a for story in STORIES.values() for a in story.applications}
    assert planted <= set(apps(other))


def test_the_municipality_has_about_300_applications_and_900_integrations() -> None:
    landscape = municipality()
    assert abs(len(landscape.applications) - 300) <= 300 * TOLERANCE
    assert abs(len(landscape.integrations) - 900) <= 900 * TOLERANCE
    assert_well_formed(landscape)


def test_most_applications_are_active_with_some_phase_out_plan_and_retired() -> None:
    lifecycles = Counter(a.lifecycle for a in municipality().applications)
    assert lifecycles[Lifecycle.ACTIVE] > 0.8 * len(municipality().applications)
    assert lifecycles[Lifecycle.PHASE_OUT] >= 5
    assert lifecycles[Lifecycle.PLAN] >= 2
    assert lifecycles[Lifecycle.RETIRED] >= 2


def test_owners_are_departments_and_costs_scores_and_contracts_are_filled_in() -> None:
    live = [a for a in municipality().applications if a.lifecycle != Lifecycle.RETIRED]
    assert len({a.owner for a in live}) >= 10
    assert all((a.yearly_cost or 0.0) > 0 for a in live)
    assert all(a.business_value and a.technical_fitness for a in live)
    assert sum(a.contract_end is not None for a in live) > len(live) / 2


def test_only_the_planted_groups_of_active_applications_overlap() -> None:
    active = [a for a in municipality().applications if a.lifecycle == Lifecycle.ACTIVE]
    linked = nx.Graph()
    for i, a in enumerate(active):
        for b in active[i + 1 :]:
            mine, theirs = set(a.capabilities), set(b.capabilities)
            if len(mine & theirs) / len(mine | theirs) >= 0.5:
                linked.add_edge(a.id, b.id)
    groups = {frozenset(c) for c in nx.connected_components(linked)}
    assert groups == set(PLANTED_OVERLAPS)


def test_two_active_zaaksystemen_realise_the_same_capabilities() -> None:
    story = STORIES["consolidate-zaaksystemen"]
    zaaksystemen = [apps(municipality())[a] for a in story.applications]
    assert all(a.lifecycle == Lifecycle.ACTIVE for a in zaaksystemen)
    assert len({a.capabilities for a in zaaksystemen}) == 1
    assert story.capability in zaaksystemen[0].capabilities


def test_three_active_document_stores_realise_document_management() -> None:
    stores = [apps(municipality())[a] for a in STORIES["consolidate-documentstores"].applications]
    assert len(stores) == 3
    assert all(a.lifecycle == Lifecycle.ACTIVE for a in stores)
    assert all("gemma-documentmanagementcomponent" in a.capabilities for a in stores)


def test_the_old_website_is_in_phase_out_and_nobody_consumes_its_data() -> None:
    g = graph(municipality())
    website = apps(municipality())["app-website-oud"]
    assert website.lifecycle == Lifecycle.PHASE_OUT
    assert g.out_degree(website.id) == 0
    # the old forms server feeds only applications that are leaving too
    assert set(g.successors("app-eformulieren-oud")) == {"app-website-oud", "app-zaakwijs"}


def test_the_room_planner_has_low_value_low_fitness_and_the_office_suite_covers_it() -> None:
    planner = apps(municipality())["app-zaalplanner"]
    assert planner.lifecycle == Lifecycle.ACTIVE
    assert (planner.business_value or 5) <= 2
    assert (planner.technical_fitness or 5) <= 2
    assert "gemma-ruimtereservering" in apps(municipality())["app-kantoor"].capabilities


def test_the_intranet_search_engine_is_unused() -> None:
    assert apps(municipality())["app-zoekmachine-intranet"].users == 0


def test_the_critical_tax_system_runs_on_a_database_past_its_end_of_life() -> None:
    taxes = apps(municipality())[STORIES["replace-eol-belastingen"].applications[0]]
    assert taxes.lifecycle == Lifecycle.ACTIVE
    assert taxes.criticality == "critical"
    assert (taxes.business_value or 0) >= 4
    eol = end_of_life_dates()
    ended = [
        (t.product, t.version)
        for t in taxes.technologies
        if t.version and eol.get((t.product, t.version), REFERENCE_DATE) < REFERENCE_DATE
    ]
    assert ("oracle-database", "12.2") in ended


def test_every_technology_version_is_a_release_cycle_from_endoflife_date() -> None:
    eol = end_of_life_dates()
    for technology in municipality().technologies:
        assert eol[(technology.product, technology.version)] == technology.end_of_life


def test_one_capability_is_realised_only_by_an_application_in_phase_out() -> None:
    story = STORIES["blocked-begraafplaats"]
    live = [a for a in municipality().applications if a.lifecycle != Lifecycle.RETIRED]
    realisers = [a for a in live if story.capability in a.capabilities]
    assert [a.id for a in realisers] == list(story.applications)
    assert realisers[0].lifecycle == Lifecycle.PHASE_OUT


def test_the_old_parking_applications_feed_each_other_in_a_cycle() -> None:
    story = STORIES["wave-cycle-parkeren"]
    components = list(nx.strongly_connected_components(graph(municipality())))
    assert set(story.applications) in components
    assert all(apps(municipality())[a].lifecycle == Lifecycle.PHASE_OUT for a in story.applications)
    # and the parking portal that took over keeps their capabilities covered
    portal = apps(municipality())["app-parkeerportaal"]
    for app_id in story.applications:
        assert set(apps(municipality())[app_id].capabilities) <= set(portal.capabilities)


def test_the_municipality_has_hubs_a_few_small_cycles_and_isolated_applications() -> None:
    g = graph(municipality())
    degrees = dict(g.degree())
    median = statistics.median(degrees.values())
    assert all(degrees[hub] >= 4 * median for hub in ("app-servicebus", "app-iam"))
    assert sum(degrees[h] for h in HUBS) > 0.2 * len(municipality().integrations)
    cycles = [c for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert 2 <= len(cycles) <= 6
    assert max(len(c) for c in cycles) <= 8
    assert all(degrees[a] == 0 for a in ISOLATED)


def test_the_municipality_feeds_as_inventory_changes_that_decode() -> None:
    landscape = municipality()
    when = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    changes = landscape.to_changes(occurred_at=when)
    expected = (
        len(landscape.capabilities) + len(landscape.technologies)
        + len(landscape.applications) + len(landscape.integrations)
    )
    assert len(changes) == expected
    assert all(CHANGES.decode(c.to_bytes()) == c for c in changes)
    kinds = [type(c) for c in changes]
    order = [CapabilityUpsert, TechnologyUpsert, ApplicationUpsert, IntegrationUpsert]
    assert kinds == sorted(kinds, key=order.index)
    assert all(c.landscape_id == "gemeente-voorbeeld" for c in changes)
    placed: set[str] = set()
    for change in changes:
        if isinstance(change, CapabilityUpsert):
            parent = change.payload.capability.parent_id
            assert parent is None or parent in placed
            placed.add(change.payload.capability.id)


def test_feeding_the_same_sample_twice_repeats_the_change_ids() -> None:
    later = datetime(2026, 11, 24, tzinfo=UTC)
    first = [c.payload.change_id for c in municipality().to_changes()]
    second = [c.payload.change_id for c in municipality().to_changes(occurred_at=later)]
    assert first == second
    assert len(set(first)) == len(first)
    other = generate_municipality(seed=1).to_changes()
    assert set(first) != {c.payload.change_id for c in other}


# --- scale ---------------------------------------------------------------------------------


def test_scale_gives_exactly_the_counts_asked_for() -> None:
    landscape = scale()
    assert len(landscape.applications) == 2_000
    assert len(landscape.integrations) == 10_000
    assert_well_formed(landscape)


def test_scale_is_deterministic_per_seed() -> None:
    again = generate_scale(2_000, 10_000)
    assert again.applications == scale().applications
    assert again.integrations == scale().integrations
    assert generate_scale(2_000, 10_000, seed=8).integrations != scale().integrations


def test_scale_has_hubs_and_only_a_few_small_cycles() -> None:
    g = graph(scale())
    degrees = sorted((d for _, d in g.degree()), reverse=True)
    assert degrees[0] > 20 * statistics.median(degrees)
    cycles = [c for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert 3 <= len(cycles) <= 20
    assert max(len(c) for c in cycles) <= 3


def test_scale_has_clusters_per_department_and_some_capability_overlap() -> None:
    landscape = scale()
    owner = {a.id: a.owner for a in landscape.applications}
    same_department = sum(owner[i.source] == owner[i.target] for i in landscape.integrations)
    assert same_department > 0.4 * len(landscape.integrations)
    sets = Counter(a.capabilities for a in landscape.applications)
    duplicated = sum(n for n in sets.values() if n > 1)
    assert 0.02 * len(landscape.applications) < duplicated < 0.3 * len(landscape.applications)


def test_scale_refuses_more_integrations_than_fit() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        generate_scale(3, 10)


def test_scale_handles_tiny_landscapes() -> None:
    assert len(generate_scale(0, 0).applications) == 0
    tiny = generate_scale(12, 20)
    assert (len(tiny.applications), len(tiny.integrations)) == (12, 20)
    assert_well_formed(tiny)
