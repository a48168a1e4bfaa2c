import ast
import json
from datetime import datetime, timedelta

import pytz

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .planning_common import WEEK_START, PlanningCase, chicago

RUN_LOGGER = "odoo.addons.homehealth_scheduling.models.homehealth_planning_run"

VISIT_STATE_FIELDS = [
    "caregiver_id",
    "planned_start",
    "state",
    "route_sequence",
    "unassigned_reason",
    "planning_run_id",
    "write_date",
]


@tagged("post_install", "-at_install")
class TestPlanningRun(PlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day_visits = cls.env["homehealth.visit"]
        for patient in cls.plan_patients[:4]:
            cls.day_visits |= cls._plan_visit(patient, WEEK_START, 9, 15)
        cls.day_visits |= cls._plan_visit(
            cls.plan_patients[4],
            WEEK_START,
            9,
            15,
            caregiver_id=cls.nurse_ben.id,
            planned_start=chicago(WEEK_START, 9),
            state="planned",
        )

    def _visit_state(self):
        self.env.invalidate_all()
        return self.day_visits.read(VISIT_STATE_FIELDS)

    @mute_logger(RUN_LOGGER)
    def test_failing_engine_changes_nothing(self):
        """The engine rejects an unknown search strategy: the run fails whole."""
        self.env["ir.config_parameter"].sudo().set_param(
            "homehealth_scheduling.planning_metaheuristic", "no_such_search"
        )
        before = self._visit_state()
        run = self._plan()
        self.assertEqual(run.state, "failed")
        self.assertIn("metaheuristic", run.error_message)
        self.assertIn("no_such_search", run.error_message)
        self.assertEqual(self._visit_state(), before)
        self.assertFalse(run.line_ids)
        self.assertIn("failed", run.message_ids[0].body)

    @mute_logger(RUN_LOGGER)
    def test_failure_notifies_user(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "homehealth_scheduling.planning_metaheuristic", "no_such_search"
        )
        run = self._plan(user=self.user_scheduler)
        notifications = self._notifications(run)
        self.assertEqual(len(notifications), 1)
        self.assertEqual(notifications[0]["payload"]["type"], "danger")

    def _notifications(self, run):
        messages = self.env["bus.bus"].sudo().search([]).mapped("message")
        found = []
        for message in messages:
            data = json.loads(message)
            if (
                data.get("type") == "simple_notification"
                and data["payload"].get("title") == run.name
            ):
                found.append(data)
        return found

    def test_done_notifies_user(self):
        run = self._plan(user=self.user_scheduler)
        self.assertEqual(run.state, "done", run.error_message)
        notifications = self._notifications(run)
        self.assertEqual(len(notifications), 1)
        self.assertIn("5 visits planned", notifications[0]["payload"]["message"])

    def test_background_run_queued(self):
        run = self._plan(background=True)
        self.assertEqual(run.state, "queued")
        self.assertTrue(run.background)
        cron = self.env.ref("homehealth_scheduling.ir_cron_homehealth_planning_queue")
        triggers = (
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        )
        self.assertTrue(triggers)
        self.assertFalse(self.day_visits.filtered(lambda v: v.planning_run_id))

    def test_background_run_solved_by_cron(self):
        run = self._plan(background=True)
        self.env["homehealth.planning.run"]._cron_run_queued()
        self.env.invalidate_all()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(run.planned_count, len(self.day_visits))
        self.assertEqual(len(self._notifications(run)), 1)

    def test_background_by_size(self):
        runs = self.env["homehealth.planning.run"]
        self.assertFalse(runs._runs_in_background(5, 150))
        self.assertTrue(runs._runs_in_background(5.5, 10))
        self.assertTrue(runs._runs_in_background(1, 151))

    def test_long_time_limit_goes_to_background(self):
        run = self._plan(time_limit=30)
        self.assertEqual(run.state, "queued")

    def test_cancelled_run_writes_nothing(self):
        before = self._visit_state()
        run = self._plan(background=True)
        run.action_cancel()
        self.env["homehealth.planning.run"]._cron_run_queued()
        self.env.invalidate_all()
        self.assertEqual(run.state, "cancelled")
        self.assertEqual(self._visit_state(), before)

    def test_cancel_finished_run_rejected(self):
        run = self._plan()
        with self.assertRaises(UserError):
            run.action_cancel()

    def test_active_run_blocks_same_visits(self):
        first = self._plan(background=True, user=self.user_scheduler)
        with self.assertRaises(UserError) as raised:
            self._plan(user=self.user_manager)
        message = str(raised.exception)
        self.assertIn(first.name, message)
        self.assertIn(f"#{first.id}", message)
        self.assertIn(self.user_scheduler.name, message)

    def test_active_run_other_day_allowed(self):
        tuesday = WEEK_START + timedelta(days=1)
        self._plan_visit(self.plan_patients[0], tuesday, 9, 15)
        self._plan(background=True)
        run = self._plan(date_from=tuesday)
        self.assertEqual(run.state, "done", run.error_message)

    @mute_logger(RUN_LOGGER)
    def test_stale_running_run_released(self):
        first = self._plan(background=True)
        first.write(
            {
                "state": "running",
                "started_at": datetime.now() - timedelta(hours=2),
            }
        )
        run = self._plan()
        self.env.invalidate_all()
        self.assertEqual(first.state, "failed")
        self.assertEqual(run.state, "done", run.error_message)

    def test_nothing_to_plan(self):
        saturday = WEEK_START + timedelta(days=5)
        with self.assertRaises(UserError):
            self._plan(date_from=saturday)

    def test_plan_again_new_run(self):
        run = self._plan()
        action = run.with_user(self.user_scheduler).action_plan_again()
        second = self.env["homehealth.planning.run"].browse(action["res_id"])
        self.assertNotEqual(second, run)
        self.assertEqual(second.state, "done", second.error_message)

    def test_open_planned_visits(self):
        run = self._plan()
        action = run.action_open_planned_visits()
        visits = self.env["homehealth.visit"].search(action["domain"])
        self.assertEqual(visits, self.day_visits)


@tagged("post_install", "-at_install")
class TestPlanningAccess(PlanningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls._plan_visit(cls.plan_patients[0], WEEK_START, 9, 15)

    def test_caregiver_cannot_plan(self):
        with self.assertRaises(AccessError):
            self._plan(user=self.user_caregiver_a)
        self.assertFalse(self.env["homehealth.planning.run"].search([]))

    def test_caregiver_cannot_open_planner(self):
        own_visit = self.visit_a.with_user(self.user_caregiver_a)
        with self.assertRaises(AccessError):
            own_visit.action_plan_routes()

    def test_caregiver_cannot_use_wizard(self):
        with self.assertRaises(AccessError):
            self.env["homehealth.route.planner"].with_user(
                self.user_caregiver_a
            ).create({"date_from": WEEK_START, "date_to": WEEK_START})

    def test_caregiver_cannot_read_runs(self):
        run = self._plan()
        with self.assertRaises(AccessError):
            run.with_user(self.user_caregiver_a).read(["state"])

    def test_scheduler_can_plan(self):
        run = self._plan(user=self.user_scheduler)
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(run.user_id, self.user_scheduler)
        self.assertEqual(self.visit.state, "planned")

    def test_server_action_bound_to_visits(self):
        action = self.env.ref(
            "homehealth_scheduling.homehealth_visit_action_plan_routes"
        )
        self.assertEqual(action.binding_model_id.model, "homehealth.visit")
        self.assertIn("list", action.binding_view_types.split(","))
        self.assertEqual(action.state, "code")

    def test_server_action_code_is_one_call(self):
        action = self.env.ref(
            "homehealth_scheduling.homehealth_visit_action_plan_routes"
        )
        tree = ast.parse(action.code)
        self.assertEqual(len(tree.body), 1)
        statement = tree.body[0]
        self.assertIsInstance(statement, ast.Assign)
        self.assertIsInstance(statement.value, ast.Call)
        self.assertEqual(statement.value.func.attr, "action_plan_routes")
        self.assertEqual(statement.value.func.value.id, "records")

    def test_server_action_runs_for_scheduler(self):
        action = self.env.ref(
            "homehealth_scheduling.homehealth_visit_action_plan_routes"
        )
        result = (
            action.with_user(self.user_scheduler)
            .with_context(
                active_model="homehealth.visit",
                active_ids=self.visit.ids,
                active_id=self.visit.id,
            )
            .run()
        )
        self.assertEqual(result["res_model"], "homehealth.route.planner")
        self.assertEqual(result["context"]["default_visit_ids"], self.visit.ids)
        self.assertEqual(result["context"]["default_date_from"], str(WEEK_START))

    def test_wizard_plans_selected_visits(self):
        other = self._plan_visit(self.plan_patients[1], WEEK_START, 9, 15)
        user = self.user_scheduler
        user.tz = "America/Chicago"
        action = self.visit.with_user(user).action_plan_routes()
        planner = Form(
            self.env["homehealth.route.planner"]
            .with_user(user)
            .with_context(**action["context"])
        )
        planner.time_limit = 1
        planner.caregiver_ids.add(self.nurse_ana)
        result = planner.save().action_plan()
        run = self.env["homehealth.planning.run"].browse(result["res_id"])
        self.env.invalidate_all()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(run.visit_ids, self.visit)
        self.assertEqual(self.visit.caregiver_id, self.nurse_ana)
        self.assertFalse(other.caregiver_id)

    def test_cron_plan_tomorrow_inactive(self):
        cron = self.env.ref("homehealth_scheduling.ir_cron_homehealth_plan_tomorrow")
        self.assertFalse(cron.active)

    def test_cron_plan_tomorrow(self):
        every_day = self._create_calendar(
            "Test every day 8-17 Chicago", [(str(day), 8.0, 17.0) for day in range(7)]
        )
        self.nurse_ana.resource_calendar_id = every_day
        self.company.resource_calendar_id.tz = "America/Chicago"
        today = datetime.now(pytz.timezone("America/Chicago")).date()
        tomorrow = today + timedelta(days=1)
        visit = self._plan_visit(self.plan_patients[1], tomorrow, 9, 15)
        self.env["homehealth.planning.run"]._cron_plan_tomorrow()
        self.env.invalidate_all()
        run = self.env["homehealth.planning.run"].search([("date_from", "=", tomorrow)])
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(visit.caregiver_id, self.nurse_ana)
        self.assertEqual(visit.state, "planned")
