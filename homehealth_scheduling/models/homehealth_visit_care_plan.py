from collections import defaultdict

from odoo import api, fields, models

from .homehealth_care_plan import utc_to_local_date

# Visit fields whose change can move a visit across the payer authorization.
AUTHORIZATION_FIELDS = {
    "state",
    "planned_start",
    "window_start",
    "duration",
    "care_plan_line_id",
}


class HomehealthVisit(models.Model):
    _inherit = "homehealth.visit"

    care_plan_id = fields.Many2one(
        comodel_name="homehealth.care.plan",
        string="Plan of Care",
        index=True,
        ondelete="restrict",
        copy=False,
        check_company=True,
    )
    care_plan_line_id = fields.Many2one(
        comodel_name="homehealth.care.plan.line",
        string="Plan of Care Service",
        index=True,
        ondelete="set null",
        copy=False,
    )
    care_plan_week = fields.Integer(
        string="Plan Week",
        copy=False,
        readonly=True,
        help="Week of the frequency order (0 is the first week) that generated "
        "the visit; -1 for a PRN visit.",
    )
    care_plan_occurrence = fields.Integer(
        string="Plan Occurrence",
        copy=False,
        readonly=True,
        help="Rank of the visit within its week of the frequency order (0 is the "
        "first), or the number of a PRN visit.",
    )
    authorization_exceeded = fields.Boolean(
        compute="_compute_authorization_exceeded",
        store=True,
        help="The visit falls outside the payer authorization of its plan of care "
        "service: after its period, or beyond the authorized count.",
    )

    _sql_constraints = [
        (
            "care_plan_key_unique",
            "UNIQUE(care_plan_line_id, care_plan_week, care_plan_occurrence)",
            "A plan of care service already has a visit for this week and occurrence.",
        ),
    ]

    @api.depends(
        "state",
        "planned_start",
        "window_start",
        "duration",
        "care_plan_line_id.authorized_count",
        "care_plan_line_id.authorization_unit",
        "care_plan_line_id.authorization_start",
        "care_plan_line_id.authorization_end",
        "care_plan_line_id.visit_ids.state",
        "care_plan_line_id.visit_ids.planned_start",
        "care_plan_line_id.visit_ids.window_start",
        "care_plan_line_id.visit_ids.duration",
    )
    def _compute_authorization_exceeded(self):
        visits_by_line = defaultdict(list)
        for visit in self:
            visit.authorization_exceeded = False
            if visit.care_plan_line_id:
                visits_by_line[visit.care_plan_line_id].append(visit)
        for line, visits in visits_by_line.items():
            _used, exceeded = line._authorization_usage()
            for visit in visits:
                visit.authorization_exceeded = visit.id in exceeded

    @api.model_create_multi
    def create(self, vals_list):
        line_ids = {
            vals["care_plan_line_id"]
            for vals in vals_list
            if vals.get("care_plan_line_id")
        }
        lines = self.env["homehealth.care.plan.line"].browse(line_ids)
        flagged_before = self._care_plan_flagged_visits(lines)
        visits = super().create(vals_list)
        self._care_plan_post_new_flags(lines, flagged_before)
        return visits

    def write(self, vals):
        if not AUTHORIZATION_FIELDS & set(vals):
            return super().write(vals)
        lines = self.sudo().care_plan_line_id
        if vals.get("care_plan_line_id"):
            lines |= lines.browse(vals["care_plan_line_id"])
        flagged_before = self._care_plan_flagged_visits(lines)
        result = super().write(vals)
        self._care_plan_post_new_flags(lines, flagged_before)
        return result

    # ------------------------------------------------------------------
    # Helpers for plans of care
    # ------------------------------------------------------------------

    @api.model
    def _care_plan_flagged_visits(self, lines):
        """Return the visits of ``lines`` beyond their payer authorization."""
        if not lines:
            return self.browse()
        return (
            self.sudo()
            .search(
                [
                    ("care_plan_line_id", "in", lines.ids),
                    ("authorization_exceeded", "=", True),
                ]
            )
            .with_env(self.env)
        )

    @api.model
    def _care_plan_post_new_flags(self, lines, flagged_before):
        """Post on each plan of care the visits that newly exceed the authorization.

        The message goes out as the current user, with superuser rights because
        a caregiver who records a visit may not post on the plan.
        """
        new_flags = self._care_plan_flagged_visits(lines) - flagged_before
        for line in new_flags.sudo().care_plan_line_id:
            visits = new_flags.sudo().filtered(
                lambda visit, line=line: visit.care_plan_line_id == line
            )
            line.plan_id.message_post(body=line._authorization_note(visits))

    def _care_plan_is_free(self, first_day):
        """Return whether the plan may still change or delete the visit.

        A free visit is a draft with no caregiver, not pinned, whose window (or
        planned start) is on ``first_day`` or later in the plan's time zone.
        """
        self.ensure_one()
        if self.state != "draft" or self.pinned or self.caregiver_id:
            return False
        moment = self.window_start or self.planned_start
        if not moment:
            return True
        tz_name = self.care_plan_id._get_tz() if self.care_plan_id else "UTC"
        return utc_to_local_date(moment, tz_name) >= first_day

    def _care_plan_changed_values(self, values):
        """Return the items of ``values`` that differ from the visit's fields.

        ``values`` are the output of the plan line's ``_visit_values``, with the
        certification types as one ``Command.set``.
        """
        self.ensure_one()
        changes = {}
        for name, value in values.items():
            if name == "required_certification_type_ids":
                expected_ids = set(value[0][2])
                if expected_ids != set(self[name].ids):
                    changes[name] = value
            elif self[name] != value:
                changes[name] = value
        return changes
