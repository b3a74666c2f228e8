"""The GEMMA Softwarecatalogus' ArchiMate (AMEFF) export of a municipality's landscape: each
Pakketversie becomes an application with its Pakket (product), Leverancier (supplier),
Versieaanduiding, Gebruik status and technologies; everything else is read as any GEMMA
model is (``archimate.py``). The mapping is documented in docs/importers.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from snoei.inventory.importers.archimate import ArchimateMapping, to_items
from snoei.inventory.importers.archimate_model import ModelElement, Relation
from snoei.inventory.importers.base import ParsedItem, RowError, quality

SWC_TYPE = "swctype"
PAKKETVERSIE, PAKKET, LEVERANCIER = "pakketversie", "pakket", "leverancier"
USAGE_LIFECYCLE = {
    "gepland": "plan",
    "in productie": "active",
    "uit te faseren": "phase-out",
    "uitgefaseerd": "retired",
}
END_OF_SUPPORT = "einde ondersteuning"


def key(name: str) -> str:
    """A property or column name compared without case, spaces, dashes or underscores
    (`Versie-aanduiding` = `Versieaanduiding`, `Gebruik status` = `Gebruik Status`)."""
    return re.sub(r"[\s_\-]+", "", name).casefold()


def prop(element: ModelElement | Relation, name: str) -> tuple[str, str] | None:
    """(the file's property name, its value) for the property called ``name``, if set."""
    wanted = key(name)
    for k, v in element.properties.items():
        if key(k) == wanted and v.strip():
            return k, v.strip()
    return None


def swc_type(element: ModelElement) -> str | None:
    found = prop(element, "SWC type")
    return found[1].casefold() if found else None


def is_softwarecatalogus(elements: list[ModelElement]) -> bool:
    """An export of the Softwarecatalogus: some element says it is a Pakketversie."""
    return any(swc_type(e) == PAKKETVERSIE for e in elements)


def technology_uses(value: str) -> list[dict[str, str | None]]:
    """`Windows Server 2019, Oracle 19c, Java` -> product/version pairs: a trailing word that
    starts with a digit is the version (also `product:version`)."""
    uses: list[dict[str, str | None]] = []
    for part in (p.strip() for p in value.replace(";", ",").split(",")):
        if not part:
            continue
        product, colon, version = part.partition(":")
        if not colon:
            head, _, last = part.rpartition(" ")
            product, version = (head, last) if head and last[:1].isdigit() else (part, "")
        uses.append({"product": product.strip()[:100], "version": version.strip()[:50] or None})
    return uses


def usage_lifecycle(value: str) -> str | None:
    return USAGE_LIFECYCLE.get(" ".join(value.replace("-", " ").split()).casefold())


def unknown_usage(location: str, value: str, label: str, column: str) -> RowError:
    expected = ", ".join(s.capitalize() for s in USAGE_LIFECYCLE)
    return RowError(location, f"unknown Gebruik status {value!r}; expected one of {expected}",
                    label, column)


@dataclass
class _Version:
    """What the export says about one Pakketversie besides its own properties."""

    element: ModelElement
    pakket: ModelElement | None = None
    leverancier: ModelElement | None = None


class _Catalogue:
    """The Pakketten, Leveranciers and Pakketversies of an export and how they relate."""

    def __init__(self, elements: list[ModelElement], relations: list[Relation]) -> None:
        by_type: dict[str, dict[str, ModelElement]] = {PAKKETVERSIE: {}, PAKKET: {},
                                                       LEVERANCIER: {}}
        for element in elements:
            kind = swc_type(element)
            if kind in by_type:
                by_type[kind][element.id] = element
        self.pakketten = by_type[PAKKET]
        self.versions = {i: _Version(e) for i, e in sorted(by_type[PAKKETVERSIE].items())}
        supplier_of: dict[str, ModelElement] = {}
        leveranciers = by_type[LEVERANCIER]
        # Any relationship, either way: exports draw them as Association, Realization,
        # Composition or Specialization; which one says nothing more here.
        for r in sorted(relations, key=lambda r: r.id):
            ends = {r.source, r.target}
            actor = next((leveranciers[e] for e in ends if e in leveranciers), None)
            pakket = next((self.pakketten[e] for e in ends if e in self.pakketten), None)
            version = next((self.versions[e] for e in ends if e in self.versions), None)
            if actor is not None and pakket is not None:
                supplier_of.setdefault(pakket.id, actor)
            elif pakket is not None and version is not None and version.pakket is None:
                version.pakket = pakket
            elif actor is not None and version is not None and version.leverancier is None:
                version.leverancier = actor
        for version in self.versions.values():
            if version.pakket is not None and version.pakket.id in supplier_of:
                version.leverancier = supplier_of[version.pakket.id]


def swc_to_items(
    elements: list[ModelElement], relations: list[Relation], mapping: ArchimateMapping,
    imported_on: date,
) -> tuple[list[ParsedItem], list[RowError]]:
    """The landscape of a Softwarecatalogus export: Pakketten are products, not
    applications, so they and their relationships are read into the Pakketversies."""
    catalogue = _Catalogue(elements, relations)
    dropped = set(catalogue.pakketten)
    items, errors = to_items(
        [e for e in elements if e.id not in dropped],
        [r for r in relations if r.source not in dropped and r.target not in dropped],
        _with_swc_type(mapping),
    )
    relation_by_id = {r.id: r for r in relations}
    standards = _standards(elements, relations, relation_by_id)
    records: dict[str, ParsedItem] = {}
    kept: list[ParsedItem] = []
    for item in items:
        if item.kind == "application" and item.data["id"] in catalogue.versions:
            version = catalogue.versions[item.data["id"]]
            found = _read_version(item, version, records, imported_on)
            errors.extend(found)
            if any(e.severity == "error" for e in found):
                continue  # a bad element is not imported at all
        elif item.kind == "integration":
            relation = relation_by_id.get(str(item.data["id"]).partition("/")[0])
            if relation is not None:
                _read_koppeling(item, relation, standards.get(relation.id))
        kept.append(item)
    return [*kept, *records.values()], errors


def _with_swc_type(mapping: ArchimateMapping) -> ArchimateMapping:
    """``SWC type`` says what an element is, too (e.g. a Referentiecomponent)."""
    if any(key(p) == SWC_TYPE for p in mapping.type_properties):
        return mapping
    return ArchimateMapping((*mapping.type_properties, "SWC type"), mapping.external_types,
                            mapping.reference_types)


def _read_version(
    item: ParsedItem, version: _Version, records: dict[str, ParsedItem], imported_on: date
) -> list[RowError]:
    """Fill an application from its Pakketversie's properties, Pakket and Leverancier."""
    element, data, fields = version.element, item.data, item.fields
    label = f"application {element.id!r}"
    errors: list[RowError] = []
    versie = prop(element, "Versieaanduiding")
    if versie is not None:
        data["version"], fields["version"] = versie[1], f"property {versie[0]}"
    if version.pakket is not None:
        product = version.pakket.name or version.pakket.id
        data["product"], fields["product"] = product, f"Pakket {version.pakket.id!r}"
        if not element.name.casefold().startswith(product.casefold()):
            data["name"] = f"{product} {versie[1]}" if versie else product
            fields["name"] = f"Pakket {version.pakket.id!r} name and Versieaanduiding"
    else:
        errors.append(quality(item.location, "no Pakket relates to this Pakketversie, so its "
                              "product and supplier are unknown", label))
    if version.leverancier is not None:
        data["supplier"] = version.leverancier.name or version.leverancier.id
        fields["supplier"] = f"Leverancier {version.leverancier.id!r}"
    usage = prop(element, "Gebruik status")
    if usage is not None:
        lifecycle = usage_lifecycle(usage[1])
        if lifecycle is None:
            return [unknown_usage(item.location, usage[1], label, f"property {usage[0]}")]
        data["lifecycle"], fields["lifecycle"] = lifecycle, f"property {usage[0]}"
    uses: list[dict[str, Any]] = list(data.get("technologies", []))
    supported = prop(element, "Ondersteunde technologie")
    if supported is not None:
        uses.extend(u for u in technology_uses(supported[1]) if u not in uses)
        fields["technologies"] = f"property {supported[0]}"
    status = prop(element, "Pakketversie Status")
    if status is not None and status[1].casefold() == END_OF_SUPPORT:
        errors.extend(_end_of_support(item, uses, records, imported_on, status[0]))
    if uses:
        data["technologies"] = uses
    return errors


def _end_of_support(
    item: ParsedItem, uses: list[dict[str, Any]], records: dict[str, ParsedItem],
    imported_on: date, status_property: str,
) -> list[RowError]:
    """The supplier ended support of this version: the product version becomes a technology
    the application runs on, with a lifecycle record saying support ended (by the day of
    the import at the latest: the export does not say when)."""
    product = item.data.get("product") or item.data.get("name")
    version = item.data.get("version")
    if not version:
        return [quality(item.location, f"{status_property} is {END_OF_SUPPORT!r} but there is "
                        "no Versieaanduiding, so the end of support is not recorded",
                        f"application {item.data['id']!r}")]
    use = {"product": str(product)[:100], "version": str(version)[:50]}
    if use not in uses:
        uses.append(use)
    record_id = f"{use['product']}:{use['version']}"
    records.setdefault(record_id, ParsedItem(
        "technology",
        {"id": record_id, "product": use["product"], "version": use["version"],
         "end_of_support": imported_on.isoformat()},
        item.location,
        {"id": "Pakket name and Versieaanduiding", "end_of_support": f"property {status_property}"},
    ))
    return []


def _standards(
    elements: list[ModelElement], relations: list[Relation], relation_by_id: dict[str, Relation]
) -> dict[str, ModelElement]:
    """The standard a koppeling follows when drawn as a relationship from the koppeling (a
    relationship) to a standard (a Constraint, or an element typed Standaard/Standaardversie)."""
    standards = {e.id: e for e in elements if e.type == "Constraint" or (swc_type(e) or "")
                 .startswith("standaard")}
    found: dict[str, ModelElement] = {}
    for r in sorted(relations, key=lambda r: r.id):
        for koppeling, other in ((r.source, r.target), (r.target, r.source)):
            if koppeling in relation_by_id and other in standards:
                found.setdefault(koppeling, standards[other])
    return found


def _read_koppeling(item: ParsedItem, relation: Relation, standard: ModelElement | None) -> None:
    """A koppeling's standard (a property, or a standard it is related to), or else its
    transport protocol, is its protocol."""
    if "protocol" in item.data:
        return
    stated = prop(relation, "Standaardversie") or prop(relation, "Standaard")
    transport = prop(relation, "Transportprotocol")
    if stated is not None:
        protocol, where = stated[1], f"property {stated[0]}"
    elif standard is not None:
        protocol, where = standard.name or standard.id, f"standard {standard.id!r}"
    elif transport is not None:
        protocol, where = transport[1], f"property {transport[0]}"
    else:
        return
    item.data["protocol"], item.fields["protocol"] = protocol[:100], where


def model_items(
    elements: list[ModelElement], relations: list[Relation], mapping: ArchimateMapping,
    imported_on: date,
) -> tuple[list[ParsedItem], list[RowError]]:
    """A Softwarecatalogus export with its profile, any other model as ArchiMate."""
    if is_softwarecatalogus(elements):
        return swc_to_items(elements, relations, mapping, imported_on)
    return to_items(elements, relations, mapping)
