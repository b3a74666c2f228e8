"""Functional overlap: owned applications whose capability sets are similar (Jaccard) and
share specific enough capabilities (``evidence``), and are not each other's specialisation
or part, form consolidation clusters; each cluster keeps one documented survivor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.evidence import Evidence, Structure, pair_evidence, specificity
from snoei.rationalizer.domain.landscape import Changes, Landscape
from snoei.rationalizer.domain.overlapinputs import OverlapInputs
from snoei.rationalizer.domain.rulebook import FUNCTIONAL_OVERLAP, STRUCTURE, RulesConfig
from snoei.shared.contracts.proposals import RuleFired


@dataclass(frozen=True, slots=True)
class Cluster:
    members: tuple[str, ...]  # sorted application ids
    survivor: str
    scores: Mapping[str, float]  # survivor score per member
    similarity: Mapping[tuple[str, str], float]  # Jaccard of overlapping pairs (a < b)
    evidence: Mapping[tuple[str, str], Evidence]  # overlap evidence of those pairs

    def similarity_to_survivor(self, member: str) -> float:
        a, b = sorted((member, self.survivor))
        return self.similarity.get((a, b), 0.0)

    def evidence_to_survivor(self, member: str) -> Evidence:
        a, b = sorted((member, self.survivor))
        return self.evidence[(a, b)]


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
    # Unknown costs are not zero: with any member's costs unknown the cost term cannot
    # compare them, so it is neutral (0.5) for every member and the proposal names the costs.
    costs = [landscape.applications[m].yearly_cost for m in members]
    known_costs = [c for c in costs if c is not None] if None not in costs else []
    highest_cost = max(known_costs, default=0.0)
    scores = {}
    for member in members:
        assessment = assessments[member]
        app = assessment.application
        fitness = assessment.effective_fitness if assessment.effective_fitness is not None else 3.0
        value = app.business_value if app.business_value is not None else 3.0
        cost = app.yearly_cost
        if not known_costs or cost is None:
            cost_term = 0.5
        else:
            cost_term = 1.0 - cost / highest_cost if highest_cost > 0 else 1.0
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
    """Candidates (active, owned applications, not infrastructure) linked by overlap: Jaccard
    >= the threshold, evidence >= the minimum, and no structure between them. ``key`` is
    everything they were worked out from: a run with the same key re-uses them."""

    key: OverlapInputs
    pairs: Mapping[tuple[str, str], float]
    evidence: Mapping[tuple[str, str], Evidence]
    groups: tuple[tuple[str, ...], ...]  # sorted members, groups in order of their root
    neighbours: Mapping[str, frozenset[str]]
    notes: tuple[RuleFired, ...]  # overlaps set aside: structure, or weak evidence
    # the notes naming each application, in the order of ``notes``
    notes_by_application: Mapping[str, tuple[RuleFired, ...]]

    def notes_about(self, app_id: str) -> list[RuleFired]:
        return list(self.notes_by_application.get(app_id, ()))


def _notes_by_application(notes: list[RuleFired]) -> dict[str, tuple[RuleFired, ...]]:
    """An index of the notes by the applications they name: a scan of every note for
    every member of every cluster took half of a run at 10k applications."""
    found: dict[str, list[RuleFired]] = defaultdict(list)
    for note in notes:
        for app_id in dict.fromkeys(str(note.facts.get("applications", "")).split(", ")):
            found[app_id].append(note)
    return {app_id: tuple(named) for app_id, named in found.items()}


def overlap_groups(
    landscape: Landscape,
    config: RulesConfig,
    previous: OverlapGroups | None = None,
    changes: Changes | None = None,
) -> OverlapGroups:
    """The overlap groups, or ``previous`` when they were worked out from the same inputs;
    ``changes`` (since the landscape of ``previous``) tells that quickly."""
    if previous is not None and changes is not None and previous.key.still(
        landscape, config, changes
    ):
        return previous
    key = OverlapInputs.of(landscape, config)
    if previous is not None and previous.key == key:
        return previous
    capability_sets = key.capability_sets
    pairs, evidence, notes = _weighed_pairs(landscape, config, capability_sets)
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
        key,
        pairs,
        evidence,
        tuple(tuple(sorted(found)) for _, found in sorted(groups.items())),
        {app_id: frozenset(linked) for app_id, linked in neighbours.items()},
        tuple(notes),
        _notes_by_application(notes),
    )


def _weighed_pairs(
    landscape: Landscape, config: RulesConfig, capability_sets: Mapping[str, frozenset[str]]
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], Evidence], list[RuleFired]]:
    """The similar pairs that stand as duplicates, their evidence, and a note for each
    similar pair set aside (structure between them, or too little evidence)."""
    realisers: dict[str, int] = defaultdict(int)
    for caps in capability_sets.values():
        for capability in caps:
            realisers[capability] += 1
    specific = specificity(landscape.capabilities)
    structure = Structure(landscape.applications)
    kept: dict[tuple[str, str], float] = {}
    evidence: dict[tuple[str, str], Evidence] = {}
    notes: list[RuleFired] = []
    for (a, b), jaccard in sorted(
        overlapping_pairs(capability_sets, config.overlap_threshold).items()
    ):
        shared = sorted(capability_sets[a] & capability_sets[b])
        weighed = pair_evidence(shared, realisers, specific)
        relation = structure.relation(a, b)
        if relation is None and weighed.score >= config.overlap_min_evidence:
            kept[(a, b)] = jaccard
            evidence[(a, b)] = weighed
        else:
            notes.append(_set_aside(landscape, config, (a, b), weighed, relation))
    return kept, evidence, notes


def _set_aside(
    landscape: Landscape,
    config: RulesConfig,
    pair: tuple[str, str],
    evidence: Evidence,
    relation: str | None,
) -> RuleFired:
    a, b = (landscape.applications[x] for x in pair)
    facts: dict[str, str | float | int | bool | None] = {
        "applications": f"{a.id}, {b.id}",
        "shared_capabilities": ", ".join(c for c, _ in evidence.weights),
        "overlap_evidence": evidence.score,
        "evidence_per_capability": evidence.explained(landscape),
    }
    shared = ", ".join(landscape.capability_name(c) for c, _ in evidence.weights)
    if relation is not None:
        return RuleFired(
            rule=STRUCTURE,
            message=f"{a.name} and {b.name} both realise {shared} but are not duplicates: "
            f"{relation}.",
            facts={**facts, "relation": relation},
        )
    return RuleFired(
        rule=FUNCTIONAL_OVERLAP,
        message=f"{a.name} and {b.name} share only {shared}, too general to call them "
        f"duplicates (overlap evidence {evidence.score:g} < {config.overlap_min_evidence:g}).",
        facts={**facts, "overlap_min_evidence": config.overlap_min_evidence},
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
    return [
        cluster
        for members in overlap.groups
        for cluster in group_clusters(members, landscape, assessments, config, overlap)
    ]


def group_clusters(
    members: tuple[str, ...],
    landscape: Landscape,
    assessments: Mapping[str, Assessment],
    config: RulesConfig,
    overlap: OverlapGroups,
) -> list[Cluster]:
    """The clusters of one overlap group. They read the group's pairs in ``overlap``, the
    members' assessments (and so their records), their integrations and the survivor
    weights, nothing else."""
    pairs = overlap.pairs
    clusters = []
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
        linked = [(min(candidate, m), max(candidate, m)) for m in absorbed]
        clusters.append(
            Cluster(
                members=cluster_members,
                survivor=candidate,
                scores={m: scores[m] for m in cluster_members},
                similarity={pair: pairs[pair] for pair in linked},
                evidence={pair: overlap.evidence[pair] for pair in linked},
            )
        )
    return clusters
