"""Route sheet: one caregiver's visits of one day, in order, for print or phone."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.homehealth_visit_route_map import ROUTE_STATES


def local_time(value, tz):
    """Format a naive UTC datetime as HH:MM in ``tz``."""
    return pytz.utc.localize(value).astimezone(tz).strftime("%H:%M")


def format_minutes(minutes):
    """Format a number of minutes as H:MM."""
    hours, rest = divmod(int(round(minutes)), 60)
    return f"{hours}:{rest:02d}"


class ReportRouteSheet(models.AbstractModel):
    _name = "report.homehealth_scheduling.report_route_sheet"
    _description = "Home Health Route Sheet"

    @api.model
    def _caregiver_timezone(self, caregiver):
        tz_name = caregiver.sudo().tz or self.env.user.tz or "UTC"
        try:
            return pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _sheet_keys(self, visits):
        """Return the (caregiver, local date) pairs of ``visits``, sorted."""
        keys = set()
        for visit in visits:
            if not visit.caregiver_id or not visit.planned_start:
                continue
            tz = self._caregiver_timezone(visit.caregiver_id)
            local_start = pytz.utc.localize(visit.planned_start).astimezone(tz)
            keys.add((visit.caregiver_id, local_start.date()))
        return sorted(keys, key=lambda key: (key[1], key[0].sudo().name, key[0].id))

    @api.model
    def _day_visits(self, caregiver, day, tz):
        start = tz.localize(datetime.combine(day, time.min))
        end = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        return self.env["homehealth.visit"].search(
            [
                ("caregiver_id", "=", caregiver.id),
                (
                    "planned_start",
                    ">=",
                    start.astimezone(pytz.utc).replace(tzinfo=None),
                ),
                ("planned_start", "<", end.astimezone(pytz.utc).replace(tzinfo=None)),
                ("state", "in", ROUTE_STATES),
            ],
            order="planned_start, route_sequence, id",
        )

    @api.model
    def _address_lines(self, patient):
        city_line = " ".join(
            part for part in (patient.zip, patient.city, patient.state_id.code) if part
        )
        return [line for line in (patient.street, patient.street2, city_line) if line]

    @api.model
    def _stop_values(self, visits, tz):
        visit_types = dict(
            visits._fields["visit_type"]._description_selection(self.env)
        )
        disciplines = dict(
            visits._fields["discipline"]._description_selection(self.env)
        )
        stops = []
        for sequence, visit in enumerate(visits, start=1):
            patient = visit.patient_id
            emergency_contact = (
                patient.emergency_contact_name,
                patient.emergency_contact_phone,
            )
            stops.append(
                {
                    "sequence": sequence,
                    "visit": visit,
                    "start": local_time(visit.planned_start, tz),
                    "end": local_time(visit.planned_end, tz),
                    "patient_name": patient.name,
                    "address_lines": self._address_lines(patient),
                    "phone": patient.phone or patient.mobile or "",
                    "access_notes": patient.access_notes or "",
                    "emergency_contact": " ".join(p for p in emergency_contact if p),
                    "visit_type": visit_types.get(visit.visit_type, ""),
                    "discipline": disciplines.get(visit.discipline, ""),
                    "duration": format_minutes(visit.duration * 60),
                    "travel_minutes": round(visit.travel_time_from_previous),
                    "travel_km": round(visit.travel_distance_from_previous, 1),
                    "notes": visit.notes or "",
                }
            )
        return stops

    @api.model
    def _planned_route(self, caregiver, day, visits):
        """Return the planning run's route of the day, or None when it is stale.

        The route gives the return home and the breaks, which the visits do not
        store. It is used only when every visit of the sheet comes from the same
        run and the run planned exactly that many visits for the caregiver.
        """
        runs = visits.planning_run_id
        if not visits or len(runs) != 1 or not all(visits.mapped("planning_run_id")):
            return None
        # Caregivers cannot read planning runs, and the route only adds times
        # and distances of their own day, so it is read with sudo.
        route = (
            self.env["homehealth.planning.route"]
            .sudo()
            .search(
                [
                    ("run_id", "=", runs.id),
                    ("employee_id", "=", caregiver.id),
                    ("day", "=", day),
                ],
                limit=1,
            )
        )
        if not route or route.visit_count != len(visits):
            return None
        return route

    @api.model
    def _break_label(self, item, tz):
        start = fields.Datetime.to_datetime(item["start"])
        end = fields.Datetime.to_datetime(item["end"])
        return f"{local_time(start, tz)}-{local_time(end, tz)}"

    @api.model
    def _build_sheet(self, caregiver, day):
        tz = self._caregiver_timezone(caregiver)
        visits = self._day_visits(caregiver, day, tz)
        stops = self._stop_values(visits, tz)

        service_minutes = sum(visits.mapped("duration")) * 60
        travel_minutes = sum(visits.mapped("travel_time_from_previous"))
        travel_km = sum(visits.mapped("travel_distance_from_previous"))
        leave_home = ""
        if visits:
            first = visits[0]
            departure = first.planned_start - timedelta(
                minutes=first.travel_time_from_previous
            )
            leave_home = local_time(departure, tz)

        back_home = None
        breaks = []
        route = self._planned_route(caregiver, day, visits)
        if route:
            back_home = {
                "time": local_time(route.arrival_home, tz),
                "travel_minutes": round(route.return_travel_time),
                "travel_km": round(route.return_travel_distance, 1),
            }
            travel_minutes += route.return_travel_time
            travel_km += route.return_travel_distance
            breaks = [self._break_label(item, tz) for item in route.breaks or []]
        return {
            "caregiver": caregiver.sudo(),
            "date": day,
            "date_label": day.strftime("%A %d %B %Y"),
            "timezone": tz.zone,
            "stops": stops,
            "leave_home": leave_home,
            "back_home": back_home,
            "breaks": breaks,
            "totals": {
                "visit_count": len(visits),
                "service_time": format_minutes(service_minutes),
                "travel_time": format_minutes(travel_minutes),
                "travel_km": round(travel_km, 1),
                "first_start": stops[0]["start"] if stops else "",
                "last_end": stops[-1]["end"] if stops else "",
            },
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        """Group the visits into one sheet per caregiver and local day.

        Each sheet lists every visit of that caregiver on that day that the user
        may read, not only the selected ones. Reading the selected visits
        applies the user's access rules, so a caregiver cannot print another
        caregiver's sheet.
        """
        data = data or {}
        visits = self.env["homehealth.visit"].browse(docids)
        visits.check_access("read")
        unplanned = visits.filtered(lambda v: not v.caregiver_id or not v.planned_start)
        if unplanned:
            raise UserError(
                self.env._(
                    "Visits %(visits)s have no caregiver or no planned start, so they "
                    "are on no route sheet. Plan them first or leave them out.",
                    visits=", ".join(unplanned.mapped("name")),
                )
            )
        sheets = [
            self._build_sheet(caregiver, day)
            for caregiver, day in self._sheet_keys(visits)
        ]
        return {
            "doc_ids": docids,
            "doc_model": "homehealth.visit",
            "docs": visits,
            "sheets": sheets,
            "page_date": data.get("page_date"),
            "previous_date": data.get("previous_date"),
            "next_date": data.get("next_date"),
            "printed_on": fields.Datetime.context_timestamp(
                self, fields.Datetime.now()
            ),
        }
