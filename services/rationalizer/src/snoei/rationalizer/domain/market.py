"""The market catalogue: products on the market (the Softwarecatalogus list "Alle
pakketten") and the reference components each realises, to name real products that could
replace an application. It is global, not per landscape; reading its CSV is here too."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from snoei.shared.contracts.proposals import ReplacementProduct

END_OF_SUPPORT = "einde ondersteuning"
# The supplier's status of a version, best first; any other status after these.
STATUS_ORDER = ("distributie", "in distributie", "in test", "in ontwikkeling")


@dataclass(frozen=True, slots=True)
class MarketProduct:
    """One package version on the market with the reference components it realises (the
    supplier's word for it), by UUID and by name, paired up in order."""

    supplier: str | None
    product: str
    version: str | None
    status: str | None
    capability_ids: tuple[str, ...] = ()
    capability_names: tuple[str, ...] = ()
    product_id: str | None = None
    version_id: str | None = None
    url: str | None = None

    @property
    def supported(self) -> bool:
        return (self.status or "").strip().casefold() != END_OF_SUPPORT

    def as_replacement(self, realised: Sequence[str]) -> ReplacementProduct:
        return ReplacementProduct(product=self.product, version=self.version,
                                  supplier=self.supplier, status=self.status,
                                  capabilities=tuple(realised))


def _status_rank(status: str | None) -> int:
    value = (status or "").strip().casefold()
    return STATUS_ORDER.index(value) if value in STATUS_ORDER else len(STATUS_ORDER)


def _version_key(version: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version or ""))


class MarketCatalogue:
    """Products by the reference components they realise: by UUID (also as an ArchiMate
    identifier `id-<UUID>`) or by name, case-insensitively."""

    def __init__(self, products: Iterable[MarketProduct]) -> None:
        self.products = tuple(products)
        self._by_capability: dict[str, list[int]] = {}
        for index, product in enumerate(self.products):
            for ref in {*product.capability_ids, *(n.casefold() for n in product.capability_names)}:
                self._by_capability.setdefault(ref, []).append(index)

    def __len__(self) -> int:
        return len(self.products)

    def products_for(
        self, capability_ids: Sequence[str], capability_names: Sequence[str]
    ) -> tuple[tuple[MarketProduct, tuple[str, ...]], ...]:
        """Supported products realising any of the capabilities, each with the names of
        those it realises: one version per supplier and package (the best status, then the
        newest), most capabilities first, then by status, supplier and package."""
        realised: dict[int, list[str]] = {}
        for capability_id, name in zip(capability_ids, capability_names, strict=True):
            # ArchiMate identifiers start with a letter: GEMMA's are `id-<UUID>`
            hits = {*self._by_capability.get(capability_id, ()),
                    *self._by_capability.get(capability_id.removeprefix("id-"), ()),
                    *self._by_capability.get(name.casefold(), ())}
            for index in hits:
                names = realised.setdefault(index, [])
                if name not in names:
                    names.append(name)
        best: dict[tuple[str, str], int] = {}
        for index in realised:
            product = self.products[index]
            if not product.supported:
                continue
            key = ((product.supplier or "").casefold(), product.product.casefold())
            known = best.get(key)
            if known is None or self._better(product, self.products[known]):
                best[key] = index
        ranked = sorted(best.values(), key=lambda i: (
            -len(realised[i]), _status_rank(self.products[i].status),
            (self.products[i].supplier or "").casefold(), self.products[i].product.casefold()))
        return tuple((self.products[i], tuple(realised[i])) for i in ranked)

    def replacements(
        self, capability_ids: Sequence[str], capability_names: Sequence[str], limit: int
    ) -> tuple[ReplacementProduct, ...]:
        """The best ``limit`` of ``products_for``, as a proposal names them."""
        found = self.products_for(capability_ids, capability_names)[:limit]
        return tuple(product.as_replacement(realised) for product, realised in found)

    @staticmethod
    def _better(one: MarketProduct, other: MarketProduct) -> bool:
        return (_status_rank(one.status), [-p for p in _version_key(one.version)]) < (
            _status_rank(other.status), [-p for p in _version_key(other.version)])


EMPTY_MARKET = MarketCatalogue(())


def product_label(product: ReplacementProduct) -> str:
    """`Zaakhuis Online 2025 (Zaakhuis, distributie)`."""
    name = f"{product.product} {product.version}" if product.version else product.product
    about = ", ".join(p for p in (product.supplier, product.status) if p)
    return f"{name} ({about})" if about else name


class MarketFileError(Exception):
    """The file is not the "Alle pakketten" list at all."""


@dataclass(frozen=True, slots=True)
class MarketRowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


COLUMNS = {
    "supplier": ("Leverancier Naam",), "product": ("Pakket Naam",),
    "version": ("Pakketversie Naam",), "status": ("Pakketversie Status",),
    "names": ("Referentiecomponenten leverancier",),
    "ids": ("Referentiecomponenten leverancier UUID",),
    "product_id": ("Pakket ID",), "version_id": ("Pakketversie ID",),
    "url": ("Pakket URL productpagina",),
}
REQUIRED = ("product", "names")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def read_market_csv(data: bytes) -> tuple[list[MarketProduct], list[MarketRowError]]:
    """The products of an "Alle pakketten" CSV (`;` or `,` separated, UTF-8), and each row
    that cannot be one (with its line and column)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MarketFileError(f"not UTF-8 (byte {exc.start}); save it as UTF-8 CSV") from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(";,\t", key=first.count))
    try:
        header = [_key(h) for h in next(reader, [])]
        where = {field: next((header.index(_key(n)) for n in names if _key(n) in header), None)
                 for field, names in COLUMNS.items()}
        missing = [COLUMNS[f][0] for f in REQUIRED if where[f] is None]
        if missing:
            raise MarketFileError(
                "not the Softwarecatalogus list \"Alle pakketten\": the header lacks "
                + ", ".join(repr(m) for m in missing))
        products: list[MarketProduct] = []
        errors: list[MarketRowError] = []
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            found = _product(reader.line_num, row, len(header), where)
            if isinstance(found, MarketProduct):
                products.append(found)
            else:
                errors.append(found)
    except csv.Error as exc:
        raise MarketFileError(f"not a valid CSV file (line {reader.line_num}): {exc}") from None
    return products, errors


def _product(
    line: int, row: list[str], width: int, where: dict[str, int | None]
) -> MarketProduct | MarketRowError:
    if len(row) != width:
        return MarketRowError(line, None, f"has {len(row)} cells, the header has {width}")
    cells = {f: (row[i].strip() if i is not None else "") for f, i in where.items()}
    if not cells["product"]:
        return MarketRowError(line, COLUMNS["product"][0], "empty: every row names its package")
    names = [n.strip() for n in cells["names"].split(",") if n.strip()]
    ids = [i.strip() for i in cells["ids"].split(",") if i.strip()]
    if ids and len(ids) != len(names):
        return MarketRowError(line, COLUMNS["ids"][0], f"{len(ids)} UUID(s) for {len(names)} "
                              "reference component name(s); they pair up one to one")
    return MarketProduct(
        supplier=cells["supplier"] or None, product=cells["product"],
        version=cells["version"] or None, status=cells["status"] or None,
        capability_ids=tuple(ids), capability_names=tuple(names),
        product_id=cells["product_id"] or None, version_id=cells["version_id"] or None,
        url=cells["url"] or None,
    )
