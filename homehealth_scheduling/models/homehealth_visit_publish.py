"""Publishing a plan: tell each caregiver what changed in their days.

Each visit stores the caregiver and times that were last published. Publishing
compares them with the current plan, sends every caregiver whose days changed
one message listing the visits added to, removed from and moved within their
days, and then stores the current plan as the published one.
"""

import logging
from collections import defaultdict
from datetime import datetime

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .homehealth_visit import SCHEDULER_GROUP
from .homehealth_visit_route_map import ROUTE_STATES

_logger = logging.getLogger(__name__)

NOTIFY_PATIENTS_PARAM = "homehealth_scheduling.publish_notify_patients"

# Kinds of change a caregiver is notified of, in message order.
CHANGE_KINDS = ("added", "moved", "removed")


class HomehealthVisit(models.Model):
    _inherit = "homehealth.visit"

    published_caregiver_id = fields.Many2one(
        comodel_name="hr.employee",
        readonly=True,
        copy=False,
        help="Caregiver who was notified of this visit when the plan was last "
        "published. Empty when the visit was on nobody's route.",
    )
    published_start = fields.Datetime(readonly=True, copy=False)
    published_end = fields.Datetime(readonly=True, copy=False)
    published_on = fields.Datetime(
        string="Last Published On",
        readonly=True,
        copy=False,
    )
    publish_pending = fields.Boolean(
        string="Changed Since Published",
        compute="_compute_publish_pending",
        store=True,
        help="The caregiver or times differ from what was last published, so "
        "the next publication notifies the caregivers concerned.",
    )

    @api.depends(
        "caregiver_id",
        "planned_start",
        "planned_end",
        "state",
        "published_caregiver_id",
        "published_start",
        "published_end",
    )
    def _compute_publish_pending(self):
        for visit in self:
            visit.publish_pending = (
                visit._publish_current_slot() != visit._publish_published_slot()
            )

    def _publish_current_slot(self):
        """Return (caregiver, start, end) of the visit's route stop, or None."""
        self.ensure_one()
        if (
            self.caregiver_id
            and self.planned_start
            and self.planned_end
            and self.state in ROUTE_STATES
        ):
            return (self.caregiver_id, self.planned_start, self.planned_end)
        return None

    def _publish_published_slot(self):
        """Return (caregiver, start, end) as last published, or None."""
        self.ensure_one()
        if self.published_caregiver_id and self.published_start:
            return (
                self.published_caregiver_id,
                self.published_start,
                self.published_end,
            )
        return None

    def _publish_times_changed(self):
        """Return whether the start or end differs from the published one.

        A visit taken off every route counts as changed when it was published.
        """
        self.ensure_one()
        current = self._publish_current_slot()
        published = self._publish_published_slot()
        current_times = current[1:] if current else None
        published_times = published[1:] if published else None
        return current_times != published_times

    def _publish_changes(self):
        """Return the changes to publish, grouped by caregiver.

        :return: dict mapping each ``hr.employee`` to a list of
            ``(kind, visit, old_slot, new_slot)`` where kind is ``added``,
            ``moved`` or ``removed`` and slots are ``(caregiver, start, end)``
            or None
        """
        changes = defaultdict(list)
        for visit in self:
            current = visit._publish_current_slot()
            published = visit._publish_published_slot()
            if current == published:
                continue
            if current and published and current[0] == published[0]:
                changes[current[0]].append(("moved", visit, published, current))
                continue
            if published:
                changes[published[0]].append(("removed", visit, published, None))
            if current:
                changes[current[0]].append(("added", visit, None, current))
        return changes

    @staticmethod
    def _publish_format_slot(slot, tz):
        _caregiver, start, end = slot
        local_start = pytz.utc.localize(start).astimezone(tz)
        local_end = pytz.utc.localize(end).astimezone(tz)
        return f"{local_start:%a %d %b %H:%M}-{local_end:%H:%M}"

    @api.model
    def _publish_caregiver_body(self, caregiver, changes):
        """Return the HTML message telling ``caregiver`` about ``changes``."""
        tz = pytz.timezone(caregiver.tz or self.env.user.tz or "UTC")
        headings = {
            "added": self.env._("Added to your schedule"),
            "moved": self.env._("Moved"),
            "removed": self.env._("Removed from your schedule"),
        }
        body = Markup("<p>%s</p>") % self.env._(
            "Your schedule changed (times in %(timezone)s):", timezone=tz.zone
        )
        for kind in CHANGE_KINDS:
            entries = sorted(
                (change for change in changes if change[0] == kind),
                key=lambda change: (change[3] or change[2])[1],
            )
            if not entries:
                continue
            items = Markup()
            for _kind, visit, old_slot, new_slot in entries:
                patient = visit.patient_id.sudo().name
                if kind == "moved":
                    when = self.env._(
                        "%(old)s, now %(new)s",
                        old=self._publish_format_slot(old_slot, tz),
                        new=self._publish_format_slot(new_slot, tz),
                    )
                else:
                    when = self._publish_format_slot(new_slot or old_slot, tz)
                items += Markup("<li>%s %s: %s</li>") % (visit.name, patient, when)
            body += Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
                headings[kind],
                items,
            )
        return body

    @api.model
    def _publish_notify_patients(self, visits):
        """Send each patient one message about their visits that changed."""
        by_patient = defaultdict(list)
        for visit in visits:
            by_patient[visit.patient_id].append(visit)
        for patient, patient_visits in by_patient.items():
            tz = pytz.timezone(patient.tz or self.env.user.tz or "UTC")
            items = Markup()
            ordered = sorted(
                patient_visits,
                key=lambda v: (
                    v.planned_start or v.published_start or datetime.min,
                    v.id,
                ),
            )
            for visit in ordered:
                current = visit._publish_current_slot()
                if current:
                    line = self.env._(
                        "%(when)s (%(discipline)s)",
                        when=self._publish_format_slot(current, tz),
                        discipline=dict(
                            visit._fields["discipline"]._description_selection(self.env)
                        ).get(visit.discipline),
                    )
                else:
                    line = self.env._(
                        "The visit of %(when)s is cancelled or not yet rescheduled.",
                        when=self._publish_format_slot(
                            visit._publish_published_slot(), tz
                        ),
                    )
                items += Markup("<li>%s</li>") % line
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("The times of your home health visits changed:"),
                items,
            )
            patient.sudo().message_post(
                body=body,
                subject=self.env._("Your home health visits"),
                partner_ids=patient.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.env.user.partner_id.id,
            )

    def _homehealth_publish(self):
        """Notify the caregivers of what changed in ``self`` and publish it.

        Each caregiver whose days changed gets one message on their employee
        record, sent to their user (or work contact). Caregivers without a
        change get nothing. Patients get a message only when the "Notify
        Patients of Changed Visits" setting is on.

        :return: dict with ``notified`` (caregivers messaged), ``unreachable``
            (caregivers messaged on their record but with no user or work
            contact to send it to), ``changed`` and ``unchanged`` visit
            recordsets
        :raise AccessError: unless the user is a home health scheduler
        """
        if not self.env.su and not self.env.user.has_group(SCHEDULER_GROUP):
            raise AccessError(
                self.env._("Only home health schedulers can publish a plan.")
            )
        changes = self._publish_changes()
        notified = self.env["hr.employee"]
        unreachable = self.env["hr.employee"]
        for caregiver, caregiver_changes in changes.items():
            caregiver = caregiver.sudo()
            recipient = caregiver.user_id.partner_id or caregiver.work_contact_id
            caregiver.message_post(
                body=self._publish_caregiver_body(caregiver, caregiver_changes),
                subject=self.env._("Schedule changes"),
                partner_ids=recipient.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.env.user.partner_id.id,
            )
            if recipient:
                notified |= caregiver
            else:
                unreachable |= caregiver

        changed = self.browse(
            sorted(
                {
                    change[1].id
                    for caregiver_changes in changes.values()
                    for change in caregiver_changes
                }
            )
        )
        if self.env["ir.config_parameter"].sudo().get_param(NOTIFY_PATIENTS_PARAM):
            # Patients hear about new times and cancellations, not about a
            # change of caregiver at the same time.
            retimed = changed.filtered(lambda v: v._publish_times_changed())
            if retimed:
                self._publish_notify_patients(retimed)

        now = fields.Datetime.now()
        for visit in changed:
            current = visit._publish_current_slot()
            visit.write(
                {
                    "published_caregiver_id": current[0].id if current else False,
                    "published_start": current[1] if current else False,
                    "published_end": current[2] if current else False,
                }
            )
        self.write({"published_on": now})
        _logger.info(
            "Published %s visits (%s changed); notified caregivers %s.",
            len(self),
            len(changed),
            notified.ids,
        )
        return {
            "notified": notified,
            "unreachable": unreachable,
            "changed": changed,
            "unchanged": self - changed,
        }

    @api.model
    def _homehealth_publish_domain(self, start_utc, end_utc, caregiver_ids=None):
        """Return the domain of the visits a publication of a period covers.

        These are the visits planned in the period and those last published in
        it, so that a visit moved out of the period or unassigned is reported
        to its former caregiver.
        """
        domain = [
            "|",
            "&",
            ("planned_start", ">=", start_utc),
            ("planned_start", "<", end_utc),
            "&",
            ("published_start", ">=", start_utc),
            ("published_start", "<", end_utc),
        ]
        if caregiver_ids:
            domain = [
                *domain,
                "|",
                ("caregiver_id", "in", list(caregiver_ids)),
                ("published_caregiver_id", "in", list(caregiver_ids)),
            ]
        return domain

    @api.model
    def _homehealth_publish_period(self, start_utc, end_utc, caregiver_ids=None):
        """Publish every visit of a period; see :meth:`_homehealth_publish`."""
        visits = self.search(
            self._homehealth_publish_domain(start_utc, end_utc, caregiver_ids)
        )
        return visits._homehealth_publish()

    @api.model
    def _homehealth_publish_notification(self, result):
        """Return a client action that reports a publication's result."""
        notified = result["notified"]
        unreachable = result["unreachable"]
        if not result["changed"]:
            message = self.env._(
                "Nothing changed since the last publication: no one was notified."
            )
        else:
            message = self.env._(
                "Published %(count)s changed visits. Notified: %(names)s.",
                count=len(result["changed"]),
                names=", ".join(notified.mapped("name")) or self.env._("nobody"),
            )
        if unreachable:
            message += " " + self.env._(
                "%(names)s have no user or work contact: the changes are only on "
                "their employee record.",
                names=", ".join(unreachable.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Plan published"),
                "message": message,
                "type": "warning" if unreachable else "success",
                "sticky": bool(unreachable),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_publish(self):
        """Publish the selected visits and report who was notified."""
        result = self._homehealth_publish()
        return self._homehealth_publish_notification(result)

    @api.model
    def action_publish_day(self, day=None, caregiver_ids=None):
        """Publish every visit of one day of the route map."""
        day = self._route_map_parse_date(day)
        day_start, day_end = self._route_map_day_bounds(day, self._route_map_timezone())
        result = self._homehealth_publish_period(day_start, day_end, caregiver_ids)
        return self._homehealth_publish_notification(result)
