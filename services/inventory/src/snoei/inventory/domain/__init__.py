"""Inventory domain: how a change turns into a new item version and an event (no I/O)."""
