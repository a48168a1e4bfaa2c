from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .hr_employee import DISCIPLINE_SELECTION

SCHEDULER_GROUP = "homehealth_scheduling.group_homehealth_scheduler"

VISIT_TYPE_SELECTION = [
    ("soc", "Start of Care (SOC)"),
    ("roc", "Resumption of Care (ROC)"),
    ("recert", "Recertification"),
    ("routine", "Routine"),
    ("prn", "As Needed (PRN)"),
    ("discharge", "Discharge"),
]

VISIT_STATE_SELECTION = [
    ("draft", "Draft"),
    ("planned", "Planned"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("missed", "Missed"),
    ("cancelled", "Cancelled"),
]

# Fields a caregiver who is not a scheduler may write on their own visits:
# electronic visit verification (check-in and check-out), the state changes
# that come with it, and visit notes.
CAREGIVER_WRITABLE_FIELDS = {
    "state",
    "missed_reason",
    "notes",
    "check_in_time",
    "check_in_latitude",
    "check_in_longitude",
    "check_out_time",
    "check_out_latitude",
    "check_out_longitude",
}


class HomehealthVisit(models.Model):
    _name = "homehealth.visit"
    _description = "Home Health Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_start, route_sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    patient_id = fields.Many2one(
        comodel_name="res.partner",
        required=True,
        index=True,
        domain=[("is_patient", "=", True)],
        check_company=True,
        tracking=True,
    )
    discipline = fields.Selection(
        selection=DISCIPLINE_SELECTION,
        required=True,
        tracking=True,
    )
    visit_type = fields.Selection(
        selection=VISIT_TYPE_SELECTION,
        required=True,
        default="routine",
    )
    required_certification_type_ids = fields.Many2many(
        comodel_name="homehealth.certification.type",
        relation="homehealth_visit_certification_type_rel",
        column1="visit_id",
        column2="type_id",
        string="Required Certifications",
    )
    caregiver_id = fields.Many2one(
        comodel_name="hr.employee",
        index=True,
        domain=[("is_caregiver", "=", True)],
        check_company=True,
        tracking=True,
    )
    caregiver_user_id = fields.Many2one(
        comodel_name="res.users",
        related="caregiver_id.user_id",
        string="Caregiver User",
        store=True,
        index=True,
    )
    planned_start = fields.Datetime(tracking=True)
    duration = fields.Float(
        default=1.0,
        help="Planned length of the visit in hours.",
    )
    planned_end = fields.Datetime(
        compute="_compute_planned_end",
        inverse="_inverse_planned_end",
        store=True,
        readonly=False,
        tracking=True,
    )
    window_start = fields.Datetime(
        help="Earliest start the patient accepts.",
    )
    window_end = fields.Datetime(
        help="Latest start the patient accepts.",
    )
    state = fields.Selection(
        selection=VISIT_STATE_SELECTION,
        required=True,
        default="draft",
        copy=False,
        tracking=True,
    )
    missed_reason = fields.Text(copy=False)
    pinned = fields.Boolean(
        help="Route planning keeps the caregiver and times of a pinned visit.",
    )
    route_sequence = fields.Integer(
        copy=False,
        help="Position of the visit in the caregiver's route of the day.",
    )
    travel_time_from_previous = fields.Float(
        string="Travel Time (min)",
        copy=False,
        help="Minutes of travel from the previous stop of the route.",
    )
    travel_distance_from_previous = fields.Float(
        string="Travel Distance (km)",
        copy=False,
        help="Kilometres of travel from the previous stop of the route.",
    )
    check_in_time = fields.Datetime(copy=False, readonly=True)
    check_out_time = fields.Datetime(copy=False, readonly=True)
    check_in_latitude = fields.Float(digits=(10, 7), copy=False, readonly=True)
    check_in_longitude = fields.Float(digits=(10, 7), copy=False, readonly=True)
    check_out_latitude = fields.Float(digits=(10, 7), copy=False, readonly=True)
    check_out_longitude = fields.Float(digits=(10, 7), copy=False, readonly=True)
    notes = fields.Text()
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    color = fields.Integer(related="caregiver_id.caregiver_color")
    service_area_id = fields.Many2one(
        related="patient_id.service_area_id",
        store=True,
        index=True,
    )
    workload_points = fields.Integer(
        default=1,
        help="Effort of the visit, counted against the caregiver's maximum "
        "workload per day.",
    )
    patient_needs_geocode_review = fields.Boolean(
        related="patient_id.needs_geocode_review",
        string="Patient Needs Geocode Review",
    )
    # The default covers new records, for which the form's onchange does not run a
    # compute method that depends on no field.
    user_is_scheduler = fields.Boolean(
        compute="_compute_user_is_scheduler",
        default=lambda self: self.env.user.has_group(SCHEDULER_GROUP),
    )

    @api.depends("planned_start", "duration")
    def _compute_planned_end(self):
        for visit in self:
            if visit.planned_start:
                visit.planned_end = visit.planned_start + timedelta(
                    hours=visit.duration
                )
            else:
                visit.planned_end = False

    def _inverse_planned_end(self):
        for visit in self:
            if visit.planned_start and visit.planned_end:
                delta = visit.planned_end - visit.planned_start
                visit.duration = delta.total_seconds() / 3600

    @api.depends_context("uid")
    def _compute_user_is_scheduler(self):
        is_scheduler = self.env.user.has_group(SCHEDULER_GROUP)
        for visit in self:
            visit.user_is_scheduler = is_scheduler

    @api.constrains("window_start", "window_end")
    def _check_window(self):
        for visit in self:
            if (
                visit.window_start
                and visit.window_end
                and visit.window_end < visit.window_start
            ):
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the window ends (%(end)s) before it starts "
                        "(%(start)s). Correct the window start or end.",
                        visit=visit.name,
                        start=visit.window_start,
                        end=visit.window_end,
                    )
                )

    @api.constrains("planned_start", "planned_end", "duration")
    def _check_planned_times(self):
        for visit in self:
            if visit.duration <= 0:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s has a duration of %(duration)s hours. Enter "
                        "a positive duration.",
                        visit=visit.name,
                        duration=visit.duration,
                    )
                )
            if (
                visit.planned_start
                and visit.planned_end
                and visit.planned_end <= visit.planned_start
            ):
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the planned end (%(end)s) is not after the "
                        "planned start (%(start)s). Correct the planned end or the "
                        "duration.",
                        visit=visit.name,
                        start=visit.planned_start,
                        end=visit.planned_end,
                    )
                )

    @api.constrains("state", "caregiver_id", "planned_start")
    def _check_assignment(self):
        for visit in self:
            if visit.state not in ("planned", "in_progress", "done"):
                continue
            if not visit.caregiver_id:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s is %(state)s but has no caregiver. Assign "
                        "a caregiver or set the visit back to draft.",
                        visit=visit.name,
                        state=visit._state_label(),
                    )
                )
            if not visit.planned_start:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s is %(state)s but has no planned start. "
                        "Enter the planned start or set the visit back to draft.",
                        visit=visit.name,
                        state=visit._state_label(),
                    )
                )

    @api.constrains("check_in_time", "check_out_time")
    def _check_evv_times(self):
        for visit in self:
            if (
                visit.check_in_time
                and visit.check_out_time
                and visit.check_out_time < visit.check_in_time
            ):
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the check-out (%(check_out)s) is before "
                        "the check-in (%(check_in)s).",
                        visit=visit.name,
                        check_in=visit.check_in_time,
                        check_out=visit.check_out_time,
                    )
                )

    def _state_label(self):
        self.ensure_one()
        return dict(VISIT_STATE_SELECTION)[self.state]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("homehealth.visit") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(SCHEDULER_GROUP):
            forbidden = set(vals) - CAREGIVER_WRITABLE_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "Only schedulers can change %(fields)s on visits "
                        "%(visits)s. Caregivers record check-in, check-out, missed "
                        "visits and notes.",
                        fields=", ".join(sorted(forbidden)),
                        visits=", ".join(self.mapped("name")),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_user_is_scheduler(self):
        if not self.env.su and not self.env.user.has_group(SCHEDULER_GROUP):
            raise AccessError(
                self.env._(
                    "Only home health schedulers can do this on visits %(visits)s.",
                    visits=", ".join(self.mapped("name")),
                )
            )

    def _check_user_is_caregiver_or_scheduler(self):
        """Raise unless the user is a scheduler or every visit's caregiver."""
        if self.env.su or self.env.user.has_group(SCHEDULER_GROUP):
            return
        for visit in self:
            if visit.sudo().caregiver_id.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Visit %(visit)s is assigned to another caregiver. Only its "
                        "caregiver or a scheduler can record it.",
                        visit=visit.name,
                    )
                )

    def _check_state(self, allowed_states, action_label):
        for visit in self:
            if visit.state not in allowed_states:
                allowed = ", ".join(
                    dict(VISIT_STATE_SELECTION)[state] for state in allowed_states
                )
                raise UserError(
                    self.env._(
                        "Cannot %(action)s visit %(visit)s because it is "
                        "%(state)s. This is possible only for visits in state: "
                        "%(allowed)s.",
                        action=action_label,
                        visit=visit.name,
                        state=visit._state_label(),
                        allowed=allowed,
                    )
                )

    def _validate_position(self, latitude, longitude):
        """Return (latitude, longitude) as floats, or (0.0, 0.0) when not given.

        :raise UserError: for a half-given, out-of-range or (0, 0) position
        """
        if latitude is None and longitude is None:
            return 0.0, 0.0
        if latitude is None or longitude is None:
            raise UserError(
                self.env._(
                    "Give both the latitude and the longitude of the position, or none."
                )
            )
        latitude = float(latitude)
        longitude = float(longitude)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise UserError(
                self.env._(
                    "The position (%(latitude)s, %(longitude)s) is invalid: the "
                    "latitude must lie between -90 and 90 and the longitude "
                    "between -180 and 180.",
                    latitude=latitude,
                    longitude=longitude,
                )
            )
        if latitude == 0 and longitude == 0:
            raise UserError(
                self.env._(
                    "The position (0, 0) is not a real location. Record the "
                    "visit without a position when the device has none."
                )
            )
        return latitude, longitude

    def action_plan(self):
        """Confirm draft visits as planned (caregiver and start required)."""
        self._check_user_is_scheduler()
        self._check_state(["draft"], self.env._("plan"))
        self.write({"state": "planned"})
        return True

    def action_check_in(self, latitude=None, longitude=None):
        """Record the caregiver's arrival (EVV start time and location)."""
        self._check_user_is_caregiver_or_scheduler()
        self._check_state(["planned"], self.env._("check in to"))
        latitude, longitude = self._validate_position(latitude, longitude)
        self.write(
            {
                "state": "in_progress",
                "check_in_time": fields.Datetime.now(),
                "check_in_latitude": latitude,
                "check_in_longitude": longitude,
            }
        )
        return True

    def action_check_out(self, latitude=None, longitude=None):
        """Record the caregiver's departure (EVV end time and location)."""
        self._check_user_is_caregiver_or_scheduler()
        self._check_state(["in_progress"], self.env._("check out of"))
        latitude, longitude = self._validate_position(latitude, longitude)
        self.write(
            {
                "state": "done",
                "check_out_time": fields.Datetime.now(),
                "check_out_latitude": latitude,
                "check_out_longitude": longitude,
            }
        )
        return True

    def action_mark_missed(self):
        """Open the dialog that records why the visits were missed."""
        self._check_user_is_caregiver_or_scheduler()
        self._check_state(["draft", "planned"], self.env._("mark as missed"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as Missed"),
            "res_model": "homehealth.visit.mark.missed",
            "view_mode": "form",
            "target": "new",
            "context": {"default_visit_ids": self.ids},
        }

    def _mark_missed(self, reason):
        """Set the visits to missed with ``reason``."""
        self._check_user_is_caregiver_or_scheduler()
        self._check_state(["draft", "planned"], self.env._("mark as missed"))
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Enter the reason why visits %(visits)s were missed.",
                    visits=", ".join(self.mapped("name")),
                )
            )
        self.write({"state": "missed", "missed_reason": reason.strip()})
        return True

    def action_cancel(self):
        self._check_user_is_scheduler()
        self._check_state(
            ["draft", "planned", "in_progress", "missed"], self.env._("cancel")
        )
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self._check_user_is_scheduler()
        self._check_state(
            ["planned", "missed", "cancelled"], self.env._("reset to draft")
        )
        self.write({"state": "draft", "missed_reason": False})
        return True
