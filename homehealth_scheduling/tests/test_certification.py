from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import ValidationError

from .common import HomehealthCase

EXPIRING_DAYS_PARAM = "homehealth_scheduling.certification_expiring_days"


class TestCertification(HomehealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(EXPIRING_DAYS_PARAM, "30")
        cls.wound = cls._create_certification(
            cls.type_wound, issue=date(2025, 6, 1), expiry=date(2026, 6, 30)
        )

    @classmethod
    def _create_certification(cls, cert_type, issue=None, expiry=None, caregiver=None):
        return cls.env["homehealth.certification"].create(
            {
                "employee_id": (caregiver or cls.caregiver_a).id,
                "type_id": cert_type.id,
                "number": f"IL-{cert_type.code}",
                "issuing_state_id": cls.state_il.id,
                "issue_date": issue,
                "expiry_date": expiry,
            }
        )

    def test_state_valid_far_from_expiry(self):
        self.assertEqual(self.wound._state_on(date(2026, 5, 30)), "valid")

    def test_state_expiring_exactly_n_days(self):
        # 2026-06-30 is exactly 30 days after 2026-05-31.
        self.assertEqual(self.wound._state_on(date(2026, 5, 31)), "expiring")

    def test_state_expiring_on_expiry_date(self):
        self.assertEqual(self.wound._state_on(date(2026, 6, 30)), "expiring")

    def test_state_expired_day_after(self):
        self.assertEqual(self.wound._state_on(date(2026, 7, 1)), "expired")

    def test_state_accepts_string_date(self):
        self.assertEqual(self.wound._state_on("2026-07-01"), "expired")

    def test_state_without_expiry(self):
        certification = self._create_certification(self.type_cpr)
        self.assertEqual(certification._state_on(date(2099, 1, 1)), "valid")

    def test_state_follows_setting(self):
        self.env["ir.config_parameter"].set_param(EXPIRING_DAYS_PARAM, "10")
        self.assertEqual(self.wound._state_on(date(2026, 6, 19)), "valid")
        self.assertEqual(self.wound._state_on(date(2026, 6, 20)), "expiring")

    def test_invalid_setting_uses_default(self):
        self.env["ir.config_parameter"].set_param(EXPIRING_DAYS_PARAM, "thirty")
        self.assertEqual(self.wound._state_on(date(2026, 5, 31)), "expiring")
        self.assertEqual(self.wound._state_on(date(2026, 5, 30)), "valid")

    def test_stored_state_for_today(self):
        today = fields.Date.context_today(self.wound)
        expiring = self._create_certification(self.type_iv, expiry=today + timedelta(5))
        expired = self._create_certification(self.type_cpr, expiry=today - timedelta(1))
        self.assertEqual(expiring.state, "expiring")
        self.assertEqual(expired.state, "expired")

    def test_cron_refreshes_state(self):
        today = fields.Date.context_today(self.wound)
        certification = self._create_certification(
            self.type_iv, expiry=today + timedelta(40)
        )
        self.assertEqual(certification.state, "valid")
        self.env["ir.config_parameter"].set_param(EXPIRING_DAYS_PARAM, "60")
        self.env.ref(
            "homehealth_scheduling.ir_cron_homehealth_certification_state"
        ).method_direct_trigger()
        certification.invalidate_recordset(["state"])
        self.assertEqual(certification.state, "expiring")

    def test_settings_refresh_state(self):
        today = fields.Date.context_today(self.wound)
        certification = self._create_certification(
            self.type_iv, expiry=today + timedelta(40)
        )
        settings = self.env["res.config.settings"].create(
            {"homehealth_certification_expiring_days": 45}
        )
        settings.execute()
        certification.invalidate_recordset(["state"])
        self.assertEqual(certification.state, "expiring")

    def test_expiring_filter(self):
        today = fields.Date.context_today(self.wound)
        expiring = self._create_certification(self.type_iv, expiry=today + timedelta(3))
        valid = self._create_certification(self.type_cpr, expiry=today + timedelta(90))
        found = self.env["homehealth.certification"].search(
            [("state", "=", "expiring")]
        )
        self.assertIn(expiring, found)
        self.assertNotIn(valid, found)

    def test_expiry_before_issue_rejected(self):
        with self.assertRaisesRegex(ValidationError, "Test Caregiver A"):
            self._create_certification(
                self.type_iv, issue=date(2026, 3, 1), expiry=date(2026, 2, 1)
            )

    def test_skills_include_discipline(self):
        skills = self.caregiver_a._homehealth_skills_on(date(2026, 3, 10))
        self.assertIn("rn", skills)
        self.assertIn("test_wound_care", skills)

    def test_skills_skip_expired(self):
        self.assertEqual(
            self.caregiver_a._homehealth_skills_on(date(2026, 7, 1)), {"rn"}
        )

    def test_skills_on_expiry_date(self):
        skills = self.caregiver_a._homehealth_skills_on(date(2026, 6, 30))
        self.assertIn("test_wound_care", skills)

    def test_skills_skip_before_issue(self):
        skills = self.caregiver_a._homehealth_skills_on(date(2025, 5, 31))
        self.assertNotIn("test_wound_care", skills)

    def test_skills_of_other_caregiver(self):
        self._create_certification(self.type_iv, caregiver=self.caregiver_b)
        skills = self.caregiver_b._homehealth_skills_on(date(2026, 3, 10))
        self.assertEqual(skills, {"pt", "test_iv_therapy"})
