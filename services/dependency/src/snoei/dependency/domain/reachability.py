"""Blast radius and neighbourhoods answered from one structure per graph version.

``analysis.impact`` and ``analysis.neighbourhood`` walk the networkx graph afresh for each
question. Here each graph revision gets a view (dropped with the revision): every
application's flows as plain lists in networkx's own iteration order, filled in as the
questions reach it, and every answer given, kept for the rest of the version. A repeated
question is a dictionary lookup; a new one walks the plain lists instead of networkx's edge
views, and never pays for the parts of the graph nobody asked about, so the first question
after a change costs no more than a fresh walk. The answers are the same, field for field
and in the same order (``tests/unit/test_dependency_reachability.py`` compares them on
random graphs).

A condensation (strongly connected components) would give the set reached, not the
distances and the flows lost at each distance that the blast radius weighs, so a new
question still walks breadth-first over the part it reaches.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from snoei.dependency.domain import analysis
from snoei.dependency.domain.analysis import (
    CRITICALITY_WEIGHT,
    Flow,
    Impact,
    ImpactedApplication,
    Neighbourhood,
    Reached,
)
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts.landscape import IntegrationRecord
from snoei.shared.heap import LongLivedHeap

VIEW = "reachability"
ANSWERS_KEPT = 256  # per landscape and version; the oldest question is forgotten first
# Questions are many small units of work: they freeze what they add like a batch does, but
# do not count towards the batches' periodic unfreeze (a full collection of the whole heap,
# 0.2-0.6 s at 10k/50k, which would land in a request).
QUERY_HEAP = LongLivedHeap(rescan_every=1_000_000)
Link = tuple[str, int, IntegrationRecord]  # other application, flow weight, the integration
Adjacency = dict[str, dict[str, dict[str, dict[str, object]]]]


def _links(adjacency: Adjacency) -> list[Link]:
    """One application's flows from networkx's own adjacency dicts, in the order out_edges /
    in_edges give them; read directly they are several times faster than the edge views."""
    found: list[Link] = []
    for other, keyed in adjacency.items():
        for attributes in keyed.values():
            record = attributes["record"]
            assert isinstance(record, IntegrationRecord)
            found.append((other, CRITICALITY_WEIGHT[record.criticality], record))
    return found


@dataclass
class Reachability:
    """One graph revision's flows as plain lists, filled in as questions reach each
    application, and the answers given so far."""

    revision: int
    g: LandscapeGraph
    _consumers: dict[str, list[Link]] = field(default_factory=dict)  # whom each supplies
    _suppliers: dict[str, list[Link]] = field(default_factory=dict)  # who supplies each
    answers: OrderedDict[object, object] = field(default_factory=OrderedDict)
    flows: dict[str, Flow] = field(default_factory=dict)  # by integration id, made once

    def consumers(self, application_id: str) -> list[Link]:
        found = self._consumers.get(application_id)
        if found is None:
            found = self._consumers[application_id] = _links(self.g.graph._succ[application_id])
        return found

    def suppliers(self, application_id: str) -> list[Link]:
        found = self._suppliers.get(application_id)
        if found is None:
            found = self._suppliers[application_id] = _links(self.g.graph._pred[application_id])
        return found

    def weight(self, application_id: str) -> int:
        return CRITICALITY_WEIGHT[self.g.applications[application_id].criticality]

    def flow(self, record: IntegrationRecord) -> Flow:
        made = self.flows.get(record.id)
        if made is None:
            made = self.flows[record.id] = Flow.of(record)
        return made

    def remember(self, key: object, answer: object) -> None:
        self.answers[key] = answer
        if len(self.answers) > ANSWERS_KEPT:
            self.answers.popitem(last=False)


def reachability(g: LandscapeGraph) -> Reachability:
    """The view of the graph's current revision; a change starts a new, empty one."""
    hit = g.views.get(VIEW)
    if isinstance(hit, tuple) and isinstance(hit[1], Reachability) and hit[0] == g.revision:
        return hit[1]
    view = Reachability(g.revision, g)
    g.views[VIEW] = (g.revision, view)
    return view


def impact(g: LandscapeGraph, removed: Iterable[str], *, limit: int | None = None) -> Impact:
    """``analysis.impact``, answered from the version's reachability view."""
    gone = frozenset(removed)
    analysis.require(g, gone)
    view = reachability(g)
    key = ("impact", gone, limit)
    answer = view.answers.get(key)
    if isinstance(answer, Impact):
        view.answers.move_to_end(key)
        return answer
    # What the view and the answer add stays as long as the version: kept off the cyclic
    # collector like the graph itself (see LongLivedHeap).
    with QUERY_HEAP.work():
        answer = _impact(view, gone, limit)
        view.remember(key, answer)
    return answer


def _impact(view: Reachability, gone: frozenset[str], limit: int | None) -> Impact:
    distance: dict[str, int] = {}
    strongest: dict[str, int] = {}  # highest criticality weight of the flows lost at its distance
    frontier = sorted(gone)
    step = 0
    while frontier:
        step += 1
        following: list[str] = []
        for node in frontier:
            for consumer, flow_weight, _ in view.consumers(node):
                if consumer in gone:
                    continue
                seen = distance.get(consumer)
                if seen is None:
                    distance[consumer] = step
                    strongest[consumer] = flow_weight
                    following.append(consumer)
                elif seen == step and flow_weight > strongest[consumer]:
                    strongest[consumer] = flow_weight
        frontier = following
    weights = {a: round(view.weight(a) * strongest[a] / d, 6) for a, d in distance.items()}
    order = sorted(distance, key=lambda a: (distance[a], -weights[a], a))
    shown = order if limit is None else order[:limit]
    impacted = [_impacted(view, a, distance, gone, weights[a]) for a in shown]
    direct_count = sum(1 for d in distance.values() if d == 1)
    return Impact(
        removed=tuple(sorted(gone)),
        direct=tuple(i for i in impacted if i.distance == 1),
        transitive=tuple(i for i in impacted if i.distance > 1),
        direct_count=direct_count,
        transitive_count=len(distance) - direct_count,
        listed=len(distance) if limit is None else limit,
        truncated=len(shown) < len(order),
        integrations_to_rewire=tuple(Flow.of(r) for r in view.g.crossing(gone)),
        blast_radius=round(sum(weights.values()), 6),
    )


def _impacted(
    view: Reachability, application_id: str, distance: dict[str, int], gone: frozenset[str],
    weight: float,
) -> ImpactedApplication:
    """One listed application: the flows it loses come from the applications one step
    nearer (the removed ones at distance 1)."""
    d = distance[application_id]
    lost = [
        record
        for supplier, _, record in view.suppliers(application_id)
        if (supplier in gone if d == 1 else distance.get(supplier) == d - 1)
    ]
    app = view.g.applications[application_id]
    return ImpactedApplication(
        application_id=app.id,
        name=app.name,
        criticality=app.criticality,
        distance=d,
        via=tuple(sorted({f.source for f in lost})),
        lost_flows=tuple(view.flow(f) for f in sorted(lost, key=lambda f: f.id)),
        weight=weight,
    )


def neighbourhood(
    g: LandscapeGraph, application_id: str, *, depth: int, upstream: bool
) -> Neighbourhood:
    """``analysis.neighbourhood``, answered from the version's reachability view."""
    analysis.require(g, [application_id])
    view = reachability(g)
    key = ("neighbourhood", application_id, depth, upstream)
    answer = view.answers.get(key)
    if isinstance(answer, Neighbourhood):
        view.answers.move_to_end(key)
        return answer
    links = view.suppliers if upstream else view.consumers
    distance = {application_id: 0}
    frontier = [application_id]
    flows: list[Flow] = []
    with QUERY_HEAP.work():
        for step in range(1, depth + 1):
            following: list[str] = []
            for node in frontier:
                for other, _, record in links(node):
                    flows.append(view.flow(record))
                    if other not in distance:
                        distance[other] = step
                        following.append(other)
            frontier = following
    reached = sorted((d, a) for a, d in distance.items() if d > 0)
    answer = Neighbourhood(
        application_id=application_id,
        direction="dependencies" if upstream else "dependents",
        depth=depth,
        applications=tuple(
            Reached(application_id=a, name=g.applications[a].name, distance=d) for d, a in reached
        ),
        integrations=tuple(flows),
    )
    view.remember(key, answer)
    return answer
