"""Snoei inventory service."""
