"""ArchiMate models onto the landscape: applications (with ownership and structure),
integrations, and capabilities (the reference components a model holds). Reading the files
is ``archimate_model.py``; what cannot be placed is reported as a data-quality problem."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from snoei.inventory.importers.archimate_model import (
    ModelElement,
    Relation,
    parse_xml,
    read_archi,
    read_exchange,
)
from snoei.inventory.importers.base import (
    INTEGRATION_FIELDS,
    ParsedItem,
    RowError,
    normalise,
    quality,
    set_application_field,
    split_list,
)

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


def to_items(
    elements: list[ModelElement], relations: list[Relation],
    mapping: ArchimateMapping = DEFAULT_MAPPING,
) -> tuple[list[ParsedItem], list[RowError]]:
    """Components become applications (reference components become capabilities; national
    or external facilities are not owned); Specialization, Aggregation and Composition
    between components become structure; Flow/Serving/Triggering between components
    (directly or through their interfaces, services and functions) become integrations;
    what a component realises becomes a capability. What cannot be placed is reported."""
    model = _Model(elements, relations, mapping)
    model.structure_and_capabilities()
    model.capability_tree()
    integrations = model.integrations()
    if not model.applications:
        model.errors.append(RowError(
            "model", "the model has no ApplicationComponent elements"
            + (" other than reference components" if model.references else "")))
    return ([*model.applications.values(), *model.capabilities.values(), *integrations],
            model.errors)


class _Model:
    """One model being mapped: what each element is, and the items made so far."""

    def __init__(self, elements: list[ModelElement], relations: list[Relation],
                 mapping: ArchimateMapping) -> None:
        self.by_id = {e.id: e for e in elements}
        self.relations = relations
        self.references = {e.id for e in elements
                           if e.type == COMPONENT and mapping.is_reference(e)}
        self.components = {e.id for e in elements if e.type == COMPONENT} - self.references
        self.errors: list[RowError] = []
        self.applications = {e.id: _application(e, mapping) for e in elements
                             if e.id in self.components}
        self.capabilities: dict[str, ParsedItem] = {}
        for reference in sorted(self.references):
            self.add_capability(reference)  # the capability map, realised or not
        # Who owns each interface / service / function (two passes: function -> service).
        self.owners: dict[str, set[str]] = {}
        for _ in range(2):
            for r in relations:
                if r.type in OWNING_RELATIONS and self.is_type(r.target, BRIDGES):
                    if r.source in self.components:
                        self.owners.setdefault(r.target, set()).add(r.source)
                    elif r.source in self.owners:
                        self.owners.setdefault(r.target, set()).update(self.owners[r.source])

    def is_type(self, element_id: str, types: set[str]) -> bool:
        element = self.by_id.get(element_id)
        return element is not None and element.type in types

    def is_capability(self, element_id: str) -> bool:
        return element_id in self.references or self.is_type(element_id, CAPABILITY_TYPES)

    def describe(self, element_id: str) -> str:
        element = self.by_id[element_id]
        kind = "reference component" if element_id in self.references else element.type
        return f"{(element.name or element.id)!r} ({kind})"

    def report(self, r: Relation, problem: str) -> None:
        what = f"{r.type} from {self.describe(r.source)} to {self.describe(r.target)}"
        self.errors.append(quality(f"relationship {r.id!r}", f"{what}: {problem}"))

    def add_capability(self, element_id: str) -> None:
        if element_id in self.capabilities:
            return
        element = self.by_id[element_id]
        data: dict[str, Any] = {"id": element.id, "name": element.name or element.id}
        if element.documentation:
            data["description"] = element.documentation
        self.capabilities[element_id] = ParsedItem(
            "capability", data, f"element {element.id!r}", {"id": "identifier", "name": "name"}
        )

    def add_to(self, app_id: str, field_name: str, value: str) -> None:
        values = self.applications[app_id].data.setdefault(field_name, [])
        if value not in values:
            values.append(value)

    def placed(self, r: Relation, relation_ids: set[str]) -> bool:
        """Both ends in the model and not an application to itself; else reported."""
        if r.source not in self.by_id or r.target not in self.by_id:
            missing = r.source if r.source not in self.by_id else r.target
            if missing not in relation_ids:  # a relationship to a relationship is no matter
                self.errors.append(quality(
                    f"relationship {r.id!r}",
                    f"{r.type} names element {missing!r}, which is not in the model; left out"))
            return False
        if r.source == r.target and r.source in self.components | self.references:
            self.report(r, "connects the element to itself; left out")
            return False
        return True

    def structure_and_capabilities(self) -> None:
        """Specialization / Aggregation / Composition between applications, and what an
        application realises or specialises that is a capability."""
        relation_ids = {r.id for r in self.relations}
        self.relations = [r for r in self.relations if self.placed(r, relation_ids)]
        for r in self.relations:
            if r.source not in self.applications:
                if r.type == "Specialization" and r.target in self.applications:
                    self.report(r, "a specialisation of an application must be an "
                                   "application; left out")
            elif r.type in REALISING_RELATIONS | {"Specialization"} and self.is_capability(
                r.target
            ):
                self.add_to(r.source, "capabilities", r.target)
                self.add_capability(r.target)
            elif r.type == "Specialization" and r.target in self.applications:
                self.add_to(r.source, "specialises", r.target)
            elif r.type == "Specialization":
                self.report(r, "an application can only specialise an application or a "
                               "reference component; left out")
            elif r.type in WHOLE_PART_RELATIONS and r.target in self.applications:
                self.add_to(r.target, "part_of", r.source)

    def capability_tree(self) -> None:
        """Parents of the capabilities, up the Composition/Aggregation (whole -> part) and
        Specialization (child -> parent) relationships between capabilities."""
        parent_of: dict[str, str] = {}
        for r in self.relations:
            if r.source == r.target or not (
                self.is_capability(r.source) and self.is_capability(r.target)
            ):
                continue
            if r.type in TREE_RELATIONS:
                parent_of.setdefault(r.target, r.source)
            elif r.type == "Specialization":
                parent_of.setdefault(r.source, r.target)
        pending = list(self.capabilities)
        while pending:
            child = pending.pop()
            parent = parent_of.get(child)
            if parent is None or self.capabilities[child].data.get("parent_id"):
                continue
            self.capabilities[child].data["parent_id"] = parent
            if parent not in self.capabilities:
                self.add_capability(parent)
                pending.append(parent)

    def endpoints(self, element_id: str) -> list[str]:
        if element_id in self.components:
            return [element_id]
        return sorted(self.owners.get(element_id, ()))

    def integrations(self) -> list[ParsedItem]:
        found: list[ParsedItem] = []
        for r in self.relations:
            pairs = self.flow_pairs(r)
            direct = r.source in self.components and r.target in self.components
            for source, target in pairs:
                found.append(_integration(r, source, target, direct))
        return found

    def flow_pairs(self, r: Relation) -> list[tuple[str, str]]:
        """The (supplier, consumer) applications of a Flow/Serving/Triggering; none (and a
        report where it says something about applications) when it cannot be placed."""
        if r.type not in INTEGRATION_RELATIONS:
            return []
        if r.source in self.references or r.target in self.references:
            self.report(r, "a reference component is not an application, so this is no "
                           "integration; left out")
            return []
        ends = (self.endpoints(r.source), self.endpoints(r.target))
        unowned = [e for e, found in zip((r.source, r.target), ends, strict=True)
                   if not found and self.is_type(e, BRIDGES)]
        if unowned:
            self.report(r, f"no application component owns {self.describe(unowned[0])} (by "
                           "Assignment, Realization or Composition); left out")
            return []
        if (ends[0] or ends[1]) and any(self.is_type(e, {"Junction"})
                                        for e in (r.source, r.target)):
            self.report(r, "flows through a junction are not followed; model the "
                           "integration directly; left out")
            return []
        if not ends[0] or not ends[1]:
            return []  # not between applications (e.g. serving a business actor)
        pairs = [(s, t) for s, t in itertools.product(*ends) if s != t]
        if not pairs:
            self.report(r, "both ends belong to the same application "
                           f"{self.describe(ends[0][0])}; left out")
        return pairs


def _integration(r: Relation, source: str, target: str, direct: bool) -> ParsedItem:
    data: dict[str, Any] = {
        "id": r.id if direct else f"{r.id}/{source}->{target}", "source": source,
        "target": target, "kind": INTEGRATION_RELATIONS[r.type],
    }
    fields = {"id": "identifier", "source": "source", "target": "target"}
    if r.name:
        data["name"] = r.name
    for key, value in r.properties.items():
        column = normalise(key)
        if column in INTEGRATION_FIELDS:
            data[column] = split_list(value) if column == "data_objects" else value
            fields[column] = f"property {key}"
    return ParsedItem("integration", data, f"relationship {r.id!r}", fields)


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
