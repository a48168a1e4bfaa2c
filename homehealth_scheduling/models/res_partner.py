from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .homehealth_geocoder import GEOCODE_QUALITY_SELECTION, REVIEW_QUALITIES

CAREGIVER_GROUP = "homehealth_scheduling.group_homehealth_caregiver"
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_patient = fields.Boolean(
        string="Patient",
        index=True,
        help="Check for a person who receives home health visits.",
    )
    geocode_quality = fields.Selection(
        selection=GEOCODE_QUALITY_SELECTION,
        default="none",
        help="How precisely the geo latitude and longitude locate the address.",
    )
    needs_geocode_review = fields.Boolean(
        compute="_compute_needs_geocode_review",
        store=True,
        help="The patient has no coordinates, or only city-level ones: planning "
        "cannot compute travel times to this home.",
    )
    service_area_id = fields.Many2one(
        comodel_name="homehealth.service.area",
        compute="_compute_service_area_id",
        store=True,
        index=True,
        ondelete="set null",
        help="Area whose postal codes include the patient's, else the area whose "
        "circle contains the patient's coordinates.",
    )
    preferred_language_id = fields.Many2one(
        comodel_name="homehealth.language",
        groups=CAREGIVER_GROUP,
    )
    preferred_caregiver_gender = fields.Selection(
        selection=[
            ("male", "Male"),
            ("female", "Female"),
            ("no_preference", "No Preference"),
        ],
        default="no_preference",
        groups=CAREGIVER_GROUP,
    )
    preferred_caregiver_ids = fields.Many2many(
        comodel_name="hr.employee",
        relation="homehealth_patient_preferred_caregiver_rel",
        column1="partner_id",
        column2="employee_id",
        string="Preferred Caregivers",
        domain=[("is_caregiver", "=", True)],
        groups=CAREGIVER_GROUP,
    )
    excluded_caregiver_ids = fields.Many2many(
        comodel_name="hr.employee",
        relation="homehealth_patient_excluded_caregiver_rel",
        column1="partner_id",
        column2="employee_id",
        string="Excluded Caregivers",
        domain=[("is_caregiver", "=", True)],
        groups=CAREGIVER_GROUP,
        help="Caregivers who must never be assigned to this patient.",
    )
    access_notes = fields.Text(
        help="Keys, door codes, pets, parking and mobility notes for the visit.",
        groups=CAREGIVER_GROUP,
    )
    emergency_contact_name = fields.Char(groups=CAREGIVER_GROUP)
    emergency_contact_phone = fields.Char(groups=CAREGIVER_GROUP)
    patient_visit_ids = fields.One2many(
        comodel_name="homehealth.visit",
        inverse_name="patient_id",
        string="Visits",
        groups=CAREGIVER_GROUP,
    )

    @api.depends(
        "is_patient", "partner_latitude", "partner_longitude", "geocode_quality"
    )
    def _compute_needs_geocode_review(self):
        for partner in self:
            missing = not (partner.partner_latitude or partner.partner_longitude)
            partner.needs_geocode_review = partner.is_patient and (
                missing or partner.geocode_quality in REVIEW_QUALITIES
            )

    @api.depends(
        "is_patient", "zip", "partner_latitude", "partner_longitude", "company_id"
    )
    def _compute_service_area_id(self):
        # Read the agency's few areas once for the whole batch of partners.
        areas = self.env["homehealth.service.area"].sudo().search([])  # pylint: disable=no-search-all
        for partner in self:
            if not partner.is_patient:
                partner.service_area_id = False
                continue
            partner.service_area_id = areas._find_for_location(
                partner.zip,
                partner.partner_latitude,
                partner.partner_longitude,
                company=partner.company_id,
                areas=areas,
            )

    @api.constrains("partner_latitude", "partner_longitude", "is_patient")
    def _check_patient_coordinates(self):
        for partner in self.filtered("is_patient"):
            if not -90 <= partner.partner_latitude <= 90:
                raise ValidationError(
                    self.env._(
                        "Patient %(patient)s has an invalid latitude %(latitude)s: "
                        "it must lie between -90 and 90.",
                        patient=partner.display_name,
                        latitude=partner.partner_latitude,
                    )
                )
            if not -180 <= partner.partner_longitude <= 180:
                raise ValidationError(
                    self.env._(
                        "Patient %(patient)s has an invalid longitude "
                        "%(longitude)s: it must lie between -180 and 180.",
                        patient=partner.display_name,
                        longitude=partner.partner_longitude,
                    )
                )

    @api.constrains("preferred_caregiver_ids", "excluded_caregiver_ids")
    def _check_caregiver_preferences(self):
        for partner in self.sudo():
            both = partner.preferred_caregiver_ids & partner.excluded_caregiver_ids
            if both:
                raise ValidationError(
                    self.env._(
                        "Patient %(patient)s lists %(caregivers)s as both preferred "
                        "and excluded. Remove them from one of the two lists.",
                        patient=partner.display_name,
                        caregivers=", ".join(both.mapped("name")),
                    )
                )

    @api.onchange("partner_latitude", "partner_longitude")
    def _onchange_partner_coordinates(self):
        # A pin moved by hand in the form is a manual location.
        if self.partner_latitude or self.partner_longitude:
            self.geocode_quality = "manual"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_patient") and "company_id" not in vals:
                # Patients belong to the company that cares for them, so that the
                # multi-company rules keep them away from other companies.
                vals["company_id"] = self.env.company.id
        return super().create(vals_list)

    def write(self, vals):
        address_changed = any(name in vals for name in ADDRESS_FIELDS)
        coordinates_given = "partner_latitude" in vals and "partner_longitude" in vals
        if address_changed and not coordinates_given and "geocode_quality" not in vals:
            # base_geolocalize clears the coordinates of a changed address.
            vals = dict(vals, geocode_quality="none")
        return super().write(vals)

    @api.model
    def _homehealth_recompute_service_areas(self):
        """Recompute the service area of every patient, after areas changed."""
        patients = (
            self.sudo()
            .with_context(active_test=False)
            .search([("is_patient", "=", True)])
        )
        self.env.add_to_compute(self._fields["service_area_id"], patients)

    def action_open_homehealth_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Geocoding
    # ------------------------------------------------------------------

    def _homehealth_address_query(self):
        """Return the free-form geocoder query for the partner's address."""
        self.ensure_one()
        partner = self.with_context(lang="en_US")
        return self.env["homehealth.geocoder"]._format_address(
            street=partner.street,
            street2=partner.street2,
            zip_code=partner.zip,
            city=partner.city,
            state=partner.state_id.name,
            country=partner.country_id.name,
        )

    def _homehealth_store_location(self, result):
        self.ensure_one()
        self.write(
            {
                "partner_latitude": result.latitude,
                "partner_longitude": result.longitude,
                "geocode_quality": result.quality,
                "date_localization": fields.Date.context_today(self),
            }
        )

    def _homehealth_mark_not_located(self):
        self.ensure_one()
        self.write({"geocode_quality": "none"})

    def _homehealth_geocode(self, skip_manual=True):
        """Geocode the partners' addresses; see ``homehealth.geocoder``."""
        return self.env["homehealth.geocoder"]._geocode_records(
            self, quality_field="geocode_quality", skip_manual=skip_manual
        )

    def action_homehealth_geocode(self):
        """Geocode the selected patients and report the failures."""
        report = self._homehealth_geocode(skip_manual=len(self) > 1)
        return self.env["homehealth.geocoder"]._notification_action(report)
