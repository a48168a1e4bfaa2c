import pytz

from odoo import api, fields, models


class HomehealthPlanningRoute(models.Model):
    _name = "homehealth.planning.route"
    _description = "Planned Caregiver Route"
    _order = "run_id, day, employee_id, id"

    run_id = fields.Many2one(
        comodel_name="homehealth.planning.run",
        string="Planning Run",
        required=True,
        ondelete="cascade",
        index=True,
    )
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Caregiver",
        required=True,
        ondelete="cascade",
        index=True,
    )
    day = fields.Date(required=True, help="The caregiver's local day.")
    caregiver_key = fields.Char(
        required=True,
        help="Id of the caregiver's day in the routing engine (employee@day).",
    )
    departure = fields.Datetime(help="When the caregiver leaves home.")
    arrival_home = fields.Datetime(help="When the caregiver is back home.")
    visit_count = fields.Integer(string="Visits")
    travel_time = fields.Float(
        string="Travel (min)", help="Minutes of travel, return home included."
    )
    travel_distance = fields.Float(
        string="Distance (km)", help="Kilometres of travel, return home included."
    )
    return_travel_time = fields.Float(
        string="Return Travel (min)", help="Minutes from the last visit back home."
    )
    return_travel_distance = fields.Float(
        string="Return Distance (km)", help="Kilometres from the last visit back home."
    )
    overtime = fields.Float(
        string="Overtime (min)", help="Minutes of work after the shift ends."
    )
    work_time = fields.Float(
        string="Work (h)", help="Hours away from home less breaks."
    )
    breaks = fields.Json(
        string="Breaks Taken",
        help="Breaks taken, as a list of {id, start, end} with UTC times.",
    )
    break_summary = fields.Char(
        string="Breaks", compute="_compute_break_summary", help="Breaks in local time."
    )

    @api.depends("breaks", "employee_id")
    def _compute_break_summary(self):
        for route in self:
            tz = pytz.timezone(
                route.employee_id._get_tz() if route.employee_id else "UTC"
            )
            parts = []
            for item in route.breaks or []:
                start = fields.Datetime.to_datetime(item["start"])
                end = fields.Datetime.to_datetime(item["end"])
                start_local = pytz.utc.localize(start).astimezone(tz)
                end_local = pytz.utc.localize(end).astimezone(tz)
                parts.append(f"{start_local:%H:%M}-{end_local:%H:%M}")
            route.break_summary = ", ".join(parts)
