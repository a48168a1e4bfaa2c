from collections import defaultdict

from odoo import fields, models


class HomehealthCertification(models.Model):
    _inherit = "homehealth.certification"

    blocked_visit_count = fields.Integer(
        string="Blocked Visits",
        compute="_compute_blocked_visit_count",
        help="Future visits of the caregiver, after the expiry date, that need "
        "this certification and have no renewal valid on their date.",
    )

    def _compute_blocked_visit_count(self):
        blocked = self._homehealth_blocked_visits()
        for certification in self:
            certification.blocked_visit_count = len(blocked[certification])

    def _homehealth_blocked_visits(self):
        """Return ``{certification: visits}`` that the expiry of each one blocks.

        A blocked visit is draft or planned, assigned to the certification's
        caregiver, and starts in the future on a date after the expiry date. It
        needs the certification type, as a required certification or as the
        licence of its discipline. The caregiver has no other certification of
        that type that is valid on the visit date.
        """
        Visit = self.env["homehealth.visit"]
        result = dict.fromkeys(self, Visit)
        certifications = self.filtered(lambda cert: cert.id and cert.expiry_date)
        if not certifications:
            return result
        now = fields.Datetime.now()
        visits = Visit.sudo().search(
            [
                ("caregiver_id", "in", certifications.sudo().employee_id.ids),
                ("state", "in", ("draft", "planned")),
                "|",
                ("planned_start", ">=", now),
                "&",
                ("planned_start", "=", False),
                ("window_start", ">=", now),
            ]
        )
        visits_by_employee = defaultdict(list)
        for visit in visits:
            visits_by_employee[visit.caregiver_id].append(visit)
        for certification in certifications:
            employee = certification.sudo().employee_id
            tz_name = employee._get_tz()
            blocked_ids = []
            for visit in visits_by_employee[employee]:
                day = visit._homehealth_visit_date(tz_name)
                if day <= certification.expiry_date:
                    continue
                needed = visit._homehealth_needed_certification_types(employee)
                if certification.type_id not in needed:
                    continue
                if certification.code in employee._homehealth_skills_on(day):
                    continue
                blocked_ids.append(visit.id)
            result[certification] = Visit.browse(blocked_ids)
        return result

    def action_view_blocked_visits(self):
        self.ensure_one()
        visits = self._homehealth_blocked_visits()[self]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_visit_action"
        )
        action["domain"] = [("id", "in", visits.ids)]
        action["context"] = {}
        action["name"] = self.env._(
            "Visits Blocked by %(certification)s", certification=self.display_name
        )
        return action
