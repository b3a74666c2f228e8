"""Architects' decisions on proposals: a verdict holds while the facts it was taken on hold."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from snoei.shared.contracts.proposals import ProposalStatus, RuleFired

ACTIVE_STATUSES = frozenset({ProposalStatus.OPEN, ProposalStatus.ACCEPTED})
"""Statuses of proposals that still stand: they count for savings, coverage and waves."""


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Decision:
    """An architect's verdict on a proposal, valid for the facts it was taken on."""

    verdict: Verdict
    facts_hash: str
    reason: str


def decided_status(
    decision: Decision | None, facts_hash: str
) -> tuple[ProposalStatus, RuleFired | None]:
    """The status a proposal with ``facts_hash`` gets from ``decision``, and the rule that
    says so when the decision was taken on facts that have changed since (it is open again)."""
    if decision is None:
        return ProposalStatus.OPEN, None
    if decision.facts_hash == facts_hash:
        accepted = decision.verdict == Verdict.ACCEPT
        return (ProposalStatus.ACCEPTED if accepted else ProposalStatus.REJECTED), None
    return ProposalStatus.OPEN, RuleFired(
        rule="decision",
        message=(
            f"Was {decision.verdict.value}ed before"
            f"{f' ({decision.reason})' if decision.reason else ''}; "
            "the facts have changed since."
        ),
        facts={"previous_facts_hash": decision.facts_hash},
    )
