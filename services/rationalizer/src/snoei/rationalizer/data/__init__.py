"""Packaged endoflife.date release-cycle data (MIT, see LICENSE)."""
