"""The TIME quadrant scatter: business value against effective technical fitness, one dot
per application, coloured by its proposal and sized by its cost."""

from __future__ import annotations

import math
import zlib

from snoei.rationalizer.domain.assessment import Assessment
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import (
    ACTION_COLOURS,
    BLOCKED_COLOUR,
    element,
    open_svg,
    text,
    title,
)
from snoei.shared.contracts.proposals import Proposal, ProposalStatus

WIDTH, HEIGHT = 560, 460
LEFT, TOP = 56, 16
PLOT_W, PLOT_H = WIDTH - LEFT - 16, HEIGHT - TOP - 48  # 16 to the right, 48 below
QUADRANT_FILLS = {
    "migrate": "#fef3c7",
    "invest": "#dcfce7",
    "eliminate": "#fee2e2",
    "tolerate": "#f1f5f9",
}


def _px(fitness: float) -> float:
    """Where a fitness score (1-5) lands across the plot."""
    return LEFT + PLOT_W * (fitness - 0.5) / 5


def _py(value: float) -> float:
    """Where a business value (1-5) lands up the plot."""
    return TOP + PLOT_H - PLOT_H * (value - 0.5) / 5


def time_scatter(
    data: ReportInput, words: Words, value_threshold: float, fitness_threshold: float
) -> str:
    """Business value (y) against effective technical fitness (x), one dot per application."""
    tx, ty = _px(fitness_threshold), _py(value_threshold)
    parts = [open_svg(WIDTH, HEIGHT, words("time"), class_="chart", id="chart-time")]
    parts.extend(_quadrants(tx, ty, words))
    parts.extend(_axes(words))
    parts.extend(_dots(data, words))
    left, top, plot_w, plot_h = LEFT, TOP, PLOT_W, PLOT_H
    parts.append(
        element(
            "line", x1=tx, x2=tx, y1=top, y2=top + plot_h, stroke="#94a3b8", stroke_dasharray="4 3"
        )
    )
    parts.append(
        element(
            "line",
            x1=left,
            x2=left + plot_w,
            y1=ty,
            y2=ty,
            stroke="#94a3b8",
            stroke_dasharray="4 3",
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _quadrants(tx: float, ty: float, words: Words) -> list[str]:
    """The four quadrants split at the thresholds (``tx``, ``ty``), each named in its outer
    corner, where dots are rare."""
    left, top = LEFT, TOP
    right_edge, bottom_edge = left + PLOT_W, top + PLOT_H
    boxes = (  # key, box, label position and anchor
        ("migrate", (left, top, tx - left, ty - top), (left + 8, top + 18, "start")),
        ("invest", (tx, top, right_edge - tx, ty - top), (right_edge - 8, top + 18, "end")),
        (
            "eliminate",
            (left, ty, tx - left, bottom_edge - ty),
            (left + 8, bottom_edge - 8, "start"),
        ),
        (
            "tolerate",
            (tx, ty, right_edge - tx, bottom_edge - ty),
            (right_edge - 8, bottom_edge - 8, "end"),
        ),
    )
    parts = []
    for key, (x, y, w, h), (lx, ly, anchor) in boxes:
        parts.append(element("rect", x=x, y=y, width=w, height=h, fill=QUADRANT_FILLS[key]))
        parts.append(text(lx, ly, words(key), class_="quadrant", text_anchor=anchor))
    return parts


def _axes(words: Words) -> list[str]:
    left, top, plot_w, plot_h = LEFT, TOP, PLOT_W, PLOT_H
    parts = []
    for tick in range(1, 6):
        parts.append(
            text(_px(tick), top + plot_h + 16, str(tick), class_="axis", text_anchor="middle")
        )
        parts.append(text(left - 10, _py(tick) + 4, str(tick), class_="axis", text_anchor="end"))
    parts.append(
        text(
            left + plot_w / 2,
            HEIGHT - 8,
            words("technical_fitness"),
            class_="label",
            text_anchor="middle",
        )
    )
    parts.append(
        text(
            14,
            top + plot_h / 2,
            words("business_value"),
            class_="label",
            text_anchor="middle",
            transform=f"rotate(-90 14 {top + plot_h / 2:.1f})",
        )
    )
    return parts


def _dots(data: ReportInput, words: Words) -> list[str]:
    """One dot per scored application; plain dots first, dots with a proposal on top."""
    action = {p.targets[0]: p for p in data.proposals}
    costs = [(a.application.yearly_cost or 0.0) for a in data.assessments.values()]
    top_cost = max(costs, default=0) or 1.0
    points: list[tuple[bool, str, float, float, float, str, Assessment]] = []
    for app_id in sorted(data.assessments):
        assessment = data.assessments[app_id]
        value = assessment.application.business_value
        fitness = assessment.effective_fitness
        if value is None or fitness is None:
            continue
        proposal = action.get(app_id)
        radius = 2.5 + 6 * math.sqrt((assessment.application.yearly_cost or 0.0) / top_cost)
        points.append(
            (
                proposal is not None,
                app_id,
                _px(fitness + _jitter(app_id, "x")),
                _py(value + _jitter(app_id, "y")),
                radius,
                _colour(proposal),
                assessment,
            )
        )
    return [
        _dot(app_id, x, y, radius, fill, has_proposal, assessment, words)
        for has_proposal, app_id, x, y, radius, fill, assessment in sorted(
            points, key=lambda p: p[:2]
        )
    ]


def _dot(
    app_id: str,
    x: float,
    y: float,
    radius: float,
    fill: str,
    has_proposal: bool,
    assessment: Assessment,
    words: Words,
) -> str:
    quadrant = words(assessment.quadrant.value) if assessment.quadrant else ""
    scores = (
        f"{assessment.application.business_value} × "
        f"{words.number(assessment.effective_fitness or 0)}"
    )
    return element(
        "circle",
        title(f"{assessment.application.name} — {quadrant} ({scores})"),
        cx=x,
        cy=y,
        r=radius,
        fill=fill,
        fill_opacity=0.9 if has_proposal else 0.55,
        stroke="#ffffff",
        stroke_width=0.8,
        class_="dot",
        data_app=app_id,
    )


def _jitter(key: str, salt: str) -> float:
    """A stable offset in [-0.2, 0.2] so apps with the same scores do not hide each other."""
    return (zlib.crc32(f"{salt}:{key}".encode()) % 1000) / 1000 * 0.4 - 0.2


def _colour(proposal: Proposal | None) -> str:
    if proposal is None:
        return "#94a3b8"
    if proposal.status == ProposalStatus.BLOCKED:
        return BLOCKED_COLOUR
    return ACTION_COLOURS[proposal.action.value]
