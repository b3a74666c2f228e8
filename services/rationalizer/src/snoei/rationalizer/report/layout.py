"""Seeded force-directed layout of the integration graph (Fruchterman–Reingold with a grid
for repulsion), in pure Python: networkx's own layouts need numpy, which Snoei does not ship."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import networkx as nx

Position = tuple[float, float]


def spring_layout(graph: nx.Graph, *, seed: int = 7, iterations: int = 80) -> dict[str, Position]:
    """Positions in the unit square [0, 1]²; the same graph and seed give the same layout.

    Connected components are laid out as one picture; isolated applications end up on the
    rim, where they belong visually."""
    nodes = sorted(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    index = {node: i for i, node in enumerate(nodes)}
    edges = sorted(
        {(min(index[a], index[b]), max(index[a], index[b])) for a, b in graph.edges() if a != b}
    )
    rng = random.Random(seed)
    xs = [rng.random() for _ in nodes]
    ys = [rng.random() for _ in nodes]
    k = math.sqrt(1.0 / n)  # ideal distance between nodes
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx, dy = _repulsion(xs, ys, k)
        _attract(edges, xs, ys, k, dx, dy)
        _move(xs, ys, dx, dy, k, temperature)
        temperature -= cooling
    return _normalise(nodes, xs, ys)


def _repulsion(xs: list[float], ys: list[float], k: float) -> tuple[list[float], list[float]]:
    """Every node pushed away from the nodes near it; repulsion is ignored beyond twice the
    ideal distance, so only the neighbouring cells of a grid of that size are compared."""
    n = len(xs)
    reach = 2 * k
    dx = [0.0] * n
    dy = [0.0] * n
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(n):
        cells[(int(xs[i] / reach), int(ys[i] / reach))].append(i)
    for (cx, cy), members in cells.items():
        neighbours = [
            j for ox in (-1, 0, 1) for oy in (-1, 0, 1) for j in cells.get((cx + ox, cy + oy), ())
        ]
        for i in members:
            xi, yi = xs[i], ys[i]
            fx = fy = 0.0
            for j in neighbours:
                if j == i:
                    continue
                ddx, ddy = xi - xs[j], yi - ys[j]
                dist2 = ddx * ddx + ddy * ddy
                if dist2 > reach * reach:
                    continue
                if dist2 < 1e-12:  # same spot: push apart deterministically
                    ddx, ddy, dist2 = (i - j) * 1e-4, 1e-4, 2e-8
                force = k * k / dist2
                fx += ddx * force
                fy += ddy * force
            dx[i] += fx
            dy[i] += fy
    return dx, dy


def _attract(
    edges: list[tuple[int, int]],
    xs: list[float],
    ys: list[float],
    k: float,
    dx: list[float],
    dy: list[float],
) -> None:
    """Adds the pull of every integration between its two ends to ``dx`` and ``dy``."""
    for a, b in edges:
        ddx, ddy = xs[a] - xs[b], ys[a] - ys[b]
        dist = math.sqrt(ddx * ddx + ddy * ddy) or 1e-6
        force = dist / k
        dx[a] -= ddx * force
        dy[a] -= ddy * force
        dx[b] += ddx * force
        dy[b] += ddy * force


def _move(
    xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float, temperature: float
) -> None:
    """Moves every node along its force, no further than ``temperature``."""
    for i in range(len(xs)):
        # A gentle pull to the centre keeps loose components from drifting off.
        dx[i] += (0.5 - xs[i]) * 0.5 / k
        dy[i] += (0.5 - ys[i]) * 0.5 / k
        length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
        if length > 0:
            step = min(length, temperature) / length
            xs[i] += dx[i] * step
            ys[i] += dy[i] * step


def _normalise(nodes: list[str], xs: list[float], ys: list[float]) -> dict[str, Position]:
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    span = max(max_x - min_x, max_y - min_y) or 1.0
    off_x = (1 - (max_x - min_x) / span) / 2
    off_y = (1 - (max_y - min_y) / span) / 2
    return {
        node: (off_x + (x - min_x) / span, off_y + (y - min_y) / span)
        for node, x, y in zip(nodes, xs, ys, strict=True)
    }
