from datetime import datetime, timedelta

import pytz

from .common import HomehealthCase

CHICAGO = pytz.timezone("America/Chicago")
# A Wednesday after the switch to daylight saving time (UTC-5 in Chicago).
ROUTE_DAY = datetime(2026, 3, 11)
LOOPBACK_TILE_URL = "http://127.0.0.1:1/{z}/{x}/{y}.png"


def local_to_utc(hour, minute=0, day=ROUTE_DAY):
    """Return the naive UTC datetime of ``hour:minute`` in Chicago on ``day``."""
    local = CHICAGO.localize(day.replace(hour=hour, minute=minute))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class RouteDayCase(HomehealthCase):
    """One planned day in Chicago on top of the common agency.

    Caregiver A (home in Lincoln Park) has three stops, created out of time
    order, and a cancelled visit. Caregiver B has two stops, one for a patient
    without coordinates, and one late visit at 23:30 local time (04:30 UTC the
    next day). Three visits have no caregiver: one with a window that day, one
    with a window the next day, one planned that day for a patient located only
    to the city.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "homehealth_scheduling.map_tile_url", LOOPBACK_TILE_URL
        )
        for user in (
            cls.user_scheduler,
            cls.user_caregiver_a,
            cls.user_caregiver_b,
        ):
            user.tz = "America/Chicago"
        cls.caregiver_a.write(
            {
                "home_latitude": 41.9300,
                "home_longitude": -87.6500,
                "home_geocode_quality": "manual",
                "caregiver_color": 1,
            }
        )
        cls.caregiver_b.write(
            {
                "home_latitude": 41.8000,
                "home_longitude": -87.6000,
                "home_geocode_quality": "manual",
                "caregiver_color": 10,
            }
        )

        cls.patient_1 = cls._create_patient(
            name="Route Patient One",
            street="2430 N Cannon Dr",
            zip="60614",
            phone="+1 312 555 0101",
            partner_latitude=41.9262,
            partner_longitude=-87.6366,
            geocode_quality="exact",
        )
        cls.patient_2 = cls._create_patient(
            name="Route Patient Two",
            street="3600 N Clark St",
            zip="60613",
            phone="+1 312 555 0102",
            access_notes="Key in the lockbox, code 4512. Friendly dog.",
            partner_latitude=41.9400,
            partner_longitude=-87.6700,
            geocode_quality="exact",
        )
        cls.patient_3 = cls._create_patient(
            name="Route Patient Three",
            street="1800 W Armitage Ave",
            zip="60622",
            partner_latitude=41.9100,
            partner_longitude=-87.6800,
            geocode_quality="exact",
        )
        cls.patient_4 = cls._create_patient(
            name="Route Patient Four",
            street="5400 S Hyde Park Blvd",
            zip="60615",
            partner_latitude=41.7968,
            partner_longitude=-87.5826,
            geocode_quality="exact",
        )
        cls.patient_unlocated = cls._create_patient(
            name="Route Patient Unlocated",
            street="999 Nowhere St",
            zip="60600",
            geocode_quality="none",
        )
        cls.patient_6 = cls._create_patient(
            name="Route Patient Six",
            street="233 S Wacker Dr",
            zip="60606",
            partner_latitude=41.8789,
            partner_longitude=-87.6359,
            geocode_quality="exact",
        )
        cls.patient_city = cls._create_patient(
            name="Route Patient City Level",
            partner_latitude=41.8781,
            partner_longitude=-87.6298,
            geocode_quality="city",
        )

        # Created out of time order so that ids do not give the route order.
        cls.visit_a3 = cls._create_visit(
            patient=cls.patient_3,
            caregiver=cls.caregiver_a,
            planned_start=local_to_utc(14),
            state="planned",
            visit_type="routine",
            route_sequence=3,
            travel_time_from_previous=15.0,
            travel_distance_from_previous=6.0,
        )
        cls.visit_a1 = cls._create_visit(
            patient=cls.patient_1,
            caregiver=cls.caregiver_a,
            planned_start=local_to_utc(9),
            state="planned",
            visit_type="soc",
            duration=1.5,
            route_sequence=1,
            travel_time_from_previous=12.0,
            travel_distance_from_previous=5.1,
        )
        cls.visit_a2 = cls._create_visit(
            patient=cls.patient_2,
            caregiver=cls.caregiver_a,
            planned_start=local_to_utc(11),
            state="planned",
            visit_type="routine",
            route_sequence=2,
            travel_time_from_previous=8.0,
            travel_distance_from_previous=3.2,
        )
        cls.visit_a_cancelled = cls._create_visit(
            patient=cls.patient_1,
            caregiver=cls.caregiver_a,
            planned_start=local_to_utc(16),
            state="cancelled",
        )
        cls.visit_b1 = cls._create_visit(
            patient=cls.patient_4,
            caregiver=cls.caregiver_b,
            discipline="pt",
            planned_start=local_to_utc(10),
            state="planned",
            travel_time_from_previous=7.0,
            travel_distance_from_previous=2.5,
        )
        cls.visit_b2 = cls._create_visit(
            patient=cls.patient_unlocated,
            caregiver=cls.caregiver_b,
            discipline="pt",
            planned_start=local_to_utc(13),
            state="planned",
        )
        cls.visit_b_late = cls._create_visit(
            patient=cls.patient_4,
            caregiver=cls.caregiver_b,
            discipline="pt",
            planned_start=local_to_utc(23, 30),
            duration=0.5,
            state="planned",
        )
        cls.visit_open_window = cls._create_visit(
            patient=cls.patient_6,
            window_start=local_to_utc(8),
            window_end=local_to_utc(12),
        )
        cls.visit_open_next_day = cls._create_visit(
            patient=cls.patient_6,
            window_start=local_to_utc(8, day=ROUTE_DAY + timedelta(days=1)),
            window_end=local_to_utc(12, day=ROUTE_DAY + timedelta(days=1)),
        )
        cls.visit_open_city = cls._create_visit(
            patient=cls.patient_city,
            planned_start=local_to_utc(15),
        )
        cls.visits_a = cls.visit_a1 | cls.visit_a2 | cls.visit_a3

        # Caregiver A's day as a planning run wrote it: back home at 15:10
        # local time after 10 minutes of travel, lunch 12:00-12:30.
        cls.planning_run = cls.env["homehealth.planning.run"].create(
            {
                "date_from": ROUTE_DAY.date(),
                "date_to": ROUTE_DAY.date(),
                "tz": "America/Chicago",
                "time_limit": 1.0,
                "state": "done",
            }
        )
        cls.env["homehealth.planning.route"].create(
            {
                "run_id": cls.planning_run.id,
                "employee_id": cls.caregiver_a.id,
                "day": ROUTE_DAY.date(),
                "caregiver_key": f"{cls.caregiver_a.id}@2026-03-11",
                "departure": local_to_utc(8, 48),
                "arrival_home": local_to_utc(15, 10),
                "visit_count": 3,
                "return_travel_time": 10.0,
                "return_travel_distance": 4.2,
                "breaks": [
                    {
                        "id": "lunch",
                        "start": str(local_to_utc(12)),
                        "end": str(local_to_utc(12, 30)),
                    }
                ],
            }
        )
        cls.visits_a.write({"planning_run_id": cls.planning_run.id})

    def _map_data(self, user, day="2026-03-11", caregiver_ids=None):
        visits = (
            self.env["homehealth.visit"]
            .with_user(user)
            .with_context(tz="America/Chicago")
        )
        return visits.get_route_map_data(day, caregiver_ids or [])

    @staticmethod
    def _route_of(data, caregiver):
        for route in data["routes"]:
            if route["caregiver_id"] == caregiver.id:
                return route
        return None
