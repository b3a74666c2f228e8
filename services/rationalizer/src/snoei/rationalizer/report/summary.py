"""The executive summary: four key figures, and what to prune, what it saves, what it
risks and what to do first, in the board's words."""

from __future__ import annotations

from html import escape

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
    counts = {a.value: numbers.per_action[a] for a in Action}
    blocks = [
        ("what_prune", [words("what_prune_text", **counts)], ""),
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
        f'<div class="kpis">{_kpis(numbers, counts, words)}</div>'
        f'<div class="story">{story}</div></section>'
    )


def _kpis(numbers: Figures, counts: dict[str, int], words: Words) -> str:
    payback = (
        words("kpi_one_off_note", months=words.number(numbers.payback_months))
        if numbers.payback_months is not None
        else words("kpi_one_off_never")
    )
    kpis = [
        (
            words("kpi_saving"),
            words.euros(numbers.yearly_saving),
            words(
                "kpi_saving_note",
                share=words.percent(numbers.share),
                total=words.euros(numbers.landscape_cost),
            ),
        ),
        (words("kpi_one_off"), words.euros(numbers.one_off), payback),
        (
            words("kpi_proposals"),
            str(sum(counts.values())),
            words("kpi_proposals_note", **counts),
        ),
        (words("kpi_eol"), str(len(numbers.on_eol)), words("kpi_eol_note")),
    ]
    return "".join(
        f'<div class="kpi"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="note">{escape(note)}</div></div>'
        for label, value, note in kpis
    )


def _saves(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    saves = [
        words(
            "what_saves_text",
            saving=words.euros(numbers.yearly_saving),
            share=words.percent(numbers.share),
            total=words.euros(numbers.landscape_cost),
            one_off=words.euros(numbers.one_off),
        )
    ]
    if numbers.largest is not None and (numbers.largest.yearly_saving or 0.0) > 0:
        saves.append(
            words(
                "what_saves_largest",
                name=headline(numbers.largest, data, words),
                saving=words.euros(numbers.largest.yearly_saving),
            )
        )
    return saves


def _risks(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    risks = [
        words(
            "what_risks_text",
            high=numbers.high_risk,
            affected=numbers.affected,
            rewire=numbers.rewire,
        )
    ]
    if numbers.blocked:
        names = "; ".join(
            f"{data.name(p.targets[0])} ({uncovered(p, data)})" for p in numbers.blocked
        )
        risks.append(words("what_risks_blocked", count=len(numbers.blocked), names=names))
    if numbers.on_eol:
        risks.append(words("what_risks_eol", count=len(numbers.on_eol)))
    return risks


def _first(data: ReportInput, numbers: Figures, words: Words) -> list[str]:
    first = []
    if numbers.first_wave_apps:
        first.append(
            words(
                "what_first_wave",
                count=numbers.first_wave_apps,
                saving=words.euros(numbers.first_wave_saving),
            )
        )
    if numbers.quick_wins:
        first.append(
            words(
                "what_first_quick",
                names=", ".join(data.name(p.targets[0]) for p in numbers.quick_wins),
            )
        )
    if numbers.replacements:
        first.append(
            words(
                "what_first_replace",
                names=", ".join(data.name(p.targets[0]) for p in numbers.replacements),
            )
        )
    return first
