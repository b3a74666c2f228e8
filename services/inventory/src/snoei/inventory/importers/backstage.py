"""Backstage importer: ``catalog-info.yaml`` (multi-document) -> applications (components and
resources, with their system, domain and structure) and integrations. Systems and domains are
context, not capabilities: capabilities come only from an explicit annotation or tags."""

from __future__ import annotations

from typing import Any

import yaml

from snoei.inventory.importers.base import (
    ImportFailed,
    ParsedItem,
    RowError,
    quality,
    set_application_field,
    split_list,
)

LIFECYCLES = {"production": "active", "experimental": "plan", "deprecated": "phase-out"}
ANNOTATION_PREFIX = "snoei.io/"  # e.g. snoei.io/supplier: Centric, snoei.io/owned: "false"
CAPABILITY_TAG = "capability:"  # a tag `capability:zaakregistratie` names a capability
KNOWN_KINDS = {"Component", "API", "System", "Resource", "Domain", "Group", "User", "Location",
               "Template"}


def _ref(ref: str, default_kind: str, own_namespace: str = "default") -> tuple[str, str]:
    """Backstage entity reference `[kind:][namespace/]name` -> (kind lower, `[ns/]name`)."""
    kind, _, rest = ref.partition(":") if ":" in ref else (default_kind, "", ref)
    namespace, _, name = rest.rpartition("/")
    namespace = namespace or own_namespace
    return kind.lower(), name if namespace == "default" else f"{namespace}/{name}"


def application_id(kind: str, name: str) -> str:
    """Components keep their name; resources get a `resource:` prefix so both can coexist."""
    return f"resource:{name}" if kind == "resource" else name


def _documents(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"Backstage file is not UTF-8 text (byte {exc.start})") from None
    try:
        raw = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ImportFailed(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    documents = [(n, d) for n, d in enumerate(raw, start=1) if d is not None]
    if not documents or not all(
        isinstance(d, dict) and str(d.get("apiVersion", "")).startswith("backstage.io/")
        for _, d in documents
    ):
        raise ImportFailed(
            "not a Backstage catalog file: every YAML document needs "
            "`apiVersion: backstage.io/v1alpha1` (or another backstage.io version)"
        )
    return documents


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def parse_backstage(content: bytes) -> tuple[list[ParsedItem], list[RowError]]:
    catalog = _Catalog()
    for number, doc in _documents(content):
        catalog.read(number, doc)
    catalog.add_domains()
    catalog.add_dependencies()
    catalog.add_component_consumers()
    catalog.add_api_integrations()
    return catalog.items, catalog.errors


class _Catalog:
    """The entities of one file: items made, and the links to resolve once all are read."""

    def __init__(self) -> None:
        self.items: list[ParsedItem] = []
        self.errors: list[RowError] = []
        self.applications: dict[str, ParsedItem] = {}
        self.apis: dict[str, dict[str, Any]] = {}
        self.providers: dict[str, list[str]] = {}
        self.consumers: dict[str, list[tuple[str, str]]] = {}  # api -> (consumer, location)
        self.depends: list[tuple[str, str, str]] = []  # dependent, dependency, location
        self.consumed_components: list[tuple[str, str, str]] = []  # consumer, component, loc
        self.resource_types: dict[str, str] = {}
        self.system_domain: dict[str, str] = {}

    def read(self, number: int, doc: dict[str, Any]) -> None:
        kind = str(doc.get("kind", ""))
        metadata: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
        spec: dict[str, Any] = doc["spec"] if isinstance(doc.get("spec"), dict) else {}
        name = str(metadata.get("name") or "")
        namespace = str(metadata.get("namespace") or "default")
        location = f"document {number} ({kind} {name!r})"
        if not name:
            self.errors.append(
                RowError(location, "metadata.name is missing", kind, "metadata.name"))
            return
        if kind not in KNOWN_KINDS:
            self.errors.append(
                RowError(location, f"unknown Backstage kind {kind!r}", None, "kind"))
            return
        _, ref_name = _ref(name, kind, namespace)
        if kind in ("Component", "Resource"):
            app_id = application_id(kind.lower(), ref_name)
            item = _application(app_id, kind, metadata, spec, location, namespace)
            self.items.append(item)
            self.applications[app_id] = item
            self.read_links(app_id, spec, location, namespace)
            if kind == "Resource":
                self.resource_types[app_id] = str(spec.get("type") or "")
        elif kind == "API":
            self.apis[ref_name] = {"type": str(spec.get("type") or ""), "location": location}
        elif kind == "System" and spec.get("domain"):
            self.system_domain[ref_name] = _ref(str(spec["domain"]), "domain", namespace)[1]

    def wrong_kind(self, location: str, app_id: str, key: str, ref: str, kind: str,
                   expected: str) -> None:
        self.errors.append(quality(location, f"{key} {ref!r} is a {kind}, not {expected}; "
                                             "left out", f"application {app_id!r}",
                                   f"spec.{key}"))

    def read_links(self, app_id: str, spec: dict[str, Any], location: str,
                   namespace: str) -> None:
        for dep in _strings(spec.get("dependsOn")):
            dep_kind, dep_name = _ref(dep, "component", namespace)
            if dep_kind in ("component", "resource"):
                self.depends.append((app_id, application_id(dep_kind, dep_name), location))
            else:
                self.wrong_kind(location, app_id, "dependsOn", dep, dep_kind,
                                "a component or resource")
        for api in _strings(spec.get("providesApis")):
            api_kind, api_name = _ref(api, "api", namespace)
            if api_kind == "api":
                self.providers.setdefault(api_name, []).append(app_id)
            else:
                self.wrong_kind(location, app_id, "providesApis", api, api_kind, "an API")
        for api in _strings(spec.get("consumesApis")):
            api_kind, api_name = _ref(api, "api", namespace)
            if api_kind == "component":
                self.consumed_components.append((app_id, api_name, location))
            elif api_kind == "api":
                self.consumers.setdefault(api_name, []).append((app_id, location))
            else:
                self.wrong_kind(location, app_id, "consumesApis", api, api_kind, "an API")

    def add_domains(self) -> None:
        for item in self.applications.values():
            attributes = item.data["attributes"]
            domain = self.system_domain.get(attributes.get("backstage.system", ""))
            if domain:
                attributes["backstage.domain"] = domain

    def add_dependencies(self) -> None:
        for dependent, dependency, location in self.depends:
            database = self.resource_types.get(dependency, "") == "database"
            self.items.append(ParsedItem(
                "integration",
                {"id": f"depends:{dependent}->{dependency}", "source": dependency,
                 "target": dependent, "kind": "database-link" if database else "api"},
                location, {"id": "spec.dependsOn", "source": "spec.dependsOn"},
            ))

    def add_component_consumers(self) -> None:
        """`consumesApis: ['component:x']` names a component where an API is expected: read
        as an integration from that component when the file holds it; reported either way."""
        for consumer, component, location in self.consumed_components:
            label = f"application {consumer!r}"
            if component not in self.applications:
                self.errors.append(quality(
                    location, f"consumesApis names component:{component}, which is a "
                    "component (not an API) and not in this file; left out", label,
                    "spec.consumesApis"))
                continue
            self.errors.append(quality(
                location, f"consumesApis names component:{component}, a component where an "
                f"API is expected; read as an API integration from {component!r}", label,
                "spec.consumesApis"))
            self.items.append(ParsedItem(
                "integration", {"id": f"consumes:{component}->{consumer}", "source": component,
                                "target": consumer, "kind": "api"},
                location, {"source": "spec.consumesApis", "target": "metadata.name"}))

    def add_api_integrations(self) -> None:
        for api, consumed_by in sorted(self.consumers.items()):
            if api not in self.providers:
                for consumer, location in consumed_by:
                    self.errors.append(quality(
                        location, f"consumes API {api!r}, which no component in this file "
                        "provides; no integration", f"application {consumer!r}",
                        "spec.consumesApis"))
        for api, provided_by in sorted(self.providers.items()):
            api_type = self.apis.get(api, {}).get("type", "")
            where = str(self.apis.get(api, {}).get("location", api))
            for provider in provided_by:
                for consumer, _ in self.consumers.get(api, []):
                    if consumer == provider:
                        continue
                    data = {"id": f"api:{api}:{provider}->{consumer}", "source": provider,
                            "target": consumer, "name": api,
                            "kind": "message" if api_type == "asyncapi" else "api"}
                    if api_type:
                        data["protocol"] = api_type
                    self.items.append(ParsedItem(
                        "integration", data, where,
                        {"source": "spec.providesApis", "target": "spec.consumesApis"}))


def _application(
    app_id: str, kind: str, metadata: dict[str, Any], spec: dict[str, Any], location: str,
    namespace: str,
) -> ParsedItem:
    data: dict[str, Any] = {"id": app_id, "name": str(metadata.get("title") or metadata["name"])}
    fields = {"id": "metadata.name", "name": "metadata.title"}
    if metadata.get("description"):
        data["description"] = str(metadata["description"])
        fields["description"] = "metadata.description"
    if spec.get("owner"):
        data["owner"] = _ref(str(spec["owner"]), "group", namespace)[1]
        fields["owner"] = "spec.owner"
    attributes = {"backstage.kind": kind}
    lifecycle = spec.get("lifecycle")
    if lifecycle:
        attributes["backstage.lifecycle"] = str(lifecycle)
        if str(lifecycle) in LIFECYCLES:
            data["lifecycle"] = LIFECYCLES[str(lifecycle)]
    if spec.get("type"):
        attributes["backstage.type"] = str(spec["type"])
    if kind == "Resource":
        data["kind"] = "infrastructure"
        fields["kind"] = "kind"
    if spec.get("system"):
        # context (which system it belongs to), not a capability: the members of one system
        # are rarely each other's duplicates
        attributes["backstage.system"] = _ref(str(spec["system"]), "system", namespace)[1]
    if spec.get("subcomponentOf"):
        whole_kind, whole = _ref(str(spec["subcomponentOf"]), "component", namespace)
        data["part_of"] = [application_id(whole_kind, whole)]
        fields["part_of"] = "spec.subcomponentOf"
    tags = _strings(metadata.get("tags"))
    if tags:
        attributes["backstage.tags"] = ", ".join(tags)
    tagged = [t[len(CAPABILITY_TAG):].strip() for t in tags
              if t.startswith(CAPABILITY_TAG) and t[len(CAPABILITY_TAG):].strip()]
    if tagged:
        data["capabilities"] = tagged
        fields["capabilities"] = "metadata.tags"
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            key = str(key)
            if key.startswith(ANNOTATION_PREFIX):
                field_name = key[len(ANNOTATION_PREFIX):]
                if field_name == "capabilities":  # added to those the tags name
                    tagged = data.get("capabilities", [])
                    data["capabilities"] = [*tagged, *(c for c in split_list(str(value))
                                                       if c not in tagged)]
                    fields["capabilities"] = f"metadata.annotations.{key}"
                    continue
                if set_application_field(data, field_name, str(value), fields,
                                         f"metadata.annotations.{key}"):
                    continue
            attributes[key] = str(value)
    data["attributes"] = attributes
    return ParsedItem("application", data, location, fields)
