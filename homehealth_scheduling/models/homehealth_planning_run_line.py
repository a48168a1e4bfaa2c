from odoo import fields, models

from .homehealth_visit_planning import UNASSIGNED_REASON_SELECTION

LINE_KIND_SELECTION = [
    ("unassigned", "Unassigned"),
    ("left_out", "Left out"),
    ("edited", "Edited during the run"),
    ("fixed", "Fixed visit not kept"),
]


class HomehealthPlanningRunLine(models.Model):
    _name = "homehealth.planning.run.line"
    _description = "Route Planning Run Line"
    _order = "run_id, kind, id"

    run_id = fields.Many2one(
        comodel_name="homehealth.planning.run",
        string="Planning Run",
        required=True,
        ondelete="cascade",
        index=True,
    )
    kind = fields.Selection(
        selection=LINE_KIND_SELECTION,
        required=True,
        help="Unassigned: the engine found no caregiver or time. Left out: the "
        "record's data is incomplete, so the engine never saw it. Edited during "
        "the run: someone changed the visit while the run was solving, so the run "
        "left it as it was. Fixed visit not kept: a pinned or checked-in visit "
        "that its caregiver's day cannot hold.",
    )
    visit_id = fields.Many2one(
        comodel_name="homehealth.visit",
        ondelete="cascade",
        index="btree_not_null",
    )
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Caregiver",
        ondelete="cascade",
    )
    patient_id = fields.Many2one(related="visit_id.patient_id")
    reason = fields.Selection(selection=UNASSIGNED_REASON_SELECTION)
    detail = fields.Text()
