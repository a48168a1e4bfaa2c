"""Records for the route planning tests: a small Chicago agency of their own.

Planning runs read and write through their own cursors (see
``homehealth_planning_run``). :class:`PlanningCase` puts the registry in test
mode, so that those cursors share the test's transaction and read its records.
Their commits and rollbacks then become savepoint releases and rollbacks.
"""

from datetime import date, datetime, time, timedelta

import pytz

from ..models.homehealth_planning_input import (
    PlanningOptions,
    PlanningScope,
    build_planning_input,
)
from ..models.homehealth_planning_output import solution_from_records
from .common import HomehealthCase

CHICAGO = pytz.timezone("America/Chicago")

#: A Monday without public holidays in the United States.
WEEK_START = date(2026, 12, 7)

#: (name, discipline, latitude, longitude) of the caregivers' homes.
CAREGIVER_HOMES = [
    ("Plan Nurse Ana", "rn", 41.9398, -87.6533),
    ("Plan Nurse Ben", "rn", 41.8789, -87.6359),
    ("Plan Therapist Cleo", "pt", 41.9210, -87.6970),
    ("Plan Aide Dev", "hha", 41.8500, -87.6500),
    ("Plan Aide Eli", "hha", 41.9000, -87.6800),
]

#: (name, latitude, longitude) of patients' homes in Chicago neighbourhoods.
PATIENT_HOMES = [
    ("Plan Patient Lincoln Park", 41.9214, -87.6513),
    ("Plan Patient Lakeview", 41.9434, -87.6553),
    ("Plan Patient Wicker Park", 41.9088, -87.6796),
    ("Plan Patient Logan Square", 41.9231, -87.7093),
    ("Plan Patient West Loop", 41.8825, -87.6447),
    ("Plan Patient Pilsen", 41.8563, -87.6565),
    ("Plan Patient Bridgeport", 41.8381, -87.6511),
    ("Plan Patient Hyde Park", 41.7943, -87.5907),
    ("Plan Patient Uptown", 41.9665, -87.6533),
    ("Plan Patient Edgewater", 41.9837, -87.6601),
    ("Plan Patient Bucktown", 41.9217, -87.6796),
    ("Plan Patient South Loop", 41.8577, -87.6270),
]


def chicago(day, hour, minute=0):
    """Return naive UTC of a local Chicago time."""
    moment = CHICAGO.localize(datetime.combine(day, time(hour, minute)))
    return moment.astimezone(pytz.utc).replace(tzinfo=None)


class PlanningCase(HomehealthCase):
    """Caregivers with homes, patients with coordinates, and visit helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.env["ir.config_parameter"].sudo().set_param(
            "homehealth_scheduling.planning_default_time_limit", "1"
        )
        cls.plan_caregivers = cls.env["hr.employee"]
        for name, discipline, latitude, longitude in CAREGIVER_HOMES:
            cls.plan_caregivers |= cls._create_caregiver(
                name=name,
                discipline=discipline,
                home_latitude=latitude,
                home_longitude=longitude,
                home_geocode_quality="manual",
                max_visits_per_day=8,
            )
        cls.nurse_ana, cls.nurse_ben, cls.therapist, cls.aide_dev, cls.aide_eli = (
            cls.plan_caregivers
        )
        cls.env["homehealth.certification"].create(
            {
                "employee_id": cls.nurse_ana.id,
                "type_id": cls.type_wound.id,
                "issue_date": date(2025, 1, 1),
                "expiry_date": date(2027, 12, 31),
            }
        )
        cls.plan_patients = cls.env["res.partner"]
        for name, latitude, longitude in PATIENT_HOMES:
            cls.plan_patients |= cls._create_patient(
                name=name,
                partner_latitude=latitude,
                partner_longitude=longitude,
                geocode_quality="manual",
            )

    @classmethod
    def _plan_visit(cls, patient, day, start_hour, end_hour, discipline="rn", **values):
        """Create a draft visit with a window from ``start_hour`` to ``end_hour``
        (local Chicago, float hours allowed as (hour, minute) tuples)."""
        start = start_hour if isinstance(start_hour, tuple) else (start_hour, 0)
        end = end_hour if isinstance(end_hour, tuple) else (end_hour, 0)
        vals = {
            "window_start": chicago(day, *start),
            "window_end": chicago(day, *end),
            "duration": 0.75,
        }
        vals.update(values)
        return cls._create_visit(patient=patient, discipline=discipline, **vals)

    def _plan(self, user=None, **values):
        """Plan through the same entry point as the wizard; return the run."""
        values.setdefault("date_from", WEEK_START)
        values.setdefault("date_to", values["date_from"])
        values.setdefault("tz", "America/Chicago")
        values.setdefault("caregiver_ids", self.plan_caregivers.ids)
        values.setdefault("time_limit", 1)
        runs = self.env["homehealth.planning.run"]
        if user is not None:
            runs = runs.with_user(user)
        run = runs._plan_routes(values)
        self.env.invalidate_all()
        return run.sudo()

    def _check_written_plan(self, run):
        """Return the checker's violations of the plan rebuilt from the records."""
        run = run.sudo()
        scope = run._scope(run.visit_ids.ids)
        options = PlanningOptions(time_limit=1, keep_assignments=False)
        planning_input = build_planning_input(self.env, scope, options)
        solution = solution_from_records(self.env, planning_input, run)
        from homehealth_routing import check

        return check(planning_input.problem, solution), planning_input, solution

    @classmethod
    def _scope(cls, day_from=WEEK_START, day_to=None, **values):
        return PlanningScope(
            date_from=day_from,
            date_to=day_to or day_from,
            company_id=cls.company.id,
            tz="America/Chicago",
            caregiver_ids=tuple(values.pop("caregiver_ids", cls.plan_caregivers.ids)),
            **values,
        )

    @staticmethod
    def _local(moment):
        return pytz.utc.localize(moment).astimezone(CHICAGO)

    @staticmethod
    def _weekday(offset):
        return WEEK_START + timedelta(days=offset)
