"""Benchmarks of Snoei measured side by side against raw baselines (``snoei bench``)."""
