from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .planning_common import WEEK_START, PlanningCase


@tagged("post_install", "-at_install")
class TestPlanningQueries(PlanningCase):
    """Reading the records and writing the plan take a number of queries that
    does not grow with the number of visits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_caregivers.write({"max_visits_per_day": 0})

    def _day_visits(self, day, count):
        visits = self.env["homehealth.visit"]
        patients = self.plan_patients
        for index in range(count - 2):
            visits |= self._plan_visit(
                patients[index % len(patients)], day, 8, 16, duration=0.25
            )
        # Two visits that nobody may take, so that both counts include the
        # lines of unassigned visits.
        for patient in patients[:2]:
            visits |= self._plan_visit(
                patient,
                day,
                8,
                16,
                duration=0.25,
                required_certification_type_ids=[Command.set(self.type_iv.ids)],
            )
        self.env.flush_all()
        return visits

    def _count_queries(self, day):
        before = self.cr.sql_log_count
        run = self._plan(date_from=day, time_limit=1)
        return self.cr.sql_log_count - before, run

    def test_queries_do_not_grow(self):
        self._day_visits(WEEK_START, 5)
        _warm_up, run = self._count_queries(WEEK_START)
        self.assertEqual(run.state, "done", run.error_message)

        tuesday = WEEK_START + timedelta(days=1)
        self._day_visits(tuesday, 20)
        queries_20, run_20 = self._count_queries(tuesday)

        wednesday = WEEK_START + timedelta(days=2)
        self._day_visits(wednesday, 80)
        queries_80, run_80 = self._count_queries(wednesday)

        self.assertEqual(run_20.state, "done", run_20.error_message)
        self.assertEqual(run_80.state, "done", run_80.error_message)
        self.assertEqual(run_20.planned_count + run_20.unassigned_count, 20)
        self.assertEqual(run_80.planned_count + run_80.unassigned_count, 80)
        self.assertLessEqual(queries_80, queries_20)
