"""Graph questions over one landscape: neighbourhoods, blast radius, cycles, single points of
failure, clusters and paths. Pure functions of a ``LandscapeGraph``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any, Literal, TypeVar, cast

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from snoei.dependency.domain.errors import UnknownApplication
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts.landscape import Criticality, IntegrationKind, IntegrationRecord

CRITICALITY_WEIGHT: dict[Criticality, int] = {
    Criticality.LOW: 1,
    Criticality.MEDIUM: 2,
    Criticality.HIGH: 3,
    Criticality.CRITICAL: 4,
}

T = TypeVar("T")


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class Flow(Answer):
    """One integration as it appears in an answer: data flowing from source to target."""

    integration_id: str
    source: str = Field(description="Application supplying the data.")
    target: str = Field(description="Application consuming the data.")
    kind: IntegrationKind
    data_objects: tuple[str, ...]
    criticality: Criticality

    @classmethod
    def of(cls, record: IntegrationRecord) -> Flow:
        return cls(
            integration_id=record.id,
            source=record.source,
            target=record.target,
            kind=record.kind,
            data_objects=record.data_objects,
            criticality=record.criticality,
        )


class Reached(Answer):
    application_id: str
    name: str
    distance: int = Field(description="Number of integrations between it and the start.")


class Neighbourhood(Answer):
    application_id: str
    direction: Literal["dependencies", "dependents"]
    depth: int
    applications: tuple[Reached, ...] = Field(description="Reached applications, nearest first.")
    integrations: tuple[Flow, ...] = Field(description="Integrations traversed, with data.")


class ImpactedApplication(Answer):
    application_id: str
    name: str
    criticality: Criticality
    distance: int = Field(description="1: loses a flow from a removed application directly.")
    via: tuple[str, ...] = Field(
        description="Applications one step upstream through which the loss arrives."
    )
    lost_flows: tuple[Flow, ...] = Field(
        description="Flows that reach it from a removed (distance 1) or impacted application."
    )
    weight: float = Field(
        description=(
            "criticality weight of the application x highest criticality weight of those "
            "flows / distance (weights: low 1, medium 2, high 3, critical 4)."
        )
    )


class Impact(Answer):
    removed: tuple[str, ...]
    direct: tuple[ImpactedApplication, ...] = Field(
        description="Impacted applications at distance 1, heaviest first (within `listed`)."
    )
    transitive: tuple[ImpactedApplication, ...] = Field(
        description="Impacted applications further away, nearest first (within `listed`)."
    )
    direct_count: int = Field(description="All applications at distance 1, listed or not.")
    transitive_count: int = Field(description="All applications further away, listed or not.")
    listed: int = Field(
        description=(
            "At most this many impacted applications are listed in `direct` + `transitive`, "
            "nearest and heaviest first; the counts and `blast_radius` always cover them all."
        )
    )
    truncated: bool = Field(description="True when some impacted applications are not listed.")
    integrations_to_rewire: tuple[Flow, ...] = Field(
        description="Integrations between a removed and a remaining application."
    )
    blast_radius: float = Field(description="Sum of the weights of every impacted application.")


class Cycle(Answer):
    applications: tuple[str, ...]
    integrations: tuple[Flow, ...]


class ArticulationPoint(Answer):
    application_id: str
    name: str


class Bridge(Answer):
    applications: tuple[str, str]
    integration: Flow = Field(description="The only integration linking the two sides.")


class SinglePointsOfFailure(Answer):
    articulation_points: tuple[ArticulationPoint, ...] = Field(
        description="Applications whose removal splits the (undirected) landscape."
    )
    bridges: tuple[Bridge, ...] = Field(
        description="Integrations whose removal splits it (parallel integrations never are)."
    )


class Cluster(Answer):
    applications: tuple[str, ...]


class Clusters(Answer):
    inventory_sequence: int = Field(description="Graph state the clusters were computed on.")
    modularity: float
    clusters: tuple[Cluster, ...] = Field(description="Largest first.")


class Hop(Answer):
    source: str
    target: str
    integrations: tuple[Flow, ...]


class Path(Answer):
    applications: tuple[str, ...]
    hops: tuple[Hop, ...]


def require(g: LandscapeGraph, application_ids: Iterable[str]) -> None:
    missing = sorted({a for a in application_ids if a not in g.applications})
    if missing:
        raise UnknownApplication(g.landscape_id, missing)


def _name(g: LandscapeGraph, application_id: str) -> str:
    return g.applications[application_id].name


def _flows(edges: Iterable[tuple[Any, ...]]) -> list[Flow]:
    return [Flow.of(e[-1]) for e in edges]


def neighbourhood(
    g: LandscapeGraph, application_id: str, *, depth: int, upstream: bool
) -> Neighbourhood:
    """Dependencies (``upstream``: suppliers of its data) or dependents, to ``depth`` hops."""
    require(g, [application_id])
    edges_of = g.graph.in_edges if upstream else g.graph.out_edges
    distance = {application_id: 0}
    frontier = [application_id]
    flows: list[Flow] = []
    for step in range(1, depth + 1):
        following: list[str] = []
        for node in frontier:
            for edge in edges_of(node, keys=True, data="record"):
                flows.append(Flow.of(edge[3]))
                other = edge[0] if upstream else edge[1]
                if other not in distance:
                    distance[other] = step
                    following.append(other)
        frontier = following
    reached = sorted(((d, a) for a, d in distance.items() if d > 0))
    return Neighbourhood(
        application_id=application_id,
        direction="dependencies" if upstream else "dependents",
        depth=depth,
        applications=tuple(
            Reached(application_id=a, name=_name(g, a), distance=d) for d, a in reached
        ),
        integrations=tuple(flows),
    )


def impact(g: LandscapeGraph, removed: Iterable[str], *, limit: int | None = None) -> Impact:
    """The blast radius of removing ``removed``: every application downstream loses data.

    Distance 1 lose a flow from a removed application directly; further ones lose what an
    impacted application upstream no longer receives. Loss never travels through a removed
    application. Every impacted application is counted and weighed; only the first ``limit``
    (nearest, then heaviest) are described in full, which keeps the answer small and fast
    when removing a hub reaches most of the landscape.
    """
    gone = set(removed)
    require(g, gone)
    distance: dict[str, int] = {}
    incoming: dict[str, list[IntegrationRecord]] = {}
    frontier = sorted(gone)
    step = 0
    out_edges = g.graph.out_edges
    while frontier:
        step += 1
        following: list[str] = []
        for node in frontier:
            for _, consumer, record in out_edges(node, data="record"):
                if consumer in gone:
                    continue
                seen = distance.get(consumer)
                if seen is None:
                    distance[consumer] = step
                    following.append(consumer)
                    incoming[consumer] = [record]
                elif seen == step:
                    incoming[consumer].append(record)
        frontier = following
    weights = {app: _weight(g, app, distance[app], incoming[app]) for app in distance}
    order = sorted(distance, key=lambda a: (distance[a], -weights[a], a))
    shown = order if limit is None else order[:limit]
    impacted = [_impacted(g, app, distance[app], incoming[app], weights[app]) for app in shown]
    direct_count = sum(1 for d in distance.values() if d == 1)
    return Impact(
        removed=tuple(sorted(gone)),
        direct=tuple(i for i in impacted if i.distance == 1),
        transitive=tuple(i for i in impacted if i.distance > 1),
        direct_count=direct_count,
        transitive_count=len(distance) - direct_count,
        listed=len(distance) if limit is None else limit,
        truncated=len(shown) < len(order),
        integrations_to_rewire=tuple(Flow.of(r) for r in g.crossing(gone)),
        blast_radius=round(sum(weights.values()), 6),
    )


def _weight(
    g: LandscapeGraph, application_id: str, distance: int, flows: list[IntegrationRecord]
) -> float:
    flow_weight = max(CRITICALITY_WEIGHT[f.criticality] for f in flows)
    app = g.applications[application_id]
    return round(CRITICALITY_WEIGHT[app.criticality] * flow_weight / distance, 6)


def _impacted(
    g: LandscapeGraph,
    application_id: str,
    distance: int,
    flows: list[IntegrationRecord],
    weight: float,
) -> ImpactedApplication:
    app = g.applications[application_id]
    return ImpactedApplication(
        application_id=application_id,
        name=app.name,
        criticality=app.criticality,
        distance=distance,
        via=tuple(sorted({f.source for f in flows})),
        lost_flows=tuple(Flow.of(f) for f in sorted(flows, key=lambda f: f.id)),
        weight=weight,
    )


def cycles(g: LandscapeGraph) -> list[Cycle]:
    """Strongly connected components of more than one application, largest first."""
    found = []
    for component in nx.strongly_connected_components(g.graph):
        if len(component) < 2:
            continue
        inner = g.graph.subgraph(component).edges(keys=True, data="record")
        found.append(
            Cycle(
                applications=tuple(sorted(component)),
                integrations=tuple(sorted(_flows(inner), key=lambda f: f.integration_id)),
            )
        )
    found.sort(key=lambda c: (-len(c.applications), c.applications))
    return found


def _cached(g: LandscapeGraph, name: str, compute: Callable[[], T]) -> T:
    """A derived view of the graph, recomputed only after the graph changed."""
    hit = g.views.get(name)
    if hit is not None and hit[0] == g.revision:
        return cast(T, hit[1])
    value = compute()
    g.views[name] = (g.revision, value)
    return value


def undirected(g: LandscapeGraph) -> nx.Graph:
    return _cached(g, "undirected", lambda: nx.Graph(g.graph))


def single_points_of_failure(g: LandscapeGraph) -> SinglePointsOfFailure:
    """Articulation points and bridges of the undirected view of the landscape."""

    def compute() -> SinglePointsOfFailure:
        view = undirected(g)
        points = sorted(nx.articulation_points(view))
        bridges = []
        for u, v in nx.bridges(view):
            a, b = sorted((u, v))
            links = [
                *g.graph.get_edge_data(a, b, default={}).values(),
                *g.graph.get_edge_data(b, a, default={}).values(),
            ]
            if len(links) == 1:
                bridges.append(Bridge(applications=(a, b), integration=Flow.of(links[0]["record"])))
        bridges.sort(key=lambda br: br.applications)
        return SinglePointsOfFailure(
            articulation_points=tuple(
                ArticulationPoint(application_id=p, name=_name(g, p)) for p in points
            ),
            bridges=tuple(bridges),
        )

    return _cached(g, "spof", compute)


def cluster_view(g: LandscapeGraph) -> nx.Graph:
    """The undirected view clusters are computed on, weighted by the number of integrations;
    a private copy, so the (slow) community detection may run off the event loop."""
    view = nx.Graph()
    view.add_nodes_from(g.graph.nodes)
    for u, v in g.graph.edges():
        weight = view[u][v]["weight"] + 1 if view.has_edge(u, v) else 1
        view.add_edge(u, v, weight=weight)
    return view


def communities(view: nx.Graph, inventory_sequence: int, *, seed: int = 42) -> Clusters:
    """Louvain communities of a ``cluster_view``, largest first."""
    if view.number_of_edges() == 0:
        found: list[set[str]] = [{n} for n in view.nodes]
        modularity = 0.0
    else:
        found = nx.community.louvain_communities(view, weight="weight", seed=seed)
        modularity = float(nx.community.modularity(view, found, weight="weight"))
    ordered = sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c))
    return Clusters(
        inventory_sequence=inventory_sequence,
        modularity=round(modularity, 6),
        clusters=tuple(Cluster(applications=c) for c in ordered),
    )


def paths(g: LandscapeGraph, source: str, target: str, *, max_hops: int, limit: int) -> list[Path]:
    """Up to ``limit`` simple paths along the data flow from ``source`` to ``target``,
    shortest first, each of at most ``max_hops`` hops."""
    require(g, [source, target])
    if source == target:
        return []
    simple = _cached(g, "simple", lambda: nx.DiGraph(g.graph))
    found: list[Path] = []
    try:
        for nodes in nx.shortest_simple_paths(simple, source, target):
            if len(nodes) - 1 > max_hops or len(found) >= limit:
                break
            found.append(
                Path(
                    applications=tuple(nodes),
                    hops=tuple(_hop(g, u, v) for u, v in pairwise(nodes)),
                )
            )
    except nx.NetworkXNoPath:
        return []
    return found


def _hop(g: LandscapeGraph, source: str, target: str) -> Hop:
    records = g.graph.get_edge_data(source, target, default={})
    return Hop(
        source=source,
        target=target,
        integrations=tuple(Flow.of(records[k]["record"]) for k in sorted(records)),
    )
