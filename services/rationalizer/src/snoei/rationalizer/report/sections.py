"""The report's sections around the summary and the proposals: the landscape graph, the
savings charts, TIME quadrants with the end-of-life timeline, and the decommission waves."""

from __future__ import annotations

from collections import Counter
from html import escape

from snoei.rationalizer.report.eol_chart import eol_timeline
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.savings_charts import cumulative_per_wave, savings_per_proposal
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


def graph_section(graph_svg: str, graph_json: str, words: Words) -> str:
    del graph_json  # travels in its own script element at the end of the page
    radius = f'<span class="ring" style="--c:#be185d">{escape(words("legend_radius"))}</span>'
    legend = _legend(words).replace("</div>", radius + "</div>")
    return (
        f'<section class="card" id="graph"><h2>{escape(words("graph"))}</h2>'
        f'<p class="help">{escape(words("graph_help"))}</p>{legend}{graph_svg}'
        f'<p class="graph-info" id="graph-info" aria-live="polite">'
        f"{escape(words('graph_select'))}</p></section>"
    )


def savings_section(data: ReportInput, words: Words) -> str:
    chosen = min(12, sum(1 for p in data.active if (p.yearly_saving or 0.0) > 0))
    return (
        f'<section class="card" id="savings"><h2>{escape(words("savings"))}</h2>'
        f"<h3>{escape(words('savings_per_proposal', count=chosen))}</h3>"
        f"{_legend(words, everything=False)}{savings_per_proposal(data, words)}"
        f'<h3 style="margin-top:22px">{escape(words("savings_per_wave"))}</h3>'
        f"{cumulative_per_wave(data, words)}</section>"
    )


def quality_section(
    data: ReportInput, words: Words, value_threshold: float, fitness_threshold: float
) -> str:
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


def waves_section(data: ReportInput, words: Words) -> str:
    if not data.waves.waves:
        body = f'<p class="muted">{escape(words("waves_none"))}</p>'
    else:
        saving = {p.id: p.yearly_saving or 0.0 for p in data.active}  # known savings only
        rows = []
        for wave in data.waves.waves:
            ids = {pid for unit in wave.units for pid in unit.proposal_ids}
            apps = sum(len(u.applications) for u in wave.units)
            chips = []
            for unit in wave.units:
                names = " + ".join(data.name(a) for a in unit.applications)
                if unit.cycle:
                    chips.append(
                        f'<span class="chip cycle" title="{escape(words("cycle"))}">'
                        f"⟲ {escape(names)}</span>"
                    )
                else:
                    chips.append(f'<span class="chip">{escape(names)}</span>')
            total = words.euros(sum(saving.get(i, 0.0) for i in ids))
            rows.append(
                f'<li><div class="head"><strong>{escape(words("wave", number=wave.number))}'
                f"</strong><span>{escape(words('apps_count', count=apps))} · {escape(total)}"
                f"</span></div><div>{''.join(chips)}</div></li>"
            )
        body = f"<ol>{''.join(rows)}</ol>"
    return (
        f'<section class="card waves" id="waves"><h2>{escape(words("waves"))}</h2>'
        f'<p class="help">{escape(words("waves_help"))}</p>{body}</section>'
    )
