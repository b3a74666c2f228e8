"""Retire: an application in phase-out, in the Eliminate quadrant, or (nearly) unused."""

from __future__ import annotations

from snoei.rationalizer.domain.assessment import Assessment, Quadrant
from snoei.rationalizer.domain.drafts import Draft, RunFacts, quadrant_rule
from snoei.rationalizer.domain.rulebook import RETIRE
from snoei.shared.contracts.landscape import Lifecycle
from snoei.shared.contracts.proposals import Action, RuleFired


def draft_retirement(assessment: Assessment, run: RunFacts) -> Draft | None:
    """The proposal to retire the assessed application, or None when no retire rule fires."""
    app = assessment.application
    if app.lifecycle not in (Lifecycle.ACTIVE, Lifecycle.PHASE_OUT):
        return None
    rules: list[RuleFired] = []
    reasons: list[str] = []
    if app.lifecycle == Lifecycle.PHASE_OUT:
        rules.append(
            RuleFired(
                rule=RETIRE,
                message=f"{app.name} is in phase-out.",
                facts={"lifecycle": app.lifecycle.value},
            )
        )
        reasons.append("it is being phased out")
    if assessment.quadrant == Quadrant.ELIMINATE:
        rules.append(quadrant_rule(assessment, run))
        reasons.append("it has low business value and low technical fitness")
    unused_max = run.config.unused_max_users
    if app.users is not None and app.users <= unused_max:
        rules.append(
            RuleFired(
                rule=RETIRE,
                message=f"{app.name} is unused ({app.users} users).",
                facts={"users": app.users, "unused_max_users": unused_max},
            )
        )
        reasons.append(f"it has {app.users} users")
    if not rules:
        return None
    outgoing = [i.id for i in run.landscape.outgoing(app.id)]
    return Draft(
        action=Action.RETIRE,
        target=app,
        rules=rules,
        saving=(app.yearly_cost or 0.0),
        rewire=sorted(outgoing),
        blast=run.blasts.of(app.id, run.config.blast_radius_depth),
        reasons=reasons,
    )
