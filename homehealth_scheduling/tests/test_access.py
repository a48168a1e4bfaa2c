from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import SCHEDULER_GROUP, HomehealthCase


class TestCaregiverAccess(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Visit = cls.env["homehealth.visit"].with_user(cls.user_caregiver_a)
        cls.Partner = cls.env["res.partner"].with_user(cls.user_caregiver_a)
        cls.certification_a = cls.env["homehealth.certification"].create(
            {"employee_id": cls.caregiver_a.id, "type_id": cls.type_cpr.id}
        )
        cls.certification_b = cls.env["homehealth.certification"].create(
            {"employee_id": cls.caregiver_b.id, "type_id": cls.type_cpr.id}
        )

    def test_sees_only_own_visits(self):
        self.assertEqual(self.Visit.search([]), self.visit_a)

    def test_reads_own_visit(self):
        visit = self.visit_a.with_user(self.user_caregiver_a)
        self.assertEqual(visit.patient_id, self.patient_a)

    def test_cannot_read_other_visit(self):
        with self.assertRaises(AccessError):
            self.visit_b.with_user(self.user_caregiver_a).read(["name"])

    def test_reads_own_patient(self):
        patient = self.patient_a.with_user(self.user_caregiver_a)
        self.assertEqual(patient.read(["access_notes"])[0]["id"], self.patient_a.id)

    def test_cannot_read_other_patient(self):
        with self.assertRaises(AccessError):
            self.patient_b.with_user(self.user_caregiver_a).read(["name"])

    def test_patient_search_filtered(self):
        patients = self.Partner.search([("is_patient", "=", True)])
        self.assertEqual(patients, self.patient_a)

    def test_non_patients_unaffected(self):
        contact = self.env["res.partner"].create({"name": "Test Pharmacy"})
        self.assertEqual(self.Partner.search([("id", "=", contact.id)]), contact)

    def test_checks_in_own_visit(self):
        visit = self.visit_a.with_user(self.user_caregiver_a)
        visit.action_check_in(latitude=41.9262, longitude=-87.6366)
        visit.action_check_out()
        self.assertEqual(self.visit_a.state, "done")

    def test_check_in_tracked(self):
        # Tracking messages are written just before commit, and never for records
        # created in the same transaction. So run the commit hooks once to close
        # the creation, and once more after the check-in.
        self.env.cr.precommit.run()
        visit = self.visit_a.with_user(self.user_caregiver_a).with_context(
            tracking_disable=False
        )
        visit.action_check_in()
        self.env.cr.precommit.run()
        tracked = self.visit_a.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)

    def test_cannot_check_in_other_visit(self):
        with self.assertRaises(AccessError):
            self.visit_b.with_user(self.user_caregiver_a).action_check_in()

    def test_cannot_write_other_planned_times(self):
        with self.assertRaises(AccessError):
            self.visit_b.with_user(self.user_caregiver_a).write(
                {"planned_start": datetime(2026, 3, 10, 18, 0)}
            )

    def test_cannot_write_own_planned_times(self):
        with self.assertRaisesRegex(AccessError, "planned_start"):
            self.visit_a.with_user(self.user_caregiver_a).write(
                {"planned_start": datetime(2026, 3, 10, 18, 0)}
            )

    def test_cannot_write_other_notes(self):
        with self.assertRaises(AccessError):
            self.visit_b.with_user(self.user_caregiver_a).write({"notes": "Hello"})

    def test_writes_own_notes(self):
        self.visit_a.with_user(self.user_caregiver_a).write({"notes": "Wound healing"})
        self.assertEqual(self.visit_a.notes, "Wound healing")

    def test_marks_own_visit_missed(self):
        self.visit_a.with_user(self.user_caregiver_a)._mark_missed("No answer")
        self.assertEqual(self.visit_a.state, "missed")

    def test_cannot_cancel(self):
        with self.assertRaises(AccessError):
            self.visit_a.with_user(self.user_caregiver_a).action_cancel()

    def test_cannot_create_visit(self):
        with self.assertRaises(AccessError):
            self.Visit.create({"patient_id": self.patient_a.id, "discipline": "rn"})

    def test_cannot_delete_visit(self):
        with self.assertRaises(AccessError):
            self.visit_a.with_user(self.user_caregiver_a).unlink()

    def test_reads_own_certification(self):
        certifications = self.env["homehealth.certification"].with_user(
            self.user_caregiver_a
        )
        self.assertEqual(certifications.search([]), self.certification_a)

    def test_cannot_read_other_certification(self):
        with self.assertRaises(AccessError):
            self.certification_b.with_user(self.user_caregiver_a).read(["number"])

    def test_cannot_write_certification(self):
        with self.assertRaises(AccessError):
            self.certification_a.with_user(self.user_caregiver_a).number = "X1"

    def test_cannot_edit_configuration(self):
        values_by_model = {
            "homehealth.certification.type": {"name": "Test No", "code": "x-no"},
            "homehealth.language": {"name": "Test No", "code": "x-no"},
            "homehealth.service.area": {"name": "Test No"},
        }
        for model, values in values_by_model.items():
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_caregiver_a).create(values)

    def test_reads_configuration(self):
        area = self.area_north.with_user(self.user_caregiver_a)
        self.assertEqual(area.name, "Test North Side")

    def test_cannot_read_employee_home(self):
        with self.assertRaises(AccessError):
            self.caregiver_b.with_user(self.user_caregiver_a).read(["home_latitude"])

    def test_visit_color_readable(self):
        self.caregiver_a.caregiver_color = 4
        visit = self.visit_a.with_user(self.user_caregiver_a)
        self.assertEqual(visit.read(["color"])[0]["color"], 4)

    def test_mine_filter(self):
        visits = self.Visit.search(
            [("caregiver_user_id", "=", self.user_caregiver_a.id)]
        )
        self.assertEqual(visits, self.visit_a)


class TestInternalUserAccess(HomehealthCase):
    def test_health_fields_hidden(self):
        patient = self.patient_a.with_user(self.user_internal)
        with self.assertRaises(AccessError):
            patient.read(["access_notes"])

    def test_health_fields_not_described(self):
        fields = self.env["res.partner"].with_user(self.user_internal).fields_get()
        self.assertNotIn("emergency_contact_phone", fields)
        self.assertIn("is_patient", fields)

    def test_cannot_read_visits(self):
        with self.assertRaises(AccessError):
            self.visit_a.with_user(self.user_internal).read(["name"])


class TestSchedulerAccess(HomehealthCase):
    def test_sees_all_visits(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler).search([])
        self.assertIn(self.visit_a, visits)
        self.assertIn(self.visit_b, visits)

    def test_sees_all_patients(self):
        partners = self.env["res.partner"].with_user(self.user_scheduler)
        patients = partners.search([("is_patient", "=", True)])
        self.assertIn(self.patient_a, patients)
        self.assertIn(self.patient_b, patients)

    def test_creates_and_plans_visit(self):
        visit = (
            self.env["homehealth.visit"]
            .with_user(self.user_scheduler)
            .create(
                {
                    "patient_id": self.patient_b.id,
                    "discipline": "pt",
                    "caregiver_id": self.caregiver_b.id,
                    "planned_start": datetime(2026, 3, 11, 15, 0),
                }
            )
        )
        visit.action_plan()
        self.assertEqual(visit.state, "planned")

    def test_moves_visit(self):
        self.visit_b.with_user(self.user_scheduler).write(
            {"planned_start": datetime(2026, 3, 10, 19, 0)}
        )
        self.assertEqual(self.visit_b.planned_end, datetime(2026, 3, 10, 20, 0))

    def test_cannot_delete_visit(self):
        with self.assertRaises(AccessError):
            self.visit_b.with_user(self.user_scheduler).unlink()

    def test_creates_patient(self):
        patient = (
            self.env["res.partner"]
            .with_user(self.user_scheduler)
            .create({"name": "Test New Patient", "is_patient": True, "zip": "60613"})
        )
        self.assertEqual(patient.service_area_id, self.area_north)

    def test_writes_caregiver_home_fields(self):
        caregiver = self.caregiver_b.with_user(self.user_scheduler)
        caregiver.write(
            {
                "home_latitude": 41.8,
                "home_longitude": -87.6,
                "home_geocode_quality": "manual",
                "max_visits_per_day": 6,
            }
        )
        self.assertEqual(self.caregiver_b.max_visits_per_day, 6)

    def test_cannot_write_employee_file(self):
        with self.assertRaisesRegex(AccessError, "job_title"):
            self.caregiver_b.with_user(self.user_scheduler).write({"job_title": "Boss"})

    def test_cannot_create_employee(self):
        with self.assertRaises(AccessError):
            self.env["hr.employee"].with_user(self.user_scheduler).create(
                {"name": "Test Forbidden Employee"}
            )

    def test_cannot_read_private_address(self):
        with self.assertRaises(AccessError):
            self.caregiver_b.with_user(self.user_scheduler).read(["private_street"])

    def test_manages_certifications(self):
        certification = (
            self.env["homehealth.certification"]
            .with_user(self.user_scheduler)
            .create({"employee_id": self.caregiver_b.id, "type_id": self.type_iv.id})
        )
        certification.number = "IL-123"
        self.assertEqual(certification.sudo().number, "IL-123")

    def test_cannot_edit_configuration(self):
        with self.assertRaises(AccessError):
            self.env["homehealth.certification.type"].with_user(
                self.user_scheduler
            ).create({"name": "Test Forbidden", "code": "x-forbidden"})


class TestManagerAccess(HomehealthCase):
    def test_deletes_visit(self):
        self.visit_b.with_user(self.user_manager).unlink()
        self.assertFalse(self.visit_b.exists())

    def test_edits_configuration(self):
        language = (
            self.env["homehealth.language"]
            .with_user(self.user_manager)
            .create({"name": "Test Yiddish", "code": "x-yi"})
        )
        area = (
            self.env["homehealth.service.area"]
            .with_user(self.user_manager)
            .create({"name": "Test West Side", "zip_codes": "60612"})
        )
        self.assertTrue(language.exists())
        self.assertTrue(area.exists())


class TestOtherCompanyAccess(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Test Agency B"})
        cls.user_scheduler_b = new_test_user(
            cls.env,
            login="hh_scheduler_b",
            groups=SCHEDULER_GROUP,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.env["homehealth.certification"].create(
            {"employee_id": cls.caregiver_a.id, "type_id": cls.type_cpr.id}
        )

    def test_sees_no_visits(self):
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler_b)
        self.assertFalse(visits.search([]))

    def test_cannot_read_visit(self):
        with self.assertRaises(AccessError):
            self.visit_a.with_user(self.user_scheduler_b).read(["name"])

    def test_sees_no_patients(self):
        partners = self.env["res.partner"].with_user(self.user_scheduler_b)
        self.assertFalse(partners.search([("is_patient", "=", True)]))

    def test_cannot_read_patient(self):
        with self.assertRaises(AccessError):
            self.patient_a.with_user(self.user_scheduler_b).read(["name"])

    def test_sees_no_certifications(self):
        certifications = self.env["homehealth.certification"].with_user(
            self.user_scheduler_b
        )
        self.assertFalse(certifications.search([]))

    def test_sees_no_service_areas(self):
        areas = self.env["homehealth.service.area"].with_user(self.user_scheduler_b)
        self.assertNotIn(self.area_north, areas.search([]))

    def test_sees_no_caregivers(self):
        employees = self.env["hr.employee"].with_user(self.user_scheduler_b)
        self.assertFalse(employees.search([("is_caregiver", "=", True)]))
