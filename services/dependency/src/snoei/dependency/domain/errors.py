"""Errors a user or an upstream stream can cause, raised by the domain and mapped at the edges."""

from __future__ import annotations


class DependencyError(Exception):
    """Base of the dependency service's typed errors."""


class UnknownLandscape(DependencyError):
    def __init__(self, landscape_id: str) -> None:
        super().__init__(f"landscape {landscape_id!r} has no graph (no inventory events yet)")
        self.landscape_id = landscape_id


class UnknownApplication(DependencyError):
    def __init__(self, landscape_id: str, application_ids: list[str]) -> None:
        names = ", ".join(repr(a) for a in application_ids)
        noun = "application" if len(application_ids) == 1 else "applications"
        super().__init__(f"{noun} {names} not in the graph of landscape {landscape_id!r}")
        self.landscape_id = landscape_id
        self.application_ids = application_ids


class SequenceGap(DependencyError):
    """An event arrived whose sequence skips events the graph has not seen."""

    def __init__(self, landscape_id: str, expected: int, received: int) -> None:
        super().__init__(
            f"landscape {landscape_id!r}: expected sequence {expected}, received {received}"
        )
        self.landscape_id = landscape_id
        self.expected = expected
        self.received = received
