"""Functional overlap: applications whose capability sets are similar (Jaccard) form
consolidation clusters, and each cluster keeps one documented survivor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.landscape import Lifecycle


@dataclass(frozen=True, slots=True)
class Cluster:
    members: tuple[str, ...]  # sorted application ids
    survivor: str
    scores: Mapping[str, float]  # survivor score per member
    similarity: Mapping[tuple[str, str], float]  # Jaccard of overlapping pairs (a < b)

    def similarity_to_survivor(self, member: str) -> float:
        a, b = sorted((member, self.survivor))
        return self.similarity.get((a, b), 0.0)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def overlapping_pairs(
    capability_sets: Mapping[str, frozenset[str]], threshold: float
) -> dict[tuple[str, str], float]:
    """Pairs with Jaccard >= ``threshold``, counted through a capability -> apps index.

    Applications with the very same capability set are grouped first, so work grows with
    the number of distinct sets sharing a capability, not with all application pairs.
    """
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for app_id, caps in capability_sets.items():
        if caps:
            groups[caps].append(app_id)
    keys = list(groups)
    index: dict[str, list[int]] = defaultdict(list)
    for number, caps in enumerate(keys):
        for capability in caps:
            index[capability].append(number)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in index.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                shared[(a, b)] += 1
    pairs: dict[tuple[str, str], float] = {}

    def add_all(apps: list[str], jaccard: float) -> None:
        # the apps of one group (or two groups) all overlap each other
        ordered = sorted(apps)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] = jaccard

    for apps in groups.values():
        if len(apps) > 1:
            add_all(apps, 1.0)
    for (a, b), inter in shared.items():
        union = len(keys[a]) + len(keys[b]) - inter
        jaccard = round(inter / union, 4)
        if jaccard >= threshold:
            for x in groups[keys[a]]:
                for y in groups[keys[b]]:
                    pairs[(min(x, y), max(x, y))] = jaccard
    return pairs


def survivor_scores(
    members: tuple[str, ...],
    landscape: Landscape,
    assessments: Mapping[str, Assessment],
    config: RulesConfig,
) -> dict[str, float]:
    """The documented survivor rule (see ``SurvivorWeights``); unknown scores count as 3.

    If ``s`` survives, every integration between another member and an application
    outside the group must be rewired to ``s``; integrations within the group vanish.
    So ``rewire(s) = external integrations of the group - external integrations of s``.
    """
    weights = config.survivor_weights
    inside = set(members)
    external: dict[str, int] = {}
    for member in members:
        count = 0
        for integration in landscape.outgoing(member):
            count += integration.target not in inside
        for integration in landscape.incoming(member):
            count += integration.source not in inside
        external[member] = count
    total_external = sum(external.values())
    highest_cost = max((landscape.applications[m].yearly_cost or 0.0) for m in members)
    scores = {}
    for member in members:
        assessment = assessments[member]
        app = assessment.application
        fitness = assessment.effective_fitness if assessment.effective_fitness is not None else 3.0
        value = app.business_value if app.business_value is not None else 3.0
        cost_term = 1.0 - (app.yearly_cost or 0.0) / highest_cost if highest_cost > 0 else 1.0
        rewire = total_external - external[member]
        dependents_term = 1.0 - rewire / total_external if total_external else 1.0
        scores[member] = round(
            weights.fitness * (fitness - 1) / 4
            + weights.value * (value - 1) / 4
            + weights.cost * cost_term
            + weights.dependents * dependents_term,
            4,
        )
    return scores


def integrations_to_rewire(landscape: Landscape, leaving: list[str], survivor: str) -> list[str]:
    """Integrations of the leaving applications with anyone but the survivor or each other."""
    gone = set(leaving)
    found = {
        i.id
        for app_id in leaving
        for i in (*landscape.outgoing(app_id), *landscape.incoming(app_id))
        if not ({i.source, i.target} <= gone | {survivor})
    }
    return sorted(found)


@dataclass(frozen=True, slots=True)
class OverlapGroups:
    """Active applications linked by overlap >= the threshold, from their capability sets
    alone: a run whose sets and threshold are those of the last run re-uses them."""

    capability_sets: Mapping[str, frozenset[str]]
    threshold: float
    pairs: Mapping[tuple[str, str], float]
    groups: tuple[tuple[str, ...], ...]  # sorted members, groups in order of their root
    neighbours: Mapping[str, frozenset[str]]


def overlap_groups(
    landscape: Landscape, config: RulesConfig, previous: OverlapGroups | None = None
) -> OverlapGroups:
    capability_sets = {
        app.id: frozenset(app.capabilities)
        for app in landscape.applications.values()
        if app.lifecycle == Lifecycle.ACTIVE
    }
    threshold = config.overlap_threshold
    if (
        previous is not None
        and previous.threshold == threshold
        and previous.capability_sets == capability_sets
    ):
        return previous
    pairs = overlapping_pairs(capability_sets, threshold)
    union = _UnionFind()
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        union.union(a, b)
        neighbours[a].add(b)
        neighbours[b].add(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for app_id in union.parent:
        groups[union.find(app_id)].append(app_id)
    return OverlapGroups(
        capability_sets,
        threshold,
        pairs,
        tuple(tuple(sorted(found)) for _, found in sorted(groups.items())),
        {app_id: frozenset(linked) for app_id, linked in neighbours.items()},
    )


def consolidation_clusters(
    landscape: Landscape,
    assessments: Mapping[str, Assessment],
    config: RulesConfig,
    overlap: OverlapGroups | None = None,
) -> list[Cluster]:
    """Consolidation clusters of active applications.

    Applications linked by overlap >= the threshold form a group; within it the best
    survivor score takes over every application that overlaps with it directly, and the
    rest of the group is clustered the same way. So nothing is consolidated into an
    application it does not itself overlap with (no chaining A~B~C into A). ``overlap``:
    the groups of this landscape, when already known.
    """
    if overlap is None:
        overlap = overlap_groups(landscape, config)
    pairs = overlap.pairs
    clusters = []
    for members in overlap.groups:
        scores = survivor_scores(members, landscape, assessments, config)
        taken: set[str] = set()
        for candidate in sorted(members, key=lambda m: (-scores[m], m)):
            if candidate in taken:
                continue
            taken.add(candidate)
            absorbed = sorted(overlap.neighbours[candidate] - taken)
            if not absorbed:
                continue
            taken.update(absorbed)
            cluster_members = tuple(sorted([candidate, *absorbed]))
            clusters.append(
                Cluster(
                    members=cluster_members,
                    survivor=candidate,
                    scores={m: scores[m] for m in cluster_members},
                    similarity={
                        (min(candidate, m), max(candidate, m)): pairs[
                            (min(candidate, m), max(candidate, m))
                        ]
                        for m in absorbed
                    },
                )
            )
    return clusters
