"""Snoei command line and embedded local stack."""
