"""The coverage check: no set of proposals may leave a capability without any live
application, unless the rule book allows that capability to go uncovered."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.decisions import ACTIVE_STATUSES
from snoei.rationalizer.domain.drafts import RunFacts
from snoei.rationalizer.domain.rulebook import COVERAGE
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus, RuleFired

REMOVING = frozenset({Action.RETIRE, Action.CONSOLIDATE})
"""Actions that take their target out of the landscape."""


@dataclass(frozen=True, slots=True)
class Blocked:
    """A proposal as blocked, with what blocking read: the proposal as it came, the
    capabilities it would leave uncovered, their names and the target's name."""

    proposal: Proposal
    read: tuple[tuple[str, ...], str, str]
    blocked: Proposal


@dataclass(frozen=True, slots=True)
class Coverage:
    """One run's coverage check with everything it read: the applications that go, the
    capabilities allowed to go uncovered, the realisers (by identity), the capabilities of
    the applications that go and the keep scores it compared; and the proposals it blocked,
    by id, with the proposal each was blocked from."""

    removing: frozenset[str]
    allowed: frozenset[str]
    realisers: Mapping[str, set[str]]
    capabilities: Mapping[str, tuple[str, ...]]
    scores: Mapping[str, tuple[float, float]]
    blocked: Mapping[str, list[str]]  # the applications that stay, with what they keep covered
    copies: Mapping[str, Blocked]  # by proposal id

    def holds(
        self, removing: frozenset[str], run: RunFacts, reassessed: Collection[str]
    ) -> bool:
        """Whether checking again would read the same: the same applications go, and none
        re-assessed since has other capabilities or another keep score than it read."""
        apps = run.landscape.applications
        return (
            self.realisers is run.landscape.realisers
            and self.allowed == frozenset(run.config.allow_uncovered_capabilities)
            and self.removing == removing
            and all(
                (a not in self.capabilities or self.capabilities[a] == tuple(apps[a].capabilities))
                and (a not in self.scores or self.scores[a] == _keep_score(run.assessments, a))
                for a in reassessed
            )
        )


def check_coverage(proposals: Sequence[Proposal], run: RunFacts) -> list[Proposal]:
    """Block proposals until every capability keeps at least one live application: for
    each capability that would be left empty, the proposal removing its best-scoring
    realiser is blocked (that application stays)."""
    return checked_coverage(proposals, run)[0]


def checked_coverage(
    proposals: Sequence[Proposal],
    run: RunFacts,
    before: Coverage | None = None,
    reassessed: Collection[str] | None = None,
) -> tuple[list[Proposal], Coverage]:
    """``check_coverage`` with what it read; ``before`` (the previous run's, ``reassessed``
    the applications whose assessment is not that run's) is re-used when that is the same,
    and so are the proposals it blocked when blocked from the very same proposal."""
    removing = frozenset(
        p.targets[0] for p in proposals if p.action in REMOVING and p.status in ACTIVE_STATUSES
    )
    if before is not None and reassessed is not None and before.holds(removing, run, reassessed):
        coverage = before
    else:
        coverage = _check(removing, run)
    known = before.copies if before is not None else {}
    copies: dict[str, Blocked] = {}
    checked = []
    for p in proposals:
        if p.targets[0] in coverage.blocked and p.action in REMOVING:
            uncovered = coverage.blocked[p.targets[0]]
            read = (
                tuple(uncovered),
                run.capability_names(uncovered),
                run.landscape.applications[p.targets[0]].name,
            )
            found = known.get(p.id)
            if found is None or found.proposal is not p or found.read != read:
                found = Blocked(p, read, _block(p, uncovered, run))
            copies[p.id] = found
            p = found.blocked
        checked.append(p)
    return checked, _with_copies(coverage, copies)


def _with_copies(coverage: Coverage, copies: Mapping[str, Blocked]) -> Coverage:
    return Coverage(
        coverage.removing,
        coverage.allowed,
        coverage.realisers,
        coverage.capabilities,
        coverage.scores,
        coverage.blocked,
        copies,
    )


def _check(removing: frozenset[str], run: RunFacts) -> Coverage:
    """The applications that must stay, with the capabilities each keeps covered."""
    allowed = frozenset(run.config.allow_uncovered_capabilities)
    apps, realisers = run.landscape.applications, run.landscape.realisers
    capabilities = {a: tuple(apps[a].capabilities) for a in removing}
    scores: dict[str, tuple[float, float]] = {}
    # A survivor realises (so keeps covered) only the capabilities it already has.
    blocked: dict[str, list[str]] = {}
    for capability in sorted({c for caps in capabilities.values() for c in caps}):
        if capability in allowed:
            continue
        realising = realisers.get(capability, set())
        staying = [r for r in realising if r not in removing or r in blocked]
        if staying:
            continue
        for r in realising:
            scores[r] = _keep_score(run.assessments, r)
        keep = max(sorted(realising), key=scores.__getitem__)
        blocked.setdefault(keep, []).append(capability)
    return Coverage(removing, allowed, realisers, capabilities, scores, blocked, {})


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
