"""Snoei's shared contracts library: what every service agrees on, and nothing else."""
