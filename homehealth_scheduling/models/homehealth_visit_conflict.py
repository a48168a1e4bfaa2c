"""Conflict checks on visits: each rule a scheduler can break when assigning.

Every visit stores the codes of the rules it breaks and one sentence per
problem. A setting per rule decides whether the conflict only shows (the
default) or blocks saving the visit that introduces it.
"""

import bisect
import math
from collections import defaultdict
from datetime import datetime, timedelta

import pytz
from geopy.distance import geodesic

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

try:
    from homehealth_routing.travel import geodesic_matrix
except ImportError:  # the engine is optional for conflict checks
    geodesic_matrix = None

# Rule codes in the order in which messages are listed, with their labels.
CONFLICT_RULES = [
    ("overlap", "Overlapping visits"),
    ("outside_hours", "Outside working hours"),
    ("time_off", "During time off"),
    ("discipline", "Discipline"),
    ("certification", "Certification"),
    ("excluded", "Excluded caregiver"),
    ("language", "Language"),
    ("coordinates", "Patient coordinates"),
    ("day_visits", "Visits per day"),
    ("day_workload", "Workload per day"),
    ("week_hours", "Hours per week"),
]
RULE_ORDER = {code: index for index, (code, _label) in enumerate(CONFLICT_RULES)}
MODE_PARAM = "homehealth_scheduling.conflict_mode_{rule}"
CONFLICT_MODE_SELECTION = [
    ("warn", "Warn"),
    ("block", "Block saving"),
]
CONFLICT_FIELDS = ("has_conflict", "conflict_codes", "conflict_message")
# Cancelled and missed visits take no time of the caregiver.
INACTIVE_STATES = ("cancelled", "missed")
# Visit fields whose change can change the conflicts of the caregiver's other
# visits of the same week.
SCHEDULE_FIELDS = {
    "caregiver_id",
    "planned_start",
    "planned_end",
    "duration",
    "state",
    "patient_id",
    "workload_points",
}
# Road distance over straight-line distance, as the routing engine assumes.
DETOUR_FACTOR = 1.3
DEFAULT_SPEED_KMH = 30.0
# Visits further apart than this are never compared for travel time.
NEIGHBOUR_SPAN = timedelta(days=1)
# Uncovered parts of a visit shorter than this are rounding, not a conflict.
MIN_GAP = timedelta(seconds=1)


def straight_metres(origin, destination):
    """Return the ellipsoidal distance in metres between two (lat, lon) points.

    The routing engine's formula is used when the engine is installed, so that
    a route it planned back to back never shows a one-second overlap here.
    Otherwise geopy's geodesic, which differs by less than a metre in a city.
    """
    if geodesic_matrix is None:
        return geodesic(origin, destination).meters
    matrix = geodesic_matrix(
        [origin[0]], [origin[1]], [destination[0]], [destination[1]]
    )
    return float(matrix[0, 0])


def travel_seconds(origin, destination, speed_kmh):
    """Return the travel time in whole seconds between two (lat, lon) points.

    The road distance is the straight-line distance times ``DETOUR_FACTOR``,
    driven at ``speed_kmh``, rounded up as the routing engine rounds: a hop
    between two distinct points takes at least one second.
    """
    if origin == destination:
        return 0
    metres = straight_metres(origin, destination) * DETOUR_FACTOR
    seconds = metres * 3.6 / (speed_kmh or DEFAULT_SPEED_KMH)
    return max(math.ceil(seconds - 1e-6), 1)


def subtract_intervals(start, end, intervals):
    """Return the parts of ``[start, end)`` that none of ``intervals`` covers.

    ``intervals`` are sorted, non-overlapping ``(start, end)`` pairs.
    """
    uncovered = []
    cursor = start
    index = bisect.bisect_left(intervals, (start,)) - 1
    for interval_start, interval_end in intervals[max(index, 0) :]:
        if interval_start >= end:
            break
        if interval_end <= cursor:
            continue
        if interval_start > cursor:
            uncovered.append((cursor, min(interval_start, end)))
        cursor = max(cursor, interval_end)
        if cursor >= end:
            break
    if cursor < end:
        uncovered.append((cursor, end))
    return uncovered


def merge_intervals(intervals):
    """Return the union of ``(start, end)`` intervals as a sorted disjoint list."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlap_seconds(pieces, start, end):
    """Return the seconds of ``pieces`` (list of intervals) inside ``[start, end)``."""
    total = 0.0
    for piece_start, piece_end in pieces:
        low = max(piece_start, start)
        high = min(piece_end, end)
        if high > low:
            total += (high - low).total_seconds()
    return total


def minutes(seconds):
    """Return whole minutes, rounded up, for messages."""
    return math.ceil(seconds / 60 - 1e-9)


class HomehealthVisit(models.Model):
    _inherit = "homehealth.visit"

    has_conflict = fields.Boolean(
        string="Conflict",
        compute="_compute_conflicts",
        store=True,
        index=True,
        help="The visit breaks a scheduling rule: see the conflict message.",
    )
    conflict_codes = fields.Char(
        compute="_compute_conflicts",
        store=True,
        help="Codes of the broken rules, separated by commas: "
        + ", ".join(code for code, _label in CONFLICT_RULES)
        + ".",
    )
    conflict_message = fields.Text(
        string="Conflicts",
        compute="_compute_conflicts",
        store=True,
    )

    @api.depends(
        "state",
        "caregiver_id",
        "planned_start",
        "planned_end",
        "window_start",
        "patient_id",
        "discipline",
        "required_certification_type_ids",
        "workload_points",
        "patient_id.partner_latitude",
        "patient_id.partner_longitude",
        "patient_id.needs_geocode_review",
        "patient_id.excluded_caregiver_ids",
        "patient_id.preferred_language_id",
        "patient_id.language_required",
        "caregiver_id.discipline",
        "caregiver_id.language_ids",
        "caregiver_id.certification_ids.type_id",
        "caregiver_id.certification_ids.issue_date",
        "caregiver_id.certification_ids.expiry_date",
        "caregiver_id.max_visits_per_day",
        "caregiver_id.max_workload_per_day",
        "caregiver_id.max_hours_per_week",
        "caregiver_id.travel_speed_kmh",
        "caregiver_id.resource_calendar_id",
        "caregiver_id.tz",
    )
    def _compute_conflicts(self):
        conflicts = self._homehealth_find_conflicts()
        for visit in self:
            found = sorted(
                conflicts.get(visit, []), key=lambda item: RULE_ORDER[item[0]]
            )
            codes = []
            for code, _message in found:
                if code not in codes:
                    codes.append(code)
            visit.has_conflict = bool(found)
            visit.conflict_codes = ",".join(codes) or False
            visit.conflict_message = (
                "\n".join(message for _code, message in found) or False
            )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _homehealth_find_conflicts(self):
        """Return ``{visit: [(code, message), ...]}`` for the visits in ``self``.

        Cancelled and missed visits have no conflicts. Rules about times need a
        caregiver and a planned start; rules about qualifications need a
        caregiver.
        """
        conflicts = defaultdict(list)
        active = self.filtered(lambda visit: visit.state not in INACTIVE_STATES)
        for visit in active:
            conflicts[visit] += visit._homehealth_patient_conflicts()
            if visit.caregiver_id:
                conflicts[visit] += visit._homehealth_qualification_conflicts()
        timed = active.filtered(
            lambda visit: (
                visit.caregiver_id and visit.planned_start and visit.planned_end
            )
        )
        by_caregiver = defaultdict(list)
        for visit in timed:
            by_caregiver[visit.caregiver_id].append(visit)
        groups = {
            caregiver: self.browse().union(*visit_list)
            for caregiver, visit_list in by_caregiver.items()
        }
        schedule_data = self._homehealth_schedule_data(groups)
        for caregiver, visits in groups.items():
            for visit, found in visits._homehealth_schedule_conflicts(
                caregiver, schedule_data[caregiver.id]
            ).items():
                conflicts[visit] += found
        return conflicts

    def _homehealth_patient_conflicts(self):
        self.ensure_one()
        patient = self.patient_id
        if not patient:
            return []
        located = bool(patient.partner_latitude or patient.partner_longitude)
        if located and not patient.needs_geocode_review:
            return []
        return [
            (
                "coordinates",
                self.env._(
                    "Patient %(patient)s has no usable coordinates, so travel to "
                    "the visit is unknown. Geocode the address or set a pin.",
                    patient=patient.display_name,
                ),
            )
        ]

    def _homehealth_visit_date(self, tz_name):
        """Return the local date of the visit (planned start, else window start)."""
        self.ensure_one()
        moment = self.planned_start or self.window_start
        if not moment:
            return None
        return pytz.utc.localize(moment).astimezone(pytz.timezone(tz_name)).date()

    def _homehealth_qualification_conflicts(self):
        """Return the discipline, certification and patient preference conflicts."""
        self.ensure_one()
        caregiver = self.caregiver_id
        patient = self.patient_id
        found = []
        disciplines = dict(self._fields["discipline"]._description_selection(self.env))
        if self.discipline and caregiver.discipline != self.discipline:
            found.append(
                (
                    "discipline",
                    self.env._(
                        "The visit needs a %(needed)s, but %(caregiver)s is a "
                        "%(discipline)s.",
                        needed=disciplines.get(self.discipline),
                        caregiver=caregiver.name,
                        discipline=disciplines.get(
                            caregiver.discipline, self.env._("caregiver")
                        ),
                    ),
                )
            )

        day = self._homehealth_visit_date(caregiver._get_tz())
        if day:
            found += self._homehealth_certification_conflicts(caregiver, day)

        if caregiver in patient.excluded_caregiver_ids:
            found.append(
                (
                    "excluded",
                    self.env._(
                        "Patient %(patient)s has excluded %(caregiver)s.",
                        patient=patient.display_name,
                        caregiver=caregiver.name,
                    ),
                )
            )
        language = patient.preferred_language_id
        if (
            patient.language_required
            and language
            and language not in caregiver.language_ids
        ):
            found.append(
                (
                    "language",
                    self.env._(
                        "Patient %(patient)s requires %(language)s, which "
                        "%(caregiver)s does not speak.",
                        patient=patient.display_name,
                        language=language.name,
                        caregiver=caregiver.name,
                    ),
                )
            )
        return found

    def _homehealth_needed_certification_types(self, caregiver):
        """Return the certification types the visit needs from ``caregiver``.

        These are the required types plus the caregiver's licence for the
        visit's discipline. A licence type belongs to a discipline when its code
        starts with the discipline code and an underscore, as in "rn_licence".
        """
        self.ensure_one()
        needed = self.required_certification_type_ids
        if self.discipline and caregiver.discipline == self.discipline:
            prefix = f"{self.discipline}_"
            needed |= caregiver.certification_ids.type_id.filtered(
                lambda cert_type: (
                    cert_type.category == "licence"
                    and (cert_type.code or "").startswith(prefix)
                )
            )
        return needed

    def _homehealth_certification_conflicts(self, caregiver, day):
        self.ensure_one()
        skills = caregiver._homehealth_skills_on(day)
        found = []
        for cert_type in self._homehealth_needed_certification_types(caregiver):
            if cert_type.code in skills:
                continue
            of_type = caregiver.certification_ids.filtered(
                lambda certification, cert_type=cert_type: (
                    certification.type_id == cert_type
                )
            )
            expired = of_type.filtered(
                lambda certification: (
                    certification.expiry_date and certification.expiry_date < day
                )
            )
            not_yet = of_type.filtered(
                lambda certification: (
                    certification.issue_date and certification.issue_date > day
                )
            )
            if expired:
                message = self.env._(
                    "The %(type)s certification of %(caregiver)s expired on "
                    "%(expiry)s, before the visit on %(day)s.",
                    type=cert_type.name,
                    caregiver=caregiver.name,
                    expiry=max(expired.mapped("expiry_date")),
                    day=day,
                )
            elif not_yet:
                message = self.env._(
                    "The %(type)s certification of %(caregiver)s starts on "
                    "%(issue)s, after the visit on %(day)s.",
                    type=cert_type.name,
                    caregiver=caregiver.name,
                    issue=min(not_yet.mapped("issue_date")),
                    day=day,
                )
            else:
                message = self.env._(
                    "The visit needs the %(type)s certification, which "
                    "%(caregiver)s does not have.",
                    type=cert_type.name,
                    caregiver=caregiver.name,
                )
            found.append(("certification", message))
        return found

    def _homehealth_schedule_conflicts(self, caregiver, schedule_data=None):
        """Return the time conflicts of visits of one caregiver.

        ``self`` contains visits of ``caregiver`` with planned start and end. They
        are compared with each other and with the caregiver's other active
        visits in the same local weeks. ``schedule_data`` is the caregiver's
        entry of ``_homehealth_schedule_data``, read here when not given.
        """
        if schedule_data is None:
            schedule_data = self._homehealth_schedule_data({caregiver: self})[
                caregiver.id
            ]
        tz = schedule_data["tz"]
        schedule = sorted(
            list(self) + schedule_data["others"],
            key=lambda visit: (visit.planned_start, visit.planned_end, visit.id or 0),
        )
        found = defaultdict(list)
        self._homehealth_overlap_conflicts(caregiver, schedule, tz, found)
        self._homehealth_availability_conflicts(caregiver, tz, found, schedule_data)
        self._homehealth_limit_conflicts(caregiver, schedule, tz, found)
        return found

    def _homehealth_schedule_data(self, groups):
        """Read what the time rules need for several caregivers at once.

        ``groups`` maps each caregiver to its visits (in ``self``) that have a
        planned start and end. The reads take a number of queries that does
        not depend on the number of caregivers: one search of the other
        visits, one search of time off and one computation of working hours
        per distinct (working hours, time zone, company).

        :return: ``{caregiver id: dict}``. Its key ``tz`` is the caregiver's
            time zone. ``others`` lists the caregiver's other active visits in
            the local weeks of its visits, one day either side. ``intervals``
            are the working intervals from the first start to the last end of
            its visits, or ``None`` without working hours. ``leaves`` are the
            ``(start, end, name)`` of the time off in that range.
        """
        data = {}
        ranges = defaultdict(list)
        for caregiver, visits in groups.items():
            tz = pytz.timezone(caregiver._get_tz())
            start = min(visits.mapped("planned_start"))
            end = max(visits.mapped("planned_end"))
            first_week, last_week = self._homehealth_week_bounds(start, end, tz)
            span = (first_week - NEIGHBOUR_SPAN, last_week + NEIGHBOUR_SPAN)
            ranges[span].append(caregiver.id)
            data[caregiver.id] = {
                "tz": tz,
                "start": start,
                "end": end,
                "stored_ids": {visit._origin.id for visit in visits if visit._origin},
                "others": [],
                "intervals": None,
                "leaves": [],
            }
        if data:
            self._homehealth_read_other_visits(data, ranges)
            self._homehealth_read_availability(data)
        return data

    def _homehealth_read_other_visits(self, data, ranges):
        """Fill ``others`` of ``data`` with one search over all caregivers.

        ``ranges`` maps each ``(start, end)`` range of local weeks to the ids
        of the caregivers whose visits fall in it.
        """
        domain = expression.OR(
            [
                [
                    ("caregiver_id", "in", caregiver_ids),
                    ("planned_start", "<", range_end),
                    ("planned_end", ">", range_start),
                ]
                for (range_start, range_end), caregiver_ids in ranges.items()
            ]
        )
        others = (
            self.env["homehealth.visit"]
            .sudo()
            .search(expression.AND([[("state", "not in", INACTIVE_STATES)], domain]))
        )
        for other in others:
            entry = data[other.caregiver_id.id]
            if other.id not in entry["stored_ids"]:
                entry["others"].append(other)

    def _homehealth_read_availability(self, data):
        """Fill ``intervals`` and ``leaves`` of ``data`` for all caregivers.

        Working hours take one calendar computation per distinct (working
        hours, time zone, company) and time off one search in all.

        NOTE: both cover the range from the earliest visit start to the latest
        visit end of all the caregivers, so a batch whose caregivers work in
        distant weeks also computes the hours of the weeks in between.
        """
        employees = self.env["hr.employee"].sudo().browse(list(data))
        start = min(entry["start"] for entry in data.values())
        end = max(entry["end"] for entry in data.values())
        intervals = employees._homehealth_work_intervals_batch(start, end)
        calendars = {}
        for employee in employees:
            entry = data[employee.id]
            if intervals[employee.id] is None:
                continue
            entry["intervals"] = [
                (max(low, entry["start"]), min(high, entry["end"]))
                for low, high in intervals[employee.id]
                if low < entry["end"] and high > entry["start"]
            ]
            calendars[employee.id] = (
                employee.resource_calendar_id
                or employee.company_id.resource_calendar_id
            )
        if not calendars:
            return

        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("time_type", "=", "leave"),
                    ("date_from", "<", end),
                    ("date_to", ">", start),
                    ("resource_id", "in", [False, *employees.resource_id.ids]),
                    (
                        "calendar_id",
                        "in",
                        [False, *{calendar.id for calendar in calendars.values()}],
                    ),
                    ("company_id", "in", [False, *employees.company_id.ids]),
                ],
                order="date_from, id",
            )
        )
        for employee in employees:
            if employee.id not in calendars:
                continue
            entry = data[employee.id]
            entry["leaves"] = [
                (leave.date_from, leave.date_to, leave.name or self.env._("time off"))
                for leave in leaves
                if leave.date_from < entry["end"]
                and leave.date_to > entry["start"]
                and leave.resource_id.id in (False, employee.resource_id.id)
                and leave.calendar_id.id in (False, calendars[employee.id].id)
                and leave.company_id.id in (False, employee.company_id.id)
            ]

    @staticmethod
    def _homehealth_week_bounds(start, end, tz):
        """Return naive UTC bounds of the local weeks (Monday 00:00) around a range."""
        local_start = pytz.utc.localize(start).astimezone(tz).date()
        local_end = pytz.utc.localize(end).astimezone(tz).date()
        monday = local_start - timedelta(days=local_start.weekday())
        next_monday = local_end + timedelta(days=7 - local_end.weekday())
        bounds = []
        for day in (monday, next_monday):
            local = tz.localize(datetime.combine(day, datetime.min.time()))
            bounds.append(local.astimezone(pytz.utc).replace(tzinfo=None))
        return bounds[0], bounds[1]

    def _homehealth_overlap_conflicts(self, caregiver, schedule, tz, found):
        """Flag visits of ``self`` that overlap another visit, travel included.

        Intervals are half-open: a visit ending at 10:00 and one starting at
        10:00 at the same address do not overlap. Between different addresses
        the gap must fit the travel time.
        """
        speed = caregiver.travel_speed_kmh or DEFAULT_SPEED_KMH
        starts = [visit.planned_start for visit in schedule]
        for visit in self:
            low = bisect.bisect_left(starts, visit.planned_start - NEIGHBOUR_SPAN)
            high = bisect.bisect_right(starts, visit.planned_end + NEIGHBOUR_SPAN)
            for other in schedule[low:high]:
                if other == visit or (visit._origin and other == visit._origin):
                    continue
                if (other.planned_start, other.id or 0) < (
                    visit.planned_start,
                    visit.id or 0,
                ):
                    first, second = other, visit
                else:
                    first, second = visit, other
                gap = (second.planned_start - first.planned_end).total_seconds()
                origin = first._homehealth_patient_point()
                destination = second._homehealth_patient_point()
                needed = 0
                if origin and destination:
                    needed = travel_seconds(origin, destination, speed)
                if gap >= needed:
                    continue
                found[visit].append(
                    (
                        "overlap",
                        visit._homehealth_overlap_message(other, gap, needed, tz),
                    )
                )

    def _homehealth_overlap_message(self, other, gap, needed, tz):
        self.ensure_one()
        when = self.env._(
            "%(start)s-%(end)s",
            start=_format_local(other.planned_start, tz, "%Y-%m-%d %H:%M"),
            end=_format_local(other.planned_end, tz, "%H:%M"),
        )
        if gap < 0:
            return self.env._(
                "Overlaps visit %(visit)s of %(patient)s (%(when)s).",
                visit=other.name,
                patient=other.patient_id.display_name,
                when=when,
            )
        return self.env._(
            "Too close to visit %(visit)s of %(patient)s (%(when)s): travel "
            "between them takes %(needed)s min, but only %(gap)s min separate them.",
            visit=other.name,
            patient=other.patient_id.display_name,
            when=when,
            needed=minutes(needed),
            gap=int(gap // 60),
        )

    def _homehealth_patient_point(self):
        """Return the patient's (lat, lon), or None when it has no coordinates."""
        self.ensure_one()
        patient = self.patient_id
        if not (patient.partner_latitude or patient.partner_longitude):
            return None
        return (patient.partner_latitude, patient.partner_longitude)

    def _homehealth_availability_conflicts(self, caregiver, tz, found, schedule_data):
        """Flag visits of ``self`` outside working hours or during time off.

        ``schedule_data`` is the caregiver's entry of
        ``_homehealth_schedule_data``, read for the visits of ``self``.
        """
        intervals = schedule_data["intervals"]
        if intervals is None:
            for visit in self:
                found[visit].append(
                    (
                        "outside_hours",
                        self.env._(
                            "%(caregiver)s has no working hours. Set Working Hours "
                            "on the employee or on the company.",
                            caregiver=caregiver.name,
                        ),
                    )
                )
            return
        leaves = schedule_data["leaves"]
        leave_intervals = merge_intervals(
            (leave_start, leave_end) for leave_start, leave_end, _name in leaves
        )
        for visit in self:
            uncovered = subtract_intervals(
                visit.planned_start, visit.planned_end, intervals
            )
            outside = []
            for piece_start, piece_end in uncovered:
                outside += subtract_intervals(piece_start, piece_end, leave_intervals)
            # Odoo ends a 24:00 attendance at 23:59:59.999999, so a shift that
            # runs past midnight leaves sub-second gaps: they are no conflict.
            outside = [piece for piece in outside if piece[1] - piece[0] >= MIN_GAP]
            off_seconds = 0.0
            off_names = []
            for leave_start, leave_end, name in leaves:
                if overlap_seconds(uncovered, leave_start, leave_end) > 0:
                    off_names.append(name)
            for leave_start, leave_end in leave_intervals:
                off_seconds += overlap_seconds(uncovered, leave_start, leave_end)
            if off_seconds >= MIN_GAP.total_seconds():
                found[visit].append(
                    (
                        "time_off",
                        self.env._(
                            "%(minutes)s min of the visit fall in time off of "
                            "%(caregiver)s (%(leaves)s).",
                            minutes=minutes(off_seconds),
                            caregiver=caregiver.name,
                            leaves=", ".join(dict.fromkeys(off_names)),
                        ),
                    )
                )
            if outside:
                outside_seconds = sum(
                    (piece_end - piece_start).total_seconds()
                    for piece_start, piece_end in outside
                )
                pieces = ", ".join(
                    f"{_format_local(piece_start, tz, '%H:%M')}-"
                    f"{_format_local(piece_end, tz, '%H:%M')}"
                    for piece_start, piece_end in outside
                )
                found[visit].append(
                    (
                        "outside_hours",
                        self.env._(
                            "%(minutes)s min of the visit fall outside the working "
                            "hours of %(caregiver)s (%(pieces)s).",
                            minutes=minutes(outside_seconds),
                            caregiver=caregiver.name,
                            pieces=pieces,
                        ),
                    )
                )

    def _homehealth_limit_conflicts(self, caregiver, schedule, tz, found):
        """Flag visits of ``self`` on a day or in a week over the caregiver's limits.

        Each visit belongs to the local day and week (Monday to Sunday) of its
        start. Weekly hours count, for each day, the time from the first visit's
        start to the last visit's end: visit time, travel and waiting between
        the day's visits.
        """
        days = defaultdict(list)
        for visit in schedule:
            days[_local_date(visit.planned_start, tz)].append(visit)
        weeks = defaultdict(float)
        for day, visits in days.items():
            span = max(visit.planned_end for visit in visits) - min(
                visit.planned_start for visit in visits
            )
            weeks[day - timedelta(days=day.weekday())] += span.total_seconds() / 3600

        for visit in self:
            day = _local_date(visit.planned_start, tz)
            day_visits = days[day]
            limit = caregiver.max_visits_per_day
            if limit and len(day_visits) > limit:
                found[visit].append(
                    (
                        "day_visits",
                        self.env._(
                            "%(caregiver)s has %(count)s visits on %(day)s, over the "
                            "limit of %(limit)s.",
                            caregiver=caregiver.name,
                            count=len(day_visits),
                            day=day,
                            limit=limit,
                        ),
                    )
                )
            limit = caregiver.max_workload_per_day
            workload = sum(other.workload_points for other in day_visits)
            if limit and workload > limit:
                found[visit].append(
                    (
                        "day_workload",
                        self.env._(
                            "%(caregiver)s has %(points)s workload points on "
                            "%(day)s, over the limit of %(limit)s.",
                            caregiver=caregiver.name,
                            points=workload,
                            day=day,
                            limit=limit,
                        ),
                    )
                )
            monday = day - timedelta(days=day.weekday())
            limit = caregiver.max_hours_per_week
            hours = weeks[monday]
            if limit and hours > limit + 1e-9:
                found[visit].append(
                    (
                        "week_hours",
                        self.env._(
                            "%(caregiver)s works %(hours).1f h in the week of "
                            "%(monday)s (visits, travel and waiting between them), "
                            "over the limit of %(limit)s h.",
                            caregiver=caregiver.name,
                            hours=hours,
                            monday=monday,
                            limit=limit,
                        ),
                    )
                )

    # ------------------------------------------------------------------
    # Recomputation of neighbours and blocking
    # ------------------------------------------------------------------

    def _homehealth_neighbour_domains(self):
        """Return domains matching the caregiver visits in the weeks of ``self``."""
        domains = []
        for visit in self:
            if not (visit.caregiver_id and visit.planned_start and visit.planned_end):
                continue
            tz = pytz.timezone(visit.caregiver_id._get_tz())
            week_start, week_end = self._homehealth_week_bounds(
                visit.planned_start, visit.planned_end, tz
            )
            domains.append(
                [
                    ("caregiver_id", "=", visit.caregiver_id.id),
                    ("planned_start", "<", week_end + NEIGHBOUR_SPAN),
                    ("planned_end", ">", week_start - NEIGHBOUR_SPAN),
                ]
            )
        return domains

    @api.model
    def _homehealth_recompute_neighbours(self, domains, exclude=None):
        """Mark the visits matching any of ``domains`` for conflict recomputation."""
        if not domains:
            return
        neighbours = self.sudo().search(expression.OR(domains))
        if exclude:
            neighbours -= exclude
        neighbours = neighbours.exists()
        for name in CONFLICT_FIELDS:
            self.env.add_to_compute(self._fields[name], neighbours)

    def _homehealth_recompute_conflicts(self):
        """Recompute the stored conflicts of the visits in ``self`` now."""
        visits = self.sudo().exists()
        for name in CONFLICT_FIELDS:
            self.env.add_to_compute(self._fields[name], visits)
        visits.flush_recordset(list(CONFLICT_FIELDS))

    @api.model
    def _homehealth_blocking_rules(self):
        """Return the rule codes set to block saving."""
        params = self.env["ir.config_parameter"].sudo()
        return {
            code
            for code, _label in CONFLICT_RULES
            if params.get_param(MODE_PARAM.format(rule=code)) == "block"
        }

    def _homehealth_check_blocking(self, codes_before):
        """Raise when a visit got a conflict whose rule blocks saving.

        Conflicts that the visit already had before the change do not block, so
        that a visit with an old conflict can still be edited.
        """
        blocking = self._homehealth_blocking_rules()
        if not blocking:
            return
        for visit in self:
            codes = set((visit.conflict_codes or "").split(",")) - {""}
            new_codes = (codes - codes_before.get(visit.id, set())) & blocking
            if not new_codes:
                continue
            messages = [
                message
                for code, message in visit._homehealth_find_conflicts().get(visit, [])
                if code in new_codes
            ]
            raise ValidationError(
                self.env._(
                    "Visit %(visit)s cannot be saved: %(messages)s\nThe Home Health "
                    "settings block this kind of conflict. Resolve it, or ask a "
                    "manager to set the rule to warn only.",
                    visit=visit.name,
                    messages=" ".join(messages),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits._homehealth_recompute_neighbours(
            visits._homehealth_neighbour_domains(), exclude=visits
        )
        visits._homehealth_check_blocking({})
        return visits

    def write(self, vals):
        codes_before = {
            visit.id: set((visit.conflict_codes or "").split(",")) - {""}
            for visit in self
        }
        schedule_changed = bool(SCHEDULE_FIELDS & set(vals))
        domains = self._homehealth_neighbour_domains() if schedule_changed else []
        result = super().write(vals)
        if schedule_changed:
            domains += self._homehealth_neighbour_domains()
            self._homehealth_recompute_neighbours(domains, exclude=self)
        self._homehealth_check_blocking(codes_before)
        return result

    def unlink(self):
        domains = self._homehealth_neighbour_domains()
        result = super().unlink()
        self._homehealth_recompute_neighbours(domains)
        return result


def _local_date(value, tz):
    return pytz.utc.localize(value).astimezone(tz).date()


def _format_local(value, tz, pattern):
    return pytz.utc.localize(value).astimezone(tz).strftime(pattern)
