from lxml import html as lxml_html

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .route_day import RouteDayCase, local_to_utc

REPORT = "homehealth_scheduling.action_report_route_sheet"


@tagged("post_install", "-at_install")
class TestRouteSheet(RouteDayCase):
    def _render(self, user, visits, data=None):
        """Render the route sheets of ``visits`` as ``user`` into an HTML tree.

        Rendering HTML does not need wkhtmltopdf.
        """
        reports = self.env["ir.actions.report"].with_user(user)
        content, _report_type = reports._render_qweb_html(REPORT, visits.ids, data=data)
        return lxml_html.fromstring(content)

    @staticmethod
    def _by_class(node, css_class, tag="*"):
        return node.xpath(
            f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), "
            f"' {css_class} ')]"
        )

    def _texts(self, node, css_class):
        return [
            element.text_content().strip()
            for element in self._by_class(node, css_class)
        ]

    def _sheet_a(self, user=None):
        tree = self._render(user or self.user_scheduler, self.visit_a2)
        sheets = self._by_class(tree, "o_hh_route_sheet", "div")
        self.assertEqual(len(sheets), 1)
        return sheets[0]

    def test_sheet_whole_day_from_one_visit(self):
        rows = self._by_class(self._sheet_a(), "o_hh_route_sheet_stop", "tr")
        self.assertEqual(len(rows), 3)

    def test_sheet_stop_order(self):
        rows = self._by_class(self._sheet_a(), "o_hh_route_sheet_stop", "tr")
        visit_ids = [int(row.get("data-visit-id")) for row in rows]
        self.assertEqual(
            visit_ids, [self.visit_a1.id, self.visit_a2.id, self.visit_a3.id]
        )

    def test_sheet_local_start_times(self):
        self.assertEqual(
            self._texts(self._sheet_a(), "o_hh_stop_start"), ["09:00", "11:00", "14:00"]
        )

    def test_sheet_local_end_times(self):
        self.assertEqual(
            self._texts(self._sheet_a(), "o_hh_stop_end"), ["10:30", "12:00", "15:00"]
        )

    def test_sheet_access_notes(self):
        notes = self._texts(self._sheet_a(), "o_hh_stop_access_notes")
        self.assertEqual(len(notes), 1)
        self.assertIn("Key in the lockbox, code 4512", notes[0])

    def test_sheet_phone(self):
        phones = self._texts(self._sheet_a(), "o_hh_stop_phone")
        self.assertEqual(phones, ["+1 312 555 0101", "+1 312 555 0102"])

    def test_sheet_address(self):
        text = self._sheet_a().text_content()
        self.assertIn("3600 N Clark St", text)

    def test_sheet_travel_per_stop(self):
        self.assertEqual(
            self._texts(self._sheet_a(), "o_hh_stop_travel"), ["12", "8", "15"]
        )

    def test_sheet_leave_home(self):
        # First visit at 09:00 with 12 minutes of travel from home.
        self.assertEqual(self._texts(self._sheet_a(), "o_hh_leave_home"), ["08:48"])

    def test_sheet_total_visits(self):
        self.assertEqual(self._texts(self._sheet_a(), "o_hh_total_visits"), ["3"])

    def test_sheet_total_service_time(self):
        # 1.5 h + 1 h + 1 h
        self.assertEqual(self._texts(self._sheet_a(), "o_hh_total_service"), ["3:30"])

    def test_sheet_total_travel(self):
        # 12 + 8 + 15 minutes between stops and 10 back home; 5.1 + 3.2 + 6.0
        # + 4.2 km.
        sheet = self._sheet_a()
        self.assertEqual(self._texts(sheet, "o_hh_total_travel"), ["0:45"])
        self.assertEqual(self._texts(sheet, "o_hh_total_km"), ["18.5"])

    def test_sheet_back_home(self):
        sheet = self._sheet_a()
        self.assertEqual(self._texts(sheet, "o_hh_back_home"), ["15:10"])
        self.assertEqual(self._texts(sheet, "o_hh_back_home_travel"), ["10"])

    def test_sheet_breaks(self):
        self.assertEqual(self._texts(self._sheet_a(), "o_hh_breaks"), ["12:00-12:30"])

    def test_sheet_stale_route_left_out(self):
        # A visit added by hand after the run: the run's return home is stale.
        self._create_visit(
            patient=self.patient_1,
            caregiver=self.caregiver_a,
            planned_start=local_to_utc(16),
            state="planned",
        )
        sheet = self._sheet_a()
        self.assertEqual(self._texts(sheet, "o_hh_back_home"), [])
        self.assertEqual(self._texts(sheet, "o_hh_total_travel"), ["0:35"])

    def test_sheet_caregiver_sees_back_home(self):
        sheet = self._sheet_a(user=self.user_caregiver_a)
        self.assertEqual(self._texts(sheet, "o_hh_back_home"), ["15:10"])

    def test_sheet_per_caregiver(self):
        tree = self._render(self.user_scheduler, self.visit_a1 | self.visit_b1)
        sheets = self._by_class(tree, "o_hh_route_sheet", "div")
        caregiver_ids = [int(sheet.get("data-caregiver-id")) for sheet in sheets]
        self.assertEqual(
            sorted(caregiver_ids), sorted([self.caregiver_a.id, self.caregiver_b.id])
        )

    def test_sheet_late_visit_on_local_day(self):
        tree = self._render(self.user_scheduler, self.visit_b_late)
        sheet = self._by_class(tree, "o_hh_route_sheet", "div")[0]
        self.assertEqual(sheet.get("data-date"), "2026-03-11")

    def test_sheet_caregiver_prints_own(self):
        sheet = self._sheet_a(user=self.user_caregiver_a)
        self.assertEqual(self._texts(sheet, "o_hh_total_visits"), ["3"])

    def test_sheet_caregiver_cannot_print_other(self):
        with self.assertRaises(AccessError):
            self._render(self.user_caregiver_a, self.visit_b1)

    def test_sheet_unplanned_visit_rejected(self):
        with self.assertRaises(UserError):
            self._render(self.user_scheduler, self.visit_open_window)

    def test_sheet_own_visits_for_page(self):
        visits = (
            self.env["homehealth.visit"]
            .with_user(self.user_caregiver_a)
            ._route_sheet_own_visits(self.visit_a1.planned_start.date())
        )
        self.assertEqual(visits, self.visits_a)

    def test_sheet_own_visits_scheduler_without_employee(self):
        visits = (
            self.env["homehealth.visit"]
            .with_user(self.user_scheduler)
            ._route_sheet_own_visits(self.visit_a1.planned_start.date())
        )
        self.assertFalse(visits)
