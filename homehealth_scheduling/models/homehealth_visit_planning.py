"""Route planning fields of visits: links to other visits, why a visit is unplanned."""

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The routing engine's reasons (homehealth_routing.Reason), plus the visits that the
# planner leaves out before the engine runs because their data is incomplete.
UNASSIGNED_REASON_SELECTION = [
    ("no_qualified_caregiver", "No qualified caregiver"),
    ("outside_every_window", "No caregiver works in the window"),
    ("pinned_caregiver_unavailable", "Pinned caregiver unavailable"),
    ("linked_visit_unassigned", "Linked visit unassigned"),
    ("limit_reached", "Caregiver limits reached"),
    ("no_time", "No time left"),
    ("invalid_input", "Incomplete visit data"),
]

LINK_TYPE_SELECTION = [
    ("same_time", "Same time (two caregivers)"),
    ("after", "After the linked visit"),
]


class HomehealthVisit(models.Model):
    _inherit = "homehealth.visit"

    linked_visit_id = fields.Many2one(
        comodel_name="homehealth.visit",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="Another visit whose timing this visit depends on: a second "
        "caregiver for a two-person visit, or a visit that must come first.",
    )
    link_type = fields.Selection(
        selection=LINK_TYPE_SELECTION,
        help="Same time: both visits start together, with two different "
        "caregivers, and are planned both or neither. After: this visit starts "
        "between the minimum and maximum gap after the linked visit starts.",
    )
    link_min_gap = fields.Integer(
        string="Minimum Gap (min)",
        help="Minutes from the linked visit's start to this visit's start, at least.",
    )
    link_max_gap = fields.Integer(
        string="Maximum Gap (min)",
        help="Minutes from the linked visit's start to this visit's start, at "
        "most. 0 means no maximum.",
    )
    unassigned_reason = fields.Selection(
        selection=UNASSIGNED_REASON_SELECTION,
        copy=False,
        readonly=True,
        help="Why the last route planning run left this visit without a caregiver.",
    )
    unassigned_detail = fields.Text(
        copy=False,
        readonly=True,
        help="The planner's explanation of the unassigned reason.",
    )
    planning_run_id = fields.Many2one(
        comodel_name="homehealth.planning.run",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The last route planning run that planned or tried to plan this visit.",
    )

    @api.constrains("linked_visit_id", "link_type", "link_min_gap", "link_max_gap")
    def _check_link(self):
        for visit in self:
            if not visit.linked_visit_id:
                continue
            linked = visit.linked_visit_id
            if linked == visit:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s is linked to itself. Choose another visit "
                        "as the linked visit.",
                        visit=visit.name,
                    )
                )
            if not visit.link_type:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s is linked to %(linked)s without a link "
                        "type. Choose whether it happens at the same time or after.",
                        visit=visit.name,
                        linked=linked.name,
                    )
                )
            if visit.link_min_gap < 0 or visit.link_max_gap < 0:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s has a negative gap to its linked visit. "
                        "Enter the gaps as positive minutes after the linked visit.",
                        visit=visit.name,
                    )
                )
            if visit.link_max_gap and visit.link_max_gap < visit.link_min_gap:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the maximum gap (%(max)s min) is below the "
                        "minimum gap (%(min)s min). Raise the maximum or set it to 0 "
                        "for no maximum.",
                        visit=visit.name,
                        max=visit.link_max_gap,
                        min=visit.link_min_gap,
                    )
                )
            if linked.linked_visit_id == visit and (
                visit.link_type == "after" or linked.link_type == "after"
            ):
                raise ValidationError(
                    self.env._(
                        "Visits %(visit)s and %(linked)s are linked to each other "
                        "with an order. Keep the link on the visit that comes second "
                        "only.",
                        visit=visit.name,
                        linked=linked.name,
                    )
                )

    def action_plan_routes(self):
        """Open the route planner for the days of the selected visits."""
        self._check_user_is_scheduler()
        planner_context = {"default_visit_ids": self.ids} if self else {}
        dates = self._planning_local_dates()
        if dates:
            planner_context["default_date_from"] = fields.Date.to_string(min(dates))
            planner_context["default_date_to"] = fields.Date.to_string(max(dates))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan Routes"),
            "res_model": "homehealth.route.planner",
            "view_mode": "form",
            "target": "new",
            "context": planner_context,
        }

    def _planning_local_dates(self):
        """Return the local dates (user's time zone) on which the visits fall.

        A visit falls on the day of its window start, or of its planned start when
        it has no window. Visits with neither are ignored.
        """
        tz = pytz.timezone(self.env.user.tz or "UTC")
        dates = set()
        for visit in self:
            moment = visit.window_start or visit.planned_start
            if moment:
                dates.add(pytz.utc.localize(moment).astimezone(tz).date())
        return dates
