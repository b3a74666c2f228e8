"""Proposals and waves as tables an architect can copy ids from (never cut, names beside
them), and as JSON or CSV for scripts. rich is imported here, when something is printed."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from snoei.cli import money

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API's answer as JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print the rows as CSV.")]
WideOpt = Annotated[
    bool, typer.Option("--wide", help="Every column, even wider than the terminal.")
]
WIDE = 1_000  # --wide: as wide as the table needs; the terminal wraps what it must
NAME_MIN = 14  # narrower than this, names go under the ids instead of in a column beside
Row = Sequence[str]


def console(*, wide: bool = False, stderr: bool = False) -> Console:
    """A console for output: the terminal's width (``COLUMNS``, else 80 when not a terminal),
    or as wide as the output needs with ``wide``."""
    from rich.console import Console

    return Console(width=WIDE if wide else None, stderr=stderr)


def print_json(body: Any) -> None:
    """The API's answer, unchanged, for scripts (``jq``)."""
    sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def print_csv(header: Row, rows: Iterable[Row]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def emit(
    body: Any, *, as_json: bool, as_csv: bool, header: Row, rows: Callable[[], Iterable[Row]]
) -> bool:
    """Prints ``body`` as JSON or ``rows()`` as CSV when asked; False when a table is wanted."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    if as_json:
        print_json(body)
    elif as_csv:
        print_csv(header, rows())
    return as_json or as_csv


def application(proposal: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The application(s) a proposal is about by name; a consolidation names its survivor."""
    label = ", ".join(names.get(t) or t for t in proposal["targets"])
    survivor = proposal.get("survivor")
    if proposal["action"] == "consolidate" and survivor:
        label += f" → {names.get(survivor) or survivor}"
    return label


PROPOSAL_CSV = (
    "id", "action", "status", "targets", "target_names", "survivor", "survivor_name",
    "yearly_saving", "migration_cost", "payback_months", "risk", "confidence", "blocked_reason",
)


def proposal_csv_rows(
    proposals: Iterable[Mapping[str, Any]], names: Mapping[str, str]
) -> list[Row]:
    def cell(value: Any) -> str:
        return "" if value is None else str(value)

    return [
        [
            p["id"], p["action"], p["status"], ";".join(p["targets"]),
            ";".join(names.get(t, "") for t in p["targets"]), cell(p.get("survivor")),
            names.get(p.get("survivor") or "", ""), cell(p.get("yearly_saving")),
            cell(p.get("migration_cost")), cell(p.get("payback_months")), cell(p.get("risk")),
            cell(p.get("confidence")), cell(p.get("blocked_reason")),
        ]
        for p in proposals
    ]


@dataclass(slots=True)
class Column:
    header: str
    cells: list[str]
    justify: JustifyMethod = "left"
    floor: int | None = None  # narrowest it may get; default its longest word
    prefix: str = ""  # said before a cell shown under the key instead of in its column
    width: int = 0  # chosen by ``_fit``

    @property
    def natural(self) -> int:
        return max(len(text) for text in (self.header, *self.cells))

    @property
    def need(self) -> int:
        """Narrowest it reads well: ``floor``, else its longest word (cells wrap between
        words)."""
        if self.floor is not None:
            return min(self.floor, self.natural)
        words = [w for text in (self.header, *self.cells) for w in text.split()]
        return max(map(len, words), default=1)


def _proposal_columns(proposals: Sequence[Mapping[str, Any]]) -> tuple[list[Column], list[Column]]:
    """The figures every table shows, and the optional ones in the order they are added
    while the width allows."""
    def get(key: str) -> list[Any]:
        return [p.get(key) for p in proposals]

    saving = Column("saving/yr", [money.yearly_saving(v) for v in get("yearly_saving")],
                    "right", prefix="saving/yr ")
    status = Column("status", [str(v) for v in get("status")])
    paybacks = [
        money.payback(p.get("payback_months"), saving=p.get("yearly_saving"),
                      cost=p.get("migration_cost"))
        for p in proposals
    ]
    optional = [
        Column("payback", paybacks, "right"),
        Column("one-off", [money.euros(v) for v in get("migration_cost")], "right"),
        Column("risk", [str(v) for v in get("risk")]),
        Column("conf.", [f"{round(v * 100)}%" for v in get("confidence")], "right"),
    ]
    return [saving, status], optional


def _fit(columns: list[Column], room: int) -> bool:
    """Gives each column a width so that all fit in ``room`` (padding and separator: 3 per
    column): natural widths, narrowed towards their longest word, widest slack first.
    False when even the narrowest do not fit."""
    if sum(c.need + 3 for c in columns) > room:
        return False
    for column in columns:
        column.width = column.natural
    excess = sum(c.width + 3 for c in columns) - room
    while excess > 0:  # figures give up their slack before names do
        slack = [c for c in columns if c.width > c.need]
        widest = max(slack, key=lambda c: (c.floor is None, c.width - c.need))
        widest.width -= 1
        excess -= 1
    return True


def print_keyed(
    out: Console,
    *,
    title: str,
    key: Column,
    name: Column | None = None,
    figures: Sequence[Column] = (),
    optional: Sequence[Column] = (),
    lead: Sequence[Column] = (),
) -> None:
    """A table whose ``key`` column (ids) is never cut, with ``name`` beside it; on a narrower
    terminal the names go under the keys and the ``optional`` columns that do not fit are
    left out (``--wide`` shows them all); narrower still, the figures go under the key
    too. ``lead`` columns (short, e.g. a wave number) come first and are always shown."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    key.width = key.natural
    room = out.width - sum(c.natural + 3 for c in (key, *lead)) - 1
    named = [name] if name is not None else []
    columns: list[Column] = []
    if _fit([*named, *figures], room):
        columns = [*named, *figures]
    elif _fit(list(figures), room):
        columns = list(figures)
    for column in optional:
        if columns and _fit([*columns, column], room):
            columns.append(column)
    _fit(columns, room)
    beside = name is not None and name in columns
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in lead:
        table.add_column(column.header, justify=column.justify, width=column.natural,
                         no_wrap=True)
    below = [*named, *figures] if not columns else [] if beside else named
    width = key.natural if columns else max(key.natural, key.natural + room - 3)
    table.add_column(key.header, no_wrap=not below, width=width, overflow="fold")
    for column in columns:
        table.add_column(column.header, justify=column.justify, width=column.width,
                         overflow="fold")
    for n, cell in enumerate(key.cells):
        under = " · ".join(f"{c.prefix}{c.cells[n]}" for c in below if c.cells[n])
        first = Text(cell) + Text("\n" + under, style="dim") if under else cell
        table.add_row(*(c.cells[n] for c in lead), first, *(c.cells[n] for c in columns))
    out.print(table)


def print_proposals(
    out: Console, proposals: Sequence[Mapping[str, Any]], names: Mapping[str, str], *,
    title: str,
) -> None:
    """Proposal ids in full with the applications' names beside (or under) them."""
    figures, optional = _proposal_columns(proposals)
    print_keyed(
        out, title=title, figures=figures, optional=optional,
        key=Column("proposal", [p["id"] for p in proposals]),
        name=Column("application", [application(p, names) for p in proposals], floor=NAME_MIN),
    )


def _survivor(proposal: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    survivor = proposal.get("survivor")
    if proposal["action"] != "consolidate" or not survivor:
        return None
    return names.get(survivor) or str(survivor)


def unit_note(
    unit: Mapping[str, Any], proposals: Mapping[str, Mapping[str, Any]], names: Mapping[str, str]
) -> str:
    """Why applications of a wave go together. A wave's unit of several applications is a
    cycle: they feed each other. When every one of them is consolidated onto the same
    survivor it is a consolidation group; when onto several, consolidations that move
    together; otherwise (retirements among them) a cycle retired together."""
    found = [proposals[i] for i in unit.get("proposal_ids", ()) if i in proposals]
    survivors = [_survivor(p, names) for p in found]
    if len(unit["applications"]) == 1:
        if not found:  # a what-if's waves come from no proposal
            return ""
        return f"consolidate onto {survivors[0]}" if survivors[0] else str(found[0]["action"])
    onto = sorted({s for s in survivors if s})
    together = "they feed each other, so they move together"
    if len(found) == len(unit["applications"]) and all(survivors):
        if len(onto) == 1:
            return f"consolidation group onto {onto[0]}: {together}"
        return f"consolidated onto {', '.join(onto)}: {together}"
    return "cycle: they feed each other, so they go together"


WAVE_CSV = ("wave", "application", "name", "proposal", "note")


def _app_note(
    app: str, unit: Mapping[str, Any], own: Mapping[str, Any] | None,
    proposals: Mapping[str, Mapping[str, Any]], names: Mapping[str, str],
) -> str:
    """One application's line in a wave: what happens to it, and with whom it goes."""
    alone = {**unit, "applications": [app], "proposal_ids": [own["id"]] if own else []}
    label = unit_note(alone, proposals, names)
    others = [names.get(a) or a for a in unit["applications"] if a != app]
    if not others:
        return label
    group = unit_note(unit, proposals, names)
    with_others = f"with {', '.join(others)} (they feed each other)"
    if group.startswith("consolidation group"):
        return f"{group.split(':')[0]}, {with_others}"
    return f"{label or 'cycle'}; goes {with_others}"


def wave_rows(
    plan: Mapping[str, Any], proposals: Mapping[str, Mapping[str, Any]], names: Mapping[str, str]
) -> list[Row]:
    """One row per application: its wave, name, proposal and why it goes when it does."""
    rows: list[Row] = []
    own = {t: p for p in proposals.values() for t in p["targets"]}
    for wave in plan["waves"]:
        for unit in wave["units"]:
            for app in unit["applications"]:
                proposal = own.get(app)
                note = _app_note(app, unit, proposal, proposals, names)
                rows.append([str(wave["number"]), app, names.get(app, ""),
                             proposal["id"] if proposal else "", note])
    return rows


def print_waves(out: Console, rows: Sequence[Row]) -> None:
    """The waves with every application's id in full and its name and note beside it."""
    if not rows:
        out.print("no retirements planned")
        return
    print_keyed(
        out, title="decommission waves (consumers go before their suppliers)",
        lead=[Column("wave", [r[0] for r in rows], "right")],
        key=Column("application", [r[1] for r in rows]),
        name=Column("name", [r[2] for r in rows], floor=NAME_MIN),
        figures=[Column("note", [r[4] for r in rows], floor=NAME_MIN)],
    )
