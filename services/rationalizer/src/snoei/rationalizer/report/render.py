"""The board report as one self-contained HTML page: inline CSS, inline SVG charts rendered
here, and a few lines of vanilla JavaScript for the blast radius; no external resources."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.report.assets import SCRIPT, STYLE
from snoei.rationalizer.report.figures import figures
from snoei.rationalizer.report.graph import landscape_graph
from snoei.rationalizer.report.i18n import Language, Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.proposals import proposals_section
from snoei.rationalizer.report.sections import (
    graph_section,
    quality_section,
    savings_section,
    waves_section,
)
from snoei.rationalizer.report.summary import summary_section


def render_report(
    data: ReportInput,
    lang: Language = "en",
    *,
    value_threshold: float = 3.0,
    fitness_threshold: float = 3.0,
) -> str:
    """The whole report as one HTML string; every piece of data in it is escaped."""
    words = Words(lang)
    numbers = figures(data)
    graph_svg, graph_json = landscape_graph(data, words)
    when = data.run_at.strftime("%Y-%m-%d %H:%M UTC") if data.run_at else data.today.isoformat()
    sections = [
        summary_section(data, numbers, words),
        graph_section(graph_svg, graph_json, words),
        savings_section(data, words),
        quality_section(data, words, value_threshold, fitness_threshold),
        waves_section(data, words),
        proposals_section(data, words),
    ]
    toc = "".join(
        f'<a href="#{anchor}">{escape(words(key))}</a>'
        for anchor, key in (
            ("summary", "summary"),
            ("graph", "graph"),
            ("savings", "savings"),
            ("time", "time"),
            ("waves", "waves"),
            ("proposals", "proposals"),
        )
    )
    generated = words(
        "generated",
        when=when,
        version=data.graph_version,
        apps=len(data.landscape.applications),
        integrations=len(data.landscape.integrations),
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words('title'))} — {escape(data.landscape_id)}</title>"
        f"<style>{STYLE}</style></head><body>"
        '<header class="top"><div class="wrap">'
        '<div class="brand">Snoei</div>'
        f"<h1>{escape(words('title'))}</h1>"
        f'<p class="sub">{escape(words("subtitle", landscape=data.landscape_id))}</p>'
        f'<p class="meta">{escape(generated)}</p>'
        f'<nav class="toc" aria-label="{escape(words("contents"))}">{toc}</nav>'
        '</div></header><main class="wrap">'
        + "".join(sections)
        + f"<footer>{escape(words('footer'))}</footer></main>"
        f'<script type="application/json" id="graph-data">{graph_json}</script>'
        f"<script>{SCRIPT}</script></body></html>"
    )
