"""SQL of the market catalogue: replaced as a whole by an upload, read by every run (again
only when an upload changed it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from snoei.rationalizer.domain.market import EMPTY_MARKET, MarketCatalogue, MarketProduct


@dataclass(frozen=True, slots=True)
class MarketUpload:
    """What the stored catalogue came from."""

    products: int
    source: str | None
    uploaded_at: datetime


class MarketRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._cached: tuple[int, MarketCatalogue] = (0, EMPTY_MARKET)

    async def replace(
        self, products: Sequence[MarketProduct], *, source: str | None, uploaded_at: datetime
    ) -> MarketUpload:
        """The catalogue becomes ``products``, in one transaction."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE market_catalogue IN EXCLUSIVE MODE")
            await conn.execute("DELETE FROM market_products")
            await conn.copy_records_to_table(
                "market_products",
                records=[
                    (n, p.supplier, p.product, p.version, p.status, list(p.capability_ids),
                     list(p.capability_names), p.product_id, p.version_id, p.url)
                    for n, p in enumerate(products)
                ],
                columns=["position", "supplier", "product", "version", "status",
                         "capability_ids", "capability_names", "product_id", "version_id",
                         "url"],
            )
            await conn.execute(
                """INSERT INTO market_catalogue (generation, products, source, uploaded_at)
                   VALUES (1, $1, $2, $3)
                   ON CONFLICT (singleton) DO UPDATE SET
                     generation = market_catalogue.generation + 1, products = $1,
                     source = $2, uploaded_at = $3""",
                len(products), source, uploaded_at,
            )
        return MarketUpload(len(products), source, uploaded_at)

    async def upload(self) -> MarketUpload | None:
        row = await self._pool.fetchrow(
            "SELECT products, source, uploaded_at FROM market_catalogue")
        return None if row is None else MarketUpload(row["products"], row["source"],
                                                     row["uploaded_at"])

    async def catalogue(self) -> MarketCatalogue:
        """The stored catalogue; read again only when an upload changed its generation."""
        generation = await self._pool.fetchval("SELECT generation FROM market_catalogue") or 0
        if generation == self._cached[0]:
            return self._cached[1]
        rows = await self._pool.fetch(
            """SELECT supplier, product, version, status, capability_ids, capability_names,
                      product_id, version_id, url
               FROM market_products ORDER BY position""")
        catalogue = MarketCatalogue(
            MarketProduct(r["supplier"], r["product"], r["version"], r["status"],
                          tuple(r["capability_ids"]), tuple(r["capability_names"]),
                          r["product_id"], r["version_id"], r["url"])
            for r in rows
        )
        self._cached = (generation, catalogue)
        return catalogue
