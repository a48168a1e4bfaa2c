"""Web page with the logged-in caregiver's own route sheet, readable on a phone."""

from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request

REPORT_XMLID = "homehealth_scheduling.action_report_route_sheet"


class RouteSheetController(http.Controller):
    @http.route("/my/route-sheet", type="http", auth="user", methods=["GET"])
    def route_sheet(self, date=None, **kwargs):
        """Render the user's route sheet of ``date`` (YYYY-MM-DD, default today).

        Only the visits whose caregiver is the logged-in user's employee are
        listed, whatever groups the user has.
        """
        env = request.env
        try:
            day = fields.Date.to_date(date) if date else None
        except ValueError as error:
            raise UserError(
                env._("The date %(value)r is invalid. Use YYYY-MM-DD.", value=date)
            ) from error
        day = day or fields.Date.context_today(env.user)
        visits = env["homehealth.visit"]._route_sheet_own_visits(day)
        html, _report_type = env["ir.actions.report"]._render_qweb_html(
            REPORT_XMLID,
            visits.ids,
            data={
                "page_date": fields.Date.to_string(day),
                "previous_date": fields.Date.to_string(day - timedelta(days=1)),
                "next_date": fields.Date.to_string(day + timedelta(days=1)),
            },
        )
        return request.make_response(
            html, headers=[("Content-Type", "text/html; charset=utf-8")]
        )
