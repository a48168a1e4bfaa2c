import logging
from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .homehealth_geocoder import GEOCODE_QUALITY_SELECTION, REVIEW_QUALITIES

_logger = logging.getLogger(__name__)

DISCIPLINE_SELECTION = [
    ("rn", "Registered Nurse (RN)"),
    ("lpn", "Licensed Practical Nurse (LPN/LVN)"),
    ("pt", "Physical Therapist (PT)"),
    ("pta", "Physical Therapist Assistant (PTA)"),
    ("ot", "Occupational Therapist (OT)"),
    ("cota", "Certified Occupational Therapy Assistant (COTA)"),
    ("slp", "Speech-Language Pathologist (SLP)"),
    ("msw", "Medical Social Worker (MSW)"),
    ("hha", "Home Health Aide (HHA/CNA)"),
]

TRAVEL_MODE_SELECTION = [
    ("car", "Car"),
    ("transit", "Public Transit"),
    ("bicycle", "Bicycle"),
    ("walk", "Walking"),
]

# Typical door-to-door speeds in a city, used until someone enters a measured one.
DEFAULT_SPEED_KMH = {"car": 30.0, "transit": 18.0, "bicycle": 14.0, "walk": 4.5}

PRIVATE_ADDRESS_FIELDS = (
    "private_street",
    "private_street2",
    "private_city",
    "private_zip",
    "private_state_id",
    "private_country_id",
)

# Fields that home health schedulers may change on an employee without being
# HR officers. Everything else on the employee stays with HR.
HOMEHEALTH_EMPLOYEE_FIELDS = {
    "is_caregiver",
    "discipline",
    "certification_ids",
    "language_ids",
    "service_area_ids",
    "home_latitude",
    "home_longitude",
    "home_geocode_quality",
    "home_geocoded_on",
    "travel_mode",
    "travel_speed_kmh",
    "max_visits_per_day",
    "max_workload_per_day",
    "max_hours_per_week",
    "caregiver_color",
}


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    is_caregiver = fields.Boolean(
        string="Caregiver",
        help="Check to let planning assign home health visits to this employee.",
    )
    discipline = fields.Selection(selection=DISCIPLINE_SELECTION)
    certification_ids = fields.One2many(
        comodel_name="homehealth.certification",
        inverse_name="employee_id",
        string="Certifications",
    )
    language_ids = fields.Many2many(
        comodel_name="homehealth.language",
        relation="hr_employee_homehealth_language_rel",
        column1="employee_id",
        column2="language_id",
        string="Languages",
    )
    service_area_ids = fields.Many2many(
        comodel_name="homehealth.service.area",
        relation="hr_employee_homehealth_service_area_rel",
        column1="employee_id",
        column2="service_area_id",
        string="Service Areas",
    )
    home_latitude = fields.Float(digits=(10, 7))
    home_longitude = fields.Float(digits=(10, 7))
    home_geocode_quality = fields.Selection(
        selection=GEOCODE_QUALITY_SELECTION,
        string="Home Location Quality",
        default="none",
        required=True,
    )
    home_geocoded_on = fields.Date(readonly=True)
    home_needs_geocode_review = fields.Boolean(
        string="Home Needs Review",
        compute="_compute_home_needs_geocode_review",
        store=True,
    )
    travel_mode = fields.Selection(
        selection=TRAVEL_MODE_SELECTION,
        default="car",
        required=True,
    )
    travel_speed_kmh = fields.Float(
        string="Travel Speed (km/h)",
        compute="_compute_travel_speed_kmh",
        store=True,
        readonly=False,
        help="Average door-to-door speed. Changing the travel mode resets it to "
        "that mode's typical city speed.",
    )
    max_visits_per_day = fields.Integer(
        default=8,
        help="Maximum number of visits in one day. 0 means no limit.",
    )
    max_workload_per_day = fields.Integer(
        default=0,
        help="Maximum sum of the visits' workload points in one day. 0 means no limit.",
    )
    max_hours_per_week = fields.Float(
        default=40.0,
        help="Maximum hours of visits, travel and waiting in one week. 0 means no "
        "limit beyond the working hours.",
    )
    visit_ids = fields.One2many(
        comodel_name="homehealth.visit",
        inverse_name="caregiver_id",
        string="Visits",
    )
    visit_count = fields.Integer(compute="_compute_visit_count")
    caregiver_color = fields.Integer(
        string="Calendar Colour",
        help="Colour index (0 to 11) of this caregiver's visits in the calendar.",
    )

    @api.depends("home_latitude", "home_longitude", "home_geocode_quality")
    def _compute_home_needs_geocode_review(self):
        for employee in self:
            missing = not (employee.home_latitude or employee.home_longitude)
            employee.home_needs_geocode_review = (
                missing or employee.home_geocode_quality in REVIEW_QUALITIES
            )

    @api.depends("travel_mode")
    def _compute_travel_speed_kmh(self):
        for employee in self:
            employee.travel_speed_kmh = DEFAULT_SPEED_KMH.get(employee.travel_mode, 0.0)

    def _compute_visit_count(self):
        counts = dict(
            self.env["homehealth.visit"]._read_group(
                [("caregiver_id", "in", self.ids)],
                groupby=["caregiver_id"],
                aggregates=["__count"],
            )
        )
        for employee in self:
            employee.visit_count = counts.get(employee, 0)

    @api.constrains(
        "is_caregiver",
        "discipline",
        "travel_speed_kmh",
        "max_visits_per_day",
        "max_workload_per_day",
        "max_hours_per_week",
        "home_latitude",
        "home_longitude",
    )
    def _check_caregiver_settings(self):
        for employee in self:
            if employee.is_caregiver and not employee.discipline:
                raise ValidationError(
                    self.env._(
                        "Caregiver %(caregiver)s has no discipline. Select the "
                        "discipline (RN, PT, HHA, ...) on the Home Health tab.",
                        caregiver=employee.name,
                    )
                )
            limits = {
                self.env._("travel speed"): employee.travel_speed_kmh,
                self.env._("maximum visits per day"): employee.max_visits_per_day,
                self.env._("maximum workload per day"): employee.max_workload_per_day,
                self.env._("maximum hours per week"): employee.max_hours_per_week,
            }
            for label, value in limits.items():
                if value < 0:
                    raise ValidationError(
                        self.env._(
                            "Caregiver %(caregiver)s has a negative %(limit)s "
                            "(%(value)s). Enter 0 or a positive number.",
                            caregiver=employee.name,
                            limit=label,
                            value=value,
                        )
                    )
            if not -90 <= employee.home_latitude <= 90:
                raise ValidationError(
                    self.env._(
                        "Caregiver %(caregiver)s has an invalid home latitude "
                        "%(latitude)s: it must lie between -90 and 90.",
                        caregiver=employee.name,
                        latitude=employee.home_latitude,
                    )
                )
            if not -180 <= employee.home_longitude <= 180:
                raise ValidationError(
                    self.env._(
                        "Caregiver %(caregiver)s has an invalid home longitude "
                        "%(longitude)s: it must lie between -180 and 180.",
                        caregiver=employee.name,
                        longitude=employee.home_longitude,
                    )
                )

    @api.onchange("home_latitude", "home_longitude")
    def _onchange_home_coordinates(self):
        # A pin moved by hand in the form is a manual location.
        if self.home_latitude or self.home_longitude:
            self.home_geocode_quality = "manual"

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        for employee in employees:
            if not employee.caregiver_color:
                employee.caregiver_color = employee.id % 11 + 1
        return employees

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group("hr.group_hr_user"):
            # Schedulers get write access to employees for the home health fields
            # only: the rest of the employee file stays with HR officers.
            forbidden = set(vals) - HOMEHEALTH_EMPLOYEE_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "You can change only the home health fields of employees "
                        "%(employees)s, not %(fields)s. Ask an HR officer to change "
                        "the other fields.",
                        employees=", ".join(self.mapped("name")),
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        address_changed = any(name in vals for name in PRIVATE_ADDRESS_FIELDS)
        if address_changed and "home_geocode_quality" not in vals:
            # The pin belongs to the old address: keep it but flag it for review.
            vals = dict(vals, home_geocode_quality="none")
        return super().write(vals)

    def action_open_homehealth_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("caregiver_id", "=", self.id)]
        action["context"] = {"default_caregiver_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Availability and skills
    # ------------------------------------------------------------------

    def _homehealth_work_intervals(self, start_utc, end_utc):
        """Return the caregiver's working intervals between two UTC datetimes.

        The intervals come from the employee's working hours (or the company's
        when the employee has none), read in the employee's time zone, minus the
        time off recorded in ``resource.calendar.leaves`` (public holidays of the
        calendar and the employee's own leaves).

        :param start_utc: naive UTC datetime, start of the range (included)
        :param end_utc: naive UTC datetime, end of the range (excluded)
        :return: sorted list of ``(start, end)`` naive UTC datetimes, half-open,
            clipped to the range; touching intervals are merged
        :raise UserError: when neither the employee nor the company has working
            hours
        """
        self.ensure_one()
        start_utc = _to_naive_utc(start_utc)
        end_utc = _to_naive_utc(end_utc)
        if start_utc >= end_utc:
            return []

        employee = self.sudo()
        calendar = (
            employee.resource_calendar_id or employee.company_id.resource_calendar_id
        )
        if not calendar:
            raise UserError(
                self.env._(
                    "Caregiver %(caregiver)s has no working hours. Set Working "
                    "Hours on the employee or on the company.",
                    caregiver=employee.name,
                )
            )
        tz = pytz.timezone(employee._get_tz())
        resource = employee.resource_id
        intervals = calendar._work_intervals_batch(
            pytz.utc.localize(start_utc),
            pytz.utc.localize(end_utc),
            resources=resource,
            domain=[
                ("time_type", "=", "leave"),
                ("company_id", "in", [False, employee.company_id.id]),
            ],
            tz=tz,
        )[resource.id]

        result = []
        for interval_start, interval_end, _records in intervals:
            # An attendance that ends at 24:00 comes back as 23:59:59.999999; round
            # it up so that a night shift joins the next day's hours at midnight.
            if interval_end.microsecond == 999999:
                interval_end += timedelta(microseconds=1)
            start = max(_to_naive_utc(interval_start), start_utc)
            end = min(_to_naive_utc(interval_end), end_utc)
            if start >= end:
                continue
            if result and result[-1][1] >= start:
                result[-1] = (result[-1][0], max(result[-1][1], end))
            else:
                result.append((start, end))
        return result

    def _homehealth_work_intervals_batch(self, start_utc, end_utc):
        """Compute ``_homehealth_work_intervals`` for every employee of ``self``.

        The calendar computes the intervals once per distinct (working hours,
        time zone, company) rather than once per employee.

        :param start_utc: naive UTC datetime, start of the range (included)
        :param end_utc: naive UTC datetime, end of the range (excluded)
        :return: ``{employee id: sorted list of (start, end)}`` in naive UTC,
            with ``None`` for an employee without working hours
        """
        start_utc = _to_naive_utc(start_utc)
        end_utc = _to_naive_utc(end_utc)
        result = {}
        employees = self.sudo()
        groups = defaultdict(employees.browse)
        for employee in employees:
            calendar = (
                employee.resource_calendar_id
                or employee.company_id.resource_calendar_id
            )
            if not calendar:
                result[employee.id] = None
                continue
            result[employee.id] = []
            key = (calendar, employee._get_tz(), employee.company_id)
            groups[key] |= employee
        if start_utc >= end_utc:
            return result
        for (calendar, tz_name, company), members in groups.items():
            by_resource = calendar._work_intervals_batch(
                pytz.utc.localize(start_utc),
                pytz.utc.localize(end_utc),
                resources=members.resource_id,
                domain=[
                    ("time_type", "=", "leave"),
                    ("company_id", "in", [False, company.id]),
                ],
                tz=pytz.timezone(tz_name),
            )
            for employee in members:
                merged = result[employee.id]
                for interval_start, interval_end, _records in by_resource[
                    employee.resource_id.id
                ]:
                    # As in _homehealth_work_intervals: 23:59:59.999999 is 24:00.
                    if interval_end.microsecond == 999999:
                        interval_end += timedelta(microseconds=1)
                    start = max(_to_naive_utc(interval_start), start_utc)
                    end = min(_to_naive_utc(interval_end), end_utc)
                    if start >= end:
                        continue
                    if merged and merged[-1][1] >= start:
                        merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                    else:
                        merged.append((start, end))
        return result

    def _homehealth_skills_on(self, date):
        """Return the caregiver's skill codes on ``date``.

        The skills are the discipline code plus the type code of every
        certification that is valid on that date (issued and not expired).
        """
        self.ensure_one()
        employee = self.sudo()
        skills = {employee.discipline} if employee.discipline else set()
        for certification in employee.certification_ids:
            if certification.code and certification._is_valid_on(date):
                skills.add(certification.code)
        return skills

    # ------------------------------------------------------------------
    # Geocoding
    # ------------------------------------------------------------------

    def _homehealth_address_query(self):
        """Return the free-form geocoder query for the private address."""
        self.ensure_one()
        employee = self.sudo().with_context(lang="en_US")
        return self.env["homehealth.geocoder"]._format_address(
            street=employee.private_street,
            street2=employee.private_street2,
            zip_code=employee.private_zip,
            city=employee.private_city,
            state=employee.private_state_id.name,
            country=employee.private_country_id.name,
        )

    def _homehealth_store_location(self, result):
        self.ensure_one()
        self.write(
            {
                "home_latitude": result.latitude,
                "home_longitude": result.longitude,
                "home_geocode_quality": result.quality,
                "home_geocoded_on": fields.Date.context_today(self),
            }
        )

    def _homehealth_mark_not_located(self):
        self.ensure_one()
        self.write({"home_geocode_quality": "none"})

    def _homehealth_geocode(self, skip_manual=True):
        """Geocode the caregivers' homes; see ``homehealth.geocoder``."""
        return self.env["homehealth.geocoder"]._geocode_records(
            self, quality_field="home_geocode_quality", skip_manual=skip_manual
        )

    def action_homehealth_geocode(self):
        """Geocode the selected caregivers' homes and report the failures."""
        report = self._homehealth_geocode(skip_manual=len(self) > 1)
        return self.env["homehealth.geocoder"]._notification_action(report)


def _to_naive_utc(value):
    if not isinstance(value, datetime):
        value = fields.Datetime.to_datetime(value)
    if value.tzinfo is not None:
        value = value.astimezone(pytz.utc).replace(tzinfo=None)
    return value
