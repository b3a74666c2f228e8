"""Server-side SVG charts: savings per proposal, cumulative savings per wave, the TIME
quadrant scatter and the end-of-life timeline of technologies in use."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from snoei.rationalizer.domain.technology import Milestone
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import (
    ACTION_COLOURS,
    BLOCKED_COLOUR,
    GRID,
    INK,
    MUTED,
    element,
    open_svg,
    shorten,
    text,
    title,
)
from snoei.shared.contracts.proposals import Proposal, ProposalStatus

WAVE_BAR = "#86efac"
WAVE_LINE = "#15803d"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
    power of ten), so the longest bar fills most of the axis."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def savings_per_proposal(data: ReportInput, words: Words, limit: int = 12) -> str:
    """Horizontal bars of the largest yearly savings among the open/accepted proposals."""
    chosen = sorted(
        (p for p in data.active if p.yearly_saving > 0), key=lambda p: (-p.yearly_saving, p.id)
    )[:limit]
    width, row, left, right, top = 720, 28, 250, 90, 8
    height = top + row * max(1, len(chosen)) + 28
    peak = _nice_max(max((p.yearly_saving for p in chosen), default=0))
    scale = (width - left - right) / peak
    label = words("savings_per_proposal", count=len(chosen))
    parts = [open_svg(width, height, label, class_="chart", id="chart-proposals")]
    for tick in range(5):
        x = left + (width - left - right) * tick / 4
        parts.append(element("line", x1=x, x2=x, y1=top, y2=height - 22, stroke=GRID))
        parts.append(
            text(
                x,
                height - 6,
                words.short_euros(peak * tick / 4),
                class_="axis",
                text_anchor="middle",
            )
        )
    for n, proposal in enumerate(chosen):
        y = top + n * row
        name = data.name(proposal.targets[0])
        bar = max(1.0, proposal.yearly_saving * scale)
        colour = ACTION_COLOURS[proposal.action.value]
        parts.append(
            element(
                "g",
                title(f"{name}: {words.euros(proposal.yearly_saving)}"),
                text(
                    left - 10, y + row / 2 + 4, shorten(name, 34), class_="label", text_anchor="end"
                ),
                element("rect", x=left, y=y + 5, width=bar, height=row - 10, rx=3, fill=colour),
                text(
                    left + bar + 6,
                    y + row / 2 + 4,
                    words.short_euros(proposal.yearly_saving),
                    class_="value",
                ),
                class_="bar",
                data_proposal=proposal.id,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def wave_savings(data: ReportInput) -> list[tuple[int, int, float]]:
    """(wave number, applications, yearly saving of its proposals) per wave."""
    saving = {p.id: p.yearly_saving for p in data.active}
    rows = []
    for wave in data.waves.waves:
        ids = {pid for unit in wave.units for pid in unit.proposal_ids}
        apps = sum(len(unit.applications) for unit in wave.units)
        rows.append((wave.number, apps, round(sum(saving.get(i, 0.0) for i in ids), 2)))
    return rows


def cumulative_per_wave(data: ReportInput, words: Words) -> str:
    """Bars of each wave's saving with the running total as a line above them."""
    rows = wave_savings(data)
    width, height, left, bottom, top = 720, 280, 70, 44, 24
    plot_w, plot_h = width - left - 20, height - top - bottom
    total = sum(s for _, _, s in rows)
    peak = _nice_max(total * 1.12)  # room for the labels above the line
    parts = [open_svg(width, height, words("savings_per_wave"), class_="chart", id="chart-waves")]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(element("line", x1=left, x2=width - 20, y1=y, y2=y, stroke=GRID))
        parts.append(
            text(
                left - 8,
                y + 4,
                words.short_euros(peak * tick / 4),
                class_="axis",
                text_anchor="end",
            )
        )
    slot = plot_w / max(1, len(rows))
    running = 0.0
    points = []
    for n, (number, apps, saving) in enumerate(rows):
        x = left + slot * n + slot * 0.2
        bar_h = plot_h * saving / peak
        running += saving
        cy = top + plot_h - plot_h * running / peak
        cx = x + slot * 0.3
        points.append((cx, cy, running))
        label = words("wave", number=number)
        parts.append(
            element(
                "g",
                title(f"{label}: {words('apps_count', count=apps)} · {words.euros(saving)}"),
                element(
                    "rect",
                    x=x,
                    y=top + plot_h - bar_h,
                    width=slot * 0.6,
                    height=max(bar_h, 1),
                    rx=3,
                    fill=WAVE_BAR,
                ),
                text(cx, height - bottom + 18, label, class_="label", text_anchor="middle"),
                text(
                    cx,
                    height - bottom + 32,
                    words("apps_count", count=apps),
                    class_="axis",
                    text_anchor="middle",
                ),
                class_="bar",
            )
        )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(
            element("polyline", points=path, fill="none", stroke=WAVE_LINE, stroke_width=2.5)
        )
        for x, y, value in points:
            parts.append(element("circle", cx=x, cy=y, r=4.5, fill=WAVE_LINE))
            parts.append(
                text(x, y - 9, words.short_euros(value), class_="value", text_anchor="middle")
            )
    parts.append(
        element(
            "g",
            element("rect", x=left + 4, y=4, width=12, height=10, fill=WAVE_BAR, rx=2),
            text(left + 20, 13, words("col_saving"), class_="axis"),
            element(
                "line", x1=left + 150, x2=left + 166, y1=9, y2=9, stroke=WAVE_LINE, stroke_width=2.5
            ),
            text(left + 172, 13, words("cumulative"), class_="axis"),
            class_="legend",
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _jitter(key: str, salt: str) -> float:
    """A stable offset in [-0.2, 0.2] so apps with the same scores do not hide each other."""
    return (zlib.crc32(f"{salt}:{key}".encode()) % 1000) / 1000 * 0.4 - 0.2


def time_scatter(
    data: ReportInput, words: Words, value_threshold: float, fitness_threshold: float
) -> str:
    """Business value (y) against effective technical fitness (x), one dot per application."""
    width, height, left, bottom, top, right = 560, 460, 56, 48, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(fitness: float) -> float:
        return left + plot_w * (fitness - 0.5) / 5

    def py(value: float) -> float:
        return top + plot_h - plot_h * (value - 0.5) / 5

    parts = [open_svg(width, height, words("time"), class_="chart", id="chart-time")]
    tx, ty = px(fitness_threshold), py(value_threshold)
    right_edge, bottom_edge = left + plot_w, top + plot_h
    quadrants = (  # key, box, label position and anchor (outer corners stay clear of dots)
        ("migrate", (left, top, tx - left, ty - top), (left + 8, top + 18, "start"), "#fef3c7"),
        (
            "invest",
            (tx, top, right_edge - tx, ty - top),
            (right_edge - 8, top + 18, "end"),
            "#dcfce7",
        ),
        (
            "eliminate",
            (left, ty, tx - left, bottom_edge - ty),
            (left + 8, bottom_edge - 8, "start"),
            "#fee2e2",
        ),
        (
            "tolerate",
            (tx, ty, right_edge - tx, bottom_edge - ty),
            (right_edge - 8, bottom_edge - 8, "end"),
            "#f1f5f9",
        ),
    )
    for key, (x, y, w, h), (lx, ly, anchor), fill in quadrants:
        parts.append(element("rect", x=x, y=y, width=w, height=h, fill=fill))
        parts.append(text(lx, ly, words(key), class_="quadrant", text_anchor=anchor))
    for tick in range(1, 6):
        parts.append(
            text(px(tick), top + plot_h + 16, str(tick), class_="axis", text_anchor="middle")
        )
        parts.append(text(left - 10, py(tick) + 4, str(tick), class_="axis", text_anchor="end"))
    parts.append(
        text(
            left + plot_w / 2,
            height - 8,
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
    action = {p.targets[0]: p for p in data.proposals}
    costs = [(a.application.yearly_cost or 0.0) for a in data.assessments.values()]
    top_cost = max(costs, default=0) or 1.0
    points = []
    for app_id in sorted(data.assessments):
        assessment = data.assessments[app_id]
        value = assessment.application.business_value
        fitness = assessment.effective_fitness
        if value is None or fitness is None:
            continue
        proposal = action.get(app_id)
        radius = 2.5 + 6 * math.sqrt((assessment.application.yearly_cost or 0.0) / top_cost)
        fill = _colour(proposal)
        points.append(
            (
                proposal is not None,
                app_id,
                px(fitness + _jitter(app_id, "x")),
                py(value + _jitter(app_id, "y")),
                radius,
                fill,
                assessment,
            )
        )
    # Plain dots first, dots with a proposal on top.
    for has_proposal, app_id, x, y, radius, fill, assessment in sorted(points, key=lambda p: p[:2]):
        quadrant = words(assessment.quadrant.value) if assessment.quadrant else ""
        scores = (
            f"{assessment.application.business_value} × "
            f"{words.number(assessment.effective_fitness or 0)}"
        )
        parts.append(
            element(
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
        )
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


def _colour(proposal: Proposal | None) -> str:
    if proposal is None:
        return "#94a3b8"
    if proposal.status == ProposalStatus.BLOCKED:
        return BLOCKED_COLOUR
    return ACTION_COLOURS[proposal.action.value]


@dataclass(frozen=True, slots=True)
class _TechRow:
    label: str
    end_of_support: date | None
    end_of_life: date | None
    state: str
    applications: int


def _as_date(milestone: Milestone) -> date | None:
    return milestone if isinstance(milestone, date) else None


def technology_rows(data: ReportInput) -> list[_TechRow]:
    """Technologies in use with a known end date, soonest end of life first."""
    found: dict[str, tuple[_TechRow, set[str]]] = {}
    for assessment in data.assessments.values():
        for risk in assessment.technologies:
            eos, eol = _as_date(risk.end_of_support), _as_date(risk.end_of_life)
            if eos is None and eol is None:
                continue
            _, apps = found.setdefault(
                risk.label, (_TechRow(risk.label, eos, eol, risk.state, 0), set())
            )
            apps.add(assessment.application.id)
    rows = [
        _TechRow(r.label, r.end_of_support, r.end_of_life, r.state, len(apps))
        for r, apps in found.values()
    ]
    return sorted(rows, key=lambda r: ((r.end_of_life or r.end_of_support or date.max), r.label))


STATE_COLOURS = {
    "end of life": "#b91c1c",
    "unsupported": "#c2410c",
    "support ending": "#ca8a04",
    "supported": "#15803d",
}


def eol_timeline(data: ReportInput, words: Words, limit: int = 24) -> str:
    """One row per technology: a bar from end of support to end of life, today as a line."""
    rows = technology_rows(data)[:limit]
    if not rows:
        return f'<p class="muted">{words("eol_none")}</p>'
    dates = [d for r in rows for d in (r.end_of_support, r.end_of_life) if d is not None]
    start = min([*dates, data.today - timedelta(days=365)])
    end = max([*dates, data.today + timedelta(days=365 * 2)])
    start, end = date(start.year, 1, 1), date(end.year + 1, 1, 1)
    width, row, left, right, top = 720, 22, 230, 16, 26
    height = top + row * len(rows) + 8
    span = (end - start).days

    def px(day: date) -> float:
        return left + (width - left - right) * (day - start).days / span

    parts = [open_svg(width, height, words("eol"), class_="chart", id="chart-eol")]
    every = 1 if end.year - start.year <= 10 else 2
    for year in range(start.year, end.year + 1):
        x = px(date(year, 1, 1))
        parts.append(element("line", x1=x, x2=x, y1=top - 6, y2=height - 4, stroke=GRID))
        if year < end.year and (year - start.year) % every == 0:
            parts.append(text(x + 3, top - 10, str(year), class_="axis"))
    for n, item in enumerate(rows):
        y = top + n * row + row / 2
        colour = STATE_COLOURS.get(item.state, MUTED)
        used = words("apps_count", count=item.applications)
        marks = [
            title(_tech_title(item, words)),
            text(
                left - 10,
                y + 4,
                f"{shorten(item.label, 24)} · {used}",
                class_="label",
                text_anchor="end",
            ),
        ]
        if item.end_of_support and item.end_of_life:
            marks.append(
                element(
                    "line",
                    x1=px(item.end_of_support),
                    x2=px(item.end_of_life),
                    y1=y,
                    y2=y,
                    stroke=colour,
                    stroke_width=4,
                    stroke_opacity=0.35,
                )
            )
        if item.end_of_support:
            marks.append(
                element(
                    "circle",
                    cx=px(item.end_of_support),
                    cy=y,
                    r=5,
                    fill="#ffffff",
                    stroke=colour,
                    stroke_width=2,
                )
            )
        if item.end_of_life:
            marks.append(element("circle", cx=px(item.end_of_life), cy=y, r=5, fill=colour))
        parts.append(element("g", *marks, class_="tech", data_state=item.state))
    today = px(data.today)
    parts.append(
        element("line", x1=today, x2=today, y1=top - 6, y2=height - 4, stroke=INK, stroke_width=1.5)
    )
    parts.append(text(today + 4, height - 8, words("today"), class_="today"))
    parts.append("</svg>")
    return "".join(parts)


def _tech_title(item: _TechRow, words: Words) -> str:
    bits = [item.label]
    if item.end_of_support:
        bits.append(f"{words('eol_support')}: {item.end_of_support.isoformat()}")
    if item.end_of_life:
        bits.append(f"{words('eol_life')}: {item.end_of_life.isoformat()}")
    return " · ".join(bits)
