"""The proposals table: one row per proposal with its headline, impact, figures and the
evidence behind it (every rule fired with its facts)."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.domain.rulebook import COVERAGE
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import ACTION_COLOURS, BLOCKED_COLOUR
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus

STATUS_ORDER = {
    ProposalStatus.OPEN: 0,
    ProposalStatus.ACCEPTED: 0,
    ProposalStatus.NEEDS_DATA: 1,
    ProposalStatus.BLOCKED: 1,
    ProposalStatus.REJECTED: 2,
}
NUMERIC = frozenset({"col_saving", "col_one_off", "col_payback", "col_confidence"})


def proposals_section(data: ReportInput, words: Words) -> str:
    ordered = sorted(
        data.proposals,
        key=lambda p: (
            STATUS_ORDER[p.status],
            p.yearly_saving is None,
            -(p.yearly_saving or 0.0),
            p.id,
        ),
    )
    header = "".join(
        f"<th{' class=num' if key in NUMERIC else ''}>{escape(words(key))}</th>"
        for key in (
            "col_proposal",
            "col_action",
            "col_saving",
            "col_one_off",
            "col_payback",
            "col_risk",
            "col_confidence",
        )
    )
    rows = "".join(_proposal_row(p, data, words) for p in ordered)
    return (
        f'<section class="card" id="proposals"><h2>{escape(words("proposals"))}</h2>'
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _proposal_row(proposal: Proposal, data: ReportInput, words: Words) -> str:
    colour = (
        BLOCKED_COLOUR
        if proposal.status == ProposalStatus.BLOCKED
        else ACTION_COLOURS[proposal.action.value]
    )
    payback = (
        words("months", months=words.number(proposal.payback_months))
        if proposal.payback_months is not None
        else words("never")
    )
    reason = ""
    if proposal.status == ProposalStatus.BLOCKED:
        text = words(
            "blocked_because", reason=words("blocked_uncovered", names=uncovered(proposal, data))
        )
        reason = f'<p class="reason">{escape(text)}</p>'
    rules = "".join(
        f'<div class="rule"><code>{escape(rule.rule)}</code> {escape(rule.message)}'
        + (
            '<dl class="facts">'
            + "".join(
                f"<dt>{escape(key)}</dt><dd>{escape(_fact(value))}</dd>"
                for key, value in rule.facts.items()
                if value is not None and value != ""
            )
            + "</dl>"
            if rule.facts
            else ""
        )
        + "</div>"
        for rule in proposal.rules
    )
    status_css = "status blocked" if proposal.status == ProposalStatus.BLOCKED else "status"
    return (
        f'<tr class="{escape(proposal.status.value)}" id="p-{escape(proposal.id, quote=True)}">'
        f'<td><div class="what">{escape(headline(proposal, data, words))}</div>'
        f'<div class="status"><code>{escape(proposal.id)}</code></div>{reason}'
        f'<p class="summary-text">{escape(_impact(proposal, words))}</p>'
        f"<details><summary>{escape(words('evidence'))} ({len(proposal.rules)})</summary>"
        f'<p class="summary-text">{escape(proposal.summary)}</p>{rules}</details></td>'
        f'<td><span class="badge" style="--c:{colour}">{escape(words(proposal.action.value))}'
        f'</span><div class="{status_css}">{escape(words(proposal.status.value))}</div></td>'
        f'<td class="num">{escape(words.euros(proposal.yearly_saving))}</td>'
        f'<td class="num">{escape(words.euros(proposal.migration_cost))}</td>'
        f'<td class="num">{escape(payback)}</td>'
        f"<td>{escape(words(proposal.risk.value))}</td>"
        f'<td class="num">{round(proposal.confidence * 100)}%</td></tr>'
    )


def _impact(proposal: Proposal, words: Words) -> str:
    direct = len({f.consumer for f in proposal.blast_radius if f.depth == 1})
    return words("impact", lost=direct, rewire=len(proposal.integrations_to_rewire))


def _fact(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def uncovered(proposal: Proposal, data: ReportInput) -> str:
    """The names of the capabilities a blocked proposal would have left without application."""
    for rule in proposal.rules:
        if rule.rule == COVERAGE:
            ids = str(rule.facts.get("uncovered_capabilities") or "")
            return ", ".join(
                data.landscape.capability_name(c.strip()) for c in ids.split(",") if c.strip()
            )
    return proposal.blocked_reason or ""


def headline(proposal: Proposal, data: ReportInput, words: Words) -> str:
    """What the proposal does, in one line ("Consolidate X into Y")."""
    name = data.name(proposal.targets[0])
    if proposal.action == Action.CONSOLIDATE:
        survivor = data.name(proposal.survivor) if proposal.survivor else "?"
        return words("do_consolidate", name=name, survivor=survivor)
    return words(f"do_{proposal.action.value}", name=name)
