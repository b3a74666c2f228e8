"""The hand-written files under ``tests/data`` that the importer tests read, and what
importing one gives: its changes as records by id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from snoei.inventory.importers import ImportResult, import_file

INVENTORY = Path(__file__).resolve().parent.parent / "data" / "inventory"
"""One small file per format the inventory imports, for landscape ``gem``."""
SOFTWARECATALOGUS = Path(__file__).resolve().parent.parent / "data" / "softwarecatalogus"
"""The Softwarecatalogus downloads of gemeente Voorbeeldstad."""


def load(
    name: str, *, folder: Path = INVENTORY, landscape_id: str = "gem", **kwargs: Any
) -> ImportResult:
    """The import of ``folder / name`` into ``landscape_id``; ``kwargs`` go to the importer."""
    return import_file(
        (folder / name).read_bytes(), filename=name, landscape_id=landscape_id, **kwargs
    )[1]


def records(result: ImportResult, kind: str) -> dict[str, dict[str, Any]]:
    """The upserted records of ``kind`` (``application``, ``integration``, …) by id, as JSON."""
    found: dict[str, dict[str, Any]] = {}
    for change in result.changes:
        if change.type == f"{kind}.upsert":
            record = getattr(change.payload, kind).model_dump(mode="json")
            found[record["id"]] = record
    return found
