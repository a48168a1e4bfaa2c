from odoo import fields, models

from .homehealth_planning_common import PARAM_PREFIX, SETTING_DEFAULTS


def _param(name):
    return PARAM_PREFIX + name


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    homehealth_planning_default_time_limit = fields.Float(
        string="Planning Time Limit (s)",
        config_parameter=_param("default_time_limit"),
        default=SETTING_DEFAULTS["default_time_limit"],
        help="Seconds the routing engine searches when the planner does not say.",
    )
    homehealth_planning_continuity_weight = fields.Integer(
        string="Continuity of Care (min)",
        config_parameter=_param("continuity_weight"),
        default=SETTING_DEFAULTS["continuity_weight"],
        help="Default minutes of extra travel worth keeping a patient with a "
        "preferred caregiver.",
    )
    homehealth_planning_sync_max_seconds = fields.Float(
        string="Wait for Plans Up To (s)",
        config_parameter=_param("sync_max_seconds"),
        default=SETTING_DEFAULTS["sync_max_seconds"],
        help="Runs with a longer time limit are solved in the background.",
    )
    homehealth_planning_sync_max_visits = fields.Integer(
        string="Wait for Plans Up To (visits)",
        config_parameter=_param("sync_max_visits"),
        default=SETTING_DEFAULTS["sync_max_visits"],
        help="Runs with more visits are solved in the background.",
    )
    homehealth_planning_lunch_minutes = fields.Integer(
        string="Lunch Break (min)",
        config_parameter=_param("lunch_minutes"),
        default=SETTING_DEFAULTS["lunch_minutes"],
        help="Break for working days without a lunch line in their working hours. "
        "0 plans no break.",
    )
    homehealth_planning_lunch_earliest = fields.Float(
        string="Lunch From",
        config_parameter=_param("lunch_earliest"),
        default=SETTING_DEFAULTS["lunch_earliest"],
        help="Earliest local time at which the lunch break starts.",
    )
    homehealth_planning_lunch_latest_end = fields.Float(
        string="Lunch Until",
        config_parameter=_param("lunch_latest_end"),
        default=SETTING_DEFAULTS["lunch_latest_end"],
        help="Local time by which the lunch break is over.",
    )
    homehealth_planning_lunch_min_shift_hours = fields.Float(
        string="Lunch After (h)",
        config_parameter=_param("lunch_min_shift_hours"),
        default=SETTING_DEFAULTS["lunch_min_shift_hours"],
        help="Only working days longer than this many hours get the lunch break.",
    )
    homehealth_planning_max_overtime_minutes = fields.Integer(
        string="Overtime Allowed (min)",
        config_parameter=_param("max_overtime_minutes"),
        default=SETTING_DEFAULTS["max_overtime_minutes"],
        help="Minutes a caregiver may work past the end of the working day.",
    )
