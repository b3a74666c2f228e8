"""The coverage check: no set of proposals may leave a capability without any live
application, unless the rule book allows that capability to go uncovered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.decisions import ACTIVE_STATUSES
from snoei.rationalizer.domain.drafts import RunFacts
from snoei.rationalizer.domain.rulebook import COVERAGE
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus, RuleFired

REMOVING = frozenset({Action.RETIRE, Action.CONSOLIDATE})
"""Actions that take their target out of the landscape."""


def check_coverage(proposals: Sequence[Proposal], run: RunFacts) -> list[Proposal]:
    """Block proposals until every capability keeps at least one live application: for
    each capability that would be left empty, the proposal removing its best-scoring
    realiser is blocked (that application stays)."""
    blocked = _to_keep(proposals, run)
    return [
        _block(p, blocked[p.targets[0]], run)
        if p.targets[0] in blocked and p.action in REMOVING
        else p
        for p in proposals
    ]


def _to_keep(proposals: Sequence[Proposal], run: RunFacts) -> dict[str, list[str]]:
    """The applications that must stay, with the capabilities each keeps covered."""
    allowed = set(run.config.allow_uncovered_capabilities)
    removing = {
        p.targets[0]: p for p in proposals if p.action in REMOVING and p.status in ACTIVE_STATUSES
    }
    # A survivor realises (so keeps covered) only the capabilities it already has.
    blocked: dict[str, list[str]] = {}
    concerned = sorted(
        {c for app_id in removing for c in run.landscape.applications[app_id].capabilities}
    )
    for capability in concerned:
        if capability in allowed:
            continue
        realisers = run.landscape.realisers.get(capability, set())
        staying = [r for r in realisers if r not in removing or r in blocked]
        if staying:
            continue
        keep = max(sorted(realisers), key=lambda r: _keep_score(run.assessments, r))
        blocked.setdefault(keep, []).append(capability)
    return blocked


def _keep_score(assessments: Mapping[str, Assessment], app_id: str) -> tuple[float, float]:
    assessment = assessments[app_id]
    value = assessment.application.business_value or 0
    return (float(value), assessment.effective_fitness or 0.0)


def _block(proposal: Proposal, uncovered: list[str], run: RunFacts) -> Proposal:
    target = proposal.targets[0]
    reason = (
        f"it would leave {run.capability_names(uncovered)} without any application; keep "
        f"{run.landscape.applications[target].name} or allow the capability to "
        "go uncovered"
    )
    rule = RuleFired(
        rule=COVERAGE,
        message=f"Blocked: {reason}.",
        facts={"uncovered_capabilities": ", ".join(uncovered)},
    )
    return proposal.model_copy(
        update={
            "status": ProposalStatus.BLOCKED,
            "blocked_reason": reason,
            "rules": (*proposal.rules, rule),
            "summary": f"{proposal.summary} Blocked: {reason}.",
        }
    )
