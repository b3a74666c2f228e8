"""The report page's inline CSS and the vanilla JavaScript of the landscape graph: an
application's blast radius (drawn applications and per-domain counts of the rest) and the
search box over every application's name."""

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
#landscape .box { fill:#fff; stroke:#d6dbd3; }
#landscape .domain { font-size:13px; font-weight:650; fill:var(--brand); }
#landscape .others { font-size:11.5px; fill:var(--muted); font-style:italic; }
#landscape .hit { font-size:11.5px; fill:var(--radius); font-weight:650; }
#landscape .name { font-size:11.5px; fill:#374151; paint-order:stroke; stroke:#fff;
  stroke-width:3px; }
#landscape .node.none .name { fill:var(--muted); }
#landscape .edge { fill:none; stroke:#64748b; stroke-opacity:.16; stroke-width:.9; }
#landscape .node { cursor:pointer; outline:none; }
#landscape .node circle { stroke:#fff; stroke-width:1; transition:opacity .15s; }
#landscape .node:focus circle, #landscape .node:hover circle { stroke:#111827; stroke-width:2; }
#landscape.focus .node { opacity:.22; }
#landscape.focus .edge { stroke-opacity:.05; }
#landscape.focus .node.radius, #landscape.focus .node.selected,
#landscape.focus .node.match { opacity:1; }
#landscape.focus .node.radius circle { stroke:var(--radius); stroke-width:2.5; }
#landscape.focus .node.selected circle { stroke:#111827; stroke-width:3.5; }
#landscape.focus .node.match circle { stroke:#111827; stroke-width:2.5; }
#landscape .group.radius .box { stroke:var(--radius); stroke-width:2; }
#landscape .group.selected .box, #landscape .group.match .box { stroke:#111827; stroke-width:2.5; }
#landscape.focus .edge.radius { stroke:var(--radius); stroke-opacity:.8; stroke-width:1.6; }
.graph-tools { display:flex; flex-wrap:wrap; align-items:center; gap:8px 14px; margin:0 0 10px; }
.graph-tools input { font:inherit; font-size:14px; padding:6px 10px; min-width:280px;
  border:1px solid #cbd5e1; border-radius:8px; }
#graph-results { display:flex; flex-wrap:wrap; gap:6px; font-size:13px; color:var(--muted); }
#graph-results button { font:inherit; font-size:13px; padding:2px 9px; border-radius:999px;
  border:1px solid var(--line); background:#f1f5f9; cursor:pointer; }
ul.notes { margin:10px 0 0; padding-left:20px; font-size:14px; color:#374151; }
ul.notes li { margin:3px 0; }
td.uncounted { color:var(--muted); text-decoration:line-through; }
tfoot td { font-weight:700; border-top:2px solid var(--line); border-bottom:0; }
h3.table-title { margin-top:22px; }
#proposals table { table-layout:fixed; }
#proposals th:nth-child(1) { width:39%; } #proposals th:nth-child(2) { width:12%; }
#proposals th:nth-child(3), #proposals th:nth-child(4) { width:11%; }
#proposals th:nth-child(5) { width:9%; } #proposals th:nth-child(6) { width:7%; }
#proposals th:nth-child(7) { width:11%; overflow-wrap:anywhere; }
.chip.muted { color:var(--muted); border-style:dashed; }
dl.method { display:grid; grid-template-columns:210px 1fr; gap:8px 18px; margin:0;
  font-size:14.5px; }
dl.method dt { font-weight:650; }
dl.method dd { margin:0; }
.meter { display:inline-block; width:180px; height:10px; background:#eef2ee; border-radius:5px;
  margin-right:10px; vertical-align:middle; overflow:hidden; }
.meter span { display:block; height:100%; background:var(--accent); }
.graph-info { margin:10px 0 0; font-size:15px; min-height:1.6em; }
.graph-info strong { color:var(--radius); }
.legend { display:flex; flex-wrap:wrap; gap:6px 18px; font-size:13px; color:var(--muted);
  margin:0 0 10px; }
.legend span::before { content:""; display:inline-block; width:11px; height:11px;
  border-radius:50%; margin-right:6px; vertical-align:-1px; background:var(--c); }
.legend span.ring::before { background:#fff; border:2.5px solid var(--c); width:8px; height:8px; }
.waves ol { margin:0; padding:0; list-style:none; }
.waves ol > li { display:grid; grid-template-columns:170px 1fr; gap:14px; padding:12px 0;
  border-top:1px solid var(--line); }
.waves ol > li:first-child { border-top:0; }
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
.reason.doubt { color:#92400e; }
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
  var search = document.getElementById("graph-search");
  var results = document.getElementById("graph-results");
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var groups = Array.prototype.slice.call(svg.querySelectorAll(".group"));
  var nodeOf = {};
  nodes.forEach(function (n) { nodeOf[Number(n.dataset.i)] = n; });
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
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (m, key) { return values[key]; });
  }
  function clear() {
    svg.classList.remove("focus");
    nodes.concat(edges, groups).forEach(function (el) {
      el.classList.remove("radius", "selected", "match");
    });
    groups.forEach(function (g) { g.querySelector(".hit").textContent = ""; });
    info.textContent = data.prompt;
  }
  function say(i, count) {
    var template = count === 1 ? data.selected.one : data.selected.other;
    var parts = template.split(/(\\{name\\}|\\{count\\})/);
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
    if (!data.drawn[i]) {
      var group = groups[data.group[i]];
      var where = fill(data.inGroup, {group: group.dataset.name});
      info.appendChild(document.createTextNode(" " + where));
    }
  }
  function select(i) {
    clear();
    var reach = blastRadius(i), count = Object.keys(reach).length, hidden = {};
    svg.classList.add("focus");
    if (nodeOf[i]) nodeOf[i].classList.add("selected");
    else groups[data.group[i]].classList.add("selected");
    Object.keys(reach).forEach(function (key) {
      var k = Number(key);
      if (nodeOf[k]) nodeOf[k].classList.add("radius");
      else hidden[data.group[k]] = (hidden[data.group[k]] || 0) + 1;
    });
    Object.keys(hidden).forEach(function (g) {
      groups[g].classList.add("radius");
      groups[g].querySelector(".hit").textContent = fill(data.hits, {count: hidden[g]});
    });
    edges.forEach(function (e) {
      var s = Number(e.dataset.s), t = Number(e.dataset.t);
      if ((s === i || reach[s]) && reach[t]) e.classList.add("radius");
    });
    say(i, count);
  }
  function find(query) {
    var q = query.trim().toLowerCase(), found = [];
    if (q.length < 2) return found;
    data.names.forEach(function (name, i) {
      var id = data.apps[i].toLowerCase();
      if (name.toLowerCase().indexOf(q) >= 0 || id.indexOf(q) >= 0) found.push(i);
    });
    return found;
  }
  function showMatches() {
    var found = find(search.value);
    clear();
    results.textContent = "";
    if (!search.value.trim()) return;
    if (!found.length) { results.textContent = data.noMatch; return; }
    svg.classList.add("focus");
    found.forEach(function (i) {
      if (nodeOf[i]) nodeOf[i].classList.add("match");
      else groups[data.group[i]].classList.add("match");
    });
    found.slice(0, 8).forEach(function (i) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.i = String(i);
      button.textContent = data.names[i];
      button.addEventListener("click", function () { select(i); });
      results.appendChild(button);
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
  search.addEventListener("input", showMatches);
  search.addEventListener("keydown", function (event) {
    var found = find(search.value);
    if (event.key === "Enter" && found.length) { event.preventDefault(); select(found[0]); }
    if (event.key === "Escape") { search.value = ""; showMatches(); }
  });
  svg.addEventListener("click", clear);
  clear();
})();
"""
