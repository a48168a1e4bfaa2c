"""PyVRP on a VRPLIB VRPTW file: the state-of-the-art reference of the comparison.

PyVRP reads the file itself with ``round_func="dimacs"``, which multiplies distances,
durations, windows and service times by 10 and truncates them (the DIMACS 2021
convention that the best-known values in ``bks.csv`` use). PyVRP and ``vrplib`` come
from the ``bench`` extra: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyvrp
from pyvrp.stop import MaxRuntime


@dataclass(frozen=True)
class PyvrpResult:
    """Best solution of one PyVRP run (customer indices, depot left out)."""

    routes: tuple[tuple[int, ...], ...]
    seconds: float
    status: str
    #: PyVRP's own distance in tenths, kept to cross-check our recomputation.
    distance: int


def solve_pyvrp(path: str | Path, time_limit: float, seed: int = 1) -> PyvrpResult:
    """Solve the VRPLIB file at ``path`` with PyVRP's default solver.

    Parameters
    ----------
    path
        A ``.vrp`` file with one depot.
    time_limit
        Run time in seconds (``pyvrp.stop.MaxRuntime``).
    seed
        Seed of PyVRP's random number generator.

    Returns
    -------
    PyvrpResult
        Status ``"infeasible"`` when the best solution breaks a constraint or misses
        a customer; its routes are returned all the same.
    """
    data = pyvrp.read(str(path), round_func="dimacs")
    started = time.perf_counter()
    result = pyvrp.solve(data, stop=MaxRuntime(time_limit), seed=seed, display=False)
    seconds = time.perf_counter() - started
    best = result.best
    # PyVRP 0.14 numbers clients from 0, apart from the depots, so client ``idx`` is
    # customer ``idx + num_depots`` in file order, the numbering that run.py uses.
    routes = tuple(
        tuple(int(a.idx) + data.num_depots for a in route if a.is_client())
        for route in best.routes()
    )
    status = "solved" if best.is_feasible() else "infeasible"
    return PyvrpResult(
        routes=routes, seconds=seconds, status=status, distance=int(best.distance())
    )
