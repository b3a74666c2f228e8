"""``python -m snoei.cli``: the same as the ``snoei`` command."""

from snoei.cli.main import app

app()
