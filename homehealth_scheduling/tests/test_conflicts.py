from datetime import date, datetime, timedelta

import pytz
from geopy.distance import geodesic

from odoo import Command, fields
from odoo.exceptions import ValidationError

from odoo.addons.homehealth_scheduling.models.homehealth_visit_conflict import (
    straight_metres,
    travel_seconds,
)

from .common import HomehealthCase

CHICAGO = pytz.timezone("America/Chicago")
MODE_PARAM = "homehealth_scheduling.conflict_mode_{rule}"


def at(*args):
    """Return the naive UTC datetime of a wall-clock time in Chicago."""
    return CHICAGO.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


def codes(visit):
    return set((visit.conflict_codes or "").split(",")) - {""}


class ConflictCase(HomehealthCase):
    """Visits of a caregiver of its own in the week of Monday 2026-04-13 (CDT)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caregiver = cls._create_caregiver(name="Test Conflict Nurse")
        cls.lincoln_park = cls.patient_a
        cls.hyde_park = cls.patient_b
        cls.rn_licence = cls.env.ref(
            "homehealth_scheduling.homehealth_certification_type_rn_licence"
        )

    def _visit(self, start, hours=1.0, patient=None, caregiver=None, **values):
        return self._create_visit(
            patient=patient or self.lincoln_park,
            caregiver=caregiver or self.caregiver,
            planned_start=start,
            duration=hours,
            state="planned",
            **values,
        )

    def _set_mode(self, rule, mode):
        self.env["ir.config_parameter"].sudo().set_param(
            MODE_PARAM.format(rule=rule), mode
        )


class TestConflictOverlap(ConflictCase):
    def test_visit_without_conflict(self):
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertFalse(visit.has_conflict)
        self.assertFalse(visit.conflict_codes)
        self.assertFalse(visit.conflict_message)

    def test_overlap_both_flagged(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 9, 30))
        self.assertEqual(codes(first), {"overlap"})
        self.assertEqual(codes(second), {"overlap"})
        self.assertIn(second.name, first.conflict_message)
        self.assertIn(first.name, second.conflict_message)

    def test_touching_same_address(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 10))
        self.assertFalse(first.has_conflict)
        self.assertFalse(second.has_conflict)

    def test_touching_other_address(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 10), patient=self.hyde_park)
        self.assertEqual(codes(first), {"overlap"})
        self.assertEqual(codes(second), {"overlap"})
        self.assertIn("travel", second.conflict_message)

    def test_straight_distance(self):
        # Within a city the distance matches geopy's geodesic to within a metre.
        origin = (
            self.lincoln_park.partner_latitude,
            self.lincoln_park.partner_longitude,
        )
        destination = (
            self.hyde_park.partner_latitude,
            self.hyde_park.partner_longitude,
        )
        expected = geodesic(origin, destination).meters
        self.assertAlmostEqual(
            straight_metres(origin, destination), expected, delta=1.0
        )

    def test_travel_boundary(self):
        needed = travel_seconds(
            (self.lincoln_park.partner_latitude, self.lincoln_park.partner_longitude),
            (self.hyde_park.partner_latitude, self.hyde_park.partner_longitude),
            self.caregiver.travel_speed_kmh,
        )
        # About 15 km apart: the detour and 30 km/h make it half an hour or more.
        self.assertGreater(needed, 30 * 60)
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(
            at(2026, 4, 14, 10) + timedelta(seconds=needed), patient=self.hyde_park
        )
        self.assertFalse(first.has_conflict)
        second.planned_start -= timedelta(seconds=1)
        self.assertEqual(codes(second), {"overlap"})
        self.assertEqual(codes(first), {"overlap"})

    def test_cancelled_ignored(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 9, 30))
        second.action_cancel()
        self.assertFalse(first.has_conflict)
        self.assertFalse(second.has_conflict)

    def test_other_caregiver_ignored(self):
        other = self._create_caregiver(name="Test Other Nurse")
        first = self._visit(at(2026, 4, 14, 9))
        self._visit(at(2026, 4, 14, 9), caregiver=other)
        self.assertFalse(first.has_conflict)

    def test_neighbour_recomputed(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 13))
        self.assertFalse(first.has_conflict)
        second.planned_start = at(2026, 4, 14, 9, 30)
        self.assertTrue(first.has_conflict)
        second.caregiver_id = self._create_caregiver(name="Test Relief Nurse")
        self.assertFalse(first.has_conflict)

    def test_neighbour_unlinked(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 9, 30))
        self.assertTrue(first.has_conflict)
        second.unlink()
        self.assertFalse(first.has_conflict)

    def test_conflicts_filter(self):
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 9, 30))
        third = self._visit(at(2026, 4, 14, 13))
        found = self.env["homehealth.visit"].search(
            [("has_conflict", "=", True), ("caregiver_id", "=", self.caregiver.id)]
        )
        self.assertEqual(found, first | second)
        self.assertNotIn(third, found)


class TestConflictAvailability(ConflictCase):
    def test_outside_hours(self):
        visit = self._visit(at(2026, 4, 14, 16, 30))
        self.assertEqual(codes(visit), {"outside_hours"})
        self.assertIn("30 min", visit.conflict_message)
        self.assertIn("17:00-17:30", visit.conflict_message)

    def test_lunch_break(self):
        visit = self._visit(at(2026, 4, 14, 11, 30))
        self.assertEqual(codes(visit), {"outside_hours"})
        self.assertIn("12:00-12:30", visit.conflict_message)

    def test_weekend(self):
        visit = self._visit(at(2026, 4, 18, 10))
        self.assertEqual(codes(visit), {"outside_hours"})
        self.assertIn("60 min", visit.conflict_message)

    def test_time_off(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test Vacation",
                "resource_id": self.caregiver.resource_id.id,
                "date_from": at(2026, 4, 15, 0),
                "date_to": at(2026, 4, 16, 0),
                "time_type": "leave",
            }
        )
        visit = self._visit(at(2026, 4, 15, 10))
        self.assertEqual(codes(visit), {"time_off"})
        self.assertIn("60 min", visit.conflict_message)
        self.assertIn("Test Vacation", visit.conflict_message)

    def test_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test Holiday",
                "calendar_id": self.calendar.id,
                "date_from": at(2026, 4, 15, 0),
                "date_to": at(2026, 4, 16, 0),
                "time_type": "leave",
            }
        )
        visit = self._visit(at(2026, 4, 15, 10))
        self.assertEqual(codes(visit), {"time_off"})

    def test_leave_recomputes(self):
        visit = self._visit(at(2026, 4, 15, 10))
        self.assertFalse(visit.has_conflict)
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Test Sick Day",
                "resource_id": self.caregiver.resource_id.id,
                "date_from": at(2026, 4, 15, 0),
                "date_to": at(2026, 4, 16, 0),
                "time_type": "leave",
            }
        )
        self.assertEqual(codes(visit), {"time_off"})
        leave.date_from = at(2026, 4, 15, 12)
        self.assertFalse(visit.has_conflict)
        leave.date_from = at(2026, 4, 15, 0)
        self.assertTrue(visit.has_conflict)
        leave.unlink()
        self.assertFalse(visit.has_conflict)

    def test_overnight_into_day_off(self):
        # Night shifts 18:00-06:00 every day; Thursday 2026-04-16 is a day off.
        nights = [(str(day), 18.0, 24.0) for day in range(7)] + [
            (str(day), 0.0, 6.0) for day in range(7)
        ]
        calendar = self._create_calendar("Test nights", nights)
        caregiver = self._create_caregiver(
            name="Test Night Nurse", resource_calendar_id=calendar.id
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test Day Off",
                "resource_id": caregiver.resource_id.id,
                "date_from": at(2026, 4, 16, 0),
                "date_to": at(2026, 4, 17, 0),
                "time_type": "leave",
            }
        )
        visit = self._visit(at(2026, 4, 15, 22), hours=4.0, caregiver=caregiver)
        self.assertEqual(codes(visit), {"time_off"})
        self.assertIn("120 min", visit.conflict_message)

    def test_overnight_outside_hours(self):
        # The same overnight visit for a day worker: all four hours are outside.
        visit = self._visit(at(2026, 4, 15, 22), hours=4.0)
        self.assertEqual(codes(visit), {"outside_hours"})
        self.assertIn("240 min", visit.conflict_message)


class TestConflictQualification(ConflictCase):
    def test_discipline_mismatch(self):
        visit = self._visit(at(2026, 4, 14, 9), discipline="pt")
        self.assertEqual(codes(visit), {"discipline"})
        self.assertIn("Physical Therapist", visit.conflict_message)

    def test_certification_missing(self):
        visit = self._visit(
            at(2026, 4, 14, 9),
            required_certification_type_ids=[Command.set(self.type_wound.ids)],
        )
        self.assertEqual(codes(visit), {"certification"})
        self.assertIn("Test Wound Care", visit.conflict_message)

    def test_certification_expired(self):
        self._certify(self.caregiver, self.type_wound, expiry=date(2026, 4, 10))
        visit = self._visit(
            at(2026, 4, 14, 9),
            required_certification_type_ids=[Command.set(self.type_wound.ids)],
        )
        self.assertEqual(codes(visit), {"certification"})
        self.assertIn("2026-04-10", visit.conflict_message)

    def test_certification_expiry_day(self):
        # A certification is valid up to and including its expiry date.
        self._certify(self.caregiver, self.type_wound, expiry=date(2026, 4, 14))
        visit = self._visit(
            at(2026, 4, 14, 9),
            required_certification_type_ids=[Command.set(self.type_wound.ids)],
        )
        self.assertFalse(visit.has_conflict)

    def test_certification_renewed_later(self):
        certification = self._certify(
            self.caregiver, self.type_wound, expiry=date(2026, 4, 10)
        )
        visit = self._visit(
            at(2026, 4, 14, 9),
            required_certification_type_ids=[Command.set(self.type_wound.ids)],
        )
        self.assertTrue(visit.has_conflict)
        certification.expiry_date = date(2027, 4, 10)
        self.assertFalse(visit.has_conflict)

    def test_licence_expired(self):
        self._certify(self.caregiver, self.rn_licence, expiry=date(2026, 4, 1))
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertEqual(codes(visit), {"certification"})
        self.assertIn(self.rn_licence.name, visit.conflict_message)

    def test_licence_renewal(self):
        self._certify(self.caregiver, self.rn_licence, expiry=date(2026, 4, 1))
        self._certify(
            self.caregiver,
            self.rn_licence,
            issue=date(2026, 4, 2),
            expiry=date(2028, 4, 1),
        )
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertFalse(visit.has_conflict)

    def test_excluded_by_patient(self):
        self.lincoln_park.excluded_caregiver_ids = self.caregiver
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertEqual(codes(visit), {"excluded"})
        self.assertIn(self.lincoln_park.name, visit.conflict_message)

    def test_exclusion_added_later(self):
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertFalse(visit.has_conflict)
        self.lincoln_park.excluded_caregiver_ids = self.caregiver
        self.assertEqual(codes(visit), {"excluded"})

    def test_language_required(self):
        self.lincoln_park.write(
            {"preferred_language_id": self.language_test.id, "language_required": True}
        )
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertEqual(codes(visit), {"language"})
        self.assertIn(self.language_test.name, visit.conflict_message)
        self.caregiver.language_ids = self.language_test
        self.assertFalse(visit.has_conflict)

    def test_language_preferred_only(self):
        self.lincoln_park.preferred_language_id = self.language_test
        visit = self._visit(at(2026, 4, 14, 9))
        self.assertFalse(visit.has_conflict)

    def test_patient_without_coordinates(self):
        patient = self._create_patient(name="Test Unlocated Patient")
        visit = self._create_visit(patient=patient)
        self.assertEqual(codes(visit), {"coordinates"})
        self.assertIn(patient.name, visit.conflict_message)

    def test_city_level_coordinates(self):
        patient = self._create_patient(
            name="Test City Patient",
            partner_latitude=41.8781,
            partner_longitude=-87.6298,
            geocode_quality="city",
        )
        visit = self._visit(at(2026, 4, 14, 9), patient=patient)
        self.assertEqual(codes(visit), {"coordinates"})

    @classmethod
    def _certify(cls, caregiver, cert_type, expiry, issue=None):
        return cls.env["homehealth.certification"].create(
            {
                "employee_id": caregiver.id,
                "type_id": cert_type.id,
                "issue_date": issue or date(2024, 1, 1),
                "expiry_date": expiry,
            }
        )


class TestConflictLimits(ConflictCase):
    def test_visits_per_day(self):
        self.caregiver.max_visits_per_day = 2
        visits = self._visit(at(2026, 4, 14, 9)) | self._visit(at(2026, 4, 14, 10))
        self.assertFalse(any(visits.mapped("has_conflict")))
        visits |= self._visit(at(2026, 4, 14, 14))
        for visit in visits:
            self.assertEqual(codes(visit), {"day_visits"})
        self.assertIn("3 visits", visits[0].conflict_message)

    def test_visits_other_day(self):
        self.caregiver.max_visits_per_day = 1
        first = self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 15, 9))
        self.assertFalse(first.has_conflict)
        self.assertFalse(second.has_conflict)

    def test_workload_per_day(self):
        self.caregiver.max_workload_per_day = 3
        first = self._visit(at(2026, 4, 14, 9), workload_points=2)
        self.assertFalse(first.has_conflict)
        second = self._visit(at(2026, 4, 14, 10), workload_points=2)
        self.assertEqual(codes(first), {"day_workload"})
        self.assertEqual(codes(second), {"day_workload"})

    def test_week_hours_count_waiting(self):
        # Two one-hour visits at 08:00 and 15:00: 2 h of care, 8 h of the day.
        self.caregiver.max_hours_per_week = 5
        first = self._visit(at(2026, 4, 13, 8))
        second = self._visit(at(2026, 4, 13, 15))
        self.assertEqual(codes(first), {"week_hours"})
        self.assertEqual(codes(second), {"week_hours"})
        self.assertIn("8.0 h", first.conflict_message)

    def test_week_hours_within(self):
        self.caregiver.max_hours_per_week = 5
        first = self._visit(at(2026, 4, 13, 9))
        second = self._visit(at(2026, 4, 14, 9))
        self.assertFalse(first.has_conflict)
        self.assertFalse(second.has_conflict)

    def test_week_hours_next_week(self):
        # Monday 2026-04-20 starts another week: its hours do not add up.
        self.caregiver.max_hours_per_week = 5
        first = self._visit(at(2026, 4, 17, 8), hours=4.0)
        second = self._visit(at(2026, 4, 20, 8), hours=4.0)
        self.assertFalse(first.has_conflict)
        self.assertFalse(second.has_conflict)

    def test_limit_lowered_later(self):
        visits = self._visit(at(2026, 4, 14, 9)) | self._visit(at(2026, 4, 14, 10))
        self.assertFalse(any(visits.mapped("has_conflict")))
        self.caregiver.max_visits_per_day = 1
        self.assertTrue(all(visits.mapped("has_conflict")))


class TestConflictBlocking(ConflictCase):
    def test_warn_saves(self):
        self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 9, 30))
        self.assertTrue(second.has_conflict)

    def test_block_rejects(self):
        self._set_mode("overlap", "block")
        first = self._visit(at(2026, 4, 14, 9))
        with self.assertRaises(ValidationError) as caught:
            self._visit(at(2026, 4, 14, 9, 30))
        self.assertIn(first.name, str(caught.exception))
        self.assertIn("Overlaps", str(caught.exception))

    def test_block_on_write(self):
        self._set_mode("overlap", "block")
        self._visit(at(2026, 4, 14, 9))
        second = self._visit(at(2026, 4, 14, 13))
        with self.assertRaises(ValidationError) as caught:
            second.planned_start = at(2026, 4, 14, 9, 30)
        self.assertIn(second.name, str(caught.exception))

    def test_block_other_rule(self):
        # Only the overlap rule blocks: a visit outside hours still saves.
        self._set_mode("overlap", "block")
        visit = self._visit(at(2026, 4, 14, 16, 30))
        self.assertEqual(codes(visit), {"outside_hours"})

    def test_block_keeps_old_conflict(self):
        first = self._visit(at(2026, 4, 14, 9))
        self._visit(at(2026, 4, 14, 9, 30))
        self._set_mode("overlap", "block")
        first.notes = "Bring the glucometer."
        self.assertTrue(first.has_conflict)

    def test_block_certification(self):
        self._set_mode("certification", "block")
        with self.assertRaises(ValidationError) as caught:
            self._visit(
                at(2026, 4, 14, 9),
                required_certification_type_ids=[Command.set(self.type_wound.ids)],
            )
        self.assertIn("Test Wound Care", str(caught.exception))

    def test_settings_store_mode(self):
        settings = self.env["res.config.settings"].create(
            {"homehealth_conflict_time_off_mode": "block"}
        )
        settings.execute()
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(MODE_PARAM.format(rule="time_off"))
        )
        self.assertEqual(value, "block")


class TestCertificationBlockedVisits(ConflictCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["homehealth.visit"])
        cls.today = today
        cls.expiring = cls.env["homehealth.certification"].create(
            {
                "employee_id": cls.caregiver.id,
                "type_id": cls.type_wound.id,
                "issue_date": date(2024, 1, 1),
                "expiry_date": today + timedelta(days=5),
            }
        )

        wound = [Command.set(cls.type_wound.ids)]
        cls.blocked = cls.env["homehealth.visit"]
        for days in (8, 9):
            cls.blocked |= cls._create_visit(
                patient=cls.patient_a,
                caregiver=cls.caregiver,
                planned_start=cls._noon_in(days),
                state="planned",
                required_certification_type_ids=wound,
            )
        cls.blocked |= cls._create_visit(
            patient=cls.patient_a,
            caregiver=cls.caregiver,
            window_start=cls._noon_in(10),
            window_end=cls._noon_in(10) + timedelta(hours=2),
            required_certification_type_ids=wound,
        )

        # Not blocked: before the expiry, no wound care needed, cancelled.
        cls._create_visit(
            patient=cls.patient_a,
            caregiver=cls.caregiver,
            planned_start=cls._noon_in(2),
            state="planned",
            required_certification_type_ids=wound,
        )
        cls._create_visit(
            patient=cls.patient_a,
            caregiver=cls.caregiver,
            planned_start=cls._noon_in(8) + timedelta(hours=2),
            state="planned",
        )
        cls._create_visit(
            patient=cls.patient_a,
            caregiver=cls.caregiver,
            planned_start=cls._noon_in(9) + timedelta(hours=2),
            state="cancelled",
            required_certification_type_ids=wound,
        )

    @classmethod
    def _noon_in(cls, days):
        """Return 12:00 Chicago time ``days`` days after today, as naive UTC."""
        day = datetime.now(CHICAGO).date() + timedelta(days=days)
        return at(day.year, day.month, day.day, 12)

    def test_certification_count(self):
        self.assertEqual(self.expiring.blocked_visit_count, 3)

    def test_caregiver_count(self):
        self.assertEqual(self.caregiver.certification_blocked_visit_count, 3)

    def test_caregiver_action(self):
        action = self.caregiver.action_view_certification_blocked_visits()
        found = self.env["homehealth.visit"].search(action["domain"])
        self.assertEqual(found, self.blocked)

    def test_renewal_unblocks(self):
        self.env["homehealth.certification"].create(
            {
                "employee_id": self.caregiver.id,
                "type_id": self.type_wound.id,
                "issue_date": self.today + timedelta(days=5),
                "expiry_date": self.today + timedelta(days=800),
            }
        )
        self.assertEqual(self.expiring.blocked_visit_count, 0)
        self.assertEqual(self.caregiver.certification_blocked_visit_count, 0)

    def test_beyond_horizon(self):
        # Expiring in 20 days, after the two-week horizon: the certification
        # still counts its blocked visit, the caregiver shows no warning.
        self.env["ir.config_parameter"].sudo().set_param(
            "homehealth_scheduling.care_plan_horizon_weeks", "2"
        )
        self.expiring.expiry_date = self.today + timedelta(days=20)
        self._create_visit(
            patient=self.patient_a,
            caregiver=self.caregiver,
            planned_start=self._noon_in(25),
            state="planned",
            required_certification_type_ids=[Command.set(self.type_wound.ids)],
        )
        self.assertEqual(self.expiring.blocked_visit_count, 1)
        self.assertEqual(self.caregiver.certification_blocked_visit_count, 0)

    def test_licence_blocks_discipline(self):
        licence = self.env["homehealth.certification"].create(
            {
                "employee_id": self.caregiver.id,
                "type_id": self.rn_licence.id,
                "issue_date": date(2020, 1, 1),
                "expiry_date": self.today + timedelta(days=3),
            }
        )
        # Every active future visit after the expiry is an RN visit: four of them.
        self.assertEqual(licence.blocked_visit_count, 4)


class TestConflictQueries(ConflictCase):
    """Recomputing the conflicts of a batch of visits takes a number of queries
    that does not grow with the number of caregivers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["hr.employee"]
        cls.team_visits = {}
        for index in range(13):
            caregiver = cls._create_caregiver(
                name=f"Test Query Nurse {index}", max_visits_per_day=2
            )
            cls.env["homehealth.certification"].create(
                {
                    "employee_id": caregiver.id,
                    "type_id": cls.type_wound.id,
                    "issue_date": date(2024, 1, 1),
                    "expiry_date": date(2030, 1, 1),
                }
            )
            cls.env["resource.calendar.leaves"].create(
                {
                    "name": f"Test Query Leave {index}",
                    "resource_id": caregiver.resource_id.id,
                    "date_from": at(2026, 4, 14, 11),
                    "date_to": at(2026, 4, 14, 12),
                    "time_type": "leave",
                }
            )
            visits = cls.env["homehealth.visit"]
            # Early (outside hours), two back to back, one in the time off.
            for hour in (7, 9, 10, 11):
                visits |= cls._create_visit(
                    patient=cls.lincoln_park,
                    caregiver=caregiver,
                    planned_start=at(2026, 4, 14, hour),
                    state="planned",
                    required_certification_type_ids=[Command.set(cls.type_wound.ids)],
                )
            cls.team |= caregiver
            cls.team_visits[caregiver] = visits

    def _recompute_queries(self, caregivers):
        visits = self.env["homehealth.visit"].union(
            *(self.team_visits[caregiver] for caregiver in caregivers)
        )
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        visits._homehealth_recompute_conflicts()
        return self.cr.sql_log_count - before

    def test_queries_do_not_grow(self):
        self._recompute_queries(self.team[:1])
        queries_3 = self._recompute_queries(self.team[1:4])
        queries_9 = self._recompute_queries(self.team[4:])
        self.assertLessEqual(queries_9, queries_3)

    def test_batch_keeps_conflicts(self):
        # Checked in one batch of nine caregivers, each caregiver's visit in the
        # time off still gets its own time off conflict.
        self._recompute_queries(self.team[4:])
        for caregiver in self.team[4:]:
            in_leave = self.team_visits[caregiver][3]
            with self.subTest(caregiver=caregiver.name):
                self.assertIn("time_off", codes(in_leave))
