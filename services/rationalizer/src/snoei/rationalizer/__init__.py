"""Snoei rationalizer service."""
