"""Adapters of the rationalizer: Postgres, the dependency service, packaged data."""
