"""The board report as one self-contained HTML page: inline CSS, inline SVG charts rendered
here, and a few lines of vanilla JavaScript for the blast radius; no external resources."""

from __future__ import annotations

from collections import Counter
from html import escape

from snoei.rationalizer.domain.rulebook import COVERAGE
from snoei.rationalizer.report.charts import (
    cumulative_per_wave,
    eol_timeline,
    savings_per_proposal,
    time_scatter,
)
from snoei.rationalizer.report.figures import Figures, figures
from snoei.rationalizer.report.graph import landscape_graph
from snoei.rationalizer.report.i18n import Language, Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import ACTION_COLOURS, BLOCKED_COLOUR, NEUTRAL_COLOUR
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus

STYLE = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --paper:#ffffff; --bg:#f4f5f1;
  --brand:#14532d; --accent:#15803d; --retire:#c2410c; --consolidate:#1d4ed8;
  --replace:#a16207; --blocked:#64748b; --radius:#be185d; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 16px/1.55 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; }
header.top { background:var(--brand); color:#fff; padding:36px 0 30px; }
.wrap { max-width:1120px; margin:0 auto; padding:0 28px; }
.brand { text-transform:uppercase; letter-spacing:.14em; font-size:12px; opacity:.8; }
h1 { font-size:32px; line-height:1.2; margin:6px 0 6px; font-weight:650; }
header .sub { font-size:17px; opacity:.92; margin:0; }
header .meta { font-size:13px; opacity:.75; margin-top:10px; }
nav.toc { display:flex; flex-wrap:wrap; gap:6px 18px; margin-top:18px; font-size:14px; }
nav.toc a { color:#d1fae5; text-decoration:none; border-bottom:1px solid rgba(209,250,229,.4); }
section.card { background:var(--paper); border:1px solid var(--line); border-radius:12px;
  padding:26px 30px; margin:24px 0; box-shadow:0 1px 2px rgba(0,0,0,.03); }
h2 { font-size:22px; margin:0 0 6px; font-weight:650; color:var(--brand); }
h3 { font-size:16px; margin:0 0 6px; font-weight:650; }
p.help, .muted { color:var(--muted); font-size:14px; margin:0 0 14px; }
.kpis { display:grid; grid-template-columns:repeat(4, 1fr); gap:14px; margin:18px 0 22px; }
.kpi { border:1px solid var(--line); border-radius:10px; padding:14px 16px; background:#fbfcfa; }
.kpi .label { font-size:13px; color:var(--muted); }
.kpi .value { font-size:27px; font-weight:700; color:var(--brand); line-height:1.25;
  font-variant-numeric: tabular-nums; }
.kpi .note { font-size:12.5px; color:var(--muted); }
.story { display:grid; grid-template-columns:1fr 1fr; gap:18px 30px; }
.story div { border-left:4px solid var(--accent); padding:2px 0 2px 14px; }
.story div.risk { border-color:var(--retire); }
.story p { margin:0 0 6px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:24px; }
svg { display:block; width:100%; height:auto; font-family:inherit; }
svg .axis { font-size:11px; fill:var(--muted); }
svg .label { font-size:12px; fill:var(--ink); }
svg .value { font-size:11.5px; fill:var(--ink); font-weight:600; }
svg .quadrant { font-size:13px; font-weight:650; fill:#374151; opacity:.75; }
svg .today { font-size:11px; font-weight:650; fill:var(--ink); }
svg .hub { font-size:11px; fill:#374151; text-anchor:middle; paint-order:stroke;
  stroke:#fff; stroke-width:3px; pointer-events:none; }
#landscape { background:#fcfdfb; border:1px solid var(--line); border-radius:10px; }
#landscape .edge { stroke:#94a3b8; stroke-opacity:.28; stroke-width:.7; }
#landscape .node { cursor:pointer; outline:none; }
#landscape .node circle { stroke:#fff; stroke-width:1; transition:opacity .15s; }
#landscape .node:focus circle, #landscape .node:hover circle { stroke:#111827; stroke-width:2; }
#landscape.focus .node circle { opacity:.18; }
#landscape.focus .edge { stroke-opacity:.06; }
#landscape.focus .node.radius circle { opacity:1; stroke:var(--radius); stroke-width:2.5; }
#landscape.focus .node.selected circle { opacity:1; stroke:#111827; stroke-width:3.5; }
#landscape.focus .edge.radius { stroke:var(--radius); stroke-opacity:.75; stroke-width:1.4; }
.graph-info { margin:10px 0 0; font-size:15px; min-height:1.6em; }
.graph-info strong { color:var(--radius); }
.legend { display:flex; flex-wrap:wrap; gap:6px 18px; font-size:13px; color:var(--muted);
  margin:0 0 10px; }
.legend span::before { content:""; display:inline-block; width:11px; height:11px;
  border-radius:50%; margin-right:6px; vertical-align:-1px; background:var(--c); }
.legend span.ring::before { background:#fff; border:2.5px solid var(--c); width:8px; height:8px; }
.waves ol { margin:0; padding:0; list-style:none; }
.waves li { display:grid; grid-template-columns:170px 1fr; gap:14px; padding:12px 0;
  border-top:1px solid var(--line); }
.waves li:first-child { border-top:0; }
.waves .head strong { display:block; font-size:16px; }
.waves .head span { font-size:13px; color:var(--muted); }
.chip { display:inline-block; padding:2px 9px; margin:2px 4px 2px 0; border-radius:999px;
  font-size:13px; background:#f1f5f9; border:1px solid var(--line); }
.chip.cycle { background:#fef3c7; border-color:#fcd34d; }
table { width:100%; border-collapse:collapse; font-size:14px; }
th { text-align:left; font-size:12px; text-transform:uppercase; letter-spacing:.04em;
  color:var(--muted); border-bottom:2px solid var(--line); padding:8px 8px; }
td { border-bottom:1px solid var(--line); padding:10px 8px; vertical-align:top; }
td.num { text-align:right; white-space:nowrap; font-variant-numeric: tabular-nums; }
tr.blocked td { background:#f8fafc; }
.badge { display:inline-block; padding:1px 8px; border-radius:6px; font-size:12px;
  font-weight:650; color:#fff; background:var(--c); white-space:nowrap; }
.status { font-size:12px; color:var(--muted); white-space:nowrap; }
.status.blocked { color:#b91c1c; font-weight:650; }
.what { font-weight:600; }
.summary-text { color:#374151; margin:4px 0 0; font-size:13.5px; }
.reason { color:#b91c1c; font-size:13.5px; margin:4px 0 0; }
details { margin-top:6px; font-size:13px; }
summary { cursor:pointer; color:var(--accent); }
.rule { margin:8px 0 0; padding-left:10px; border-left:3px solid var(--line); }
.rule code { font-size:12px; background:#f1f5f9; padding:1px 5px; border-radius:4px; }
.facts { display:grid; grid-template-columns:max-content 1fr; gap:1px 12px; margin-top:4px;
  color:var(--muted); font-size:12.5px; }
.facts dt { font-family:ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.facts dd { margin:0; word-break:break-word; }
table.quadrants td { padding:12px 8px; }
td.big { font-size:26px; font-weight:700; color:var(--brand); }
.swatch { display:inline-block; width:12px; height:12px; border-radius:3px; background:var(--c);
  margin-right:8px; vertical-align:-1px; }
footer { color:var(--muted); font-size:13px; padding:10px 0 40px; }
@media (max-width: 860px) { .kpis, .story, .grid2 { grid-template-columns:1fr 1fr; }
  .grid2 { grid-template-columns:1fr; } }
@media print { body { background:#fff; } section.card { break-inside:avoid; box-shadow:none; }
  nav.toc, details summary { display:none; } }
"""

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var svg = document.getElementById("landscape");
  var info = document.getElementById("graph-info");
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  function blastRadius(start) {
    var seen = {}, stack = [start];
    seen[start] = true;
    while (stack.length) {
      data.consumers[stack.pop()].forEach(function (j) {
        if (!seen[j]) { seen[j] = true; stack.push(j); }
      });
    }
    delete seen[start];
    return seen;
  }
  function clear() {
    svg.classList.remove("focus");
    nodes.concat(edges).forEach(function (el) { el.classList.remove("radius", "selected"); });
    info.textContent = data.prompt;
  }
  function select(i) {
    clear();
    var reach = blastRadius(i), count = Object.keys(reach).length;
    svg.classList.add("focus");
    nodes.forEach(function (n) {
      var k = Number(n.dataset.i);
      if (k === i) n.classList.add("selected");
      if (reach[k]) n.classList.add("radius");
    });
    edges.forEach(function (e) {
      var s = Number(e.dataset.s), t = Number(e.dataset.t);
      if ((s === i || reach[s]) && reach[t]) e.classList.add("radius");
    });
    var parts = data.selected.split(/(\\{name\\}|\\{count\\})/);
    info.textContent = "";
    parts.forEach(function (part) {
      if (part === "{name}" || part === "{count}") {
        var strong = document.createElement("strong");
        strong.textContent = part === "{name}" ? data.names[i] : String(count);
        info.appendChild(strong);
      } else {
        info.appendChild(document.createTextNode(part));
      }
    });
  }
  nodes.forEach(function (n) {
    var i = Number(n.dataset.i);
    n.addEventListener("click", function (event) { event.stopPropagation(); select(i); });
    n.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(i); }
      if (event.key === "Escape") { clear(); }
    });
  });
  svg.addEventListener("click", clear);
  clear();
})();
"""

STATUS_ORDER = {
    ProposalStatus.OPEN: 0,
    ProposalStatus.ACCEPTED: 0,
    ProposalStatus.BLOCKED: 1,
    ProposalStatus.REJECTED: 2,
}


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
        _summary(data, numbers, words),
        _graph_section(graph_svg, graph_json, words),
        _savings_section(data, words),
        _quality_section(data, words, value_threshold, fitness_threshold),
        _waves_section(data, words),
        _proposals_section(data, words),
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


def _summary(data: ReportInput, numbers: Figures, words: Words) -> str:
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
    kpi_html = "".join(
        f'<div class="kpi"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="note">{escape(note)}</div></div>'
        for label, value, note in kpis
    )
    prune = [words("what_prune_text", **counts)]
    saves = [
        words(
            "what_saves_text",
            saving=words.euros(numbers.yearly_saving),
            share=words.percent(numbers.share),
            total=words.euros(numbers.landscape_cost),
            one_off=words.euros(numbers.one_off),
        )
    ]
    if numbers.largest is not None and numbers.largest.yearly_saving > 0:
        saves.append(
            words(
                "what_saves_largest",
                name=_headline(numbers.largest, data, words),
                saving=words.euros(numbers.largest.yearly_saving),
            )
        )
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
            f"{data.name(p.targets[0])} ({_uncovered(p, data)})" for p in numbers.blocked
        )
        risks.append(words("what_risks_blocked", count=len(numbers.blocked), names=names))
    if numbers.on_eol:
        risks.append(words("what_risks_eol", count=len(numbers.on_eol)))
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
    blocks = [
        ("what_prune", prune, ""),
        ("what_saves", saves, ""),
        ("what_risks", risks, "risk"),
        ("what_first", first, ""),
    ]
    story = "".join(
        f'<div class="{css}"><h3>{escape(words(key))}</h3>'
        + "".join(f"<p>{escape(line)}</p>" for line in lines)
        + "</div>"
        for key, lines, css in blocks
    )
    return (
        f'<section class="card" id="summary"><h2>{escape(words("summary"))}</h2>'
        f'<div class="kpis">{kpi_html}</div><div class="story">{story}</div></section>'
    )


def _uncovered(proposal: Proposal, data: ReportInput) -> str:
    for rule in proposal.rules:
        if rule.rule == COVERAGE:
            ids = str(rule.facts.get("uncovered_capabilities") or "")
            return ", ".join(
                data.landscape.capability_name(c.strip()) for c in ids.split(",") if c.strip()
            )
    return proposal.blocked_reason or ""


def _headline(proposal: Proposal, data: ReportInput, words: Words) -> str:
    name = data.name(proposal.targets[0])
    if proposal.action == Action.CONSOLIDATE:
        survivor = data.name(proposal.survivor) if proposal.survivor else "?"
        return words("do_consolidate", name=name, survivor=survivor)
    return words(f"do_{proposal.action.value}", name=name)


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


def _graph_section(graph_svg: str, graph_json: str, words: Words) -> str:
    del graph_json  # travels in its own script element at the end of the page
    radius = f'<span class="ring" style="--c:#be185d">{escape(words("legend_radius"))}</span>'
    legend = _legend(words).replace("</div>", radius + "</div>")
    return (
        f'<section class="card" id="graph"><h2>{escape(words("graph"))}</h2>'
        f'<p class="help">{escape(words("graph_help"))}</p>{legend}{graph_svg}'
        f'<p class="graph-info" id="graph-info" aria-live="polite">'
        f"{escape(words('graph_select'))}</p></section>"
    )


def _savings_section(data: ReportInput, words: Words) -> str:
    chosen = min(12, sum(1 for p in data.active if p.yearly_saving > 0))
    return (
        f'<section class="card" id="savings"><h2>{escape(words("savings"))}</h2>'
        f"<h3>{escape(words('savings_per_proposal', count=chosen))}</h3>"
        f"{_legend(words, everything=False)}{savings_per_proposal(data, words)}"
        f'<h3 style="margin-top:22px">{escape(words("savings_per_wave"))}</h3>'
        f"{cumulative_per_wave(data, words)}</section>"
    )


def _quality_section(
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


def _waves_section(data: ReportInput, words: Words) -> str:
    if not data.waves.waves:
        body = f'<p class="muted">{escape(words("waves_none"))}</p>'
    else:
        saving = {p.id: p.yearly_saving for p in data.active}
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


def _proposals_section(data: ReportInput, words: Words) -> str:
    ordered = sorted(data.proposals, key=lambda p: (STATUS_ORDER[p.status], -p.yearly_saving, p.id))
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


QUADRANT_SWATCH = {
    "invest": "#86efac",
    "migrate": "#fcd34d",
    "tolerate": "#cbd5e1",
    "eliminate": "#fca5a5",
}
NUMERIC = frozenset({"col_saving", "col_one_off", "col_payback", "col_confidence"})


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
            "blocked_because", reason=words("blocked_uncovered", names=_uncovered(proposal, data))
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
        f'<td><div class="what">{escape(_headline(proposal, data, words))}</div>'
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
