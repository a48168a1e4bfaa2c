from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        """Offer a call-out for caregivers whose new time off covers visits."""
        leaves = super().create(vals_list)
        if not self.env.context.get("homehealth_callout_skip"):
            self.env["homehealth.callout"]._offer_for_leaves(leaves)
        return leaves
