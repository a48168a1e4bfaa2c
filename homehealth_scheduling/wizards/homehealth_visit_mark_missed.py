from odoo import fields, models


class HomehealthVisitMarkMissed(models.TransientModel):
    _name = "homehealth.visit.mark.missed"
    _description = "Mark Visits as Missed"

    visit_ids = fields.Many2many(
        comodel_name="homehealth.visit",
        string="Visits",
        required=True,
    )
    reason = fields.Text(
        required=True,
        help="Why the visit did not take place, for example: patient in hospital, "
        "no answer at the door.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.visit_ids._mark_missed(self.reason)
        return {"type": "ir.actions.act_window_close"}
