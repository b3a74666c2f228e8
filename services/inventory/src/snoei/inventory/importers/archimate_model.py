"""Reading ArchiMate files into elements and relationships: the Open Group exchange format
(3.0/3.1, and 2.1's names) and Archi's native ``.archimate`` file, with properties and
specialisations; what they mean for the landscape is ``archimate.py``'s business."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element as XmlElement
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from snoei.inventory.importers.base import ImportFailed

EXCHANGE_NS_PREFIX = "http://www.opengroup.org/xsd/archimate"
ARCHI_NS = "http://www.archimatetool.com/archimate"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

# ArchiMate 2.1 (and British spelling in old Archi files) -> ArchiMate 3 names
RENAMED = {"UsedBy": "Serving", "Realisation": "Realization", "Specialisation": "Specialization"}


@dataclass
class ModelElement:
    id: str
    type: str
    name: str
    documentation: str | None
    properties: dict[str, str] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    """Names of the element's specialisations (ArchiMate 3.1 profiles, Archi's
    Specialization Manager)."""


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

    profile_names: dict[str, str] = {}
    for section in root:
        if _local(section.tag) == "profiles":
            for profile in section:
                identifier = profile.get("identifier", "")
                profile_names[identifier] = (
                    profile.get("name") or _text(profile, "name") or identifier
                )

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
                                 _text(node, "documentation"), properties(node),
                                 _profiles(node.get("profiles"), profile_names))
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
    profile_names = {
        p.get("id", ""): p.get("name", "") for p in root if _local(p.tag) == "profile"
    }
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
                             _text(node, "documentation"), props,
                             _profiles(node.get("profiles"), profile_names))
            )
    return elements, relations


def _profiles(refs: str | None, names: dict[str, str]) -> list[str]:
    """An element's `profiles="id-1 id-2"` -> the profiles' names."""
    return [names.get(ref, ref) for ref in (refs or "").split()]


