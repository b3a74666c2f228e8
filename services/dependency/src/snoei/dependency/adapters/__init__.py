"""Adapters of the dependency service: Postgres, Kafka and the inventory's HTTP API."""
