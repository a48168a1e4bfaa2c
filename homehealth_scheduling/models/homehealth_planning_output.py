"""Read the engine's solution as visit values, and rebuild a solution from records.

:func:`interpret` maps engine ids back to records and times back to naive UTC
datetimes. :func:`solution_from_records` does the reverse: it rebuilds the engine's
:class:`~homehealth_routing.Solution` from what a run wrote (visits and routes), so
that ``homehealth_routing.check`` can verify a stored plan against the rules.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from odoo import fields

from .homehealth_planning_common import require_engine

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VisitPlan:
    """Values that a run writes on a planned visit."""

    visit_id: int
    employee_id: int
    start: datetime
    end: datetime
    sequence: int
    travel_seconds: int
    travel_metres: int


@dataclass(frozen=True)
class VisitUnplanned:
    """A visit that the engine left unassigned, with its reason code."""

    visit_id: int
    reason: str
    detail: str


@dataclass(frozen=True)
class RoutePlan:
    """One caregiver's day as planned: departure, return, breaks and totals."""

    caregiver_key: str
    employee_id: int
    day: object
    departure: datetime
    arrival_home: datetime
    visit_count: int
    travel_seconds: int
    travel_metres: int
    return_travel_seconds: int
    return_travel_metres: int
    overtime_seconds: int
    work_seconds: int
    #: (break id, start, end) with naive UTC datetimes.
    breaks: tuple = ()


@dataclass
class PlanResult:
    """The engine's solution in record terms."""

    status: str
    solve_seconds: float
    violations: tuple = ()
    planned: list = field(default_factory=list)
    unplanned: list = field(default_factory=list)
    #: Fixed (pinned or occupying) visits that the engine could not keep.
    fixed_unplanned: list = field(default_factory=list)
    routes: list = field(default_factory=list)

    @property
    def travel_seconds(self):
        return sum(route.travel_seconds for route in self.routes)

    @property
    def travel_metres(self):
        return sum(route.travel_metres for route in self.routes)

    @property
    def overtime_seconds(self):
        return sum(route.overtime_seconds for route in self.routes)


def interpret(planning_input, solution):
    """Return the :class:`PlanResult` of ``solution`` for ``planning_input``."""
    routing = require_engine()
    to_datetime = planning_input.to_datetime
    result = PlanResult(
        status=solution.status,
        solve_seconds=solution.solve_seconds,
        violations=tuple(solution.violations),
    )
    for route in solution.routes:
        day = planning_input.caregiver_days[route.caregiver_id]
        for sequence, stop in enumerate(route.stops, start=1):
            visit_id = planning_input.plan_visits.get(stop.visit_id)
            if visit_id is None:
                continue
            result.planned.append(
                VisitPlan(
                    visit_id=visit_id,
                    employee_id=day.employee_id,
                    start=to_datetime(stop.start),
                    end=to_datetime(stop.end),
                    sequence=sequence,
                    travel_seconds=stop.travel_time,
                    travel_metres=stop.travel_distance,
                )
            )
        result.routes.append(
            RoutePlan(
                caregiver_key=route.caregiver_id,
                employee_id=day.employee_id,
                day=day.day,
                departure=to_datetime(route.departure),
                arrival_home=to_datetime(route.arrival_home),
                visit_count=len(route.stops),
                travel_seconds=route.travel_time,
                travel_metres=route.travel_distance,
                return_travel_seconds=route.return_travel_time,
                return_travel_metres=route.return_travel_distance,
                overtime_seconds=route.overtime,
                work_seconds=route.work_time,
                breaks=tuple(
                    (taken.id, to_datetime(taken.start), to_datetime(taken.end))
                    for taken in route.breaks
                ),
            )
        )
    for unassigned in solution.unassigned:
        reason = routing.Reason(unassigned.reason).value
        detail = unassigned.detail
        no_caregiver = planning_input.no_working_caregiver.get(unassigned.visit_id)
        if no_caregiver and reason == routing.Reason.NO_QUALIFIED_CAREGIVER.value:
            # The engine got an empty set of allowed caregivers: say why it is empty.
            reason = routing.Reason.OUTSIDE_EVERY_WINDOW.value
            detail = no_caregiver
        if unassigned.visit_id in planning_input.plan_visits:
            result.unplanned.append(
                VisitUnplanned(
                    planning_input.plan_visits[unassigned.visit_id], reason, detail
                )
            )
        elif unassigned.visit_id in planning_input.fixed_visits:
            result.fixed_unplanned.append(
                VisitUnplanned(
                    planning_input.fixed_visits[unassigned.visit_id], reason, detail
                )
            )
    return result


def solution_from_records(env, planning_input, run):
    """Rebuild the engine solution that ``run`` wrote, from the stored records.

    Stops come from the visits (caregiver, planned start and end, travel from the
    previous stop), routes from the run's route records (departure, return,
    breaks). Fixed visits are not written by a run, so their travel is
    recomputed with the engine's travel model.
    """
    routing = require_engine()
    from homehealth_routing.travel import Travel

    problem = planning_input.problem
    to_seconds = planning_input.to_seconds
    ids_by_record = {
        record_id: key
        for key, record_id in (
            *planning_input.plan_visits.items(),
            *planning_input.fixed_visits.items(),
        )
    }
    visits = env["homehealth.visit"].sudo().browse(list(ids_by_record))
    travel = Travel(problem)
    visit_index = {v.id: i for i, v in enumerate(problem.visits)}
    caregiver_index = {c.id: k for k, c in enumerate(problem.caregivers)}

    stops_by_route = {}
    for visit in visits:
        key = ids_by_record[visit.id]
        if not visit.caregiver_id or not visit.planned_start:
            continue
        if visit.state not in ("planned", "in_progress", "done"):
            continue
        stops_by_route.setdefault(visit.caregiver_id.id, []).append((visit, key))

    routes = []
    routed = set()
    for route in run.sudo().route_ids:
        k = caregiver_index[route.caregiver_key]
        caregiver = problem.caregivers[k]
        day_start = to_seconds(route.departure)
        day_end = to_seconds(route.arrival_home)
        members = [
            (visit, key)
            for visit, key in stops_by_route.get(route.employee_id.id, [])
            if day_start <= to_seconds(visit.planned_start) < day_end
        ]
        members.sort(key=lambda item: item[0].planned_start)
        stops = []
        ready = day_start
        place = travel.start_place(k)
        for visit, key in members:
            next_place = travel.visit_place(visit_index[key])
            if key in planning_input.plan_visits:
                travel_time = round(visit.travel_time_from_previous * 60)
                travel_distance = round(visit.travel_distance_from_previous * 1000)
            else:
                travel_time = travel.duration(caregiver, place, next_place)
                travel_distance = travel.distance(caregiver, place, next_place)
            start = to_seconds(visit.planned_start)
            arrival = ready + travel_time
            stops.append(
                routing.Stop(
                    visit_id=key,
                    arrival=arrival,
                    start=start,
                    end=to_seconds(visit.planned_end),
                    waiting=max(0, start - arrival),
                    travel_time=travel_time,
                    travel_distance=travel_distance,
                )
            )
            routed.add(key)
            ready = to_seconds(visit.planned_end)
            place = next_place
        routes.append(
            routing.Route(
                caregiver_id=route.caregiver_key,
                departure=day_start,
                arrival_home=day_end,
                stops=tuple(stops),
                breaks=tuple(
                    routing.BreakTaken(
                        id=item["id"],
                        start=to_seconds(fields.Datetime.to_datetime(item["start"])),
                        end=to_seconds(fields.Datetime.to_datetime(item["end"])),
                    )
                    for item in route.breaks or []
                ),
                return_travel_time=round(route.return_travel_time * 60),
                return_travel_distance=round(route.return_travel_distance * 1000),
                overtime=round(route.overtime * 60),
            )
        )

    reasons = {visit.id: visit.unassigned_reason for visit in visits}
    unassigned = []
    for visit in problem.visits:
        if visit.id in routed:
            continue
        reason = reasons.get(int(visit.id)) or routing.Reason.NO_TIME.value
        if reason not in {r.value for r in routing.Reason}:
            reason = routing.Reason.NO_TIME.value
        unassigned.append(routing.Unassigned(visit.id, routing.Reason(reason)))
    return routing.Solution(
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        status=run.solver_status or "",
        objective=0,
    )
