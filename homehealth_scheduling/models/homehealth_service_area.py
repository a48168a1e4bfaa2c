import re

from geopy.distance import geodesic

from odoo import api, fields, models
from odoo.exceptions import ValidationError

ZIP_SEPARATORS = re.compile(r"[\s,;]+")


def normalize_zip(zip_code):
    """Return the postal code in upper case without spaces, or "" when empty."""
    return re.sub(r"\s+", "", zip_code or "").upper()


class HomehealthServiceArea(models.Model):
    _name = "homehealth.service.area"
    _description = "Service Area"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(
        default=10,
        help="When several areas list the same postal code or contain the same "
        "point, the patient gets the area with the lowest sequence.",
    )
    active = fields.Boolean(default=True)
    zip_codes = fields.Text(
        string="Postal Codes",
        help="Postal codes in this area, separated by commas, semicolons or "
        "spaces. A US ZIP+4 code such as 60614-1234 matches 60614.",
    )
    center_latitude = fields.Float(digits=(10, 7))
    center_longitude = fields.Float(digits=(10, 7))
    radius_km = fields.Float(
        string="Radius (km)",
        help="Patients whose postal code matches no area get this area when their "
        "coordinates lie within this distance of the centre. Leave 0 to match by "
        "postal code only.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        default=lambda self: self.env.company,
        index=True,
    )
    patient_ids = fields.One2many(
        comodel_name="res.partner",
        inverse_name="service_area_id",
        string="Patients",
    )

    @api.constrains("center_latitude", "center_longitude", "radius_km")
    def _check_circle(self):
        for area in self:
            if area.radius_km < 0:
                raise ValidationError(
                    self.env._(
                        "Service area %(area)s has a negative radius. Enter a radius "
                        "in kilometres, or 0 to match by postal code only.",
                        area=area.name,
                    )
                )
            if not -90 <= area.center_latitude <= 90:
                raise ValidationError(
                    self.env._(
                        "Service area %(area)s has an invalid centre latitude "
                        "%(latitude)s: it must lie between -90 and 90.",
                        area=area.name,
                        latitude=area.center_latitude,
                    )
                )
            if not -180 <= area.center_longitude <= 180:
                raise ValidationError(
                    self.env._(
                        "Service area %(area)s has an invalid centre longitude "
                        "%(longitude)s: it must lie between -180 and 180.",
                        area=area.name,
                        longitude=area.center_longitude,
                    )
                )
            if area.radius_km and not area._has_center():
                raise ValidationError(
                    self.env._(
                        "Service area %(area)s has a radius but no centre. Enter the "
                        "centre latitude and longitude, or set the radius to 0.",
                        area=area.name,
                    )
                )

    def _has_center(self):
        self.ensure_one()
        return bool(self.center_latitude or self.center_longitude)

    def _zip_code_set(self):
        """Return the normalised postal codes listed on the area."""
        self.ensure_one()
        codes = ZIP_SEPARATORS.split(self.zip_codes or "")
        return {normalize_zip(code) for code in codes if code}

    def _contains_point(self, latitude, longitude):
        """Return whether the point lies within the area's circle (edge included)."""
        self.ensure_one()
        if not self.radius_km or not self._has_center():
            return False
        distance = geodesic(
            (self.center_latitude, self.center_longitude), (latitude, longitude)
        ).kilometers
        return distance <= self.radius_km

    def _distance_to_center_km(self, latitude, longitude):
        self.ensure_one()
        return geodesic(
            (self.center_latitude, self.center_longitude), (latitude, longitude)
        ).kilometers

    @api.model
    def _find_for_location(
        self, zip_code, latitude, longitude, company=None, areas=None
    ):
        """Return the area for a postal code, else the area containing the point.

        The postal code wins over the coordinates. Among several circles that
        contain the point, the one whose centre is nearest wins, then the lowest
        sequence. Areas of another company than ``company`` are ignored; areas
        without a company serve every company. ``areas`` defaults to every active
        area.
        """
        if areas is None:
            # An agency has a few dozen areas at most, and every one is a candidate.
            areas = self.sudo().search([])  # pylint: disable=no-search-all
        if company:
            areas = areas.filtered(
                lambda area: not area.company_id or area.company_id == company
            )
        zip_code = normalize_zip(zip_code)
        if zip_code:
            # A US ZIP+4 code such as 60614-1234 also matches an area listing 60614.
            candidates = {zip_code, zip_code.split("-")[0]}
            for area in areas:
                if candidates & area._zip_code_set():
                    return area
        if latitude or longitude:
            containing = areas.filtered(
                lambda area: area._contains_point(latitude, longitude)
            )
            if containing:
                return min(
                    containing,
                    key=lambda area: (
                        area._distance_to_center_km(latitude, longitude),
                        area.sequence,
                        area.id,
                    ),
                )
        return self.browse()

    @api.model_create_multi
    def create(self, vals_list):
        areas = super().create(vals_list)
        self.env["res.partner"]._homehealth_recompute_service_areas()
        return areas

    def write(self, vals):
        result = super().write(vals)
        matching_fields = {
            "zip_codes",
            "center_latitude",
            "center_longitude",
            "radius_km",
            "company_id",
            "sequence",
            "active",
        }
        if matching_fields & set(vals):
            self.env["res.partner"]._homehealth_recompute_service_areas()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["res.partner"]._homehealth_recompute_service_areas()
        return result
