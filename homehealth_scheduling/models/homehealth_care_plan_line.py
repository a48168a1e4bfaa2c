import math
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .frequency import FrequencyError, parse_frequency, schedule_occurrences
from .homehealth_care_plan import local_to_utc, utc_to_local_date
from .homehealth_visit import VISIT_TYPE_SELECTION
from .hr_employee import DISCIPLINE_SELECTION

WEEKDAY_FIELDS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
# ``care_plan_week`` of PRN visits, which belong to no week of the order.
PRN_WEEK = -1
MINUTES_PER_UNIT = 15
AUTHORIZATION_UNIT_SELECTION = [
    ("visit", "Visits"),
    ("unit", "15-Minute Units"),
]
# Visit states that count against the frequency and the authorization.
COUNTED_STATES = ("draft", "planned", "in_progress", "done")
# Changing one of these fields can move visits across the payer authorization.
AUTHORIZATION_FIELDS = {
    "authorized_count",
    "authorization_unit",
    "authorization_start",
    "authorization_end",
}
# Changing one of these fields on a line of an active plan updates its visits.
SYNC_FIELDS = {
    "discipline",
    "visit_type",
    "required_certification_type_ids",
    "duration",
    "window_start_time",
    "window_end_time",
    "frequency",
    "start_date",
    "workload_points",
    *WEEKDAY_FIELDS,
}


class HomehealthCarePlanLine(models.Model):
    _name = "homehealth.care.plan.line"
    _description = "Plan of Care Service"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        comodel_name="homehealth.care.plan",
        string="Plan of Care",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    patient_id = fields.Many2one(related="plan_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan State")
    discipline = fields.Selection(selection=DISCIPLINE_SELECTION, required=True)
    visit_type = fields.Selection(
        selection=VISIT_TYPE_SELECTION,
        required=True,
        default="routine",
    )
    required_certification_type_ids = fields.Many2many(
        comodel_name="homehealth.certification.type",
        relation="homehealth_care_plan_line_certification_type_rel",
        column1="line_id",
        column2="type_id",
        string="Required Certifications",
    )
    duration = fields.Float(
        default=1.0,
        help="Length of each visit in hours.",
    )
    window_start_time = fields.Float(
        string="Earliest Start",
        default=9.0,
        help="Earliest start of each visit, in hours after local midnight in the "
        "patient's time zone (9.5 is 09:30).",
    )
    window_end_time = fields.Float(
        string="Latest Start",
        default=17.0,
        help="Latest start of each visit, in hours after local midnight. A value "
        "below the earliest start means the window runs past midnight.",
    )
    monday = fields.Boolean(default=True)
    tuesday = fields.Boolean(default=True)
    wednesday = fields.Boolean(default=True)
    thursday = fields.Boolean(default=True)
    friday = fields.Boolean(default=True)
    saturday = fields.Boolean()
    sunday = fields.Boolean()
    frequency = fields.Char(
        required=True,
        help='Visits a week over a number of weeks, as ordered: "3W4" is three a '
        'week for four weeks, "2W3, 1W6" two a week for three weeks then one a '
        'week for six, "1-3W6" one to three a week for six weeks (the lower bound '
        'is scheduled, the upper bound is the allowance), "2 PRN" two visits as '
        "needed, added with the Add PRN Visit button.",
    )
    start_date = fields.Date(
        string="Order Start",
        help="First day of week 1 of the frequency. Leave empty to start with the "
        "plan of care.",
    )
    workload_points = fields.Integer(
        default=1,
        help="Workload points of each visit, counted against the caregiver's "
        "maximum workload per day.",
    )
    visit_ids = fields.One2many(
        comodel_name="homehealth.visit",
        inverse_name="care_plan_line_id",
        string="Visits",
    )
    scheduled_visit_count = fields.Integer(
        string="Scheduled Visits",
        compute="_compute_frequency_counts",
        help="Visits that the frequency schedules: the lower bound of each week.",
    )
    allowed_visit_count = fields.Integer(
        string="Allowed Visits",
        compute="_compute_frequency_counts",
        help="Visits that the frequency allows: the upper bound of each week. "
        "Visits above the scheduled ones are added by hand.",
    )
    unscheduled_visit_count = fields.Integer(
        string="Visits After Plan End",
        compute="_compute_frequency_counts",
        help="Scheduled visits that fall after the end of the plan of care and are "
        "therefore not generated.",
    )
    prn_visit_count = fields.Integer(
        string="PRN Visits",
        compute="_compute_frequency_counts",
    )
    prn_used_count = fields.Integer(
        string="PRN Visits Used",
        compute="_compute_prn_used_count",
    )
    prn_remaining_count = fields.Integer(
        string="PRN Visits Left",
        compute="_compute_prn_used_count",
    )
    authorized_count = fields.Integer(
        string="Authorized",
        help="Visits or units that the payer authorized for the authorization "
        "period. 0 means no authorization is tracked.",
    )
    authorization_unit = fields.Selection(
        selection=AUTHORIZATION_UNIT_SELECTION,
        default="visit",
        required=True,
        help="What the authorized count counts: visits, or 15-minute units of "
        "visit time (a visit uses its duration rounded up to whole units).",
    )
    authorization_start = fields.Date(
        help="First day covered by the authorization. Leave empty for no limit."
    )
    authorization_end = fields.Date(
        help="Last day covered by the authorization. Leave empty for no limit."
    )
    authorization_used = fields.Integer(
        compute="_compute_authorization",
        help="Visits or units of the service's visits within the authorization "
        "period, not counting cancelled and missed visits.",
    )
    authorization_remaining = fields.Integer(
        string="Authorization Left",
        compute="_compute_authorization",
        help="Authorized minus used; negative when the visits exceed the "
        "authorization.",
    )
    authorization_exceeded = fields.Boolean(
        compute="_compute_authorization",
        help="A visit of the service falls outside the authorization period or "
        "beyond the authorized count.",
    )

    @api.depends("discipline", "visit_type", "frequency")
    def _compute_display_name(self):
        disciplines = dict(DISCIPLINE_SELECTION)
        visit_types = dict(VISIT_TYPE_SELECTION)
        for line in self:
            parts = [
                disciplines.get(line.discipline, ""),
                visit_types.get(line.visit_type, ""),
                line.frequency or "",
            ]
            line.display_name = " ".join(part for part in parts if part)

    @api.depends(
        "frequency",
        "start_date",
        "plan_id.start_date",
        "plan_id.end_date",
        *WEEKDAY_FIELDS,
    )
    def _compute_frequency_counts(self):
        for line in self:
            frequency = line._parsed_frequency(raise_error=False)
            if frequency is None:
                line.scheduled_visit_count = 0
                line.allowed_visit_count = 0
                line.prn_visit_count = 0
                line.unscheduled_visit_count = 0
                continue
            line.scheduled_visit_count = frequency.min_visits
            line.allowed_visit_count = frequency.max_visits
            line.prn_visit_count = frequency.prn_visits
            line.unscheduled_visit_count = 0
            if line.plan_id.end_date and line._first_week_start():
                _occurrences, shortfalls = line._schedule()
                line.unscheduled_visit_count = sum(
                    shortfall.missing for shortfall in shortfalls
                )

    @api.depends("frequency", "visit_ids.state", "visit_ids.care_plan_week")
    def _compute_prn_used_count(self):
        for line in self:
            used = len(
                line.visit_ids.filtered(
                    lambda visit: (
                        visit.care_plan_week == PRN_WEEK
                        and visit.state in COUNTED_STATES
                    )
                )
            )
            line.prn_used_count = used
            line.prn_remaining_count = max(line.prn_visit_count - used, 0)

    @api.depends(
        "authorized_count",
        "authorization_unit",
        "authorization_start",
        "authorization_end",
        "visit_ids.state",
        "visit_ids.planned_start",
        "visit_ids.window_start",
        "visit_ids.duration",
    )
    def _compute_authorization(self):
        for line in self:
            used, exceeded = line._authorization_usage()
            line.authorization_used = used
            line.authorization_remaining = (
                line.authorized_count - used if line.authorized_count else 0
            )
            line.authorization_exceeded = bool(exceeded)

    @api.constrains("frequency")
    def _check_frequency(self):
        for line in self:
            try:
                parse_frequency(line.frequency)
            except FrequencyError as error:
                raise ValidationError(
                    self.env._(
                        "Service %(service)s of plan of care %(plan)s: %(error)s",
                        service=line.display_name,
                        plan=line.plan_id.display_name,
                        error=str(error),
                    )
                ) from error

    @api.constrains("duration", "window_start_time", "window_end_time")
    def _check_times(self):
        for line in self:
            if line.duration <= 0:
                raise ValidationError(
                    self.env._(
                        "Service %(service)s of plan of care %(plan)s has a duration "
                        "of %(duration)s hours. Enter a positive duration.",
                        service=line.display_name,
                        plan=line.plan_id.display_name,
                        duration=line.duration,
                    )
                )
            for value in (line.window_start_time, line.window_end_time):
                if not 0 <= value <= 24:
                    raise ValidationError(
                        self.env._(
                            "Service %(service)s of plan of care %(plan)s has a "
                            "window time of %(value)s hours. Enter a time between "
                            "00:00 and 24:00.",
                            service=line.display_name,
                            plan=line.plan_id.display_name,
                            value=value,
                        )
                    )

    @api.constrains("authorized_count", "authorization_start", "authorization_end")
    def _check_authorization(self):
        for line in self:
            if line.authorized_count < 0:
                raise ValidationError(
                    self.env._(
                        "Service %(service)s of plan of care %(plan)s has a negative "
                        "authorized count. Enter 0 for no authorization or the "
                        "number the payer authorized.",
                        service=line.display_name,
                        plan=line.plan_id.display_name,
                    )
                )
            if (
                line.authorization_start
                and line.authorization_end
                and line.authorization_end < line.authorization_start
            ):
                raise ValidationError(
                    self.env._(
                        "Service %(service)s of plan of care %(plan)s: the "
                        "authorization ends on %(end)s, before it starts on "
                        "%(start)s. Correct one of the two dates.",
                        service=line.display_name,
                        plan=line.plan_id.display_name,
                        start=line.authorization_start,
                        end=line.authorization_end,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._sync_active_plans()
        return lines

    def write(self, vals):
        Visit = self.env["homehealth.visit"]
        authorization_changed = bool(AUTHORIZATION_FIELDS & set(vals))
        if authorization_changed:
            flagged_before = Visit._care_plan_flagged_visits(self)
        result = super().write(vals)
        if authorization_changed:
            Visit._care_plan_post_new_flags(self, flagged_before)
        if SYNC_FIELDS & set(vals):
            self._sync_active_plans()
        return result

    def unlink(self):
        for line in self:
            if line.plan_id.state != "active":
                continue
            today = line.plan_id._today()
            line._remove_free_visits(
                line.visit_ids.filtered(
                    lambda visit, today=today: visit._care_plan_is_free(today)
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------
    # Frequency and dates
    # ------------------------------------------------------------------

    def _parsed_frequency(self, raise_error=True):
        """Return the parsed frequency, or None for an invalid one unless raising."""
        self.ensure_one()
        try:
            return parse_frequency(self.frequency)
        except FrequencyError:
            if raise_error:
                raise
            return None

    def _first_week_start(self):
        self.ensure_one()
        return self.start_date or self.plan_id.start_date

    def _weekday_numbers(self):
        """Return the preferred weekdays, Monday = 0."""
        self.ensure_one()
        return {index for index, name in enumerate(WEEKDAY_FIELDS) if self[name]}

    def _schedule(self):
        """Return the occurrences and shortfalls of the line over the whole plan."""
        self.ensure_one()
        return schedule_occurrences(
            self._parsed_frequency(),
            self._first_week_start(),
            self.plan_id.end_date,
            self._weekday_numbers(),
        )

    def _window_utc(self, day, tz_name):
        """Return the visit window of ``day`` as naive UTC datetimes.

        A latest start below the earliest start belongs to the next day.
        """
        self.ensure_one()
        window_start = local_to_utc(day, self.window_start_time, tz_name)
        end_day = day
        if self.window_end_time < self.window_start_time:
            end_day = day + timedelta(days=1)
        window_end = local_to_utc(end_day, self.window_end_time, tz_name)
        return window_start, window_end

    def _visit_values(self, day, tz_name):
        """Return the values of the line's visit on ``day``, keys excluded."""
        self.ensure_one()
        window_start, window_end = self._window_utc(day, tz_name)
        return {
            "discipline": self.discipline,
            "visit_type": self.visit_type,
            "required_certification_type_ids": [
                Command.set(self.required_certification_type_ids.ids)
            ],
            "duration": self.duration,
            "window_start": window_start,
            "window_end": window_end,
            "workload_points": self.workload_points,
        }

    # ------------------------------------------------------------------
    # Visit generation
    # ------------------------------------------------------------------

    def _sync_active_plans(self):
        """Bring the visits of lines whose plan is active up to date."""
        plans = self.plan_id.filtered(lambda plan: plan.state == "active")
        horizon_days = 7 * plans._get_horizon_weeks() if plans else 0
        for line in self.filtered(lambda line: line.plan_id in plans):
            first_day = line.plan_id._today()
            line._sync_visits(first_day, first_day + timedelta(days=horizon_days))

    def _sync_visits(self, first_day, horizon_end):
        """Create, update and remove the line's scheduled visits.

        Occurrences on days from ``first_day`` up to ``horizon_end`` (excluded)
        get a visit when they have none. Free visits (draft, unpinned, without
        caregiver, not in the past) follow the line. When the line no longer
        produces an occurrence, its visit is deleted only while it is free.

        :return: dict with the numbers of visits ``created``, ``updated`` and
            ``removed``
        """
        self.ensure_one()
        plan = self.plan_id
        tz_name = plan._get_tz()
        occurrences, _shortfalls = self._schedule()
        scheduled = {
            (occurrence.week_index, occurrence.occurrence_index): occurrence.date
            for occurrence in occurrences
        }
        Visit = self.env["homehealth.visit"]
        existing = {
            (visit.care_plan_week, visit.care_plan_occurrence): visit
            for visit in self.visit_ids
            if visit.care_plan_week != PRN_WEEK
        }
        result = {"created": 0, "updated": 0, "removed": 0}

        to_create = []
        for key, day in sorted(scheduled.items(), key=lambda item: item[1]):
            values = self._visit_values(day, tz_name)
            visit = existing.get(key)
            if visit:
                if visit._care_plan_is_free(first_day):
                    changes = visit._care_plan_changed_values(values)
                    if changes:
                        visit.write(changes)
                        result["updated"] += 1
                continue
            if first_day <= day < horizon_end:
                to_create.append(
                    dict(
                        values,
                        patient_id=plan.patient_id.id,
                        company_id=plan.company_id.id,
                        care_plan_id=plan.id,
                        care_plan_line_id=self.id,
                        care_plan_week=key[0],
                        care_plan_occurrence=key[1],
                    )
                )
        if to_create:
            Visit.create(to_create)
            result["created"] = len(to_create)

        obsolete = Visit.browse(
            visit.id
            for key, visit in existing.items()
            if key not in scheduled and visit._care_plan_is_free(first_day)
        )
        result["removed"] = self._remove_free_visits(obsolete)
        return result

    def _remove_free_visits(self, visits):
        """Delete the draft visits among ``visits``, which the plan generated.

        Schedulers may not delete visits in general, but these drafts exist only
        because of the plan, so changing the plan removes them as superuser.

        :return: number of visits deleted
        """
        visits = visits.filtered(lambda visit: visit.state == "draft")
        count = len(visits)
        if visits:
            visits.sudo().unlink()
        return count

    # ------------------------------------------------------------------
    # PRN visits
    # ------------------------------------------------------------------

    def action_add_prn_visit(self):
        """Create one PRN visit of the line and open it for scheduling."""
        self.ensure_one()
        self._check_can_add_prn_visit()
        plan = self.plan_id
        tz_name = plan._get_tz()
        day = plan._today()
        window_start, _window_end = self._window_utc(day, tz_name)
        if window_start < fields.Datetime.now():
            # Today's window has started already, so offer tomorrow's.
            day += timedelta(days=1)

        occurrences = self.visit_ids.filtered(
            lambda visit: visit.care_plan_week == PRN_WEEK
        ).mapped("care_plan_occurrence")
        values = dict(
            self._visit_values(day, tz_name),
            visit_type="prn",
            patient_id=plan.patient_id.id,
            company_id=plan.company_id.id,
            care_plan_id=plan.id,
            care_plan_line_id=self.id,
            care_plan_week=PRN_WEEK,
            care_plan_occurrence=max(occurrences, default=-1) + 1,
        )
        visit = self.env["homehealth.visit"].create(values)

        return {
            "type": "ir.actions.act_window",
            "res_model": "homehealth.visit",
            "res_id": visit.id,
            "view_mode": "form",
            "target": "current",
        }

    def _check_can_add_prn_visit(self):
        self.ensure_one()
        plan = self.plan_id
        if plan.state != "active":
            raise UserError(
                self.env._(
                    "Plan of care %(plan)s is not active. Activate it before adding "
                    "PRN visits.",
                    plan=plan.display_name,
                )
            )
        if self.prn_remaining_count <= 0:
            raise UserError(
                self.env._(
                    "Service %(service)s has used all of its %(count)s PRN visits. "
                    'Raise the PRN count in its frequency (for example "2 PRN") to '
                    "add more.",
                    service=self.display_name,
                    count=self.prn_visit_count,
                )
            )

    # ------------------------------------------------------------------
    # Authorization
    # ------------------------------------------------------------------

    def _visit_units(self, visit):
        """Return what ``visit`` uses of the authorization."""
        if self.authorization_unit == "unit":
            minutes = round(visit.duration * 60)
            return math.ceil(minutes / MINUTES_PER_UNIT)
        return 1

    def _authorization_usage(self):
        """Return the used amount and the visits beyond the authorization.

        Visits count in date order (their planned start, else their window
        start, as a date in the plan's time zone), then by id. A visit is beyond
        the authorization when its date falls outside the period, or when the
        running total with it exceeds the authorized count.

        :return: ``(used, {visit id: reason})`` where reason is ``"period"`` or
            ``"count"``; ``(0, {})`` when the line tracks no authorization
        """
        self.ensure_one()
        if not self.authorized_count:
            return 0, {}
        tz_name = self.plan_id._get_tz()
        dated = []
        for visit in self.visit_ids:
            if visit.state not in COUNTED_STATES:
                continue
            moment = visit.planned_start or visit.window_start
            if not moment:
                continue
            dated.append((utc_to_local_date(moment, tz_name), visit.id, visit))
        dated.sort(key=lambda item: item[:2])

        used = 0
        exceeded = {}
        for day, visit_id, visit in dated:
            if (self.authorization_start and day < self.authorization_start) or (
                self.authorization_end and day > self.authorization_end
            ):
                exceeded[visit_id] = "period"
                continue
            used += self._visit_units(visit)
            if used > self.authorized_count:
                exceeded[visit_id] = "count"
        return used, exceeded

    def _authorization_note(self, visits=None):
        """Return a sentence about the authorization for the plan's chatter."""
        self.ensure_one()
        unit = dict(AUTHORIZATION_UNIT_SELECTION)[self.authorization_unit].lower()
        period = self.env._(
            "from %(start)s to %(end)s",
            start=self.authorization_start or self.env._("any date"),
            end=self.authorization_end or self.env._("any date"),
        )
        if visits is None:
            _used, exceeded = self._authorization_usage()
            visits = self.visit_ids.filtered(lambda visit: visit.id in exceeded)
        return self.env._(
            "Service %(service)s: visits %(visits)s fall outside the payer "
            "authorization (%(authorized)s %(unit)s authorized %(period)s, "
            "%(used)s used).",
            service=self.display_name,
            visits=", ".join(visits.mapped("name")),
            authorized=self.authorized_count,
            unit=unit,
            period=period,
            used=self.authorization_used,
        )
