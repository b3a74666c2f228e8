"""Exports of a landscape's graph: JSON node-link, GraphML and ArchiMate exchange XML.

Only integrations between two known applications are edges; the exports carry those.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from snoei.dependency.domain.graph import LandscapeGraph
from snoei.shared.contracts.landscape import ApplicationRecord, IntegrationRecord

ARCHIMATE_NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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
        node.text = text

    def _properties(self, parent: ET.Element, values: dict[str, Any]) -> None:
        present = {k: v for k, v in values.items() if v not in (None, "", ())}
        if not present:
            return
        container = ET.SubElement(parent, f"{{{ARCHIMATE_NS}}}properties")
        for key, value in present.items():
            ref = self.definitions.setdefault(key, f"propid-{len(self.definitions) + 1}")
            prop = ET.SubElement(
                container, f"{{{ARCHIMATE_NS}}}property", {"propertyDefinitionRef": ref}
            )
            text = "; ".join(value) if isinstance(value, tuple) else str(value)
            self._text(prop, "value", text)

    def element(
        self, kind: str, item_id: str, xsi_type: str, name: str, props: dict[str, Any]
    ) -> None:
        node = ET.SubElement(
            self.elements,
            f"{{{ARCHIMATE_NS}}}element",
            {"identifier": _identifier(self.g, kind, item_id), f"{{{XSI_NS}}}type": xsi_type},
        )
        self._text(node, "name", name)
        self._properties(node, {"snoei-id": item_id, **props})

    def relationship(
        self,
        rel_id: str,
        xsi_type: str,
        source: str,
        target: str,
        name: str | None,
        props: dict[str, Any],
    ) -> None:
        node = ET.SubElement(
            self.relationships,
            f"{{{ARCHIMATE_NS}}}relationship",
            {
                "identifier": _identifier(self.g, "relationship", rel_id),
                "source": source,
                "target": target,
                f"{{{XSI_NS}}}type": xsi_type,
            },
        )
        if name:
            self._text(node, "name", name)
        self._properties(node, props)

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
    """The Open Group ArchiMate exchange format (3.x), which Archi imports: applications as
    ApplicationComponents, integrations as Flow relationships (supplier -> consumer),
    capabilities as Capabilities realised by the applications, the capability tree as
    Compositions. Every element keeps its Snoei id in the ``snoei-id`` property."""
    ET.register_namespace("", ARCHIMATE_NS)
    ET.register_namespace("xsi", XSI_NS)
    doc = _Archimate(g)
    _add_elements(doc, g)
    _add_flows(doc, g)
    _add_structure(doc, g)
    return doc.finish()


def _add_elements(doc: _Archimate, g: LandscapeGraph) -> None:
    for a in _applications(g):
        doc.element(
            "application",
            a.id,
            "ApplicationComponent",
            a.name,
            {
                "owner": a.owner,
                "supplier": a.supplier,
                "lifecycle": a.lifecycle.value,
                "criticality": a.criticality.value,
                "annual-cost": a.yearly_cost,
            },
        )
    for c in (g.capabilities[k] for k in sorted(g.capabilities)):
        doc.element("capability", c.id, "Capability", c.name, {})


def _add_flows(doc: _Archimate, g: LandscapeGraph) -> None:
    """Integrations as Flow relationships, supplier -> consumer."""
    for i in _edges(g):
        doc.relationship(
            f"integration:{i.id}",
            "Flow",
            _identifier(g, "application", i.source),
            _identifier(g, "application", i.target),
            i.name or ", ".join(i.data_objects) or None,
            {
                "snoei-id": i.id,
                "kind": i.kind.value,
                "data-objects": i.data_objects,
                "protocol": i.protocol,
                "criticality": i.criticality.value,
            },
        )


def _add_structure(doc: _Archimate, g: LandscapeGraph) -> None:
    """Applications realising capabilities, and the capability tree as Compositions."""
    for a in _applications(g):
        for cap in a.capabilities:
            if cap in g.capabilities:
                doc.relationship(
                    f"realises:{a.id}:{cap}",
                    "Realization",
                    _identifier(g, "application", a.id),
                    _identifier(g, "capability", cap),
                    None,
                    {},
                )
    for c in (g.capabilities[k] for k in sorted(g.capabilities)):
        if c.parent_id is not None and c.parent_id in g.capabilities:
            doc.relationship(
                f"parent:{c.id}",
                "Composition",
                _identifier(g, "capability", c.parent_id),
                _identifier(g, "capability", c.id),
                None,
                {},
            )
