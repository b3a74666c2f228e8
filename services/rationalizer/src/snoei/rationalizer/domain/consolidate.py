"""Consolidate: each non-surviving member of an overlap cluster moves onto the survivor."""

from __future__ import annotations

from snoei.rationalizer.domain.drafts import Draft, Missing, RunFacts, unknown_costs
from snoei.rationalizer.domain.overlap import Cluster, integrations_to_rewire
from snoei.rationalizer.domain.rulebook import FUNCTIONAL_OVERLAP
from snoei.shared.contracts.landscape import facts_as_in_v1
from snoei.shared.contracts.proposals import Action, RuleFired

BACKSTAGE_SYSTEM = "backstage.system"


def draft_consolidation(member: str, cluster: Cluster, run: RunFacts) -> Draft:
    """The proposal to fold ``member`` into ``cluster``'s survivor."""
    app = run.landscape.applications[member]
    survivor = run.landscape.applications[cluster.survivor]
    shared = sorted(set(app.capabilities) & set(survivor.capabilities))
    rewire = integrations_to_rewire(run.landscape, [member], cluster.survivor)
    blast = run.blasts.of(member, run.config.blast_radius_depth)
    evidence = cluster.evidence_to_survivor(member)
    # Backstage's system is context, never a capability: shown, not counted as overlap
    system = app.attributes.get(BACKSTAGE_SYSTEM)
    same_system = system if system and system == survivor.attributes.get(BACKSTAGE_SYSTEM) else None
    rule = RuleFired(
        rule=FUNCTIONAL_OVERLAP,
        message=(
            f"{app.name} and {survivor.name} both realise "
            f"{run.capability_names(shared) or 'related capabilities'} "
            f"(overlap evidence {evidence.score:g}, at least "
            f"{run.config.overlap_min_evidence:g} needed); "
            f"{survivor.name} survives with the higher survivor score."
        ),
        facts={
            "cluster": ", ".join(cluster.members),
            "survivor": survivor.id,
            "jaccard_with_survivor": cluster.similarity_to_survivor(member),
            "shared_capabilities": ", ".join(shared),
            "overlap_evidence": evidence.score,
            "overlap_min_evidence": run.config.overlap_min_evidence,
            "evidence_per_capability": evidence.explained(run.landscape),
            "survivor_score": cluster.scores[survivor.id],
            "own_score": cluster.scores[member],
            "integrations_to_rewire": len(rewire),
            "same_backstage_system": same_system,
            "consumers_to_rewire_to_survivor": len(
                {f.consumer for f in blast.flows if f.depth == 1} - {survivor.id}
            ),
        },
    )
    missing = _missing(app.id, cluster, run)
    return Draft(
        action=Action.CONSOLIDATE,
        target=app,
        rules=[rule],
        saving=app.yearly_cost,
        rewire=rewire,
        blast=blast,
        survivor=survivor.id,
        reasons=[f"it duplicates {survivor.name}"],
        missing=missing,
        basis={"survivor": facts_as_in_v1(survivor, exclude=set()), "cluster": cluster.members},
    )


def _missing(member: str, cluster: Cluster, run: RunFacts) -> list[Missing]:
    """The member's costs settle the saving; the other members' costs and every member's
    survey scores decide who survives (unknown ones count as neutral until given)."""
    apps = [run.landscape.applications[m] for m in cluster.members]
    found = []
    if run.landscape.applications[member].costs is None:
        found.append(
            Missing("annual costs", (member,), "compute the saving", unknown_economics=True)
        )
    others = unknown_costs(*(a for a in apps if a.id != member))
    if others:
        found.append(
            Missing("annual costs", others, "compare running costs in choosing the survivor")
        )
    unscored = tuple(a.id for a in apps if a.business_value is None or a.technical_fitness is None)
    if unscored:
        found.append(
            Missing(
                "business value and technical fitness",
                unscored,
                "compare them in choosing the survivor",
            )
        )
    return found
