from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HomehealthCase
from .route_day import local_to_utc

# A Thursday. Caregivers work 08:00-12:00 and 13:00-17:00 in Chicago.
CALLOUT_DAY = datetime(2026, 3, 12)


def at(hour, minute=0):
    return local_to_utc(hour, minute, day=CALLOUT_DAY)


@tagged("post_install", "-at_install")
class TestCallout(HomehealthCase):
    """Caregiver A, a nurse, calls out, and nurses C and D share A's visits.

    A has three visits. The third needs an IV therapy certification that no
    other caregiver holds. C and D each have their own visits.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_caregiver_c = new_test_user(
            cls.env,
            login="hh_caregiver_c",
            groups="homehealth_scheduling.group_homehealth_caregiver",
        )
        cls.caregiver_a.write(
            {
                "home_latitude": 41.9300,
                "home_longitude": -87.6500,
                "home_geocode_quality": "manual",
            }
        )
        cls.caregiver_c = cls._create_caregiver(
            name="Test Caregiver C",
            user=cls.user_caregiver_c,
            home_latitude=41.9400,
            home_longitude=-87.6540,
            home_geocode_quality="manual",
        )
        cls.caregiver_d = cls._create_caregiver(
            name="Test Caregiver D",
            home_latitude=41.9000,
            home_longitude=-87.6300,
            home_geocode_quality="manual",
        )

        locations = [
            (41.9262, -87.6366),
            (41.9400, -87.6700),
            (41.9100, -87.6800),
            (41.9350, -87.6450),
            (41.9050, -87.6350),
            (41.9150, -87.6500),
        ]
        cls.patients = [
            cls._create_patient(
                name=f"Call-out Patient {number}",
                zip="60614",
                partner_latitude=latitude,
                partner_longitude=longitude,
                geocode_quality="exact",
            )
            for number, (latitude, longitude) in enumerate(locations, start=1)
        ]

        cls.visit_a1 = cls._day_visit(cls.patients[0], cls.caregiver_a, 9, (8, 12))
        cls.visit_a2 = cls._day_visit(cls.patients[1], cls.caregiver_a, 11, (8, 12))
        cls.visit_a3 = cls._day_visit(
            cls.patients[2],
            cls.caregiver_a,
            14,
            (13, 16),
            required_certification_type_ids=[Command.link(cls.type_iv.id)],
        )
        cls.visit_c1 = cls._day_visit(cls.patients[3], cls.caregiver_c, 9, (8, 12))
        cls.visit_c2 = cls._day_visit(cls.patients[4], cls.caregiver_c, 14, (13, 16))
        cls.visit_d1 = cls._day_visit(cls.patients[5], cls.caregiver_d, 10, (8, 12))
        cls.released = cls.visit_a1 | cls.visit_a2 | cls.visit_a3
        cls.others = cls.visit_c1 | cls.visit_c2 | cls.visit_d1
        cls.day_visits = cls.released | cls.others

    @classmethod
    def _day_visit(cls, patient, caregiver, hour, window, **values):
        return cls._create_visit(
            patient=patient,
            caregiver=caregiver,
            planned_start=at(hour),
            window_start=at(window[0]),
            window_end=at(window[1]),
            state="planned",
            **values,
        )

    def _callout(self, **values):
        vals = {
            "employee_id": self.caregiver_a.id,
            "date": CALLOUT_DAY.date(),
            "time_limit": 1.0,
            "record_time_off": False,
            "publish_on_apply": False,
        }
        vals.update(values)
        return (
            self.env["homehealth.callout"].with_user(self.user_scheduler).create(vals)
        )

    def _state(self, visits):
        return {
            visit.id: (
                visit.caregiver_id.id,
                visit.planned_start,
                visit.planned_end,
                visit.state,
                visit.route_sequence,
            )
            for visit in visits
        }

    def _line(self, callout, visit):
        return callout.line_ids.filtered(lambda line: line.visit_id == visit)

    # Preview

    def test_callout_preview_writes_nothing(self):
        before = self._state(self.day_visits)
        self._callout().action_preview()
        self.day_visits.invalidate_recordset()
        self.assertEqual(self._state(self.day_visits), before)

    def test_callout_preview_state(self):
        callout = self._callout()
        callout.action_preview()
        self.assertEqual(callout.state, "previewed")

    def test_callout_released_get_new_caregiver(self):
        callout = self._callout()
        callout.action_preview()
        for visit in self.visit_a1 | self.visit_a2:
            line = self._line(callout, visit)
            self.assertEqual(line.kind, "reassigned")
            self.assertTrue(line.new_caregiver_id)
            self.assertNotEqual(line.new_caregiver_id, self.caregiver_a)

    def test_callout_new_start_in_window(self):
        callout = self._callout()
        callout.action_preview()
        for visit in self.visit_a1 | self.visit_a2:
            line = self._line(callout, visit)
            self.assertGreaterEqual(line.new_start, visit.window_start)
            self.assertLessEqual(line.new_start, visit.window_end)

    def test_callout_uncovered_visit_listed(self):
        callout = self._callout()
        callout.action_preview()
        line = self._line(callout, self.visit_a3)
        self.assertEqual(line.kind, "uncovered")
        self.assertEqual(line.reason, "no_qualified_caregiver")
        self.assertEqual(callout.uncovered_count, 1)

    def test_callout_keeps_others_caregivers(self):
        callout = self._callout(change_weight=600)
        callout.action_preview()
        moved_away = callout.line_ids.filtered(
            lambda line: not line.released and line.kind in ("reassigned", "uncovered")
        )
        self.assertFalse(moved_away)

    def test_callout_keep_other_times(self):
        callout = self._callout(keep_other_times=True)
        callout.action_preview()
        self.assertEqual(callout.line_ids.visit_id, self.released)

    def test_callout_pinned_visit_released(self):
        self.visit_a1.pinned = True
        callout = self._callout()
        callout.action_preview()
        self.assertEqual(self._line(callout, self.visit_a1).kind, "reassigned")

    def test_callout_unlocated_other_visit_kept(self):
        self.visit_c2.patient_id.write(
            {"partner_latitude": 0.0, "partner_longitude": 0.0}
        )
        callout = self._callout()
        callout.action_preview()
        self.assertFalse(self._line(callout, self.visit_c2))

    def test_callout_unlocated_released_uncovered(self):
        self.visit_a2.patient_id.write(
            {"partner_latitude": 0.0, "partner_longitude": 0.0}
        )
        callout = self._callout()
        callout.action_preview()
        line = self._line(callout, self.visit_a2)
        self.assertEqual(line.kind, "uncovered")
        self.assertEqual(line.reason, "invalid_input")

    def test_callout_unusable_caregiver_kept(self):
        # Caregiver B has no home location, so the planner leaves B out.
        visit_b = self._day_visit(self.patients[5], self.caregiver_b, 10, (8, 12))
        visit_b.discipline = "pt"
        callout = self._callout()
        callout.action_preview()
        self.assertFalse(self._line(callout, visit_b))

    def test_callout_no_visits_rejected(self):
        callout = self._callout(date=(CALLOUT_DAY + timedelta(days=1)).date())
        with self.assertRaises(UserError):
            callout.action_preview()

    def test_callout_caregiver_cannot_preview(self):
        callout = self._callout()
        with self.assertRaises(AccessError):
            callout.with_user(self.user_caregiver_c).action_preview()

    # Apply

    def test_callout_apply_equals_preview(self):
        callout = self._callout()
        callout.action_preview()
        expected = {
            line.visit_id.id: (
                line.new_caregiver_id.id,
                line.new_start,
                line.new_end,
            )
            for line in callout.line_ids
            if line.kind != "uncovered"
        }
        callout.action_apply()
        for visit_id, values in expected.items():
            visit = self.env["homehealth.visit"].browse(visit_id)
            self.assertEqual(
                (visit.caregiver_id.id, visit.planned_start, visit.planned_end), values
            )

    def test_callout_apply_leaves_unlisted_visits(self):
        callout = self._callout()
        callout.action_preview()
        unlisted = self.day_visits - callout.line_ids.visit_id
        before = self._state(unlisted)
        callout.action_apply()
        self.assertEqual(self._state(unlisted), before)

    def test_callout_apply_uncovered_unassigned(self):
        callout = self._callout()
        callout.action_preview()
        callout.action_apply()
        self.assertFalse(self.visit_a3.caregiver_id)
        self.assertEqual(self.visit_a3.state, "draft")
        self.assertEqual(self.visit_a3.unassigned_reason, "no_qualified_caregiver")

    def test_callout_apply_empties_caregiver_day(self):
        callout = self._callout()
        callout.action_preview()
        callout.action_apply()
        left = self.day_visits.filtered(lambda v: v.caregiver_id == self.caregiver_a)
        self.assertFalse(left)

    def test_callout_apply_refused_after_edit(self):
        callout = self._callout()
        callout.action_preview()
        self.visit_c1.planned_start = at(9, 15)
        before = self._state(self.day_visits)
        with self.assertRaises(UserError):
            callout.action_apply()
        self.assertEqual(self._state(self.day_visits), before)

    def test_callout_apply_after_new_preview(self):
        callout = self._callout()
        callout.action_preview()
        self.visit_c1.planned_start = at(9, 15)
        callout.action_preview()
        callout.action_apply()
        self.assertEqual(callout.state, "applied")

    def test_callout_apply_records_time_off(self):
        callout = self._callout(record_time_off=True)
        callout.action_preview()
        callout.action_apply()
        self.assertEqual(callout.leave_id.resource_id, self.caregiver_a.resource_id)
        self.assertEqual(callout.leave_id.date_from, at(0))

    def test_callout_time_off_blocks_caregiver(self):
        callout = self._callout(record_time_off=True)
        callout.action_preview()
        callout.action_apply()
        intervals = self.caregiver_a._homehealth_work_intervals(at(0), at(23))
        self.assertEqual(intervals, [])

    def test_callout_apply_notifies(self):
        self.day_visits.with_user(self.user_scheduler)._homehealth_publish()
        before = self._employee_messages(self.caregiver_a)
        callout = self._callout(publish_on_apply=True)
        callout.action_preview()
        callout.action_apply()
        new = self._employee_messages(self.caregiver_a) - before
        self.assertEqual(len(new), 1)
        self.assertIn("Removed from your schedule", new.body)

    def _employee_messages(self, employee):
        return self.env["mail.message"].search(
            [
                ("model", "=", "hr.employee"),
                ("res_id", "=", employee.id),
                ("message_type", "=", "comment"),
            ]
        )

    def test_callout_apply_needs_preview(self):
        with self.assertRaises(UserError):
            self._callout().action_apply()

    # Time off and wizard

    def test_callout_offered_for_time_off(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Sick",
                "resource_id": self.caregiver_a.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": at(0),
                "date_to": at(23, 59),
                "time_type": "leave",
            }
        )
        callout = self.env["homehealth.callout"].search(
            [("employee_id", "=", self.caregiver_a.id)]
        )
        self.assertEqual(callout.date, CALLOUT_DAY.date())
        self.assertEqual(callout.state, "draft")
        self.assertTrue(callout.activity_ids)

    def test_callout_time_off_partial_day(self):
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Doctor",
                "resource_id": self.caregiver_a.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": at(13),
                "date_to": at(17),
                "time_type": "leave",
            }
        )
        callout = self.env["homehealth.callout"].search([("leave_id", "=", leave.id)])
        callout.with_user(self.user_scheduler).action_preview()
        self.assertEqual(callout.line_ids.filtered("released").visit_id, self.visit_a3)

    def test_callout_no_offer_without_visits(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "resource_id": self.caregiver_a.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": at(0) + timedelta(days=7),
                "date_to": at(23) + timedelta(days=7),
                "time_type": "leave",
            }
        )
        self.assertFalse(
            self.env["homehealth.callout"].search(
                [("employee_id", "=", self.caregiver_a.id)]
            )
        )

    def test_callout_wizard_preview(self):
        wizard = (
            self.env["homehealth.callout.wizard"]
            .with_user(self.user_scheduler)
            .with_context(active_model="hr.employee", active_id=self.caregiver_a.id)
            .create({"date": CALLOUT_DAY.date(), "time_limit": 1.0})
        )
        self.assertEqual(wizard.employee_id, self.caregiver_a)
        action = wizard.action_preview()
        callout = self.env["homehealth.callout"].browse(action["res_id"])
        self.assertEqual(callout.state, "previewed")
