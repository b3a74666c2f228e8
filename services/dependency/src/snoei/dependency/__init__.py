"""Snoei dependency service."""
