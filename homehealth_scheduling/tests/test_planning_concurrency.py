"""Planning runs on separate database connections, as two schedulers would.

These tests commit their records (other connections cannot see uncommitted
ones) and delete them again in a cleanup.
"""

import json
import subprocess
import sys
import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.sql_db import connection_info_for
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .planning_common import CAREGIVER_HOMES, PATIENT_HOMES, WEEK_START, chicago

RUN_LOGGER = "odoo.addons.homehealth_scheduling.models.homehealth_planning_run"
SCHEDULER_GROUP = "homehealth_scheduling.group_homehealth_scheduler"

#: A day of its own, so that committed visits never meet other tests' visits.
DAY = WEEK_START + timedelta(days=21)

#: Another database client: once a run covering the visit has read its input
#: (started_at is committed), it changes the visit as a scheduler's save would.
EDITOR = """
import json, sys, time
import psycopg2
connection = psycopg2.connect(**json.loads(sys.argv[1]))
connection.autocommit = True
visit_id = int(sys.argv[2])
deadline = time.monotonic() + 60
with connection.cursor() as cr:
    while time.monotonic() < deadline:
        cr.execute(
            "SELECT 1 FROM homehealth_planning_run run"
            " JOIN homehealth_planning_run_visit_rel rel ON rel.run_id = run.id"
            " WHERE rel.visit_id = %s AND run.started_at IS NOT NULL",
            [visit_id],
        )
        if cr.fetchone():
            cr.execute(
                "UPDATE homehealth_visit SET notes = %s,"
                " write_date = now() AT TIME ZONE 'UTC' WHERE id = %s",
                ["Patient asked for a call first", visit_id],
            )
            print("edited")
            break
        time.sleep(0.02)
"""


@tagged("post_install", "-at_install")
class TestPlanningConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        # The test server's main thread holds the registry lookup lock while
        # tests run, so a second thread could not create an environment. Lift
        # it as the registry's test mode does, but keep real cursors.
        saved_lock = Registry._lock
        Registry._lock = DummyRLock()
        self.addCleanup(setattr, Registry, "_lock", saved_lock)
        self.created = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self._create_records(env)
        self.addCleanup(self._delete_records)
        self.admin_id = self.env.ref("base.user_admin").id

    def _create_records(self, env):
        company = env.ref("base.main_company")
        calendar = env["resource.calendar"].create(
            {
                "name": "Concurrency test 8-17 Chicago",
                "tz": "America/Chicago",
                "company_id": company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": day,
                            "hour_from": 8.0,
                            "hour_to": 17.0,
                            "day_period": "morning",
                        }
                    )
                    for day in "0123456"
                ],
            }
        )
        caregivers = env["hr.employee"].create(
            [
                {
                    "name": f"Concurrency {name}",
                    "is_caregiver": True,
                    "discipline": discipline,
                    "resource_calendar_id": calendar.id,
                    "tz": "America/Chicago",
                    "company_id": company.id,
                    "home_latitude": latitude,
                    "home_longitude": longitude,
                }
                for name, discipline, latitude, longitude in CAREGIVER_HOMES[:2]
            ]
        )
        patients = env["res.partner"].create(
            [
                {
                    "name": f"Concurrency {name}",
                    "is_patient": True,
                    "company_id": company.id,
                    "partner_latitude": latitude,
                    "partner_longitude": longitude,
                    "geocode_quality": "manual",
                }
                for name, latitude, longitude in PATIENT_HOMES[:4]
            ]
        )
        visits = env["homehealth.visit"].create(
            [
                {
                    "patient_id": patient.id,
                    "discipline": "rn",
                    "duration": 0.5,
                    "company_id": company.id,
                    "window_start": chicago(DAY, 9),
                    "window_end": chicago(DAY, 15),
                }
                for patient in patients
            ]
        )
        scheduler = new_test_user(
            env, login="hh_concurrency_scheduler", groups=SCHEDULER_GROUP
        )
        self.created = {
            "calendar": calendar.id,
            "caregivers": caregivers.ids,
            "patients": patients.ids,
            "visits": visits.ids,
            "scheduler": scheduler.id,
        }

    def _delete_records(self):
        created = self.created
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["homehealth.planning.run"].search(
                [("visit_ids", "in", created["visits"])]
            ).unlink()
            env["homehealth.visit"].browse(created["visits"]).unlink()
            env["res.partner"].browse(created["patients"]).unlink()
            employees = env["hr.employee"].browse(created["caregivers"])
            resources = employees.resource_id
            employees.unlink()
            resources.unlink()
            env["resource.calendar"].browse(created["calendar"]).unlink()
            user = env["res.users"].browse(created["scheduler"])
            partner = user.partner_id
            user.unlink()
            partner.unlink()
            cron = env.ref("homehealth_scheduling.ir_cron_homehealth_planning_queue")
            env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()

    def _values(self, **values):
        return dict(
            {
                "date_from": DAY,
                "date_to": DAY,
                "tz": "America/Chicago",
                "caregiver_ids": self.created["caregivers"],
                "time_limit": 1,
            },
            **values,
        )

    def _read(self, model, ids, fields):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env[model].browse(ids).read(fields)

    def test_second_scheduler_told(self):
        """Two schedulers plan the same day at the same moment: one run starts,
        the other scheduler gets an error naming it and its user."""
        barrier = threading.Barrier(2)
        outcomes = {}

        def plan(uid):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                barrier.wait(timeout=30)
                try:
                    runs = env["homehealth.planning.run"]
                    run = runs._plan_routes(self._values(background=True))
                    outcomes[uid] = ("run", run.id)
                except UserError as error:
                    outcomes[uid] = ("error", str(error))

        users = [self.admin_id, self.created["scheduler"]]
        threads = [threading.Thread(target=plan, args=(uid,)) for uid in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        kinds = sorted(kind for kind, _value in outcomes.values())
        self.assertEqual(kinds, ["error", "run"])
        winner = next(uid for uid, (kind, _v) in outcomes.items() if kind == "run")
        loser = next(uid for uid, (kind, _v) in outcomes.items() if kind == "error")
        run_id = outcomes[winner][1]
        run = self._read("homehealth.planning.run", [run_id], ["name", "user_id"])[0]
        message = outcomes[loser][1]
        self.assertIn(f"#{run_id}", message)
        self.assertIn(run["name"], message)
        self.assertIn(run["user_id"][1], message)

    @mute_logger(RUN_LOGGER, "odoo.sql_db")
    def test_locked_visit_fails_run(self):
        """A visit locked by another transaction: the run fails, writes nothing."""
        locked_id = self.created["visits"][0]
        with self.registry.cursor() as holder:
            holder.execute(
                "UPDATE homehealth_visit SET notes = 'edited by hand' WHERE id = %s",
                [locked_id],
            )
            with self.registry.cursor() as cr:
                env = api.Environment(cr, self.admin_id, {})
                run_id = env["homehealth.planning.run"]._plan_routes(self._values()).id
            holder.rollback()

        run = self._read(
            "homehealth.planning.run", [run_id], ["state", "error_message"]
        )[0]
        self.assertEqual(run["state"], "failed")
        self.assertIn("being changed by someone else", run["error_message"])
        visits = self._read(
            "homehealth.visit", self.created["visits"], ["caregiver_id", "state"]
        )
        self.assertEqual({v["state"] for v in visits}, {"draft"})
        self.assertFalse(any(v["caregiver_id"] for v in visits))

    def test_visit_edited_during_run_kept(self):
        """A visit changed while the engine solves keeps the change.

        The change comes from another process, as from another Odoo worker: the
        solver holds the Python GIL, so no thread of this process runs meanwhile.
        """
        edited_id = self.created["visits"][0]
        _dsn, connection = connection_info_for(self.env.cr.dbname)
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR, json.dumps(connection), str(edited_id)],
            stdout=subprocess.PIPE,
            text=True,
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.admin_id, {})
            runs = env["homehealth.planning.run"]
            run_id = runs._plan_routes(self._values(time_limit=3)).id
        output, _errors = editor.communicate(timeout=60)

        self.assertEqual(output.strip(), "edited")
        run = self._read(
            "homehealth.planning.run",
            [run_id],
            ["state", "skipped_count", "planned_count", "line_ids"],
        )[0]
        self.assertEqual(run["state"], "done")
        self.assertEqual(run["skipped_count"], 1)
        self.assertEqual(run["planned_count"], 3)
        lines = self._read(
            "homehealth.planning.run.line", run["line_ids"], ["kind", "visit_id"]
        )
        edited_lines = [line for line in lines if line["kind"] == "edited"]
        self.assertEqual(len(edited_lines), 1)
        self.assertEqual(edited_lines[0]["visit_id"][0], edited_id)
        visit = self._read(
            "homehealth.visit", [edited_id], ["caregiver_id", "state", "notes"]
        )[0]
        self.assertFalse(visit["caregiver_id"])
        self.assertEqual(visit["state"], "draft")
        self.assertEqual(visit["notes"], "Patient asked for a call first")
