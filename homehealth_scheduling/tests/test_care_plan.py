from datetime import date, datetime, timedelta

import psycopg2
import pytz

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.homehealth_scheduling.models.frequency import VALID_FORMS

from .common import HomehealthCase

CHICAGO = pytz.timezone("America/Chicago")
HORIZON_PARAM = "homehealth_scheduling.care_plan_horizon_weeks"


def to_chicago(value):
    """Return a naive UTC datetime as an aware Chicago datetime."""
    return pytz.utc.localize(value).astimezone(CHICAGO)


class CarePlanCase(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient = cls._create_patient(
            name="Test Plan Patient",
            street="1060 W Addison St",
            zip="60613",
            partner_latitude=41.9484,
            partner_longitude=-87.6553,
            geocode_quality="exact",
            tz="America/Chicago",
        )
        cls.env["ir.config_parameter"].sudo().set_param(HORIZON_PARAM, "2")

    def _create_plan(self, start, lines, **values):
        """Create a draft plan with lines given as dicts of line values."""
        vals = {
            "patient_id": self.patient.id,
            "start_date": start,
            "line_ids": [
                Command.create(dict(self._line_values(), **line)) for line in lines
            ],
        }
        vals.update(values)
        return self.env["homehealth.care.plan"].create(vals)

    @staticmethod
    def _line_values():
        return {
            "discipline": "rn",
            "visit_type": "routine",
            "frequency": "3W4",
            "duration": 1.0,
            "window_start_time": 9.0,
            "window_end_time": 11.0,
            "monday": True,
            "tuesday": False,
            "wednesday": True,
            "thursday": False,
            "friday": True,
        }

    def _activate(self, plan, today):
        """Activate a plan and generate its visits as if ``today`` were the date."""
        plan.write({"state": "active"})
        return plan._generate_visits(today=today)

    @staticmethod
    def _chicago_today():
        return datetime.now(CHICAGO).date()

    def _next_monday(self):
        today = self._chicago_today()
        return today + timedelta(days=7 - today.weekday())


class TestCarePlan(CarePlanCase):
    def test_plan_default_end(self):
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self.assertEqual(plan.end_date, date(2026, 4, 30))

    def test_plan_end_before_start(self):
        with self.assertRaises(ValidationError):
            self._create_plan(date(2026, 3, 2), [{}], end_date=date(2026, 3, 1))

    def test_line_invalid_frequency(self):
        with self.assertRaises(ValidationError) as caught:
            self._create_plan(date(2026, 3, 2), [{"frequency": "3 times a week"}])
        self.assertIn(VALID_FORMS, str(caught.exception))

    def test_line_window_time_range(self):
        with self.assertRaises(ValidationError):
            self._create_plan(date(2026, 3, 2), [{"window_end_time": 25.0}])

    def test_generate_within_horizon(self):
        plan = self._create_plan(date(2026, 3, 2), [{}])
        totals = self._activate(plan, date(2026, 3, 2))
        self.assertEqual(totals["created"], 6)
        visits = plan.visit_ids
        self.assertEqual(len(visits), 6)
        self.assertEqual(set(visits.mapped("state")), {"draft"})
        self.assertFalse(any(visits.mapped("planned_start")))
        self.assertFalse(any(visits.mapped("caregiver_id")))
        self.assertEqual(set(visits.mapped("patient_id")), set(self.patient))

    def test_generate_idempotent(self):
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self._activate(plan, date(2026, 3, 2))
        first_ids = set(plan.visit_ids.ids)
        totals = plan._generate_visits(today=date(2026, 3, 2))
        self.assertEqual(totals, {"created": 0, "updated": 0, "removed": 0})
        self.assertEqual(set(plan.visit_ids.ids), first_ids)

    def test_generate_extends_horizon(self):
        # A week later the next week of the order enters the horizon.
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self._activate(plan, date(2026, 3, 2))
        totals = plan._generate_visits(today=date(2026, 3, 9))
        self.assertEqual(totals["created"], 3)
        self.assertEqual(len(plan.visit_ids), 9)

    def test_generate_horizon_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(HORIZON_PARAM, "3")
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self._activate(plan, date(2026, 3, 2))
        self.assertEqual(len(plan.visit_ids), 9)

    def test_generate_stops_at_order_end(self):
        plan = self._create_plan(date(2026, 3, 2), [{"frequency": "2W1"}])
        self._activate(plan, date(2026, 3, 2))
        self.assertEqual(len(plan.visit_ids), 2)

    def test_generate_draft_plan(self):
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self.assertEqual(plan._generate_visits(today=date(2026, 3, 2))["created"], 0)
        with self.assertRaises(UserError):
            plan.action_generate_visits()

    def test_generate_skips_past_days(self):
        # Generating on Wednesday creates nothing for Monday of the same week.
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self._activate(plan, date(2026, 3, 4))
        first = min(plan.visit_ids.mapped("window_start"))
        self.assertEqual(to_chicago(first).date(), date(2026, 3, 4))

    def test_generated_visit_values(self):
        wound = self.type_wound
        plan = self._create_plan(
            date(2026, 3, 2),
            [
                {
                    "discipline": "pt",
                    "visit_type": "soc",
                    "frequency": "1W1",
                    "duration": 1.5,
                    "workload_points": 3,
                    "required_certification_type_ids": [Command.set(wound.ids)],
                }
            ],
        )
        self._activate(plan, date(2026, 3, 2))
        visit = plan.visit_ids
        self.assertEqual(visit.discipline, "pt")
        self.assertEqual(visit.visit_type, "soc")
        self.assertEqual(visit.duration, 1.5)
        self.assertEqual(visit.workload_points, 3)
        self.assertEqual(visit.required_certification_type_ids, wound)
        self.assertEqual(visit.care_plan_line_id, plan.line_ids)
        self.assertEqual((visit.care_plan_week, visit.care_plan_occurrence), (0, 0))

    def test_visit_key_unique(self):
        plan = self._create_plan(date(2026, 3, 2), [{"frequency": "1W1"}])
        self._activate(plan, date(2026, 3, 2))
        visit = plan.visit_ids
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
        ):
            self._create_visit(
                patient=self.patient,
                care_plan_id=plan.id,
                care_plan_line_id=visit.care_plan_line_id.id,
                care_plan_week=0,
                care_plan_occurrence=0,
            )

    def test_plan_unlink_with_visits(self):
        plan = self._create_plan(date(2026, 3, 2), [{"frequency": "1W1"}])
        self._activate(plan, date(2026, 3, 2))
        with self.assertRaises(UserError):
            plan.unlink()


class TestCarePlanTimes(CarePlanCase):
    def test_dst_fall_back(self):
        # Chicago leaves daylight saving time on Sunday 2026-11-01.
        plan = self._create_plan(date(2026, 10, 26), [{}])
        self._activate(plan, date(2026, 10, 26))
        visits = plan.visit_ids.sorted("window_start")
        self.assertEqual(
            [visit.window_start.hour for visit in visits], [14, 14, 14, 15, 15, 15]
        )
        local_starts = [to_chicago(visit.window_start) for visit in visits]
        self.assertEqual({local.hour for local in local_starts}, {9})
        self.assertEqual({local.minute for local in local_starts}, {0})
        self.assertEqual([local.weekday() for local in local_starts], [0, 2, 4] * 2)

    def test_dst_spring_forward(self):
        # Chicago starts daylight saving time on Sunday 2026-03-08.
        plan = self._create_plan(date(2026, 3, 2), [{}])
        self._activate(plan, date(2026, 3, 2))
        visits = plan.visit_ids.sorted("window_start")
        self.assertEqual(
            [visit.window_start.hour for visit in visits], [15, 15, 15, 14, 14, 14]
        )
        local_ends = [to_chicago(visit.window_end) for visit in visits]
        self.assertEqual({local.hour for local in local_ends}, {11})

    def test_evening_window(self):
        # 19:00-21:00 in Chicago (CST, UTC-6) is 01:00-03:00 UTC the next day.
        plan = self._create_plan(
            date(2026, 3, 2),
            [
                {
                    "frequency": "1W1",
                    "window_start_time": 19.0,
                    "window_end_time": 21.0,
                    "monday": False,
                    "wednesday": False,
                    "friday": False,
                    "tuesday": True,
                }
            ],
        )
        self._activate(plan, date(2026, 3, 2))
        visit = plan.visit_ids
        self.assertEqual(visit.window_start, datetime(2026, 3, 4, 1, 0))
        self.assertEqual(visit.window_end, datetime(2026, 3, 4, 3, 0))
        self.assertEqual(to_chicago(visit.window_start).weekday(), 1)

    def test_window_past_midnight(self):
        plan = self._create_plan(
            date(2026, 3, 2),
            [
                {
                    "frequency": "1W1",
                    "window_start_time": 22.0,
                    "window_end_time": 1.5,
                    "wednesday": False,
                    "friday": False,
                }
            ],
        )
        self._activate(plan, date(2026, 3, 2))
        visit = plan.visit_ids
        self.assertEqual(
            to_chicago(visit.window_start),
            CHICAGO.localize(datetime(2026, 3, 2, 22, 0)),
        )
        self.assertEqual(
            to_chicago(visit.window_end), CHICAGO.localize(datetime(2026, 3, 3, 1, 30))
        )

    def test_company_time_zone_fallback(self):
        self.patient.tz = False
        self.company.partner_id.tz = "America/New_York"
        plan = self._create_plan(
            date(2026, 3, 2),
            [{"frequency": "1W1", "wednesday": False, "friday": False}],
        )
        self._activate(plan, date(2026, 3, 2))
        # 09:00 in New York (EST, UTC-5) on Monday 2026-03-02.
        self.assertEqual(plan.visit_ids.window_start, datetime(2026, 3, 2, 14, 0))


class TestCarePlanChanges(CarePlanCase):
    def _plan_from_next_monday(self, **line):
        """Return an active plan starting next Monday, visits from that date."""
        start = self._next_monday()
        plan = self._create_plan(start, [line])
        self._activate(plan, start)
        return plan

    def test_line_change_updates_free(self):
        plan = self._plan_from_next_monday()
        visits = plan.visit_ids.sorted("window_start")
        planned, pinned, done = visits[0], visits[1], visits[2]
        free = visits[3:]
        planned.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": planned.window_start,
                "state": "planned",
            }
        )
        pinned.pinned = True
        done.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": done.window_start,
                "state": "done",
            }
        )
        kept_windows = {visit: visit.window_start for visit in visits[:3]}

        plan.line_ids.write({"window_start_time": 13.0, "window_end_time": 15.0})

        for visit in free:
            self.assertEqual(to_chicago(visit.window_start).hour, 13)
        for visit, window_start in kept_windows.items():
            self.assertEqual(visit.window_start, window_start)

    def test_line_change_removes_free(self):
        plan = self._plan_from_next_monday()
        visits = plan.visit_ids.sorted("window_start")
        # The third visit of week 1 is planned: reducing the frequency keeps it.
        planned = visits[2]
        planned.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": planned.window_start,
                "state": "planned",
            }
        )
        plan.line_ids.frequency = "1W4"
        remaining = plan.visit_ids
        self.assertIn(planned, remaining)
        self.assertEqual(len(remaining), 3)
        self.assertEqual(sorted(remaining.mapped("care_plan_occurrence")), [0, 0, 2])

    def test_line_change_keeps_assigned_draft(self):
        plan = self._plan_from_next_monday()
        visit = plan.visit_ids.sorted("window_start")[-1]
        visit.caregiver_id = self.caregiver_a
        plan.line_ids.frequency = "1W4"
        self.assertTrue(visit.exists())

    def test_line_change_discipline(self):
        plan = self._plan_from_next_monday()
        plan.line_ids.discipline = "lpn"
        self.assertEqual(set(plan.visit_ids.mapped("discipline")), {"lpn"})

    def test_line_removed(self):
        plan = self._plan_from_next_monday()
        visits = plan.visit_ids.sorted("window_start")
        planned = visits[0]
        planned.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": planned.window_start,
                "state": "planned",
            }
        )
        plan.line_ids.unlink()
        self.assertEqual(plan.visit_ids, planned)
        self.assertFalse(planned.care_plan_line_id)

    def test_close_removes_free(self):
        plan = self._plan_from_next_monday()
        visits = plan.visit_ids.sorted("window_start")
        planned = visits[0]
        planned.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": planned.window_start,
                "state": "planned",
            }
        )
        plan.action_close()
        self.assertEqual(plan.state, "closed")
        self.assertEqual(plan.visit_ids, planned)

    def test_cron_generates_once(self):
        start = self._chicago_today()
        plan = self._create_plan(start, [{}])
        plan.state = "active"
        self.env["homehealth.care.plan"]._cron_generate_visits()
        count = len(plan.visit_ids)
        self.assertGreater(count, 0)
        self.env["homehealth.care.plan"]._cron_generate_visits()
        self.assertEqual(len(plan.visit_ids), count)

    def test_activate_generates(self):
        plan = self._create_plan(self._chicago_today(), [{}])
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertTrue(plan.visit_ids)

    def test_activate_without_lines(self):
        plan = self._create_plan(self._chicago_today(), [])
        with self.assertRaises(UserError):
            plan.action_activate()

    def test_range_generates_lower_bound(self):
        plan = self._plan_from_next_monday(frequency="1-3W2")
        line = plan.line_ids
        self.assertEqual(len(plan.visit_ids), 2)
        self.assertEqual(line.scheduled_visit_count, 2)
        self.assertEqual(line.allowed_visit_count, 6)

    def test_shortfall_count(self):
        # The plan ends on the Tuesday of week 2: one of three visits does not fit.
        start = date(2026, 3, 2)
        plan = self._create_plan(
            start, [{"frequency": "3W2"}], end_date=date(2026, 3, 10)
        )
        self.assertEqual(plan.line_ids.unscheduled_visit_count, 1)


class TestCarePlanPrn(CarePlanCase):
    def test_prn_add_visit(self):
        plan = self._create_plan(self._chicago_today(), [{"frequency": "1W1, 2 PRN"}])
        plan.state = "active"
        line = plan.line_ids
        self.assertEqual(line.prn_remaining_count, 2)
        action = line.action_add_prn_visit()
        visit = self.env["homehealth.visit"].browse(action["res_id"])
        self.assertEqual(visit.visit_type, "prn")
        self.assertEqual(visit.care_plan_line_id, line)
        self.assertEqual(visit.state, "draft")
        self.assertGreaterEqual(visit.window_start, datetime.now() - timedelta(days=1))
        line.action_add_prn_visit()
        self.assertEqual(line.prn_remaining_count, 0)
        with self.assertRaises(UserError):
            line.action_add_prn_visit()

    def test_prn_not_scheduled(self):
        plan = self._create_plan(date(2026, 3, 2), [{"frequency": "2 PRN"}])
        totals = self._activate(plan, date(2026, 3, 2))
        self.assertEqual(totals["created"], 0)

    def test_prn_cancelled_returns(self):
        plan = self._create_plan(self._chicago_today(), [{"frequency": "1 PRN"}])
        plan.state = "active"
        line = plan.line_ids
        action = line.action_add_prn_visit()
        self.env["homehealth.visit"].browse(action["res_id"]).action_cancel()
        self.assertEqual(line.prn_remaining_count, 1)
        second = self.env["homehealth.visit"].browse(
            line.action_add_prn_visit()["res_id"]
        )
        self.assertEqual(second.care_plan_occurrence, 1)


class TestCarePlanAuthorization(CarePlanCase):
    def test_authorization_count(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 4}])
        self._activate(plan, date(2026, 3, 2))
        line = plan.line_ids
        visits = plan.visit_ids.sorted("window_start")
        self.assertEqual(
            visits.mapped("authorization_exceeded"),
            [False, False, False, False, True, True],
        )
        self.assertEqual(line.authorization_used, 6)
        self.assertEqual(line.authorization_remaining, -2)
        self.assertTrue(plan.authorization_exceeded)

    def test_authorization_message(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 4}])
        self._activate(plan, date(2026, 3, 2))
        flagged = plan.visit_ids.filtered("authorization_exceeded")
        bodies = plan.message_ids.mapped("body")
        warnings = [body for body in bodies if "payer authorization" in body]
        self.assertEqual(len(warnings), 1)
        for name in flagged.mapped("name"):
            self.assertIn(name, warnings[0])

    def test_authorization_message_once(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 4}])
        self._activate(plan, date(2026, 3, 2))
        plan._generate_visits(today=date(2026, 3, 2))
        bodies = plan.message_ids.mapped("body")
        self.assertEqual(
            len([body for body in bodies if "payer authorization" in body]), 1
        )

    def test_authorization_lowered(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 12}])
        self._activate(plan, date(2026, 3, 2))
        self.assertFalse(
            plan.message_ids.filtered(lambda m: "authorization" in (m.body or ""))
        )
        plan.line_ids.authorized_count = 4
        flagged = plan.visit_ids.filtered("authorization_exceeded")
        self.assertEqual(len(flagged), 2)
        warning = plan.message_ids[0].body
        for name in flagged.mapped("name"):
            self.assertIn(name, warning)

    def test_authorization_within_limit(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 12}])
        self._activate(plan, date(2026, 3, 2))
        line = plan.line_ids
        self.assertFalse(any(plan.visit_ids.mapped("authorization_exceeded")))
        self.assertEqual(line.authorization_remaining, 6)
        self.assertFalse(plan.authorization_exceeded)

    def test_authorization_period(self):
        plan = self._create_plan(
            date(2026, 3, 2),
            [
                {
                    "authorized_count": 20,
                    "authorization_start": date(2026, 3, 2),
                    "authorization_end": date(2026, 3, 8),
                }
            ],
        )
        self._activate(plan, date(2026, 3, 2))
        line = plan.line_ids
        week_two = plan.visit_ids.filtered(
            lambda visit: to_chicago(visit.window_start).date() > date(2026, 3, 8)
        )
        self.assertEqual(len(week_two), 3)
        self.assertTrue(all(week_two.mapped("authorization_exceeded")))
        self.assertEqual(line.authorization_used, 3)

    def test_authorization_units(self):
        # One-hour visits use four 15-minute units each: 10 units cover two visits.
        plan = self._create_plan(
            date(2026, 3, 2),
            [{"authorized_count": 10, "authorization_unit": "unit"}],
        )
        self._activate(plan, date(2026, 3, 2))
        line = plan.line_ids
        self.assertEqual(line.authorization_used, 24)
        self.assertEqual(len(plan.visit_ids.filtered("authorization_exceeded")), 4)

    def test_authorization_cancel_frees(self):
        plan = self._create_plan(date(2026, 3, 2), [{"authorized_count": 5}])
        self._activate(plan, date(2026, 3, 2))
        visits = plan.visit_ids.sorted("window_start")
        self.assertTrue(visits[-1].authorization_exceeded)
        visits[0].action_cancel()
        self.assertFalse(visits[-1].authorization_exceeded)
        self.assertEqual(plan.line_ids.authorization_remaining, 0)

    def test_authorization_planning_warns(self):
        # Planning a visit into the week after the authorization flags it.
        plan = self._create_plan(
            date(2026, 3, 2),
            [{"authorized_count": 20, "authorization_end": date(2026, 3, 13)}],
        )
        self._activate(plan, date(2026, 3, 2))
        visit = plan.visit_ids.sorted("window_start")[0]
        self.assertFalse(visit.authorization_exceeded)
        visit.write(
            {
                "caregiver_id": self.caregiver_a.id,
                "planned_start": datetime(2026, 3, 16, 15, 0),
                "state": "planned",
            }
        )
        self.assertTrue(visit.authorization_exceeded)
        last_message = plan.message_ids[0]
        self.assertIn(visit.name, last_message.body)


class TestCarePlanAccess(CarePlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_a = cls.env["homehealth.care.plan"].create(
            {
                "patient_id": cls.patient_a.id,
                "start_date": date(2026, 3, 2),
                "line_ids": [Command.create(dict(cls._line_values()))],
            }
        )
        cls.plan_b = cls.env["homehealth.care.plan"].create(
            {
                "patient_id": cls.patient_b.id,
                "start_date": date(2026, 3, 2),
                "line_ids": [Command.create(dict(cls._line_values(), discipline="pt"))],
            }
        )

    def test_caregiver_reads_own_patient_plan(self):
        plan = self.plan_a.with_user(self.user_caregiver_a)
        self.assertEqual(plan.patient_id, self.patient_a)
        self.assertEqual(plan.line_ids.frequency, "3W4")

    def test_caregiver_other_patient_plan(self):
        plan = self.plan_b.with_user(self.user_caregiver_a)
        with self.assertRaises(AccessError):
            plan.read(["start_date"])
        with self.assertRaises(AccessError):
            plan.line_ids.read(["frequency"])

    def test_caregiver_search_plans(self):
        plans = (
            self.env["homehealth.care.plan"]
            .with_user(self.user_caregiver_a)
            .search([("id", "in", (self.plan_a | self.plan_b).ids)])
        )
        self.assertEqual(plans, self.plan_a)

    def test_caregiver_cannot_create(self):
        with self.assertRaises(AccessError):
            self.env["homehealth.care.plan"].with_user(self.user_caregiver_a).create(
                {"patient_id": self.patient_a.id, "start_date": date(2026, 3, 2)}
            )

    def test_caregiver_cannot_write(self):
        with self.assertRaises(AccessError):
            self.plan_a.with_user(self.user_caregiver_a).write(
                {"end_date": date(2026, 4, 1)}
            )

    def test_scheduler_generates(self):
        plan = self.plan_b.with_user(self.user_scheduler)
        plan.write({"state": "active"})
        totals = plan._generate_visits(today=date(2026, 3, 2))
        self.assertEqual(totals["created"], 6)

    def test_scheduler_cannot_unlink_plan(self):
        with self.assertRaises(AccessError):
            self.plan_b.with_user(self.user_scheduler).unlink()

    def test_patient_smart_button(self):
        action = self.patient_a.with_user(self.user_scheduler).action_view_care_plans()
        self.assertEqual(action["domain"], [("patient_id", "=", self.patient_a.id)])
        self.assertEqual(self.patient_a.care_plan_count, 1)
