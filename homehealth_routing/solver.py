"""Planning with the OR-Tools routing solver; every OR-Tools call of the engine is here.

The model has one node per plannable visit and a start and end node per caregiver
(a vehicle). Its parts:

- A time dimension whose transit from a node is that node's service time for the
  caregiver plus the travel time. Slack is waiting. Visit cumuls are start times,
  limited to the visit's windows (or, for soft windows, from the first window's
  start, with a cost per second after the last window's end). Start and end cumuls
  are the departure and the return, within the shift plus ``max_overtime``, with a
  cost per second of overtime. Breaks are fixed-duration intervals that never
  overlap a visit.
- Allowed caregivers from skills, language, exclusions, allowed sets and pins, as the
  domain of each visit's vehicle variable. A visit that no caregiver may take never
  enters the model (OR-Tools reads an empty allowed set as "any vehicle").
- Capacity dimensions for ``max_visits`` and ``max_workload``; ``max_work`` bounds the
  route span less the breaks taken inside it.
- Links as node precedences on the time dimension, which bind only when both visits
  are performed, plus "different caregivers" for a same-start pair and "both or
  neither" for a together-pair.
- A drop penalty per visit larger than any cost that serving it can add.

After the search, each route leaves home as late and returns as early as its visits
allow (see :meth:`_Model._retimed` for plans with links).

The objective sums travel (seconds or metres), caregiver money costs (in
:data:`MONEY_SCALE` units per currency unit), span, fixed, overtime, lateness,
preference and change costs, and drop penalties.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .decompose import split_problem
from .domain import (
    BreakTaken,
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    ProblemData,
    Reason,
    Route,
    Solution,
    SolveParams,
    Stop,
    Unassigned,
    Visit,
)
from .reasons import Eligibility, RouteLoad, analyse, explain_dropped
from .travel import Travel, round_up
from .validate import validate

_logger = logging.getLogger(__name__)

#: Objective units per currency unit of ``cost_per_hour`` and ``cost_per_km``: with
#: 100, one cent weighs as much as one second (or metre) of travel.
MONEY_SCALE = 100

_FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy
_METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic
_STATUS = routing_enums_pb2.RoutingSearchStatus

#: ``SolveParams.first_solution`` names. "auto" is resolved by
#: :func:`_auto_first_solution`.
FIRST_SOLUTION_STRATEGIES: dict[str, int] = {
    name.lower(): value
    for name, value in _FIRST_SOLUTION.Value.items()
    if name not in ("UNSET", "AUTOMATIC")
}

#: ``SolveParams.metaheuristic`` names.
METAHEURISTICS: dict[str, int] = {
    name.lower(): value
    for name, value in _METAHEURISTIC.Value.items()
    if name not in ("UNSET", "AUTOMATIC")
}

#: Metaheuristics that "auto", the default, takes turns with, each continuing from
#: the best plan so far until the time limit. Tabu search often stops on its own
#: before the limit, and guided local search then moves on from where it stopped.
#: On the 56 Solomon instances at 30 s each (one run, shared 2-core machine) the
#: mean gap to the best known distance was 3.2 %, against 4.5 % for guided local
#: search alone. On 12 of them at 10 s, with shared start nodes, it was 2.2 %
#: against 2.5 %.
AUTO_METAHEURISTICS: tuple[int, ...] = (
    _METAHEURISTIC.TABU_SEARCH,
    _METAHEURISTIC.GUIDED_LOCAL_SEARCH,
)

#: Solution status by routing status. With a metaheuristic the search always ends on
#: the time limit, which OR-Tools reports as "local optimum not reached".
_STATUS_NAMES = {
    _STATUS.ROUTING_OPTIMAL: "optimal",
    _STATUS.ROUTING_SUCCESS: "feasible",
    _STATUS.ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED: "feasible",
    _STATUS.ROUTING_FAIL: "no_solution",
    _STATUS.ROUTING_FAIL_TIMEOUT: "no_solution",
    _STATUS.ROUTING_INFEASIBLE: "no_solution",
    _STATUS.ROUTING_INVALID: "invalid",
    _STATUS.ROUTING_NOT_SOLVED: "no_solution",
}

#: Share of the time limit that the search always gets, however long the setup took.
_MIN_SEARCH_SHARE = 0.2

#: Share of the time limit kept for the work after the search.
_FINISH_SHARE = 0.02

#: Largest number of visits for which cheapest insertion compares every pair.
_FULL_INSERTION_VISITS = 200

#: Shortest time (seconds) worth restarting the search for.
_MIN_RESTART_SECONDS = 0.2


def solve(problem: ProblemData, params: SolveParams) -> Solution:
    """Plan ``problem``: assign visits to caregivers and order each caregiver's day.

    Parameters
    ----------
    problem
        Caregivers, visits, links and travel. Validated first.
    params
        Weights, time limit and search strategy.

    Returns
    -------
    Solution
        Routes of the caregivers with at least one visit, and every other visit in
        ``unassigned`` with a reason. When ``params.check`` is true, the checker's
        findings are in ``violations`` (and logged as a warning).

    Raises
    ------
    InvalidInput
        When the problem or the parameters are malformed. A visit that cannot be
        planned is never an error: it is returned unassigned.
    """
    started = time.monotonic()
    validate(problem, params)
    travel = Travel(problem)
    if params.first_solution.lower() == "auto":
        first_solution = _auto_first_solution(problem, travel)
    else:
        first_solution = _lookup(
            FIRST_SOLUTION_STRATEGIES, params.first_solution, "first_solution"
        )
    metaheuristics: tuple[int, ...]
    if params.metaheuristic.lower() == "auto":
        metaheuristics = AUTO_METAHEURISTICS
    else:
        metaheuristics = (
            _lookup(METAHEURISTICS, params.metaheuristic, "metaheuristic"),
        )

    eligibility = analyse(problem, travel)
    planned = [i for i in range(len(problem.visits)) if i not in eligibility.excluded]
    _logger.info(
        "planning %d visits (%d left out before the search) with %d caregivers",
        len(planned),
        len(eligibility.excluded),
        len(problem.caregivers),
    )

    if not planned:
        unassigned = tuple(
            eligibility.excluded[i] for i in sorted(eligibility.excluded)
        )
        solution = Solution((), unassigned, "optimal", 0)
    else:
        parts = split_problem(problem, eligibility, params)
        # The search ends early enough for the work after it: reading the plan
        # out, re-timing it, and the check of the whole plan. For 1,000 visits on
        # a 2-core machine that work took about 0.1 s, less than the 0.4-0.5 s of
        # the validation, travel and analysis above, which the search gives up.
        setup = time.monotonic() - started
        reserve = params.time_limit * _FINISH_SHARE + (setup if params.check else 0)
        deadline = started + params.time_limit - reserve
        if len(parts) > 1:
            solution = _solve_parts(parts, eligibility, params, deadline)
        else:
            model = _Model(problem, params, travel, eligibility, planned)
            remaining = deadline - time.monotonic()
            limit = max(remaining, params.time_limit * _MIN_SEARCH_SHARE)
            solution = model.solve(first_solution, metaheuristics, limit)

    solution = replace(solution, solve_seconds=time.monotonic() - started)
    if params.check:
        from .checker import check

        violations = check(problem, solution)
        if violations:
            _logger.warning(
                "the plan breaks %d hard rule(s): %s",
                len(violations),
                "; ".join(violations[:5]),
            )
        solution = replace(solution, violations=tuple(violations))
    return solution


def _solve_parts(
    parts: list[tuple[ProblemData, SolveParams]],
    eligibility: Eligibility,
    params: SolveParams,
    deadline: float,
) -> Solution:
    """Plan independent parts one after the other and join their plans.

    Each part gets a share of the time left until ``deadline`` (a
    ``time.monotonic()`` value) in proportion to its number of visits, so a part
    that ends early leaves its time to the parts after it.
    """
    _logger.info(
        "the problem splits into %d independent parts (%s visits)",
        len(parts),
        ", ".join(str(len(part.visits)) for part, _params in parts),
    )
    routes: list[Route] = []
    unassigned = [eligibility.excluded[i] for i in sorted(eligibility.excluded)]
    objective = 0
    statuses = set()
    visits_left = sum(len(part.visits) for part, _params in parts)
    for part, part_params in parts:
        remaining = deadline - time.monotonic()
        share = remaining * len(part.visits) / visits_left
        limit = max(share, params.time_limit * _MIN_SEARCH_SHARE / len(parts))
        visits_left -= len(part.visits)
        part_solution = solve(part, replace(part_params, time_limit=limit, check=False))
        routes.extend(part_solution.routes)
        unassigned.extend(part_solution.unassigned)
        objective += part_solution.objective
        statuses.add(part_solution.status)
    status = statuses.pop() if len(statuses) == 1 else "feasible"
    return Solution(tuple(routes), tuple(unassigned), status, objective)


def _auto_first_solution(problem: ProblemData, travel: Travel) -> int:
    """Choose the first solution strategy that "auto" stands for.

    When every caregiver leaves from one place and returns to one place, as from an
    agency's office or a benchmark's depot, and the visits are alike in priority and
    none is pinned, the savings heuristic builds the first plan. Otherwise parallel
    cheapest insertion does: savings joins routes by distance alone, and left a
    pinned visit of priority 5 out for two others that the search then could not
    trade back. Insertion also finds a plan on tight windows where cheapest arc
    often finds none.

    Measured on this project's shared 2-core machine, one run each. On 12 Solomon
    instances at 10 s, the mean gap to the best known distance was 1.8 % after
    savings and 2.2 % after insertion. On 4 Gehring & Homberger instances with
    long routes at 30 s, it was 4.6 % and 7.6 %. On the agency day of the
    benchmarks (caregivers start from home), savings left 295 of 1,000 visits out
    at 10 s, and insertion 9.

    NOTE: savings is not better everywhere. On Gehring & Homberger's C1_2_1
    (clustered customers, tight windows) the engine ended 3.4 % above the best
    known distance at 30 s, where a model started by insertion reached it.
    """
    # Travel's place indices, so that "one place" means what the model's shared
    # start and end nodes mean.
    caregiver_indices = range(len(problem.caregivers))
    starts = {travel.start_place(k) for k in caregiver_indices}
    ends = {travel.end_place(k) for k in caregiver_indices}
    visits = problem.visits
    alike = len({v.priority for v in visits}) <= 1 and not any(
        v.pinned_caregiver is not None or v.pinned_start is not None for v in visits
    )
    if alike and len(starts) == 1 and len(ends) == 1:
        return _FIRST_SOLUTION.SAVINGS
    return _FIRST_SOLUTION.PARALLEL_CHEAPEST_INSERTION


def _lookup(table: dict[str, int], name: str, field_name: str) -> int:
    try:
        return table[name.lower()]
    except KeyError:
        names = sorted({*table, "auto"})
        raise InvalidInput(
            f"{field_name} {name!r} is unknown; use one of {', '.join(names)}"
        ) from None


@dataclass(frozen=True)
class _BreakVar:
    caregiver_index: int
    break_id: str
    duration: int
    interval: pywrapcp.IntervalVar


class _Model:
    """The OR-Tools routing model of one problem, and how to read its solution."""

    def __init__(
        self,
        problem: ProblemData,
        params: SolveParams,
        travel: Travel,
        eligibility: Eligibility,
        planned: list[int],
        latest_starts: dict[int, int] | None = None,
    ) -> None:
        """Build the model of the ``planned`` visits (indices into the problem).

        ``latest_starts`` (start bound by node) builds the model that re-times a
        found plan (see :meth:`_retimed`): links become plain constraints and each
        visit starts no later than its bound.
        """
        self.problem = problem
        self.params = params
        self.travel = travel
        self.eligibility = eligibility
        self.planned = planned
        self.caregivers = problem.caregivers
        self.n_visits = len(planned)
        n_caregivers = len(self.caregivers)
        # Caregivers who leave from the same place share one start node, and those
        # who return to the same place share one end node. OR-Tools then puts
        # caregivers who differ in nothing else into one vehicle class: Solomon's
        # C101 (25 vehicles at one depot) has 1 class instead of 25. There, and on
        # C105, guided local search reached the best known distance within 10 s
        # with shared nodes, and stayed 3 % above it after 10 s with a node per
        # caregiver.
        start_places = [travel.start_place(k) for k in range(n_caregivers)]
        end_places = [travel.end_place(k) for k in range(n_caregivers)]
        node_of_start: dict[int, int] = {}
        for place in start_places:
            node_of_start.setdefault(place, self.n_visits + len(node_of_start))
        first_end = self.n_visits + len(node_of_start)
        node_of_end: dict[int, int] = {}
        for place in end_places:
            node_of_end.setdefault(place, first_end + len(node_of_end))
        self.n_nodes = first_end + len(node_of_end)
        self.start_nodes = [node_of_start[place] for place in start_places]
        self.end_nodes = [node_of_end[place] for place in end_places]
        self.node_of_visit = {v: node for node, v in enumerate(planned)}
        self.visit_index_of = {v.id: i for i, v in enumerate(problem.visits)}
        self.latest_starts = latest_starts
        #: True when links are node precedences, which make OR-Tools set the times
        #: with its LP scheduler and ignore the finalizers.
        self.has_precedences = False

        places = [travel.visit_place(i) for i in planned]
        places += list(node_of_start)
        places += list(node_of_end)
        self.places = np.array(places, dtype=np.int64)
        self.horizon = max(c.shift_end + c.max_overtime for c in self.caregivers) + 1

        self.manager = pywrapcp.RoutingIndexManager(
            self.n_nodes, n_caregivers, self.start_nodes, self.end_nodes
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.solver = self.routing.solver()
        self.breaks: list[_BreakVar] = []

        self._build_transits()
        self._add_time_dimension()
        self._add_breaks()
        self._add_capacity_limits()
        self._add_work_limits()
        self._add_assignment_costs()
        self._add_links()
        self._add_visits()
        self._add_finalizers()

    # ---------------------------------------------------------------------------
    # Matrices and transit callbacks

    def _index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def _services(self, caregiver: Caregiver) -> np.ndarray:
        services = np.zeros(self.n_nodes, dtype=np.int64)
        visits = self.problem.visits
        services[: self.n_visits] = [
            visits[i].duration_for(caregiver.id) for i in self.planned
        ]
        return services

    def _node_matrices(self, caregiver: Caregiver) -> tuple[np.ndarray, np.ndarray]:
        """Return travel time and distance between model nodes for a caregiver."""
        duration, distance = self.travel.matrices(caregiver)
        grid = np.ix_(self.places, self.places)
        node_duration = duration[grid]
        node_distance = distance[grid]
        # A caregiver without visits goes nowhere: start -> own end costs nothing.
        node_duration[self.start_nodes, self.end_nodes] = 0
        node_distance[self.start_nodes, self.end_nodes] = 0
        return node_duration, node_distance

    def _build_transits(self) -> None:
        """Register one time transit and one arc cost matrix per class of caregiver."""
        params = self.params
        time_callbacks: dict[tuple, int] = {}
        cost_callbacks: dict[tuple, int] = {}
        self.time_callback_of: list[int] = []
        self.max_arc_cost = 0
        self.max_service_cost = 0
        for k, caregiver in enumerate(self.caregivers):
            services = self._services(caregiver)
            profile = self.travel.profile(caregiver)
            time_key = (profile, services.tobytes())
            cost_key = (
                time_key if caregiver.cost_per_hour else profile,
                caregiver.cost_per_hour,
                caregiver.cost_per_km,
            )
            if time_key in time_callbacks and cost_key in cost_callbacks:
                self.time_callback_of.append(time_callbacks[time_key])
                self.routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[cost_key], k)
                continue

            node_duration, node_distance = self._node_matrices(caregiver)
            transit = node_duration + services[:, None]
            if time_key not in time_callbacks:
                time_callbacks[time_key] = self.routing.RegisterTransitMatrix(
                    transit.tolist()
                )
            self.time_callback_of.append(time_callbacks[time_key])

            if cost_key not in cost_callbacks:
                base = node_duration if params.objective == "time" else node_distance
                cost = base.copy()
                if caregiver.cost_per_hour:
                    # Paid time: service and travel, in MONEY_SCALE units.
                    cost += round_up(
                        transit * (caregiver.cost_per_hour * MONEY_SCALE / 3600)
                    )
                    self.max_service_cost = max(
                        self.max_service_cost,
                        int(
                            services.max()
                            * caregiver.cost_per_hour
                            * MONEY_SCALE
                            / 3600
                        )
                        + 1,
                    )
                if caregiver.cost_per_km:
                    cost += round_up(
                        node_distance * (caregiver.cost_per_km * MONEY_SCALE / 1000)
                    )
                cost_callbacks[cost_key] = self.routing.RegisterTransitMatrix(
                    cost.tolist()
                )
                self.max_arc_cost = max(self.max_arc_cost, int(cost.max(initial=0)))
            self.routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[cost_key], k)

        if params.caregiver_fixed_cost:
            self.routing.SetFixedCostOfAllVehicles(params.caregiver_fixed_cost)

    # ---------------------------------------------------------------------------
    # Time

    def _add_time_dimension(self) -> None:
        routing = self.routing
        routing.AddDimensionWithVehicleTransitAndCapacity(
            self.time_callback_of,
            self.horizon,
            [self.horizon] * len(self.caregivers),
            False,
            "Time",
        )
        self.time = routing.GetDimensionOrDie("Time")
        for k, caregiver in enumerate(self.caregivers):
            latest = caregiver.shift_end + caregiver.max_overtime
            for index in (routing.Start(k), routing.End(k)):
                self.time.CumulVar(index).SetRange(caregiver.shift_start, latest)
            if caregiver.max_overtime:
                self.time.SetCumulVarSoftUpperBound(
                    routing.End(k), caregiver.shift_end, self.params.overtime_weight
                )
        if self.params.span_weight:
            self.time.SetSpanCostCoefficientForAllVehicles(self.params.span_weight)

    def _add_breaks(self) -> None:
        routing = self.routing
        index_nodes = [self.manager.IndexToNode(i) for i in range(routing.Size())]
        for k, caregiver in enumerate(self.caregivers):
            if not caregiver.breaks:
                continue
            intervals = []
            for brk in caregiver.breaks:
                interval = self.solver.FixedDurationIntervalVar(
                    brk.earliest_start,
                    brk.latest_start,
                    brk.duration,
                    False,
                    f"break {caregiver.id}/{brk.id}",
                )
                intervals.append(interval)
                self.breaks.append(_BreakVar(k, brk.id, brk.duration, interval))
            # A break never overlaps [start, start + service) of a visit.
            visit_transits = self._services(caregiver)[index_nodes].tolist()
            self.time.SetBreakIntervalsOfVehicle(intervals, k, visit_transits)

    # ---------------------------------------------------------------------------
    # Limits

    def _add_capacity_limits(self) -> None:
        routing = self.routing
        caregivers = self.caregivers
        visits = self.problem.visits
        if any(c.max_visits is not None for c in caregivers):
            ones = [1] * self.n_visits + [0] * (self.n_nodes - self.n_visits)
            callback = routing.RegisterUnaryTransitVector(ones)
            caps = [
                self.n_visits if c.max_visits is None else c.max_visits
                for c in caregivers
            ]
            routing.AddDimensionWithVehicleCapacity(callback, 0, caps, True, "Visits")
        if any(c.max_workload is not None for c in caregivers):
            loads = [visits[i].workload for i in self.planned]
            loads += [0] * (self.n_nodes - self.n_visits)
            callback = routing.RegisterUnaryTransitVector(loads)
            total = sum(loads)
            caps = [
                total if c.max_workload is None else c.max_workload for c in caregivers
            ]
            routing.AddDimensionWithVehicleCapacity(callback, 0, caps, True, "Workload")

    def _add_work_limits(self) -> None:
        """Bound service, travel and waiting by ``max_work``: span minus breaks taken.

        Without breaks this is the span bound of the dimension. With breaks it is a
        constraint that subtracts the breaks inside the route. (A span bound that
        adds every break, tried as a cheap relaxation, made OR-Tools 9.15 delay the
        return home until the break window.)
        """
        routing = self.routing
        solver = self.solver
        for k, caregiver in enumerate(self.caregivers):
            if caregiver.max_work is None:
                continue
            if not caregiver.breaks:
                self.time.SetSpanUpperBoundForVehicle(caregiver.max_work, k)
                continue
            start = self.time.CumulVar(routing.Start(k))
            end = self.time.CumulVar(routing.End(k))
            inside_time = []
            for brk in self.breaks:
                if brk.caregiver_index != k:
                    continue
                after_start = solver.IsGreaterOrEqualVar(
                    brk.interval.StartExpr(), start
                )
                before_end = solver.IsLessOrEqualVar(brk.interval.EndExpr(), end)
                inside = solver.Min(after_start, before_end)
                inside_time.append(inside * brk.duration)
            solver.Add(end - start - solver.Sum(inside_time) <= caregiver.max_work)

    # ---------------------------------------------------------------------------
    # Costs on who performs a visit

    def _add_assignment_costs(self) -> None:
        """Charge preference and change costs through a per-caregiver dimension."""
        params = self.params
        visits = self.problem.visits
        initial = params.initial_assignment
        if not params.preference_weight and not (params.change_weight and initial):
            return
        vectors = []
        for caregiver in self.caregivers:
            costs = [0] * self.n_nodes
            for node, i in enumerate(self.planned):
                visit = visits[i]
                if (
                    params.preference_weight
                    and visit.preferred_caregivers
                    and caregiver.id not in visit.preferred_caregivers
                ):
                    costs[node] += params.preference_weight
                previous = initial.get(visit.id)
                if (
                    params.change_weight
                    and previous is not None
                    and previous != caregiver.id
                ):
                    costs[node] += params.change_weight
            vectors.append(self.routing.RegisterUnaryTransitVector(costs))
        capacity = self.n_visits * (params.preference_weight + params.change_weight) + 1
        self.routing.AddDimensionWithVehicleTransitAndCapacity(
            vectors, 0, [capacity] * len(self.caregivers), True, "AssignmentCost"
        )
        dimension = self.routing.GetDimensionOrDie("AssignmentCost")
        dimension.SetSpanCostCoefficientForAllVehicles(1)

    # ---------------------------------------------------------------------------
    # Links

    def _add_links(self) -> None:
        routing = self.routing
        solver = self.solver
        for link in self.problem.links:
            first = self.node_of_visit.get(self.visit_index_of[link.first])
            second = self.node_of_visit.get(self.visit_index_of[link.second])
            if first is None or second is None:
                # One of the two never enters the model: the rule does not bind.
                continue
            a, b = self._index(first), self._index(second)
            if self.latest_starts is not None:
                self._add_link_constraints(link, a, b)
                continue
            self.has_precedences = True
            if link.kind is LinkKind.SAME_START:
                self.time.AddNodePrecedence(a, b, 0)
                self.time.AddNodePrecedence(b, a, 0)
                # Two different caregivers whenever both visits are performed.
                both = solver.Min(routing.ActiveVar(a), routing.ActiveVar(b))
                different = solver.IsDifferentVar(
                    routing.VehicleVar(a), routing.VehicleVar(b)
                )
                solver.Add(different >= both)
            else:
                self.time.AddNodePrecedence(a, b, link.min_gap)
                if link.max_gap is not None:
                    self.time.AddNodePrecedence(b, a, -link.max_gap)
            if link.together:
                solver.Add(routing.ActiveVar(a) == routing.ActiveVar(b))

    def _add_link_constraints(self, link: Link, a: int, b: int) -> None:
        """Add a link as linear constraints that bind when both visits are active.

        The search uses node precedences, which OR-Tools' filters understand; this
        form leaves the times to the finalizers, for re-timing a found plan.
        """
        routing = self.routing
        solver = self.solver
        time_a = self.time.CumulVar(a)
        time_b = self.time.CumulVar(b)
        active_a = routing.ActiveVar(a)
        active_b = routing.ActiveVar(b)
        # Zero when both visits are performed, large enough otherwise.
        relax = (2 - active_a - active_b) * (self.horizon + link.min_gap + 1)
        if link.kind is LinkKind.SAME_START:
            solver.Add(time_a - time_b <= relax)
            solver.Add(time_b - time_a <= relax)
            both = solver.Min(active_a, active_b)
            different = solver.IsDifferentVar(
                routing.VehicleVar(a), routing.VehicleVar(b)
            )
            solver.Add(different >= both)
        else:
            solver.Add(time_b - time_a >= link.min_gap - relax)
            if link.max_gap is not None:
                solver.Add(time_b - time_a <= link.max_gap + relax)
        if link.together:
            solver.Add(active_a == active_b)

    # ---------------------------------------------------------------------------
    # Visits

    def _drop_penalty_floor(self) -> int:
        """Return a penalty above the largest cost that serving one visit can add."""
        params = self.params
        caregivers = self.caregivers
        max_overtime = max(c.max_overtime for c in caregivers)
        max_span = max(c.shift_end + c.max_overtime - c.shift_start for c in caregivers)
        return (
            2 * self.max_arc_cost
            + self.max_service_cost
            + params.preference_weight
            + params.change_weight
            + params.caregiver_fixed_cost
            + params.span_weight * max_span
            + params.overtime_weight * max_overtime
            + params.lateness_weight * self.horizon
            + 1
        )

    def _add_visits(self) -> None:
        routing = self.routing
        visits = self.problem.visits
        n_caregivers = len(self.caregivers)
        floor = self._drop_penalty_floor()
        for node, i in enumerate(self.planned):
            visit = visits[i]
            index = self._index(node)
            candidates = self.eligibility.candidates[i]
            if len(candidates) < n_caregivers:
                routing.VehicleVar(index).SetValues([-1, *sorted(candidates)])
            penalty = max(self.params.unassigned_penalty, floor) * visit.priority
            routing.AddDisjunction([index], penalty)
            self._restrict_start(node, index, visit, candidates)

    def _restrict_start(
        self,
        node: int,
        index: int,
        visit: Visit,
        candidates: dict[int, list[tuple[int, int]]],
    ) -> None:
        cumul = self.time.CumulVar(index)
        # The pre-analysis found every start that fits some candidate; the hull of
        # those bounds the cumul.
        low = min(spans[0][0] for spans in candidates.values())
        high = min(max(spans[-1][1] for spans in candidates.values()), self.horizon)
        if self.latest_starts is not None and node in self.latest_starts:
            high = min(high, self.latest_starts[node])
        cumul.SetRange(low, high)
        if visit.pinned_start is not None:
            cumul.SetValue(visit.pinned_start)
            return
        if not visit.windows:
            return
        if visit.hard_windows:
            for before, after in zip(visit.windows, visit.windows[1:], strict=False):
                gap_low, gap_high = before.end + 1, after.start - 1
                if gap_low <= gap_high and gap_high >= low and gap_low <= high:
                    cumul.RemoveInterval(gap_low, gap_high)
        else:
            self.time.SetCumulVarSoftUpperBound(
                index, visit.windows[-1].end, self.params.lateness_weight
            )

    def _add_finalizers(self) -> None:
        """Make each return as early and then each departure as late as possible.

        The order matters: minimising the return first fixes the first visit as
        early as its window allows, and the departure then moves up to it.
        """
        routing = self.routing
        for k in range(len(self.caregivers)):
            routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(routing.End(k)))
        for k in range(len(self.caregivers)):
            routing.AddVariableMaximizedByFinalizer(
                self.time.CumulVar(routing.Start(k))
            )

    # ---------------------------------------------------------------------------
    # Search

    def _search_parameters(
        self, first_solution: int, metaheuristic: int, time_limit: float
    ) -> pywrapcp.DefaultRoutingSearchParameters:
        search = pywrapcp.DefaultRoutingSearchParameters()
        search.first_solution_strategy = first_solution
        search.local_search_metaheuristic = metaheuristic
        search.time_limit.FromMilliseconds(max(int(time_limit * 1000), 1))
        if self.n_visits > _FULL_INSERTION_VISITS:
            # Cheapest insertion over every pair of visits grows too slow. With
            # 1,000 visits and 80 caregivers it had no first plan after 15 s on a
            # shared 2-core machine; with the nearest 5 % of visits it had one
            # after 6-9 s there.
            insertion = search.global_cheapest_insertion_first_solution_parameters
            insertion.neighbors_ratio = max(
                _FULL_INSERTION_VISITS / 4 / self.n_visits, 0.02
            )
            insertion.min_neighbors = 20
        return search

    def _initial_routes(self) -> list[list[int]]:
        """Return the initial assignment as routes of node indices, by start time."""
        initial = self.params.initial_assignment
        routes: list[list[tuple[int, int]]] = [[] for _ in self.caregivers]
        caregiver_index = {c.id: k for k, c in enumerate(self.caregivers)}
        visits = self.problem.visits
        for node, i in enumerate(self.planned):
            visit = visits[i]
            caregiver_id = initial.get(visit.id)
            if caregiver_id is None:
                continue
            k = caregiver_index[caregiver_id]
            spans = self.eligibility.candidates[i].get(k)
            if spans is None:
                continue
            routes[k].append((spans[0][0], self._index(node)))
        return [[index for _, index in sorted(route)] for route in routes]

    def _progress_logger(self, interval: float) -> Callable[[], None]:
        started = time.monotonic()
        last = [started]

        def log_progress() -> None:
            now = time.monotonic()
            if now - last[0] >= interval:
                last[0] = now
                _logger.info(
                    "search at %.1f s: objective %d",
                    now - started,
                    self.routing.CostVar().Max(),
                )

        return log_progress

    def solve(
        self, first_solution: int, metaheuristics: Sequence[int], time_limit: float
    ) -> Solution:
        """Search for ``time_limit`` seconds and return the best plan found.

        With more than one metaheuristic, each one in turn continues from the best
        plan so far whenever the previous one stops before the time limit.
        """
        deadline = time.monotonic() + time_limit
        routing = self.routing
        search = self._search_parameters(first_solution, metaheuristics[0], time_limit)
        if self.params.progress_interval > 0:
            routing.AddAtSolutionCallback(
                self._progress_logger(self.params.progress_interval)
            )
        routing.CloseModelWithParameters(search)
        # The search gets the time left after closing the model.
        remaining = deadline - time.monotonic()
        search.time_limit.FromMilliseconds(
            max(int(remaining * 1000), int(time_limit * _MIN_SEARCH_SHARE * 1000), 1)
        )

        assignment = None
        if self.params.initial_assignment:
            routes = self._initial_routes()
            start = routing.ReadAssignmentFromRoutes(routes, True)
            if start is None:
                _logger.info(
                    "the initial assignment is infeasible; searching from scratch"
                )
            else:
                assignment = routing.SolveFromAssignmentWithParameters(start, search)
        if assignment is None:
            assignment = routing.SolveWithParameters(search)
        status = _STATUS_NAMES.get(routing.status(), "no_solution")
        if assignment is not None and len(metaheuristics) > 1:
            assignment, status = self._continue_search(
                assignment, status, search, metaheuristics, deadline
            )

        if assignment is None:
            # Every visit is optional, so this means the search itself failed.
            _logger.warning(
                "OR-Tools found no plan (routing status %d)", routing.status()
            )
            unassigned = dict(self.eligibility.excluded)
            for i in self.planned:
                unassigned[i] = Unassigned(
                    self.problem.visits[i].id,
                    Reason.NO_TIME,
                    "the search found no plan within the time limit",
                )
            ordered = tuple(unassigned[i] for i in sorted(unassigned))
            return Solution((), ordered, "no_solution", 0)
        objective = int(assignment.ObjectiveValue())
        if self._nothing_performed(assignment):
            _logger.warning(
                "the search stopped before it placed any visit; give it a longer "
                "time limit than %.1f s",
                time_limit,
            )
        status = status if status != "no_solution" else "feasible"
        model, timed = self._retimed(assignment, search)
        return model._extract(timed, status, objective)

    def _nothing_performed(self, assignment: pywrapcp.Assignment) -> bool:
        routing = self.routing
        return all(
            routing.IsEnd(assignment.Value(routing.NextVar(routing.Start(k))))
            for k in range(len(self.caregivers))
        )

    def _continue_search(
        self,
        assignment: pywrapcp.Assignment,
        status: str,
        search: object,
        metaheuristics: Sequence[int],
        deadline: float,
    ) -> tuple[pywrapcp.Assignment, str]:
        """Restart the search from the best plan until the deadline."""
        routing = self.routing
        best = self.solver.Assignment(assignment)
        turn = 1
        while status != "optimal":
            remaining = deadline - time.monotonic()
            if remaining < _MIN_RESTART_SECONDS:
                break
            again = pywrapcp.DefaultRoutingSearchParameters()
            again.CopyFrom(search)
            again.local_search_metaheuristic = metaheuristics[
                turn % len(metaheuristics)
            ]
            again.time_limit.FromMilliseconds(int(remaining * 1000))
            found = routing.SolveFromAssignmentWithParameters(best, again)
            turn += 1
            if found is None:
                break
            status = _STATUS_NAMES.get(routing.status(), "feasible")
            if found.ObjectiveValue() < best.ObjectiveValue():
                best = self.solver.Assignment(found)
                _logger.debug(
                    "search restart %d improved the objective to %d",
                    turn,
                    best.ObjectiveValue(),
                )
        return best, status

    def _retimed(
        self, assignment: pywrapcp.Assignment, search: object
    ) -> tuple[_Model, pywrapcp.Assignment]:
        """Return a model and assignment with the plan's routes packed in time.

        With node precedences, OR-Tools sets the times with its LP scheduler, which
        ignores the finalizers: departures stay early and caregivers wait. A second
        model with links as plain constraints reads the same routes back, and its
        finalizers make each return as early and then each departure as late as
        possible. No visit starts later than in the plan, unless its window allows.
        """
        if not self.has_precedences:
            return self, assignment
        routing = self.routing
        routes = []
        for k in range(len(self.caregivers)):
            route = []
            index = assignment.Value(routing.NextVar(routing.Start(k)))
            while not routing.IsEnd(index):
                route.append(index)
                index = assignment.Value(routing.NextVar(index))
            routes.append(route)
        latest_starts = {}
        visits = self.problem.visits
        for node, i in enumerate(self.planned):
            index = self._index(node)
            if assignment.Value(routing.NextVar(index)) == index:
                continue
            start = assignment.Value(self.time.CumulVar(index))
            windows = visits[i].windows
            latest_starts[node] = max(start, windows[-1].end) if windows else start
        retimer = _Model(
            self.problem,
            self.params,
            self.travel,
            self.eligibility,
            self.planned,
            latest_starts=latest_starts,
        )
        retimer.routing.CloseModelWithParameters(search)
        timed = retimer.routing.ReadAssignmentFromRoutes(routes, True)
        if timed is None:
            _logger.info("re-timing the plan failed; keeping the search's times")
            return self, assignment
        return retimer, timed

    # ---------------------------------------------------------------------------
    # Solution

    def _extract(
        self, assignment: pywrapcp.Assignment, status: str, objective: int
    ) -> Solution:
        routing = self.routing
        visits = self.problem.visits
        routes = []
        loads = [RouteLoad() for _ in self.caregivers]
        for k, caregiver in enumerate(self.caregivers):
            route = self._extract_route(assignment, k, caregiver)
            if route is None:
                continue
            routes.append(route)
            workload = sum(
                visits[self.visit_index_of[s.visit_id]].workload for s in route.stops
            )
            loads[k] = RouteLoad(len(route.stops), workload, route.work_time)

        unassigned = dict(self.eligibility.excluded)
        for node, i in enumerate(self.planned):
            if assignment.Value(routing.NextVar(self._index(node))) == self._index(
                node
            ):
                unassigned[i] = explain_dropped(
                    self.problem, self.eligibility, i, loads
                )
        return Solution(
            routes=tuple(routes),
            unassigned=tuple(unassigned[i] for i in sorted(unassigned)),
            status=status,
            objective=objective,
        )

    def _extract_route(
        self, assignment: pywrapcp.Assignment, k: int, caregiver: Caregiver
    ) -> Route | None:
        routing = self.routing
        manager = self.manager
        time_dim = self.time
        travel = self.travel
        visits = self.problem.visits

        index = routing.Start(k)
        nodes = []
        index = assignment.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            nodes.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if not nodes:
            return None

        departure = assignment.Value(time_dim.CumulVar(routing.Start(k)))
        arrival_home = assignment.Value(time_dim.CumulVar(routing.End(k)))
        breaks = self._breaks_taken(assignment, k, departure, arrival_home)

        stops = []
        place = travel.start_place(k)
        ready = departure
        for node in nodes:
            i = self.planned[node]
            visit = visits[i]
            next_place = travel.visit_place(i)
            travel_time = travel.duration(caregiver, place, next_place)
            travel_distance = travel.distance(caregiver, place, next_place)
            start = assignment.Value(time_dim.CumulVar(self._index(node)))
            end = start + visit.duration_for(caregiver.id)
            arrival = ready + travel_time
            break_time = sum(
                b.end - b.start for b in breaks if ready <= b.start and b.end <= start
            )
            late = 0
            if visit.windows and not visit.hard_windows:
                late = max(0, start - visit.windows[-1].end)
            stops.append(
                Stop(
                    visit_id=visit.id,
                    arrival=arrival,
                    start=start,
                    end=end,
                    waiting=start - arrival - break_time,
                    travel_time=travel_time,
                    travel_distance=travel_distance,
                    late=late,
                )
            )
            place, ready = next_place, end

        end_place = travel.end_place(k)
        return Route(
            caregiver_id=caregiver.id,
            departure=departure,
            arrival_home=arrival_home,
            stops=tuple(stops),
            breaks=breaks,
            return_travel_time=travel.duration(caregiver, place, end_place),
            return_travel_distance=travel.distance(caregiver, place, end_place),
            overtime=max(0, arrival_home - caregiver.shift_end),
        )

    def _breaks_taken(
        self, assignment: pywrapcp.Assignment, k: int, departure: int, arrival_home: int
    ) -> tuple[BreakTaken, ...]:
        """Return the breaks inside ``[departure, arrival_home]``, in time order."""
        taken = []
        for brk in self.breaks:
            if brk.caregiver_index != k:
                continue
            start = assignment.StartValue(brk.interval)
            end = start + brk.duration
            if departure <= start and end <= arrival_home:
                taken.append(BreakTaken(brk.break_id, start, end))
        return tuple(sorted(taken, key=lambda b: b.start))
