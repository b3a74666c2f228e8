"""Tables for spreadsheets: rows of typed cells written as CSV or as an XLSX workbook.

Unknown is not zero: a ``None`` cell is an empty cell in both formats, never 0. In XLSX
numbers stay numbers and dates stay dates (with a date format); in CSV dates are ISO
8601 and numbers are written as Python writes them. Text a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@`` first) is kept text: quoted with ``'`` in CSV (the
usual defence against CSV injection), typed as a string in XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

Cell = str | int | float | bool | date | datetime | None

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32_767  # characters Excel holds in one cell
_SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


class TableFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet: a name, the column headers and one row of cells per item."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


def cell(value: Any) -> Cell:
    """A value as a cell: enums by their value, sequences joined with ``; ``."""
    if isinstance(value, Enum):
        return cell(value.value)
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, Iterable) and not isinstance(value, dict):
        return "; ".join(str(cell(v)) for v in value)
    return str(value)


def table(name: str, items: Iterable[dict[str, Any]], columns: Sequence[str]) -> Table:
    """A table of ``items`` (dicts; a missing key is an empty cell) over ``columns``."""
    return Table(name, tuple(columns), [tuple(cell(i.get(c)) for c in columns) for i in items])


def to_csv(sheet: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.columns)
    writer.writerows([_csv_cell(v) for v in row] for row in sheet.rows)
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return repr(value) if isinstance(value, float) else str(value)


def to_xlsx(sheets: Sequence[Table]) -> bytes:
    """One worksheet per table, header row frozen, typed cells."""
    book = Workbook()
    for blank in book.worksheets:  # a new workbook starts with one empty sheet
        book.remove(blank)
    used: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name, used))
        ws.append(list(sheet.columns))
        for row in sheet.rows:
            ws.append([_xlsx_cell(v) for v in row])
            for index, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    ws.cell(ws.max_row, index).data_type = "s"  # text, not a formula
                elif isinstance(value, datetime):
                    ws.cell(ws.max_row, index).number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, date):
                    ws.cell(ws.max_row, index).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        for index, name in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(name) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:XLSX_CELL_LIMIT]
    if isinstance(value, datetime):
        return _utc(value).replace(tzinfo=None)  # XLSX has no time zones: UTC
    return value


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique in the book."""
    base = _SHEET_NAME_UNSAFE.sub("_", name)[:31] or "sheet"
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{base[:28]}-{number}"
    used.add(candidate.casefold())
    return candidate


def attachment(filename: str) -> dict[str, str]:
    """The Content-Disposition header of a download named ``filename`` (ASCII-safe)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def table_response(sheets: Sequence[Table], fmt: TableFormat, stem: str) -> Response:
    """A download of ``sheets``: one workbook (XLSX), or the one table as CSV (the caller
    picks one table for CSV). Named ``<stem>.<format>``."""
    if fmt is TableFormat.XLSX:
        return Response(to_xlsx(sheets), media_type=XLSX_MEDIA_TYPE,
                        headers=attachment(f"{stem}.xlsx"))
    if len(sheets) != 1:
        raise ValueError(f"CSV holds one table, not {len(sheets)}")
    return Response(to_csv(sheets[0]), media_type=CSV_MEDIA_TYPE,
                    headers=attachment(f"{stem}.csv"))
