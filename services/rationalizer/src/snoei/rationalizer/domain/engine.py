"""The rationalisation run: assess every application, fire the rules, and turn their
verdicts into explainable proposals with economics, risk, confidence and waves."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from snoei.rationalizer.domain.assessment import Assessment, Quadrant, assess
from snoei.rationalizer.domain.config import (
    COVERAGE,
    FUNCTIONAL_OVERLAP,
    REPLACE,
    RETIRE,
    TECHNOLOGY_LIFECYCLE,
    TIME_QUADRANT,
    RulesConfig,
)
from snoei.rationalizer.domain.impact import CRITICALITY_WEIGHT, blast_radius
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.overlap import (
    Cluster,
    OverlapGroups,
    consolidation_clusters,
    integrations_to_rewire,
    overlap_groups,
)
from snoei.rationalizer.domain.technology import (
    LifecycleCatalogue,
    TechnologyRisk,
    milestone_text,
)
from snoei.rationalizer.domain.waves import WavePlan, plan_waves
from snoei.shared.contracts.landscape import ApplicationRecord, Criticality, Lifecycle
from snoei.shared.contracts.proposals import (
    Action,
    LostFlow,
    Proposal,
    ProposalStatus,
    RiskLevel,
    RuleFired,
)

NO_DATA = "the landscape has no applications yet"
REMOVING = frozenset({Action.RETIRE, Action.CONSOLIDATE})
ACTIVE_STATUSES = frozenset({ProposalStatus.OPEN, ProposalStatus.ACCEPTED})


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Decision:
    """An architect's verdict on a proposal, valid for the facts it was taken on."""

    verdict: Verdict
    facts_hash: str
    reason: str


@dataclass(slots=True)
class _Blast:
    """One blast radius with what it was computed from: the applications whose outgoing
    integrations the traversal read. It stays valid while none of those changed."""

    flows: list[LostFlow]
    reads: frozenset[str]
    _json: str | None = None

    @property
    def json(self) -> str:
        """The flows as they appear in the facts hash (encoded once)."""
        if self._json is None:
            self._json = json.dumps([(f.integration_id, f.consumer, f.depth) for f in self.flows])
        return self._json


@dataclass(frozen=True, slots=True)
class _Finished:
    """A finished proposal with everything it was finished from (``_Rationalizer._finish``
    reads nothing else): the same inputs give the same proposal."""

    target: ApplicationRecord  # compared by identity: records are immutable
    blast: _Blast | None  # likewise
    inputs: tuple[Any, ...]  # compared by equality
    proposal: Proposal


@dataclass(frozen=True, slots=True)
class EngineMemo:
    """What a run leaves for the next run of the same landscape: its landscape, the blast
    radii it computed and its finished proposals. The next run re-uses a blast radius when
    none of the applications it read changed its outgoing integrations, and a finished
    proposal when every input of ``_finish`` is the same, which gives the same result as
    recomputing."""

    landscape: Landscape
    blasts: Mapping[tuple[str, int], _Blast]
    config: RulesConfig | None = None
    finished: Mapping[str, _Finished] = field(default_factory=dict)
    # Assessments with what they depend on besides the record: catalogue and day.
    catalogue: LifecycleCatalogue | None = None
    today: date | None = None
    assessments: Mapping[str, tuple[str | None, Assessment]] = field(default_factory=dict)
    overlap: OverlapGroups | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    proposals: tuple[Proposal, ...]
    quadrants: Mapping[str, str]
    waves: WavePlan
    empty_reason: str | None = None
    memo: EngineMemo | None = field(default=None, compare=False, repr=False)

    @property
    def total_yearly_saving(self) -> float:
        return round(sum(p.yearly_saving for p in self.proposals if p.status in ACTIVE_STATUSES), 2)


def euros(amount: float) -> str:
    return f"€{amount:,.0f}"


def proposal_id(action: Action, targets: Sequence[str]) -> str:
    return f"{action.value}:{'+'.join(sorted(targets))}"


@dataclass
class _Draft:
    """A proposal being assembled before decisions and the coverage check."""

    action: Action
    target: ApplicationRecord
    rules: list[RuleFired]
    saving: float
    rewire: list[str]
    flows: list[LostFlow]
    survivor: str | None = None
    candidates: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)
    basis: dict[str, Any] = field(default_factory=dict)
    blast: _Blast | None = None

    @property
    def id(self) -> str:
        return proposal_id(self.action, [self.target.id])


class Rationalizer:
    """One evaluation of one landscape; pure: the same inputs give the same proposals."""

    def __init__(
        self,
        landscape: Landscape,
        *,
        config: RulesConfig,
        catalogue: LifecycleCatalogue,
        today: date,
        previous_quadrants: Mapping[str, str] | None = None,
        decisions: Mapping[str, Decision] | None = None,
        memo: EngineMemo | None = None,
    ) -> None:
        self.landscape = landscape
        self.config = config
        self.catalogue = catalogue.with_records(landscape.technologies.values())
        self.today = today
        self.previous = previous_quadrants or {}
        self.decisions = decisions or {}
        self.assessments: dict[str, Assessment] = {}
        self._reusable: Mapping[tuple[str, int], _Blast] = {}
        self._finished_before: Mapping[str, _Finished] = {}
        self._assessed_before: Mapping[str, tuple[str | None, Assessment]] = {}
        self._overlap_before: OverlapGroups | None = None
        if memo is not None:
            self._overlap_before = memo.overlap
            changed = landscape.changed_suppliers(memo.landscape)
            self._reusable = {k: b for k, b in memo.blasts.items() if b.reads.isdisjoint(changed)}
            if memo.config == config:
                self._finished_before = memo.finished
                if memo.catalogue is self.catalogue and memo.today == today:
                    self._assessed_before = memo.assessments
        self._blasts: dict[tuple[str, int], _Blast] = {}
        self._finished: dict[str, _Finished] = {}

    def _blast(self, app_id: str, depth: int) -> _Blast:
        key = (app_id, depth)
        found = self._blasts.get(key) or self._reusable.get(key)
        if found is None:
            reads: set[str] = set()
            flows = blast_radius(self.landscape, [app_id], depth, reads)
            found = _Blast(flows, frozenset(reads))
        self._blasts[key] = found
        return found

    def run(self) -> Evaluation:
        if self.landscape.is_empty:
            return Evaluation((), {}, WavePlan(), NO_DATA)
        use_quadrant = self.config.enabled(TIME_QUADRANT)
        risk_cache: dict[tuple[str, str | None], TechnologyRisk] = {}
        self._assessed: dict[str, tuple[str | None, Assessment]] = {}
        for app in self.landscape.applications.values():
            previous = self.previous.get(app.id)
            before = self._assessed_before.get(app.id)
            if before is not None and before[0] == previous and before[1].application is app:
                assessment = before[1]
            else:
                assessment = assess(
                    app,
                    catalogue=self.catalogue,
                    config=self.config,
                    today=self.today,
                    previous=Quadrant(previous) if previous and use_quadrant else None,
                    risk_cache=risk_cache,
                )
            self.assessments[app.id] = assessment
            self._assessed[app.id] = (previous, assessment)
        drafts: dict[str, _Draft] = {}
        overlap: OverlapGroups | None = None
        if self.config.enabled(FUNCTIONAL_OVERLAP):
            overlap = overlap_groups(self.landscape, self.config, self._overlap_before)
            for cluster in consolidation_clusters(
                self.landscape, self.assessments, self.config, overlap
            ):
                for member in cluster.members:
                    if member != cluster.survivor:
                        draft = self._consolidate(member, cluster)
                        drafts[draft.id] = draft
        consolidated = {d.target.id for d in drafts.values()}
        if self.config.enabled(RETIRE):
            for app_id in sorted(self.landscape.applications):
                if app_id not in consolidated:
                    retire = self._retire(self.assessments[app_id])
                    if retire is not None:
                        drafts[retire.id] = retire
        leaving = {d.target.id for d in drafts.values()}
        if self.config.enabled(REPLACE):
            for app_id in sorted(self.landscape.applications):
                if app_id not in leaving:
                    replace = self._replace(self.assessments[app_id])
                    if replace is not None:
                        drafts[replace.id] = replace
        proposals = [self._finish(d) for d in sorted(drafts.values(), key=lambda d: d.id)]
        if self.config.enabled(COVERAGE):
            proposals = self._check_coverage(proposals)
        quadrants = {
            a: s.quadrant.value for a, s in self.assessments.items() if s.quadrant is not None
        }
        waves = plan_waves(
            self.landscape,
            [
                p.targets[0]
                for p in proposals
                if p.action in REMOVING and p.status in ACTIVE_STATUSES
            ],
            {p.targets[0]: p.id for p in proposals if p.action in REMOVING},
        )
        return Evaluation(
            tuple(proposals),
            quadrants,
            waves,
            memo=EngineMemo(
                self.landscape,
                self._blasts,
                self.config,
                self._finished,
                self.catalogue,
                self.today,
                self._assessed,
                overlap,
            ),
        )

    # --- rules ---------------------------------------------------------------------------

    def _consolidate(self, member: str, cluster: Cluster) -> _Draft:
        app = self.landscape.applications[member]
        survivor = self.landscape.applications[cluster.survivor]
        shared = sorted(set(app.capabilities) & set(survivor.capabilities))
        rewire = integrations_to_rewire(self.landscape, [member], cluster.survivor)
        blast = self._blast(member, self.config.blast_radius_depth)
        similarity = cluster.similarity_to_survivor(member)
        rules = [
            RuleFired(
                rule=FUNCTIONAL_OVERLAP,
                message=(
                    f"{app.name} and {survivor.name} both realise "
                    f"{self._names(shared) or 'related capabilities'}; "
                    f"{survivor.name} survives with the higher survivor score."
                ),
                facts={
                    "cluster": ", ".join(cluster.members),
                    "survivor": survivor.id,
                    "jaccard_with_survivor": similarity,
                    "shared_capabilities": ", ".join(shared),
                    "survivor_score": cluster.scores[survivor.id],
                    "own_score": cluster.scores[member],
                    "integrations_to_rewire": len(rewire),
                },
            )
        ]
        return _Draft(
            action=Action.CONSOLIDATE,
            target=app,
            rules=rules,
            saving=(app.yearly_cost or 0.0),
            rewire=rewire,
            flows=blast.flows,
            blast=blast,
            survivor=survivor.id,
            reasons=[f"it duplicates {survivor.name}"],
            basis={"survivor": survivor.model_dump(mode="json"), "cluster": cluster.members},
        )

    def _retire(self, assessment: Assessment) -> _Draft | None:
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
            rules.append(self._quadrant_rule(assessment))
            reasons.append("it has low business value and low technical fitness")
        if app.users is not None and app.users <= self.config.unused_max_users:
            rules.append(
                RuleFired(
                    rule=RETIRE,
                    message=f"{app.name} is unused ({app.users} users).",
                    facts={"users": app.users, "unused_max_users": self.config.unused_max_users},
                )
            )
            reasons.append(f"it has {app.users} users")
        if not rules:
            return None
        outgoing = [i.id for i in self.landscape.outgoing(app.id)]
        blast = self._blast(app.id, self.config.blast_radius_depth)
        return _Draft(
            action=Action.RETIRE,
            target=app,
            rules=rules,
            saving=(app.yearly_cost or 0.0),
            rewire=sorted(outgoing),
            flows=blast.flows,
            blast=blast,
            reasons=reasons,
        )

    def _replace(self, assessment: Assessment) -> _Draft | None:
        app = assessment.application
        worst = assessment.worst_technology
        if app.lifecycle != Lifecycle.ACTIVE or worst is None:
            return None
        valuable = (
            app.business_value is not None and app.business_value >= self.config.replace_min_value
        ) or app.criticality == Criticality.CRITICAL
        if not valuable or worst.risk < self.config.replace_min_risk or not worst.known:
            return None
        candidates = self._candidates(app)
        successor = self.catalogue.supported_successor(
            next(t for t in app.technologies if t.product == worst.product), self.today
        )
        rules = [
            RuleFired(
                rule=TECHNOLOGY_LIFECYCLE,
                message=f"{app.name} runs on {worst.label}, which is {worst.state}.",
                facts={
                    "technology": worst.label,
                    "end_of_support": milestone_text(worst.end_of_support),
                    "end_of_life": milestone_text(worst.end_of_life),
                    "lifecycle_risk": worst.risk,
                    "replace_min_risk": self.config.replace_min_risk,
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
                    "replace_min_value": self.config.replace_min_value,
                    "candidates": ", ".join(candidates),
                    "supported_release": (
                        f"{successor.product} {successor.cycle}" if successor else None
                    ),
                },
            ),
        ]
        if assessment.quadrant is not None:
            rules.append(self._quadrant_rule(assessment))
        every = sorted(
            {i.id for i in (*self.landscape.outgoing(app.id), *self.landscape.incoming(app.id))}
        )
        blast = self._blast(app.id, 1)
        reasons = [f"it runs on {worst.label} ({worst.state})"]
        if successor is not None:
            reasons.append(f"an upgrade to {successor.product} {successor.cycle} is supported")
        return _Draft(
            action=Action.REPLACE,
            target=app,
            rules=rules,
            # Moving onto an application the organisation already runs saves its cost;
            # a like-for-like upgrade saves nothing but removes the risk.
            saving=(app.yearly_cost or 0.0) if candidates else 0.0,
            rewire=every if candidates else [],
            flows=blast.flows,
            blast=blast,
            candidates=candidates,
            reasons=reasons,
            basis={"technology": [worst.label, milestone_text(worst.end_of_life)]},
        )

    def _candidates(self, app: ApplicationRecord) -> tuple[str, ...]:
        """Healthy live applications realising the same capabilities, most similar first."""
        mine = set(app.capabilities)
        scored: list[tuple[float, float, str]] = []
        seen: set[str] = set()
        for capability in mine:
            for other in self.landscape.realisers.get(capability, ()):
                if other == app.id or other in seen:
                    continue
                seen.add(other)
                theirs = self.assessments[other]
                if theirs.application.lifecycle != Lifecycle.ACTIVE:
                    continue
                if theirs.lifecycle_risk >= self.config.replace_min_risk:
                    continue
                caps = set(theirs.application.capabilities)
                jaccard = len(mine & caps) / len(mine | caps)
                fitness = theirs.effective_fitness or 0.0
                scored.append((-jaccard, -fitness, other))
        return tuple(o for _, _, o in sorted(scored)[: self.config.max_replacement_candidates])

    def _quadrant_rule(self, assessment: Assessment) -> RuleFired:
        app = assessment.application
        assert assessment.quadrant is not None
        return RuleFired(
            rule=TIME_QUADRANT,
            message=f"{app.name} falls in the {assessment.quadrant.value.title()} quadrant.",
            facts={
                "business_value": app.business_value,
                "technical_fitness": app.technical_fitness,
                "effective_fitness": assessment.effective_fitness,
                "lifecycle_risk": assessment.lifecycle_risk,
                "value_threshold": self.config.value_threshold,
                "fitness_threshold": self.config.fitness_threshold,
                "previous_quadrant": self.previous.get(app.id),
                "quadrant": assessment.quadrant.value,
            },
        )

    # --- economics, risk, wording -------------------------------------------------------

    def _finish(self, draft: _Draft) -> Proposal:
        """``_finish_new``, or the previous run's proposal when its inputs are the same."""
        assessment = self.assessments[draft.target.id]
        apps = self.landscape.applications
        named = [draft.survivor, *draft.candidates]
        named.extend(sorted({f.consumer for f in draft.flows if f.depth == 1})[:5])
        inputs = (
            draft.action,
            draft.rules,
            draft.saving,
            draft.rewire,
            None if draft.blast is not None else draft.flows,
            draft.survivor,
            draft.candidates,
            draft.reasons,
            draft.basis,
            assessment.missing,
            assessment.stale,
            self.decisions.get(draft.id),
            [apps[a].name if a in apps else None for a in named if a is not None],
        )
        before = self._finished_before.get(draft.id)
        if (
            before is not None
            and before.target is draft.target
            and before.blast is draft.blast
            and before.inputs == inputs
        ):
            proposal = before.proposal
        else:
            proposal = self._finish_new(draft)
        self._finished[draft.id] = _Finished(draft.target, draft.blast, inputs, proposal)
        return proposal

    def _finish_new(self, draft: _Draft) -> Proposal:
        app = draft.target
        assessment = self.assessments[app.id]
        migration = round(
            self.config.migration_base_cost
            + self.config.migration_cost_per_integration * len(draft.rewire),
            2,
        )
        saving = round(draft.saving, 2)
        payback = round(migration / (saving / 12), 1) if saving > 0 else None
        direct = [f for f in draft.flows if f.depth == 1]
        extra_missing = ("users",) if app.users is None and draft.action == Action.RETIRE else ()
        confidence = assessment.confidence(*extra_missing)
        risk_score = round(
            min(
                1.0,
                0.35 * CRITICALITY_WEIGHT[app.criticality.value]
                + 0.35 * max((CRITICALITY_WEIGHT[f.criticality] for f in direct), default=0.0)
                + 0.15 * min(1.0, len(direct) / 10)
                + 0.15 * (1.0 - confidence),
            ),
            3,
        )
        rules = list(draft.rules)
        if assessment.missing or assessment.stale:
            rules.append(
                RuleFired(
                    rule="data_quality",
                    message="Some inputs are missing or stale, which lowers confidence.",
                    facts={
                        "missing": ", ".join(assessment.missing) or None,
                        "stale": assessment.stale,
                    },
                )
            )
        facts_hash = self._hash(draft)
        status = ProposalStatus.OPEN
        decision = self.decisions.get(draft.id)
        if decision is not None:
            if decision.facts_hash == facts_hash:
                status = (
                    ProposalStatus.ACCEPTED
                    if decision.verdict == Verdict.ACCEPT
                    else ProposalStatus.REJECTED
                )
            else:
                rules.append(
                    RuleFired(
                        rule="decision",
                        message=(
                            f"Was {decision.verdict.value}ed before ({decision.reason}); "
                            "the facts have changed since."
                        ),
                        facts={"previous_facts_hash": decision.facts_hash},
                    )
                )
        proposal = Proposal(
            id=draft.id,
            action=draft.action,
            targets=(app.id,),
            survivor=draft.survivor,
            replacement_candidates=draft.candidates,
            capabilities=tuple(sorted(app.capabilities)),
            rules=tuple(rules),
            yearly_saving=saving,
            migration_cost=migration,
            payback_months=payback,
            risk=_level(risk_score),
            risk_score=risk_score,
            confidence=confidence,
            blast_radius=tuple(draft.flows),
            integrations_to_rewire=tuple(draft.rewire),
            status=status,
            facts_hash=facts_hash,
            summary="",
        )
        return proposal.model_copy(update={"summary": self._summary(proposal, draft)})

    def _hash(self, draft: _Draft) -> str:
        """Fingerprint of what the proposal rests on: the records and graph facts, not the
        date-dependent numbers, so a rejection holds until the landscape itself changes."""
        basis = {
            "action": draft.action.value,
            "target": draft.target.model_dump(
                mode="json", exclude={"name", "description", "attributes", "owner"}
            ),
            "survivor": draft.survivor,
            "candidates": draft.candidates,
            "rewire": draft.rewire,
            "flows": _FLOWS_PLACEHOLDER,
            "rules": sorted({r.rule for r in draft.rules}),
            **draft.basis,
        }
        flows = (
            draft.blast.json
            if draft.blast is not None and draft.blast.flows is draft.flows
            else json.dumps([(f.integration_id, f.consumer, f.depth) for f in draft.flows])
        )
        # The same text as encoding the flows in place (same separators, keys sorted), with
        # the flows encoded once per blast radius.
        text = json.dumps(basis, sort_keys=True, default=str).replace(
            _FLOWS_PLACEHOLDER_JSON, flows, 1
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def _summary(self, proposal: Proposal, draft: _Draft) -> str:
        app = draft.target
        apps = self.landscape.applications
        verb = {
            Action.RETIRE: f"Retire {app.name}",
            Action.CONSOLIDATE: f"Consolidate {app.name} into "
            f"{apps[draft.survivor].name if draft.survivor else '?'}",
            Action.REPLACE: f"Replace {app.name}",
        }[proposal.action]
        parts = [f"{verb}: {'; '.join(draft.reasons)}."]
        if proposal.action == Action.REPLACE:
            if proposal.replacement_candidates:
                names = ", ".join(apps[c].name for c in proposal.replacement_candidates)
                parts.append(f"Candidates that already do the same work: {names}.")
            else:
                parts.append("No application in this landscape does the same work yet.")
        if proposal.yearly_saving > 0:
            payback = (
                f", paid back in {proposal.payback_months:g} months"
                if proposal.payback_months is not None
                else ""
            )
            parts.append(
                f"Saves {euros(proposal.yearly_saving)} a year for a one-off "
                f"{euros(proposal.migration_cost)}{payback}."
            )
        else:
            parts.append(f"One-off cost {euros(proposal.migration_cost)}; no yearly saving.")
        direct = sorted({f.consumer for f in proposal.blast_radius if f.depth == 1})
        if direct:
            names = ", ".join(apps[c].name for c in direct[:5])
            more = f" and {len(direct) - 5} more" if len(direct) > 5 else ""
            parts.append(
                f"{len(direct)} application(s) lose data from it ({names}{more}); "
                f"{len(proposal.integrations_to_rewire)} integration(s) must be rewired."
            )
        else:
            parts.append("No other application loses data.")
        parts.append(f"Risk {proposal.risk.value}, confidence {round(proposal.confidence * 100)}%.")
        return " ".join(parts)

    # --- coverage -------------------------------------------------------------------------

    def _check_coverage(self, proposals: list[Proposal]) -> list[Proposal]:
        """Block proposals until every capability keeps at least one live application: for
        each capability that would be left empty, the proposal removing its best-scoring
        realiser is blocked (that application stays)."""
        allowed = set(self.config.allow_uncovered_capabilities)
        removing = {
            p.targets[0]: p
            for p in proposals
            if p.action in REMOVING and p.status in ACTIVE_STATUSES
        }
        # A survivor realises (so keeps covered) only the capabilities it already has.
        blocked: dict[str, list[str]] = {}
        concerned = sorted(
            {c for app_id in removing for c in self.landscape.applications[app_id].capabilities}
        )
        for capability in concerned:
            if capability in allowed:
                continue
            realisers = self.landscape.realisers.get(capability, set())
            staying = [r for r in realisers if r not in removing or r in blocked]
            if staying:
                continue
            keep = max(sorted(realisers), key=self._keep_score)
            blocked.setdefault(keep, []).append(capability)
        result = []
        for proposal in proposals:
            target = proposal.targets[0]
            if target not in blocked or proposal.action not in REMOVING:
                result.append(proposal)
                continue
            names = self._names(blocked[target])
            reason = (
                f"it would leave {names} without any application; keep "
                f"{self.landscape.applications[target].name} or allow the capability to "
                "go uncovered"
            )
            rule = RuleFired(
                rule=COVERAGE,
                message=f"Blocked: {reason}.",
                facts={"uncovered_capabilities": ", ".join(blocked[target])},
            )
            result.append(
                proposal.model_copy(
                    update={
                        "status": ProposalStatus.BLOCKED,
                        "blocked_reason": reason,
                        "rules": (*proposal.rules, rule),
                        "summary": f"{proposal.summary} Blocked: {reason}.",
                    }
                )
            )
        return result

    def _keep_score(self, app_id: str) -> tuple[float, float]:
        assessment = self.assessments[app_id]
        value = assessment.application.business_value or 0
        return (float(value), assessment.effective_fitness or 0.0)

    def _names(self, capabilities: Sequence[str]) -> str:
        return ", ".join(self.landscape.capability_name(c) for c in capabilities)


_FLOWS_PLACEHOLDER = f"flows-{uuid.uuid4()}"
_FLOWS_PLACEHOLDER_JSON = json.dumps(_FLOWS_PLACEHOLDER)


def _level(score: float) -> RiskLevel:
    if score < 0.34:
        return RiskLevel.LOW
    if score < 0.6:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH


def rationalise(
    landscape: Landscape,
    *,
    config: RulesConfig,
    catalogue: LifecycleCatalogue,
    today: date,
    previous_quadrants: Mapping[str, str] | None = None,
    decisions: Mapping[str, Decision] | None = None,
    memo: EngineMemo | None = None,
) -> Evaluation:
    """Evaluate ``landscape``; ``previous_quadrants`` feed hysteresis, ``decisions`` keep
    accepted and rejected proposals as decided while their facts stay the same. ``memo``
    (``Evaluation.memo`` of the landscape's previous run) lets the run re-use what did not
    change; the result is the same as without it."""
    return Rationalizer(
        landscape,
        config=config,
        catalogue=catalogue,
        today=today,
        previous_quadrants=previous_quadrants,
        decisions=decisions,
        memo=memo,
    ).run()
