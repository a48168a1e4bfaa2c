from odoo import fields, models

CAREGIVER_GROUP = "homehealth_scheduling.group_homehealth_caregiver"


class ResPartner(models.Model):
    _inherit = "res.partner"

    language_required = fields.Boolean(
        groups=CAREGIVER_GROUP,
        help="Only caregivers who speak the patient's preferred language may visit.",
    )
    care_plan_ids = fields.One2many(
        comodel_name="homehealth.care.plan",
        inverse_name="patient_id",
        string="Plans of Care",
        groups=CAREGIVER_GROUP,
    )
    care_plan_count = fields.Integer(
        compute="_compute_care_plan_count",
        groups=CAREGIVER_GROUP,
    )

    def _compute_care_plan_count(self):
        counts = dict(
            self.env["homehealth.care.plan"]._read_group(
                [("patient_id", "in", self.ids)],
                groupby=["patient_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.care_plan_count = counts.get(partner, 0)

    def action_view_care_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "homehealth_scheduling.homehealth_care_plan_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action
