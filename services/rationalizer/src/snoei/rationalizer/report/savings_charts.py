"""Savings charts: yearly saving per recommended proposal, and per decommission wave (its
recommended proposals only) with the running total."""

from __future__ import annotations

import math

from snoei.rationalizer.domain.recommendation import yearly_saving
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.standing import Ledger, WaveRow, known
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


NICE_STEPS = {1: 4, 1.5: 3, 2: 4, 2.5: 5, 3: 3, 4: 4, 5: 5, 6: 3, 8: 4, 10: 5}
"""Round axis maxima (times a power of ten) and the number of intervals that gives round
ticks: 1.5 in three steps of 0.5, 2.5 in five of 0.5, and so on."""


def _nice_axis(value: float) -> tuple[float, int]:
    """A round axis maximum at or above ``value``, so the longest bar fills most of the
    axis, and the number of intervals between its ticks."""
    if value <= 0:
        return 1.0, 4
    power = 10.0 ** math.floor(math.log10(value))
    for step, intervals in NICE_STEPS.items():
        if value <= step * power * (1 + 1e-9):
            return step * power, intervals
    return 10 * power, 5


def savings_per_proposal(data: ReportInput, book: Ledger, words: Words, limit: int = 12) -> str:
    """Horizontal bars of the largest yearly savings among the recommended proposals."""
    chosen = [(p, known(yearly_saving(p))) for p in book.recommended[:limit]]
    width, row, left, right, top = 720, 28, 250, 90, 8
    height = top + row * max(1, len(chosen)) + 28
    peak, intervals = _nice_axis(max((saving for _, saving in chosen), default=0))
    scale = (width - left - right) / peak
    label = words.plural("savings_per_proposal", len(chosen), total=len(book.recommended))
    parts = [open_svg(width, height, label, class_="chart", id="chart-proposals")]
    for tick in range(intervals + 1):
        x = left + (width - left - right) * tick / intervals
        parts.append(element("line", x1=x, x2=x, y1=top, y2=height - 22, stroke=GRID))
        parts.append(
            text(
                x,
                height - 6,
                words.short_euros(peak * tick / intervals),
                class_="axis",
                text_anchor="middle",
            )
        )
    for n, (proposal, saving) in enumerate(chosen):
        y = top + n * row
        name = data.name(proposal.targets[0])
        bar = max(1.0, saving * scale)
        colour = ACTION_COLOURS[proposal.action.value]
        parts.append(
            element(
                "g",
                title(f"{name}: {words.euros(saving)}"),
                text(
                    left - 10, y + row / 2 + 4, shorten(name, 34), class_="label", text_anchor="end"
                ),
                element("rect", x=left, y=y + 5, width=bar, height=row - 10, rx=3, fill=colour),
                text(
                    left + bar + 6,
                    y + row / 2 + 4,
                    words.short_euros(saving),
                    class_="value",
                ),
                class_="bar",
                data_proposal=proposal.id,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def cumulative_per_wave(rows: list[WaveRow], words: Words) -> str:
    """Bars of each wave's recommended saving with the running total as a line above them."""
    width, height, left, bottom, top = 720, 280, 70, 44, 24
    plot_w, plot_h = width - left - 20, height - top - bottom
    total = sum(r.saving for r in rows)
    peak, intervals = _nice_axis(total * 1.12)  # room for the labels above the line
    parts = [open_svg(width, height, words("savings_per_wave"), class_="chart", id="chart-waves")]
    for tick in range(intervals + 1):
        y = top + plot_h - plot_h * tick / intervals
        parts.append(element("line", x1=left, x2=width - 20, y1=y, y2=y, stroke=GRID))
        parts.append(
            text(
                left - 8,
                y + 4,
                words.short_euros(peak * tick / intervals),
                class_="axis",
                text_anchor="end",
            )
        )
    slot = plot_w / max(1, len(rows))
    running = 0.0
    points: list[Point] = []
    for n, wave in enumerate(rows):
        number, apps, saving = wave.number, wave.applications, wave.saving
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
        title(f"{label}: {words.plural('n_applications', apps)} · {words.euros(saving)}"),
        bar,
        text(cx, baseline + 18, label, class_="label", text_anchor="middle"),
        text(
            cx,
            baseline + 32,
            words.plural("n_applications", apps),
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
        # The running total in whole euros: the last one is the figure the notes reconcile.
        parts.append(text(x, y - 9, words.euros(value), class_="value", text_anchor="middle"))
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
