"""Finishing a draft into a proposal: data quality, facts hash, the architects' decision,
economics and summary; the previous run's proposal is re-used when all of its inputs are
the same, which gives the same result as finishing it again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.blasts import Blast
from snoei.rationalizer.domain.decisions import Decision, decided_status
from snoei.rationalizer.domain.drafts import Draft, Missing, RunFacts
from snoei.rationalizer.domain.economics import economics
from snoei.rationalizer.domain.landscape import Changes
from snoei.rationalizer.domain.summary import summarise
from snoei.shared.contracts.landscape import ApplicationRecord, facts_as_in_v1
from snoei.shared.contracts.proposals import Action, Proposal, RuleFired


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished proposal with everything it was finished from (``Finisher`` reads
    nothing else): the same inputs give the same proposal."""

    draft: Draft  # by identity: the same draft has the same target, blast and ``drafted``
    drafted: tuple[Any, ...]  # what it reads of the draft besides target and blast
    named: tuple[str, ...]  # the applications whose names it shows
    inputs: tuple[Any, ...]  # what it reads of the run: assessment gaps, decision, names
    proposal: Proposal
    assessment: Assessment | None = None  # the one ``inputs`` were read from

    @property
    def target(self) -> ApplicationRecord:
        return self.draft.target  # compared by identity: records are immutable

    @property
    def blast(self) -> Blast:
        return self.draft.blast  # likewise


def facts_hash(draft: Draft) -> str:
    """Fingerprint of what the proposal rests on: the records and graph facts, not the
    date-dependent numbers, so a rejection holds until the landscape itself changes."""
    basis = {
        "action": draft.action.value,
        "target": facts_as_in_v1(
            draft.target, exclude={"name", "description", "attributes", "owner"}
        ),
        "survivor": draft.survivor,
        "candidates": draft.candidates,
        # Sorted: the graph lists flows in the order its integrations arrived, which differs
        # between a replica built from events and one reloaded after a restart.
        "rewire": sorted(draft.rewire),
        "flows": [
            (f.integration_id, f.consumer, f.depth)
            for f in sorted(draft.flows, key=lambda f: (f.depth, f.integration_id, f.consumer))
        ],
        "rules": sorted({r.rule for r in draft.rules}),
        **draft.basis,
    }
    text = json.dumps(basis, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class Finisher:
    """Finishes the drafts of one run; ``finished`` is what it leaves for the next run."""

    def __init__(
        self,
        run: RunFacts,
        decisions: Mapping[str, Decision],
        before: Mapping[str, Finished],
        changes: Changes | None = None,
    ) -> None:
        """``changes``: the records changed since the run that finished ``before``."""
        self.run = run
        self.decisions = decisions
        self._before = before
        self._changes = changes
        self.finished: dict[str, Finished] = {}

    def finish(self, draft: Draft) -> Proposal:
        """``finish_new``, or the previous run's proposal when its inputs are the same."""
        before = self._before.get(draft.id)
        assessment = self.run.assessments[draft.target.id]
        if (
            before is not None
            and before.draft is draft
            and before.assessment is assessment
            and self._changes is not None
            and self._changes.applications.isdisjoint(before.named)
            and before.inputs[2] == self.decisions.get(draft.id)
        ):  # every input the same without reading them again: the names did not change
            self.finished[draft.id] = before
            return before.proposal
        if before is not None and before.draft is draft:
            drafted, named = before.drafted, before.named
        else:
            drafted, named = _drafted(draft), _named(draft)
        inputs = self._inputs(draft, named)
        if (
            before is not None
            and before.target is draft.target
            and before.blast is draft.blast
            and before.drafted == drafted
            and before.inputs == inputs
        ):
            proposal = before.proposal
        else:
            proposal = self.finish_new(draft)
        self.finished[draft.id] = Finished(draft, drafted, named, inputs, proposal, assessment)
        return proposal

    def _inputs(self, draft: Draft, named: tuple[str, ...]) -> tuple[Any, ...]:
        """What ``finish_new`` reads of the run besides the draft."""
        assessment = self.run.assessments[draft.target.id]
        apps = self.run.landscape.applications
        return (
            assessment.missing,
            assessment.stale,
            self.decisions.get(draft.id),
            [apps[a].name if a in apps else None for a in named],
        )

    def finish_new(self, draft: Draft) -> Proposal:
        app = draft.target
        assessment = self.run.assessments[app.id]
        money = economics(draft, assessment, self.run.config)
        rules = list(draft.rules)
        quality = _data_quality(assessment)
        if quality is not None:
            rules.append(quality)
        hashed = facts_hash(draft)
        missing = [*draft.missing, *_assessment_gaps(assessment, draft)]
        status, outdated = decided_status(
            self.decisions.get(draft.id), hashed, needs_data=money.yearly_saving is None
        )
        if outdated is not None:
            rules.append(outdated)
        proposal = Proposal(
            id=draft.id,
            action=draft.action,
            targets=(app.id,),
            survivor=draft.survivor,
            replacement_candidates=draft.candidates,
            replacement_products=draft.products,
            capabilities=tuple(sorted(app.capabilities)),
            rules=tuple(rules),
            yearly_saving=money.yearly_saving,
            migration_cost=money.migration_cost,
            payback_months=money.payback_months,
            risk=money.risk,
            risk_score=money.risk_score,
            confidence=money.confidence,
            missing_inputs=tuple(m.text(self.run.landscape) for m in missing),
            data_needed_from=tuple(sorted({a for m in missing for a in m.applications})),
            blast_radius=tuple(draft.flows),
            integrations_to_rewire=tuple(draft.rewire),
            status=status,
            facts_hash=hashed,
            summary="",
        )
        summary = summarise(proposal, draft.reasons, self.run.landscape)
        return proposal.model_copy(update={"summary": summary})


def _drafted(draft: Draft) -> tuple[Any, ...]:
    """What ``Finisher.finish_new`` reads of the draft besides its target and blast radius."""
    return (
        draft.action,
        draft.rules,
        draft.saving,
        draft.rewire,
        draft.survivor,
        draft.candidates,
        draft.products,
        draft.reasons,
        draft.missing,
        draft.basis,
    )


def _named(draft: Draft) -> tuple[str, ...]:
    """The applications whose names the proposal shows: the survivor, the candidates, those
    whose data is missing and the consumers the summary names (the first five but the
    survivor)."""
    named = [*draft.candidates, *(a for m in draft.missing for a in m.applications)]
    if draft.survivor is not None:
        named.insert(0, draft.survivor)
    consumers = {f.consumer for f in draft.flows if f.depth == 1 and f.consumer != draft.survivor}
    named.extend(sorted(consumers)[:5])
    return tuple(named)


_SETTLES = {
    "business value": "place it in a TIME quadrant",
    "technical fitness": "place it in a TIME quadrant",
    "technologies": "judge its technology risk",
}


def _assessment_gaps(assessment: Assessment, draft: Draft) -> list[Missing]:
    """The target's missing inputs besides its costs (which the draft names with what they
    settle): survey scores, technologies and their lifecycle, and users for a retirement."""
    app = (draft.target.id,)
    gaps: dict[str, list[str]] = {}
    for name in assessment.missing:
        if name in _SETTLES:
            gaps.setdefault(_SETTLES[name], []).append(name)
        elif name.startswith("lifecycle of "):
            gaps.setdefault("judge its technology risk", []).append(
                "the lifecycle dates of " + name.removeprefix("lifecycle of ")
            )
    found = [Missing(" and ".join(names), app, settles) for settles, names in gaps.items()]
    if draft.target.users is None and draft.action == Action.RETIRE:
        found.append(Missing("the number of users", app, "know whether it is still used"))
    return found


def _data_quality(assessment: Assessment) -> RuleFired | None:
    if not (assessment.missing or assessment.stale):
        return None
    return RuleFired(
        rule="data_quality",
        message="Some inputs are missing or stale, which lowers confidence.",
        facts={
            "missing": ", ".join(assessment.missing) or None,
            "stale": assessment.stale,
        },
    )
