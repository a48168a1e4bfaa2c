"""Geocoding of patient and caregiver addresses with geopy's Nominatim client.

Every request goes through one ``RateLimiter`` per (service URL, user agent,
delay) in the process, so that the usage policy of the public Nominatim server
(at most one request per second, an identifying user agent; see
https://operations.osmfoundation.org/policies/nominatim/) applies across records
and batches. Results, including "no match", are cached in
``homehealth.geocode.cache``; failed requests are not.
"""

import logging
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

GEOCODE_QUALITY_SELECTION = [
    ("exact", "Exact Address"),
    ("street", "Street"),
    ("city", "City Only"),
    ("manual", "Set by Hand"),
    ("none", "Not Located"),
]
# Locations of these qualities are too coarse (or missing) to plan routes on.
REVIEW_QUALITIES = {"city", "none"}

URL_PARAM = "homehealth_scheduling.geocoder_url"
USER_AGENT_PARAM = "homehealth_scheduling.geocoder_user_agent"
MIN_DELAY_PARAM = "homehealth_scheduling.geocoder_min_delay"
DEFAULT_URL = "https://nominatim.openstreetmap.org"
DEFAULT_MIN_DELAY = 1.0
PUBLIC_NOMINATIM_HOST = "nominatim.openstreetmap.org"
# Timeout in seconds of one HTTP request. The public server can be slow under load.
REQUEST_TIMEOUT = 10
# Retries after a server error, so at most three requests per address.
MAX_RETRIES = 2
# Pause before a retry, as a multiple of the delay between requests.
ERROR_WAIT_FACTOR = 5

# Nominatim result kinds, read from "addresstype", then "type", then "class"
# (or "category" in format=jsonv2). The first kind found in a set decides.
EXACT_KINDS = {"house", "building", "apartments", "amenity", "office", "shop"}
STREET_KINDS = {"road", "highway", "street"}
CITY_KINDS = {
    "city",
    "town",
    "village",
    "hamlet",
    "municipality",
    "suburb",
    "neighbourhood",
    "quarter",
    "postcode",
    "county",
    "state",
    "country",
    "boundary",
}


class GeocodeFailure(Exception):
    """A geocoder request that failed after its retries."""


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float
    longitude: float
    quality: str


@dataclass
class GeocodeReport:
    """Outcome of a batch: records located, failed (with a reason) and skipped."""

    located: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


@dataclass(frozen=True)
class GeocoderSettings:
    url: str
    scheme: str
    domain: str
    user_agent: str
    min_delay: float


_limiters_lock = threading.Lock()
_limiters = {}


def _get_limiter(settings):
    """Return the process-wide rate-limited geocode function for the settings."""
    # NOTE: the limit applies per process. Odoo workers in other processes keep
    # their own limiter, so together they can exceed one request per second.
    key = (settings.scheme, settings.domain, settings.user_agent, settings.min_delay)
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            if len(_limiters) > 8:
                _limiters.clear()
            geolocator = Nominatim(
                user_agent=settings.user_agent,
                domain=settings.domain,
                scheme=settings.scheme,
                timeout=REQUEST_TIMEOUT,
            )
            limiter = RateLimiter(
                geolocator.geocode,
                min_delay_seconds=settings.min_delay,
                max_retries=MAX_RETRIES,
                error_wait_seconds=settings.min_delay * ERROR_WAIT_FACTOR,
                swallow_exceptions=False,
            )
            _limiters[key] = limiter
    return limiter


def quality_from_raw(raw):
    """Return the geocode quality of a Nominatim result (a JSON object)."""
    kinds = (
        raw.get("addresstype"),
        raw.get("type"),
        raw.get("class") or raw.get("category"),
    )
    for kind in kinds:
        if kind in EXACT_KINDS:
            return "exact"
        if kind in STREET_KINDS:
            return "street"
        if kind in CITY_KINDS:
            return "city"
    return "city"


def normalize_query(query):
    """Return the cache key of an address query: lower case, single spaces."""
    query = re.sub(r"\s+", " ", query or "").strip().lower()
    return re.sub(r"\s*,\s*", ", ", query)


class HomehealthGeocoder(models.AbstractModel):
    _name = "homehealth.geocoder"
    _description = "Home Health Geocoder"

    @api.model
    def _get_settings(self):
        """Return the geocoder settings, or raise a UserError naming the fix."""
        params = self.env["ir.config_parameter"].sudo()
        url = (params.get_param(URL_PARAM) or DEFAULT_URL).strip()
        user_agent = (params.get_param(USER_AGENT_PARAM) or "").strip()
        if not user_agent:
            raise UserError(
                self.env._(
                    "The geocoder user agent is missing. An administrator must set "
                    "it in Settings > Home Health > Geocoding, for example "
                    '"Lakeview Home Health scheduling (it@lakeview.example)".'
                )
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(
                self.env._(
                    "The geocoder URL %(url)s is invalid. Enter an http or https "
                    "URL such as %(default)s in Settings > Home Health > "
                    "Geocoding.",
                    url=url,
                    default=DEFAULT_URL,
                )
            )
        raw_delay = params.get_param(MIN_DELAY_PARAM) or DEFAULT_MIN_DELAY
        try:
            min_delay = float(raw_delay)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The minimum delay between geocoder requests %(delay)r is not "
                    "a number. Enter seconds in Settings > Home Health > "
                    "Geocoding.",
                    delay=raw_delay,
                )
            ) from error
        min_delay = max(min_delay, 0.0)
        if parts.hostname == PUBLIC_NOMINATIM_HOST and min_delay < 1.0:
            # The public server's usage policy allows one request per second.
            min_delay = 1.0
        return GeocoderSettings(
            url=url,
            scheme=parts.scheme,
            domain=parts.netloc + parts.path.rstrip("/"),
            user_agent=user_agent,
            min_delay=min_delay,
        )

    @api.model
    def _format_address(
        self, street="", street2="", zip_code="", city="", state="", country=""
    ):
        """Return a free-form query for the address, or "" without street or city.

        ``street2`` (apartment, floor) is left out because it makes Nominatim
        miss addresses it would otherwise find.
        """
        if not (street or city or zip_code):
            return ""
        state_zip = " ".join(part for part in (state, zip_code) if part)
        parts = (street, city, state_zip, country)
        return ", ".join(part.strip() for part in parts if part and part.strip())

    @api.model
    def _geocode_query(self, query, settings=None):
        """Return a :class:`GeocodeResult` for the query, or None when no match.

        :raise GeocodeFailure: when the service fails after its retries or
            returns (0, 0)
        """
        settings = settings or self._get_settings()
        key = normalize_query(query)
        cache = self.env["homehealth.geocode.cache"].sudo()
        cached = cache.search([("query", "=", key)], limit=1)
        if cached:
            return cached._to_result()

        geocode = _get_limiter(settings)
        try:
            location = geocode(query, exactly_one=True, addressdetails=True)
        except GeopyError as error:
            raise GeocodeFailure(
                self.env._(
                    "the geocoder failed: %(error)s",
                    error=str(error) or type(error).__name__,
                )
            ) from error

        if location is None:
            cache._store(key, None, settings.url)
            return None
        if not (location.latitude or location.longitude):
            raise GeocodeFailure(self.env._("the geocoder returned the point (0, 0)"))
        result = GeocodeResult(
            latitude=location.latitude,
            longitude=location.longitude,
            quality=quality_from_raw(location.raw),
        )
        cache._store(key, result, settings.url)
        return result

    @api.model
    def _geocode_records(self, records, quality_field, skip_manual=True):
        """Geocode each record's address and store the location on it.

        The records provide ``_homehealth_address_query()``,
        ``_homehealth_store_location(result)`` and
        ``_homehealth_mark_not_located()``. A failed record is marked "not
        located" (so it needs review), keeps its previous coordinates and does
        not stop the batch. A city-level match is stored but reported as
        failed, because it is too coarse to plan on.

        :param skip_manual: leave records whose location was set by hand
        :return: a :class:`GeocodeReport`
        """
        settings = self._get_settings()
        report = GeocodeReport()
        for record in records:
            if skip_manual and record[quality_field] == "manual":
                report.skipped.append(record)
                continue
            query = record._homehealth_address_query()
            if not query:
                record._homehealth_mark_not_located()
                report.failed.append(
                    (
                        record,
                        self.env._("the address has no street, city or postal code"),
                    )
                )
                continue
            try:
                result = self._geocode_query(query, settings)
            except GeocodeFailure as failure:
                _logger.warning(
                    "Geocoding %s %s failed: %s", record._name, record.id, failure
                )
                record._homehealth_mark_not_located()
                report.failed.append((record, str(failure)))
                continue
            if result is None:
                record._homehealth_mark_not_located()
                report.failed.append(
                    (record, self.env._("no match found for %(query)s", query=query))
                )
                continue
            record._homehealth_store_location(result)
            if result.quality in REVIEW_QUALITIES:
                report.failed.append(
                    (
                        record,
                        self.env._(
                            "matched only at city level; check the address or "
                            "place the pin by hand"
                        ),
                    )
                )
            else:
                report.located.append(record)
        return report

    @api.model
    def _notification_action(self, report):
        """Return a client action that shows the outcome of a geocoding batch."""
        message = self.env._(
            "Located: %(located)s. Failed: %(failed)s. Skipped (location set by "
            "hand): %(skipped)s.",
            located=len(report.located),
            failed=len(report.failed),
            skipped=len(report.skipped),
        )
        if report.failed:
            details = "; ".join(
                f"{record.display_name}: {reason}" for record, reason in report.failed
            )
            message = f"{message} {details}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Geocoding"),
                "message": message,
                "type": "warning" if report.failed else "success",
                "sticky": bool(report.failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
