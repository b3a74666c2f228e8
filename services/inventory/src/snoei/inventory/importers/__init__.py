"""File importers: bytes of a CSV, ArchiMate, Archi or Backstage file -> inventory changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Literal

from snoei.inventory.importers.archimate import (
    DEFAULT_MAPPING,
    ArchimateMapping,
    parse_archi,
    parse_exchange,
)
from snoei.inventory.importers.backstage import parse_backstage
from snoei.inventory.importers.base import (
    Format,
    ImportFailed,
    ImportRejected,
    ImportResult,
    OnError,
    ParsedItem,
    RowError,
    bad_rows,
    build_changes,
    enforce,
)
from snoei.inventory.importers.csv_import import parse_csv

__all__ = [
    "FORMATS",
    "ArchimateMapping",
    "Format",
    "FormatChoice",
    "ImportFailed",
    "ImportRejected",
    "ImportResult",
    "OnError",
    "RowError",
    "bad_rows",
    "detect_format",
    "import_file",
    "source_for",
]

FormatChoice = Literal["auto", "csv", "archimate", "archi", "backstage"]
Parser = Callable[[bytes, ArchimateMapping], tuple[list[ParsedItem], list[RowError]]]
FORMATS: dict[str, Parser] = {
    "csv": lambda data, _: parse_csv(data),
    "archimate": parse_exchange,
    "archi": parse_archi,
    "backstage": lambda data, _: parse_backstage(data),
}


def detect_format(filename: str, data: bytes) -> Format:
    """By extension, then by content: XML root namespace, Backstage apiVersion, else CSV."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".archimate":
        return "archi"
    if suffix in (".yaml", ".yml"):
        return "backstage"
    if suffix == ".csv":
        return "csv"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "archi" if b"archimatetool.com" in head else "archimate"
    if b"apiVersion:" in head and b"backstage.io" in head:
        return "backstage"
    if suffix == ".xml":
        return "archimate"
    return "csv"


def source_for(fmt: str, filename: str) -> str:
    """The change source an import records: `import:<format>:<file name>`."""
    return f"import:{fmt}:{PurePath(filename).name or 'upload'}"[:200]


def import_file(
    data: bytes,
    *,
    filename: str,
    landscape_id: str,
    fmt: FormatChoice = "auto",
    on_error: OnError = "abort",
    source: str | None = None,
    revision: str = "",
    archimate: ArchimateMapping = DEFAULT_MAPPING,
) -> tuple[Format, ImportResult]:
    """Parse and validate a file; raises ``ImportFailed`` (unreadable file) or, with
    ``on_error="abort"``, ``ImportRejected`` listing every bad row. ``archimate`` says which
    element types mean a reference component or an external facility."""
    chosen: Format = detect_format(filename, data) if fmt == "auto" else fmt
    items, errors = FORMATS[chosen](data, archimate)
    result = build_changes(
        items, landscape_id=landscape_id, source=source or source_for(chosen, filename),
        revision=revision, errors=errors,
    )
    return chosen, enforce(result, on_error)
