"""The graph as spreadsheet tables: one row per application (node) with its graph metrics,
one row per integration between two applications (edge)."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from snoei.dependency.domain import analysis
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.tables import Table, table

NODE_COLUMNS = (
    "id", "name", "owner", "supplier", "lifecycle", "hosting", "criticality", "owned", "kind",
    "yearly_cost", "business_value", "technical_fitness", "users", "capabilities",
    "suppliers", "consumers", "flows_in", "flows_out", "articulation_point", "cycle_size",
    "cluster",
)
EDGE_COLUMNS = (
    "id", "source", "source_name", "target", "target_name", "kind", "data_objects",
    "protocol", "criticality", "name", "bridge", "in_cycle",
)


def graph_tables(g: LandscapeGraph, clusters: analysis.Clusters | None = None) -> list[Table]:
    """``nodes`` and ``edges``. Metrics: distinct suppliers and consumers, flows in and out,
    whether the application is an articulation point (its removal splits the landscape),
    the size of the cycle it is in (empty when none), its cluster (1 = the largest) when
    ``clusters`` is given; per edge whether it is a bridge and inside a cycle."""
    return [nodes(g, clusters), edges(g)]


def _cycles(g: LandscapeGraph) -> Mapping[str, tuple[int, int]]:
    """Application -> (number, size) of the cycle (strongly connected component) it is in."""
    found: dict[str, tuple[int, int]] = {}
    components = [c for c in nx.strongly_connected_components(g.graph) if len(c) > 1]
    for number, component in enumerate(components):
        found.update(dict.fromkeys(component, (number, len(component))))
    return found


def nodes(g: LandscapeGraph, clusters: analysis.Clusters | None = None) -> Table:
    spof = analysis.single_points_of_failure(g)
    points = {p.application_id for p in spof.articulation_points}
    cycle = _cycles(g)
    cluster_of = {
        app: number
        for number, c in enumerate(clusters.clusters if clusters else (), start=1)
        for app in c.applications
    }
    rows = []
    for app_id in sorted(g.applications):
        a = g.applications[app_id]
        rows.append({
            **a.model_dump(include=set(NODE_COLUMNS)),
            "yearly_cost": a.yearly_cost,
            "suppliers": len(set(g.graph.predecessors(app_id))),
            "consumers": len(set(g.graph.successors(app_id))),
            "flows_in": g.graph.in_degree(app_id),
            "flows_out": g.graph.out_degree(app_id),
            "articulation_point": app_id in points,
            "cycle_size": cycle[app_id][1] if app_id in cycle else None,
            "cluster": cluster_of.get(app_id),
        })
    return table("nodes", rows, NODE_COLUMNS)


def edges(g: LandscapeGraph) -> Table:
    bridges = {b.integration.integration_id for b in
               analysis.single_points_of_failure(g).bridges}
    cycle = _cycles(g)
    rows = []
    for i in sorted((r for _, _, r in g.graph.edges(data="record")), key=lambda r: r.id):
        rows.append({
            **i.model_dump(),
            "source_name": g.applications[i.source].name,
            "target_name": g.applications[i.target].name,
            "bridge": i.id in bridges,
            "in_cycle": i.source in cycle and cycle[i.source] == cycle.get(i.target),
        })
    return table("edges", rows, EDGE_COLUMNS)

