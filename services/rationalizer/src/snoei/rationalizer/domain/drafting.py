"""Drafting the proposals of one run: consolidation first, then retirement of what is not
consolidated, then replacement of what stays. What the drafts of an overlap group or of one
application were drafted from is kept with them, so that the next run of the same landscape
re-uses them where all of it is the same, which gives the same drafts as drafting again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.domain.consolidate import draft_consolidation
from snoei.rationalizer.domain.drafts import Draft, RunFacts
from snoei.rationalizer.domain.landscape import LIVE, Changes
from snoei.rationalizer.domain.market import EMPTY_MARKET, MarketCatalogue
from snoei.rationalizer.domain.overlap import Cluster, OverlapGroups, group_clusters
from snoei.rationalizer.domain.replace import draft_replacement, replacement_candidates
from snoei.rationalizer.domain.retire import draft_retirement
from snoei.rationalizer.domain.rulebook import REPLACE, RETIRE, STRUCTURE

AppRule = tuple[str, str]
"""(rule, application id)"""

Rule = Callable[[Assessment, RunFacts], Draft | None]
"""A rule that drafts a proposal for one application, or does not fire."""


@dataclass(frozen=True, slots=True)
class GroupDrafts:
    """The clusters of one overlap group and the consolidations they draft, with what they
    were drafted from besides the rule book: the overlap groups, the members' assessments
    (so their records) by identity; the members' integrations, the capability names and
    the members' blast radii are checked against the landscape."""

    overlap: OverlapGroups
    assessments: tuple[Assessment, ...]
    clusters: tuple[Cluster, ...]
    drafts: tuple[Draft, ...]


@dataclass(frozen=True, slots=True)
class Drafted:
    """One rule's draft for one application, or None, with the assessment it read. None
    rests on the assessment and the rule book alone; a draft also on the application's
    integrations and its blast radius, a replacement also on the market, the capability
    names and its candidates."""

    assessment: Assessment
    draft: Draft | None


@dataclass(frozen=True, slots=True)
class DraftMemo:
    """What one run's drafting leaves for the next run with the same rule book."""

    groups: Mapping[tuple[str, ...], GroupDrafts] = field(default_factory=dict)
    single: Mapping[AppRule, Drafted] = field(default_factory=dict)
    market: MarketCatalogue = EMPTY_MARKET  # what the replacements were drafted with
    # Applications every rule left alone (their None drafts are in ``single``).
    quiet: frozenset[str] = frozenset()
    # Applications whose drafts in ``single`` the run drafted or checked (the others' are
    # older: the application was consolidated, or gone).
    checked: frozenset[str] = frozenset()


class Drafter:
    """Drafts one run's proposals; ``memo`` is what it leaves for the next run."""

    def __init__(
        self, run: RunFacts, before: DraftMemo | None = None, changes: Changes | None = None
    ) -> None:
        self.run = run
        self._before = before if changes is not None else None
        self._changes = changes
        self._groups: dict[tuple[str, ...], GroupDrafts] = {}
        self._single: dict[AppRule, Drafted] = {}
        self._quiet: set[str] = set()
        # Capabilities whose replacement candidates may differ from the previous run's
        # (None: any may); set by ``draft`` when it knows the reassessed applications.
        self._candidates_moved: frozenset[str] | None = None
        self._checked: frozenset[str] = frozenset()

    @property
    def memo(self) -> DraftMemo:
        return DraftMemo(
            self._groups, self._single, self.run.market, frozenset(self._quiet), self._checked
        )

    @property
    def clusters(self) -> tuple[Cluster, ...]:
        return tuple(c for group in self._groups.values() for c in group.clusters)

    def draft(
        self, overlap: OverlapGroups | None, reassessed: Collection[str] | None = None
    ) -> list[Draft]:
        """One draft per application at most, in the order of their ids. ``reassessed``:
        the applications whose assessment is not the previous run's (None: unknown)."""
        drafts: dict[str, Draft] = {}
        if overlap is not None:
            for members in overlap.groups:
                for draft in self._group(members, overlap).drafts:
                    drafts[draft.id] = draft
        config = self.run.config
        rules = [
            (name, rule)
            for name, rule in ((RETIRE, draft_retirement), (REPLACE, draft_replacement))
            if config.enabled(name)
        ]
        leaving = {d.target.id for d in drafts.values()}
        todo = set(self.run.landscape.applications) - leaving
        self._checked = frozenset(todo)
        if self._before is not None and reassessed is not None:
            # None rests on the assessment and the rule book alone: an application every
            # rule left alone last time, assessed as then, is left alone again, unread.
            self._single = dict(self._before.single)
            self._quiet = (todo & self._before.quiet) - set(reassessed)
            todo -= self._quiet
            self._candidates_moved = self._moved_candidates(reassessed)
        for app_id in sorted(todo):
            assessment = self.run.assessments[app_id]
            # retirement first: what retires is not replaced
            for name, rule in rules:
                found = self._single_draft(name, assessment, rule)
                if found is not None:
                    drafts[found.id] = found
                    break
            else:
                self._quiet.add(app_id)
        return [drafts[k] for k in sorted(drafts)]  # keyed by their ids

    def _group(self, members: tuple[str, ...], overlap: OverlapGroups) -> GroupDrafts:
        assessments = tuple(self.run.assessments[m] for m in members)
        before = self._before.groups.get(members) if self._before is not None else None
        if before is None or not self._same_group(before, overlap, assessments):
            clusters = tuple(
                group_clusters(
                    members, self.run.landscape, self.run.assessments, self.run.config, overlap
                )
            )
            before = GroupDrafts(
                overlap, assessments, clusters, tuple(self._consolidations(clusters, overlap))
            )
        self._groups[members] = before
        return before

    def _same_group(
        self, before: GroupDrafts, overlap: OverlapGroups, assessments: tuple[Assessment, ...]
    ) -> bool:
        changes = self._changes
        depth = self.run.config.blast_radius_depth
        return (
            changes is not None
            and not changes.capabilities
            and before.overlap is overlap
            and all(a is b for a, b in zip(before.assessments, assessments, strict=True))
            and changes.integrations.isdisjoint(a.application.id for a in assessments)
            # the blast radii are registered for the next run as they are checked
            and all(self.run.blasts.of(d.target.id, depth) is d.blast for d in before.drafts)
        )

    def _consolidations(
        self, clusters: tuple[Cluster, ...], overlap: OverlapGroups
    ) -> list[Draft]:
        drafts = []
        for cluster in clusters:
            for member in cluster.members:
                if member != cluster.survivor:
                    draft = draft_consolidation(member, cluster, self.run)
                    # why a related application is not in the cluster, where one is
                    draft.rules.extend(
                        n
                        for n in (
                            *overlap.notes_about(member),
                            *overlap.notes_about(cluster.survivor),
                        )
                        if n.rule == STRUCTURE
                    )
                    drafts.append(draft)
        return drafts

    def _single_draft(self, name: str, assessment: Assessment, rule: Rule) -> Draft | None:
        key = (name, assessment.application.id)
        before = self._before.single.get(key) if self._before is not None else None
        if before is None or not self._same_single(before, assessment, name):
            before = Drafted(assessment, rule(assessment, self.run))
        self._single[key] = before
        return before.draft

    def _same_single(self, before: Drafted, assessment: Assessment, name: str) -> bool:
        if before.assessment is not assessment:
            return False
        draft = before.draft
        if draft is None:
            return True
        run, changes = self.run, self._changes
        if (
            changes is None
            or self._before is None
            or draft.target.id not in self._before.checked  # changes are since the last run
            or draft.target.id in changes.integrations
        ):
            return False
        if name == RETIRE:
            return run.blasts.of(draft.target.id, run.config.blast_radius_depth) is draft.blast
        # A replacement also reads the market, the capability names and its candidates
        # (other applications' assessments): those are worked out again and compared.
        return (
            self._before is not None
            and self._before.market is run.market
            and not changes.capabilities
            and run.blasts.of(draft.target.id, 1) is draft.blast
            and self._same_candidates(assessment, draft)
        )

    def _moved_candidates(self, reassessed: Collection[str]) -> frozenset[str] | None:
        """The capabilities realised by a reassessed application: candidates are drafted from
        the assessments of the realisers of the target's capabilities, so where the realisers
        are the previous run's very ones, no other capability's candidates can differ."""
        if self._changes is None or not self._changes.same_realisers:
            return None
        apps = self.run.landscape.applications
        return frozenset(
            c
            for a in reassessed
            if a in apps and apps[a].lifecycle in LIVE
            for c in apps[a].capabilities
        )

    def _same_candidates(self, assessment: Assessment, draft: Draft) -> bool:
        """Whether the replacement candidates are still ``draft``'s: the previous run found
        or checked them, the target is assessed as then and the rule book is the same."""
        moved = self._candidates_moved
        if moved is not None and moved.isdisjoint(assessment.application.capabilities):
            return True
        return replacement_candidates(assessment.application, self.run) == draft.candidates
