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
question still walks breadth-first over the part it reaches. That walk is kept to what the
answer needs (issue 16: at 10k / 50k a removal can reach a thousand applications, and the
blast radius p95 must stay within 5x that of ``GET /health``): per application one entry
per consumer carrying the weight the step would give it, each distance's weights rounded
once, only the distances listed ordered, and a listed application's lost flows found from
the smaller of its suppliers and the step before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from pydantic import TypeAdapter

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
# do not count towards the batches' periodic rescan (a full collection of the whole heap,
# 0.2-0.6 s at 10k/50k): hundreds of questions would make it that much more frequent.
QUERY_HEAP = LongLivedHeap(rescan_every=1_000_000)
Link = tuple[str, int, IntegrationRecord]  # other application, flow weight, the integration
Adjacency = dict[str, dict[str, dict[str, dict[str, object]]]]
# Criticality weight of an application x that of a flow: 1..16, an index into a distance's
# rounded weights.
PRODUCTS = max(CRITICALITY_WEIGHT.values()) ** 2 + 1
BY_ID = attrgetter("id")
IMPACT_JSON = TypeAdapter(Impact)  # how FastAPI serialises a response_model (dump_json)


def _record(attributes: Mapping[str, object]) -> IntegrationRecord:
    record = attributes["record"]
    assert isinstance(record, IntegrationRecord)
    return record


def _links(adjacency: Adjacency) -> list[Link]:
    """One application's flows from networkx's own adjacency dicts, in the order out_edges /
    in_edges give them; read directly they are several times faster than the edge views."""
    found: list[Link] = []
    for other, keyed in adjacency.items():
        for attributes in keyed.values():
            record = _record(attributes)
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
    known_reach: dict[str, dict[str, int]] = field(default_factory=dict)  # filled by reach
    _losses: dict[str, dict[str, list[IntegrationRecord]]] = field(default_factory=dict)
    answers: OrderedDict[object, object] = field(default_factory=OrderedDict)
    bodies: dict[object, bytes] = field(default_factory=dict)  # answers serialised, same keys
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

    def reach(self, application_id: str) -> dict[str, int]:
        """Whom it supplies, in networkx's order, each with the product of its own
        criticality weight and that of its strongest flow from here: all a blast radius
        needs of a step, with parallel flows folded into one entry."""
        found = self.known_reach.get(application_id)
        if found is None:
            found = self.known_reach[application_id] = {}
            for consumer, keyed in self.g.graph._succ[application_id].items():
                strongest = max(
                    (CRITICALITY_WEIGHT[_record(a).criticality] for a in keyed.values()),
                    default=0,
                )
                weight = CRITICALITY_WEIGHT[self.g.applications[consumer].criticality]
                found[consumer] = weight * strongest
        return found

    def losses(self, application_id: str) -> dict[str, list[IntegrationRecord]]:
        """Its suppliers, each with its integrations to it: what it loses in a blast radius
        is what comes from the suppliers one step nearer."""
        found = self._losses.get(application_id)
        if found is None:
            found = self._losses[application_id] = {
                supplier: [_record(a) for a in keyed.values()]
                for supplier, keyed in self.g.graph._pred[application_id].items()
            }
        return found

    def flow(self, record: IntegrationRecord) -> Flow:
        made = self.flows.get(record.id)
        if made is None:
            made = self.flows[record.id] = Flow.of(record)
        return made

    def remember(self, key: object, answer: object) -> None:
        self.answers[key] = answer
        if len(self.answers) > ANSWERS_KEPT:
            forgotten, _ = self.answers.popitem(last=False)
            self.bodies.pop(forgotten, None)


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


def impact_json(g: LandscapeGraph, removed: Iterable[str], *, limit: int | None = None) -> bytes:
    """``impact`` as the HTTP body, serialised once per question and version: the route
    sends these bytes as they are instead of having FastAPI validate and serialise the
    model again on every request. They are the bytes FastAPI writes for the model
    (``tests/unit/test_dependency_impact_http.py`` compares them)."""
    gone = frozenset(removed)
    answer = impact(g, gone, limit=limit)  # remembered (again) as the newest answer
    view = reachability(g)
    key = ("impact", gone, limit)
    body = view.bodies.get(key)
    if body is None:
        body = view.bodies[key] = IMPACT_JSON.dump_json(answer, by_alias=True)
    return body


def _impact(view: Reachability, gone: frozenset[str], limit: int | None) -> Impact:
    levels = _levels(view, gone)
    # round(weight / distance, 6) for every weight a distance can hold: a few values per
    # distance instead of one division and rounding per impacted application.
    scales = [[round(p / d, 6) for p in range(PRODUCTS)] for d in range(1, len(levels) + 1)]
    reached = sum(len(level) for level in levels)
    shown = _nearest(levels, scales, limit)
    impacted = [
        _impacted(view, a, d, w, gone if d == 1 else levels[d - 2]) for a, d, w in shown
    ]
    direct_count = len(levels[0]) if levels else 0
    # Summed in the order of discovery, as the fresh traversal sums them.
    radius = sum(
        scale[p] for level, scale in zip(levels, scales, strict=True) for p in level.values()
    )
    return Impact(
        removed=tuple(sorted(gone)),
        direct=tuple(i for i in impacted if i.distance == 1),
        transitive=tuple(i for i in impacted if i.distance > 1),
        direct_count=direct_count,
        transitive_count=reached - direct_count,
        listed=reached if limit is None else limit,
        truncated=len(shown) < reached,
        integrations_to_rewire=tuple(view.flow(r) for r in view.g.crossing(gone)),
        blast_radius=round(radius, 6),
    )


def _levels(view: Reachability, gone: frozenset[str]) -> list[dict[str, int]]:
    """Breadth-first from the removed applications: for each distance (index + 1) the
    applications first reached there, in order of discovery, each with the weight product
    (``Reachability.reach``) of the strongest flow it loses at that distance."""
    seen = set(gone)
    levels: list[dict[str, int]] = []
    frontier: Iterable[str] = sorted(gone)
    known = view.known_reach.get  # the method call only for an application not yet asked
    while True:
        level: dict[str, int] = {}
        strongest = level.get
        for node in frontier:
            reach = known(node)
            if reach is None:
                reach = view.reach(node)
            for consumer, product in reach.items():
                if consumer not in seen and strongest(consumer, 0) < product:
                    level[consumer] = product
        if not level:
            return levels
        seen.update(level)
        levels.append(level)
        frontier = level


def _nearest(
    levels: list[dict[str, int]], scales: list[list[float]], limit: int | None
) -> list[tuple[str, int, float]]:
    """(application, distance, weight) of the first ``limit`` impacted applications: nearest
    first, then heaviest, then by id. Only the distances shown are ordered, each by a few
    weight buckets rather than a sort of every impacted application."""
    shown: list[tuple[str, int, float]] = []
    for d, (level, scale) in enumerate(zip(levels, scales, strict=True), start=1):
        by_weight: dict[float, list[str]] = {}
        for application_id, product in level.items():
            by_weight.setdefault(scale[product], []).append(application_id)
        for weight in sorted(by_weight, reverse=True):
            for application_id in sorted(by_weight[weight]):
                if limit is not None and len(shown) >= limit:
                    return shown
                shown.append((application_id, d, weight))
    return shown


def _impacted(
    view: Reachability, application_id: str, distance: int, weight: float,
    nearer: Collection[str],
) -> ImpactedApplication:
    """One listed application: the flows it loses come from the applications one step
    nearer (``nearer``: the removed ones at distance 1). A hub has thousands of suppliers
    and a step may hold thousands of applications: the smaller side is searched."""
    losses = view.losses(application_id)
    if len(losses) <= len(nearer):
        via = [supplier for supplier in losses if supplier in nearer]
    else:
        via = [supplier for supplier in nearer if supplier in losses]
    via.sort()
    lost = sorted((record for supplier in via for record in losses[supplier]), key=BY_ID)
    app = view.g.applications[application_id]
    return ImpactedApplication(
        application_id=app.id,
        name=app.name,
        criticality=app.criticality,
        distance=distance,
        via=tuple(via),
        lost_flows=tuple(view.flow(record) for record in lost),
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
