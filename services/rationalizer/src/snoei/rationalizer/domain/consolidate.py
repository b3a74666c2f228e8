"""Consolidate: each non-surviving member of an overlap cluster moves onto the survivor."""

from __future__ import annotations

from snoei.rationalizer.domain.drafts import Draft, RunFacts
from snoei.rationalizer.domain.overlap import Cluster, integrations_to_rewire
from snoei.rationalizer.domain.rulebook import FUNCTIONAL_OVERLAP
from snoei.shared.contracts.landscape import facts_as_in_v1
from snoei.shared.contracts.proposals import Action, RuleFired


def draft_consolidation(member: str, cluster: Cluster, run: RunFacts) -> Draft:
    """The proposal to fold ``member`` into ``cluster``'s survivor."""
    app = run.landscape.applications[member]
    survivor = run.landscape.applications[cluster.survivor]
    shared = sorted(set(app.capabilities) & set(survivor.capabilities))
    rewire = integrations_to_rewire(run.landscape, [member], cluster.survivor)
    blast = run.blasts.of(member, run.config.blast_radius_depth)
    rule = RuleFired(
        rule=FUNCTIONAL_OVERLAP,
        message=(
            f"{app.name} and {survivor.name} both realise "
            f"{run.capability_names(shared) or 'related capabilities'}; "
            f"{survivor.name} survives with the higher survivor score."
        ),
        facts={
            "cluster": ", ".join(cluster.members),
            "survivor": survivor.id,
            "jaccard_with_survivor": cluster.similarity_to_survivor(member),
            "shared_capabilities": ", ".join(shared),
            "survivor_score": cluster.scores[survivor.id],
            "own_score": cluster.scores[member],
            "integrations_to_rewire": len(rewire),
        },
    )
    return Draft(
        action=Action.CONSOLIDATE,
        target=app,
        rules=[rule],
        saving=(app.yearly_cost or 0.0),
        rewire=rewire,
        blast=blast,
        survivor=survivor.id,
        reasons=[f"it duplicates {survivor.name}"],
        basis={"survivor": facts_as_in_v1(survivor, exclude=set()), "cluster": cluster.members},
    )
