import pytz

from odoo import api, fields, models

from ..models.homehealth_callout import DEFAULT_CHANGE_WEIGHT, DEFAULT_TIME_LIMIT


class HomehealthCalloutWizard(models.TransientModel):
    _name = "homehealth.callout.wizard"
    _description = "Caregiver Unavailable"

    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Caregiver",
        required=True,
        domain=[("is_caregiver", "=", True)],
    )
    date = fields.Date(
        required=True,
        help="Day on which the caregiver cannot work, in the caregiver's time zone.",
    )
    reason = fields.Text()
    keep_other_times = fields.Boolean(
        string="Keep Other Visits As They Are",
        help="Fit the released visits around the other caregivers' visits "
        "without moving any of them. This may leave more visits uncovered.",
    )
    change_weight = fields.Integer(
        string="Change Weight (min)",
        default=DEFAULT_CHANGE_WEIGHT,
        help="Minutes of travel that moving one of the other caregivers' visits "
        "to someone else is worth.",
    )
    time_limit = fields.Float(string="Time Limit (s)", default=DEFAULT_TIME_LIMIT)
    record_time_off = fields.Boolean(
        default=True,
        help="When applied, record the day as time off of the caregiver.",
    )
    publish_on_apply = fields.Boolean(
        string="Notify Caregivers on Apply",
        default=True,
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "employee_id" in fields_list
            and not values.get("employee_id")
            and context.get("active_model") == "hr.employee"
            and context.get("active_id")
        ):
            values["employee_id"] = context["active_id"]
        if "date" in fields_list and not values.get("date"):
            employee = (
                self.env["hr.employee"]
                .sudo()
                .browse(values.get("employee_id"))
                .exists()
            )
            tz = pytz.timezone(employee._get_tz() if employee else "UTC")
            values["date"] = (
                pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
            )
        return values

    def action_preview(self):
        """Create the call-out, compute its preview and show it."""
        self.ensure_one()
        callout = self.env["homehealth.callout"].create(
            {
                "employee_id": self.employee_id.id,
                "date": self.date,
                "reason": self.reason,
                "keep_other_times": self.keep_other_times,
                "change_weight": self.change_weight,
                "time_limit": self.time_limit,
                "record_time_off": self.record_time_off,
                "publish_on_apply": self.publish_on_apply,
                "company_id": self.employee_id.company_id.id,
            }
        )
        callout.action_preview()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Call-out Preview"),
            "res_model": "homehealth.callout",
            "res_id": callout.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "homehealth_scheduling.homehealth_callout_view_form_preview"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }
