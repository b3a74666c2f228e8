"""The report's sections around the summary and the proposals: the landscape graph, the
savings charts, TIME quadrants with the end-of-life timeline, and the decommission waves."""

from __future__ import annotations

from collections import Counter
from html import escape

from snoei.rationalizer.domain.recommendation import Standing, yearly_saving
from snoei.rationalizer.report.eol_chart import eol_timeline
from snoei.rationalizer.report.figures import Figures
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.savings_charts import cumulative_per_wave, savings_per_proposal
from snoei.rationalizer.report.standing import known
from snoei.rationalizer.report.svg import ACTION_COLOURS, BLOCKED_COLOUR, NEUTRAL_COLOUR
from snoei.rationalizer.report.time_chart import time_scatter
from snoei.shared.contracts.proposals import Action

QUADRANT_SWATCH = {
    "invest": "#86efac",
    "migrate": "#fcd34d",
    "tolerate": "#cbd5e1",
    "eliminate": "#fca5a5",
}


def _legend(words: Words, *, everything: bool = True) -> str:
    items = [(ACTION_COLOURS[a.value], words(a.value), "") for a in Action]
    if everything:
        items += [
            (BLOCKED_COLOUR, words("legend_blocked"), ""),
            (NEUTRAL_COLOUR, words("legend_other"), ""),
        ]
    chips = "".join(
        f'<span class="{css}" style="--c:{colour}">{escape(label)}</span>'
        for colour, label, css in items
    )
    return f'<div class="legend">{chips}</div>'


def graph_section(graph_svg: str, words: Words) -> str:
    radius = f'<span class="ring" style="--c:#be185d">{escape(words("legend_radius"))}</span>'
    legend = _legend(words).replace("</div>", radius + "</div>")
    return (
        f'<section class="card" id="graph"><h2>{escape(words("graph"))}</h2>'
        f'<p class="help">{escape(words("graph_help"))}</p>'
        f'<div class="graph-tools"><input type="search" id="graph-search" '
        f'placeholder="{escape(words("graph_search"), quote=True)}" '
        f'aria-label="{escape(words("graph_search"), quote=True)}" autocomplete="off">'
        f'<div id="graph-results" aria-live="polite"></div></div>{legend}{graph_svg}'
        f'<p class="graph-info" id="graph-info" aria-live="polite">'
        f"{escape(words('graph_select'))}</p></section>"
    )


def savings_section(data: ReportInput, numbers: Figures, words: Words) -> str:
    book, waves = numbers.book, numbers.waves
    shown = min(12, len(book.recommended))
    rest = book.recommended[shown:]
    notes = []
    if rest:
        saving = sum(known(yearly_saving(p)) for p in rest)
        notes.append(words.plural("savings_rest", len(rest), saving=words.euros(saving)))
    return (
        f'<section class="card" id="savings"><h2>{escape(words("savings"))}</h2>'
        f"<h3>{escape(words.plural('savings_per_proposal', shown, total=len(book.recommended)))}"
        f"</h3>{_legend(words, everything=False)}{savings_per_proposal(data, book, words)}"
        + _notes(notes, "savings-notes")
        + f'<h3 style="margin-top:22px">{escape(words("savings_per_wave"))}</h3>'
        f"{cumulative_per_wave(waves.rows, words)}"
        + _notes(_wave_notes(numbers, words), "wave-notes")
        + "</section>"
    )


def _wave_notes(numbers: Figures, words: Words) -> list[str]:
    """What the waves chart adds up to, what it leaves out, and how that makes the headline."""
    waves = numbers.waves
    notes = [words("waves_total", saving=words.euros(waves.scheduled_saving))]
    for action in Action:
        left = [p for p in waves.unscheduled if p.action == action]
        if left:
            saving = words.euros(sum(known(yearly_saving(p)) for p in left))
            notes.append(words.plural(f"unscheduled_{action.value}", len(left), saving=saving))
    if waves.unscheduled:
        notes.append(
            words(
                "waves_reconcile",
                waves=words.euros(waves.scheduled_saving),
                rest=words.euros(waves.unscheduled_saving),
                total=words.euros(numbers.yearly_saving),
            )
        )
    if waves.uncounted:
        notes.append(words.plural("waves_uncounted", waves.uncounted))
    return notes


def _notes(lines: list[str], css_id: str) -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ul class="notes" id="{css_id}">{items}</ul>'


def quality_section(data: ReportInput, words: Words) -> str:
    value_threshold, fitness_threshold = data.rules.value_threshold, data.rules.fitness_threshold
    counts = Counter(a.quadrant.value for a in data.assessments.values() if a.quadrant is not None)
    rows = "".join(
        f'<tr><td><span class="swatch" style="--c:{QUADRANT_SWATCH[key]}"></span>'
        f"<strong>{escape(words(key))}</strong><br>"
        f'<span class="muted">{escape(words(f"{key}_help"))}</span></td>'
        f'<td class="num big">{counts.get(key, 0)}</td></tr>'
        for key in ("invest", "migrate", "tolerate", "eliminate")
    )
    return (
        f'<section class="card" id="time"><h2>{escape(words("time"))}</h2>'
        f'<p class="help">{escape(words("time_help"))}</p><div class="grid2">'
        f"<div>{time_scatter(data, words, value_threshold, fitness_threshold)}</div>"
        f'<table class="quadrants"><tbody>{rows}</tbody></table></div></section>'
        f'<section class="card" id="eol"><h2>{escape(words("eol"))}</h2>'
        f'<p class="help">{escape(words("eol_help"))}</p>{eol_timeline(data, words)}</section>'
    )


def waves_section(data: ReportInput, numbers: Figures, words: Words) -> str:
    if not data.waves.waves:
        body = f'<p class="muted">{escape(words("waves_none"))}</p>'
    else:
        counted = numbers.book.verdicts
        rows = []
        for wave, totals in zip(data.waves.waves, numbers.waves.rows, strict=True):
            chips = []
            for unit in wave.units:
                names = " + ".join(data.name(a) for a in unit.applications)
                recommended = any(
                    counted[i].standing == Standing.RECOMMENDED
                    for i in unit.proposal_ids
                    if i in counted
                )
                css = ("chip cycle" if unit.cycle else "chip") + ("" if recommended else " muted")
                hint = words("cycle") if unit.cycle else ""
                if not recommended:
                    hint = (hint + " · " if hint else "") + words("not_counted")
                mark = "⟲ " if unit.cycle else ""
                chips.append(
                    f'<span class="{css}" title="{escape(hint)}">{mark}{escape(names)}</span>'
                )
            summary = (
                f"{words.plural('n_applications', totals.applications)} · "
                f"{words.euros(totals.saving)}"
            )
            rows.append(
                f'<li><div class="head"><strong>{escape(words("wave", number=wave.number))}'
                f"</strong><span>{escape(summary)}</span></div><div>{''.join(chips)}</div></li>"
            )
        body = f"<ol>{''.join(rows)}</ol>" + _notes(_wave_notes(numbers, words), "wave-list-notes")
    return (
        f'<section class="card waves" id="waves"><h2>{escape(words("waves"))}</h2>'
        f'<p class="help">{escape(words("waves_help"))}</p>{body}</section>'
    )
