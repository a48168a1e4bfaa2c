from odoo import fields, models
from odoo.exceptions import UserError


class HomehealthPlanningRun(models.Model):
    _inherit = "homehealth.planning.run"

    published_on = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        copy=False,
    )

    def action_publish(self):
        """Publish the run's period: notify each caregiver whose days changed.

        The publication covers every visit of the run's days (and of its
        caregivers, when the run was limited to some), including visits changed
        by hand after the run.
        """
        self.ensure_one()
        if self.state != "done":
            raise UserError(
                self.env._(
                    "Run %(run)s is not done: publish a plan only once it is written.",
                    run=self.name,
                )
            )
        scope = self._scope()
        start, end = scope.bounds_utc()
        visits = self.env["homehealth.visit"]
        result = visits._homehealth_publish_period(start, end, self.caregiver_ids.ids)
        self.write(
            {"published_on": fields.Datetime.now(), "published_by_id": self.env.uid}
        )
        self.message_post(
            body=self.env._(
                "Published: %(count)s changed visits, caregivers notified: %(names)s.",
                count=len(result["changed"]),
                names=", ".join(result["notified"].mapped("name"))
                or self.env._("none"),
            )
        )
        return visits._homehealth_publish_notification(result)
