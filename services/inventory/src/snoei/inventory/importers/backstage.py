"""Backstage importer: ``catalog-info.yaml`` (multi-document) -> applications, integrations
and capabilities."""

from __future__ import annotations

from typing import Any

import yaml

from snoei.inventory.importers.base import (
    ImportFailed,
    ParsedItem,
    RowError,
    set_application_field,
)

LIFECYCLES = {"production": "active", "experimental": "plan", "deprecated": "phase-out"}
ANNOTATION_PREFIX = "snoei.io/"  # e.g. snoei.io/supplier: Centric
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
    items: list[ParsedItem] = []
    errors: list[RowError] = []
    apis: dict[str, dict[str, Any]] = {}
    providers: dict[str, list[str]] = {}
    consumers: dict[str, list[str]] = {}
    depends: list[tuple[str, str, str]] = []  # dependent, dependency, location
    resource_types: dict[str, str] = {}
    for number, doc in _documents(content):
        kind = str(doc.get("kind", ""))
        metadata: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
        spec: dict[str, Any] = doc["spec"] if isinstance(doc.get("spec"), dict) else {}
        name = str(metadata.get("name") or "")
        namespace = str(metadata.get("namespace") or "default")
        location = f"document {number} ({kind} {name!r})"
        if not name:
            errors.append(RowError(location, "metadata.name is missing", kind, "metadata.name"))
            continue
        if kind not in KNOWN_KINDS:
            errors.append(RowError(location, f"unknown Backstage kind {kind!r}", None, "kind"))
            continue
        _, ref_name = _ref(name, kind, namespace)
        if kind in ("Component", "Resource"):
            app_id = application_id(kind.lower(), ref_name)
            items.append(_application(app_id, kind, metadata, spec, location, namespace))
            for dep in _strings(spec.get("dependsOn")):
                dep_kind, dep_name = _ref(dep, "component", namespace)
                depends.append((app_id, application_id(dep_kind, dep_name), location))
            for api in _strings(spec.get("providesApis")):
                providers.setdefault(_ref(api, "api", namespace)[1], []).append(app_id)
            for api in _strings(spec.get("consumesApis")):
                consumers.setdefault(_ref(api, "api", namespace)[1], []).append(app_id)
            if kind == "Resource":
                resource_types[app_id] = str(spec.get("type") or "")
        elif kind == "API":
            apis[ref_name] = {"type": str(spec.get("type") or ""), "location": location}
        elif kind in ("System", "Domain"):
            data: dict[str, Any] = {
                "id": f"{kind.lower()}:{ref_name}",
                "name": str(metadata.get("title") or name),
            }
            if metadata.get("description"):
                data["description"] = str(metadata["description"])
            if kind == "System" and spec.get("domain"):
                data["parent_id"] = f"domain:{_ref(str(spec['domain']), 'domain', namespace)[1]}"
            items.append(
                ParsedItem("capability", data, location,
                           {"id": "metadata.name", "name": "metadata.title",
                            "parent_id": "spec.domain"})
            )
    for dependent, dependency, location in depends:
        database = resource_types.get(dependency, "") == "database"
        items.append(
            ParsedItem(
                "integration",
                {"id": f"depends:{dependent}->{dependency}", "source": dependency,
                 "target": dependent, "kind": "database-link" if database else "api"},
                location, {"id": "spec.dependsOn", "source": "spec.dependsOn"},
            )
        )
    for api, provided_by in sorted(providers.items()):
        api_type = apis.get(api, {}).get("type", "")
        for provider in provided_by:
            for consumer in consumers.get(api, []):
                if consumer == provider:
                    continue
                data = {"id": f"api:{api}:{provider}->{consumer}", "source": provider,
                        "target": consumer, "name": api,
                        "kind": "message" if api_type == "asyncapi" else "api"}
                if api_type:
                    data["protocol"] = api_type
                items.append(
                    ParsedItem("integration", data, str(apis.get(api, {}).get("location", api)),
                               {"source": "spec.providesApis", "target": "spec.consumesApis"})
                )
    return items, errors


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
    if spec.get("system"):
        data["capabilities"] = [f"system:{_ref(str(spec['system']), 'system', namespace)[1]}"]
        fields["capabilities"] = "spec.system"
    tags = _strings(metadata.get("tags"))
    if tags:
        attributes["backstage.tags"] = ", ".join(tags)
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            key = str(key)
            if key.startswith(ANNOTATION_PREFIX):
                field_name = key[len(ANNOTATION_PREFIX):]
                if set_application_field(data, field_name, str(value), fields,
                                         f"metadata.annotations.{key}"):
                    continue
            attributes[key] = str(value)
    data["attributes"] = attributes
    return ParsedItem("application", data, location, fields)
