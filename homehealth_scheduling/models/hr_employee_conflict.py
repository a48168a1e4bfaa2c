from datetime import timedelta

from odoo import api, fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    certification_blocked_visit_count = fields.Integer(
        string="Visits Blocked by Certifications",
        compute="_compute_certification_blocked_visit_count",
        help="Future visits of the caregiver that need a certification which "
        "expires (or expired) before them, counting certifications that expire "
        "within the planning horizon. A renewal valid on the visit date unblocks "
        "the visit.",
    )

    def _compute_certification_blocked_visit_count(self):
        blocked = self._homehealth_certification_blocked_visits()
        for employee in self:
            employee.certification_blocked_visit_count = len(blocked[employee])

    def _homehealth_certification_blocked_visits(self):
        """Return ``{employee: visits}`` blocked by certifications expiring soon.

        Soon means an expiry date no later than today plus the planning horizon,
        which is the number of weeks for which plans of care generate visits.
        Expired certifications count too.
        """
        result = dict.fromkeys(self, self.env["homehealth.visit"])
        employees = self.filtered("id")
        if not employees:
            return result
        horizon_weeks = self.env["homehealth.care.plan"]._get_horizon_weeks()
        last_day = fields.Date.context_today(self) + timedelta(weeks=horizon_weeks)
        certifications = (
            self.env["homehealth.certification"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("expiry_date", "!=", False),
                    ("expiry_date", "<=", last_day),
                ]
            )
        )
        for (
            certification,
            visits,
        ) in certifications._homehealth_blocked_visits().items():
            employee = certification.employee_id.with_env(self.env)
            result[employee] = result[employee] | visits.with_env(self.env)
        return result

    def _homehealth_time_off(self, start_utc, end_utc):
        """Return the caregiver's time off that overlaps a UTC range.

        Time off is read from ``resource.calendar.leaves`` the way working
        hours are: the employee's own leaves and those of the whole calendar
        (public holidays), of the employee's company or of no company.

        :return: list of ``(start, end, name)`` with naive UTC datetimes
        """
        self.ensure_one()
        employee = self.sudo()
        calendar = (
            employee.resource_calendar_id or employee.company_id.resource_calendar_id
        )
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("time_type", "=", "leave"),
                    ("date_from", "<", end_utc),
                    ("date_to", ">", start_utc),
                    ("resource_id", "in", [False, employee.resource_id.id]),
                    ("calendar_id", "in", [False, calendar.id]),
                    ("company_id", "in", [False, employee.company_id.id]),
                ],
                order="date_from",
            )
        )
        return [
            (leave.date_from, leave.date_to, leave.name or self.env._("time off"))
            for leave in leaves
        ]

    def action_view_certification_blocked_visits(self):
        self.ensure_one()
        visits = self._homehealth_certification_blocked_visits()[self]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("id", "in", visits.ids)]
        action["context"] = {}
        action["name"] = self.env._("Visits Blocked by Certifications")
        return action

    @api.model
    def _homehealth_recompute_visit_conflicts(self, date_from, date_to, employees):
        """Recompute the conflicts of the employees' visits in a UTC range."""
        if not employees:
            return
        visits = (
            self.env["homehealth.visit"]
            .sudo()
            .search(
                [
                    ("caregiver_id", "in", employees.ids),
                    ("planned_start", "<", date_to),
                    ("planned_end", ">", date_from),
                ]
            )
        )
        visits._homehealth_recompute_conflicts()
