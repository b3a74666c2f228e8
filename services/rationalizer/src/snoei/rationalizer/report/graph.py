"""The landscape as an SVG graph: applications placed by a seeded force layout, coloured by
their proposal, with the consumer lists the page's script walks for the blast radius."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import networkx as nx

from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.layout import spring_layout
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
from snoei.shared.contracts.proposals import ProposalStatus

WIDTH, HEIGHT, MARGIN = 1000, 680, 36
Point = tuple[float, float]
HUB_LABELS = 8
"""The best-connected applications are labelled; the rest show their name on hover."""


def _iterations(count: int) -> int:
    # The layout is O(n) per iteration; very large landscapes get a coarser picture.
    return 80 if count <= 1000 else 30


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>`` or comment can be formed."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def landscape_graph(data: ReportInput, words: Words) -> tuple[str, str]:
    """The SVG, and the JSON (names and consumer lists by node index) for the script."""
    landscape = data.landscape
    nodes = sorted(landscape.applications)
    index = {app_id: i for i, app_id in enumerate(nodes)}
    positions = spring_layout(nx.Graph(landscape.graph), iterations=_iterations(len(nodes)))

    def xy(app_id: str) -> Point:
        x, y = positions[app_id]
        return MARGIN + x * (WIDTH - 2 * MARGIN), MARGIN + y * (HEIGHT - 2 * MARGIN)

    # One line per supplier and consumer, however many integrations they share.
    flows = sorted({(s, c) for s, c in landscape.graph.edges() if s != c})
    edge_parts = [_edge(xy(s), xy(c), index[s], index[c]) for s, c in flows]
    parts = [
        open_svg(WIDTH, HEIGHT, words("graph_nodes", count=len(nodes)), id="landscape"),
        element("g", *edge_parts, class_="edges") if edge_parts else "",
        element("g", *_nodes(data, index, xy, words), class_="nodes"),
        "</svg>",
    ]
    consumers: list[list[int]] = [[] for _ in nodes]
    for supplier, consumer in flows:
        consumers[index[supplier]].append(index[consumer])
    payload = {
        "names": [landscape.applications[a].name for a in nodes],
        "consumers": [sorted(c) for c in consumers],
        "selected": words("graph_selected", name="{name}", count="{count}"),
        "prompt": words("graph_select"),
    }
    return "".join(parts), script_json(payload)


def _edge(start: Point, end: Point, source: int, target: int) -> str:
    return element(
        "line",
        x1=start[0],
        y1=start[1],
        x2=end[0],
        y2=end[1],
        class_="edge",
        data_s=source,
        data_t=target,
    )


def _nodes(
    data: ReportInput, index: dict[str, int], xy: Callable[[str], Point], words: Words
) -> list[str]:
    """One circle per application, sized by cost and coloured by its proposal; the best
    connected are labelled, and applications with a proposal are drawn last (on top)."""
    landscape = data.landscape
    proposal_of = {p.targets[0]: p for p in data.proposals}
    costs = [(a.yearly_cost or 0.0) for a in landscape.applications.values()]
    top_cost = max(costs, default=0) or 1.0
    degree = dict(landscape.graph.degree())
    hubs = set(sorted(index, key=lambda a: (-degree.get(a, 0), a))[:HUB_LABELS])
    node_parts = []
    for app_id in sorted(index, key=lambda a: (a in proposal_of, a)):
        app = landscape.applications[app_id]
        proposal = proposal_of.get(app_id)
        x, y = xy(app_id)
        radius = 3.5 + 7 * math.sqrt((app.yearly_cost or 0.0) / top_cost)
        if proposal is None:
            fill, kind = NEUTRAL_COLOUR, "none"
        elif proposal.status == ProposalStatus.BLOCKED:
            fill, kind = BLOCKED_COLOUR, "blocked"
        else:
            fill, kind = ACTION_COLOURS[proposal.action.value], proposal.action.value
        label = app.name
        if proposal is not None:
            label = f"{app.name} — {words(proposal.action.value)} ({words(proposal.status.value)})"
        children = [title(label), element("circle", cx=x, cy=y, r=radius, fill=fill)]
        if app_id in hubs:
            children.append(text(x, y - radius - 4, shorten(app.name, 28), class_="hub"))
        node_parts.append(
            element(
                "g",
                *children,
                class_=f"node {kind}",
                data_i=index[app_id],
                data_app=app_id,
                tabindex=0,
                role="button",
                aria_label=label,
            )
        )
    return node_parts
