from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .planning_common import WEEK_START, PlanningCase, chicago


@tagged("post_install", "-at_install")
class TestPlanningWeek(PlanningCase):
    """A realistic week: five caregivers, three disciplines, windows, a wound care
    visit, a two-person visit, a visit sequenced after another, and a pin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        patients = cls.plan_patients
        cls.week_visits = cls.env["homehealth.visit"]
        for offset in range(5):
            day = WEEK_START + timedelta(days=offset)
            rotate = patients[offset:] + patients[:offset]
            cls.week_visits |= cls._plan_visit(rotate[0], day, 8, 10, "rn")
            cls.week_visits |= cls._plan_visit(rotate[1], day, 13, 15, "rn")
            cls.week_visits |= cls._plan_visit(rotate[2], day, 9, 16, "pt", duration=1)
            cls.week_visits |= cls._plan_visit(rotate[3], day, 8, 12, "hha")
            cls.week_visits |= cls._plan_visit(rotate[4], day, 13, 16, "hha")

        tuesday = WEEK_START + timedelta(days=1)
        cls.wound_visit = cls._plan_visit(
            patients[5],
            tuesday,
            10,
            14,
            "rn",
            required_certification_type_ids=[Command.set(cls.type_wound.ids)],
        )

        # Two aides together for a transfer: same start, two caregivers.
        cls.transfer_first = cls._plan_visit(patients[6], WEEK_START, 10, 11, "hha")
        cls.transfer_second = cls._plan_visit(
            patients[6],
            WEEK_START,
            10,
            11,
            "hha",
            linked_visit_id=cls.transfer_first.id,
            link_type="same_time",
        )

        # The aide comes one to four hours after the nurse.
        wednesday = WEEK_START + timedelta(days=2)
        cls.nurse_first = cls._plan_visit(patients[7], wednesday, 8, 11, "rn")
        cls.aide_after = cls._plan_visit(
            patients[7],
            wednesday,
            8,
            16,
            "hha",
            linked_visit_id=cls.nurse_first.id,
            link_type="after",
            link_min_gap=60,
            link_max_gap=240,
        )

        thursday = WEEK_START + timedelta(days=3)
        cls.pinned_visit = cls._create_visit(
            patient=patients[8],
            caregiver=cls.nurse_ben,
            planned_start=chicago(thursday, 10),
            window_start=chicago(thursday, 9),
            window_end=chicago(thursday, 11),
            state="planned",
            pinned=True,
        )

        cls.week_visits |= (
            cls.wound_visit
            | cls.transfer_first
            | cls.transfer_second
            | cls.nurse_first
            | cls.aide_after
        )
        cls.pinned_before = cls.pinned_visit.read(
            ["caregiver_id", "planned_start", "state", "write_date"]
        )[0]
        cls.week_run = cls._plan_week()

    @classmethod
    def _plan_week(cls):
        run = (
            cls.env["homehealth.planning.run"]
            .with_user(cls.user_scheduler)
            ._plan_routes(
                {
                    "date_from": WEEK_START,
                    "date_to": WEEK_START + timedelta(days=4),
                    "tz": "America/Chicago",
                    "caregiver_ids": cls.plan_caregivers.ids,
                    "time_limit": 3,
                    "background": False,
                }
            )
        )
        cls.env.invalidate_all()
        return run.sudo()

    def test_week_run_done(self):
        self.assertEqual(self.week_run.state, "done", self.week_run.error_message)

    def test_week_every_visit_planned(self):
        unplanned = self.week_visits.filtered(lambda v: v.state != "planned")
        self.assertFalse(unplanned, unplanned.mapped("unassigned_detail"))

    def test_week_counts(self):
        self.assertEqual(self.week_run.planned_count, len(self.week_visits))

    def test_week_rules_from_records(self):
        violations, _input, solution = self._check_written_plan(self.week_run)
        self.assertEqual(violations, [])
        routed = sum(len(route.stops) for route in solution.routes)
        # Every week visit plus the pinned one is in a rebuilt route.
        self.assertEqual(routed, len(self.week_visits) + 1)

    def test_week_visits_on_their_day(self):
        for visit in self.week_visits:
            self.assertEqual(
                self._local(visit.planned_start).date(),
                self._local(visit.window_start).date(),
                visit.name,
            )

    def test_week_wound_care_to_certified_nurse(self):
        self.assertEqual(self.wound_visit.caregiver_id, self.nurse_ana)

    def test_week_two_person_visit(self):
        self.assertEqual(
            self.transfer_first.planned_start, self.transfer_second.planned_start
        )
        self.assertNotEqual(
            self.transfer_first.caregiver_id, self.transfer_second.caregiver_id
        )

    def test_week_sequenced_visit_gap(self):
        gap = self.aide_after.planned_start - self.nurse_first.planned_start
        self.assertGreaterEqual(gap, timedelta(minutes=60))
        self.assertLessEqual(gap, timedelta(minutes=240))

    def test_week_pinned_visit_left_alone(self):
        after = self.pinned_visit.read(
            ["caregiver_id", "planned_start", "state", "write_date"]
        )[0]
        self.assertEqual(after, self.pinned_before)
        self.assertFalse(self.pinned_visit.planning_run_id)

    def test_week_routes_recorded(self):
        days = {(route.employee_id, route.day) for route in self.week_run.route_ids}
        self.assertEqual(len(days), len(self.week_run.route_ids))
        self.assertTrue(self.week_run.route_ids)

    def test_week_travel_totals(self):
        # The run stores its total with one decimal.
        self.assertAlmostEqual(
            self.week_run.travel_time,
            sum(self.week_run.route_ids.mapped("travel_time")),
            delta=0.05,
        )
        self.assertGreater(self.week_run.travel_distance, 0)

    def test_week_sequence_numbers(self):
        routes = {}
        for visit in self.week_visits:
            day = self._local(visit.planned_start).date()
            routes.setdefault((visit.caregiver_id, day), []).append(visit)
        for visits in routes.values():
            ordered = sorted(visits, key=lambda v: v.planned_start)
            sequences = [v.route_sequence for v in ordered]
            self.assertEqual(sequences, sorted(sequences))


@tagged("post_install", "-at_install")
class TestPlanningReasons(PlanningCase):
    def test_reason_no_qualified_caregiver(self):
        visit = self._plan_visit(
            self.plan_patients[0],
            WEEK_START,
            9,
            12,
            required_certification_type_ids=[Command.set(self.type_iv.ids)],
        )
        run = self._plan()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(visit.unassigned_reason, "no_qualified_caregiver")
        self.assertIn("test_iv_therapy", visit.unassigned_detail)
        self.assertFalse(visit.caregiver_id)
        self.assertEqual(visit.state, "draft")
        self.assertEqual(visit.planning_run_id, run)

    def test_reason_no_time(self):
        visits = self.env["homehealth.visit"]
        for patient in self.plan_patients[:3]:
            visits |= self._plan_visit(
                patient, WEEK_START, (9, 0), (9, 30), duration=1.5
            )
        run = self._plan(caregiver_ids=self.nurse_ana.ids)
        self.assertEqual(run.state, "done", run.error_message)
        unplanned = visits.filtered(lambda v: not v.caregiver_id)
        self.assertEqual(len(unplanned), 2)
        self.assertEqual(set(unplanned.mapped("unassigned_reason")), {"no_time"})
        self.assertEqual(run.unassigned_count, 2)
        self.assertEqual(
            len(run.line_ids.filtered(lambda line: line.kind == "unassigned")), 2
        )

    def test_reason_planned_visit_unassigned(self):
        """A visit planned earlier that no longer fits loses its caregiver."""
        visit = self._plan_visit(
            self.plan_patients[0],
            WEEK_START,
            9,
            12,
            caregiver_id=self.nurse_ana.id,
            planned_start=chicago(WEEK_START, 9),
            state="planned",
            required_certification_type_ids=[Command.set(self.type_iv.ids)],
        )
        self._plan()
        self.assertFalse(visit.caregiver_id)
        self.assertEqual(visit.state, "draft")
        self.assertEqual(visit.route_sequence, 0)

    def test_reason_nobody_works_in_window(self):
        saturday = WEEK_START + timedelta(days=5)
        visit = self._plan_visit(self.plan_patients[0], saturday, 9, 12)
        self._plan(date_from=saturday)
        self.assertEqual(visit.unassigned_reason, "outside_every_window")
        self.assertIn("No selected caregiver works", visit.unassigned_detail)

    def test_left_out_patient_without_coordinates(self):
        patient = self._create_patient(name="Plan Patient Unlocated")
        visit = self._plan_visit(patient, WEEK_START, 9, 12)
        self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12)
        run = self._plan()
        self.assertEqual(run.state, "done", run.error_message)
        line = run.line_ids.filtered(lambda line: line.visit_id == visit)
        self.assertEqual(line.kind, "left_out")
        self.assertIn("Plan Patient Unlocated has no coordinates", line.detail)
        self.assertIn("geocode the address or set a pin", line.detail)
        self.assertEqual(visit.unassigned_reason, "invalid_input")
        self.assertEqual(run.planned_count, 1)

    def test_left_out_caregiver_without_home(self):
        homeless = self._create_caregiver(name="Plan Caregiver Homeless")
        self._plan_visit(self.plan_patients[0], WEEK_START, 9, 12)
        run = self._plan(caregiver_ids=(self.plan_caregivers | homeless).ids)
        self.assertEqual(run.state, "done", run.error_message)
        line = run.line_ids.filtered(lambda line: line.employee_id == homeless)
        self.assertIn("has no home location", line.detail)
        self.assertEqual(run.planned_count, 1)

    def test_left_out_half_window(self):
        visit = self._create_visit(
            patient=self.plan_patients[0],
            window_start=chicago(WEEK_START, 9),
        )
        run = self._plan()
        line = run.line_ids.filtered(lambda line: line.visit_id == visit)
        self.assertIn("only one end of its time window", line.detail)

    def test_pinned_to_caregiver_off_duty(self):
        saturday = WEEK_START + timedelta(days=5)
        pinned = self._create_visit(
            patient=self.plan_patients[1],
            caregiver=self.nurse_ana,
            planned_start=chicago(saturday, 10),
            state="planned",
            pinned=True,
        )
        self._plan_visit(self.plan_patients[0], saturday, 9, 12)
        before = pinned.read(["caregiver_id", "planned_start", "state", "write_date"])
        run = self._plan(date_from=saturday)
        line = run.line_ids.filtered(lambda line: line.visit_id == pinned)
        self.assertEqual(line.kind, "fixed")
        self.assertEqual(line.reason, "pinned_caregiver_unavailable")
        self.assertEqual(
            pinned.read(["caregiver_id", "planned_start", "state", "write_date"]),
            before,
        )

    def test_route_avoids_pinned_visit(self):
        pinned = self._create_visit(
            patient=self.plan_patients[1],
            caregiver=self.nurse_ana,
            planned_start=chicago(WEEK_START, 10),
            state="planned",
            pinned=True,
        )
        visits = self.env["homehealth.visit"]
        for patient in self.plan_patients[2:6]:
            visits |= self._plan_visit(patient, WEEK_START, 9, 12)
        run = self._plan(caregiver_ids=self.nurse_ana.ids)
        self.assertEqual(run.state, "done", run.error_message)
        for visit in visits.filtered("caregiver_id"):
            overlaps = (
                visit.planned_start < pinned.planned_end
                and pinned.planned_start < visit.planned_end
            )
            self.assertFalse(overlaps, visit.name)
        violations, _input, _solution = self._check_written_plan(run)
        self.assertEqual(violations, [])

    def test_visit_without_window_stays_on_its_day(self):
        tuesday = WEEK_START + timedelta(days=1)
        visit = self._create_visit(
            patient=self.plan_patients[0], planned_start=chicago(tuesday, 7)
        )
        run = self._plan(date_from=WEEK_START, date_to=tuesday)
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(self._local(visit.planned_start).date(), tuesday)
        self.assertEqual(visit.state, "planned")

    def test_excluded_caregiver_not_assigned(self):
        patient = self.plan_patients[0]
        patient.excluded_caregiver_ids = self.nurse_ana
        visit = self._plan_visit(patient, WEEK_START, 9, 12)
        self._plan(caregiver_ids=(self.nurse_ana | self.nurse_ben).ids)
        self.assertEqual(visit.caregiver_id, self.nurse_ben)
