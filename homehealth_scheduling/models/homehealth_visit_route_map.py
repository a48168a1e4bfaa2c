"""Data of the route map: each caregiver's day, unassigned visits, pins to review.

The map's client action reads everything through :meth:`get_route_map_data`, which
returns plain JSON-serialisable values, so that the same data can be tested without
a browser.
"""

import logging
from datetime import date as date_type
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .homehealth_visit import SCHEDULER_GROUP

_logger = logging.getLogger(__name__)

TILE_URL_PARAM = "homehealth_scheduling.map_tile_url"
TILE_ATTRIBUTION_PARAM = "homehealth_scheduling.map_tile_attribution"
DEFAULT_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a> contributors"
)

# Line and marker colours for the caregiver colour index (0 to 11) that the
# calendar uses. Grey is left out: it marks unassigned visits.
CAREGIVER_MAP_COLORS = [
    "#37474f",
    "#d32f2f",
    "#ef6c00",
    "#c6a700",
    "#0097a7",
    "#5e35b1",
    "#e57373",
    "#1e88e5",
    "#1a237e",
    "#c2185b",
    "#2e7d32",
    "#8e24aa",
]
UNASSIGNED_MAP_COLOR = "#9e9e9e"

# States of the visits drawn on a caregiver's route. Missed and cancelled visits
# are not driven to.
ROUTE_STATES = ("draft", "planned", "in_progress", "done")


def caregiver_map_color(color_index):
    """Return the CSS colour of a caregiver colour index."""
    return CAREGIVER_MAP_COLORS[(color_index or 0) % len(CAREGIVER_MAP_COLORS)]


class HomehealthVisit(models.Model):
    _inherit = "homehealth.visit"

    @api.model
    def _route_map_timezone(self):
        """Return the pytz time zone in which the map shows days and times."""
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        try:
            return pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            _logger.warning("Unknown time zone %r: the route map uses UTC.", tz_name)
            return pytz.utc

    @api.model
    def _route_map_day_bounds(self, day, tz):
        """Return the naive UTC start and end (excluded) of ``day`` in ``tz``."""
        start = tz.localize(datetime.combine(day, time.min))
        end = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            end.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.model
    def _route_map_parse_date(self, day):
        if isinstance(day, datetime):
            return day.date()
        if isinstance(day, date_type):
            return day
        if not day:
            return fields.Date.context_today(self)
        try:
            return fields.Date.to_date(day)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The route map date %(value)r is invalid. Give a date as "
                    "YYYY-MM-DD.",
                    value=day,
                )
            ) from error

    @api.model
    def _route_map_tiles(self):
        params = self.env["ir.config_parameter"].sudo()
        url = params.get_param(TILE_URL_PARAM) or DEFAULT_TILE_URL
        attribution = params.get_param(TILE_ATTRIBUTION_PARAM)
        if attribution is None or attribution is False:
            attribution = DEFAULT_TILE_ATTRIBUTION
        return url, attribution

    @api.model
    def _route_map_caregiver_options(self):
        """Return the caregivers the user may filter on: all for schedulers."""
        employees = self.env["hr.employee"].sudo()
        if self.env.user.has_group(SCHEDULER_GROUP):
            caregivers = employees.search(
                [
                    ("is_caregiver", "=", True),
                    ("company_id", "in", self.env.companies.ids),
                ],
                order="name, id",
            )
        else:
            caregivers = employees.search(
                [("is_caregiver", "=", True), ("user_id", "=", self.env.uid)],
                order="name, id",
            )
        return [
            {
                "id": caregiver.id,
                "name": caregiver.name,
                "color": caregiver_map_color(caregiver.caregiver_color),
            }
            for caregiver in caregivers
        ]

    @staticmethod
    def _route_map_point(latitude, longitude):
        # (0, 0) is how an unset Float pair reads: a missing location.
        if not latitude and not longitude:
            return None
        return [latitude, longitude]

    @api.model
    def _route_map_unassigned_domain(self, day_start, day_end):
        """Return the domain of open visits planned, or allowed to start, that day."""
        planned_that_day = [
            ("planned_start", ">=", day_start),
            ("planned_start", "<", day_end),
        ]
        window_overlaps_day = [
            ("planned_start", "=", False),
            ("window_start", "<", day_end),
            "|",
            ("window_end", ">=", day_start),
            "&",
            ("window_end", "=", False),
            ("window_start", ">=", day_start),
        ]
        return [
            ("caregiver_id", "=", False),
            ("state", "=", "draft"),
            "|",
            "&",
            *planned_that_day,
            "&",
            "&",
            *window_overlaps_day,
        ]

    @api.model
    def get_route_map_data(self, day=None, caregiver_ids=None):
        """Return the routes of one day as plain JSON data for the route map.

        :param day: the date (``date`` or ``"YYYY-MM-DD"``) in the user's time
            zone; today when not given
        :param caregiver_ids: ids of the ``hr.employee`` caregivers whose routes
            to return; every caregiver when empty
        :return: a dict with ``date``, ``timezone``, tile settings,
            ``caregiver_options``, ``routes`` (one per caregiver with visits:
            numbered ``stops`` in order and the ``path`` home - stops - home),
            ``unassigned`` visits and ``needs_geocode`` (patients whose location
            is missing or too coarse)
        """
        day = self._route_map_parse_date(day)
        tz = self._route_map_timezone()
        day_start, day_end = self._route_map_day_bounds(day, tz)
        tile_url, tile_attribution = self._route_map_tiles()

        route_domain = [
            ("caregiver_id", "!=", False),
            ("planned_start", ">=", day_start),
            ("planned_start", "<", day_end),
            ("state", "in", ROUTE_STATES),
        ]
        if caregiver_ids:
            route_domain.append(("caregiver_id", "in", list(caregiver_ids)))
        # The user's own access rules decide which visits appear; only the
        # caregivers' names, colours and homes are read with sudo below.
        route_visits = self.search(
            route_domain, order="caregiver_id, planned_start, route_sequence, id"
        )
        unassigned_visits = self.search(
            self._route_map_unassigned_domain(day_start, day_end),
            order="planned_start, window_start, id",
        )

        routes = self._route_map_routes(route_visits, tz)
        unassigned = [
            self._route_map_unassigned_entry(visit, tz) for visit in unassigned_visits
        ]
        needs_geocode = self._route_map_needs_geocode(route_visits | unassigned_visits)
        return {
            "date": fields.Date.to_string(day),
            "timezone": tz.zone,
            "tile_url": tile_url,
            "tile_attribution": tile_attribution,
            "is_scheduler": self.env.user.has_group(SCHEDULER_GROUP),
            "caregiver_options": self._route_map_caregiver_options(),
            "routes": routes,
            "unassigned": unassigned,
            "unassigned_color": UNASSIGNED_MAP_COLOR,
            "needs_geocode": needs_geocode,
        }

    @api.model
    def _route_map_local_time(self, value, tz):
        if not value:
            return ""
        return pytz.utc.localize(value).astimezone(tz).strftime("%H:%M")

    @api.model
    def _route_map_routes(self, visits, tz):
        visit_types = dict(self._fields["visit_type"]._description_selection(self.env))
        disciplines = dict(self._fields["discipline"]._description_selection(self.env))
        routes = []
        for caregiver in visits.caregiver_id.sudo().sorted(lambda c: (c.name, c.id)):
            caregiver_visits = visits.filtered(
                lambda v, caregiver=caregiver: v.caregiver_id.id == caregiver.id
            ).sorted(lambda v: (v.planned_start, v.route_sequence, v.id))
            home = self._route_map_point(
                caregiver.home_latitude, caregiver.home_longitude
            )
            stops = []
            for sequence, visit in enumerate(caregiver_visits, start=1):
                patient = visit.patient_id
                stops.append(
                    {
                        "visit_id": visit.id,
                        "visit_name": visit.name,
                        "sequence": sequence,
                        "patient_id": patient.id,
                        "patient_name": patient.display_name,
                        "point": self._route_map_point(
                            patient.partner_latitude, patient.partner_longitude
                        ),
                        "start": self._route_map_local_time(visit.planned_start, tz),
                        "end": self._route_map_local_time(visit.planned_end, tz),
                        "visit_type": visit_types.get(visit.visit_type, ""),
                        "discipline": disciplines.get(visit.discipline, ""),
                        "state": visit.state,
                        "pinned": visit.pinned,
                        "travel_minutes": round(visit.travel_time_from_previous),
                    }
                )
            stop_points = [stop["point"] for stop in stops if stop["point"]]
            path = stop_points
            if home:
                path = [home, *stop_points, home]
            routes.append(
                {
                    "caregiver_id": caregiver.id,
                    "caregiver_name": caregiver.name,
                    "color": caregiver_map_color(caregiver.caregiver_color),
                    "home": home,
                    "stops": stops,
                    "path": path,
                    "travel_minutes": round(
                        sum(caregiver_visits.mapped("travel_time_from_previous"))
                    ),
                    "travel_km": round(
                        sum(caregiver_visits.mapped("travel_distance_from_previous")),
                        1,
                    ),
                }
            )
        return routes

    @api.model
    def _route_map_unassigned_entry(self, visit, tz):
        patient = visit.patient_id
        if visit.planned_start:
            when = self._route_map_local_time(visit.planned_start, tz)
        elif visit.window_start:
            window_start = self._route_map_local_time(visit.window_start, tz)
            window_end = self._route_map_local_time(visit.window_end, tz)
            when = f"{window_start}-{window_end}"
        else:
            when = ""
        return {
            "visit_id": visit.id,
            "visit_name": visit.name,
            "patient_id": patient.id,
            "patient_name": patient.display_name,
            "point": self._route_map_point(
                patient.partner_latitude, patient.partner_longitude
            ),
            "when": when,
            "discipline": dict(
                self._fields["discipline"]._description_selection(self.env)
            ).get(visit.discipline, ""),
        }

    @api.model
    def _route_map_needs_geocode(self, visits):
        qualities = dict(
            self.env["res.partner"]
            ._fields["geocode_quality"]
            ._description_selection(self.env)
        )
        result = []
        patients = visits.patient_id.filtered("needs_geocode_review")
        for patient in patients.sorted(lambda p: (p.display_name, p.id)):
            has_point = bool(patient.partner_latitude or patient.partner_longitude)
            result.append(
                {
                    "patient_id": patient.id,
                    "patient_name": patient.display_name,
                    "address": patient._homehealth_address_query(),
                    "quality": qualities.get(patient.geocode_quality, ""),
                    "point": self._route_map_point(
                        patient.partner_latitude, patient.partner_longitude
                    ),
                    "reason": (
                        self.env._("Location too coarse: drag the pin to the door.")
                        if has_point
                        else self.env._(
                            "No location: geocode the address or set a pin."
                        )
                    ),
                    "visit_names": visits.filtered(
                        lambda v, patient=patient: v.patient_id == patient
                    ).mapped("name"),
                }
            )
        return result

    @api.model
    def route_map_move_patient(self, patient_id, latitude, longitude):
        """Store a patient location set by dragging the pin on the route map.

        The location becomes a manual one, which batch geocoding leaves alone.

        :raise AccessError: unless the user is a home health scheduler
        :raise UserError: for an unknown patient or an invalid position
        """
        if not self.env.user.has_group(SCHEDULER_GROUP):
            raise AccessError(
                self.env._(
                    "Only home health schedulers can move a patient's pin on the map."
                )
            )
        patient = self.env["res.partner"].browse(int(patient_id)).exists()
        if not patient or not patient.is_patient:
            raise UserError(
                self.env._(
                    "Partner %(partner)s is not a patient: only patient pins can be "
                    "moved on the route map.",
                    partner=patient.display_name or patient_id,
                )
            )
        if latitude is None or longitude is None:
            raise UserError(
                self.env._(
                    "The new position of patient %(patient)s is missing its "
                    "latitude or longitude.",
                    patient=patient.display_name,
                )
            )
        latitude, longitude = self._validate_position(latitude, longitude)
        patient.write(
            {
                "partner_latitude": latitude,
                "partner_longitude": longitude,
                "geocode_quality": "manual",
                "date_localization": fields.Date.context_today(self),
            }
        )
        _logger.info(
            "User %s moved the pin of patient %s to (%s, %s).",
            self.env.uid,
            patient.id,
            latitude,
            longitude,
        )
        return {"patient_id": patient.id, "point": [latitude, longitude]}

    # ------------------------------------------------------------------
    # Route sheets
    # ------------------------------------------------------------------

    @api.model
    def action_print_route_sheets(self, day=None, caregiver_ids=None):
        """Return the report action printing the route sheets of the map's day.

        :param day: the date (``date`` or ``"YYYY-MM-DD"``) in the user's time
            zone; today when not given
        :param caregiver_ids: ids of the caregivers to print; every caregiver
            with visits that day when empty
        :raise UserError: when no visit is planned on that day
        """
        day = self._route_map_parse_date(day)
        day_start, day_end = self._route_map_day_bounds(day, self._route_map_timezone())
        domain = [
            ("caregiver_id", "!=", False),
            ("planned_start", ">=", day_start),
            ("planned_start", "<", day_end),
            ("state", "in", ROUTE_STATES),
        ]
        if caregiver_ids:
            domain.append(("caregiver_id", "in", list(caregiver_ids)))
        visits = self.search(domain)
        if not visits:
            raise UserError(
                self.env._(
                    "No visit is planned on %(date)s for the selected caregivers, so "
                    "there is no route sheet to print.",
                    date=fields.Date.to_string(day),
                )
            )
        return self.env.ref(
            "homehealth_scheduling.action_report_route_sheet"
        ).report_action(visits, config=False)

    @api.model
    def _route_sheet_own_visits(self, day):
        """Return the visits of the user's own route sheet on ``day``.

        The day is read in the time zone of the user's caregiver employee.
        """
        caregivers = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "=", self.env.uid), ("is_caregiver", "=", True)])
        )
        report = self.env["report.homehealth_scheduling.report_route_sheet"]
        visits = self.browse()
        for caregiver in caregivers:
            visits |= report._day_visits(
                caregiver, day, report._caregiver_timezone(caregiver)
            )
        return visits
