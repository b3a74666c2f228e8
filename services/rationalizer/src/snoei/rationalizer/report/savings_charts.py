"""Savings charts: yearly saving per proposal, and per decommission wave with the running
total."""

from __future__ import annotations

import math

from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import (
    ACTION_COLOURS,
    GRID,
    element,
    open_svg,
    shorten,
    text,
    title,
)

WAVE_BAR = "#86efac"
WAVE_LINE = "#15803d"
Point = tuple[float, float, float]
"""x, y and the running total it marks"""


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
        (p for p in data.active if (p.yearly_saving or 0.0) > 0),
        key=lambda p: (-(p.yearly_saving or 0.0), p.id),
    )[:limit]
    width, row, left, right, top = 720, 28, 250, 90, 8
    height = top + row * max(1, len(chosen)) + 28
    peak = _nice_max(max((p.yearly_saving or 0.0 for p in chosen), default=0))
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
        bar = max(1.0, (proposal.yearly_saving or 0.0) * scale)
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
                    words.short_euros(proposal.yearly_saving or 0.0),
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
    # known savings only: an unknown one adds nothing it could be shown as
    saving = {p.id: p.yearly_saving or 0.0 for p in data.active}
    rows: list[tuple[int, int, float]] = []
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
    points: list[Point] = []
    for n, (number, apps, saving) in enumerate(rows):
        x = left + slot * n + slot * 0.2
        bar_h = plot_h * saving / peak
        running += saving
        points.append((x + slot * 0.3, top + plot_h - plot_h * running / peak, running))
        bar = element(
            "rect",
            x=x,
            y=top + plot_h - bar_h,
            width=slot * 0.6,
            height=max(bar_h, 1),
            rx=3,
            fill=WAVE_BAR,
        )
        parts.append(_wave_bar(bar, points[-1][0], height - bottom, number, apps, saving, words))
    parts.extend(_running_total(points, words))
    parts.append(_wave_legend(left, words))
    parts.append("</svg>")
    return "".join(parts)


def _wave_bar(
    bar: str, cx: float, baseline: float, number: int, apps: int, saving: float, words: Words
) -> str:
    """One wave's bar with its name and size under the axis (``baseline``)."""
    label = words("wave", number=number)
    return element(
        "g",
        title(f"{label}: {words('apps_count', count=apps)} · {words.euros(saving)}"),
        bar,
        text(cx, baseline + 18, label, class_="label", text_anchor="middle"),
        text(
            cx,
            baseline + 32,
            words("apps_count", count=apps),
            class_="axis",
            text_anchor="middle",
        ),
        class_="bar",
    )


def _running_total(points: list[Point], words: Words) -> list[str]:
    if not points:
        return []
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
    parts = [element("polyline", points=path, fill="none", stroke=WAVE_LINE, stroke_width=2.5)]
    for x, y, value in points:
        parts.append(element("circle", cx=x, cy=y, r=4.5, fill=WAVE_LINE))
        parts.append(text(x, y - 9, words.short_euros(value), class_="value", text_anchor="middle"))
    return parts


def _wave_legend(left: float, words: Words) -> str:
    return element(
        "g",
        element("rect", x=left + 4, y=4, width=12, height=10, fill=WAVE_BAR, rx=2),
        text(left + 20, 13, words("col_saving"), class_="axis"),
        element(
            "line", x1=left + 150, x2=left + 166, y1=9, y2=9, stroke=WAVE_LINE, stroke_width=2.5
        ),
        text(left + 172, 13, words("cumulative"), class_="axis"),
        class_="legend",
    )
