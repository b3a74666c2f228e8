"""The Softwarecatalogus' CSV downloads of a municipality: "Mijn pakketoverzicht" (the
package versions it uses -> applications and their reference components) and "Mijn
koppelingen" (-> integrations). The header says which; docs/importers.md has the columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from snoei.inventory.importers.base import ImportFailed, ParsedItem, RowError, quality
from snoei.inventory.importers.softwarecatalogus import (
    END_OF_SUPPORT,
    key,
    technology_uses,
    unknown_usage,
    usage_lifecycle,
)

SwcFile = Literal["pakketoverzicht", "koppelingen", "alle-pakketten"]
# Column aliases, compared by ``key`` (no case, spaces, dashes or underscores).
VERSION_ID = ("Pakketversie ID", "Pakket ID")
VERSION_NAME = ("Pakketversie Naam", "Pakketversie", "Versieaanduiding")
PACKAGE_NAME = ("Pakket Naam", "Pakket")
SUPPLIER = ("Leverancier Naam", "Leverancier")
USAGE = ("Gebruik status",)
STATUS = ("Pakketversie Status",)
REFERENCE_NAMES = ("Referentiecomponenten naam", "Referentiecomponenten",
                   "Referentiecomponenten gemeente")
REFERENCE_IDS = ("Referentiecomponenten ID", "Referentiecomponenten UUID",
                 "Referentiecomponenten gemeente UUID")
TECHNOLOGIES = ("Pakketversie gebruik technologie", "Ondersteunde technologie",
                "Pakketversie Ondersteunde technologieën")
EXTERNAL = ("Extern pakket",)
USAGE_DATE = ("Gebruik Datum ingang status", "Gebruik datum")
DIRECTIONS = {"left_to_right": ((1, 2),), "right_to_left": ((2, 1),),
              "bidirection": ((1, 2), (2, 1)), "unknown": ((1, 2),)}
RETIRED_KOPPELING = "uitgefaseerd"
MARKET_HINT = ("this is the Softwarecatalogus list \"Alle pakketten\" (the market, not a "
               "landscape); load it into the rationalizer with `snoei catalogue import FILE` "
               "(PUT /v1/market-catalogue)")


def _rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells by column key) of each non-empty row; the header comes first as line 1."""
    if b"\x00" in data[:4096]:
        raise ImportFailed("file is not a CSV text file (it contains binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"CSV file is not UTF-8 (byte {exc.start}); save it as UTF-8 CSV"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [key(h) for h in next(reader, [])]
        yield 1, {h: h for h in header}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield reader.line_num, {"": f"has {len(row)} cells, the header has {len(header)}"}
                continue
            yield reader.line_num, {h: v.strip() for h, v in zip(header, row, strict=True)}
    except csv.Error as exc:
        raise ImportFailed(f"not a valid CSV file (line {reader.line_num}): {exc}") from None


def swc_file(header: set[str]) -> SwcFile | None:
    """Which Softwarecatalogus download a CSV header (column keys) belongs to, if any."""
    if {key("Pakketversie ID 1"), key("Pakketversie ID 2")} <= header or {
        key("Pakket ID 1"), key("Pakket ID 2")} <= header:
        return "koppelingen"
    has_version = bool(header & {key(c) for c in (*VERSION_ID, *VERSION_NAME)})
    if has_version and key(USAGE[0]) in header:
        return "pakketoverzicht"
    if has_version and key(STATUS[0]) in header and key("Referentiecomponenten leverancier") in (
        header
    ):
        return "alle-pakketten"
    return None


def sniff_swc_file(data: bytes) -> SwcFile | None:
    """The download a file's header names, without reading further; None for other files."""
    head = data[:4096].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    delimiter = max(";,\t", key=head.count)
    return swc_file({key(c.strip().strip('"')) for c in head.split(delimiter)})


def parse_softwarecatalogus_csv(
    data: bytes, imported_on: date
) -> tuple[list[ParsedItem], list[RowError]]:
    rows = _rows(data)
    _, header = next(rows, (1, {}))
    kind = swc_file(set(header))
    if kind is None:
        raise ImportFailed(
            "not a Softwarecatalogus CSV: expected the header of \"Mijn pakketoverzicht\" "
            "(Pakketversie ID or Naam, Pakket Naam, Gebruik status, ...) or \"Mijn "
            "koppelingen\" (Koppeling ID, Pakketversie ID 1, Pakketversie ID 2, ...)")
    if kind == "alle-pakketten":
        raise ImportFailed(MARKET_HINT)
    reader = _Pakketoverzicht(imported_on) if kind == "pakketoverzicht" else _Koppelingen()
    errors: list[RowError] = []
    for line, cells in rows:
        if "" in cells:
            errors.append(RowError(f"line {line}", cells[""]))
        else:
            errors.extend(reader.row(f"line {line}", cells))
    return reader.items(), errors


def cell(cells: dict[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    """(column as the file names it, value) of the first of ``names`` with a value."""
    for name in names:
        value = cells.get(key(name), "")
        if value:
            return name, value
    return None


def split_cell(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


class _Pakketoverzicht:
    """One application per Pakketversie: the export repeats a version once per reference
    component, so rows of one version are merged."""

    def __init__(self, imported_on: date) -> None:
        self.imported_on = imported_on
        self.applications: dict[str, ParsedItem] = {}
        self.capabilities: dict[str, ParsedItem] = {}
        self.technologies: dict[str, ParsedItem] = {}

    def items(self) -> list[ParsedItem]:
        return [*self.applications.values(), *self.capabilities.values(),
                *self.technologies.values()]

    def row(self, location: str, cells: dict[str, str]) -> list[RowError]:
        found = cell(cells, VERSION_ID)
        if found is None:
            return [RowError(location, "no Pakketversie ID (nor Pakket ID): the package version "
                             "cannot be identified", None, VERSION_ID[0])]
        app_id = found[1]
        label = f"application {app_id!r}"
        capabilities, errors = self._references(location, cells, label)
        if errors:
            return errors  # a bad row adds nothing, not even half of it
        known = self.applications.get(app_id)
        if known is None:
            known = self._application(location, app_id, cells)
            errors = self._lifecycle(known, cells, label)
            if any(e.severity == "error" for e in errors):
                return errors
            self.applications[app_id] = known
        merged = known.data.setdefault("capabilities", [])
        merged.extend(c for c in capabilities if c not in merged)
        return errors

    def _application(self, location: str, app_id: str, cells: dict[str, str]) -> ParsedItem:
        pakket, versie = cell(cells, PACKAGE_NAME), cell(cells, VERSION_NAME)
        data: dict[str, Any] = {"id": app_id}
        fields = {"id": VERSION_ID[0]}
        names = [c[1] for c in (pakket, versie) if c is not None]
        data["name"] = " ".join(names) or app_id
        fields["name"] = " and ".join(c[0] for c in (pakket, versie) if c is not None) or "id"
        for field_name, found in (("product", pakket), ("version", versie),
                                  ("supplier", cell(cells, SUPPLIER))):
            if found is not None:
                data[field_name], fields[field_name] = found[1], found[0]
        technologies = cell(cells, TECHNOLOGIES)
        if technologies is not None:
            data["technologies"] = technology_uses(technologies[1])
            fields["technologies"] = technologies[0]
        attributes = {name: found[1] for name, found in
                      (("Extern pakket", cell(cells, EXTERNAL)),
                       ("Gebruik datum", cell(cells, USAGE_DATE)),
                       ("Pakketversie Status", cell(cells, STATUS))) if found is not None}
        if attributes:
            data["attributes"] = attributes
        return ParsedItem("application", data, location, fields)

    def _lifecycle(self, item: ParsedItem, cells: dict[str, str], label: str) -> list[RowError]:
        usage = cell(cells, USAGE)
        if usage is not None:
            lifecycle = usage_lifecycle(usage[1])
            if lifecycle is None:
                return [unknown_usage(item.location, usage[1], label, usage[0])]
            item.data["lifecycle"], item.fields["lifecycle"] = lifecycle, usage[0]
        status = cell(cells, STATUS)
        if status is None or status[1].casefold() != END_OF_SUPPORT:
            return []
        version = item.data.get("version")
        if not version:
            return [quality(item.location, f"{status[0]} is {END_OF_SUPPORT!r} but the row has "
                            "no Pakketversie Naam, so the end of support is not recorded", label)]
        use = {"product": str(item.data.get("product") or item.data["name"])[:100],
               "version": str(version)[:50]}
        item.data.setdefault("technologies", []).append(use)
        record_id = f"{use['product']}:{use['version']}"
        self.technologies.setdefault(record_id, ParsedItem(
            "technology", {"id": record_id, **use,
                           "end_of_support": self.imported_on.isoformat()},
            item.location, {"id": "Pakket Naam and Pakketversie Naam",
                            "end_of_support": status[0]}))
        return []

    def _references(
        self, location: str, cells: dict[str, str], label: str
    ) -> tuple[list[str], list[RowError]]:
        """The reference components of a row (ids: their UUIDs, else their names), each
        also a capability of the landscape."""
        names_cell, ids_cell = cell(cells, REFERENCE_NAMES), cell(cells, REFERENCE_IDS)
        names = split_cell(names_cell[1]) if names_cell else []
        ids = split_cell(ids_cell[1]) if ids_cell else []
        if names and ids and len(names) != len(ids):
            return [], [RowError(location, f"{len(names)} reference component name(s) but "
                                 f"{len(ids)} id(s); they must pair up one to one", label,
                                 f"{names_cell[0] if names_cell else ''} / "
                                 f"{ids_cell[0] if ids_cell else ''}")]
        pairs = list(zip(ids, names, strict=True)) if ids and names else [
            (i, i) for i in ids or names]
        for capability_id, name in pairs:
            self.capabilities.setdefault(capability_id, ParsedItem(
                "capability", {"id": capability_id, "name": name}, location,
                {"id": ids_cell[0] if ids_cell else "name", "name": names_cell[0]
                 if names_cell else "id"}))
        return [i for i, _ in pairs], []


class _Koppelingen:
    """One integration per koppeling and direction (two when bidirectional), through the
    intermediair when there is one (source -> intermediair -> target)."""

    def __init__(self) -> None:
        self.integrations: list[ParsedItem] = []

    def items(self) -> list[ParsedItem]:
        return self.integrations

    def row(self, location: str, cells: dict[str, str]) -> list[RowError]:
        found = cell(cells, ("Koppeling ID",))
        if found is None:
            return [RowError(location, "no Koppeling ID", None, "Koppeling ID")]
        label = f"koppeling {found[1]!r}"
        ends = {n: cell(cells, (f"Pakketversie ID {n}", f"Pakket ID {n}")) for n in (1, 2)}
        missing = [n for n, end in ends.items() if end is None]
        if missing:
            return [RowError(location, f"no Pakketversie ID {missing[0]} (nor Pakket ID "
                             f"{missing[0]}): the koppeling has no end there", label,
                             f"Pakketversie ID {missing[0]}")]
        status = cell(cells, ("Status",))
        if status is not None and status[1].casefold() == RETIRED_KOPPELING:
            return [quality(location, "the koppeling is Uitgefaseerd (no longer in use); "
                            "left out", label, status[0])]
        raw = cell(cells, ("Koppeling richting",))
        direction = (raw[1] if raw else "unknown").strip().casefold()
        if direction not in DIRECTIONS:
            return [RowError(location, f"unknown Koppeling richting {direction!r}; expected "
                             f"one of {', '.join(DIRECTIONS)}", label, "Koppeling richting")]
        problems = [] if raw and direction != "unknown" else [quality(
            location, "the direction of the koppeling is unknown; read as from Pakketversie 1 "
            "to Pakketversie 2", label, "Koppeling richting")]
        ids = {n: end[1] for n, end in ends.items() if end is not None}
        self._add(location, found[1], cells, [(ids[a], ids[b]) for a, b in DIRECTIONS[direction]])
        return problems

    def _add(self, location: str, koppeling: str, cells: dict[str, str],
             pairs: list[tuple[str, str]]) -> None:
        via = cell(cells, ("Pakketversie ID Intermediair",))
        hops = [h for s, t in pairs for h in ([(s, via[1]), (via[1], t)] if via else [(s, t)])]
        protocol = cell(cells, ("Standaardversie", "Transportprotocol"))
        transport = cell(cells, ("Transportprotocol",))
        for source, target in hops:
            data: dict[str, Any] = {
                "id": f"koppeling-{koppeling}" if len(hops) == 1
                else f"koppeling-{koppeling}:{source}->{target}",
                "source": source, "target": target,
                "kind": "file" if transport and "ftp" in transport[1].casefold() else "api",
            }
            fields = {"id": "Koppeling ID", "source": "Pakketversie ID 1",
                      "target": "Pakketversie ID 2"}
            if protocol is not None:
                data["protocol"], fields["protocol"] = protocol[1][:100], protocol[0]
            self.integrations.append(ParsedItem("integration", data, location, fields))
