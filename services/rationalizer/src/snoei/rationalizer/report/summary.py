"""The executive summary: four key figures, and what to prune, what it saves, what it
risks and what to do first, in the board's words. Every saving in it is a sum over the
recommended proposals; what it leaves out is said in so many words."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.domain.recommendation import yearly_saving
from snoei.rationalizer.report.figures import Figures
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.proposals import headline, uncovered
from snoei.shared.contracts.proposals import Action


def summary_section(data: ReportInput, numbers: Figures, words: Words) -> str:
    if not data.proposals:
        reason = (
            f"<p>{escape(words('empty_reason', reason=data.empty_reason))}</p>"
            if data.empty_reason
            else ""
        )
        return (
            f'<section class="card" id="summary"><h2>{escape(words("summary"))}</h2>'
            f"<p>{escape(words('nothing'))}</p>{reason}</section>"
        )
    blocks = [
        ("what_prune", [_prune(numbers, words)], ""),
        ("what_saves", _saves(data, numbers, words), ""),
        ("what_risks", _risks(data, numbers, words), "risk"),
        ("what_first", _first(data, numbers, words), ""),
    ]
    story = "".join(
        f'<div class="{css}"><h3>{escape(words(key))}</h3>'
        + "".join(f"<p>{escape(line)}</p>" for line in lines)
        + "</div>"
        for key, lines, css in blocks
    )
    return (
        f'<section class="card" id="summary"><h2>{escape(words("summary"))}</h2>'
        f'<div class="kpis">{_kpis(numbers, words)}</div>'
        f'<div class="story">{story}</div></section>'
    )


def _kpis(numbers: Figures, words: Words) -> str:
    payback = (
        words("kpi_one_off_note", months=words.number(numbers.payback_months))
        if numbers.payback_months is not None
        else words("kpi_one_off_never")
    )
    counts = {a.value: words.integer(numbers.per_action[a]) for a in Action}
    kpis = [
        (
            "kpi-saving",
            words("kpi_saving"),
            words.euros(numbers.yearly_saving),
            _share_note(numbers, words),
        ),
        ("kpi-one-off", words("kpi_one_off"), words.euros(numbers.one_off), payback),
        (
            "kpi-proposals",
            words("kpi_proposals"),
            words.integer(len(numbers.book.recommended)),
            words("kpi_proposals_note", **counts),
        ),
        ("kpi-eol", words("kpi_eol"), words.integer(len(numbers.on_eol)), words("kpi_eol_note")),
    ]
    return "".join(
        f'<div class="kpi" id="{css}"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="note">{escape(note)}</div></div>'
        for css, label, value, note in kpis
    )


def _share_note(numbers: Figures, words: Words) -> str:
    note = words(
        "kpi_saving_note",
        share=words.percent(numbers.share),
        total=words.euros(numbers.landscape.yearly_cost),
    )
    if numbers.landscape.unknown_cost:
        note += " " + words.plural("cost_unknown_note", numbers.landscape.unknown_cost)
    return note


def _prune(numbers: Figures, words: Words) -> str:
    apps = {a.value: words.plural("n_applications", numbers.per_action[a]) for a in Action}
    return words("what_prune_text", **apps)


def _saves(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    book = numbers.book
    saves = [
        words.plural(
            "what_saves_text",
            len(book.recommended),
            saving=words.euros(numbers.yearly_saving),
            share=words.percent(numbers.share),
            total=words.euros(numbers.landscape.yearly_cost),
            one_off=words.euros(numbers.one_off),
        )
    ]
    left_out = [
        words.plural(key, len(group), months=words.number(data.rules.max_payback_months, 0))
        for key, group in (
            ("left_out_doubtful", book.doubtful),
            ("left_out_blocked", book.blocked),
            ("left_out_rejected", book.rejected),
        )
        if group
    ]
    if left_out:
        saves.append(words("what_saves_left_out", parts="; ".join(left_out)))
    if numbers.largest is not None:
        saves.append(
            words(
                "what_saves_largest",
                name=headline(numbers.largest, data, words),
                saving=words.euros(yearly_saving(numbers.largest)),
            )
        )
    return saves


def _risks(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    risks = [
        words.plural("what_risks_high", numbers.high_risk),
        words.plural("what_risks_affected", numbers.affected)
        + " "
        + words.plural("what_risks_rewire", numbers.rewire),
    ]
    blocked = numbers.book.blocked
    if blocked:
        names = "; ".join(f"{data.name(p.targets[0])} ({uncovered(p, data)})" for p in blocked)
        risks.append(words.plural("what_risks_blocked", len(blocked), names=names))
    if numbers.on_eol:
        risks.append(words.plural("what_risks_eol", len(numbers.on_eol)))
    return risks


def _first(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    first = []
    rows = numbers.waves.rows
    if rows:
        first.append(
            words.plural(
                "what_first_wave", rows[0].applications, saving=words.euros(rows[0].saving)
            )
        )
    if numbers.quick_wins:
        names = ", ".join(data.name(p.targets[0]) for p in numbers.quick_wins)
        first.append(words("what_first_quick", names=names))
    replacements = numbers.book.recommended_of(Action.REPLACE)
    if replacements:
        names = ", ".join(data.name(p.targets[0]) for p in replacements)
        first.append(words("what_first_replace", names=names))
    return first
