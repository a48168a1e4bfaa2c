"""Build the routing engine's input from Odoo records.

Every read is a batch (``search``, ``_read_group`` or prefetch over a whole
recordset), so the number of queries does not grow with the number of visits; it
grows with the number of working-hour calendars. Nothing here writes.

How visits become engine input (caregivers: see ``homehealth_planning_caregivers``):

- A visit may only go to the caregiver-days that overlap its window, or to the
  day of its planned start when it has no window.
- Pinned visits, and visits of the selected caregivers that are already checked
  in, done, or planned outside the run's scope, are in the problem as fixed
  visits (pinned caregiver and start) so that routes go around them. The run
  never writes them.
"""

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytz

from .homehealth_planning_caregivers import CaregiverDaysMixin
from .homehealth_planning_common import (
    CONTINUITY_DAYS,
    OCCUPYING_STATES,
    PLANNABLE_STATES,
    LeftOut,
    caregiver_day_key,
    format_local,
    get_setting,
    local_date,
    require_engine,
    to_utc_naive,
)

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanningScope:
    """The days, caregivers and visits that one planning run covers.

    ``date_from`` and ``date_to`` are local dates in ``tz`` (both included). Empty
    ``caregiver_ids`` means the caregivers of ``service_area_ids``, or every
    caregiver of the company when no area is given either. Empty ``visit_ids``
    means every visit of the period.
    """

    date_from: date
    date_to: date
    company_id: int
    tz: str = "UTC"
    caregiver_ids: tuple[int, ...] = ()
    service_area_ids: tuple[int, ...] = ()
    visit_ids: tuple[int, ...] = ()

    def bounds_utc(self):
        """Return the naive UTC start and end (excluded) of the period."""
        tz = pytz.timezone(self.tz)
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min)
        return to_utc_naive(start, tz), to_utc_naive(end, tz)

    def days(self):
        """Return the local dates of the period."""
        count = (self.date_to - self.date_from).days + 1
        return [self.date_from + timedelta(days=n) for n in range(count)]


@dataclass(frozen=True)
class PlanningOptions:
    """Time limit (s) and weights (minutes of travel) of one run."""

    time_limit: float = 10.0
    keep_assignments: bool = True
    #: Travel minutes that giving a visit to a caregiver the patient does not
    #: prefer is worth.
    continuity_weight: int = 10
    #: Travel minutes that moving a visit away from its current caregiver is worth.
    change_weight: int = 0


@dataclass
class PlanningInput:
    """The engine's input for one run, and the maps back to the records."""

    problem: object
    params: object
    #: Naive UTC instant of engine time 0.
    origin: datetime
    #: Engine visit id to visit id, for the visits that the run may write.
    plan_visits: dict = field(default_factory=dict)
    #: Engine visit id to visit id, for pinned and other fixed visits.
    fixed_visits: dict = field(default_factory=dict)
    #: Engine caregiver id to its employee and day.
    caregiver_days: dict = field(default_factory=dict)
    #: Visit id to its write_date when the input was built.
    write_dates: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)
    #: Engine visit id to the explanation when no caregiver-day overlaps its window.
    no_working_caregiver: dict = field(default_factory=dict)

    def to_seconds(self, moment):
        # Stored ends can carry microseconds (start plus a duration in hours).
        return round((moment - self.origin).total_seconds())

    def to_datetime(self, seconds):
        return self.origin + timedelta(seconds=seconds)


def select_caregivers(env, scope):
    """Return the caregivers (``hr.employee``) that a run may assign."""
    employees = env["hr.employee"].sudo()
    domain = [("is_caregiver", "=", True), ("company_id", "=", scope.company_id)]
    if scope.caregiver_ids:
        domain.append(("id", "in", list(scope.caregiver_ids)))
    elif scope.service_area_ids:
        domain.append(("service_area_ids", "in", list(scope.service_area_ids)))
    return employees.search(domain, order="id")


def _period_domain(start, end):
    """Match visits whose window starts, or (without window) whose planned start
    falls, in ``[start, end)``."""
    return [
        "|",
        "&",
        ("window_start", ">=", start),
        ("window_start", "<", end),
        "&",
        "&",
        ("window_start", "=", False),
        ("planned_start", ">=", start),
        ("planned_start", "<", end),
    ]


def select_scope_visits(env, scope):
    """Return the draft and planned visits of the period and areas."""
    start, end = scope.bounds_utc()
    domain = [
        ("company_id", "=", scope.company_id),
        ("state", "in", PLANNABLE_STATES),
    ] + _period_domain(start, end)
    if scope.service_area_ids:
        domain.append(("service_area_id", "in", list(scope.service_area_ids)))
    return env["homehealth.visit"].sudo().search(domain, order="id")


def split_scope_visits(visits, caregivers, scope):
    """Split scope visits into (visits to plan, pinned visits).

    Visits to plan are not pinned, are unassigned or assigned to one of
    ``caregivers``, and are among ``scope.visit_ids`` when it is given. Visits
    planned for another caregiver are in neither.
    """
    caregiver_ids = set(caregivers.ids)
    selected = set(scope.visit_ids)
    plan = visits.filtered(
        lambda v: (
            not v.pinned
            and (not v.caregiver_id or v.caregiver_id.id in caregiver_ids)
            and (not selected or v.id in selected)
        )
    )
    pinned = visits.filtered("pinned")
    return plan, pinned


def select_plan_visits(env, scope):
    """Return the visits that a run of ``scope`` may write."""
    caregivers = select_caregivers(env, scope)
    visits = select_scope_visits(env, scope)
    return split_scope_visits(visits, caregivers, scope)[0]


def build_planning_input(env, scope, options):
    """Read the records of ``scope`` and return the engine's :class:`PlanningInput`."""
    return _InputBuilder(env, scope, options).build()


class _InputBuilder(CaregiverDaysMixin):
    def __init__(self, env, scope, options):
        self.env = env(su=True)
        self.scope = scope
        self.options = options
        self.scope_tz = pytz.timezone(scope.tz)
        self.range_start, self.range_end = scope.bounds_utc()
        self.left_out = []
        self.max_overtime = int(get_setting(env, "max_overtime_minutes")) * 60

    # ------------------------------------------------------------------
    # Entry point

    def build(self):
        routing = require_engine()
        caregivers = select_caregivers(self.env, self.scope)
        scope_visits = select_scope_visits(self.env, self.scope)
        plan, pinned = split_scope_visits(scope_visits, caregivers, self.scope)
        pinned = self._complete_pins(pinned, caregivers)
        occupying = self._occupying_visits(caregivers, plan | pinned)
        fixed = pinned | occupying

        usable = self._usable_caregivers(caregivers)
        days = self._caregiver_days(usable)
        origin = self._origin(days, plan, fixed)

        problem_ids = set(plan.ids) | set(fixed.ids)
        weekly_caps = self._weekly_work_caps(usable, days, problem_ids)
        engine_caregivers = self._engine_caregivers(usable, days, weekly_caps, origin)
        known_days = {c.id for c in engine_caregivers}
        days = {key: day for key, day in days.items() if key in known_days}

        result = PlanningInput(
            problem=None,
            params=None,
            origin=origin,
            caregiver_days=days,
            left_out=self.left_out,
        )
        employee_days = defaultdict(list)
        for key, day in days.items():
            employee_days[day.employee_id].append(key)

        fixed_visits = self._fixed_visits(fixed, pinned, days, result)
        plan_visits = self._plan_visits(plan, days, employee_days, result)
        links = self._links(plan, result, plan_visits)
        visits = fixed_visits + [v for v in plan_visits if v.id in result.plan_visits]

        result.write_dates = {visit.id: visit.write_date for visit in plan}
        result.problem = routing.ProblemData(
            caregivers=tuple(engine_caregivers),
            visits=tuple(visits),
            links=tuple(links),
            origin=origin.isoformat() + "Z",
            name=f"{self.scope.date_from} to {self.scope.date_to}",
        )
        result.params = routing.SolveParams(
            time_limit=self.options.time_limit,
            preference_weight=int(self.options.continuity_weight) * 60,
            change_weight=int(self.options.change_weight) * 60,
            initial_assignment=self._initial_assignment(plan, days, result),
            first_solution=get_setting(self.env, "first_solution"),
            metaheuristic=get_setting(self.env, "metaheuristic"),
        )
        _logger.info(
            "Planning input for %s to %s: %d caregiver-days, %d visits to plan, "
            "%d fixed, %d links, %d left out",
            self.scope.date_from,
            self.scope.date_to,
            len(engine_caregivers),
            len(result.plan_visits),
            len(result.fixed_visits),
            len(links),
            len(self.left_out),
        )
        return result

    # ------------------------------------------------------------------
    # Visits that occupy the caregivers

    def _complete_pins(self, pinned, caregivers):
        """Keep pinned visits of the selected caregivers; list incomplete pins."""
        complete = pinned.browse()
        for visit in pinned:
            if not visit.caregiver_id or not visit.planned_start:
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Visit %(visit)s is pinned but has no caregiver or no "
                            "planned start: complete the pin or unpin the visit.",
                            visit=visit.name,
                        ),
                        visit_id=visit.id,
                    )
                )
            elif visit.caregiver_id in caregivers:
                complete |= visit
        return complete

    def _occupying_visits(self, caregivers, known):
        """Return the other visits of ``caregivers`` around the period, which the
        run keeps as they are."""
        if not caregivers:
            return self.env["homehealth.visit"]
        return self.env["homehealth.visit"].search(
            [
                ("caregiver_id", "in", caregivers.ids),
                ("planned_start", ">=", self.range_start - timedelta(days=1)),
                ("planned_start", "<", self.range_end + timedelta(days=1)),
                ("state", "in", OCCUPYING_STATES),
                ("id", "not in", known.ids),
            ],
            order="id",
        )

    # ------------------------------------------------------------------
    # Time origin

    def _origin(self, days, plan, fixed):
        """Return UTC midnight of the first day, earlier if any time precedes it."""
        origin = datetime.combine(self.scope.date_from, time.min)
        moments = [day.shift_start for day in days.values()]
        moments += [v.window_start for v in plan if v.window_start]
        moments += [v.planned_start for v in plan | fixed if v.planned_start]
        earliest = min(moments, default=origin)
        while earliest < origin:
            origin -= timedelta(days=1)
        return origin

    # ------------------------------------------------------------------
    # Visits

    def _patient_location(self, visit):
        """Return the engine location of the visit's patient, or None."""
        routing = require_engine()
        patient = visit.patient_id
        if not (patient.partner_latitude or patient.partner_longitude):
            self.left_out.append(
                LeftOut(
                    self.env._(
                        "Patient %(patient)s has no coordinates (visit %(visit)s): "
                        "geocode the address or set a pin.",
                        patient=patient.display_name,
                        visit=visit.name,
                    ),
                    visit_id=visit.id,
                )
            )
            return None
        try:
            return routing.Location(patient.partner_latitude, patient.partner_longitude)
        except routing.InvalidInput as error:
            self.left_out.append(
                LeftOut(
                    self.env._(
                        "Patient %(patient)s has invalid coordinates (visit "
                        "%(visit)s): %(error)s",
                        patient=patient.display_name,
                        visit=visit.name,
                        error=error,
                    ),
                    visit_id=visit.id,
                )
            )
            return None

    def _pinned_key(self, visit):
        """Return the engine caregiver id of a fixed visit's caregiver and day."""
        employee = visit.caregiver_id
        tz = pytz.timezone(employee._get_tz())
        return caregiver_day_key(employee.id, local_date(visit.planned_start, tz))

    def _fixed_visits(self, fixed, pinned, days, result):
        """Return the engine visits that keep their caregiver and start.

        Occupying visits on a day that is not in the problem are dropped: they
        cannot affect it. Pinned visits stay, so that the engine reports a pin to
        a caregiver who is not working.
        """
        routing = require_engine()
        visits = []
        for visit in fixed:
            key = self._pinned_key(visit)
            if key not in days and visit not in pinned:
                continue
            location = self._patient_location(visit)
            if location is None:
                continue
            end = visit.planned_end or visit.planned_start + timedelta(
                hours=visit.duration
            )
            visits.append(
                routing.Visit(
                    id=str(visit.id),
                    location=location,
                    duration=max(0, round((end - visit.planned_start).total_seconds())),
                    patient=str(visit.patient_id.id),
                    workload=max(0, visit.workload_points),
                    pinned_caregiver=key,
                    pinned_start=result.to_seconds(visit.planned_start),
                )
            )
            result.fixed_visits[str(visit.id)] = visit.id
        return visits

    def _recent_caregivers(self, patients):
        """Return {patient id: employee id} of who saw each patient most lately."""
        if not patients:
            return {}
        groups = self.env["homehealth.visit"]._read_group(
            [
                ("patient_id", "in", patients.ids),
                ("state", "=", "done"),
                ("caregiver_id", "!=", False),
                (
                    "planned_start",
                    ">=",
                    self.range_start - timedelta(days=CONTINUITY_DAYS),
                ),
                ("planned_start", "<", self.range_start),
            ],
            groupby=["patient_id", "caregiver_id"],
            aggregates=["__count"],
        )
        best = {}
        for patient, caregiver, count in groups:
            current = best.get(patient.id)
            if current is None or (count, -caregiver.id) > current[0]:
                best[patient.id] = ((count, -caregiver.id), caregiver.id)
        return {patient_id: value[1] for patient_id, value in best.items()}

    def _window(self, visit):
        """Return the visit's window as (start, end) in naive UTC.

        Returns False for a visit without a window, and None when the window is
        invalid (the visit is then left out, with the reason).
        """
        if visit.window_start and visit.window_end:
            if visit.window_end < visit.window_start:
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Visit %(visit)s has a window that ends before it "
                            "starts: correct the window.",
                            visit=visit.name,
                        ),
                        visit_id=visit.id,
                    )
                )
                return None
            return visit.window_start, visit.window_end
        if visit.window_start or visit.window_end:
            self.left_out.append(
                LeftOut(
                    self.env._(
                        "Visit %(visit)s has only one end of its time window: set "
                        "both the window start and the window end, or neither.",
                        visit=visit.name,
                    ),
                    visit_id=visit.id,
                )
            )
            return None
        return False

    def _allowed_days(self, visit, window, days):
        """Return the engine caregiver ids whose day can hold the visit."""
        if window:
            start, end = window
            return {
                key
                for key, day in days.items()
                if day.shift_start <= end
                and start < day.shift_end + timedelta(seconds=self.max_overtime)
            }
        day = local_date(visit.planned_start, self.scope_tz)
        return {key for key, value in days.items() if value.day == day}

    def _plan_visits(self, plan, days, employee_days, result):
        routing = require_engine()
        recent = self._recent_caregivers(plan.patient_id)
        language_required = "language_required" in self.env["res.partner"]._fields
        visits = []
        for visit in plan:
            location = self._patient_location(visit)
            if location is None:
                continue
            window = self._window(visit)
            if window is None:
                continue
            patient = visit.patient_id
            allowed = self._allowed_days(visit, window, days)
            if not allowed:
                result.no_working_caregiver[str(visit.id)] = self._no_caregiver_detail(
                    visit, window
                )
            excluded = {
                key
                for employee in patient.excluded_caregiver_ids
                for key in employee_days.get(employee.id, ())
            }
            preferred_ids = set(patient.preferred_caregiver_ids.ids)
            if recent.get(patient.id):
                preferred_ids.add(recent[patient.id])
            preferred = {
                key
                for employee_id in preferred_ids
                for key in employee_days.get(employee_id, ())
            } - excluded
            language = None
            if (
                language_required
                and patient.language_required
                and patient.preferred_language_id
            ):
                language = patient.preferred_language_id.code
            windows = ()
            if window:
                windows = (
                    routing.TimeWindow(
                        result.to_seconds(window[0]), result.to_seconds(window[1])
                    ),
                )
            skills = {visit.discipline}
            skills.update(visit.required_certification_type_ids.mapped("code"))
            try:
                visits.append(
                    routing.Visit(
                        id=str(visit.id),
                        location=location,
                        duration=round(visit.duration * 3600),
                        patient=str(patient.id),
                        windows=windows,
                        required_skills=frozenset(s for s in skills if s),
                        language=language,
                        allowed_caregivers=frozenset(allowed),
                        excluded_caregivers=frozenset(excluded),
                        preferred_caregivers=frozenset(preferred),
                        workload=visit.workload_points,
                    )
                )
            except routing.InvalidInput as error:
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Visit %(visit)s: %(error)s", visit=visit.name, error=error
                        ),
                        visit_id=visit.id,
                    )
                )
                continue
            result.plan_visits[str(visit.id)] = visit.id
        return visits

    def _no_caregiver_detail(self, visit, window):
        if window:
            return self.env._(
                "No selected caregiver works between %(start)s and %(end)s.",
                start=format_local(window[0], self.scope_tz),
                end=format_local(window[1], self.scope_tz),
            )
        return self.env._(
            "No selected caregiver works on %(day)s.",
            day=local_date(visit.planned_start, self.scope_tz),
        )

    # ------------------------------------------------------------------
    # Links and the starting point

    def _links(self, plan, result, plan_visits):
        """Return the engine links of the plan's linked visits.

        A visit linked to a visit outside the problem cannot be planned against
        it. When the other visit has a planned start, the link becomes a window.
        Otherwise the visit is left out, and so are the visits linked to it.
        """
        routing = require_engine()
        by_id = {v.id: v for v in plan_visits}
        linked_visits = plan.filtered("linked_visit_id")
        windowed = set()
        changed = True
        while changed:
            changed = False
            in_problem = set(result.plan_visits) | set(result.fixed_visits)
            for visit in linked_visits:
                key = str(visit.id)
                if key not in result.plan_visits or key in windowed:
                    continue
                if str(visit.linked_visit_id.id) in in_problem:
                    continue
                narrowed = self._window_from_link(
                    visit, visit.linked_visit_id, by_id[key], result
                )
                if narrowed is None:
                    del result.plan_visits[key]
                    changed = True
                else:
                    by_id[key] = narrowed
                    windowed.add(key)
        plan_visits[:] = [by_id[v.id] for v in plan_visits]

        in_problem = set(result.plan_visits) | set(result.fixed_visits)
        links = []
        seen_pairs = set()
        for visit in linked_visits:
            key = str(visit.id)
            linked_key = str(visit.linked_visit_id.id)
            if key not in result.plan_visits or linked_key not in in_problem:
                continue
            if visit.link_type == "same_time":
                pair = frozenset((key, linked_key))
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    links.append(
                        routing.Link(
                            kind=routing.LinkKind.SAME_START,
                            first=linked_key,
                            second=key,
                            together=True,
                        )
                    )
            else:
                links.append(
                    routing.Link(
                        kind=routing.LinkKind.SEQUENCE,
                        first=linked_key,
                        second=key,
                        min_gap=visit.link_min_gap * 60,
                        max_gap=visit.link_max_gap * 60 or None,
                    )
                )
        return links

    def _window_from_link(self, visit, linked, engine_visit, result):
        """Return ``engine_visit`` with its window narrowed to fit the linked visit
        that is outside the problem, or None when it cannot be planned."""
        routing = require_engine()
        if linked.state not in OCCUPYING_STATES or not linked.planned_start:
            self.left_out.append(
                LeftOut(
                    self.env._(
                        "Visit %(visit)s is linked to visit %(linked)s, which is not "
                        "part of this plan and has no planned time: plan both visits "
                        "in the same run.",
                        visit=visit.name,
                        linked=linked.name,
                    ),
                    visit_id=visit.id,
                )
            )
            return None
        anchor = result.to_seconds(linked.planned_start)
        if visit.link_type == "same_time":
            low, high = anchor, anchor
        elif visit.link_max_gap:
            low = anchor + visit.link_min_gap * 60
            high = anchor + visit.link_max_gap * 60
        else:
            # No maximum gap: the visit's own window, or its day, bounds the start.
            low, high = anchor + visit.link_min_gap * 60, anchor + 24 * 3600
        windows = engine_visit.windows or (routing.TimeWindow(low, high),)
        narrowed = [
            routing.TimeWindow(max(w.start, low), min(w.end, high))
            for w in windows
            if max(w.start, low) <= min(w.end, high)
        ]
        if not narrowed:
            self.left_out.append(
                LeftOut(
                    self.env._(
                        "Visit %(visit)s must start relative to visit %(linked)s "
                        "(planned at %(time)s), which falls outside its window: move "
                        "one of the two visits.",
                        visit=visit.name,
                        linked=linked.name,
                        time=format_local(linked.planned_start, self.scope_tz),
                    ),
                    visit_id=visit.id,
                )
            )
            return None
        return dataclasses.replace(engine_visit, windows=tuple(narrowed))

    def _initial_assignment(self, plan, days, result):
        """Return {engine visit id: engine caregiver id} of current assignments."""
        if not self.options.keep_assignments:
            return {}
        visits_by_id = {v.id: v for v in result.problem.visits}
        assignment = {}
        for visit in plan:
            key = str(visit.id)
            moment = visit.planned_start or visit.window_start
            if key not in result.plan_visits or not visit.caregiver_id or not moment:
                continue
            employee = visit.caregiver_id
            day_key = caregiver_day_key(
                employee.id, local_date(moment, pytz.timezone(employee._get_tz()))
            )
            engine_visit = visits_by_id[key]
            if day_key not in days or day_key in engine_visit.excluded_caregivers:
                continue
            allowed = engine_visit.allowed_caregivers
            if allowed is not None and day_key not in allowed:
                continue
            assignment[key] = day_key
        return assignment
