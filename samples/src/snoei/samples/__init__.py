"""Seeded sample landscapes: a Dutch municipality for demos and a scale generator for benchmarks."""

from snoei.samples.landscape import Landscape
from snoei.samples.municipality import STORIES, generate_municipality
from snoei.samples.scale import generate_scale

__all__ = ["STORIES", "Landscape", "generate_municipality", "generate_scale"]
