"""What an identifier or a piece of text may be where it enters Snoei: one landscape id for
the Kafka envelope and every HTTP path, and text that PostgreSQL can store."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

LANDSCAPE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
LANDSCAPE_ID_MAX_LENGTH = 128

LandscapeId = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=LANDSCAPE_ID_MAX_LENGTH, pattern=LANDSCAPE_ID_PATTERN
    ),
]
"""A landscape (tenant) id: ASCII letters, digits, ``.``, ``_`` and ``-``, starting with a
letter or digit. It is the Kafka message key, so it stays plain."""

# PostgreSQL text and jsonb cannot hold U+0000: such a string is the client's mistake (422),
# not a failed insert (500).
NUL_FREE_PATTERN = r"^[^\x00]*$"

Text = Annotated[str, StringConstraints(pattern=NUL_FREE_PATTERN)]
"""Any text without NUL characters: ids, names, reasons and query values."""
