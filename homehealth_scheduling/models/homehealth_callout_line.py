from odoo import fields, models

from .homehealth_visit_planning import UNASSIGNED_REASON_SELECTION

CHANGE_KIND_SELECTION = [
    ("reassigned", "New caregiver"),
    ("moved", "New time"),
    ("route", "Route order or travel only"),
    ("uncovered", "Not covered"),
]


class HomehealthCalloutLine(models.Model):
    _name = "homehealth.callout.line"
    _description = "Home Health Call-out Change"
    _order = "callout_id, kind_sequence, new_start, old_start, id"

    callout_id = fields.Many2one(
        comodel_name="homehealth.callout",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="callout_id.company_id", store=True)
    visit_id = fields.Many2one(
        comodel_name="homehealth.visit",
        required=True,
        ondelete="cascade",
    )
    patient_id = fields.Many2one(related="visit_id.patient_id", string="Patient")
    kind = fields.Selection(selection=CHANGE_KIND_SELECTION, required=True)
    kind_sequence = fields.Integer(
        help="Sorts the lines: uncovered visits first, then new caregivers, "
        "times and route details.",
    )
    released = fields.Boolean(
        help="The visit was on the unavailable caregiver's route.",
    )
    old_caregiver_id = fields.Many2one(
        comodel_name="hr.employee",
    )
    old_start = fields.Datetime()
    old_end = fields.Datetime()
    new_caregiver_id = fields.Many2one(
        comodel_name="hr.employee",
    )
    new_start = fields.Datetime()
    new_end = fields.Datetime()
    new_route_sequence = fields.Integer()
    new_travel_time = fields.Float(
        string="New Travel Time (min)",
        help="Minutes of travel from the previous stop in the new plan.",
    )
    new_travel_distance = fields.Float(
        string="New Travel Distance (km)",
        help="Kilometres of travel from the previous stop in the new plan.",
    )
    reason = fields.Selection(
        selection=UNASSIGNED_REASON_SELECTION,
        help="Why the planner could not cover the visit.",
    )
    detail = fields.Text(help="The planner's explanation for an uncovered visit.")

    def _visit_values(self):
        """Return the values that applying this line writes on its visit."""
        self.ensure_one()
        if self.kind == "uncovered":
            return {
                "caregiver_id": False,
                "state": "draft",
                "pinned": False,
                "route_sequence": 0,
                "travel_time_from_previous": 0.0,
                "travel_distance_from_previous": 0.0,
                "unassigned_reason": self.reason or "no_time",
                "unassigned_detail": self.detail,
            }
        values = {
            "caregiver_id": self.new_caregiver_id.id,
            "planned_start": self.new_start,
            "planned_end": self.new_end,
            "route_sequence": self.new_route_sequence,
            "travel_time_from_previous": self.new_travel_time,
            "travel_distance_from_previous": self.new_travel_distance,
            "state": "planned",
            "unassigned_reason": False,
            "unassigned_detail": False,
        }
        if self.released:
            # The pin held the visit on the unavailable caregiver's route.
            values["pinned"] = False
        return values
