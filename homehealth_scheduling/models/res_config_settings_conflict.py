from odoo import fields, models

from .homehealth_visit_conflict import CONFLICT_MODE_SELECTION, MODE_PARAM

HELP = "Warn shows the conflict on the visit; Block saving rejects the change."


def _mode_field(rule, label):
    return fields.Selection(
        selection=CONFLICT_MODE_SELECTION,
        string=label,
        config_parameter=MODE_PARAM.format(rule=rule),
        default="warn",
        required=True,
        help=HELP,
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    homehealth_conflict_overlap_mode = _mode_field("overlap", "Overlapping Visits")
    homehealth_conflict_outside_hours_mode = _mode_field(
        "outside_hours", "Outside Working Hours"
    )
    homehealth_conflict_time_off_mode = _mode_field("time_off", "During Time Off")
    homehealth_conflict_discipline_mode = _mode_field("discipline", "Wrong Discipline")
    homehealth_conflict_certification_mode = _mode_field(
        "certification", "Missing Certification"
    )
    homehealth_conflict_excluded_mode = _mode_field(
        "excluded", "Caregiver Excluded by Patient"
    )
    homehealth_conflict_language_mode = _mode_field(
        "language", "Required Language Not Spoken"
    )
    homehealth_conflict_coordinates_mode = _mode_field(
        "coordinates", "Patient Without Coordinates"
    )
    homehealth_conflict_day_visits_mode = _mode_field(
        "day_visits", "Too Many Visits per Day"
    )
    homehealth_conflict_day_workload_mode = _mode_field(
        "day_workload", "Too Much Workload per Day"
    )
    homehealth_conflict_week_hours_mode = _mode_field(
        "week_hours", "Too Many Hours per Week"
    )
