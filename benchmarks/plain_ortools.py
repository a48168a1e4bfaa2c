"""Plain OR-Tools VRPTW model: the baseline that the engine is compared with.

The model is the textbook one. The objective is total distance and every customer is
mandatory (no disjunctions). Capacity is a dimension, and time windows are bounds on a
time dimension. The fleet is the file's ``VEHICLES`` count. The search is one first
solution strategy followed by guided local search.

Travel follows the DIMACS 2021 convention: every arc's Euclidean length is truncated
to one decimal. The model works in tenths, so an arc of 12.37 costs 123, and travel
time equals distance. Time windows and service times are scaled by 10 as well.

The numbers come from the engine's VRPLIB reader (``homehealth_routing.readers``), so
the model, the engine and the verifier in run.py see the same data. The model shares
no other code with the engine.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from homehealth_routing.readers import Instance, read_vrplib

logger = logging.getLogger(__name__)

FIRST_SOLUTION_STRATEGIES = {
    "parallel_cheapest_insertion": (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    ),
    "path_cheapest_arc": routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC,
}


@dataclass(frozen=True)
class VrptwInstance:
    """A VRPTW instance in DIMACS integer units (tenths).

    Index 0 is the depot and indices 1..n are the customers, in file order.
    """

    name: str
    vehicles: int
    capacity: int
    demand: tuple[int, ...]
    #: Earliest and latest service start of each node; the depot's pair bounds the day.
    windows: tuple[tuple[int, int], ...]
    service: tuple[int, ...]
    #: ``distance[i][j]``: Euclidean length truncated to one decimal, times 10.
    distance: tuple[tuple[int, ...], ...]

    @property
    def customers(self) -> int:
        return len(self.demand) - 1


def vrptw_from_instance(read: Instance) -> VrptwInstance:
    """Convert what :func:`homehealth_routing.readers.read_vrplib` returns.

    Raises
    ------
    ValueError
        If the problem is not a one-depot VRPTW with the depot at node 0, a visit
        at node k named ``"k"``, and one window per visit.
    """
    problem = read.problem
    if problem.matrix is None or read.scale != 10:
        raise ValueError(f"{read.path}: not a VRPLIB problem in DIMACS units")
    size = problem.matrix.size
    first = problem.caregivers[0]
    if first.start != 0 or first.max_workload is None:
        raise ValueError(f"{read.path}: expected the depot at node 0 and a capacity")
    demand = [0] * size
    windows = [(first.shift_start, first.shift_end)] * size
    service = [0] * size
    for visit in problem.visits:
        node = visit.location
        if (
            not isinstance(node, int)
            or visit.id != str(node)
            or len(visit.windows) != 1
        ):
            raise ValueError(f"{read.path}: visit {visit.id!r} is not a VRPTW customer")
        demand[node] = visit.workload
        windows[node] = (visit.windows[0].start, visit.windows[0].end)
        service[node] = visit.duration
    if len(problem.visits) != size - 1:
        raise ValueError(f"{read.path}: {len(problem.visits)} visits for {size} nodes")
    return VrptwInstance(
        name=problem.name,
        vehicles=len(problem.caregivers),
        capacity=first.max_workload,
        demand=tuple(demand),
        windows=tuple(windows),
        service=tuple(service),
        distance=problem.matrix.distance,
    )


def read_vrptw(path: str | Path) -> VrptwInstance:
    """Read a VRPLIB VRPTW file (Solomon or Gehring & Homberger) in DIMACS units."""
    return vrptw_from_instance(read_vrplib(path))


@dataclass(frozen=True)
class PlainResult:
    """Routes found by the plain model (customer indices, depot left out)."""

    routes: tuple[tuple[int, ...], ...]
    seconds: float
    status: str


def solve_plain(
    instance: VrptwInstance,
    time_limit: float,
    first_solution: str = "parallel_cheapest_insertion",
) -> PlainResult:
    """Solve ``instance`` with the plain OR-Tools model.

    Parameters
    ----------
    instance
        The VRPTW instance in DIMACS units.
    time_limit
        Search time in seconds, first solution included.
    first_solution
        A key of :data:`FIRST_SOLUTION_STRATEGIES`.

    Returns
    -------
    PlainResult
        Empty routes and status ``"no_solution"`` when OR-Tools finds no plan that
        serves every customer within the time limit.
    """
    if first_solution not in FIRST_SOLUTION_STRATEGIES:
        known = ", ".join(sorted(FIRST_SOLUTION_STRATEGIES))
        raise ValueError(
            f"first solution strategy {first_solution!r} is unknown; use {known}"
        )
    size = instance.customers + 1
    manager = pywrapcp.RoutingIndexManager(size, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance_callback(from_index: int, to_index: int) -> int:
        i = manager.IndexToNode(from_index)
        j = manager.IndexToNode(to_index)
        return instance.distance[i][j]

    def time_callback(from_index: int, to_index: int) -> int:
        i = manager.IndexToNode(from_index)
        j = manager.IndexToNode(to_index)
        return instance.service[i] + instance.distance[i][j]

    def demand_callback(from_index: int) -> int:
        return instance.demand[manager.IndexToNode(from_index)]

    distance_index = routing.RegisterTransitCallback(distance_callback)
    routing.SetArcCostEvaluatorOfAllVehicles(distance_index)

    horizon = instance.windows[0][1]
    time_index = routing.RegisterTransitCallback(time_callback)
    # Slack up to the horizon lets a vehicle wait for a window to open.
    routing.AddDimension(time_index, horizon, horizon, False, "Time")
    time_dimension = routing.GetDimensionOrDie("Time")
    for node in range(1, size):
        early, late = instance.windows[node]
        time_dimension.CumulVar(manager.NodeToIndex(node)).SetRange(early, late)
    depot_early, depot_late = instance.windows[0]
    for vehicle in range(instance.vehicles):
        time_dimension.CumulVar(routing.Start(vehicle)).SetRange(
            depot_early, depot_late
        )
        time_dimension.CumulVar(routing.End(vehicle)).SetRange(depot_early, depot_late)

    demand_index = routing.RegisterUnaryTransitCallback(demand_callback)
    routing.AddDimensionWithVehicleCapacity(
        demand_index, 0, [instance.capacity] * instance.vehicles, True, "Capacity"
    )

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = FIRST_SOLUTION_STRATEGIES[first_solution]
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(max(1, math.ceil(time_limit * 1000)))

    started = time.perf_counter()
    assignment = routing.SolveWithParameters(parameters)
    seconds = time.perf_counter() - started
    if assignment is None:
        logger.info("%s: no solution within %.1f s", instance.name, time_limit)
        return PlainResult(routes=(), seconds=seconds, status="no_solution")

    routes = []
    for vehicle in range(instance.vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(vehicle)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if route:
            routes.append(tuple(route))
    return PlainResult(routes=tuple(routes), seconds=seconds, status="solved")
