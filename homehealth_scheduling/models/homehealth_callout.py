"""Call-outs: a caregiver cannot work on a day, so their visits move to others.

A call-out releases the caregiver's visits of the day and plans them again with
the route planner's input and the routing engine. The other caregivers' visits
stay with their caregivers when possible: each visit starts from its current
caregiver, and moving it to another caregiver costs ``change_weight`` minutes
of travel in the engine's objective. The engine may still change their times
within their windows, unless ``keep_other_times`` pins them.

The preview stores every change as a line. Applying writes exactly those lines,
and refuses when a visit of the day was edited after the preview.
"""

import contextlib
import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .homehealth_planning_input import (
    PlanningOptions,
    PlanningScope,
    build_planning_input,
    get_setting,
    require_engine,
    select_caregivers,
    select_scope_visits,
)
from .homehealth_planning_output import interpret
from .homehealth_planning_run import PlanningError
from .homehealth_visit import SCHEDULER_GROUP

_logger = logging.getLogger(__name__)

CALLOUT_STATE_SELECTION = [
    ("draft", "To Preview"),
    ("previewed", "Previewed"),
    ("applied", "Applied"),
    ("cancelled", "Cancelled"),
]

# Visits a call-out may take from the caregiver and give to others.
RELEASABLE_STATES = ("draft", "planned")

# Visit fields that, when changed after the preview, make it stale.
SNAPSHOT_FIELDS = (
    "caregiver_id",
    "planned_start",
    "planned_end",
    "duration",
    "state",
    "pinned",
    "window_start",
    "window_end",
    "patient_id",
    "discipline",
    "required_certification_type_ids",
    "route_sequence",
    "linked_visit_id",
)

# Order of the preview lines: what needs the scheduler's attention first.
KIND_SEQUENCE = {"uncovered": 1, "reassigned": 2, "moved": 3, "route": 4}

# Minutes of travel that moving another caregiver's visit to someone else is
# worth in the engine's objective: an hour of extra driving.
DEFAULT_CHANGE_WEIGHT = 60
DEFAULT_TIME_LIMIT = 3.0


class _PreviewRollback(Exception):
    """Raised to roll back the temporary release of visits after reading them."""


class HomehealthCallout(models.Model):
    _name = "homehealth.callout"
    _description = "Home Health Call-out"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Caregiver",
        required=True,
        index=True,
        domain=[("is_caregiver", "=", True)],
        check_company=True,
        tracking=True,
    )
    date = fields.Date(
        required=True,
        tracking=True,
        help="Day on which the caregiver cannot work, in the caregiver's time zone.",
    )
    absent_from = fields.Datetime(
        help="Start of the absence. Empty: the start of the day.",
    )
    absent_to = fields.Datetime(
        help="End of the absence (excluded). Empty: the end of the day.",
    )
    reason = fields.Text()
    leave_id = fields.Many2one(
        comodel_name="resource.calendar.leaves",
        string="Time Off",
        ondelete="set null",
        readonly=True,
        help="Time off entry that started this call-out, or that applying it recorded.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        selection=CALLOUT_STATE_SELECTION,
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    time_limit = fields.Float(
        string="Time Limit (s)",
        default=DEFAULT_TIME_LIMIT,
        help="Seconds the routing engine searches for the new plan.",
    )
    change_weight = fields.Integer(
        string="Change Weight (min)",
        default=DEFAULT_CHANGE_WEIGHT,
        help="Minutes of travel that moving one of the other caregivers' visits "
        "to someone else is worth. Higher values keep more of their days as "
        "they are.",
    )
    keep_other_times = fields.Boolean(
        string="Keep Other Visits As They Are",
        help="Fit the released visits around the other caregivers' visits "
        "without moving any of them. This may leave more visits uncovered.",
    )
    record_time_off = fields.Boolean(
        default=True,
        help="When applied, record the absence as time off of the caregiver, so "
        "that later route planning does not give them visits in it.",
    )
    publish_on_apply = fields.Boolean(
        string="Notify Caregivers on Apply",
        default=True,
        help="When applied, publish the changed visits: each caregiver whose day "
        "changed gets one message listing the changes.",
    )
    line_ids = fields.One2many(
        comodel_name="homehealth.callout.line",
        inverse_name="callout_id",
        string="Changes",
        readonly=True,
    )
    change_count = fields.Integer(compute="_compute_counts")
    uncovered_count = fields.Integer(compute="_compute_counts")
    visit_snapshot = fields.Json(
        readonly=True,
        copy=False,
        help="Planning fields of the day's visits when the preview was made.",
    )
    solver_status = fields.Char(readonly=True, copy=False)
    previewed_on = fields.Datetime(readonly=True, copy=False)
    applied_on = fields.Datetime(readonly=True, copy=False)
    applied_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        copy=False,
    )

    @api.depends("employee_id", "date")
    def _compute_name(self):
        for callout in self:
            callout.name = self.env._(
                "%(caregiver)s unavailable on %(date)s",
                caregiver=callout.employee_id.name or "?",
                date=callout.date or "?",
            )

    @api.depends("line_ids.kind")
    def _compute_counts(self):
        for callout in self:
            callout.change_count = len(
                callout.line_ids.filtered(lambda line: line.kind != "uncovered")
            )
            callout.uncovered_count = len(
                callout.line_ids.filtered(lambda line: line.kind == "uncovered")
            )

    @api.constrains("absent_from", "absent_to", "time_limit")
    def _check_values(self):
        for callout in self:
            if (
                callout.absent_from
                and callout.absent_to
                and callout.absent_to <= callout.absent_from
            ):
                raise ValidationError(
                    self.env._(
                        "Call-out %(callout)s: the absence ends before it starts. "
                        "Correct the start or the end.",
                        callout=callout.name,
                    )
                )
            if callout.time_limit <= 0:
                raise ValidationError(
                    self.env._(
                        "Call-out %(callout)s: the time limit must be a positive "
                        "number of seconds.",
                        callout=callout.name,
                    )
                )

    @api.constrains("employee_id")
    def _check_employee(self):
        for callout in self:
            if not callout.employee_id.is_caregiver:
                raise ValidationError(
                    self.env._(
                        "%(employee)s is not a caregiver, so there are no visits to "
                        "release.",
                        employee=callout.employee_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_scheduler(self):
        if not self.env.su and not self.env.user.has_group(SCHEDULER_GROUP):
            raise AccessError(
                self.env._(
                    "Only home health schedulers can handle caregiver call-outs."
                )
            )

    def _timezone(self):
        self.ensure_one()
        return pytz.timezone(self.employee_id.sudo()._get_tz())

    def _absence_bounds(self):
        """Return the naive UTC start and end (excluded) of the absence."""
        self.ensure_one()
        tz = self._timezone()
        day_start = tz.localize(datetime.combine(self.date, time.min))
        day_end = tz.localize(datetime.combine(self.date + timedelta(days=1), time.min))
        start = day_start.astimezone(pytz.utc).replace(tzinfo=None)
        end = day_end.astimezone(pytz.utc).replace(tzinfo=None)
        if self.absent_from:
            start = max(start, self.absent_from)
        if self.absent_to:
            end = min(end, self.absent_to)
        return start, end

    def _scope(self, caregiver_ids=(), visit_ids=()):
        self.ensure_one()
        return PlanningScope(
            date_from=self.date,
            date_to=self.date,
            company_id=self.company_id.id,
            tz=self._timezone().zone,
            caregiver_ids=tuple(caregiver_ids),
            visit_ids=tuple(visit_ids),
        )

    def _released_visits(self, scope_visits):
        """Return the caregiver's visits that the absence takes away."""
        self.ensure_one()
        start, end = self._absence_bounds()
        return scope_visits.filtered(
            lambda visit: (
                visit.caregiver_id == self.employee_id
                and visit.state in RELEASABLE_STATES
                and visit.planned_start
                and visit.planned_start < end
                and (visit.planned_end or visit.planned_start) > start
            )
        )

    @staticmethod
    def _snapshot_value(value):
        if isinstance(value, models.BaseModel):
            return sorted(value.ids)
        if isinstance(value, datetime):
            return fields.Datetime.to_string(value)
        return value

    def _snapshot(self, visits):
        """Return {visit id (str): [planning field values]} for the stale check."""
        visits = visits.sudo()
        return {
            str(visit.id): [
                self._snapshot_value(visit[name])
                for name in SNAPSHOT_FIELDS
                if name in visit._fields
            ]
            for visit in visits
        }

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------

    def action_preview(self):
        """Plan the day without the caregiver and store the changes as lines."""
        self._check_scheduler()
        for callout in self:
            if callout.state not in ("draft", "previewed"):
                raise UserError(
                    self.env._(
                        "Call-out %(callout)s is %(state)s: only call-outs to "
                        "preview or previewed can be previewed again.",
                        callout=callout.name,
                        state=dict(CALLOUT_STATE_SELECTION)[callout.state],
                    )
                )
            callout._preview()
        return True

    def _preview(self):
        self.ensure_one()
        routing = require_engine()
        everyone = self._scope()
        scope_visits = select_scope_visits(self.env, everyone)
        released = self._released_visits(scope_visits)
        if not released:
            raise UserError(
                self.env._(
                    "%(caregiver)s has no draft or planned visit on %(date)s in the "
                    "time of the absence: there is nothing to move.",
                    caregiver=self.employee_id.name,
                    date=self.date,
                )
            )
        others = scope_visits.filtered(
            lambda visit: visit.caregiver_id and visit.caregiver_id != self.employee_id
        )
        other_caregivers = select_caregivers(self.env, everyone) - self.employee_id
        snapshot = self._snapshot(released | others)

        lines = []
        solver_status = False
        if other_caregivers:
            planning_input = self._build_input(released, others, other_caregivers)
            solution = routing.solve(planning_input.problem, planning_input.params)
            result = interpret(planning_input, solution)
            try:
                self.env["homehealth.planning.run"]._check_result(
                    result, planning_input
                )
            except PlanningError as error:
                raise UserError(str(error)) from error
            solver_status = result.status
            lines = self._lines_from_result(released, others, planning_input, result)
        else:
            lines = [
                self._uncovered_line(
                    visit,
                    "no_qualified_caregiver",
                    self.env._("No other caregiver of the company can take visits."),
                )
                for visit in released
            ]

        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [fields.Command.create(line) for line in lines],
                "state": "previewed",
                "visit_snapshot": snapshot,
                "solver_status": solver_status,
                "previewed_on": fields.Datetime.now(),
            }
        )
        _logger.info(
            "Call-out %s previewed: %d visits released, %d changes, %d uncovered",
            self.id,
            len(released),
            self.change_count,
            self.uncovered_count,
        )

    def _build_input(self, released, others, other_caregivers):
        """Return the planner's input for the day without the caregiver.

        The planner takes the visits of the selected caregivers and unassigned
        ones, so the released visits are unassigned (and unpinned) in a
        savepoint while the input is read, then the savepoint is rolled back.
        """
        scope = self._scope(
            caregiver_ids=other_caregivers.ids,
            visit_ids=(released | others).ids,
        )
        options = PlanningOptions(
            time_limit=self.time_limit,
            keep_assignments=True,
            continuity_weight=get_setting(self.env, "continuity_weight"),
            change_weight=self.change_weight,
        )
        visits = (
            released.env["homehealth.visit"]
            .sudo()
            .with_context(tracking_disable=True, mail_notrack=True)
        )
        planning_input = None
        # The savepoint exits first and rolls back, then suppress() swallows
        # the exception that requested the rollback.
        with contextlib.suppress(_PreviewRollback), self.env.cr.savepoint():
            visits.browse(released.ids).write(
                {"caregiver_id": False, "pinned": False, "state": "draft"}
            )
            if self.keep_other_times:
                visits.browse(others.ids).write({"pinned": True})
            self.env.flush_all()
            planning_input = build_planning_input(self.env, scope, options)
            raise _PreviewRollback()
        self.env.invalidate_all(flush=False)
        return planning_input

    def _uncovered_line(self, visit, reason, detail):
        return {
            "visit_id": visit.id,
            "kind": "uncovered",
            "kind_sequence": KIND_SEQUENCE["uncovered"],
            "released": visit.caregiver_id == self.employee_id,
            "old_caregiver_id": visit.caregiver_id.id,
            "old_start": visit.planned_start,
            "old_end": visit.planned_end,
            "reason": reason,
            "detail": detail,
        }

    def _lines_from_result(self, released, others, planning_input, result):
        """Return the line values of every visit whose planned values change."""
        planned = {plan.visit_id: plan for plan in result.planned}
        unplanned = {item.visit_id: item for item in result.unplanned}
        left_out = {
            item.visit_id: item.detail
            for item in planning_input.left_out
            if item.visit_id
        }
        # Caregivers that the planner left out (no home location, no working
        # hours that day) keep their visits: the call-out is not about them.
        working = {day.employee_id for day in planning_input.caregiver_days.values()}
        lines = []
        for visit in (released | others).sorted("id"):
            is_released = visit in released
            if not is_released and visit.caregiver_id.id not in working:
                continue
            plan = planned.get(visit.id)
            if plan is None:
                if visit.id in unplanned:
                    item = unplanned[visit.id]
                    lines.append(self._uncovered_line(visit, item.reason, item.detail))
                elif not is_released:
                    # Pinned visits of other caregivers, and those the planner
                    # left out for incomplete data, stay as they are.
                    pass
                elif visit.id in left_out:
                    lines.append(
                        self._uncovered_line(visit, "invalid_input", left_out[visit.id])
                    )
                else:
                    lines.append(
                        self._uncovered_line(
                            visit,
                            "invalid_input",
                            self.env._(
                                "The visit is outside the planning day (its window "
                                "starts on another day): reassign it by hand."
                            ),
                        )
                    )
                continue
            travel_time = plan.travel_seconds / 60
            travel_distance = plan.travel_metres / 1000
            if is_released or plan.employee_id != visit.caregiver_id.id:
                kind = "reassigned"
            elif plan.start != visit.planned_start or plan.end != visit.planned_end:
                kind = "moved"
            elif (
                plan.sequence != visit.route_sequence
                or abs(travel_time - visit.travel_time_from_previous) > 0.005
                or abs(travel_distance - visit.travel_distance_from_previous) > 0.0005
                or visit.state != "planned"
            ):
                kind = "route"
            else:
                continue
            lines.append(
                {
                    "visit_id": visit.id,
                    "kind": kind,
                    "kind_sequence": KIND_SEQUENCE[kind],
                    "released": is_released,
                    "old_caregiver_id": visit.caregiver_id.id,
                    "old_start": visit.planned_start,
                    "old_end": visit.planned_end,
                    "new_caregiver_id": plan.employee_id,
                    "new_start": plan.start,
                    "new_end": plan.end,
                    "new_route_sequence": plan.sequence,
                    "new_travel_time": travel_time,
                    "new_travel_distance": travel_distance,
                }
            )
        return lines

    # ------------------------------------------------------------------
    # Apply
    # ------------------------------------------------------------------

    def _check_not_edited(self):
        """Raise a UserError naming the visits edited since the preview."""
        self.ensure_one()
        snapshot = self.visit_snapshot or {}
        visits = (
            self.env["homehealth.visit"]
            .sudo()
            .browse([int(visit_id) for visit_id in snapshot])
        )
        existing = visits.exists()
        current = self._snapshot(existing)
        edited = [
            visit_id
            for visit_id, values in snapshot.items()
            if current.get(visit_id) != values
        ]
        if edited:
            names = visits.browse([int(visit_id) for visit_id in edited]).exists()
            raise UserError(
                self.env._(
                    "Visits %(visits)s changed after the preview of %(callout)s, so "
                    "the previewed changes may no longer fit. Preview again, then "
                    "apply.",
                    visits=", ".join(names.mapped("name"))
                    or self.env._("(deleted visits)"),
                    callout=self.name,
                )
            )

    def action_apply(self):
        """Write exactly the previewed changes on the visits."""
        self._check_scheduler()
        for callout in self:
            if callout.state != "previewed":
                raise UserError(
                    self.env._(
                        "Preview call-out %(callout)s before applying it.",
                        callout=callout.name,
                    )
                )
            callout._check_not_edited()
        changed = self.env["homehealth.visit"]
        for callout in self:
            changed |= callout._apply()
        publish = self.filtered("publish_on_apply")
        if publish:
            visits = publish.line_ids.visit_id
            result = visits._homehealth_publish()
            return visits._homehealth_publish_notification(result)
        return True

    def _apply(self):
        self.ensure_one()
        visits = self.env["homehealth.visit"]
        for line in self.line_ids:
            line.visit_id.write(line._visit_values())
            visits |= line.visit_id
        if self.record_time_off and not self.leave_id:
            self.leave_id = self._create_time_off()
        self.write(
            {
                "state": "applied",
                "applied_on": fields.Datetime.now(),
                "applied_by_id": self.env.user.id,
            }
        )
        self.message_post(
            body=self.env._(
                "Applied: %(changes)s visits changed, %(uncovered)s not covered.",
                changes=self.change_count,
                uncovered=self.uncovered_count,
            )
        )
        _logger.info(
            "Call-out %s applied by %s: %d visits written",
            self.id,
            self.env.user.login,
            len(visits),
        )
        return visits

    def _create_time_off(self):
        """Record the absence as time off of the caregiver's resource."""
        self.ensure_one()
        start, end = self._absence_bounds()
        employee = self.employee_id.sudo()
        return (
            self.env["resource.calendar.leaves"]
            .sudo()
            .with_context(homehealth_callout_skip=True)
            .create(
                {
                    "name": self.env._(
                        "Call-out: %(reason)s", reason=self.reason or self.name
                    ),
                    "resource_id": employee.resource_id.id,
                    "calendar_id": employee.resource_calendar_id.id,
                    "company_id": employee.company_id.id,
                    "date_from": start,
                    "date_to": end,
                    "time_type": "leave",
                }
            )
        )

    def action_cancel(self):
        self._check_scheduler()
        for callout in self:
            if callout.state == "applied":
                raise UserError(
                    self.env._(
                        "Call-out %(callout)s is already applied: change the visits "
                        "by hand instead.",
                        callout=callout.name,
                    )
                )
        self.write({"state": "cancelled"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_open_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("id", "in", self.line_ids.visit_id.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Time off
    # ------------------------------------------------------------------

    @api.model
    def _offer_for_leaves(self, leaves):
        """Create a call-out to preview for each day a leave takes visits from.

        Each call-out gets a to-do activity for the user who recorded the time
        off when they are a scheduler, else for the company's schedulers.
        """
        callouts = self.browse()
        employees = self.env["hr.employee"].sudo()
        for leave in leaves.sudo():
            if not leave.resource_id or leave.time_type != "leave":
                continue
            employee = employees.search(
                [
                    ("resource_id", "=", leave.resource_id.id),
                    ("is_caregiver", "=", True),
                ],
                limit=1,
            )
            if not employee:
                continue
            visits = (
                self.env["homehealth.visit"]
                .sudo()
                .search(
                    [
                        ("caregiver_id", "=", employee.id),
                        ("state", "in", RELEASABLE_STATES),
                        ("planned_start", "<", leave.date_to),
                        ("planned_end", ">", leave.date_from),
                    ]
                )
            )
            tz = pytz.timezone(employee._get_tz())
            days = sorted(
                {
                    pytz.utc.localize(visit.planned_start).astimezone(tz).date()
                    for visit in visits
                }
            )
            for day in days:
                exists = self.sudo().search_count(
                    [
                        ("employee_id", "=", employee.id),
                        ("date", "=", day),
                        ("state", "in", ("draft", "previewed")),
                    ]
                )
                if exists:
                    continue
                callout = (
                    self.sudo()
                    .with_company(employee.company_id)
                    .create(
                        {
                            "employee_id": employee.id,
                            "date": day,
                            "absent_from": leave.date_from,
                            "absent_to": leave.date_to,
                            "reason": leave.name,
                            "leave_id": leave.id,
                            "company_id": employee.company_id.id,
                            "record_time_off": False,
                        }
                    )
                )
                callout._schedule_review_activity()
                callouts |= callout
        return callouts

    def _schedule_review_activity(self):
        self.ensure_one()
        schedulers = (
            self.env.ref(SCHEDULER_GROUP)
            .sudo()
            .users.filtered(
                lambda user: self.company_id in user.company_ids and not user.share
            )
        )
        if self.env.user in schedulers:
            schedulers = self.env.user
        for user in schedulers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=self.env._("Move the visits of a caregiver on time off"),
                note=self.env._(
                    "%(caregiver)s has time off on %(date)s that covers planned "
                    "visits. Preview the call-out and apply it to move them.",
                    caregiver=self.employee_id.name,
                    date=self.date,
                ),
                user_id=user.id,
            )
