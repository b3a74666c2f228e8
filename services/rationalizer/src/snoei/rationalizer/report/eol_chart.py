"""The end-of-life timeline: technologies in use with their end of support and end of life
against today."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from snoei.rationalizer.domain.technology import Milestone
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.svg import (
    GRID,
    INK,
    MUTED,
    element,
    open_svg,
    shorten,
    text,
    title,
)

WIDTH, ROW, LEFT, RIGHT, TOP = 720, 22, 230, 16, 26


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
    height = TOP + ROW * len(rows) + 8
    span = (end - start).days

    def px(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span

    parts = [open_svg(WIDTH, height, words("eol"), class_="chart", id="chart-eol")]
    every = 1 if end.year - start.year <= 10 else 2
    for year in range(start.year, end.year + 1):
        x = px(date(year, 1, 1))
        parts.append(element("line", x1=x, x2=x, y1=TOP - 6, y2=height - 4, stroke=GRID))
        if year < end.year and (year - start.year) % every == 0:
            parts.append(text(x + 3, TOP - 10, str(year), class_="axis"))
    for n, item in enumerate(rows):
        parts.append(_tech_row(item, TOP + n * ROW + ROW / 2, px, words))
    today = px(data.today)
    parts.append(
        element("line", x1=today, x2=today, y1=TOP - 6, y2=height - 4, stroke=INK, stroke_width=1.5)
    )
    parts.append(text(today + 4, height - 8, words("today"), class_="today"))
    parts.append("</svg>")
    return "".join(parts)


def _tech_row(item: _TechRow, y: float, px: Callable[[date], float], words: Words) -> str:
    """A technology's label, its support-to-life bar and the two milestones as dots."""
    colour = STATE_COLOURS.get(item.state, MUTED)
    used = words.plural("n_applications", item.applications)
    marks = [
        title(_tech_title(item, words)),
        text(
            LEFT - 10,
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
    return element("g", *marks, class_="tech", data_state=item.state)


def _tech_title(item: _TechRow, words: Words) -> str:
    bits = [item.label]
    if item.end_of_support:
        bits.append(f"{words('eol_support')}: {words.long_date(item.end_of_support)}")
    if item.end_of_life:
        bits.append(f"{words('eol_life')}: {words.long_date(item.end_of_life)}")
    return " · ".join(bits)
