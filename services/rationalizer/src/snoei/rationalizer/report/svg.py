"""Small helpers to write inline SVG safely: every text and attribute value is escaped."""

from __future__ import annotations

from html import escape

ACTION_COLOURS = {
    "retire": "#c2410c",
    "consolidate": "#1d4ed8",
    "replace": "#a16207",
}
BLOCKED_COLOUR = "#64748b"
NEUTRAL_COLOUR = "#cbd5e1"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"


def attrs(**values: object) -> str:
    """``key="value"`` pairs, escaped; ``class_`` becomes ``class``, ``_`` becomes ``-``."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}"
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def text(x: float, y: float, content: str, **extra: object) -> str:
    return f"<text {attrs(x=x, y=y, **extra)}>{escape(content)}</text>"


def title(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def open_svg(width: float, height: float, label: str, **extra: object) -> str:
    return (
        f"<svg {attrs(viewBox=f'0 0 {width:.0f} {height:.0f}', role='img', **extra)}"
        f' aria-label="{escape(label, quote=True)}">'
    )


def element(name: str, *children: str, **values: object) -> str:
    """``<name attrs/>``, or ``<name attrs>children</name>`` (children are already markup)."""
    opening = f"<{name} {attrs(**values)}" if values else f"<{name}"
    if not children:
        return f"{opening}/>"
    return f"{opening}>{''.join(children)}</{name}>"
