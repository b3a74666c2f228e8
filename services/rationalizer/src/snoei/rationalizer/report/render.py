"""The board report as one self-contained HTML page: inline CSS, inline SVG charts rendered
here, and a few lines of vanilla JavaScript for the graph; no external resources."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.report.assets import SCRIPT, STYLE
from snoei.rationalizer.report.figures import figures
from snoei.rationalizer.report.graph import landscape_graph
from snoei.rationalizer.report.i18n import Language, Words
from snoei.rationalizer.report.method import data_section, methodology_section
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.portfolio import portfolio_section
from snoei.rationalizer.report.proposals import proposals_section
from snoei.rationalizer.report.sections import (
    graph_section,
    quality_section,
    savings_section,
    waves_section,
)
from snoei.rationalizer.report.summary import summary_section

CONTENTS = (
    ("summary", "summary"),
    ("graph", "graph"),
    ("savings", "savings"),
    ("portfolio", "portfolio"),
    ("time", "time"),
    ("waves", "waves"),
    ("proposals", "proposals"),
    ("method", "method"),
    ("data", "data"),
)


def render_report(data: ReportInput, lang: Language = "en") -> str:
    """The whole report as one HTML string; every piece of data in it is escaped."""
    words = Words(lang)
    numbers = figures(data)
    graph_svg, graph_json = landscape_graph(data, words)
    when = words.moment(data.run_at) if data.run_at else words.long_date(data.today)
    sections = [
        summary_section(data, numbers, words),
        graph_section(graph_svg, words),
        savings_section(data, numbers, words),
        portfolio_section(data, numbers, words),
        quality_section(data, words),
        waves_section(data, numbers, words),
        proposals_section(data, numbers, words),
        methodology_section(data, words),
        data_section(data, words),
    ]
    toc = "".join(f'<a href="#{anchor}">{escape(words(key))}</a>' for anchor, key in CONTENTS)
    generated = words(
        "generated",
        when=when,
        version=data.graph_version,
        apps=words.plural("n_applications", len(data.landscape.applications)),
        integrations=words.plural("n_integrations", len(data.landscape.integrations)),
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
