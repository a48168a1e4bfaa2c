from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from ..models.homehealth_planning_input import (
    PlanningOptions,
    _InputBuilder,
    build_planning_input,
)
from .planning_common import WEEK_START, PlanningCase, chicago


@tagged("post_install", "-at_install")
class TestPlanningInput(PlanningCase):
    def _input(self, day_from=WEEK_START, day_to=None, **scope_values):
        scope = self._scope(day_from, day_to, **scope_values)
        return build_planning_input(self.env, scope, PlanningOptions())

    def _caregiver(self, planning_input, employee, day):
        key = f"{employee.id}@{day.isoformat()}"
        return next(c for c in planning_input.problem.caregivers if c.id == key)

    def test_origin_utc_midnight(self):
        self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12)
        planning_input = self._input()
        self.assertEqual(planning_input.problem.origin, "2026-12-07T00:00:00Z")
        self.assertEqual(planning_input.origin, datetime(2026, 12, 7))

    def test_one_caregiver_per_day(self):
        planning_input = self._input(WEEK_START, WEEK_START + timedelta(days=6))
        keys = {c.id for c in planning_input.problem.caregivers}
        expected = {
            f"{employee.id}@{(WEEK_START + timedelta(days=offset)).isoformat()}"
            for employee in self.plan_caregivers
            for offset in range(5)
        }
        self.assertEqual(keys, expected)

    def test_shift_in_local_time(self):
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        # 08:00 and 17:00 in Chicago (UTC-6 in December).
        self.assertEqual(caregiver.shift_start, 14 * 3600)
        self.assertEqual(caregiver.shift_end, 23 * 3600)

    def test_lunch_line_is_fixed_break(self):
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        self.assertEqual(len(caregiver.breaks), 1)
        lunch = caregiver.breaks[0]
        self.assertEqual(lunch.earliest_start, 18 * 3600)
        self.assertEqual(lunch.latest_start, 18 * 3600)
        self.assertEqual(lunch.duration, 3600)

    def test_lunch_from_settings_without_gap(self):
        calendar = self._create_calendar(
            "Test continuous 8-16:30", [(day, 8.0, 16.5) for day in "01234"]
        )
        self.nurse_ana.resource_calendar_id = calendar
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        lunch = caregiver.breaks[0]
        self.assertEqual(lunch.id, "lunch")
        self.assertEqual(lunch.duration, 30 * 60)
        # 11:30 to 13:00 local: the break ends by 13:30.
        self.assertEqual(lunch.earliest_start, (17 * 60 + 30) * 60)
        self.assertEqual(lunch.latest_start, 19 * 3600)

    def test_no_lunch_on_short_day(self):
        calendar = self._create_calendar(
            "Test mornings 8-13", [(day, 8.0, 13.0) for day in "01234"]
        )
        self.nurse_ana.resource_calendar_id = calendar
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        self.assertEqual(caregiver.breaks, ())

    def test_time_off_removed(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test afternoon off",
                "resource_id": self.nurse_ana.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": chicago(WEEK_START, 13),
                "date_to": chicago(WEEK_START, 17),
                "time_type": "leave",
            }
        )
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        self.assertEqual(caregiver.shift_end, 18 * 3600)
        self.assertEqual(caregiver.breaks, ())

    def test_work_intervals_match_helper(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test Tuesday off",
                "resource_id": self.nurse_ben.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": chicago(WEEK_START + timedelta(days=1), 10),
                "date_to": chicago(WEEK_START + timedelta(days=1), 15),
                "time_type": "leave",
            }
        )
        builder = _InputBuilder(self.env, self._scope(), PlanningOptions())
        batch = builder._work_intervals(self.plan_caregivers)
        start = builder.range_start - timedelta(days=1)
        end = builder.range_end + timedelta(days=1)
        for employee in self.plan_caregivers:
            self.assertEqual(
                batch[employee.id],
                employee._homehealth_work_intervals(start, end),
                employee.name,
            )

    def test_skills_on_visit_day(self):
        self.env["homehealth.certification"].create(
            {
                "employee_id": self.nurse_ben.id,
                "type_id": self.type_wound.id,
                "expiry_date": WEEK_START,
            }
        )
        planning_input = self._input(WEEK_START, WEEK_START + timedelta(days=1))
        monday = self._caregiver(planning_input, self.nurse_ben, WEEK_START)
        tuesday = self._caregiver(
            planning_input, self.nurse_ben, WEEK_START + timedelta(days=1)
        )
        self.assertIn("test_wound_care", monday.skills)
        self.assertNotIn("test_wound_care", tuesday.skills)
        self.assertIn("rn", tuesday.skills)

    def test_visit_requirements(self):
        visit = self._plan_visit(
            self.plan_patients[0],
            WEEK_START,
            9,
            12,
            "pt",
            required_certification_type_ids=[Command.set(self.type_cpr.ids)],
            workload_points=3,
        )
        planning_input = self._input()
        engine_visit = planning_input.problem.visits[0]
        self.assertEqual(engine_visit.id, str(visit.id))
        self.assertEqual(engine_visit.required_skills, {"pt", "test_cpr"})
        self.assertEqual(engine_visit.duration, 45 * 60)
        self.assertEqual(engine_visit.workload, 3)
        self.assertEqual(engine_visit.windows[0].start, 15 * 3600)
        self.assertEqual(engine_visit.windows[0].end, 18 * 3600)

    def test_visit_restricted_to_its_days(self):
        tuesday = WEEK_START + timedelta(days=1)
        self._plan_visit(self.plan_patients[0], tuesday, 9, 12)
        planning_input = self._input(WEEK_START, WEEK_START + timedelta(days=2))
        allowed = planning_input.problem.visits[0].allowed_caregivers
        self.assertEqual(
            allowed,
            {
                f"{employee.id}@{tuesday.isoformat()}"
                for employee in self.plan_caregivers
            },
        )

    def test_excluded_and_preferred(self):
        patient = self.plan_patients[0]
        patient.write(
            {
                "excluded_caregiver_ids": [Command.set(self.nurse_ana.ids)],
                "preferred_caregiver_ids": [Command.set(self.therapist.ids)],
            }
        )
        self._plan_visit(patient, WEEK_START, 9, 12)
        engine_visit = self._input().problem.visits[0]
        self.assertEqual(
            engine_visit.excluded_caregivers, {f"{self.nurse_ana.id}@2026-12-07"}
        )
        self.assertEqual(
            engine_visit.preferred_caregivers, {f"{self.therapist.id}@2026-12-07"}
        )

    def test_preferred_includes_recent_caregiver(self):
        patient = self.plan_patients[0]
        for days_before, caregiver in (
            (3, self.nurse_ben),
            (5, self.nurse_ben),
            (7, self.nurse_ana),
        ):
            day = WEEK_START - timedelta(days=days_before)
            self._create_visit(
                patient=patient,
                caregiver=caregiver,
                planned_start=chicago(day, 10),
                state="done",
            )
        self._plan_visit(patient, WEEK_START, 9, 12)
        engine_visit = self._input().problem.visits[0]
        self.assertEqual(
            engine_visit.preferred_caregivers, {f"{self.nurse_ben.id}@2026-12-07"}
        )

    def test_linked_visits(self):
        first = self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12, "hha")
        second = self._plan_visit(
            self.plan_patients[0],
            WEEK_START,
            9,
            12,
            "hha",
            linked_visit_id=first.id,
            link_type="same_time",
        )
        third = self._plan_visit(
            self.plan_patients[1],
            WEEK_START,
            9,
            16,
            "hha",
            linked_visit_id=first.id,
            link_type="after",
            link_min_gap=30,
            link_max_gap=90,
        )
        links = {
            (link.first, link.second): link for link in self._input().problem.links
        }
        same = links[str(first.id), str(second.id)]
        self.assertEqual(same.kind.value, "same_start")
        self.assertTrue(same.together)
        after = links[str(first.id), str(third.id)]
        self.assertEqual(after.kind.value, "sequence")
        self.assertEqual(after.min_gap, 1800)
        self.assertEqual(after.max_gap, 5400)

    def test_link_outside_problem_becomes_window(self):
        other_caregiver = self._create_caregiver(
            name="Plan Nurse Outside",
            home_latitude=41.9,
            home_longitude=-87.7,
        )
        nurse_visit = self._create_visit(
            patient=self.plan_patients[0],
            caregiver=other_caregiver,
            planned_start=chicago(WEEK_START, 9),
            state="planned",
        )
        self._plan_visit(
            self.plan_patients[0],
            WEEK_START,
            8,
            16,
            "hha",
            linked_visit_id=nurse_visit.id,
            link_type="after",
            link_min_gap=60,
            link_max_gap=120,
        )
        planning_input = self._input()
        window = planning_input.problem.visits[0].windows[0]
        self.assertEqual(window.start, 16 * 3600)
        self.assertEqual(window.end, 17 * 3600)
        self.assertEqual(planning_input.problem.links, ())

    def test_weekly_cap_split_over_days(self):
        self.nurse_ana.max_hours_per_week = 10
        self._create_visit(
            patient=self.plan_patients[0],
            caregiver=self.nurse_ana,
            planned_start=chicago(WEEK_START + timedelta(days=6), 10),
            duration=2.0,
            state="done",
        )
        planning_input = self._input(WEEK_START, WEEK_START + timedelta(days=4))
        caps = {
            caregiver.id: caregiver.max_work
            for caregiver in planning_input.problem.caregivers
            if caregiver.id.startswith(f"{self.nurse_ana.id}@")
        }
        # 10 h less the 2 h Sunday visit, over five equal days.
        self.assertEqual(set(caps.values()), {int(8 * 3600 / 5)})
        self.assertEqual(len(caps), 5)

    def test_no_weekly_cap_when_hours_suffice(self):
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        self.assertIsNone(caregiver.max_work)

    def test_weekly_cap_holds_after_planning(self):
        """Five hours a week over three days leave 100 minutes a day."""
        self.nurse_ana.max_hours_per_week = 5
        visits = self.env["homehealth.visit"]
        for offset in range(3):
            day = WEEK_START + timedelta(days=offset)
            for patient in self.plan_patients[:3]:
                visits |= self._plan_visit(patient, day, 8, 17)
        # NOTE: with 1 s the engine's search returned an empty plan for this
        # problem (max_work with breaks over three days); 3 s finds one.
        run = self._plan(
            date_from=WEEK_START,
            date_to=WEEK_START + timedelta(days=2),
            caregiver_ids=self.nurse_ana.ids,
            time_limit=3,
        )
        self.assertEqual(run.state, "done", run.error_message)
        self.assertLessEqual(sum(run.route_ids.mapped("work_time")), 5.0)
        self.assertEqual(len(run.route_ids), 3, run.line_ids.mapped("detail"))
        unplanned = visits.filtered(lambda v: not v.caregiver_id)
        self.assertTrue(unplanned)
        # limit_reached needs the visit alone to pass the work left; with the
        # travel to it counted, the engine reports no_time.
        self.assertLessEqual(
            set(unplanned.mapped("unassigned_reason")), {"limit_reached", "no_time"}
        )
        violations, _input, _solution = self._check_written_plan(run)
        self.assertEqual(violations, [])

    def test_daily_limits(self):
        self.nurse_ana.write({"max_visits_per_day": 3, "max_workload_per_day": 5})
        planning_input = self._input()
        caregiver = self._caregiver(planning_input, self.nurse_ana, WEEK_START)
        self.assertEqual(caregiver.max_visits, 3)
        self.assertEqual(caregiver.max_workload, 5)
        self.assertEqual(caregiver.speed_kmh, self.nurse_ana.travel_speed_kmh)

    def test_occupying_visit_is_fixed(self):
        done = self._create_visit(
            patient=self.plan_patients[0],
            caregiver=self.nurse_ana,
            planned_start=chicago(WEEK_START, 9),
            state="done",
        )
        planning_input = self._input()
        engine_visit = planning_input.problem.visits[0]
        self.assertEqual(planning_input.fixed_visits, {str(done.id): done.id})
        self.assertEqual(
            engine_visit.pinned_caregiver, f"{self.nurse_ana.id}@2026-12-07"
        )
        self.assertEqual(engine_visit.pinned_start, 15 * 3600)

    def test_write_dates_snapshot(self):
        visit = self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12)
        planning_input = self._input()
        self.assertEqual(planning_input.write_dates, {visit.id: visit.write_date})

    def test_selected_visits_only(self):
        chosen = self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12)
        self._plan_visit(self.plan_patients[1], WEEK_START, 9, 12)
        planning_input = self._input(visit_ids=(chosen.id,))
        self.assertEqual(planning_input.plan_visits, {str(chosen.id): chosen.id})

    def test_service_area_scope(self):
        north = self.plan_patients.filtered(
            lambda p: p.service_area_id == self.area_north
        )
        self.assertTrue(north)
        inside = self._plan_visit(north[0], WEEK_START, 9, 12)
        outside_patient = self.plan_patients.filtered(lambda p: not p.service_area_id)[
            0
        ]
        self._plan_visit(outside_patient, WEEK_START, 9, 12)
        planning_input = self._input(service_area_ids=(self.area_north.id,))
        self.assertEqual(planning_input.plan_visits, {str(inside.id): inside.id})

    def test_date_in_scope_timezone(self):
        # 23:30 on Sunday in Chicago is 05:30 on Monday in UTC: not Monday's visit.
        sunday = WEEK_START - timedelta(days=1)
        self._plan_visit(self.plan_patients[0], sunday, (23, 0), (23, 30))
        planning_input = self._input()
        self.assertEqual(planning_input.plan_visits, {})
        self.assertEqual(date(2026, 12, 7), WEEK_START)
