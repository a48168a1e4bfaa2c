from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

CAREGIVER_GROUP = "homehealth_scheduling.group_homehealth_caregiver"
SCHEDULER_GROUP = "homehealth_scheduling.group_homehealth_scheduler"
MANAGER_GROUP = "homehealth_scheduling.group_homehealth_manager"


class HomehealthCase(TransactionCase):
    """Builds a small agency of its own: no demo data is used.

    Two caregivers (A: a nurse, B: a physical therapist), each with a user, a
    patient and a planned visit; a scheduler, a manager and an internal user
    outside the home health groups. Caregivers work Monday to Friday 08:00-12:00
    and 13:00-17:00 in America/Chicago.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.country_us = cls.env.ref("base.us")
        cls.state_il = cls.env.ref("base.state_us_14")

        cls.calendar = cls._create_calendar(
            "Test weekdays 8-17 Chicago",
            [(day, 8.0, 12.0) for day in "01234"]
            + [(day, 13.0, 17.0) for day in "01234"],
        )

        cls.type_wound = cls.env["homehealth.certification.type"].create(
            {
                "name": "Test Wound Care",
                "code": "test_wound_care",
                "category": "specialty",
            }
        )
        cls.type_iv = cls.env["homehealth.certification.type"].create(
            {
                "name": "Test IV Therapy",
                "code": "test_iv_therapy",
                "category": "specialty",
            }
        )
        cls.type_cpr = cls.env["homehealth.certification.type"].create(
            {"name": "Test CPR", "code": "test_cpr", "category": "cpr"}
        )
        cls.language_test = cls.env["homehealth.language"].create(
            {"name": "Test Language", "code": "x-test"}
        )

        # Archive the database's own areas (demo data) so that postal codes and
        # circles match only the areas built here.
        cls.env["homehealth.service.area"].search([]).active = False
        cls.area_north = cls.env["homehealth.service.area"].create(
            {
                "name": "Test North Side",
                "zip_codes": "60613, 60614 60657",
                "center_latitude": 41.9400,
                "center_longitude": -87.6540,
                "radius_km": 4.0,
                "company_id": cls.company.id,
            }
        )

        cls.user_scheduler = new_test_user(
            cls.env, login="hh_scheduler", groups=SCHEDULER_GROUP
        )
        cls.user_manager = new_test_user(
            cls.env, login="hh_manager", groups=MANAGER_GROUP
        )
        cls.user_internal = new_test_user(
            cls.env, login="hh_internal", groups="base.group_user"
        )
        cls.user_caregiver_a = new_test_user(
            cls.env, login="hh_caregiver_a", groups=CAREGIVER_GROUP
        )
        cls.user_caregiver_b = new_test_user(
            cls.env, login="hh_caregiver_b", groups=CAREGIVER_GROUP
        )

        cls.caregiver_a = cls._create_caregiver(
            name="Test Caregiver A", user=cls.user_caregiver_a, discipline="rn"
        )
        cls.caregiver_b = cls._create_caregiver(
            name="Test Caregiver B", user=cls.user_caregiver_b, discipline="pt"
        )

        cls.patient_a = cls._create_patient(
            name="Test Patient A",
            street="2430 N Cannon Dr",
            zip="60614",
            partner_latitude=41.9262,
            partner_longitude=-87.6366,
            geocode_quality="exact",
        )
        cls.patient_b = cls._create_patient(
            name="Test Patient B",
            street="5400 S Hyde Park Blvd",
            zip="60615",
            partner_latitude=41.7968,
            partner_longitude=-87.5826,
            geocode_quality="exact",
        )

        cls.visit_a = cls._create_visit(
            patient=cls.patient_a,
            caregiver=cls.caregiver_a,
            planned_start=datetime(2026, 3, 10, 15, 0),
            state="planned",
        )
        cls.visit_b = cls._create_visit(
            patient=cls.patient_b,
            caregiver=cls.caregiver_b,
            discipline="pt",
            planned_start=datetime(2026, 3, 10, 16, 0),
            state="planned",
        )

    @classmethod
    def _create_calendar(cls, name, attendances, tz="America/Chicago"):
        """Create working hours from (weekday "0"-"6", hour_from, hour_to) rows."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {hour_from}-{hour_to}",
                            "dayofweek": day,
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": "morning" if hour_from < 12 else "afternoon",
                        }
                    )
                    for day, hour_from, hour_to in attendances
                ],
            }
        )

    @classmethod
    def _create_caregiver(cls, name, user=None, discipline="rn", **values):
        vals = {
            "name": name,
            "is_caregiver": True,
            "discipline": discipline,
            "resource_calendar_id": cls.calendar.id,
            "tz": "America/Chicago",
            "company_id": cls.company.id,
        }
        if user:
            vals["user_id"] = user.id
        vals.update(values)
        return cls.env["hr.employee"].create(vals)

    @classmethod
    def _create_patient(cls, name, **values):
        vals = {
            "name": name,
            "is_patient": True,
            "city": "Chicago",
            "state_id": cls.state_il.id,
            "country_id": cls.country_us.id,
            "company_id": cls.company.id,
        }
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    @classmethod
    def _create_visit(cls, patient, caregiver=None, discipline="rn", **values):
        vals = {
            "patient_id": patient.id,
            "discipline": discipline,
            "duration": 1.0,
            "company_id": cls.company.id,
        }
        if caregiver:
            vals["caregiver_id"] = caregiver.id
        vals.update(values)
        return cls.env["homehealth.visit"].create(vals)
