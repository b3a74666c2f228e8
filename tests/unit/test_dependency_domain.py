"""The dependency graph and its answers, on a small hand-checked landscape.

A --i1 high--> B --i2 medium--> C --i4 critical--> D <--i6 low-- E
               B <--i3 low----- C                      (cycle B <-> C)
F --i5--> G   (disconnected part)     H (isolated)     i7: A -> Z (Z unknown)
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx
import pytest

from snoei.dependency.domain import analysis
from snoei.dependency.domain.errors import SequenceGap, UnknownApplication
from snoei.dependency.domain.export import ARCHIMATE_NS, XSI_NS, archimate, graphml, node_link
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts import inventory_events as ev
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    IntegrationRecord,
)

pytestmark = pytest.mark.unit
L = "gemeente-test"
PROVENANCE: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "test"}


class Stream:
    """Builds canonical inventory events with consecutive sequences."""

    def __init__(self) -> None:
        self.events: list[ev.InventoryEvent] = []

    def _add(self, event: ev.InventoryEvent) -> None:
        self.events.append(event)

    def _seq(self) -> dict[str, Any]:
        return {"landscape_id": L, "sequence": len(self.events) + 1}

    def app(self, app_id: str, criticality: str = "medium", **extra: Any) -> None:
        record = ApplicationRecord(
            id=app_id, name=f"App {app_id}", criticality=Criticality(criticality), **extra
        )
        self._add(
            ev.ApplicationRegistered(
                payload=ev.ApplicationState(application=record, **PROVENANCE), **self._seq()
            )
        )

    def link(
        self,
        link_id: str,
        source: str,
        target: str,
        criticality: str = "medium",
        data: tuple[str, ...] = (),
    ) -> None:
        record = IntegrationRecord(
            id=link_id,
            source=source,
            target=target,
            criticality=Criticality(criticality),
            data_objects=data,
        )
        self._add(
            ev.IntegrationRegistered(
                payload=ev.IntegrationState(integration=record, **PROVENANCE), **self._seq()
            )
        )

    def capability(self, cap_id: str, parent: str | None = None) -> None:
        record = CapabilityRecord(id=cap_id, name=f"Capability {cap_id}", parent_id=parent)
        self._add(
            ev.CapabilityRegistered(
                payload=ev.CapabilityState(capability=record, **PROVENANCE), **self._seq()
            )
        )

    def remove_app(self, app_id: str) -> None:
        self._add(
            ev.ApplicationRemoved(payload=ev.ItemRemoved(id=app_id, **PROVENANCE), **self._seq())
        )


def landscape() -> Stream:
    s = Stream()
    s.capability("zaakgericht")
    s.capability("zaaksysteem", parent="zaakgericht")
    s.app("A", "high", capabilities=("zaaksysteem",))
    s.app("B")
    s.app("C", "critical")
    s.app("D", "low")
    s.app("E")
    s.app("F")
    s.app("G")
    s.app("H")
    s.link("i1", "A", "B", "high", ("BRP persons",))
    s.link("i2", "B", "C", "medium", ("zaken",))
    s.link("i3", "C", "B", "low", ("status",))
    s.link("i4", "C", "D", "critical", ("documents",))
    s.link("i5", "F", "G", "medium", ("BAG addresses",))
    s.link("i6", "E", "D", "low")
    s.link("i7", "A", "Z")
    return s


def build(events: list[ev.InventoryEvent]) -> LandscapeGraph:
    g = LandscapeGraph(L)
    for event in events:
        g.apply(event)
    return g


@pytest.fixture
def g() -> LandscapeGraph:
    return build(landscape().events)


def test_edges_run_from_supplier_to_consumer_and_dangling_integrations_wait(
    g: LandscapeGraph,
) -> None:
    assert g.graph.has_edge("A", "B", key="i1")
    assert not g.graph.has_edge("B", "A")
    assert "i7" in g.integrations
    assert "Z" not in g.graph
    assert g.graph.number_of_edges() == 6


def test_a_dangling_integration_becomes_an_edge_once_its_application_exists() -> None:
    s = landscape()
    s.app("Z")
    g = build(s.events)
    assert g.graph.has_edge("A", "Z", key="i7")


def test_removing_an_application_keeps_its_integrations_for_when_it_returns() -> None:
    s = landscape()
    s.remove_app("C")
    g = build(s.events)
    assert "C" not in g.graph
    assert {"i2", "i3", "i4"} <= set(g.integrations)
    assert g.graph.number_of_edges() == 3
    s.app("C", "critical")
    g = build(s.events)
    assert g.graph.has_edge("C", "D", key="i4")
    assert g.graph.number_of_edges() == 6


def test_duplicates_are_ignored_and_a_gap_is_refused() -> None:
    events = landscape().events
    g = build(events[:5])
    assert g.apply(events[2]) is None
    assert g.sequence == 5
    with pytest.raises(SequenceGap) as gap:
        g.apply(events[7])
    assert (gap.value.expected, gap.value.received) == (6, 8)
    assert g.sequence == 5


def test_content_round_trips_into_an_equal_graph(g: LandscapeGraph) -> None:
    rebuilt = LandscapeGraph.from_content(L, g.content())
    assert rebuilt.content() == g.content()
    assert nx.utils.edges_equal(
        sorted(rebuilt.graph.edges(keys=True)), sorted(g.graph.edges(keys=True))
    )


def test_dependencies_follow_the_data_upstream_to_the_given_depth(g: LandscapeGraph) -> None:
    one = analysis.neighbourhood(g, "D", depth=1, upstream=True)
    assert [(r.application_id, r.distance) for r in one.applications] == [("C", 1), ("E", 1)]
    assert {f.integration_id for f in one.integrations} == {"i4", "i6"}
    three = analysis.neighbourhood(g, "D", depth=3, upstream=True)
    assert [(r.application_id, r.distance) for r in three.applications] == [
        ("C", 1),
        ("E", 1),
        ("B", 2),
        ("A", 3),
    ]
    assert next(f for f in three.integrations if f.integration_id == "i1").data_objects == (
        "BRP persons",
    )


def test_dependents_follow_the_data_downstream(g: LandscapeGraph) -> None:
    answer = analysis.neighbourhood(g, "A", depth=2, upstream=False)
    assert [(r.application_id, r.distance) for r in answer.applications] == [("B", 1), ("C", 2)]


def test_impact_of_removing_one_application_in_a_cycle(g: LandscapeGraph) -> None:
    impact = analysis.impact(g, ["B"])
    assert [(i.application_id, i.weight, i.via) for i in impact.direct] == [("C", 8.0, ("B",))]
    assert [(i.application_id, i.weight, i.via) for i in impact.transitive] == [("D", 2.0, ("C",))]
    assert [f.integration_id for f in impact.direct[0].lost_flows] == ["i2"]
    assert [f.integration_id for f in impact.integrations_to_rewire] == ["i1", "i2", "i3"]
    assert impact.blast_radius == 10.0


def test_impact_of_removing_several_applications_is_weighted_by_criticality(
    g: LandscapeGraph,
) -> None:
    impact = analysis.impact(g, ["A", "E"])
    assert [(i.application_id, i.weight) for i in impact.direct] == [("B", 6.0), ("D", 1.0)]
    assert [(i.application_id, i.distance, i.weight) for i in impact.transitive] == [("C", 2, 4.0)]
    assert impact.blast_radius == 11.0


def test_impact_of_an_application_nobody_consumes_is_empty(g: LandscapeGraph) -> None:
    impact = analysis.impact(g, ["G"])
    assert impact.direct == impact.transitive == ()
    assert [f.integration_id for f in impact.integrations_to_rewire] == ["i5"]
    assert impact.blast_radius == 0


def test_unknown_applications_are_named_in_the_error(g: LandscapeGraph) -> None:
    with pytest.raises(UnknownApplication, match="'Q', 'Z'"):
        analysis.impact(g, ["A", "Z", "Q"])


def test_cycles_are_the_strongly_connected_components(g: LandscapeGraph) -> None:
    cycles = analysis.cycles(g)
    assert [c.applications for c in cycles] == [("B", "C")]
    assert [f.integration_id for f in cycles[0].integrations] == ["i2", "i3"]


def test_single_points_of_failure_on_the_undirected_view(g: LandscapeGraph) -> None:
    spof = analysis.single_points_of_failure(g)
    assert [p.application_id for p in spof.articulation_points] == ["B", "C", "D"]
    # B-C is linked twice (i2, i3), so neither integration is a bridge.
    assert [(b.applications, b.integration.integration_id) for b in spof.bridges] == [
        (("A", "B"), "i1"),
        (("C", "D"), "i4"),
        (("D", "E"), "i6"),
        (("F", "G"), "i5"),
    ]


def test_clusters_cover_every_application_once(g: LandscapeGraph) -> None:
    answer = analysis.communities(analysis.cluster_view(g), g.sequence)
    members = [a for c in answer.clusters for a in c.applications]
    assert sorted(members) == sorted(g.applications)
    assert ("F", "G") in [c.applications for c in answer.clusters]
    assert ("H",) in [c.applications for c in answer.clusters]


def test_paths_follow_the_data_flow(g: LandscapeGraph) -> None:
    found = analysis.paths(g, "A", "D", max_hops=5, limit=10)
    assert [p.applications for p in found] == [("A", "B", "C", "D")]
    assert [h.integrations[0].integration_id for h in found[0].hops] == ["i1", "i2", "i4"]
    assert analysis.paths(g, "D", "A", max_hops=5, limit=10) == []
    assert analysis.paths(g, "A", "D", max_hops=2, limit=10) == []
    assert analysis.paths(g, "A", "G", max_hops=5, limit=10) == []


def test_node_link_export_reads_back_into_the_same_graph(g: LandscapeGraph) -> None:
    back = nx.node_link_graph(node_link(g), edges="edges")
    assert set(back.nodes) == set(g.graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(g.graph.edges(keys=True))
    assert back.nodes["C"]["criticality"] == "critical"


def test_graphml_export_reads_back_with_its_attributes(g: LandscapeGraph) -> None:
    back = nx.parse_graphml(graphml(g), force_multigraph=True)
    assert set(back.nodes) == set(g.graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(g.graph.edges(keys=True))
    assert back.edges["A", "B", "i1"]["data_objects"] == "BRP persons"
    assert back.nodes["A"]["capabilities"] == "zaaksysteem"


def test_archimate_export_holds_components_flows_and_capabilities(g: LandscapeGraph) -> None:
    root = ET.fromstring(archimate(g))
    ns = {"a": ARCHIMATE_NS}
    xsi_type = f"{{{XSI_NS}}}type"
    elements = {
        e.get("identifier"): (e.get(xsi_type), e.findtext("a:name", namespaces=ns))
        for e in root.iterfind("a:elements/a:element", ns)
    }
    types = [t for t, _ in elements.values()]
    assert types.count("ApplicationComponent") == 8
    assert types.count("Capability") == 2
    relationships = list(root.iterfind("a:relationships/a:relationship", ns))
    flows = [r for r in relationships if r.get(xsi_type) == "Flow"]
    assert len(flows) == 6
    assert all(r.get("source") in elements and r.get("target") in elements for r in relationships)
    named = {(elements[r.get("source")][1], elements[r.get("target")][1]) for r in flows}
    assert ("App A", "App B") in named
    assert {r.get(xsi_type) for r in relationships} == {"Flow", "Realization", "Composition"}
    assert root.find("a:propertyDefinitions", ns) is not None


def test_redelivery_backoff_grows_and_is_capped() -> None:
    from snoei.dependency.handlers import Backoff

    retry = Backoff(base_s=0.2, max_s=1.0)
    delays = []
    for _ in range(5):
        retry.failures += 1
        delays.append(retry.delay())
    assert delays == [0.2, 0.4, 0.8, 1.0, 1.0]
