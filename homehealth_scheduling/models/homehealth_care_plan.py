import logging
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

HORIZON_WEEKS_PARAM = "homehealth_scheduling.care_plan_horizon_weeks"
DEFAULT_HORIZON_WEEKS = 2
# A Medicare home health episode lasts 60 days, the start date included.
EPISODE_DAYS = 60

CARE_PLAN_STATE_SELECTION = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("closed", "Closed"),
]


class HomehealthCarePlan(models.Model):
    _name = "homehealth.care.plan"
    _description = "Plan of Care"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["patient_id.name"]

    patient_id = fields.Many2one(
        comodel_name="res.partner",
        required=True,
        index=True,
        domain=[("is_patient", "=", True)],
        check_company=True,
        tracking=True,
    )
    start_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="First day of the episode. Week 1 of every frequency order starts on "
        "this day.",
    )
    end_date = fields.Date(
        compute="_compute_end_date",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="Last day of the episode, included. Defaults to 60 days including the "
        "start date, the length of a Medicare home health episode.",
    )
    state = fields.Selection(
        selection=CARE_PLAN_STATE_SELECTION,
        required=True,
        default="draft",
        copy=False,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    line_ids = fields.One2many(
        comodel_name="homehealth.care.plan.line",
        inverse_name="plan_id",
        string="Services",
        copy=True,
    )
    visit_ids = fields.One2many(
        comodel_name="homehealth.visit",
        inverse_name="care_plan_id",
        string="Visits",
    )
    visit_count = fields.Integer(compute="_compute_visit_count")
    tz = fields.Char(
        string="Time Zone",
        compute="_compute_tz",
        help="Time zone of the visit windows: the patient's, else the company's, "
        "else the user's.",
    )
    authorization_exceeded = fields.Boolean(
        compute="_compute_authorization_exceeded",
        help="A service of the plan has more visits than its payer authorization "
        "covers.",
    )
    notes = fields.Html()

    @api.depends("patient_id.name", "start_date", "end_date")
    def _compute_display_name(self):
        for plan in self:
            if not plan.patient_id:
                plan.display_name = self.env._("New Plan of Care")
                continue
            plan.display_name = self.env._(
                "%(patient)s (%(start)s to %(end)s)",
                patient=plan.patient_id.name,
                start=plan.start_date or "",
                end=plan.end_date or "",
            )

    @api.depends("start_date")
    def _compute_end_date(self):
        for plan in self:
            if plan.start_date:
                plan.end_date = plan.start_date + timedelta(days=EPISODE_DAYS - 1)
            else:
                plan.end_date = False

    def _compute_visit_count(self):
        counts = dict(
            self.env["homehealth.visit"]._read_group(
                [("care_plan_id", "in", self.ids)],
                groupby=["care_plan_id"],
                aggregates=["__count"],
            )
        )
        for plan in self:
            plan.visit_count = counts.get(plan, 0)

    @api.depends("patient_id.tz", "company_id")
    def _compute_tz(self):
        for plan in self:
            plan.tz = plan._get_tz()

    @api.depends("line_ids.authorization_exceeded")
    def _compute_authorization_exceeded(self):
        for plan in self:
            plan.authorization_exceeded = any(
                plan.line_ids.mapped("authorization_exceeded")
            )

    @api.constrains("start_date", "end_date")
    def _check_dates(self):
        for plan in self:
            if plan.end_date < plan.start_date:
                raise ValidationError(
                    self.env._(
                        "Plan of care %(plan)s ends on %(end)s, before it starts on "
                        "%(start)s. Correct the start or end date.",
                        plan=plan.display_name,
                        start=plan.start_date,
                        end=plan.end_date,
                    )
                )

    @api.constrains("patient_id")
    def _check_patient(self):
        for plan in self:
            if not plan.patient_id.is_patient:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a patient. Check Patient on the contact "
                        "before giving it a plan of care.",
                        partner=plan.patient_id.display_name,
                    )
                )

    def write(self, vals):
        if "patient_id" in vals:
            for plan in self:
                if plan.visit_ids and plan.patient_id.id != vals["patient_id"]:
                    raise UserError(
                        self.env._(
                            "Plan of care %(plan)s already has visits, so its patient "
                            "cannot change. Close it and create a plan for the other "
                            "patient.",
                            plan=plan.display_name,
                        )
                    )
        result = super().write(vals)
        if {"start_date", "end_date"} & set(vals):
            self.filtered(lambda plan: plan.state == "active")._generate_visits()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_visits(self):
        for plan in self:
            if plan.visit_ids:
                raise UserError(
                    self.env._(
                        "Plan of care %(plan)s has visits and cannot be deleted. "
                        "Close it instead.",
                        plan=plan.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Time zone and horizon
    # ------------------------------------------------------------------

    def _get_tz(self):
        """Return the name of the time zone in which the plan's times are local."""
        self.ensure_one()
        patient = self.sudo().patient_id
        company = self.sudo().company_id
        return (
            patient.tz
            or company.partner_id.tz
            or company.resource_calendar_id.tz
            or self.env.user.tz
            or "UTC"
        )

    def _today(self):
        """Return today's date in the plan's time zone."""
        self.ensure_one()
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(pytz.timezone(self._get_tz())).date()

    @api.model
    def _get_horizon_weeks(self):
        """Return how many weeks ahead the visits of active plans are generated."""
        value = self.env["ir.config_parameter"].sudo().get_param(HORIZON_WEEKS_PARAM)
        try:
            weeks = int(value) if value else DEFAULT_HORIZON_WEEKS
        except ValueError:
            _logger.warning(
                "Invalid value %r for %s, using %s weeks instead",
                value,
                HORIZON_WEEKS_PARAM,
                DEFAULT_HORIZON_WEEKS,
            )
            weeks = DEFAULT_HORIZON_WEEKS
        return max(weeks, 1)

    # ------------------------------------------------------------------
    # Visit generation
    # ------------------------------------------------------------------

    def _generate_visits(self, today=None):
        """Create and update the visits of the coming weeks for active plans.

        Visits are created for the days from ``today`` (default: today in the
        plan's time zone) up to the horizon setting. Future visits that are still
        draft, unpinned and unassigned follow the current plan lines; other
        visits are left alone. Running it twice creates nothing new.

        :return: dict with the numbers of visits ``created``, ``updated`` and
            ``removed``
        """
        totals = {"created": 0, "updated": 0, "removed": 0}
        horizon_days = 7 * self._get_horizon_weeks()
        for plan in self:
            if plan.state != "active":
                continue
            first_day = today or plan._today()
            horizon_end = first_day + timedelta(days=horizon_days)
            for line in plan.line_ids:
                result = line._sync_visits(first_day, horizon_end)
                for key in totals:
                    totals[key] += result[key]
        return totals

    @api.model
    def _cron_generate_visits(self):
        """Generate the visits of the coming weeks for every active plan.

        A plan that fails (for example an invalid frequency written by an import)
        is logged and skipped so that the other plans still get their visits.
        """
        plans = self.search([("state", "=", "active")])
        failed = 0
        for plan in plans:
            try:
                with self.env.cr.savepoint():
                    plan._generate_visits()
            except (UserError, ValidationError) as error:
                failed += 1
                _logger.warning(
                    "Visit generation failed for plan of care %s (id %s): %s",
                    plan.display_name,
                    plan.id,
                    error,
                )
        _logger.info(
            "Generated visits for %d plans of care, %d failed",
            len(plans) - failed,
            failed,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_activate(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "Plan of care %(plan)s is not a draft, so it cannot be "
                        "activated.",
                        plan=plan.display_name,
                    )
                )
            if not plan.line_ids:
                raise UserError(
                    self.env._(
                        "Plan of care %(plan)s has no services. Add at least one "
                        "service line before activating it.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "active"})
        self._generate_visits()
        return True

    def action_generate_visits(self):
        for plan in self:
            if plan.state != "active":
                raise UserError(
                    self.env._(
                        "Plan of care %(plan)s is not active. Activate it before "
                        "generating visits.",
                        plan=plan.display_name,
                    )
                )
        totals = self._generate_visits()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Visits generated"),
                "message": self.env._(
                    "%(created)s visits created, %(updated)s updated and "
                    "%(removed)s removed.",
                    **totals,
                ),
                "type": "success",
                "sticky": False,
            },
        }

    def action_close(self):
        """Close the plans and delete their future visits that are still free."""
        for plan in self:
            if plan.state != "active":
                raise UserError(
                    self.env._(
                        "Plan of care %(plan)s is not active, so it cannot be closed.",
                        plan=plan.display_name,
                    )
                )
        for plan in self:
            today = plan._today()
            plan.line_ids._remove_free_visits(
                plan.visit_ids.filtered(
                    lambda visit, today=today: visit._care_plan_is_free(today)
                )
            )
        self.write({"state": "closed"})
        return True

    def action_reset_draft(self):
        for plan in self:
            if plan.state != "closed":
                raise UserError(
                    self.env._(
                        "Only closed plans of care can be reset to draft; %(plan)s "
                        "is not closed.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "draft"})
        return True

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("care_plan_id", "=", self.id)]
        action["context"] = {
            "default_patient_id": self.patient_id.id,
            "default_care_plan_id": self.id,
        }
        return action


def local_to_utc(day, hours, tz_name):
    """Return the naive UTC datetime of ``hours`` after local midnight of ``day``.

    ``hours`` is a float such as 9.5 for 09:30, rounded to the minute; 24.0 is
    midnight at the end of the day. A local time that a DST change skips is
    read with the standard-time offset, and a repeated one as its second
    (standard-time) occurrence.
    """
    tz = pytz.timezone(tz_name)
    naive = datetime.combine(day, datetime.min.time()) + timedelta(
        minutes=round(hours * 60)
    )
    local = tz.normalize(tz.localize(naive, is_dst=False))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def utc_to_local_date(value, tz_name):
    """Return the local date of a naive UTC datetime in the time zone."""
    local = pytz.utc.localize(value).astimezone(pytz.timezone(tz_name))
    return local.date()
