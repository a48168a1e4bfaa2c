import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .route_day import LOOPBACK_TILE_URL, RouteDayCase


@tagged("post_install", "-at_install")
class TestRouteMap(RouteDayCase):
    def test_map_stops_in_time_order(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_a)
        visit_ids = [stop["visit_id"] for stop in route["stops"]]
        self.assertEqual(
            visit_ids, [self.visit_a1.id, self.visit_a2.id, self.visit_a3.id]
        )

    def test_map_stop_numbers(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_a)
        self.assertEqual([stop["sequence"] for stop in route["stops"]], [1, 2, 3])

    def test_map_stop_local_times(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_a)
        first = route["stops"][0]
        self.assertEqual(first["start"], "09:00")
        self.assertEqual(first["end"], "10:30")

    def test_map_path_starts_and_ends_home(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_a)
        home = [41.93, -87.65]
        self.assertEqual(route["path"][0], home)
        self.assertEqual(route["path"][-1], home)
        self.assertEqual(route["path"][1], [41.9262, -87.6366])
        self.assertEqual(len(route["path"]), 5)

    def test_map_one_route_per_caregiver(self):
        data = self._map_data(self.user_scheduler)
        caregiver_ids = [route["caregiver_id"] for route in data["routes"]]
        self.assertEqual(
            sorted(caregiver_ids), sorted([self.caregiver_a.id, self.caregiver_b.id])
        )

    def test_map_route_colours_differ(self):
        data = self._map_data(self.user_scheduler)
        route_a = self._route_of(data, self.caregiver_a)
        route_b = self._route_of(data, self.caregiver_b)
        self.assertNotEqual(route_a["color"], route_b["color"])

    def test_map_cancelled_visit_left_out(self):
        data = self._map_data(self.user_scheduler)
        visit_ids = {
            stop["visit_id"] for route in data["routes"] for stop in route["stops"]
        }
        self.assertNotIn(self.visit_a_cancelled.id, visit_ids)

    def test_map_other_day_left_out(self):
        data = self._map_data(self.user_scheduler)
        visit_ids = {
            stop["visit_id"] for route in data["routes"] for stop in route["stops"]
        }
        self.assertNotIn(self.visit_a.id, visit_ids)

    def test_map_late_visit_on_local_day(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_b)
        visit_ids = [stop["visit_id"] for stop in route["stops"]]
        self.assertIn(self.visit_b_late.id, visit_ids)

    def test_map_late_visit_not_next_day(self):
        data = self._map_data(self.user_scheduler, day="2026-03-12")
        visit_ids = {
            stop["visit_id"] for route in data["routes"] for stop in route["stops"]
        }
        self.assertNotIn(self.visit_b_late.id, visit_ids)

    def test_map_unassigned_visits(self):
        data = self._map_data(self.user_scheduler)
        visit_ids = {visit["visit_id"] for visit in data["unassigned"]}
        self.assertEqual(
            visit_ids, {self.visit_open_window.id, self.visit_open_city.id}
        )

    def test_map_unassigned_window_label(self):
        data = self._map_data(self.user_scheduler)
        entry = next(
            visit
            for visit in data["unassigned"]
            if visit["visit_id"] == self.visit_open_window.id
        )
        self.assertEqual(entry["when"], "08:00-12:00")

    def test_map_unlocated_stop_has_no_point(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_b)
        stop = next(s for s in route["stops"] if s["visit_id"] == self.visit_b2.id)
        self.assertIsNone(stop["point"])

    def test_map_unlocated_stop_not_in_path(self):
        route = self._route_of(self._map_data(self.user_scheduler), self.caregiver_b)
        # home, Patient Four (10:00), Patient Four again (23:30), home
        self.assertEqual(len(route["path"]), 4)

    def test_map_needs_geocode_patients(self):
        data = self._map_data(self.user_scheduler)
        patient_ids = {entry["patient_id"] for entry in data["needs_geocode"]}
        self.assertEqual(patient_ids, {self.patient_unlocated.id, self.patient_city.id})

    def test_map_needs_geocode_visit_names(self):
        data = self._map_data(self.user_scheduler)
        entry = next(
            e
            for e in data["needs_geocode"]
            if e["patient_id"] == self.patient_unlocated.id
        )
        self.assertEqual(entry["visit_names"], [self.visit_b2.name])

    def test_map_caregiver_filter(self):
        data = self._map_data(self.user_scheduler, caregiver_ids=[self.caregiver_b.id])
        caregiver_ids = [route["caregiver_id"] for route in data["routes"]]
        self.assertEqual(caregiver_ids, [self.caregiver_b.id])

    def test_map_caregiver_sees_own_route(self):
        data = self._map_data(self.user_caregiver_a)
        caregiver_ids = [route["caregiver_id"] for route in data["routes"]]
        self.assertEqual(caregiver_ids, [self.caregiver_a.id])

    def test_map_caregiver_sees_no_unassigned(self):
        data = self._map_data(self.user_caregiver_a)
        self.assertEqual(data["unassigned"], [])

    def test_map_caregiver_filter_options(self):
        data = self._map_data(self.user_caregiver_a)
        option_ids = [option["id"] for option in data["caregiver_options"]]
        self.assertEqual(option_ids, [self.caregiver_a.id])

    def test_map_caregiver_cannot_move_pins(self):
        data = self._map_data(self.user_caregiver_a)
        self.assertFalse(data["is_scheduler"])

    def test_map_tile_url_from_settings(self):
        settings = self.env["res.config.settings"].create(
            {"homehealth_map_tile_url": "http://127.0.0.1:2/tiles/{z}/{x}/{y}.png"}
        )
        settings.execute()
        data = self._map_data(self.user_scheduler)
        self.assertEqual(data["tile_url"], "http://127.0.0.1:2/tiles/{z}/{x}/{y}.png")

    def test_map_tile_url_default(self):
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=", "homehealth_scheduling.map_tile_url")]
        ).unlink()
        data = self._map_data(self.user_scheduler)
        self.assertEqual(
            data["tile_url"], "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
        )

    def test_map_tile_url_loopback_in_tests(self):
        self.assertEqual(
            self._map_data(self.user_scheduler)["tile_url"], LOOPBACK_TILE_URL
        )

    def test_map_data_is_json(self):
        data = self._map_data(self.user_scheduler)
        self.assertEqual(json.loads(json.dumps(data)), data)

    def test_map_invalid_date(self):
        with self.assertRaises(UserError):
            self._map_data(self.user_scheduler, day="11/03/2026")

    def test_map_move_pin(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        visits.route_map_move_patient(self.patient_city.id, 41.8790, -87.6330)
        self.assertEqual(self.patient_city.geocode_quality, "manual")
        self.assertAlmostEqual(self.patient_city.partner_latitude, 41.8790)
        self.assertAlmostEqual(self.patient_city.partner_longitude, -87.6330)

    def test_map_move_pin_clears_review(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        visits.route_map_move_patient(self.patient_city.id, 41.8790, -87.6330)
        data = self._map_data(self.user_scheduler)
        patient_ids = {entry["patient_id"] for entry in data["needs_geocode"]}
        self.assertNotIn(self.patient_city.id, patient_ids)

    def test_map_move_pin_caregiver_rejected(self):
        visits = self.env["homehealth.visit"].with_user(self.user_caregiver_a)
        with self.assertRaises(AccessError):
            visits.route_map_move_patient(self.patient_1.id, 41.9, -87.6)

    def test_map_move_pin_zero_rejected(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        with self.assertRaises(UserError):
            visits.route_map_move_patient(self.patient_city.id, 0, 0)

    def test_map_move_pin_non_patient_rejected(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        partner = self.env["res.partner"].create({"name": "Not A Patient"})
        with self.assertRaises(UserError):
            visits.route_map_move_patient(partner.id, 41.9, -87.6)

    def test_print_action_day_visits(self):
        visits = (
            self.env["homehealth.visit"]
            .with_user(self.user_scheduler)
            .with_context(tz="America/Chicago")
        )
        action = visits.action_print_route_sheets("2026-03-11", [self.caregiver_a.id])
        self.assertEqual(
            sorted(action["context"]["active_ids"]), sorted(self.visits_a.ids)
        )

    def test_print_action_empty_day(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        with self.assertRaises(UserError):
            visits.action_print_route_sheets("2026-04-01", [])
