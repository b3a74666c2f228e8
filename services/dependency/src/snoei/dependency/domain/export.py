"""Exports of a landscape's graph: JSON node-link, GraphML and ArchiMate exchange XML.

Only integrations between two known applications are edges; the exports carry those.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any, TypeVar

import networkx as nx

from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)

ARCHIMATE_NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot hold at all; written as U+FFFD so the file stays readable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_R = TypeVar("_R", CapabilityRecord, TechnologyRecord)
OWN = "snoei:"  # property prefix the inventory's ArchiMate importer reads as Snoei fields


def _edges(g: LandscapeGraph) -> list[IntegrationRecord]:
    return sorted((r for _, _, r in g.graph.edges(data="record")), key=lambda r: r.id)


def _applications(g: LandscapeGraph) -> list[ApplicationRecord]:
    return [g.applications[k] for k in sorted(g.applications)]


def node_link(g: LandscapeGraph) -> dict[str, Any]:
    """networkx's node-link format (``nx.node_link_graph(data, edges="edges")`` reads it)."""
    return {
        "directed": True,
        "multigraph": True,
        "graph": {
            "landscape_id": g.landscape_id,
            "inventory_sequence": g.sequence,
            "direction": "source supplies data to target",
        },
        "nodes": [a.model_dump(mode="json") for a in _applications(g)],
        "edges": [{"key": i.id, **i.model_dump(mode="json")} for i in _edges(g)],
    }


def _flat(values: dict[str, Any]) -> dict[str, str | int | float]:
    """GraphML holds scalars only: drop empty values, join sequences."""
    flat: dict[str, str | int | float] = {}
    for key, value in values.items():
        if value is None or value == () or value == "":
            continue
        flat[key] = "; ".join(value) if isinstance(value, tuple) else value
    return flat


def graphml(g: LandscapeGraph) -> str:
    view = nx.MultiDiGraph(landscape_id=g.landscape_id, inventory_sequence=g.sequence)
    for a in _applications(g):
        view.add_node(
            a.id,
            **_flat(
                {
                    "name": a.name,
                    "owner": a.owner,
                    "supplier": a.supplier,
                    "lifecycle": a.lifecycle.value,
                    "hosting": a.hosting.value,
                    "criticality": a.criticality.value,
                    "annual_cost": a.yearly_cost,
                    "business_value": a.business_value,
                    "technical_fitness": a.technical_fitness,
                    "capabilities": a.capabilities,
                    "technologies": tuple(
                        f"{t.product} {t.version}" if t.version else t.product
                        for t in a.technologies
                    ),
                }
            ),
        )
    for i in _edges(g):
        view.add_edge(
            i.source,
            i.target,
            key=i.id,
            **_flat(
                {
                    "name": i.name,
                    "kind": i.kind.value,
                    "data_objects": i.data_objects,
                    "protocol": i.protocol,
                    "criticality": i.criticality.value,
                }
            ),
        )
    return "\n".join(nx.generate_graphml(view, named_key_ids=True)) + "\n"


def _identifier(g: LandscapeGraph, kind: str, item_id: str) -> str:
    """A valid xs:ID that stays the same across exports of the same item."""
    return "id-" + uuid.uuid5(uuid.NAMESPACE_URL, f"snoei:{g.landscape_id}:{kind}:{item_id}").hex


def _property_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


class _Archimate:
    def __init__(self, g: LandscapeGraph) -> None:
        self.g = g
        self.root = ET.Element(
            f"{{{ARCHIMATE_NS}}}model", {"identifier": _identifier(g, "model", "")}
        )
        self._text(self.root, "name", f"Landscape {g.landscape_id}")
        self.elements = ET.SubElement(self.root, f"{{{ARCHIMATE_NS}}}elements")
        self.relationships = ET.SubElement(self.root, f"{{{ARCHIMATE_NS}}}relationships")
        self.definitions: dict[str, str] = {}

    def _text(self, parent: ET.Element, tag: str, text: str) -> None:
        node = ET.SubElement(parent, f"{{{ARCHIMATE_NS}}}{tag}", {XML_LANG: "en"})
        node.text = _NOT_XML.sub("\ufffd", text)

    def _properties(self, parent: ET.Element, values: dict[str, Any]) -> None:
        present = {k: v for k, v in values.items() if v is not None and v not in ("", ())}
        if not present:
            return
        container = ET.SubElement(parent, f"{{{ARCHIMATE_NS}}}properties")
        for key, value in present.items():
            ref = self.definitions.setdefault(key, f"propid-{len(self.definitions) + 1}")
            prop = ET.SubElement(
                container, f"{{{ARCHIMATE_NS}}}property", {"propertyDefinitionRef": ref}
            )
            self._text(prop, "value", _property_text(value))

    def element(
        self, kind: str, item_id: str, xsi_type: str, name: str, props: dict[str, Any],
        documentation: str | None = None,
    ) -> None:
        node = ET.SubElement(
            self.elements,
            f"{{{ARCHIMATE_NS}}}element",
            {"identifier": _identifier(self.g, kind, item_id), f"{{{XSI_NS}}}type": xsi_type},
        )
        self._text(node, "name", name)
        if documentation:
            self._text(node, "documentation", documentation)
        self._properties(node, {f"{OWN}id": item_id, **props})

    def relationship(
        self, rel_id: str, xsi_type: str, source: tuple[str, str], target: tuple[str, str],
        name: str | None = None, props: dict[str, Any] | None = None,
    ) -> None:
        """``source`` and ``target`` are (kind, Snoei id) of elements of this model."""
        node = ET.SubElement(
            self.relationships,
            f"{{{ARCHIMATE_NS}}}relationship",
            {
                "identifier": _identifier(self.g, "relationship", rel_id),
                "source": _identifier(self.g, *source),
                "target": _identifier(self.g, *target),
                f"{{{XSI_NS}}}type": xsi_type,
            },
        )
        if name:
            self._text(node, "name", name)
        self._properties(node, props or {})

    def finish(self) -> str:
        if not len(self.relationships):
            self.root.remove(self.relationships)
        if self.definitions:
            holder = ET.SubElement(self.root, f"{{{ARCHIMATE_NS}}}propertyDefinitions")
            for key, ref in self.definitions.items():
                definition = ET.SubElement(
                    holder,
                    f"{{{ARCHIMATE_NS}}}propertyDefinition",
                    {"identifier": ref, "type": "string"},
                )
                self._text(definition, "name", key)
        ET.indent(self.root)
        return ET.tostring(self.root, encoding="unicode", xml_declaration=True) + "\n"


def archimate(g: LandscapeGraph) -> str:
    """The Open Group ArchiMate exchange format (3.x), which Archi imports and Snoei's own
    ArchiMate importer reads back without loss: applications as ApplicationComponents with
    every field as a ``snoei:`` property, integrations as Flow relationships (supplier ->
    consumer), capabilities as Capabilities realised by the applications (the tree as
    Compositions), structure as Specialization and Aggregation, technology lifecycles as
    SystemSoftware. Every element and relationship keeps its Snoei id in ``snoei:id``
    (an ArchiMate identifier is an xs:ID, which not every Snoei id is)."""
    ET.register_namespace("", ARCHIMATE_NS)
    ET.register_namespace("xsi", XSI_NS)
    doc = _Archimate(g)
    for a in _applications(g):
        doc.element("application", a.id, "ApplicationComponent", a.name,
                    _application_properties(g, a), a.description)
    for c in _sorted(g.capabilities):
        doc.element("capability", c.id, "Capability", c.name, {}, c.description)
    for t in _sorted(g.technologies):
        doc.element("technology", t.id, "SystemSoftware", f"{t.product} {t.version}",
                    _technology_properties(t))
    _add_flows(doc, g)
    _add_structure(doc, g)
    return doc.finish()


def _sorted(records: dict[str, _R]) -> list[_R]:
    return [records[k] for k in sorted(records)]


def _application_properties(g: LandscapeGraph, a: ApplicationRecord) -> dict[str, Any]:
    """Every field as the importer names it. Lists that relationships carry are written as
    properties too when some of their ids are not elements of the model (a capability
    without a record, say), so nothing is lost and the order is kept."""
    costs = a.costs
    fields: dict[str, Any] = {
        "owner": a.owner, "supplier": a.supplier, "product": a.product, "version": a.version,
        "lifecycle": a.lifecycle.value, "hosting": a.hosting.value,
        "criticality": a.criticality.value, "users": a.users,
        "business_value": a.business_value, "technical_fitness": a.technical_fitness,
        "contract_end": a.contract_end.isoformat() if a.contract_end else None,
        "cost_licence": costs.licence if costs else None,
        "cost_hosting": costs.hosting if costs else None,
        "cost_support": costs.support if costs else None,
        "cost_staff": costs.staff if costs else None,
        "technologies": tuple(f"{t.product}:{t.version}" if t.version else t.product
                              for t in a.technologies),
        "owned": a.owned, "kind": a.kind.value,
        "capabilities": _unless_all_in(a.capabilities, g.capabilities),
        "specialises": _unless_all_in(a.specialises, g.applications),
        "part_of": _unless_all_in(a.part_of, g.applications),
    }
    # Attributes first: one named like a field (an ``attr:owner`` CSV column) cannot then
    # overwrite that field when the file is read back.
    return {**a.attributes, **{f"{OWN}{k}": v for k, v in fields.items()}}


def _unless_all_in(ids: tuple[str, ...], known: dict[str, Any]) -> tuple[str, ...] | None:
    return None if all(i in known for i in ids) else ids


def _technology_properties(t: TechnologyRecord) -> dict[str, Any]:
    return {
        f"{OWN}product": t.product, f"{OWN}version": t.version,
        f"{OWN}end_of_support": t.end_of_support.isoformat() if t.end_of_support else None,
        f"{OWN}end_of_life": t.end_of_life.isoformat() if t.end_of_life else None,
    }


def _add_flows(doc: _Archimate, g: LandscapeGraph) -> None:
    """Integrations as Flow relationships, supplier -> consumer."""
    for i in _edges(g):
        doc.relationship(
            f"integration:{i.id}", "Flow", ("application", i.source),
            ("application", i.target), i.name,
            {
                f"{OWN}id": i.id, f"{OWN}kind": i.kind.value,
                f"{OWN}data_objects": i.data_objects, f"{OWN}protocol": i.protocol,
                f"{OWN}criticality": i.criticality.value,
            },
        )


def _add_structure(doc: _Archimate, g: LandscapeGraph) -> None:
    """Applications realising capabilities, specialising and being part of each other (in
    each list's order), and the capability tree as Compositions."""
    for a in _applications(g):
        for cap in a.capabilities:
            if cap in g.capabilities:
                doc.relationship(f"realises:{a.id}:{cap}", "Realization",
                                 ("application", a.id), ("capability", cap))
        for parent in a.specialises:
            if parent in g.applications:
                doc.relationship(f"specialises:{a.id}:{parent}", "Specialization",
                                 ("application", a.id), ("application", parent))
        for whole in a.part_of:
            if whole in g.applications:
                doc.relationship(f"part-of:{a.id}:{whole}", "Aggregation",
                                 ("application", whole), ("application", a.id))
    for c in _sorted(g.capabilities):
        if c.parent_id is not None and c.parent_id in g.capabilities:
            doc.relationship(f"parent:{c.id}", "Composition", ("capability", c.parent_id),
                             ("capability", c.id))
