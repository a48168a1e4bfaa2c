import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

EXPIRING_DAYS_PARAM = "homehealth_scheduling.certification_expiring_days"
DEFAULT_EXPIRING_DAYS = 30

CERTIFICATION_STATES = [
    ("valid", "Valid"),
    ("expiring", "Expiring"),
    ("expired", "Expired"),
]


class HomehealthCertification(models.Model):
    _name = "homehealth.certification"
    _description = "Caregiver Certification"
    _order = "expiry_date, id"
    _check_company_auto = True

    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Caregiver",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    type_id = fields.Many2one(
        comodel_name="homehealth.certification.type",
        required=True,
        ondelete="restrict",
        index=True,
    )
    code = fields.Char(related="type_id.code")
    category = fields.Selection(related="type_id.category", store=True)
    number = fields.Char(help="Licence or certificate number.")
    issuing_state_id = fields.Many2one(
        comodel_name="res.country.state",
    )
    issue_date = fields.Date(
        help="First day on which the certification is valid. Leave empty when "
        "unknown: the certification then counts as valid from any date.",
    )
    expiry_date = fields.Date(
        help="Last day on which the certification is valid. Leave empty for a "
        "certification that does not expire.",
    )
    attachment = fields.Binary(string="Document", attachment=True)
    attachment_filename = fields.Char(string="Document Name")
    state = fields.Selection(
        selection=CERTIFICATION_STATES,
        compute="_compute_state",
        store=True,
        help="State on today's date. A daily scheduled action refreshes it.",
    )
    company_id = fields.Many2one(
        related="employee_id.company_id",
        store=True,
        index=True,
    )

    @api.depends("type_id.name", "number")
    def _compute_display_name(self):
        for certification in self:
            parts = [certification.type_id.name or "", certification.number or ""]
            certification.display_name = " ".join(part for part in parts if part)

    @api.depends("expiry_date")
    def _compute_state(self):
        expiring_days = self._get_expiring_days()
        for certification in self:
            today = fields.Date.context_today(certification)
            certification.state = certification._state_on(today, expiring_days)

    @api.constrains("issue_date", "expiry_date")
    def _check_dates(self):
        for certification in self:
            if (
                certification.issue_date
                and certification.expiry_date
                and certification.expiry_date < certification.issue_date
            ):
                raise ValidationError(
                    self.env._(
                        "Certification %(certification)s of %(caregiver)s expires "
                        "on %(expiry)s, before its issue date %(issue)s. Correct "
                        "one of the two dates.",
                        certification=certification.display_name,
                        caregiver=certification.employee_id.name,
                        expiry=certification.expiry_date,
                        issue=certification.issue_date,
                    )
                )

    @api.model
    def _get_expiring_days(self):
        """Return the number of days before expiry that counts as "expiring"."""
        value = (
            self.env["ir.config_parameter"].sudo().get_param(EXPIRING_DAYS_PARAM, "")
        )
        try:
            days = int(value) if value else DEFAULT_EXPIRING_DAYS
        except ValueError:
            _logger.warning(
                "Invalid value %r for %s, using %s days instead",
                value,
                EXPIRING_DAYS_PARAM,
                DEFAULT_EXPIRING_DAYS,
            )
            days = DEFAULT_EXPIRING_DAYS
        return max(days, 0)

    def _state_on(self, date, expiring_days=None):
        """Return the certification's state on ``date``.

        ``expired`` from the day after the expiry date, ``expiring`` when the
        expiry date is at most ``expiring_days`` days after ``date`` (default: the
        setting), else ``valid``. The issue date does not change the state; see
        :meth:`_is_valid_on` for whether the certification may be used on a date.
        """
        self.ensure_one()
        if expiring_days is None:
            expiring_days = self._get_expiring_days()
        date = fields.Date.to_date(date)
        if not self.expiry_date:
            return "valid"
        if date > self.expiry_date:
            return "expired"
        if self.expiry_date - date <= timedelta(days=expiring_days):
            return "expiring"
        return "valid"

    def _is_valid_on(self, date):
        """Return whether the certification may be used on ``date``.

        True from the issue date (when set) up to and including the expiry date.
        """
        self.ensure_one()
        date = fields.Date.to_date(date)
        if self.issue_date and date < self.issue_date:
            return False
        return not self.expiry_date or date <= self.expiry_date

    @api.model
    def _cron_refresh_state(self):
        """Recompute the stored state of every certification for today's date."""
        certifications = self.with_context(active_test=False).search(
            [("expiry_date", "!=", False)]
        )
        self.env.add_to_compute(self._fields["state"], certifications)
        certifications.flush_recordset(["state"])
        _logger.info("Refreshed the state of %d certifications", len(certifications))
