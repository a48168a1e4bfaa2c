from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.homehealth_planning_input import get_setting


class HomehealthRoutePlanner(models.TransientModel):
    _name = "homehealth.route.planner"
    _description = "Plan Caregiver Routes"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_day(),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: self._default_day(),
    )
    caregiver_ids = fields.Many2many(
        comodel_name="hr.employee",
        relation="homehealth_route_planner_employee_rel",
        column1="planner_id",
        column2="employee_id",
        string="Caregivers",
        domain=[("is_caregiver", "=", True)],
        help="Caregivers to assign. Leave empty for every caregiver of the selected "
        "service areas, or of the company when no area is selected.",
    )
    service_area_ids = fields.Many2many(
        comodel_name="homehealth.service.area",
        relation="homehealth_route_planner_service_area_rel",
        column1="planner_id",
        column2="service_area_id",
        string="Service Areas",
        help="Plan only the visits of patients in these areas.",
    )
    visit_ids = fields.Many2many(
        comodel_name="homehealth.visit",
        relation="homehealth_route_planner_visit_rel",
        column1="planner_id",
        column2="visit_id",
        string="Visits",
        help="Plan only these visits. Leave empty to plan every draft and planned "
        "visit of the period.",
    )
    time_limit = fields.Float(
        string="Time Limit (s)",
        required=True,
        default=lambda self: get_setting(self.env, "default_time_limit"),
        help="Seconds the routing engine searches for a better plan.",
    )
    keep_assignments = fields.Boolean(
        string="Start From Current Assignments",
        default=True,
        help="Start the search from the visits' current caregivers.",
    )
    continuity_weight = fields.Integer(
        string="Continuity of Care (min)",
        default=lambda self: get_setting(self.env, "continuity_weight"),
        help="How many minutes of extra travel it is worth to keep a patient with a "
        "preferred caregiver (listed on the patient, or the one who saw them most "
        "in the last 30 days). 0 ignores continuity.",
    )
    runs_in_background = fields.Boolean(compute="_compute_runs_in_background")

    @api.model
    def _default_day(self):
        tz = pytz.timezone(self.env.user.tz or "UTC")
        return datetime.now(tz).date() + timedelta(days=1)

    @api.depends("time_limit", "visit_ids")
    def _compute_runs_in_background(self):
        for planner in self:
            planner.runs_in_background = self.env[
                "homehealth.planning.run"
            ]._runs_in_background(planner.time_limit, len(planner.visit_ids))

    def action_plan(self):
        """Start the run and open it."""
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(
                self.env._(
                    "The period ends (%(end)s) before it starts (%(start)s). Swap the "
                    "two dates.",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        run = self.env["homehealth.planning.run"]._plan_routes(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "caregiver_ids": self.caregiver_ids.ids,
                "service_area_ids": self.service_area_ids.ids,
                "visit_ids": self.visit_ids.ids,
                "time_limit": self.time_limit,
                "keep_assignments": self.keep_assignments,
                "continuity_weight": self.continuity_weight,
            }
        )
        return run._action_open()
