from odoo import fields, models

from .homehealth_certification import DEFAULT_EXPIRING_DAYS, EXPIRING_DAYS_PARAM
from .homehealth_geocoder import (
    DEFAULT_MIN_DELAY,
    DEFAULT_URL,
    MIN_DELAY_PARAM,
    URL_PARAM,
    USER_AGENT_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    homehealth_geocoder_url = fields.Char(
        string="Geocoder URL",
        config_parameter=URL_PARAM,
        default=DEFAULT_URL,
        help="Base URL of a Nominatim service; the search endpoint is /search.",
    )
    homehealth_geocoder_user_agent = fields.Char(
        string="Geocoder User Agent",
        config_parameter=USER_AGENT_PARAM,
        help="Identifies your agency to the geocoder, for example "
        '"Lakeview Home Health scheduling (it@lakeview.example)". The public '
        "Nominatim service requires it.",
    )
    homehealth_geocoder_min_delay = fields.Float(
        string="Delay Between Requests (s)",
        config_parameter=MIN_DELAY_PARAM,
        default=DEFAULT_MIN_DELAY,
        help="Minimum seconds between two geocoder requests. The public Nominatim "
        "service allows one request per second, so values below 1 apply only to "
        "other services.",
    )
    homehealth_certification_expiring_days = fields.Integer(
        string="Expiring Within (days)",
        config_parameter=EXPIRING_DAYS_PARAM,
        default=DEFAULT_EXPIRING_DAYS,
        help="A certification whose expiry date is at most this many days away "
        "counts as expiring.",
    )

    def set_values(self):
        params = self.env["ir.config_parameter"].sudo()
        old_days = params.get_param(EXPIRING_DAYS_PARAM)
        result = super().set_values()
        if params.get_param(EXPIRING_DAYS_PARAM) != old_days:
            self.env["homehealth.certification"].sudo()._cron_refresh_state()
        return result
