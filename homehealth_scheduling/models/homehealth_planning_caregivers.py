"""Engine caregivers from employees: one per employee and working day.

The shift of a caregiver-day runs from the first to the last working interval of
the employee's local day (working hours minus time off, in the employee's time
zone). Each gap between two intervals (a lunch line of the calendar, a partial
day off) is a break at a fixed time. A day without any gap that is longer than
the lunch threshold gets a flexible lunch break from the settings (default: 30
minutes within 11:30-13:30 local).

Weekly hours: the caregiver's maximum hours per week, less the visit and travel
time already planned that week outside the run, is split over the caregiver's
days of that week in the run in proportion to their shift length. Each share is
that day's ``max_work``, so the engine's checker verifies it day by day.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from .homehealth_planning_common import (
    OCCUPYING_STATES,
    CaregiverDay,
    LeftOut,
    caregiver_day_key,
    get_setting,
    local_date,
    require_engine,
    to_utc_naive,
)


class CaregiverDaysMixin:
    """Caregiver part of the input builder: working days, breaks and limits.

    Uses the builder's ``env``, ``scope``, ``range_start``, ``range_end``,
    ``max_overtime`` and ``left_out``.
    """

    def _usable_caregivers(self, caregivers):
        usable = caregivers.browse()
        for employee in caregivers:
            if not (employee.home_latitude or employee.home_longitude):
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Caregiver %(caregiver)s has no home location: geocode "
                            "the private address or set the home pin on the Home "
                            "Health tab.",
                            caregiver=employee.name,
                        ),
                        employee_id=employee.id,
                    )
                )
            elif not (
                employee.resource_calendar_id
                or employee.company_id.resource_calendar_id
            ):
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Caregiver %(caregiver)s has no working hours: set "
                            "Working Hours on the employee or on the company.",
                            caregiver=employee.name,
                        ),
                        employee_id=employee.id,
                    )
                )
            else:
                usable |= employee
        return usable

    def _work_intervals(self, employees):
        """Return {employee id: [(start, end)]} in naive UTC, like
        ``hr.employee._homehealth_work_intervals`` but one calendar at a time."""
        # A day starts at local midnight, up to 14 hours away from UTC midnight.
        start = pytz.utc.localize(self.range_start - timedelta(days=1))
        end = pytz.utc.localize(self.range_end + timedelta(days=1))
        groups = defaultdict(lambda: employees.browse())
        for employee in employees:
            calendar = (
                employee.resource_calendar_id
                or employee.company_id.resource_calendar_id
            )
            groups[calendar, employee._get_tz(), employee.company_id] |= employee
        result = {}
        for (calendar, tz_name, company), members in groups.items():
            by_resource = calendar._work_intervals_batch(
                start,
                end,
                resources=members.resource_id,
                domain=[
                    ("time_type", "=", "leave"),
                    ("company_id", "in", [False, company.id]),
                ],
                tz=pytz.timezone(tz_name),
            )
            for employee in members:
                merged = []
                for interval_start, interval_end, _records in by_resource[
                    employee.resource_id.id
                ]:
                    begin = to_utc_naive(interval_start, pytz.utc)
                    finish = to_utc_naive(interval_end, pytz.utc)
                    if begin >= finish:
                        continue
                    if merged and merged[-1][1] >= begin:
                        merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
                    else:
                        merged.append((begin, finish))
                result[employee.id] = merged
        return result

    def _caregiver_days(self, employees):
        """Return {engine id: CaregiverDay} with the day's working intervals."""
        days_wanted = set(self.scope.days())
        intervals = self._work_intervals(employees)
        self._day_intervals = {}
        days = {}
        for employee in employees:
            tz_name = employee._get_tz()
            tz = pytz.timezone(tz_name)
            by_day = defaultdict(list)
            for begin, finish in intervals.get(employee.id, []):
                day = local_date(begin, tz)
                if day in days_wanted:
                    by_day[day].append((begin, finish))
            for day, day_intervals in sorted(by_day.items()):
                key = caregiver_day_key(employee.id, day)
                self._day_intervals[key] = day_intervals
                days[key] = CaregiverDay(
                    employee_id=employee.id,
                    day=day,
                    tz=tz_name,
                    shift_start=day_intervals[0][0],
                    shift_end=day_intervals[-1][1],
                )
        return days

    def _breaks(self, key, day, origin):
        """Return the engine breaks of a caregiver-day.

        Each gap between working intervals is a break at a fixed time. A day
        without a gap gets the flexible lunch break of the settings when its
        shift is longer than the lunch threshold.
        """
        routing = require_engine()
        intervals = self._day_intervals[key]
        seconds = [
            (int((b - origin).total_seconds()), int((f - origin).total_seconds()))
            for b, f in intervals
        ]
        breaks = []
        for number, (before, after) in enumerate(
            zip(seconds, seconds[1:], strict=False), start=1
        ):
            breaks.append(
                routing.Break(
                    earliest_start=before[1],
                    latest_start=before[1],
                    duration=after[0] - before[1],
                    id=f"gap-{number}",
                )
            )
        if breaks:
            return breaks

        shift_start, shift_end = seconds[0][0], seconds[-1][1]
        threshold = get_setting(self.env, "lunch_min_shift_hours") * 3600
        duration = int(get_setting(self.env, "lunch_minutes")) * 60
        if duration <= 0 or shift_end - shift_start <= threshold:
            return []
        tz = pytz.timezone(day.tz)
        earliest = self._local_hour(
            day.day, get_setting(self.env, "lunch_earliest"), tz
        )
        latest_end = self._local_hour(
            day.day, get_setting(self.env, "lunch_latest_end"), tz
        )
        earliest_start = max(int((earliest - origin).total_seconds()), shift_start)
        latest_start = min(
            int((latest_end - origin).total_seconds()) - duration,
            shift_end - duration,
        )
        if latest_start < earliest_start:
            return []
        return [
            routing.Break(
                earliest_start=earliest_start,
                latest_start=latest_start,
                duration=duration,
                id="lunch",
            )
        ]

    @staticmethod
    def _local_hour(day, hour, tz):
        """Return naive UTC of ``hour`` (float hours) local time on ``day``."""
        moment = datetime.combine(day, time.min) + timedelta(hours=hour)
        return to_utc_naive(moment, tz)

    def _weekly_work_caps(self, employees, days, problem_ids):
        """Return {engine caregiver id: max work seconds} from weekly hours.

        The hours left in the week (maximum less the visits and travel already
        planned outside this run) are split over the caregiver's days of that
        week in this run, in proportion to their shift length. A day whose share
        is at least its shift length plus overtime gets no cap.
        """
        limited = {
            e.id: e.max_hours_per_week for e in employees if e.max_hours_per_week
        }
        if not limited or not days:
            return {}
        weeks = defaultdict(list)
        for key, day in days.items():
            if day.employee_id in limited:
                monday = day.day - timedelta(days=day.day.weekday())
                weeks[day.employee_id, monday].append(key)

        first = min(monday for _employee, monday in weeks)
        last = max(monday for _employee, monday in weeks) + timedelta(days=8)
        others = self.env["homehealth.visit"].search_read(
            [
                ("caregiver_id", "in", list(limited)),
                ("state", "in", OCCUPYING_STATES),
                ("planned_start", ">=", datetime.combine(first, time.min)),
                ("planned_start", "<", datetime.combine(last, time.min)),
                ("id", "not in", list(problem_ids)),
            ],
            ["caregiver_id", "planned_start", "duration", "travel_time_from_previous"],
        )
        tz_of = {e.id: pytz.timezone(e._get_tz()) for e in employees}
        used = defaultdict(float)
        for row in others:
            employee_id = row["caregiver_id"][0]
            day = local_date(row["planned_start"], tz_of[employee_id])
            monday = day - timedelta(days=day.weekday())
            used[employee_id, monday] += (
                row["duration"] * 3600 + (row["travel_time_from_previous"] or 0) * 60
            )

        caps = {}
        for (employee_id, monday), keys in weeks.items():
            remaining = max(
                0.0, limited[employee_id] * 3600 - used[employee_id, monday]
            )
            lengths = {
                key: (days[key].shift_end - days[key].shift_start).total_seconds()
                for key in keys
            }
            total = sum(lengths.values()) or 1.0
            for key in keys:
                share = int(remaining * lengths[key] / total)
                if share < lengths[key] + self.max_overtime:
                    caps[key] = share
        return caps

    def _engine_caregivers(self, employees, days, weekly_caps, origin):
        routing = require_engine()
        by_id = {employee.id: employee for employee in employees}
        result = []
        for key, day in days.items():
            employee = by_id[day.employee_id]
            try:
                caregiver = routing.Caregiver(
                    id=key,
                    start=routing.Location(
                        employee.home_latitude, employee.home_longitude
                    ),
                    shift_start=int((day.shift_start - origin).total_seconds()),
                    shift_end=int((day.shift_end - origin).total_seconds()),
                    skills=frozenset(employee._homehealth_skills_on(day.day)),
                    languages=frozenset(employee.language_ids.mapped("code")),
                    breaks=tuple(self._breaks(key, day, origin)),
                    max_overtime=self.max_overtime,
                    max_work=weekly_caps.get(key),
                    max_visits=employee.max_visits_per_day or None,
                    max_workload=employee.max_workload_per_day or None,
                    speed_kmh=employee.travel_speed_kmh,
                )
            except routing.InvalidInput as error:
                self.left_out.append(
                    LeftOut(
                        self.env._(
                            "Caregiver %(caregiver)s is left out on %(day)s: %(error)s",
                            caregiver=employee.name,
                            day=day.day,
                            error=error,
                        ),
                        employee_id=employee.id,
                    )
                )
                continue
            result.append(caregiver)
        return result
