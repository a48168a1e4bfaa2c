from odoo.exceptions import ValidationError

from .common import HomehealthCase


class TestPatient(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.area_south = cls.env["homehealth.service.area"].create(
            {
                "name": "Test South Side",
                "zip_codes": "60615;60637",
                "center_latitude": 41.7900,
                "center_longitude": -87.6000,
                "radius_km": 5.0,
                "company_id": cls.company.id,
            }
        )

    def test_area_from_zip(self):
        self.assertEqual(self.patient_a.service_area_id, self.area_north)
        self.assertEqual(self.patient_b.service_area_id, self.area_south)

    def test_area_from_zip_plus_four(self):
        patient = self._create_patient(name="Test Zip4", zip="60657-1234")
        self.assertEqual(patient.service_area_id, self.area_north)

    def test_area_from_circle(self):
        # 60640 (Uptown) is listed nowhere; the point is 2.9 km from the north
        # centre.
        patient = self._create_patient(
            name="Test Uptown",
            zip="60640",
            partner_latitude=41.9650,
            partner_longitude=-87.6600,
        )
        self.assertEqual(patient.service_area_id, self.area_north)

    def test_zip_wins_over_circle(self):
        # A south side postal code with coordinates inside the north circle.
        patient = self._create_patient(
            name="Test Zip First",
            zip="60637",
            partner_latitude=41.9400,
            partner_longitude=-87.6540,
        )
        self.assertEqual(patient.service_area_id, self.area_south)

    def test_nearest_circle_wins(self):
        self.env["homehealth.service.area"].create(
            {
                "name": "Test Wide Circle",
                "center_latitude": 41.8800,
                "center_longitude": -87.6300,
                "radius_km": 20.0,
                "sequence": 1,
            }
        )
        patient = self._create_patient(
            name="Test Near North",
            partner_latitude=41.9390,
            partner_longitude=-87.6530,
        )
        self.assertEqual(patient.service_area_id, self.area_north)

    def test_lower_sequence_wins_on_zip(self):
        area = self.env["homehealth.service.area"].create(
            {"name": "Test Lincoln Park", "zip_codes": "60614", "sequence": 1}
        )
        self.assertEqual(self.patient_a.service_area_id, area)

    def test_no_area(self):
        patient = self._create_patient(
            name="Test Far Away",
            zip="62701",
            partner_latitude=39.7980,
            partner_longitude=-89.6440,
        )
        self.assertFalse(patient.service_area_id)

    def test_circle_edge_included(self):
        area = self.env["homehealth.service.area"].create(
            {
                "name": "Test Tiny",
                "center_latitude": 40.0,
                "center_longitude": -88.0,
                "radius_km": 0.5,
            }
        )
        inside = area._contains_point(40.0044, -88.0)
        outside = area._contains_point(40.0046, -88.0)
        self.assertTrue(inside)
        self.assertFalse(outside)

    def test_other_company_area_ignored(self):
        company_b = self.env["res.company"].create({"name": "Test Agency B"})
        self.env["homehealth.service.area"].create(
            {
                "name": "Test B Area",
                "zip_codes": "62701",
                "company_id": company_b.id,
            }
        )
        patient = self._create_patient(name="Test Springfield", zip="62701")
        self.assertFalse(patient.service_area_id)

    def test_new_area_updates_patients(self):
        patient = self._create_patient(name="Test Evanston", zip="60201")
        self.assertFalse(patient.service_area_id)
        area = self.env["homehealth.service.area"].create(
            {"name": "Test Evanston Area", "zip_codes": "60201 60202"}
        )
        self.assertEqual(patient.service_area_id, area)

    def test_area_edit_updates_patients(self):
        self.area_north.zip_codes = "60613"
        self.area_north.radius_km = 0.0
        self.assertFalse(self.patient_a.service_area_id)

    def test_area_delete_updates_patients(self):
        self.area_south.unlink()
        self.assertFalse(self.patient_b.service_area_id)

    def test_area_radius_without_centre(self):
        with self.assertRaisesRegex(ValidationError, "Test No Centre"):
            self.env["homehealth.service.area"].create(
                {"name": "Test No Centre", "radius_km": 3.0}
            )

    def test_area_negative_radius(self):
        with self.assertRaisesRegex(ValidationError, "negative radius"):
            self.area_north.radius_km = -1.0

    def test_non_patient_has_no_area(self):
        contact = self.env["res.partner"].create(
            {"name": "Test Contact", "zip": "60614"}
        )
        self.assertFalse(contact.service_area_id)
        self.assertFalse(contact.needs_geocode_review)

    def test_review_without_coordinates(self):
        patient = self._create_patient(name="Test No Pin", zip="60614")
        self.assertTrue(patient.needs_geocode_review)

    def test_review_city_quality(self):
        self.patient_a.geocode_quality = "city"
        self.assertTrue(self.patient_a.needs_geocode_review)

    def test_no_review_exact(self):
        self.assertFalse(self.patient_a.needs_geocode_review)

    def test_address_change_resets_quality(self):
        self.patient_a.street = "2440 N Cannon Dr"
        self.assertEqual(self.patient_a.geocode_quality, "none")
        self.assertTrue(self.patient_a.needs_geocode_review)

    def test_address_and_pin_keep_quality(self):
        self.patient_a.write(
            {
                "street": "2440 N Cannon Dr",
                "partner_latitude": 41.9265,
                "partner_longitude": -87.6368,
                "geocode_quality": "manual",
            }
        )
        self.assertEqual(self.patient_a.geocode_quality, "manual")
        self.assertFalse(self.patient_a.needs_geocode_review)

    def test_latitude_out_of_range(self):
        with self.assertRaisesRegex(ValidationError, "Test Patient A"):
            self.patient_a.partner_latitude = 91.0

    def test_patient_gets_company(self):
        patient = self.env["res.partner"].create(
            {"name": "Test No Company", "is_patient": True}
        )
        self.assertEqual(patient.company_id, self.env.company)

    def test_preferred_and_excluded_rejected(self):
        with self.assertRaisesRegex(ValidationError, "Test Caregiver A"):
            self.patient_a.write(
                {
                    "preferred_caregiver_ids": [(6, 0, self.caregiver_a.ids)],
                    "excluded_caregiver_ids": [(6, 0, self.caregiver_a.ids)],
                }
            )

    def test_caregiver_address_change_flags_home(self):
        self.caregiver_a.write(
            {
                "home_latitude": 41.9300,
                "home_longitude": -87.6400,
                "home_geocode_quality": "exact",
            }
        )
        self.assertFalse(self.caregiver_a.home_needs_geocode_review)
        self.caregiver_a.private_street = "1000 W Diversey Pkwy"
        self.assertEqual(self.caregiver_a.home_geocode_quality, "none")
        self.assertTrue(self.caregiver_a.home_needs_geocode_review)
        self.assertAlmostEqual(self.caregiver_a.home_latitude, 41.93)

    def test_travel_speed_from_mode(self):
        self.caregiver_a.travel_mode = "walk"
        self.assertAlmostEqual(self.caregiver_a.travel_speed_kmh, 4.5)
        self.caregiver_a.travel_speed_kmh = 5.2
        self.assertAlmostEqual(self.caregiver_a.travel_speed_kmh, 5.2)

    def test_caregiver_needs_discipline(self):
        with self.assertRaisesRegex(ValidationError, "Test Caregiver A"):
            self.caregiver_a.discipline = False

    def test_caregiver_negative_limit(self):
        with self.assertRaisesRegex(ValidationError, "maximum visits per day"):
            self.caregiver_a.max_visits_per_day = -1
