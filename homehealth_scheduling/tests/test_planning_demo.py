from datetime import timedelta

import pytz

from odoo.tests import TransactionCase, tagged

from ..models.homehealth_planning_input import PlanningOptions, build_planning_input
from ..models.homehealth_planning_output import solution_from_records

CHICAGO = pytz.timezone("America/Chicago")


@tagged("post_install", "-at_install")
class TestPlanningDemo(TransactionCase):
    """Plan the demo agency's week, when the database has the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

    def test_demo_week_plan(self):
        first = self.env.ref(
            "homehealth_scheduling.demo_visit_01", raise_if_not_found=False
        )
        if not first:
            self.skipTest("the database has no demo data")
        caregivers = self.env["ir.model.data"].search(
            [
                ("module", "=", "homehealth_scheduling"),
                ("model", "=", "hr.employee"),
                ("name", "=like", "demo_caregiver_%"),
            ]
        )
        day = pytz.utc.localize(first.window_start).astimezone(CHICAGO).date()
        monday = day - timedelta(days=day.weekday())
        run = self.env["homehealth.planning.run"]._plan_routes(
            {
                "date_from": monday,
                "date_to": monday + timedelta(days=4),
                "tz": "America/Chicago",
                "caregiver_ids": caregivers.mapped("res_id"),
                "time_limit": 3,
                "background": False,
            }
        )
        self.env.invalidate_all()
        self.assertEqual(run.state, "done", run.error_message)
        self.assertGreater(run.planned_count, 0)

        scope = run._scope(run.visit_ids.ids)
        planning_input = build_planning_input(self.env, scope, PlanningOptions())
        solution = solution_from_records(self.env, planning_input, run)
        from homehealth_routing import check

        self.assertEqual(check(planning_input.problem, solution), [])
