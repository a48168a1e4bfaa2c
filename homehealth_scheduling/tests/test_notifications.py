from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .route_day import ROUTE_DAY, RouteDayCase, local_to_utc

NOTIFY_PATIENTS_PARAM = "homehealth_scheduling.publish_notify_patients"


@tagged("post_install", "-at_install")
class TestPublishNotifications(RouteDayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day_visits = cls.env["homehealth.visit"].search(
            [
                ("planned_start", ">=", local_to_utc(0)),
                (
                    "planned_start",
                    "<",
                    local_to_utc(0, day=ROUTE_DAY + timedelta(days=1)),
                ),
            ]
        )

    def _messages(self, record):
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("message_type", "=", "comment"),
            ],
            order="id",
        )

    def _publish(self, visits=None):
        visits = (visits or self.day_visits).with_user(self.user_scheduler)
        return visits._homehealth_publish()

    def _publish_and_collect(self, change):
        """Publish the day, apply ``change``, publish again; return new messages."""
        self._publish()
        before = {
            caregiver: self._messages(caregiver)
            for caregiver in (self.caregiver_a, self.caregiver_b)
        }
        change()
        self._publish()
        return {
            caregiver: self._messages(caregiver) - messages
            for caregiver, messages in before.items()
        }

    def test_publish_first_one_message_each(self):
        self._publish()
        self.assertEqual(len(self._messages(self.caregiver_a)), 1)
        self.assertEqual(len(self._messages(self.caregiver_b)), 1)

    def test_publish_first_lists_added_visits(self):
        self._publish()
        body = self._messages(self.caregiver_a).body
        self.assertIn("Added to your schedule", body)
        for visit in self.visits_a:
            self.assertIn(visit.name, body)

    def test_publish_sent_to_caregiver_user(self):
        self._publish()
        message = self._messages(self.caregiver_a)
        self.assertEqual(message.partner_ids, self.user_caregiver_a.partner_id)

    def test_publish_notifies_caregiver_user(self):
        self._publish()
        message = self._messages(self.caregiver_a)
        notified = message.notification_ids.res_partner_id
        self.assertEqual(notified, self.user_caregiver_a.partner_id)

    def test_publish_again_unchanged_no_message(self):
        new = self._publish_and_collect(lambda: None)
        self.assertFalse(new[self.caregiver_a])
        self.assertFalse(new[self.caregiver_b])

    def test_publish_moved_visit(self):
        new = self._publish_and_collect(
            lambda: self.visit_a2.write({"planned_start": local_to_utc(12, 30)})
        )
        body = new[self.caregiver_a].body
        self.assertIn("Moved", body)
        self.assertIn("11:00-12:00", body)
        self.assertIn("12:30-13:30", body)

    def test_publish_moved_visit_only_change(self):
        new = self._publish_and_collect(
            lambda: self.visit_a2.write({"planned_start": local_to_utc(12, 30)})
        )
        body = new[self.caregiver_a].body
        self.assertNotIn(self.visit_a1.name, body)
        self.assertNotIn(self.visit_a3.name, body)

    def test_publish_moved_visit_other_caregiver_silent(self):
        new = self._publish_and_collect(
            lambda: self.visit_a2.write({"planned_start": local_to_utc(12, 30)})
        )
        self.assertFalse(new[self.caregiver_b])

    def test_publish_reassigned_removed_from_old(self):
        new = self._publish_and_collect(
            lambda: self.visit_a3.write({"caregiver_id": self.caregiver_b.id})
        )
        body = new[self.caregiver_a].body
        self.assertIn("Removed from your schedule", body)
        self.assertIn(self.visit_a3.name, body)

    def test_publish_reassigned_added_to_new(self):
        new = self._publish_and_collect(
            lambda: self.visit_a3.write({"caregiver_id": self.caregiver_b.id})
        )
        body = new[self.caregiver_b].body
        self.assertIn("Added to your schedule", body)
        self.assertIn(self.visit_a3.name, body)

    def test_publish_reassigned_one_message_each(self):
        new = self._publish_and_collect(
            lambda: self.visit_a3.write({"caregiver_id": self.caregiver_b.id})
        )
        self.assertEqual(len(new[self.caregiver_a]), 1)
        self.assertEqual(len(new[self.caregiver_b]), 1)

    def test_publish_unassigned_visit_removed(self):
        new = self._publish_and_collect(
            lambda: self.visit_a1.write({"caregiver_id": False, "state": "draft"})
        )
        body = new[self.caregiver_a].body
        self.assertIn("Removed from your schedule", body)
        self.assertIn(self.visit_a1.name, body)

    def test_publish_cancelled_visit_removed(self):
        new = self._publish_and_collect(lambda: self.visit_a1.action_cancel())
        self.assertIn("Removed from your schedule", new[self.caregiver_a].body)

    def test_publish_pending_after_change(self):
        self._publish()
        self.assertFalse(self.visit_a2.publish_pending)
        self.visit_a2.planned_start = local_to_utc(12, 30)
        self.assertTrue(self.visit_a2.publish_pending)

    def test_publish_stores_published_slot(self):
        self._publish()
        self.visit_a2.planned_start = local_to_utc(12, 30)
        self.assertEqual(self.visit_a2.published_start, local_to_utc(11))

    def test_publish_day_covers_visit_moved_away(self):
        self._publish()
        before = self._messages(self.caregiver_a)
        self.visit_a2.planned_start = local_to_utc(
            11, day=ROUTE_DAY + timedelta(days=1)
        )
        visits = self.env["homehealth.visit"].with_user(self.user_scheduler)
        visits.with_context(tz="America/Chicago").action_publish_day("2026-03-11", [])
        new = self._messages(self.caregiver_a) - before
        self.assertIn(self.visit_a2.name, new.body)

    def test_publish_patients_not_notified_default(self):
        self._publish()
        self.assertFalse(self._messages(self.patient_2))

    def test_publish_patients_notified_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(NOTIFY_PATIENTS_PARAM, "True")
        self._publish()
        message = self._messages(self.patient_2)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.patient_2)

    def test_publish_patients_caregiver_change_silent(self):
        self.env["ir.config_parameter"].sudo().set_param(NOTIFY_PATIENTS_PARAM, "True")
        self._publish()
        before = self._messages(self.patient_3)
        self.visit_a3.caregiver_id = self.caregiver_b
        self._publish()
        self.assertEqual(self._messages(self.patient_3), before)

    def test_publish_patients_new_time(self):
        self.env["ir.config_parameter"].sudo().set_param(NOTIFY_PATIENTS_PARAM, "True")
        self._publish()
        before = self._messages(self.patient_3)
        self.visit_a3.planned_start = local_to_utc(15)
        self._publish()
        new = self._messages(self.patient_3) - before
        self.assertIn("15:00-16:00", new.body)

    def test_publish_caregiver_rejected(self):
        with self.assertRaises(AccessError):
            self.visits_a.with_user(self.user_caregiver_a)._homehealth_publish()

    def test_publish_without_user_kept_on_record(self):
        self.caregiver_b.user_id = False
        self.caregiver_b.work_contact_id = False
        result = self._publish()
        self.assertEqual(result["unreachable"], self.caregiver_b)
        self.assertEqual(len(self._messages(self.caregiver_b)), 1)

    def test_publish_planning_run(self):
        run = self.env["homehealth.planning.run"].create(
            {
                "date_from": "2026-03-11",
                "date_to": "2026-03-11",
                "tz": "America/Chicago",
                "time_limit": 1.0,
                "state": "done",
            }
        )
        run.with_user(self.user_scheduler).action_publish()
        self.assertEqual(len(self._messages(self.caregiver_a)), 1)
        self.assertTrue(run.published_on)
