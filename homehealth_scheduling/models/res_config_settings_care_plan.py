from odoo import fields, models

from .homehealth_care_plan import DEFAULT_HORIZON_WEEKS, HORIZON_WEEKS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    homehealth_care_plan_horizon_weeks = fields.Integer(
        string="Visit Generation Horizon (weeks)",
        config_parameter=HORIZON_WEEKS_PARAM,
        default=DEFAULT_HORIZON_WEEKS,
        help="Active plans of care get visits for this many weeks ahead, from "
        "today. A daily scheduled action extends them.",
    )
