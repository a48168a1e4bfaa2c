from odoo.exceptions import UserError

from ..models.homehealth_geocoder import normalize_query, quality_from_raw
from .common import HomehealthCase
from .nominatim_server import NominatimStub, result

EXACT = "1060 W Addison St, Chicago, Illinois 60613, United States"
STREET = "W Belmont Ave, Chicago, Illinois 60657, United States"
CITY = "999 Nowhere Rd, Chicago, Illinois 60699, United States"
NO_MATCH = "1 Missing Way, Chicago, Illinois 60600, United States"
SERVER_ERROR = "500 Error Ave, Chicago, Illinois 60601, United States"
NULL_ISLAND = "0 Null Island Rd, Chicago, Illinois 60602, United States"
CAREGIVER_HOME = "2100 N Lincoln Park W, Chicago, Illinois 60614, United States"

ANSWERS = {
    EXACT: [result(41.9484, -87.6553, "building", "stadium", "building", EXACT)],
    STREET: [result(41.9398, -87.6536, "road", "secondary", "highway", STREET)],
    CITY: [result(41.8756, -87.6244, "city", "administrative", "boundary", CITY)],
    SERVER_ERROR: 500,
    NULL_ISLAND: [result(0.0, 0.0, "house", "house", "place", NULL_ISLAND)],
    CAREGIVER_HOME: [result(41.9217, -87.6365, "place", "house", "place", "home")],
}


class TestGeocoding(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = NominatimStub(ANSWERS).start()
        cls.addClassCleanup(cls.stub.stop)
        params = cls.env["ir.config_parameter"]
        params.set_param("homehealth_scheduling.geocoder_url", cls.stub.url)
        params.set_param(
            "homehealth_scheduling.geocoder_user_agent",
            "Test agency (test@example.com)",
        )
        params.set_param("homehealth_scheduling.geocoder_min_delay", "0.01")

    def setUp(self):
        super().setUp()
        self.stub.requests.clear()

    def _patient_at(self, query, name=None, **values):
        street, _city, state_zip, _country = query.split(", ")
        return self._create_patient(
            name=name or f"Test {street}",
            street=street,
            zip=state_zip.split()[-1],
            **values,
        )

    def test_query_format(self):
        patient = self._patient_at(EXACT)
        self.assertEqual(patient._homehealth_address_query(), EXACT)

    def test_patient_exact(self):
        patient = self._patient_at(EXACT)
        report = patient._homehealth_geocode()
        self.assertEqual(report.located, [patient])
        self.assertAlmostEqual(patient.partner_latitude, 41.9484)
        self.assertAlmostEqual(patient.partner_longitude, -87.6553)
        self.assertEqual(patient.geocode_quality, "exact")
        self.assertFalse(patient.needs_geocode_review)
        self.assertEqual(patient.service_area_id, self.area_north)

    def test_request_parameters(self):
        self._patient_at(EXACT)._homehealth_geocode()
        self.assertEqual(self.stub.last_params["format"], "json")
        self.assertEqual(self.stub.last_params["addressdetails"], "1")
        self.assertEqual(self.stub.last_params["limit"], "1")

    def test_patient_street(self):
        patient = self._patient_at(STREET)
        patient._homehealth_geocode()
        self.assertEqual(patient.geocode_quality, "street")
        self.assertFalse(patient.needs_geocode_review)

    def test_patient_city_needs_review(self):
        patient = self._patient_at(CITY)
        report = patient._homehealth_geocode()
        self.assertEqual(patient.geocode_quality, "city")
        self.assertTrue(patient.needs_geocode_review)
        self.assertAlmostEqual(patient.partner_latitude, 41.8756)
        self.assertEqual([record for record, _reason in report.failed], [patient])

    def test_no_match_keeps_pin(self):
        patient = self._patient_at(
            NO_MATCH,
            partner_latitude=41.88,
            partner_longitude=-87.63,
            geocode_quality="manual",
        )
        report = patient._homehealth_geocode(skip_manual=False)
        self.assertEqual(patient.geocode_quality, "none")
        self.assertTrue(patient.needs_geocode_review)
        self.assertAlmostEqual(patient.partner_latitude, 41.88)
        self.assertIn("no match", report.failed[0][1])

    def test_server_error_retried(self):
        patient = self._patient_at(SERVER_ERROR)
        report = patient._homehealth_geocode()
        # One request plus two retries.
        self.assertEqual(self.stub.count(SERVER_ERROR), 3)
        self.assertEqual(patient.geocode_quality, "none")
        self.assertIn("geocoder failed", report.failed[0][1])

    def test_server_error_not_cached(self):
        patient = self._patient_at(SERVER_ERROR)
        patient._homehealth_geocode()
        patient._homehealth_geocode()
        self.assertEqual(self.stub.count(SERVER_ERROR), 6)

    def test_zero_point_never_stored(self):
        patient = self._patient_at(NULL_ISLAND)
        report = patient._homehealth_geocode()
        self.assertEqual(patient.partner_latitude, 0.0)
        self.assertEqual(patient.partner_longitude, 0.0)
        self.assertTrue(patient.needs_geocode_review)
        self.assertIn("(0, 0)", report.failed[0][1])
        stored = self.env["homehealth.geocode.cache"].search(
            [("query", "=", normalize_query(NULL_ISLAND))]
        )
        self.assertFalse(stored)

    def test_failure_keeps_previous_pin(self):
        patient = self._patient_at(SERVER_ERROR)
        patient.write(
            {
                "partner_latitude": 41.89,
                "partner_longitude": -87.62,
                "geocode_quality": "exact",
            }
        )
        patient._homehealth_geocode()
        self.assertAlmostEqual(patient.partner_latitude, 41.89)
        self.assertAlmostEqual(patient.partner_longitude, -87.62)

    def test_cache_avoids_second_request(self):
        first = self._patient_at(EXACT)
        second = self._create_patient(
            name="Test Upper Case", street=" 1060 W ADDISON  ST ", zip="60613"
        )
        first._homehealth_geocode()
        second._homehealth_geocode()
        self.assertEqual(self.stub.count(EXACT), 1)
        self.assertAlmostEqual(second.partner_latitude, 41.9484)

    def test_cache_remembers_no_match(self):
        self._patient_at(NO_MATCH)._homehealth_geocode()
        self._patient_at(NO_MATCH)._homehealth_geocode()
        self.assertEqual(self.stub.count(NO_MATCH), 1)

    def test_caregiver_home(self):
        self.caregiver_a.write(
            {
                "private_street": "2100 N Lincoln Park W",
                "private_city": "Chicago",
                "private_zip": "60614",
                "private_state_id": self.state_il.id,
                "private_country_id": self.country_us.id,
            }
        )
        report = self.caregiver_a._homehealth_geocode()
        self.assertEqual(report.located, [self.caregiver_a])
        self.assertAlmostEqual(self.caregiver_a.home_latitude, 41.9217)
        self.assertAlmostEqual(self.caregiver_a.home_longitude, -87.6365)
        self.assertEqual(self.caregiver_a.home_geocode_quality, "exact")
        self.assertFalse(self.caregiver_a.home_needs_geocode_review)

    def test_caregiver_by_scheduler(self):
        # Schedulers cannot read private addresses but can locate the home.
        self.caregiver_a.write(
            {
                "private_street": "2100 N Lincoln Park W",
                "private_city": "Chicago",
                "private_zip": "60614",
                "private_state_id": self.state_il.id,
                "private_country_id": self.country_us.id,
            }
        )
        self.caregiver_a.with_user(self.user_scheduler).action_homehealth_geocode()
        self.assertAlmostEqual(self.caregiver_a.home_latitude, 41.9217)

    def test_caregiver_without_address(self):
        report = self.caregiver_b._homehealth_geocode()
        self.assertEqual(report.failed[0][0], self.caregiver_b)
        self.assertEqual(sum(self.stub.requests.values()), 0)

    def test_batch_continues_past_failures(self):
        patients = (
            self._patient_at(SERVER_ERROR)
            | self._patient_at(EXACT)
            | self._patient_at(NO_MATCH)
            | self._patient_at(CITY)
            | self._patient_at(STREET)
        )
        manual = self._patient_at(
            EXACT,
            name="Test Manual Pin",
            partner_latitude=41.95,
            partner_longitude=-87.65,
            geocode_quality="manual",
        )
        action = (
            (patients | manual)
            .with_user(self.user_scheduler)
            .action_homehealth_geocode()
        )
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("Located: 2", params["message"])
        self.assertIn("Failed: 3", params["message"])
        self.assertIn("Skipped (location set by hand): 1", params["message"])
        for patient in patients[0] | patients[2] | patients[3]:
            self.assertIn(patient.name, params["message"])
        self.assertNotIn(patients[1].name, params["message"])
        self.assertAlmostEqual(manual.partner_latitude, 41.95)
        self.assertEqual(patients[4].geocode_quality, "street")

    def test_single_success_notification(self):
        action = self._patient_at(EXACT).action_homehealth_geocode()
        self.assertEqual(action["params"]["type"], "success")

    def test_missing_user_agent(self):
        self.env["ir.config_parameter"].set_param(
            "homehealth_scheduling.geocoder_user_agent", False
        )
        with self.assertRaisesRegex(UserError, "Settings > Home Health"):
            self._patient_at(EXACT)._homehealth_geocode()
        self.assertEqual(sum(self.stub.requests.values()), 0)

    def test_invalid_url(self):
        self.env["ir.config_parameter"].set_param(
            "homehealth_scheduling.geocoder_url", "ftp://example"
        )
        with self.assertRaisesRegex(UserError, "ftp://example"):
            self._patient_at(EXACT)._homehealth_geocode()

    def test_public_server_delay_floor(self):
        self.env["ir.config_parameter"].set_param(
            "homehealth_scheduling.geocoder_url", "https://nominatim.openstreetmap.org"
        )
        settings = self.env["homehealth.geocoder"]._get_settings()
        self.assertEqual(settings.min_delay, 1.0)
        self.assertEqual(settings.domain, "nominatim.openstreetmap.org")


class TestGeocodeQuality(HomehealthCase):
    def test_quality_table(self):
        cases = [
            ({"addresstype": "building", "type": "yes", "class": "building"}, "exact"),
            ({"addresstype": "place", "type": "house", "class": "place"}, "exact"),
            (
                {"addresstype": "road", "type": "residential", "class": "highway"},
                "street",
            ),
            ({"type": "residential", "category": "highway"}, "street"),
            (
                {"addresstype": "city", "type": "administrative", "class": "boundary"},
                "city",
            ),
            ({"addresstype": "town", "type": "town", "class": "place"}, "city"),
            ({"addresstype": "village", "type": "village", "class": "place"}, "city"),
            ({"addresstype": "postcode", "type": "postcode", "class": "place"}, "city"),
            ({}, "city"),
        ]
        for raw, expected in cases:
            with self.subTest(raw=raw):
                self.assertEqual(quality_from_raw(raw), expected)

    def test_normalize_query(self):
        self.assertEqual(
            normalize_query("  1060 W  Addison St ,Chicago,IL "),
            "1060 w addison st, chicago, il",
        )
