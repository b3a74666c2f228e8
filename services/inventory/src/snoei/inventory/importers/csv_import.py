"""CSV importer: one file of applications, integrations, capabilities or technologies
(columns in docs/importers.md); the header decides which."""

from __future__ import annotations

import csv
import io

from snoei.inventory.importers.base import (
    APPLICATION_FIELDS,
    ImportFailed,
    ParsedItem,
    RowError,
    normalise,
    set_application_field,
    split_list,
)

ATTRIBUTE_PREFIX = "attr:"
INTEGRATION_COLUMNS = {"id", "source", "target", "kind", "data_objects", "protocol",
                       "criticality", "name"}
CAPABILITY_COLUMNS = {"id", "name", "parent_id", "description"}
TECHNOLOGY_COLUMNS = {"id", "product", "version", "end_of_support", "end_of_life"}
APPLICATION_COLUMNS = {"id", *APPLICATION_FIELDS}


def _text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFailed("file is not a CSV text file (it contains binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"CSV file is not UTF-8 (byte {exc.start}); save it as UTF-8 CSV"
        ) from None


def _kind_of(header: list[str]) -> str:
    columns = {c for c in header if not c.startswith(ATTRIBUTE_PREFIX)}
    if "id" not in columns:
        raise ImportFailed(f"CSV header has no 'id' column (found: {', '.join(header) or 'none'})")
    if {"source", "target"} <= columns:
        kind, known = "integration", INTEGRATION_COLUMNS
    elif "product" in columns and columns & {"end_of_support", "end_of_life"}:
        kind, known = "technology", TECHNOLOGY_COLUMNS
    elif "parent_id" in columns:
        kind, known = "capability", CAPABILITY_COLUMNS
    else:
        kind, known = "application", APPLICATION_COLUMNS
    unknown = sorted(columns - known)
    if unknown:
        raise ImportFailed(
            f"CSV header of a {kind} file has unknown column(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
            + (f", and {ATTRIBUTE_PREFIX}<name>" if kind == "application" else "")
        )
    return kind


def parse_csv(data: bytes) -> tuple[list[ParsedItem], list[RowError]]:
    text = _text(data)
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter comes from the header: a header has no quotes to sniff, and the
    # sniffed dialect would then read a doubled quote ("") in a cell as two quotes.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        first = next(reader, None)
        if first is None:
            raise ImportFailed("CSV file is empty")
        header = [_column(h) for h in first]
        kind = _kind_of(header)
        items: list[ParsedItem] = []
        errors: list[RowError] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            location = f"line {reader.line_num}"
            if len(row) != len(header):
                errors.append(
                    RowError(location, f"has {len(row)} cells, the header has {len(header)}")
                )
                continue
            cells = {h: v.strip() for h, v in zip(header, row, strict=True) if v.strip()}
            items.append(_item(kind, cells, location))
    except csv.Error as exc:
        raise ImportFailed(f"not a valid CSV file (line {reader.line_num}): {exc}") from None
    return items, errors


def _column(name: str) -> str:
    stripped = name.strip()
    if stripped.lower().startswith(ATTRIBUTE_PREFIX):
        return ATTRIBUTE_PREFIX + stripped[len(ATTRIBUTE_PREFIX):].strip()
    return normalise(stripped)


def _item(kind: str, cells: dict[str, str], location: str) -> ParsedItem:
    data: dict[str, object] = {"id": cells.get("id", "")}
    fields = {"id": "id"}
    if kind == "application":
        attributes: dict[str, str] = {}
        for column, value in cells.items():
            if column.startswith(ATTRIBUTE_PREFIX):
                attributes[column[len(ATTRIBUTE_PREFIX):]] = value
            elif column != "id":
                set_application_field(data, column, value, fields, column)
        if attributes:
            data["attributes"] = attributes
        return ParsedItem(kind, data, location, fields)
    for column, value in cells.items():
        fields[column] = column
        data[column] = split_list(value) if column == "data_objects" else value
    return ParsedItem(kind, data, location, fields)
