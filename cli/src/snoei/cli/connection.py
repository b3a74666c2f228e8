"""Where the CLI finds the services and their token: the stack it started (``stack.json`` in
the stack directory), then ``SNOEI_*`` variables, then flags, each overriding the one before."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

SERVICES = ("inventory", "dependency", "rationalizer")
DEFAULT_PORTS = {"inventory": 8101, "dependency": 8102, "rationalizer": 8103}
# Without SNOEI_STACK_DIR: the stack of `snoei stack up`, else the one `snoei demo --keep` left.
STACK_DIRS = (".snoei", ".snoei/demo")

TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        help="Bearer token; default SNOEI_API_TOKEN, else the running stack's.",
        show_default=False,
    ),
]
InventoryUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--inventory-url",
        help="Inventory base URL; default SNOEI_INVENTORY_URL, else the running stack's.",
        show_default=False,
    ),
]
RationalizerUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--rationalizer-url",
        "--url",
        help="Rationalizer base URL; default SNOEI_RATIONALIZER_URL, else the running stack's.",
        show_default=False,
    ),
]


class StackFileError(Exception):
    """A ``stack.json`` that cannot be read; the message names the file and what to do."""


@dataclass(frozen=True, slots=True)
class Connection:
    """The services' base URLs and the bearer token, and where they were found."""

    urls: Mapping[str, str]
    token: str
    stack_file: Path | None  # the stack.json read, None when there was none
    stack_urls: Mapping[str, str] = field(default_factory=dict)  # what the stack file said

    def url(self, service: str) -> str:
        return self.urls[service]

    def unreachable(self, service: str) -> str | None:
        """What to do when ``service`` does not answer at the URL a stack file gave: that
        stack may have stopped. None when the URL came from elsewhere (the default advice)."""
        if self.stack_file is None or self.urls[service] != self.stack_urls.get(service):
            return None
        directory = self.stack_file.parent
        return (f"it was read from {self.stack_file}; is that stack still running? "
                f"(SNOEI_STACK_DIR={directory} uv run snoei stack status)")


def stack_file(env: Mapping[str, str], cwd: Path) -> Path | None:
    """The ``stack.json`` of the stack this CLI started: under ``SNOEI_STACK_DIR`` when it is
    set, else under ``.snoei`` or ``.snoei/demo``; None when no stack wrote one."""
    chosen = env.get("SNOEI_STACK_DIR")
    candidates = (Path(chosen),) if chosen else tuple(Path(d) for d in STACK_DIRS)
    for directory in candidates:
        path = (cwd / directory / "stack.json").resolve()
        if path.is_file():
            return path
    return None


def _from_stack(path: Path) -> tuple[dict[str, str], str]:
    """The service URLs and the token a stack recorded (read as ``stack down`` reads it)."""
    from snoei.cli.stack import StackState

    try:
        state = StackState.load(path.parent)
    except (OSError, ValueError, TypeError) as exc:
        raise StackFileError(
            f"cannot read {path} ({exc}); remove it, or set SNOEI_STACK_DIR to a running stack's"
        ) from None
    if state is None:  # removed meanwhile by `stack down`
        return {}, ""
    urls = {s: state.url(s) for s in SERVICES if s in state.service_ports}
    return urls, state.token


def resolve(
    *,
    token: str | None = None,
    urls: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Connection:
    """Defaults (the stack's default ports), overridden by the stack's ``stack.json``, then
    by ``SNOEI_<SERVICE>_URL`` / ``SNOEI_API_TOKEN``, then by ``token`` and ``urls`` (flags)."""
    env = os.environ if env is None else env
    path = stack_file(env, cwd or Path.cwd())
    resolved = {s: f"http://127.0.0.1:{port}" for s, port in DEFAULT_PORTS.items()}
    found_token = ""
    stack_urls: dict[str, str] = {}
    if path is not None:
        stack_urls, found_token = _from_stack(path)
        resolved |= stack_urls
    for service in SERVICES:
        variable = env.get(f"SNOEI_{service.upper()}_URL")
        if variable:
            resolved[service] = variable
        flag = (urls or {}).get(service)
        if flag:
            resolved[service] = flag
    found_token = env.get("SNOEI_API_TOKEN") or found_token
    found_token = token or found_token
    return Connection(urls=resolved, token=found_token, stack_file=path, stack_urls=stack_urls)
