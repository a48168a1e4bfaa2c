from odoo import fields, models

from .homehealth_visit_publish import NOTIFY_PATIENTS_PARAM
from .homehealth_visit_route_map import (
    DEFAULT_TILE_ATTRIBUTION,
    DEFAULT_TILE_URL,
    TILE_ATTRIBUTION_PARAM,
    TILE_URL_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    homehealth_map_tile_url = fields.Char(
        string="Map Tile URL",
        config_parameter=TILE_URL_PARAM,
        default=DEFAULT_TILE_URL,
        help="URL template of the tile server that draws the route map's "
        "background, with {z}, {x} and {y} (and optionally {s}) placeholders. "
        "When empty, the OpenStreetMap tile server is used.",
    )
    homehealth_map_tile_attribution = fields.Char(
        string="Map Tile Attribution",
        config_parameter=TILE_ATTRIBUTION_PARAM,
        default=DEFAULT_TILE_ATTRIBUTION,
        help="Credit line shown in the corner of the route map, as the tile "
        "server's licence requires (HTML allowed).",
    )
    homehealth_notify_patients = fields.Boolean(
        string="Notify Patients of Changed Visits",
        config_parameter=NOTIFY_PATIENTS_PARAM,
        help="When a plan is published, also send each patient a message about "
        "their visits whose day or time changed.",
    )
