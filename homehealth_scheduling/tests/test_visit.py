from datetime import datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form

from .common import HomehealthCase


class TestVisit(HomehealthCase):
    def test_name_from_sequence(self):
        visit = self._create_visit(patient=self.patient_a)
        self.assertTrue(visit.name.startswith("VIS/"))
        self.assertNotEqual(visit.name, self.visit_a.name)

    def test_end_from_duration(self):
        visit = self._create_visit(
            patient=self.patient_a,
            planned_start=datetime(2026, 3, 10, 15, 0),
            duration=1.5,
        )
        self.assertEqual(visit.planned_end, datetime(2026, 3, 10, 16, 30))

    def test_end_inverse_sets_duration(self):
        self.visit_a.planned_end = datetime(2026, 3, 10, 17, 15)
        self.assertAlmostEqual(self.visit_a.duration, 2.25)

    def test_calendar_move_keeps_duration(self):
        # The calendar view writes the new start and end together.
        self.visit_a.duration = 1.25
        start = datetime(2026, 3, 11, 14, 0)
        self.visit_a.write(
            {"planned_start": start, "planned_end": start + timedelta(hours=1.25)}
        )
        self.assertAlmostEqual(self.visit_a.duration, 1.25)
        self.assertEqual(self.visit_a.planned_end, datetime(2026, 3, 11, 15, 15))

    def test_form_duration_updates_end(self):
        with Form(self.visit_a) as form:
            form.duration = 0.5
            self.assertEqual(form.planned_end, datetime(2026, 3, 10, 15, 30))

    def test_window_reversed_rejected(self):
        with self.assertRaisesRegex(ValidationError, self.visit_a.name):
            self.visit_a.write(
                {
                    "window_start": datetime(2026, 3, 10, 16, 0),
                    "window_end": datetime(2026, 3, 10, 14, 0),
                }
            )

    def test_window_single_instant_allowed(self):
        instant = datetime(2026, 3, 10, 14, 0)
        self.visit_a.write({"window_start": instant, "window_end": instant})
        self.assertEqual(self.visit_a.window_end, instant)

    def test_end_before_start_rejected(self):
        with self.assertRaisesRegex(ValidationError, self.visit_a.name):
            self.visit_a.planned_end = datetime(2026, 3, 10, 14, 0)

    def test_zero_duration_rejected(self):
        with self.assertRaisesRegex(ValidationError, "positive duration"):
            self._create_visit(patient=self.patient_a, duration=0.0)

    def test_planned_needs_caregiver(self):
        with self.assertRaisesRegex(ValidationError, "no caregiver"):
            self._create_visit(
                patient=self.patient_a,
                planned_start=datetime(2026, 3, 10, 15, 0),
                state="planned",
            )

    def test_planned_needs_start(self):
        with self.assertRaisesRegex(ValidationError, "no planned start"):
            self._create_visit(
                patient=self.patient_a, caregiver=self.caregiver_a, state="planned"
            )

    def test_draft_needs_nothing(self):
        visit = self._create_visit(patient=self.patient_a)
        self.assertEqual(visit.state, "draft")

    def test_plan_action_checks_caregiver(self):
        visit = self._create_visit(
            patient=self.patient_a, planned_start=datetime(2026, 3, 12, 15, 0)
        )
        with self.assertRaisesRegex(ValidationError, visit.name):
            visit.action_plan()

    def test_check_in_and_out(self):
        self.visit_a.action_check_in(latitude=41.9262, longitude=-87.6366)
        self.assertEqual(self.visit_a.state, "in_progress")
        self.assertTrue(self.visit_a.check_in_time)
        self.assertAlmostEqual(self.visit_a.check_in_latitude, 41.9262)
        self.assertAlmostEqual(self.visit_a.check_in_longitude, -87.6366)
        self.visit_a.action_check_out(latitude=41.9263, longitude=-87.6367)
        self.assertEqual(self.visit_a.state, "done")
        self.assertGreaterEqual(self.visit_a.check_out_time, self.visit_a.check_in_time)
        self.assertAlmostEqual(self.visit_a.check_out_longitude, -87.6367)

    def test_check_in_without_position(self):
        self.visit_a.action_check_in()
        self.assertEqual(self.visit_a.state, "in_progress")
        self.assertEqual(self.visit_a.check_in_latitude, 0.0)

    def test_check_in_zero_position_rejected(self):
        with self.assertRaisesRegex(UserError, r"\(0, 0\)"):
            self.visit_a.action_check_in(latitude=0.0, longitude=0.0)

    def test_check_in_half_position_rejected(self):
        with self.assertRaisesRegex(UserError, "both"):
            self.visit_a.action_check_in(latitude=41.9)

    def test_check_in_out_of_range_rejected(self):
        with self.assertRaisesRegex(UserError, "invalid"):
            self.visit_a.action_check_in(latitude=95.0, longitude=-87.6)

    def test_check_in_draft_rejected(self):
        visit = self._create_visit(patient=self.patient_a)
        with self.assertRaisesRegex(UserError, visit.name):
            visit.action_check_in()

    def test_check_out_before_check_in_rejected(self):
        with self.assertRaisesRegex(UserError, "check out"):
            self.visit_a.action_check_out()

    def test_mark_missed_wizard(self):
        action = self.visit_a.action_mark_missed()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "Patient admitted to hospital"})
        )
        wizard.action_confirm()
        self.assertEqual(self.visit_a.state, "missed")
        self.assertEqual(self.visit_a.missed_reason, "Patient admitted to hospital")

    def test_mark_missed_blank_reason(self):
        with self.assertRaisesRegex(UserError, "reason"):
            self.visit_a._mark_missed("   ")

    def test_mark_missed_done_rejected(self):
        self.visit_a.action_check_in()
        self.visit_a.action_check_out()
        with self.assertRaisesRegex(UserError, "Done"):
            self.visit_a._mark_missed("No answer at the door")

    def test_cancel_then_reset(self):
        self.visit_a.action_cancel()
        self.assertEqual(self.visit_a.state, "cancelled")
        self.visit_a.action_reset_draft()
        self.assertEqual(self.visit_a.state, "draft")

    def test_cancel_done_rejected(self):
        self.visit_a.action_check_in()
        self.visit_a.action_check_out()
        with self.assertRaisesRegex(UserError, "cancel"):
            self.visit_a.action_cancel()

    def test_area_follows_patient(self):
        self.assertEqual(self.visit_a.service_area_id, self.area_north)
        self.patient_a.zip = "60615"
        self.patient_a.write({"partner_latitude": 41.7968, "partner_longitude": -87.58})
        self.assertFalse(self.visit_a.service_area_id)

    def test_color_from_caregiver(self):
        self.caregiver_a.caregiver_color = 7
        self.assertEqual(self.visit_a.color, 7)

    def test_other_company_caregiver_rejected(self):
        company_b = self.env["res.company"].create({"name": "Test Agency B"})
        caregiver = self._create_caregiver(
            name="Test Caregiver Elsewhere",
            company_id=company_b.id,
            resource_calendar_id=False,
        )
        with self.assertRaises(UserError):
            self.visit_a.caregiver_id = caregiver

    def test_patient_visits_listed(self):
        self.assertIn(self.visit_a, self.patient_a.patient_visit_ids)
        self.assertIn(self.visit_a, self.caregiver_a.visit_ids)
        self.assertEqual(self.caregiver_a.visit_count, 1)
