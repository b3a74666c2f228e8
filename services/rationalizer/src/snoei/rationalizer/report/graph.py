"""The landscape as a legible SVG: one box per capability domain (the top of the capability
tree), in which the proposals' neighbourhoods are drawn in full — every application with a
proposal, its survivor and the applications it exchanges data with — and the rest of the
domain is one aggregate ("+ 20 other applications"). The page's script walks the consumer
lists of every application for the blast radius and searches all names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.portfolio import costs_of, domain_of
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import (
    ACTION_COLOURS,
    BLOCKED_COLOUR,
    NEUTRAL_COLOUR,
    element,
    open_svg,
    shorten,
    text,
    title,
)
from snoei.shared.contracts.proposals import Proposal, ProposalStatus

WIDTH, MARGIN, GAP, COLUMNS = 1000, 12, 14, 3
BOX_W = (WIDTH - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS
HEADER, ROW, FOOTER = 44, 19, 30
LABEL_CHARS = 20
Point = tuple[float, float]


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>`` or comment can be formed."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@dataclass(frozen=True, slots=True)
class Group:
    key: str | None
    name: str
    drawn: list[str]
    """Applications drawn one by one: those with a proposal first, then their neighbours."""
    others: list[str]
    """Applications of the domain shown only as a count."""


def concerned(landscape: Landscape, proposals: tuple[Proposal, ...]) -> set[str]:
    """Every application a proposal concerns: its targets and survivor."""
    return {a for p in proposals for a in (*p.targets, p.survivor) if a in landscape.applications}


def neighbourhoods(landscape: Landscape, proposals: tuple[Proposal, ...]) -> set[str]:
    """Every application a proposal concerns, and the applications it exchanges data with."""
    near = concerned(landscape, proposals)
    for app_id in list(near):
        near.update(i.source for i in landscape.incoming(app_id))
        near.update(i.target for i in landscape.outgoing(app_id))
    return near


def groups(data: ReportInput) -> list[Group]:
    landscape = data.landscape
    drawn = neighbourhoods(landscape, data.proposals)
    proposed = {p.targets[0] for p in data.proposals if p.targets}
    members: dict[str | None, list[str]] = {}
    for app in landscape.applications.values():
        members.setdefault(domain_of(landscape, app), []).append(app.id)
    result = []
    for key, apps in members.items():

        def order(a: str) -> tuple[bool, str]:
            return (a not in proposed, data.name(a).lower())

        result.append(
            Group(
                key=key,
                name=landscape.capability_name(key) if key is not None else "",
                drawn=sorted((a for a in apps if a in drawn), key=order),
                others=sorted(a for a in apps if a not in drawn),
            )
        )
    # Domains with the most to look at first; the one without a capability last.
    return sorted(result, key=lambda g: (g.key is None, -len(g.drawn), g.name.lower()))


def landscape_graph(data: ReportInput, words: Words) -> tuple[str, str]:
    """The SVG, and the JSON (names, domains and consumer lists by index) for the script."""
    landscape = data.landscape
    boxes = groups(data)
    nodes = sorted(landscape.applications)
    index = {app_id: i for i, app_id in enumerate(nodes)}
    spots, frames, height = _layout(boxes)
    drawn = set(spots)
    flows = sorted({(s, c) for s, c in landscape.graph.edges() if s != c})
    core = concerned(landscape, data.proposals)
    shown = [(s, c) for s, c in flows if s in drawn and c in drawn and {s, c} & core]
    group_of = {a: n for n, box in enumerate(boxes) for a in (*box.drawn, *box.others)}
    parts = [
        open_svg(WIDTH, height, words.plural("graph_nodes", len(nodes)), id="landscape"),
        element("g", *(_frame(b, n, frames[n], data, words) for n, b in enumerate(boxes))),
        element(
            "g", *(_edge(spots[s], spots[c], index[s], index[c]) for s, c in shown), class_="edges"
        )
        if shown
        else "",
        element("g", *_nodes(data, index, spots, words), class_="nodes"),
        "</svg>",
    ]
    consumers: list[list[int]] = [[] for _ in nodes]
    for supplier, consumer in flows:
        consumers[index[supplier]].append(index[consumer])
    payload = {
        "names": [landscape.applications[a].name for a in nodes],
        "apps": nodes,
        "group": [group_of[a] for a in nodes],
        "drawn": [a in drawn for a in nodes],
        "consumers": [sorted(c) for c in consumers],
        # Both languages use "one" for exactly 1 (CLDR), which the script applies.
        "selected": words.forms("graph_selected"),
        "inGroup": words("graph_in_group", group="{group}"),
        "hits": words("graph_hits", count="{count}"),
        "noMatch": words("graph_no_match"),
        "prompt": words("graph_select"),
    }
    return "".join(parts), script_json(payload)


def _layout(boxes: list[Group]) -> tuple[dict[str, Point], list[tuple[float, float, float]], float]:
    """Dot positions of the drawn applications, each box's (x, y, height), total height.
    Boxes fill a grid row by row; a box lists its applications in two columns."""
    spots: dict[str, Point] = {}
    frames: list[tuple[float, float, float]] = []
    y = MARGIN
    for start in range(0, len(boxes), COLUMNS):
        row = boxes[start : start + COLUMNS]
        rows_needed = max((len(b.drawn) + 1) // 2 for b in row)
        box_h = HEADER + ROW * rows_needed + FOOTER
        for column, box in enumerate(row):
            x = MARGIN + column * (BOX_W + GAP)
            frames.append((x, y, box_h))
            per_column = (len(box.drawn) + 1) // 2
            for n, app_id in enumerate(box.drawn):
                col, line = divmod(n, per_column) if per_column else (0, n)
                spots[app_id] = (x + 14 + col * BOX_W / 2, y + HEADER + ROW * line + ROW / 2)
        y += box_h + GAP
    return spots, frames, y - GAP + MARGIN


def _frame(
    box: Group, number: int, frame: tuple[float, float, float], data: ReportInput, words: Words
) -> str:
    x, y, height = frame
    costs = costs_of(data.landscape.applications[a] for a in (*box.drawn, *box.others))
    name = box.name or words("no_domain")
    summary = f"{words.plural('n_applications', len(costs.applications))} · " + words(
        "per_year", amount=words.short_euros(costs.yearly_cost)
    )
    others = words.plural("graph_others", len(box.others)) if box.others else ""
    return element(
        "g",
        title(f"{name}: {summary}"),
        element("rect", x=x, y=y, width=BOX_W, height=height, rx=8, class_="box"),
        text(x + 12, y + 19, shorten(name, 40), class_="domain"),
        text(x + 12, y + 34, summary, class_="axis"),
        text(x + 12, y + height - 11, others, class_="others"),
        text(x + BOX_W - 12, y + height - 11, "", class_="hit", text_anchor="end"),
        class_="group",
        data_group=number,
        data_name=name,
    )


def _edge(start: Point, end: Point, source: int, target: int) -> str:
    # A gentle curve, so that lines between dots in one column do not run over the labels.
    bend = 22 if abs(start[0] - end[0]) < 1 else 0
    mid_x, mid_y = (start[0] + end[0]) / 2 - bend, (start[1] + end[1]) / 2
    return element(
        "path",
        d=f"M{start[0]:.1f},{start[1]:.1f} Q{mid_x:.1f},{mid_y:.1f} {end[0]:.1f},{end[1]:.1f}",
        class_="edge",
        data_s=source,
        data_t=target,
    )


def _nodes(
    data: ReportInput, index: dict[str, int], spots: dict[str, Point], words: Words
) -> list[str]:
    """One dot and label per drawn application, coloured by its proposal (grey: none)."""
    proposal_of = {p.targets[0]: p for p in data.proposals if p.targets}
    parts = []
    for app_id, (x, y) in spots.items():
        app = data.landscape.applications[app_id]
        proposal = proposal_of.get(app_id)
        if proposal is None:
            fill, kind, label = NEUTRAL_COLOUR, "none", app.name
        else:
            blocked = proposal.status == ProposalStatus.BLOCKED
            fill = BLOCKED_COLOUR if blocked else ACTION_COLOURS[proposal.action.value]
            kind = "blocked" if blocked else proposal.action.value
            label = f"{app.name} — {words(proposal.action.value)} ({words(proposal.status.value)})"
        parts.append(
            element(
                "g",
                title(label),
                element("circle", cx=x, cy=y, r=6 if proposal else 4.5, fill=fill),
                text(x + 10, y + 4, shorten(app.name, LABEL_CHARS), class_="name"),
                class_=f"node {kind}",
                data_i=index[app_id],
                data_app=app_id,
                tabindex=0,
                role="button",
                aria_label=label,
            )
        )
    return parts
