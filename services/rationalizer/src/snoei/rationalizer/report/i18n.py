"""The report's words and number formats in English and Dutch.

Strings live in two small catalogues (``words_en``, ``words_nl``), plain Python so they sit
next to the code that uses them and need no compile step; a string that depends on a count
has one form per CLDR plural category of its language (``one``, ``other``), and Babel picks
the category (``Locale.plural_form``) and formats every amount, percentage and date by the
language's own conventions. Compiled gettext catalogues would add a build step for two
languages and some two hundred strings, with nothing to gain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from snoei.rationalizer.report.words_en import WORDS as EN
from snoei.rationalizer.report.words_nl import WORDS as NL

Language = Literal["en", "nl"]
LANGUAGES: tuple[Language, ...] = ("en", "nl")
Catalogue = Mapping[str, str | Mapping[str, str]]

CATALOGUES: dict[Language, Catalogue] = {"en": EN, "nl": NL}


class Words:
    """Translated UI strings, plurals and number formats of one language."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)
        self._words = CATALOGUES[lang]
        standard = self.locale.currency_formats["standard"].pattern
        self._whole_euros = standard.replace(".00", "")

    def __call__(self, key: str, **values: object) -> str:
        entry = self._words[key]
        if not isinstance(entry, str):
            raise TypeError(f"{key!r} has plural forms: use Words.plural")
        return entry.format(**values) if values else entry

    def plural(self, key: str, count: int, **values: object) -> str:
        """The form of ``key`` for ``count`` (formatted as ``{count}``) in this language."""
        entry = self._words[key]
        if isinstance(entry, str):
            raise TypeError(f"{key!r} has no plural forms")
        form = entry.get(self.locale.plural_form(count)) or entry["other"]
        return form.format(count=self.integer(count), **values)

    def forms(self, key: str) -> dict[str, str]:
        """The plural forms of ``key`` as they are, for the page's script to fill in."""
        entry = self._words[key]
        if isinstance(entry, str):
            raise TypeError(f"{key!r} has no plural forms")
        return dict(entry)

    def integer(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def euros(self, amount: float | None) -> str:
        """Whole euros (``€1,087,000`` / ``€ 1.087.000``); an unknown amount says so."""
        if amount is None:
            return self("unknown")
        return format_currency(
            round(amount),
            "EUR",
            format=self._whole_euros,
            currency_digits=False,
            locale=self.locale,
        )

    def short_euros(self, amount: float) -> str:
        """Compact amounts for chart axes: €1.1M / € 1,1 mln., €250K."""
        return format_compact_currency(amount, "EUR", locale=self.locale, fraction_digits=1)

    def percent(self, share: float, digits: int = 1) -> str:
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return format_percent(share, pattern, locale=self.locale)

    def number(self, value: float, digits: int = 1) -> str:
        return format_decimal(
            value, "#,##0." + "0" * digits if digits else "#,##0", locale=self.locale
        )

    def long_date(self, day: date) -> str:
        return format_date(day, "long", locale=self.locale)

    def month(self, day: date) -> str:
        return format_date(day, "MMM yyyy", locale=self.locale)

    def moment(self, when: datetime) -> str:
        """A run's time in UTC: the date in the language's words, the time on a 24-hour clock."""
        utc = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        return f"{self.long_date(utc.date())}, {format_time(utc, 'HH:mm', locale=self.locale)} UTC"


def catalogue_problems() -> list[str]:
    """What is wrong with the catalogues: a key one language lacks, or a plural entry
    without a form for a plural category its language uses (checked by the unit tests)."""
    problems = [
        f"{key!r} missing in {lang}"
        for lang, words in CATALOGUES.items()
        for key in set(EN) | set(NL)
        if key not in words
    ]
    for lang, words in CATALOGUES.items():
        needed = Locale.parse(lang).plural_form.tags | {"other"}
        for key, entry in words.items():
            if not isinstance(entry, str) and not needed <= set(entry):
                problems.append(f"{key!r} in {lang} lacks {sorted(needed - set(entry))}")
            if isinstance(entry, str) != isinstance(EN.get(key, entry), str):
                problems.append(f"{key!r} is plural in one language only")
    return problems
