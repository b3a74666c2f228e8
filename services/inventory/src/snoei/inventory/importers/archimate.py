"""ArchiMate importers: the Open Group exchange format (3.0/3.1 and 2.1 names) and Archi's
native ``.archimate`` file, both mapped onto applications (with ownership and structure),
integrations and capabilities (the reference components a model holds)."""

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
    quality,
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
WHOLE_PART_RELATIONS = {"Composition", "Aggregation"}
OWN_PROPERTY_PREFIX = "snoei:"  # e.g. snoei:owned = false, snoei:cost_licence = 1200


@dataclass(frozen=True)
class ArchimateMapping:
    """Which element types (property values or specialisations) mean what. Compared case-
    insensitively. The defaults follow GEMMA models: "GEMMA type" (or "Object type") says
    what an element is, and the element's specialisation (Archi profile) counts the same."""

    type_properties: tuple[str, ...] = ("GEMMA type", "Object type")
    external_types: tuple[str, ...] = ("Buitengemeentelijke voorziening",
                                       "Landelijke voorziening")
    reference_types: tuple[str, ...] = ("Referentiecomponent",)

    def type_names(self, element: ModelElement) -> set[str]:
        wanted = {normalise(p) for p in self.type_properties}
        names = {v for k, v in element.properties.items() if normalise(k) in wanted}
        return {n.strip().casefold() for n in (*names, *element.profiles) if n.strip()}

    def is_external(self, element: ModelElement) -> bool:
        return bool(self.type_names(element) & {t.casefold() for t in self.external_types})

    def is_reference(self, element: ModelElement) -> bool:
        return bool(self.type_names(element) & {t.casefold() for t in self.reference_types})


DEFAULT_MAPPING = ArchimateMapping()


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


def to_items(
    elements: list[ModelElement], relations: list[Relation],
    mapping: ArchimateMapping = DEFAULT_MAPPING,
) -> tuple[list[ParsedItem], list[RowError]]:
    """Components become applications (reference components become capabilities; national
    or external facilities are not owned); Specialization, Aggregation and Composition
    between components become structure; Flow/Serving/Triggering between components
    (directly or through their interfaces, services and functions) become integrations;
    what a component realises becomes a capability. What cannot be placed is reported."""
    by_id = {e.id: e for e in elements}
    errors: list[RowError] = []
    references = {e.id for e in elements if e.type == COMPONENT and mapping.is_reference(e)}
    components = {e.id for e in elements if e.type == COMPONENT} - references

    def is_type(element_id: str, types: set[str]) -> bool:
        element = by_id.get(element_id)
        return element is not None and element.type in types

    def is_capability(element_id: str) -> bool:
        return element_id in references or is_type(element_id, CAPABILITY_TYPES)

    def describe(element_id: str) -> str:
        element = by_id[element_id]
        kind = "reference component" if element_id in references else element.type
        return f"{(element.name or element.id)!r} ({kind})"

    def where(r: Relation) -> str:
        return f"relationship {r.id!r}"

    def what(r: Relation) -> str:
        return f"{r.type} from {describe(r.source)} to {describe(r.target)}"

    # Who owns each interface / service / function (two passes resolve function -> service).
    owners: dict[str, set[str]] = {}
    for _ in range(2):
        for r in relations:
            if r.type in OWNING_RELATIONS and is_type(r.target, BRIDGES):
                if r.source in components:
                    owners.setdefault(r.target, set()).add(r.source)
                elif r.source in owners:
                    owners.setdefault(r.target, set()).update(owners[r.source])

    def endpoints(element_id: str) -> list[str]:
        if element_id in components:
            return [element_id]
        return sorted(owners.get(element_id, ()))

    applications: dict[str, ParsedItem] = {}
    for element in elements:
        if element.id not in components:
            continue
        applications[element.id] = _application(element, mapping)

    capabilities: dict[str, ParsedItem] = {}

    def add_capability(element_id: str) -> None:
        if element_id in capabilities:
            return
        element = by_id[element_id]
        data: dict[str, Any] = {"id": element.id, "name": element.name or element.id}
        if element.documentation:
            data["description"] = element.documentation
        capabilities[element_id] = ParsedItem(
            "capability", data, f"element {element.id!r}", {"id": "identifier", "name": "name"}
        )

    def add_to(app_id: str, field_name: str, value: str) -> None:
        values = applications[app_id].data.setdefault(field_name, [])
        if value not in values:
            values.append(value)

    for reference in sorted(references):
        add_capability(reference)  # the capability map, realised or not
    relation_ids = {r.id for r in relations}
    for r in relations:
        if r.source not in by_id or r.target not in by_id:
            missing = r.source if r.source not in by_id else r.target
            if missing not in relation_ids:  # a relationship to a relationship is no matter
                errors.append(quality(where(r), f"{r.type} names element {missing!r}, which "
                                                "is not in the model; left out"))
            continue
        if r.source == r.target and (r.source in components or r.source in references):
            errors.append(quality(where(r), f"{what(r)}: connects the element to itself; "
                                            "left out"))
            continue
        if r.source not in applications:
            if r.type == "Specialization" and r.target in applications:
                errors.append(quality(where(r), f"{what(r)}: a specialisation of an "
                                                "application must be an application; left out"))
            continue
        if r.type in REALISING_RELATIONS | {"Specialization"} and is_capability(r.target):
            add_to(r.source, "capabilities", r.target)
            add_capability(r.target)
        elif r.type == "Specialization" and r.target in applications:
            add_to(r.source, "specialises", r.target)
        elif r.type == "Specialization":
            errors.append(quality(where(r), f"{what(r)}: an application can only specialise "
                                            "an application or a reference component; "
                                            "left out"))
        elif r.type in WHOLE_PART_RELATIONS and r.target in applications:
            add_to(r.target, "part_of", r.source)
    # parents of capabilities, up the Composition/Aggregation/Specialization tree
    parent_of: dict[str, str] = {}
    for r in relations:
        if r.source == r.target or not (is_capability(r.source) and is_capability(r.target)):
            continue
        if r.type in TREE_RELATIONS:
            parent_of.setdefault(r.target, r.source)
        elif r.type == "Specialization":
            parent_of.setdefault(r.source, r.target)
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
        if default_kind is None or r.source not in by_id or r.target not in by_id:
            continue
        if r.source == r.target and r.source in components | references:
            continue  # reported above
        if r.source in references or r.target in references:
            errors.append(quality(where(r), f"{what(r)}: a reference component is not an "
                                            "application, so this is no integration; "
                                            "left out"))
            continue
        ends = (endpoints(r.source), endpoints(r.target))
        bridged = [e for e, found in zip((r.source, r.target), ends, strict=True)
                   if not found and is_type(e, BRIDGES)]
        if bridged:
            errors.append(quality(where(r), f"{what(r)}: no application component owns "
                                            f"{describe(bridged[0])} (by Assignment, "
                                            "Realization or Composition); left out"))
            continue
        junction = next((e for e in (r.source, r.target) if is_type(e, {"Junction"})), None)
        if junction is not None and (ends[0] or ends[1]):
            errors.append(quality(where(r), f"{what(r)}: flows through a junction are not "
                                            "followed; model the integration directly; "
                                            "left out"))
            continue
        if not ends[0] or not ends[1]:
            continue  # not between applications (e.g. serving a business actor)
        pairs = [(s, t) for s, t in itertools.product(*ends) if s != t]
        if not pairs:
            errors.append(quality(where(r), f"{what(r)}: both ends belong to the same "
                                            f"application {describe(ends[0][0])}; left out"))
            continue
        direct = r.source in components and r.target in components
        for source, target in pairs:
            data: dict[str, Any] = {
                "id": r.id if direct else f"{r.id}/{source}->{target}", "source": source,
                "target": target, "kind": default_kind,
            }
            fields = {"id": "identifier", "source": "source", "target": "target"}
            if r.name:
                data["name"] = r.name
            for key, value in r.properties.items():
                column = normalise(key)
                if column in INTEGRATION_FIELDS:
                    data[column] = split_list(value) if column == "data_objects" else value
                    fields[column] = f"property {key}"
            integrations.append(ParsedItem("integration", data, where(r), fields))
    if not applications:
        errors.append(RowError("model", "the model has no ApplicationComponent elements"
                                        + (" other than reference components" if references
                                           else "")))
    return [*applications.values(), *capabilities.values(), *integrations], errors


def _application(element: ModelElement, mapping: ArchimateMapping) -> ParsedItem:
    data: dict[str, Any] = {"id": element.id, "name": element.name}
    fields = {"id": "identifier", "name": "name"}
    if element.documentation:
        data["description"] = element.documentation
        fields["description"] = "documentation"
    attributes: dict[str, str] = {}
    for key, value in element.properties.items():
        own = key.lower().startswith(OWN_PROPERTY_PREFIX)
        name = key[len(OWN_PROPERTY_PREFIX):] if own else key
        # "kind" is too common a property name to read as Snoei's element kind unprefixed
        reserved = ("id", "name") if own else ("id", "name", "kind")
        if normalise(name) in reserved or not set_application_field(
            data, name, value, fields, f"property {key}"
        ):
            attributes[key] = value
    if element.profiles:
        attributes["archimate.specialization"] = ", ".join(element.profiles)
    if attributes:
        data["attributes"] = attributes
    if "owned" not in data and mapping.is_external(element):
        data["owned"] = False
        fields["owned"] = _type_source(element, mapping)
    return ParsedItem("application", data, f"element {element.id!r}", fields)


def _type_source(element: ModelElement, mapping: ArchimateMapping) -> str:
    """The file's words for where an element's type came from: a property or its profile."""
    wanted = {normalise(p) for p in mapping.type_properties}
    return next((f"property {k}" for k in element.properties if normalise(k) in wanted),
                "specialization")


def parse_exchange(
    data: bytes, mapping: ArchimateMapping = DEFAULT_MAPPING
) -> tuple[list[ParsedItem], list[RowError]]:
    return to_items(*read_exchange(parse_xml(data)), mapping)


def parse_archi(
    data: bytes, mapping: ArchimateMapping = DEFAULT_MAPPING
) -> tuple[list[ParsedItem], list[RowError]]:
    return to_items(*read_archi(parse_xml(data)), mapping)
