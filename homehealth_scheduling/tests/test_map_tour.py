"""Browser checks of the route map (headless Chromium) and the route sheet page.

The tour needs Chromium (Debian package ``chromium``), which Odoo's HttpCase
finds at /usr/bin/chromium, and the ``websocket-client`` Python package. Odoo
skips the two browser tests when either is missing. The map's tile URL points
at a closed loopback port, so the browser requests nothing from an outside host.
"""

import base64
import logging
import os
import pathlib
from datetime import datetime, time, timedelta

import pytz

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser, save_test_file

from .route_day import RouteDayCase

_logger = logging.getLogger(__name__)

MAP_URL = (
    "/odoo/action-homehealth_scheduling.homehealth_route_map_action?date=2026-03-11"
)
# Where the test writes a screenshot of the drawn map. Without the variable,
# it goes to Odoo's screenshots directory (--screenshots, default under /tmp).
SCREENSHOT_ENV = "HOMEHEALTH_MAP_SCREENSHOT"
# The same for the demo agency's day, in a database with the demo data.
DEMO_SCREENSHOT_ENV = "HOMEHEALTH_DEMO_MAP_SCREENSHOT"
CHICAGO = pytz.timezone("America/Chicago")


@tagged("post_install", "-at_install")
class TestRouteMapTour(HttpCase, RouteDayCase):
    def test_map_tour(self):
        self.start_tour(MAP_URL, "homehealth_route_map_tour", login="hh_scheduler")

    def test_map_screenshot(self):
        png = self._capture_map(login="hh_scheduler", route_count=2)
        self.assertTrue(png.startswith(b"\x89PNG"))
        target = os.environ.get(SCREENSHOT_ENV)
        if target:
            pathlib.Path(target).write_bytes(png)
            _logger.info("Route map screenshot written to %s", target)
        else:
            save_test_file(type(self).__name__, png, "route_map_", logger=_logger)

    def test_map_demo_day(self):
        first = self.env.ref(
            "homehealth_scheduling.demo_visit_01", raise_if_not_found=False
        )
        if not first or not first.planned_start:
            self.skipTest("the database has no demo data")
        day = pytz.utc.localize(first.planned_start).astimezone(CHICAGO).date()
        day_start = CHICAGO.localize(datetime.combine(day, time.min))
        day_start = day_start.astimezone(pytz.utc).replace(tzinfo=None)
        visits = self.env["homehealth.visit"].search(
            [
                ("planned_start", ">=", day_start),
                ("planned_start", "<", day_start + timedelta(days=1)),
                ("caregiver_id", "!=", False),
                ("state", "!=", "cancelled"),
                ("state", "!=", "missed"),
            ]
        )
        caregivers = visits.caregiver_id
        self.assertGreater(len(caregivers), 1, "the demo day has one route or none")
        url = MAP_URL.replace("2026-03-11", day.isoformat())
        png = self._capture_map("hh_scheduler", len(caregivers), url=url)
        self.assertTrue(png.startswith(b"\x89PNG"))
        target = os.environ.get(DEMO_SCREENSHOT_ENV)
        if target:
            pathlib.Path(target).write_bytes(png)
            _logger.info("Demo day route map screenshot written to %s", target)

    def _capture_map(self, login, route_count, url=MAP_URL):
        """Open the map in a new headless browser and return a PNG of the page.

        NOTE: HttpCase has no public call that keeps the browser open after a
        tour, so this drives ChromeBrowser's own methods (Odoo 18.0).
        """
        browser = ChromeBrowser(self)
        try:
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(self.base_url() + url, wait_stop=True)
            drawn = browser._wait_ready(
                "document.querySelectorAll("
                "'.o_hh_route_map_canvas path.o_hh_route_line').length === "
                f"{route_count} && document.querySelector("
                "\".o_hh_route_map[data-loaded='1']\") !== null",
                timeout=30,
            )
            self.assertTrue(drawn, "the route map never drew its route lines")
            result = browser._websocket_request("Page.captureScreenshot", timeout=30)
            return base64.b64decode(result["data"])
        finally:
            browser.stop()
            self._wait_remaining_requests()

    def test_route_sheet_page_own_visits(self):
        self.authenticate("hh_caregiver_a", "hh_caregiver_a")
        response = self.url_open("/my/route-sheet?date=2026-03-11")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Route Patient Two", response.text)
        self.assertIn("Key in the lockbox, code 4512", response.text)

    def test_route_sheet_page_hides_others(self):
        self.authenticate("hh_caregiver_a", "hh_caregiver_a")
        response = self.url_open("/my/route-sheet?date=2026-03-11")
        self.assertNotIn("Route Patient Four", response.text)

    def test_route_sheet_page_empty_day(self):
        self.authenticate("hh_caregiver_a", "hh_caregiver_a")
        response = self.url_open("/my/route-sheet?date=2026-03-12")
        self.assertIn("You have no visits on 2026-03-12", response.text)

    def test_route_sheet_page_needs_login(self):
        response = self.url_open(
            "/my/route-sheet?date=2026-03-11", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
