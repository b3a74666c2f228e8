"""The proposals in three tables — recommended (with their total, which is the headline
saving), needing data or not recommended (with the reason), held back or rejected — one row
per proposal with its headline, impact, figures and the evidence behind it."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.domain.recommendation import (
    Reason,
    Standing,
    Verdict,
    migration_cost,
    yearly_saving,
)
from snoei.rationalizer.domain.rulebook import COVERAGE
from snoei.rationalizer.report.figures import Figures
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import ACTION_COLOURS, BLOCKED_COLOUR
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus

COLUMNS = (
    "col_proposal",
    "col_action",
    "col_saving",
    "col_one_off",
    "col_payback",
    "col_risk",
    "col_confidence",
)
NUMERIC = frozenset({"col_saving", "col_one_off", "col_payback", "col_confidence"})


def proposals_section(data: ReportInput, numbers: Figures, words: Words) -> str:
    book = numbers.book
    total = (
        f'<tfoot><tr id="recommended-total"><td colspan="2">'
        f"{escape(words.plural('total_recommended', len(book.recommended)))}</td>"
        f'<td class="num">{escape(words.euros(book.saving))}</td>'
        f'<td class="num">{escape(words.euros(book.one_off))}</td><td colspan="3"></td>'
        "</tr></tfoot>"
    )
    months = words.number(data.rules.max_payback_months, 0)
    tables = [
        ("recommended", book.recommended, words("recommended_help", months=months), total),
        ("doubtful", book.doubtful, words("doubtful_help", months=months), ""),
        ("held_back", [*book.blocked, *book.rejected], words("held_back_help"), ""),
    ]
    body = "".join(
        _table(key, group, help_text, foot, data, numbers, words)
        for key, group, help_text, foot in tables
        if group or key == "recommended"
    )
    return (
        f'<section class="card" id="proposals"><h2>{escape(words("proposals"))}</h2>'
        f"{body}</section>"
    )


def _table(
    key: str,
    group: list[Proposal],
    help_text: str,
    foot: str,
    data: ReportInput,
    numbers: Figures,
    words: Words,
) -> str:
    header = "".join(
        f"<th{' class=num' if col in NUMERIC else ''}>{escape(words(col))}</th>" for col in COLUMNS
    )
    rows = "".join(_proposal_row(p, numbers.book.verdicts[p.id], data, words) for p in group)
    return (
        f'<h3 class="table-title">{escape(words.plural(f"table_{key}", len(group)))}</h3>'
        f'<p class="help">{escape(help_text)}</p>'
        f'<table id="table-{key}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{rows}</tbody>{foot}</table>"
    )


def _proposal_row(proposal: Proposal, verdict: Verdict, data: ReportInput, words: Words) -> str:
    blocked = proposal.status == ProposalStatus.BLOCKED
    colour = BLOCKED_COLOUR if blocked else ACTION_COLOURS[proposal.action.value]
    payback: float | None = proposal.payback_months
    payback_text = (
        words("months", months=words.number(payback)) if payback is not None else words("never")
    )
    reason = why_not(proposal, verdict, data, words)
    held = verdict.standing in (Standing.BLOCKED, Standing.REJECTED)
    reason_css = "reason" if held else "reason doubt"
    reason_html = f'<p class="{reason_css}">{escape(reason)}</p>' if reason else ""
    counted = "num" if verdict.standing == Standing.RECOMMENDED else "num uncounted"
    saving = yearly_saving(proposal)
    status_css = "status blocked" if blocked else "status"
    return (
        f'<tr class="{escape(proposal.status.value)} {verdict.standing.value}" '
        f'id="p-{escape(proposal.id, quote=True)}" '
        f'data-saving="{"" if saving is None else f"{saving:.2f}"}">'
        f'<td><div class="what">{escape(headline(proposal, data, words))}</div>'
        f'<div class="status"><code>{escape(proposal.id)}</code></div>{reason_html}'
        f'<p class="summary-text">{escape(_impact(proposal, words))}</p>'
        f"<details><summary>{escape(words('evidence'))} ({len(proposal.rules)})</summary>"
        f'<p class="summary-text">{escape(proposal.summary)}</p>{_evidence(proposal)}'
        "</details></td>"
        f'<td><span class="badge" style="--c:{colour}">{escape(words(proposal.action.value))}'
        f'</span><div class="{status_css}">{escape(words(proposal.status.value))}</div></td>'
        f'<td class="{counted}">{escape(words.euros(saving))}</td>'
        f'<td class="num">{escape(words.euros(migration_cost(proposal)))}</td>'
        f'<td class="num">{escape(payback_text)}</td>'
        f"<td>{escape(words(proposal.risk.value))}</td>"
        f'<td class="num">{escape(words.percent(proposal.confidence, 0))}</td>'
        "</tr>"
    )


def why_not(proposal: Proposal, verdict: Verdict, data: ReportInput, words: Words) -> str:
    """Why a proposal is not among the recommendations, in one sentence ("" if it is)."""
    if verdict.standing == Standing.BLOCKED:
        names = uncovered(proposal, data)
        return words("blocked_because", reason=words("blocked_uncovered", names=names))
    if verdict.standing == Standing.REJECTED:
        return words("rejected_because")
    missing = ", ".join(verdict.missing) or words("unknown")
    if verdict.reason == Reason.UNKNOWN_SAVING:
        return words("needs_data_saving", missing=missing)
    if verdict.reason == Reason.UNKNOWN_MIGRATION:
        return words("needs_data_migration", missing=missing)
    if verdict.reason == Reason.NO_SAVING:
        return words("no_saving")
    if verdict.reason == Reason.SLOW_PAYBACK:
        payback: float | None = proposal.payback_months
        return words(
            "slow_payback",
            months=words.number(payback) if payback is not None else words("unknown"),
            limit=words.number(data.rules.max_payback_months, 0),
        )
    return ""


def _evidence(proposal: Proposal) -> str:
    return "".join(
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


def _impact(proposal: Proposal, words: Words) -> str:
    direct = len({f.consumer for f in proposal.blast_radius if f.depth == 1})
    return (
        words.plural("impact_lost", direct)
        + " · "
        + words.plural("impact_rewire", len(proposal.integrations_to_rewire))
    )


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
