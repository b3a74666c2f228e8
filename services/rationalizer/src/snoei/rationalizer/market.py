"""The market catalogue's use cases: upload the Softwarecatalogus list "Alle pakketten"
(replacing what was there), and say what is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from snoei.rationalizer.adapters.market import MarketRepository, MarketUpload
from snoei.rationalizer.domain.market import MarketRowError, read_market_csv

OnError = Literal["abort", "skip"]


class MarketRejected(Exception):
    """``on_error=abort`` and some rows cannot be products: nothing is stored."""

    def __init__(self, errors: list[MarketRowError]) -> None:
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{len(errors)} bad row(s), nothing stored: {errors[0]}{more}")


@dataclass(frozen=True, slots=True)
class MarketImport:
    stored: MarketUpload
    skipped: list[MarketRowError] = field(default_factory=list)


class MarketService:
    def __init__(
        self, *, repository: MarketRepository,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._repository = repository
        self._now = now

    async def upload(self, data: bytes, *, source: str | None, on_error: OnError) -> MarketImport:
        """Raises ``MarketFileError`` (not the list at all) or ``MarketRejected``."""
        products, errors = read_market_csv(data)
        if errors and on_error == "abort":
            raise MarketRejected(errors)
        stored = await self._repository.replace(products, source=source, uploaded_at=self._now())
        return MarketImport(stored, errors)

    async def stored(self) -> MarketUpload | None:
        return await self._repository.upload()
