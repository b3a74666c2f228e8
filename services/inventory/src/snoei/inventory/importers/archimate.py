"""ArchiMate importers: the Open Group exchange format (3.0/3.1 and 2.1 names) and Archi's
native ``.archimate`` file, both mapped onto applications, integrations and capabilities."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element as XmlElement
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from snoei.inventory.importers.base import (
    INTEGRATION_FIELDS,
    ImportFailed,
    ParsedItem,
    RowError,
    normalise,
    set_application_field,
    split_list,
)

EXCHANGE_NS_PREFIX = "http://www.opengroup.org/xsd/archimate"
ARCHI_NS = "http://www.archimatetool.com/archimate"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

# ArchiMate 2.1 (and British spelling in old Archi files) -> ArchiMate 3 names
RENAMED = {"UsedBy": "Serving", "Realisation": "Realization", "Specialisation": "Specialization"}
COMPONENT = "ApplicationComponent"
BRIDGES = {"ApplicationInterface", "ApplicationService", "ApplicationFunction"}
CAPABILITY_TYPES = {"ApplicationService", "ApplicationFunction", "BusinessService",
                    "BusinessFunction", "Capability"}
INTEGRATION_RELATIONS = {"Flow": "message", "Serving": "api", "Triggering": "message"}
OWNING_RELATIONS = {"Assignment", "Composition", "Aggregation", "Realization"}
REALISING_RELATIONS = {"Realization", "Assignment"}
TREE_RELATIONS = {"Composition", "Aggregation"}


@dataclass
class ModelElement:
    id: str
    type: str
    name: str
    documentation: str | None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class Relation:
    id: str
    type: str
    source: str
    target: str
    name: str
    properties: dict[str, str] = field(default_factory=dict)


def parse_xml(data: bytes) -> XmlElement:
    """Parse XML refusing entity declarations and external references (XXE, billion laughs)."""
    try:
        root: XmlElement = fromstring(data, forbid_dtd=False, forbid_entities=True,
                                      forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFailed(
            "unsafe XML rejected: the file declares entities or external references "
            f"({type(exc).__name__}); entity expansion and external entities are not allowed"
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise ImportFailed(f"not well-formed XML (line {line}, column {column})") from None
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _type(raw: str | None) -> str:
    name = (raw or "").rpartition(":")[2]
    if name.endswith("Relationship"):
        name = name[: -len("Relationship")]
    return RENAMED.get(name, name)


def _text(parent: XmlElement, *names: str) -> str | None:
    """Text of the first child called one of ``names`` (any namespace)."""
    for child in parent:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def read_exchange(root: XmlElement) -> tuple[list[ModelElement], list[Relation]]:
    if _local(root.tag) != "model" or not _namespace(root.tag).startswith(EXCHANGE_NS_PREFIX):
        raise ImportFailed(
            f"not an ArchiMate exchange file: the root element is {root.tag!r}, expected "
            f"'model' in namespace {EXCHANGE_NS_PREFIX}/3.0/ (or 2.1's {EXCHANGE_NS_PREFIX})"
        )
    definitions: dict[str, str] = {}
    for definition in root.iter():
        if _local(definition.tag) in ("propertyDefinition", "propertydef"):
            identifier = definition.get("identifier", "")
            definitions[identifier] = (
                definition.get("name") or _text(definition, "name") or identifier
            )

    def properties(node: XmlElement) -> dict[str, str]:
        found: dict[str, str] = {}
        for group in node:
            if _local(group.tag) != "properties":
                continue
            for prop in group:
                ref = prop.get("propertyDefinitionRef") or prop.get("identifierref") or ""
                value = _text(prop, "value")
                if value is not None:
                    found[definitions.get(ref, ref)] = value
        return found

    elements: list[ModelElement] = []
    relations: list[Relation] = []
    for section in root:
        for node in section:
            kind = _local(node.tag)
            identifier = node.get("identifier", "")
            name = _text(node, "name", "label") or ""
            if _local(section.tag) == "elements" and kind == "element":
                elements.append(
                    ModelElement(identifier, _type(node.get(XSI_TYPE)), name,
                                 _text(node, "documentation"), properties(node))
                )
            elif _local(section.tag) == "relationships" and kind == "relationship":
                relations.append(
                    Relation(identifier, _type(node.get(XSI_TYPE)), node.get("source", ""),
                             node.get("target", ""), name, properties(node))
                )
    return elements, relations


def read_archi(root: XmlElement) -> tuple[list[ModelElement], list[Relation]]:
    if _local(root.tag) != "model" or _namespace(root.tag) != ARCHI_NS:
        raise ImportFailed(
            f"not an Archi .archimate file: the root element is {root.tag!r}, expected "
            f"'model' in namespace {ARCHI_NS}"
        )
    elements: list[ModelElement] = []
    relations: list[Relation] = []
    for node in root.iter("element"):
        raw_type = node.get(XSI_TYPE) or ""
        props = {
            p.get("key", ""): p.get("value", "")
            for p in node if _local(p.tag) == "property" and p.get("key")
        }
        if raw_type.endswith("Relationship"):
            relations.append(
                Relation(node.get("id", ""), _type(raw_type), node.get("source", ""),
                         node.get("target", ""), node.get("name", ""), props)
            )
        elif not raw_type.endswith("DiagramModel") and not raw_type.endswith("SketchModel"):
            elements.append(
                ModelElement(node.get("id", ""), _type(raw_type), node.get("name", ""),
                             _text(node, "documentation"), props)
            )
    return elements, relations


def to_items(
    elements: list[ModelElement], relations: list[Relation]
) -> tuple[list[ParsedItem], list[RowError]]:
    """Components become applications; Flow/Serving/Triggering between components (directly
    or through their interfaces, services and functions) become integrations; services and
    functions a component realises become capabilities, with Composition/Aggregation as the
    capability tree."""
    by_id = {e.id: e for e in elements}
    errors: list[RowError] = []

    def is_type(element_id: str, types: set[str]) -> bool:
        element = by_id.get(element_id)
        return element is not None and element.type in types

    # Who owns each interface / service / function (two passes resolve function -> service).
    owners: dict[str, set[str]] = {}
    for _ in range(2):
        for r in relations:
            if r.type in OWNING_RELATIONS and is_type(r.target, BRIDGES):
                if is_type(r.source, {COMPONENT}):
                    owners.setdefault(r.target, set()).add(r.source)
                elif r.source in owners:
                    owners.setdefault(r.target, set()).update(owners[r.source])

    def endpoints(element_id: str) -> list[str]:
        if is_type(element_id, {COMPONENT}):
            return [element_id]
        return sorted(owners.get(element_id, ()))

    applications: dict[str, ParsedItem] = {}
    for element in elements:
        if element.type != COMPONENT:
            continue
        location = f"element {element.id!r}"
        data: dict[str, Any] = {"id": element.id, "name": element.name}
        fields = {"id": "identifier", "name": "name"}
        if element.documentation:
            data["description"] = element.documentation
            fields["description"] = "documentation"
        attributes: dict[str, str] = {}
        for key, value in element.properties.items():
            if normalise(key) in ("id", "name") or not set_application_field(
                data, key, value, fields, f"property {key}"
            ):
                attributes[key] = value
        if attributes:
            data["attributes"] = attributes
        applications[element.id] = ParsedItem("application", data, location, fields)

    capabilities: dict[str, ParsedItem] = {}

    def add_capability(element_id: str) -> None:
        if element_id in capabilities:
            return
        element = by_id[element_id]
        data: dict[str, Any] = {"id": element.id, "name": element.name}
        if element.documentation:
            data["description"] = element.documentation
        capabilities[element_id] = ParsedItem(
            "capability", data, f"element {element.id!r}", {"id": "identifier", "name": "name"}
        )

    for r in relations:
        if r.type in REALISING_RELATIONS and r.source in applications and is_type(
            r.target, CAPABILITY_TYPES
        ):
            app = applications[r.source].data
            if r.target not in app.setdefault("capabilities", []):
                app["capabilities"].append(r.target)
            add_capability(r.target)
    # parents of realised capabilities, up the Composition/Aggregation tree
    parent_of: dict[str, str] = {}
    for r in relations:
        if r.type in TREE_RELATIONS and is_type(r.source, CAPABILITY_TYPES) and is_type(
            r.target, CAPABILITY_TYPES
        ):
            parent_of.setdefault(r.target, r.source)
    pending = list(capabilities)
    while pending:
        child = pending.pop()
        parent = parent_of.get(child)
        if parent is None or capabilities[child].data.get("parent_id"):
            continue
        capabilities[child].data["parent_id"] = parent
        if parent not in capabilities:
            add_capability(parent)
            pending.append(parent)

    integrations: list[ParsedItem] = []
    for r in relations:
        default_kind = INTEGRATION_RELATIONS.get(r.type)
        if default_kind is None:
            continue
        pairs = [
            (s, t) for s, t in itertools.product(endpoints(r.source), endpoints(r.target))
            if s != t
        ]
        direct = is_type(r.source, {COMPONENT}) and is_type(r.target, {COMPONENT})
        for source, target in pairs:
            data = {"id": r.id if direct else f"{r.id}/{source}->{target}", "source": source,
                    "target": target, "kind": default_kind}
            fields = {"id": "identifier", "source": "source", "target": "target"}
            if r.name:
                data["name"] = r.name
            for key, value in r.properties.items():
                column = normalise(key)
                if column in INTEGRATION_FIELDS:
                    data[column] = split_list(value) if column == "data_objects" else value
                    fields[column] = f"property {key}"
            integrations.append(
                ParsedItem("integration", data, f"relationship {r.id!r}", fields)
            )
    if not applications:
        errors.append(RowError("model", "the model has no ApplicationComponent elements"))
    return [*applications.values(), *capabilities.values(), *integrations], errors


def parse_exchange(data: bytes) -> tuple[list[ParsedItem], list[RowError]]:
    return to_items(*read_exchange(parse_xml(data)))


def parse_archi(data: bytes) -> tuple[list[ParsedItem], list[RowError]]:
    return to_items(*read_archi(parse_xml(data)))
