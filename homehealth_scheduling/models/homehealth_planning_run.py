"""Route planning runs: register, solve with the engine, write the plan back.

A run goes through three transactions, each on its own cursor, so that a
solve of minutes never holds a transaction or row locks open:

1. Register (:meth:`_register_run`): under a PostgreSQL advisory lock per
   company, check that no queued or running run shares a visit, then create the
   run with the visits it may write, and commit. A second scheduler planning the
   same visits gets a UserError naming the running run and its user.
2. Read (:meth:`_execute`): build the engine input and remember each visit's
   write_date. The engine then solves outside any transaction.
3. Write back (:meth:`_write_back`): lock the visits with ``FOR UPDATE NOWAIT``
   (a visit locked by another transaction fails the run instead of waiting),
   skip the visits whose write_date changed since step 2, write the rest, and
   commit. Any error rolls this transaction back, so no visit changes, and the
   failure is recorded on the run in a further transaction.
"""

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

import psycopg2.errors
import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from .homehealth_planning_input import (
    PlanningOptions,
    PlanningScope,
    build_planning_input,
    get_setting,
    require_engine,
    select_plan_visits,
)
from .homehealth_planning_output import interpret
from .homehealth_visit import SCHEDULER_GROUP

_logger = logging.getLogger(__name__)

RUN_STATE_SELECTION = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
ACTIVE_STATES = ("queued", "running")

#: First key of the advisory lock that serialises run registration per company
#: (the second key is the company id). Any constant unique to this feature works.
REGISTER_LOCK_KEY = 72_460_001

#: A run still "running" this long after its time limit is taken as dead (its
#: server stopped) and marked failed, so that its visits can be planned again.
STALE_RUN_MARGIN = timedelta(minutes=30)

#: Maximum number of days that one run covers.
MAX_RUN_DAYS = 31

#: Visit fields that a run writes with the same value on many visits.
GROUPED_FIELDS = ("caregiver_id", "state", "planning_run_id")


class PlanningError(Exception):
    """A run that cannot write its plan; the message is shown on the run."""


class HomehealthPlanningRun(models.Model):
    _name = "homehealth.planning.run"
    _description = "Route Planning Run"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Planned By",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    tz = fields.Char(
        string="Time Zone",
        readonly=True,
        help="Time zone in which the dates of the run start and end.",
    )
    caregiver_ids = fields.Many2many(
        comodel_name="hr.employee",
        relation="homehealth_planning_run_employee_rel",
        column1="run_id",
        column2="employee_id",
        string="Caregivers",
        readonly=True,
        help="Caregivers the run could assign. Empty: every caregiver of the "
        "service areas, or of the company when no area is selected.",
    )
    service_area_ids = fields.Many2many(
        comodel_name="homehealth.service.area",
        relation="homehealth_planning_run_service_area_rel",
        column1="run_id",
        column2="service_area_id",
        string="Service Areas",
        readonly=True,
    )
    time_limit = fields.Float(
        string="Time Limit (s)",
        readonly=True,
        help="Seconds the engine searched for a better plan.",
    )
    keep_assignments = fields.Boolean(
        readonly=True,
        help="The current caregivers of the visits were the starting point.",
    )
    continuity_weight = fields.Integer(
        string="Continuity Weight (min)",
        readonly=True,
        help="Minutes of travel that giving a visit to a caregiver the patient does "
        "not prefer was worth.",
    )
    change_weight = fields.Integer(
        string="Change Weight (min)",
        readonly=True,
        help="Minutes of travel that moving a visit away from its current "
        "caregiver was worth.",
    )
    background = fields.Boolean(
        string="In Background",
        readonly=True,
        help="The run was queued and solved by a scheduled action.",
    )
    state = fields.Selection(
        selection=RUN_STATE_SELECTION,
        required=True,
        default="queued",
        readonly=True,
        tracking=True,
    )
    visit_ids = fields.Many2many(
        comodel_name="homehealth.visit",
        relation="homehealth_planning_run_visit_rel",
        column1="run_id",
        column2="visit_id",
        string="Visits in Scope",
        readonly=True,
        help="Visits the run may write. No other run may plan them while this run "
        "is queued or running.",
    )
    visit_count = fields.Integer(
        string="Visits in Scope (count)", compute="_compute_visit_count"
    )
    solver_status = fields.Char(readonly=True)
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    solve_seconds = fields.Float(
        string="Solver Time (s)",
        readonly=True,
        help="Seconds in the routing engine: checks, travel matrix, search and the "
        "checker of the plan.",
    )
    total_seconds = fields.Float(
        string="Total Time (s)",
        readonly=True,
        help="Seconds from the request to the written plan, queue time excluded.",
    )
    planned_count = fields.Integer(string="Visits Planned", readonly=True)
    unassigned_count = fields.Integer(string="Visits Unassigned", readonly=True)
    skipped_count = fields.Integer(
        string="Visits Edited During the Run",
        readonly=True,
        help="Visits changed by someone while the run was solving, left as they were.",
    )
    travel_time = fields.Float(
        string="Total Travel (min)", readonly=True, digits=(16, 1)
    )
    travel_distance = fields.Float(
        string="Total Distance (km)", readonly=True, digits=(16, 1)
    )
    overtime = fields.Float(string="Overtime (min)", readonly=True, digits=(16, 1))
    violations = fields.Text(
        readonly=True,
        help="Hard rules that the engine's plan breaks according to its checker. A "
        "plan with violations is not written.",
    )
    error_message = fields.Text(readonly=True)
    line_ids = fields.One2many(
        comodel_name="homehealth.planning.run.line",
        inverse_name="run_id",
        string="Lines",
        readonly=True,
    )
    route_ids = fields.One2many(
        comodel_name="homehealth.planning.route",
        inverse_name="run_id",
        string="Routes",
        readonly=True,
    )
    planned_visit_count = fields.Integer(compute="_compute_planned_visit_count")

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for run in self:
            if run.date_from == run.date_to:
                run.name = self.env._("Routes of %(day)s", day=run.date_from)
            else:
                run.name = self.env._(
                    "Routes of %(start)s to %(end)s",
                    start=run.date_from,
                    end=run.date_to,
                )

    def _compute_visit_count(self):
        for run in self:
            run.visit_count = len(run.visit_ids)

    def _compute_planned_visit_count(self):
        counts = dict(
            self.env["homehealth.visit"]._read_group(
                [("planning_run_id", "in", self.ids), ("state", "=", "planned")],
                groupby=["planning_run_id"],
                aggregates=["__count"],
            )
        )
        for run in self:
            run.planned_visit_count = counts.get(run, 0)

    @api.constrains("date_from", "date_to", "time_limit")
    def _check_parameters(self):
        for run in self:
            if run.date_to < run.date_from:
                raise ValidationError(
                    self.env._(
                        "The planning period ends (%(end)s) before it starts "
                        "(%(start)s). Swap the two dates.",
                        start=run.date_from,
                        end=run.date_to,
                    )
                )
            if (run.date_to - run.date_from).days >= MAX_RUN_DAYS:
                raise ValidationError(
                    self.env._(
                        "A planning run covers at most %(days)s days; split "
                        "%(start)s to %(end)s into shorter periods.",
                        days=MAX_RUN_DAYS,
                        start=run.date_from,
                        end=run.date_to,
                    )
                )
            if run.time_limit <= 0:
                raise ValidationError(
                    self.env._(
                        "The time limit must be a positive number of seconds, not "
                        "%(limit)s.",
                        limit=run.time_limit,
                    )
                )

    # ------------------------------------------------------------------
    # Planning entry points
    # ------------------------------------------------------------------

    @api.model
    def _plan_routes(self, values):
        """Plan routes and return the run (``homehealth.planning.run``).

        :param values: dict with ``date_from`` and ``date_to`` (dates, local in
            ``tz``), and optionally ``caregiver_ids``, ``service_area_ids``,
            ``visit_ids`` (lists of ids), ``time_limit`` (seconds),
            ``keep_assignments``, ``continuity_weight`` and ``change_weight``
            (minutes of travel), ``tz`` (default: the user's), ``company_id``
            and ``background`` (True or False; default: by the settings' size
            and time thresholds).
        :raise AccessError: when the user is not a home health scheduler
        :raise UserError: when there is nothing to plan, or when another queued
            or running run already covers some of the visits

        A synchronous run has finished (done or failed) when this returns; a
        background run is queued and a scheduled action solves it.
        """
        started = time.monotonic()
        self._check_planning_access()
        vals, scope = self._prepare_run_values(values)
        # Other cursors read the records: pending changes must reach the database.
        self.env.flush_all()
        run_id, background = self._register_run(vals, scope, values.get("background"))
        run = self.browse(run_id)
        if not background:
            run._execute(started)
        return run

    def _check_planning_access(self):
        if self.env.su or self.env.user.has_group(SCHEDULER_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only home health schedulers can plan routes. Ask a manager to add "
                "%(user)s to the Scheduler group.",
                user=self.env.user.name,
            )
        )

    @api.model
    def _prepare_run_values(self, values):
        date_from = fields.Date.to_date(values["date_from"])
        date_to = fields.Date.to_date(values.get("date_to") or date_from)
        tz = values.get("tz") or self.env.user.tz or "UTC"
        if tz not in pytz.all_timezones_set:
            raise UserError(
                self.env._(
                    "Unknown time zone %(tz)s. Use a name such as America/Chicago.",
                    tz=tz,
                )
            )
        time_limit = values.get("time_limit")
        if time_limit is None:
            time_limit = get_setting(self.env, "default_time_limit")
        continuity = values.get("continuity_weight")
        if continuity is None:
            continuity = get_setting(self.env, "continuity_weight")
        scope = PlanningScope(
            date_from=date_from,
            date_to=date_to,
            company_id=values.get("company_id") or self.env.company.id,
            tz=tz,
            caregiver_ids=tuple(values.get("caregiver_ids") or ()),
            service_area_ids=tuple(values.get("service_area_ids") or ()),
            visit_ids=tuple(values.get("visit_ids") or ()),
        )
        vals = {
            "date_from": date_from,
            "date_to": date_to,
            "tz": tz,
            "company_id": scope.company_id,
            "caregiver_ids": [fields.Command.set(scope.caregiver_ids)],
            "service_area_ids": [fields.Command.set(scope.service_area_ids)],
            "time_limit": time_limit,
            "keep_assignments": values.get("keep_assignments", True),
            "continuity_weight": continuity,
            "change_weight": values.get("change_weight") or 0,
            "user_id": self.env.user.id,
        }
        return vals, scope

    def _scope(self, visit_ids=()):
        self.ensure_one()
        return PlanningScope(
            date_from=self.date_from,
            date_to=self.date_to,
            company_id=self.company_id.id,
            tz=self.tz or "UTC",
            caregiver_ids=tuple(self.caregiver_ids.ids),
            service_area_ids=tuple(self.service_area_ids.ids),
            visit_ids=tuple(visit_ids),
        )

    def _options(self):
        self.ensure_one()
        return PlanningOptions(
            time_limit=self.time_limit,
            keep_assignments=self.keep_assignments,
            continuity_weight=self.continuity_weight,
            change_weight=self.change_weight,
        )

    @api.model
    def _runs_in_background(self, time_limit, visit_count):
        """Return whether a run of this size goes to the background."""
        return time_limit > get_setting(
            self.env, "sync_max_seconds"
        ) or visit_count > get_setting(self.env, "sync_max_visits")

    # ------------------------------------------------------------------
    # Step 1: registration
    # ------------------------------------------------------------------

    @api.model
    def _register_run(self, vals, scope, background=None):
        """Create the run in its own committed transaction; return (id, background).

        Registrations of one company are serialised by a session-level advisory
        lock. The second one waits, then reads the first one's committed run and
        its visits.
        """
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT pg_advisory_lock(%s, %s)",
                [REGISTER_LOCK_KEY, vals["company_id"]],
            )
            try:
                # Start a new transaction, whose snapshot is taken after the lock.
                # The cursor is this method's own, not the request's.
                cr.commit()  # pylint: disable=invalid-commit
                env = self.env(cr=cr)
                runs = env[self._name]
                runs.sudo()._fail_stale_runs()
                visits = select_plan_visits(env, scope)
                if not visits:
                    raise UserError(
                        self.env._(
                            "There is no draft or planned visit to plan from "
                            "%(start)s to %(end)s for the selected caregivers, "
                            "areas and visits.",
                            start=vals["date_from"],
                            end=vals["date_to"],
                        )
                    )
                self._check_no_active_run(env, visits)
                if background is None:
                    background = runs._runs_in_background(
                        vals["time_limit"], len(visits)
                    )
                run = runs.create(
                    dict(
                        vals,
                        visit_ids=[fields.Command.set(visits.ids)],
                        background=background,
                        state="queued" if background else "running",
                    )
                )
                if background:
                    run.sudo()._enqueue()
                # Commit before the lock is released, so that the next
                # registration reads this run.
                cr.commit()  # pylint: disable=invalid-commit
                _logger.info(
                    "Planning run %s registered by %s: %d visits, %s",
                    run.id,
                    env.user.login,
                    len(visits),
                    "background" if background else "synchronous",
                )
                return run.id, background
            finally:
                # A failed transaction must end before the unlock can run.
                cr.rollback()
                cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)",
                    [REGISTER_LOCK_KEY, vals["company_id"]],
                )

    @api.model
    def _check_no_active_run(self, env, visits):
        """Raise a UserError naming the queued or running run that shares visits."""
        active = (
            env[self._name]
            .sudo()
            .search(
                [("state", "in", ACTIVE_STATES), ("visit_ids", "in", visits.ids)],
                order="id",
                limit=1,
            )
        )
        if not active:
            return
        shared = active.visit_ids & visits
        raise UserError(
            self.env._(
                "A plan is already %(state)s for %(count)s of these visits "
                "(%(visits)s): run %(run)s (#%(run_id)s), requested by %(user)s "
                "on %(date)s. Wait until it is done, or cancel it, then plan "
                "again.",
                state=dict(RUN_STATE_SELECTION)[active.state].lower(),
                count=len(shared),
                visits=", ".join(shared[:5].mapped("name")),
                run=active.name,
                run_id=active.id,
                user=active.user_id.name,
                date=format_datetime(self.env, active.create_date),
            )
        )

    def _enqueue(self):
        """Have a worker solve the queued run: queue_job when installed, else cron."""
        self.ensure_one()
        if "queue.job" in self.env:
            # NOTE: not exercised by the tests, which run without OCA queue_job.
            self.with_delay(description=self.name)._execute()
            return
        self.env.ref(
            "homehealth_scheduling.ir_cron_homehealth_planning_queue"
        )._trigger()

    def _fail_stale_runs(self):
        """Mark runs that stopped without finishing (server restart) as failed."""
        now = fields.Datetime.now()
        running = self.search([("state", "=", "running"), ("started_at", "!=", False)])
        for run in running:
            deadline = run.started_at + timedelta(seconds=run.time_limit)
            if deadline + STALE_RUN_MARGIN < now:
                run.write(
                    {
                        "state": "failed",
                        "finished_at": now,
                        "error_message": self.env._(
                            "The run stopped without finishing, probably because "
                            "its server restarted. No visit was changed. Plan again."
                        ),
                    }
                )
                _logger.warning("Planning run %s marked failed: stale", run.id)

    # ------------------------------------------------------------------
    # Step 2: read and solve
    # ------------------------------------------------------------------

    def _execute(self, started=None):
        """Solve the run and write the plan, each step in its own transaction.

        ``started`` is the ``time.monotonic()`` at which the user asked for the
        plan, so that the run's total time includes its registration.
        """
        self.ensure_one()
        run_id = self.id
        registry = self.env.registry
        started = started or time.monotonic()
        timing = {"read": 0.0, "solve": 0.0, "write": 0.0}
        try:
            routing = require_engine()
            with registry.cursor() as cr:
                run = self.with_env(self.env(cr=cr, su=True))
                if run.state not in ACTIVE_STATES:
                    _logger.info("Planning run %s is %s: not solved", run_id, run.state)
                    return
                run.write({"state": "running", "started_at": fields.Datetime.now()})
                tick = time.monotonic()
                planning_input = build_planning_input(
                    run.env, run._scope(run.visit_ids.ids), run._options()
                )
                timing["read"] = time.monotonic() - tick

            tick = time.monotonic()
            solution = routing.solve(planning_input.problem, planning_input.params)
            timing["solve"] = time.monotonic() - tick
            result = interpret(planning_input, solution)
            result.solve_seconds = timing["solve"]
            self._check_result(result, planning_input)

            with registry.cursor() as cr:
                run = self.with_env(self.env(cr=cr, su=True))
                tick = time.monotonic()
                run._write_back(planning_input, result, started)
                timing["write"] = time.monotonic() - tick
        except Exception as error:  # noqa: BLE001 - every failure goes on the run
            _logger.exception("Planning run %s failed", run_id)
            with registry.cursor() as cr:
                run = self.with_env(self.env(cr=cr, su=True))
                run._record_failure(error, started)
            return
        _logger.info(
            "Planning run %s done: read %.2f s, solve %.2f s, write %.2f s",
            run_id,
            timing["read"],
            timing["solve"],
            timing["write"],
        )

    @api.model
    def _check_result(self, result, planning_input):
        """Raise PlanningError for a solution that must not be written."""
        if result.status in ("no_solution", "invalid") and planning_input.plan_visits:
            raise PlanningError(
                self.env._(
                    "The routing engine found no plan (status %(status)s) within the "
                    "time limit. Raise the time limit or plan fewer days at once.",
                    status=result.status,
                )
            )
        if result.violations:
            raise PlanningError(
                self.env._(
                    "The engine's plan breaks %(count)s hard rule(s), so it was not "
                    "written: %(violations)s",
                    count=len(result.violations),
                    violations="; ".join(result.violations),
                )
            )

    # ------------------------------------------------------------------
    # Step 3: write back
    # ------------------------------------------------------------------

    def _lock_visits(self, visit_ids):
        """Lock the visits and return {id: write_date} of those that still exist.

        This must be the transaction's first statement, so that its snapshot
        includes every change committed before the lock.
        """
        if not visit_ids:
            return {}
        try:
            self.env.cr.execute(
                "SELECT id, write_date FROM homehealth_visit WHERE id IN %s "
                "FOR UPDATE NOWAIT",
                [tuple(visit_ids)],
            )
        except (
            psycopg2.errors.LockNotAvailable,
            psycopg2.errors.SerializationFailure,
        ) as error:
            raise PlanningError(
                self.env._(
                    "Some of the visits were being changed by someone else when the "
                    "plan was to be written, so nothing was written. Plan again. "
                    "(Database: %(error)s)",
                    error=str(error).strip(),
                )
            ) from error
        return dict(self.env.cr.fetchall())

    def _write_back(self, planning_input, result, started):
        """Write the plan on the visits, the lines and routes on the run."""
        self.ensure_one()
        current = self._lock_visits(list(planning_input.write_dates))
        self.env.cr.execute(
            "SELECT state FROM homehealth_planning_run WHERE id = %s FOR UPDATE",
            [self.id],
        )
        if self.env.cr.fetchone()[0] not in ACTIVE_STATES:
            _logger.info("Planning run %s was cancelled: plan not written", self.id)
            return

        edited = {
            visit_id
            for visit_id, write_date in planning_input.write_dates.items()
            if current.get(visit_id) != write_date
        }
        values = {}
        planned = [p for p in result.planned if p.visit_id not in edited]
        for plan in planned:
            values[plan.visit_id] = {
                "caregiver_id": plan.employee_id,
                "planned_start": plan.start,
                "route_sequence": plan.sequence,
                "travel_time_from_previous": plan.travel_seconds / 60,
                "travel_distance_from_previous": plan.travel_metres / 1000,
                "state": "planned",
                "unassigned_reason": False,
                "unassigned_detail": False,
                "planning_run_id": self.id,
            }
        unplanned = [u for u in result.unplanned if u.visit_id not in edited]
        left_out_visits = [
            item
            for item in planning_input.left_out
            if item.visit_id in planning_input.write_dates
            and item.visit_id not in edited
        ]
        for visit_id, reason, detail in [
            *((u.visit_id, u.reason, u.detail) for u in unplanned),
            *((i.visit_id, "invalid_input", i.detail) for i in left_out_visits),
        ]:
            values[visit_id] = {
                "caregiver_id": False,
                "state": "draft",
                "route_sequence": 0,
                "travel_time_from_previous": 0.0,
                "travel_distance_from_previous": 0.0,
                "unassigned_reason": reason,
                "unassigned_detail": detail,
                "planning_run_id": self.id,
            }
        self._write_visit_values(values, planning_input)

        lines = []
        lines += [
            {
                "kind": "unassigned",
                "visit_id": u.visit_id,
                "reason": u.reason,
                "detail": u.detail,
            }
            for u in unplanned
        ]
        lines += [
            {
                "kind": "left_out",
                "visit_id": item.visit_id or False,
                "employee_id": item.employee_id or False,
                "reason": "invalid_input",
                "detail": item.detail,
            }
            for item in planning_input.left_out
            if item.visit_id not in edited
        ]
        lines += [
            {
                "kind": "edited",
                "visit_id": visit_id,
                "detail": self.env._("Edited during the run: left as it was."),
            }
            for visit_id in sorted(edited)
            if visit_id in current
        ]
        lines += [
            {
                "kind": "fixed",
                "visit_id": u.visit_id,
                "reason": u.reason,
                "detail": u.detail,
            }
            for u in result.fixed_unplanned
        ]
        self.env["homehealth.planning.run.line"].create(
            [dict(line, run_id=self.id) for line in lines]
        )
        self.env["homehealth.planning.route"].create(
            [self._route_values(route) for route in result.routes]
        )
        self.write(
            {
                "state": "done",
                "finished_at": fields.Datetime.now(),
                "solver_status": result.status,
                "solve_seconds": result.solve_seconds,
                "total_seconds": time.monotonic() - started,
                "planned_count": len(planned),
                "unassigned_count": len(unplanned) + len(left_out_visits),
                "skipped_count": len(edited),
                "travel_time": result.travel_seconds / 60,
                "travel_distance": result.travel_metres / 1000,
                "overtime": result.overtime_seconds / 60,
                "violations": False,
                "error_message": False,
            }
        )
        self._notify_finished()

    def _write_visit_values(self, values, planning_input):
        """Write ``{visit id: values}`` on the visits in one batch.

        The ORM's core ``write`` runs on each visit (conversion, constraints,
        dependent stored fields), but the ``write`` overrides of the visit model
        do not. They serve changes made one record at a time (chatter tracking,
        access checks of non-schedulers, the neighbour recomputation and blocking
        rules of conflict checks), and would cost queries per visit. In their
        place, the stored computed fields of the caregivers' other visits around
        the period are recomputed in one batch, so that fields that depend on a
        caregiver's whole day or week stay right.
        """
        # Planned ends are computed and tracked: keep them out of the chatter too.
        visits = (
            self.env["homehealth.visit"]
            .with_context(tracking_disable=True)
            .browse(list(values))
        )
        if not visits:
            return
        previous_caregivers = visits.caregiver_id
        # Load what the company checks of the writes read, for all visits at once.
        new_caregivers = {v["caregiver_id"] for v in values.values()} - {False}
        visits.patient_id.fetch(["company_id"])
        visits.linked_visit_id.fetch(["company_id"])
        self.env["hr.employee"].browse(new_caregivers).fetch(["company_id"])
        # Values shared by many visits go in one write per group, so that the
        # company check of the caregiver runs once per caregiver, not per visit.
        groups = defaultdict(list)
        for visit in visits:
            own = dict(values[visit.id])
            shared = tuple((name, own.pop(name)) for name in GROUPED_FIELDS)
            models.BaseModel.write(visit, own)
            groups[shared].append(visit.id)
        for shared, visit_ids in groups.items():
            models.BaseModel.write(visits.browse(visit_ids), dict(shared))

        caregivers = previous_caregivers | visits.caregiver_id
        if caregivers:
            start = planning_input.origin - timedelta(days=7)
            end = planning_input.origin + timedelta(days=MAX_RUN_DAYS + 8)
            neighbours = visits.search(
                [
                    ("caregiver_id", "in", caregivers.ids),
                    ("planned_start", ">=", start),
                    ("planned_start", "<", end),
                    ("id", "not in", visits.ids),
                ]
            )
            for field in visits._fields.values():
                if field.compute and field.store:
                    self.env.add_to_compute(field, neighbours)
        visits.env.flush_all()

    def _route_values(self, route):
        return {
            "run_id": self.id,
            "employee_id": route.employee_id,
            "day": route.day,
            "caregiver_key": route.caregiver_key,
            "departure": route.departure,
            "arrival_home": route.arrival_home,
            "visit_count": route.visit_count,
            "travel_time": route.travel_seconds / 60,
            "travel_distance": route.travel_metres / 1000,
            "return_travel_time": route.return_travel_seconds / 60,
            "return_travel_distance": route.return_travel_metres / 1000,
            "overtime": route.overtime_seconds / 60,
            "work_time": route.work_seconds / 3600,
            "breaks": [
                {
                    "id": break_id,
                    "start": fields.Datetime.to_string(start),
                    "end": fields.Datetime.to_string(end),
                }
                for break_id, start, end in route.breaks
            ],
        }

    def _record_failure(self, error, started):
        """Mark the run failed with ``error``; no visit was written."""
        self.ensure_one()
        if isinstance(error, (PlanningError, UserError)):
            message = str(error.args[0] if error.args else error)
        else:
            message = self.env._(
                "%(kind)s: %(error)s",
                kind=type(error).__name__,
                error=error,
            )
        self.write(
            {
                "state": "failed",
                "finished_at": fields.Datetime.now(),
                "total_seconds": time.monotonic() - started,
                "error_message": message,
            }
        )
        self._notify_finished()

    def _notify_finished(self):
        """Post the outcome on the run and notify its user in the browser."""
        self.ensure_one()
        if self.state == "done":
            body = self.env._(
                "Plan written: %(planned)s visits planned, %(unassigned)s "
                "unassigned, %(skipped)s edited during the run and left as they "
                "were. Total travel %(travel)s min, overtime %(overtime)s min.",
                planned=self.planned_count,
                unassigned=self.unassigned_count,
                skipped=self.skipped_count,
                travel=round(self.travel_time),
                overtime=round(self.overtime),
            )
            kind = "success" if not self.unassigned_count else "warning"
        else:
            body = self.env._(
                "The run failed and no visit was changed: %(error)s",
                error=self.error_message,
            )
            kind = "danger"
        self.message_post(body=body)
        self.env["bus.bus"]._sendone(
            self.user_id.partner_id,
            "simple_notification",
            {"title": self.name, "message": body, "type": kind, "sticky": False},
        )

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_queued(self):
        """Solve the queued runs, oldest first."""
        runs = self.sudo()
        runs._fail_stale_runs()
        for run in runs.search([("state", "=", "queued")], order="id"):
            run._execute()

    @api.model
    def _cron_plan_tomorrow(self):
        """Plan tomorrow's visits of every company, each in its time zone."""
        companies = (
            self.env["hr.employee"]
            .sudo()
            ._read_group([("is_caregiver", "=", True)], groupby=["company_id"])
        )
        for (company,) in companies:
            tz = company.resource_calendar_id.tz or "UTC"
            today = datetime.now(pytz.timezone(tz)).date()
            tomorrow = today + timedelta(days=1)
            try:
                self.sudo().with_company(company)._plan_routes(
                    {
                        "date_from": tomorrow,
                        "date_to": tomorrow,
                        "tz": tz,
                        "company_id": company.id,
                        "keep_assignments": True,
                        "background": False,
                    }
                )
            except UserError as error:
                _logger.info(
                    "No plan for %s on %s: %s", company.name, tomorrow, error.args[0]
                )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Cancel queued or running runs; a cancelled run writes nothing."""
        for run in self:
            if run.state not in ACTIVE_STATES:
                raise UserError(
                    self.env._(
                        "Run %(run)s is %(state)s: only queued or running runs can "
                        "be cancelled.",
                        run=run.name,
                        state=dict(RUN_STATE_SELECTION)[run.state].lower(),
                    )
                )
        self.write({"state": "cancelled", "finished_at": fields.Datetime.now()})
        return True

    def action_open_planned_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [
            ("planning_run_id", "=", self.id),
            ("state", "=", "planned"),
        ]
        action["context"] = {"search_default_group_by_caregiver": 1}
        return action

    def action_open_visits_in_scope(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("id", "in", self.visit_ids.ids)]
        action["context"] = {}
        return action

    def action_plan_again(self):
        """Plan the same period and selection again, as a new run."""
        self.ensure_one()
        run = self._plan_routes(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "tz": self.tz,
                "company_id": self.company_id.id,
                "caregiver_ids": self.caregiver_ids.ids,
                "service_area_ids": self.service_area_ids.ids,
                "time_limit": self.time_limit,
                "keep_assignments": self.keep_assignments,
                "continuity_weight": self.continuity_weight,
                "change_weight": self.change_weight,
            }
        )
        return run._action_open()

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
