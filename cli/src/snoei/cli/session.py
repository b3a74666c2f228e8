"""One landscape as the CLI sees it: calls to the rationalizer, the applications' names from
the inventory (one batch lookup), and whether the landscape exists at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import typer

from snoei.cli.api import ApiError, bearer, call, client
from snoei.cli.connection import Connection, StackFileError, resolve

PAGE = 10_000  # the inventory's largest page of applications
T = TypeVar("T")


class UnknownLandscape(Exception):
    """The inventory holds nothing for the landscape: no application, no event."""


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit with ``code``: what the user did wrong, never a trace."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[yellow]note:[/yellow] {escape(message)}", soft_wrap=True)


def guarded(action: Callable[[], T]) -> T:
    """Runs ``action``; an API problem or an unknown landscape is one line and exit code 1."""
    try:
        return action()
    except (ApiError, UnknownLandscape, StackFileError) as exc:
        fail(str(exc))


@dataclass
class Session:
    """The calls of one command about one landscape."""

    connection: Connection
    landscape: str
    _names: dict[str, str] | None = field(default=None, init=False)

    @classmethod
    def open(
        cls,
        landscape: str,
        *,
        token: str | None,
        rationalizer_url: str | None = None,
        inventory_url: str | None = None,
    ) -> Session:
        urls = {"rationalizer": rationalizer_url, "inventory": inventory_url}
        connection = guarded(lambda: resolve(token=token, urls=urls))
        return cls(connection, landscape)

    @property
    def base(self) -> str:
        return f"/v1/landscapes/{self.landscape}"

    def call(
        self, service: str, method: str, path: str, *, body: Any = None, params: Any = None
    ) -> Any:
        """One request to ``service`` about this landscape (``path`` below its base)."""
        headers = bearer(self.connection.token)
        url = self.connection.url(service)
        with client(url, service=service, headers=headers, timeout=60) as http:
            return call(http, method, f"{self.base}{path}", service=service, json=body,
                        params=params, unreachable=self.connection.unreachable(service))

    def rationalizer(self, method: str, path: str, *, body: Any = None, params: Any = None) -> Any:
        return self.call("rationalizer", method, path, body=body, params=params)

    def names(self) -> dict[str, str]:
        """Every application's name by id, fetched once. The inventory not answering costs
        only the names (a note on stderr); a landscape it does not know is an error."""
        if self._names is None:
            try:
                self._names = self._fetch_names()
            except ApiError as exc:
                warn(f"showing ids without names: {exc}")
                self._names = {}
        return self._names

    def require_known(self) -> None:
        """Raises ``UnknownLandscape`` when the inventory knows nothing of this landscape."""
        self.names()

    def _fetch_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        params: dict[str, Any] = {"limit": PAGE}
        while True:
            page = self.call("inventory", "GET", "/applications", params=params)
            names.update({a["id"]: a.get("name") or "" for a in page})
            if len(page) < PAGE:
                break
            params["after"] = page[-1]["id"]
        if not names and not self.call("inventory", "GET", "/events", params={"limit": 1}):
            inventory = self.connection.url("inventory")
            raise UnknownLandscape(
                f"landscape {self.landscape!r} is unknown: the inventory at {inventory} holds "
                f"nothing for it (import into it first: uv run snoei import FILE --landscape "
                f"{self.landscape})"
            )
        return names


