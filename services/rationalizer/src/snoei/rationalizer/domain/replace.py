"""Replace: a valuable application on end-of-life technology moves onto a healthy
application that does the same work, or upgrades when none does."""

from __future__ import annotations

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.drafts import Draft, RunFacts, quadrant_rule
from snoei.rationalizer.domain.rulebook import REPLACE, TECHNOLOGY_LIFECYCLE
from snoei.rationalizer.domain.technology import ReleaseCycle, TechnologyRisk, milestone_text
from snoei.shared.contracts.landscape import ApplicationRecord, Criticality, Lifecycle
from snoei.shared.contracts.proposals import Action, RuleFired


def draft_replacement(assessment: Assessment, run: RunFacts) -> Draft | None:
    """The proposal to replace the assessed application, or None when it is not worth
    replacing or its technology is not risky (or not known) enough."""
    app = assessment.application
    worst = assessment.worst_technology
    if app.lifecycle != Lifecycle.ACTIVE or worst is None:
        return None
    config = run.config
    valuable = (
        app.business_value is not None and app.business_value >= config.replace_min_value
    ) or app.criticality == Criticality.CRITICAL
    if not valuable or worst.risk < config.replace_min_risk or not worst.known:
        return None
    candidates = replacement_candidates(app, run)
    successor = run.catalogue.supported_successor(
        next(t for t in app.technologies if t.product == worst.product), run.today
    )
    rules = _evidence(app, worst, candidates, successor, run)
    if assessment.quadrant is not None:
        rules.append(quadrant_rule(assessment, run))
    every = sorted(
        {i.id for i in (*run.landscape.outgoing(app.id), *run.landscape.incoming(app.id))}
    )
    reasons = [f"it runs on {worst.label} ({worst.state})"]
    if successor is not None:
        reasons.append(f"an upgrade to {successor.product} {successor.cycle} is supported")
    return Draft(
        action=Action.REPLACE,
        target=app,
        rules=rules,
        # Moving onto an application the organisation already runs saves its cost;
        # a like-for-like upgrade saves nothing but removes the risk.
        saving=(app.yearly_cost or 0.0) if candidates else 0.0,
        rewire=every if candidates else [],
        blast=run.blasts.of(app.id, 1),
        candidates=candidates,
        reasons=reasons,
        basis={"technology": [worst.label, milestone_text(worst.end_of_life)]},
    )


def _evidence(
    app: ApplicationRecord,
    worst: TechnologyRisk,
    candidates: tuple[str, ...],
    successor: ReleaseCycle | None,
    run: RunFacts,
) -> list[RuleFired]:
    """The technology that makes the application risky, and why it is worth replacing."""
    config = run.config
    return [
        RuleFired(
            rule=TECHNOLOGY_LIFECYCLE,
            message=f"{app.name} runs on {worst.label}, which is {worst.state}.",
            facts={
                "technology": worst.label,
                "end_of_support": milestone_text(worst.end_of_support),
                "end_of_life": milestone_text(worst.end_of_life),
                "lifecycle_risk": worst.risk,
                "replace_min_risk": config.replace_min_risk,
            },
        ),
        RuleFired(
            rule=REPLACE,
            message=(
                f"{app.name} is worth keeping (value {app.business_value}, "
                f"{app.criticality.value}), so replace rather than retire."
            ),
            facts={
                "business_value": app.business_value,
                "criticality": app.criticality.value,
                "replace_min_value": config.replace_min_value,
                "candidates": ", ".join(candidates),
                "supported_release": (
                    f"{successor.product} {successor.cycle}" if successor else None
                ),
            },
        ),
    ]


def replacement_candidates(app: ApplicationRecord, run: RunFacts) -> tuple[str, ...]:
    """Healthy live applications realising the same capabilities, most similar first."""
    mine = set(app.capabilities)
    scored: list[tuple[float, float, str]] = []
    seen: set[str] = set()
    for capability in mine:
        for other in run.landscape.realisers.get(capability, ()):
            if other == app.id or other in seen:
                continue
            seen.add(other)
            theirs = run.assessments[other]
            if theirs.application.lifecycle != Lifecycle.ACTIVE:
                continue
            if theirs.lifecycle_risk >= run.config.replace_min_risk:
                continue
            caps = set(theirs.application.capabilities)
            jaccard = len(mine & caps) / len(mine | caps)
            fitness = theirs.effective_fitness or 0.0
            scored.append((-jaccard, -fitness, other))
    return tuple(o for _, _, o in sorted(scored)[: run.config.max_replacement_candidates])
