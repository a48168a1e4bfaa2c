import logging

import psycopg2

from odoo import api, fields, models

from .homehealth_geocoder import GEOCODE_QUALITY_SELECTION, GeocodeResult

_logger = logging.getLogger(__name__)


class HomehealthGeocodeCache(models.Model):
    _name = "homehealth.geocode.cache"
    _description = "Geocoder Cache Entry"
    _order = "write_date desc, id desc"
    _rec_name = "query"

    query = fields.Char(
        required=True,
        index=True,
        help="Normalised address query: lower case, single spaces.",
    )
    found = fields.Boolean(help="False when the geocoder found no match.")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    quality = fields.Selection(selection=GEOCODE_QUALITY_SELECTION)
    service_url = fields.Char(help="Geocoder that produced the entry.")

    _sql_constraints = [
        ("query_unique", "UNIQUE(query)", "This address query is already cached."),
    ]

    def _to_result(self):
        """Return the cached :class:`GeocodeResult`, or None for "no match"."""
        self.ensure_one()
        if not self.found:
            return None
        return GeocodeResult(
            latitude=self.latitude, longitude=self.longitude, quality=self.quality
        )

    @api.model
    def _store(self, query, result, service_url):
        """Cache ``result`` (a GeocodeResult, or None for no match) for ``query``."""
        values = {"query": query, "found": bool(result), "service_url": service_url}
        if result:
            values.update(
                latitude=result.latitude,
                longitude=result.longitude,
                quality=result.quality,
            )
        existing = self.search([("query", "=", query)], limit=1)
        if existing:
            existing.write(values)
            return
        try:
            with self.env.cr.savepoint():
                self.create(values).flush_recordset()
        except psycopg2.IntegrityError:
            _logger.debug("Geocoder cache entry for %r already created", query)
