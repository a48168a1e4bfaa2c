from odoo import api, models

# Leave fields whose change moves time off under visits.
LEAVE_FIELDS = {"date_from", "date_to", "resource_id", "calendar_id", "time_type"}


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self._homehealth_recompute_visit_conflicts(leaves._homehealth_scopes())
        return leaves

    def write(self, vals):
        if not LEAVE_FIELDS & set(vals):
            return super().write(vals)
        scopes = self._homehealth_scopes()
        result = super().write(vals)
        self._homehealth_recompute_visit_conflicts(scopes + self._homehealth_scopes())
        return result

    def unlink(self):
        scopes = self._homehealth_scopes()
        result = super().unlink()
        self._homehealth_recompute_visit_conflicts(scopes)
        return result

    def _homehealth_scopes(self):
        """Return ``(date_from, date_to, caregivers)`` covered by each leave.

        A leave of a resource concerns its employee. A leave of a whole calendar
        concerns the caregivers who work with that calendar, and a leave without
        resource or calendar concerns every caregiver.
        """
        Employee = self.env["hr.employee"].sudo()
        scopes = []
        for leave in self.sudo():
            if not (leave.date_from and leave.date_to):
                continue
            if leave.resource_id:
                domain = [("resource_id", "=", leave.resource_id.id)]
            elif leave.calendar_id:
                domain = [
                    ("is_caregiver", "=", True),
                    "|",
                    ("resource_calendar_id", "=", leave.calendar_id.id),
                    "&",
                    ("resource_calendar_id", "=", False),
                    ("company_id.resource_calendar_id", "=", leave.calendar_id.id),
                ]
            else:
                domain = [("is_caregiver", "=", True)]
            scopes.append((leave.date_from, leave.date_to, Employee.search(domain)))
        return scopes

    @api.model
    def _homehealth_recompute_visit_conflicts(self, scopes):
        for date_from, date_to, employees in scopes:
            if employees:
                self.env["hr.employee"]._homehealth_recompute_visit_conflicts(
                    date_from, date_to, employees
                )
