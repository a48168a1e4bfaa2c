from datetime import datetime

import pytz

from odoo.exceptions import UserError

from .common import HomehealthCase

CHICAGO = pytz.timezone("America/Chicago")


def chicago_to_utc(*args):
    """Return the naive UTC datetime of a wall-clock time in Chicago."""
    local = CHICAGO.localize(datetime(*args))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class TestWorkIntervals(HomehealthCase):
    def test_weekday_in_standard_time(self):
        # Tuesday 2026-03-03: Chicago is on CST (UTC-6).
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 3, 0, 0), datetime(2026, 3, 4, 0, 0)
        )
        self.assertEqual(
            intervals,
            [
                (datetime(2026, 3, 3, 14, 0), datetime(2026, 3, 3, 18, 0)),
                (datetime(2026, 3, 3, 19, 0), datetime(2026, 3, 3, 23, 0)),
            ],
        )

    def test_spring_forward_week(self):
        # Clocks go forward on Sunday 2026-03-08: 08:00 is 14:00 UTC on Friday
        # and 13:00 UTC on Monday.
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 6, 0, 0), datetime(2026, 3, 10, 0, 0)
        )
        starts = [start for start, _end in intervals]
        self.assertEqual(
            starts,
            [
                datetime(2026, 3, 6, 14, 0),
                datetime(2026, 3, 6, 19, 0),
                datetime(2026, 3, 9, 13, 0),
                datetime(2026, 3, 9, 18, 0),
            ],
        )

    def test_fall_back_week(self):
        # Clocks go back on Sunday 2026-11-01: 08:00 is 13:00 UTC on Friday
        # and 14:00 UTC on Monday.
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 10, 30, 0, 0), datetime(2026, 11, 3, 0, 0)
        )
        self.assertEqual(intervals[0][0], datetime(2026, 10, 30, 13, 0))
        self.assertEqual(intervals[2][0], datetime(2026, 11, 2, 14, 0))

    def test_night_shift_over_dst_change(self):
        # 00:00-06:00 on the night the clocks go forward lasts five hours.
        calendar = self._create_calendar("Test Sunday night", [("6", 0.0, 6.0)])
        caregiver = self._create_caregiver(
            name="Test Night Caregiver", resource_calendar_id=calendar.id
        )
        intervals = caregiver._homehealth_work_intervals(
            datetime(2026, 3, 8, 0, 0), datetime(2026, 3, 9, 0, 0)
        )
        self.assertEqual(
            intervals, [(datetime(2026, 3, 8, 6, 0), datetime(2026, 3, 8, 11, 0))]
        )

    def test_personal_leave_removed(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test dentist",
                "resource_id": self.caregiver_a.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": chicago_to_utc(2026, 3, 10, 13, 0),
                "date_to": chicago_to_utc(2026, 3, 10, 15, 0),
                "time_type": "leave",
            }
        )
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 11, 0, 0)
        )
        self.assertEqual(
            intervals,
            [
                (datetime(2026, 3, 10, 13, 0), datetime(2026, 3, 10, 17, 0)),
                (datetime(2026, 3, 10, 20, 0), datetime(2026, 3, 10, 22, 0)),
            ],
        )

    def test_leave_of_other_caregiver_ignored(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test vacation of B",
                "resource_id": self.caregiver_b.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 10, 0, 0),
                "date_to": datetime(2026, 3, 11, 0, 0),
                "time_type": "leave",
            }
        )
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 11, 0, 0)
        )
        self.assertEqual(len(intervals), 2)

    def test_public_holiday_removed(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test holiday",
                "calendar_id": self.calendar.id,
                "date_from": chicago_to_utc(2026, 3, 10, 0, 0),
                "date_to": chicago_to_utc(2026, 3, 10, 23, 59),
                "time_type": "leave",
            }
        )
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 9, 0, 0), datetime(2026, 3, 12, 0, 0)
        )
        days = {start.date() for start, _end in intervals}
        self.assertNotIn(datetime(2026, 3, 10).date(), days)
        self.assertIn(datetime(2026, 3, 11).date(), days)

    def test_clipped_to_range(self):
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 10, 15, 30), datetime(2026, 3, 10, 19, 30)
        )
        self.assertEqual(
            intervals,
            [
                (datetime(2026, 3, 10, 15, 30), datetime(2026, 3, 10, 17, 0)),
                (datetime(2026, 3, 10, 18, 0), datetime(2026, 3, 10, 19, 30)),
            ],
        )

    def test_touching_intervals_merged(self):
        calendar = self._create_calendar(
            "Test split morning", [("1", 8.0, 10.0), ("1", 10.0, 12.0)]
        )
        caregiver = self._create_caregiver(
            name="Test Split Caregiver", resource_calendar_id=calendar.id
        )
        intervals = caregiver._homehealth_work_intervals(
            datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 11, 0, 0)
        )
        self.assertEqual(
            intervals, [(datetime(2026, 3, 10, 13, 0), datetime(2026, 3, 10, 17, 0))]
        )

    def test_employee_tz_used(self):
        # A caregiver in New York works 08:00 New York time, 12:00 UTC in EDT.
        caregiver = self._create_caregiver(
            name="Test East Caregiver", tz="America/New_York"
        )
        intervals = caregiver._homehealth_work_intervals(
            datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 11, 0, 0)
        )
        self.assertEqual(intervals[0][0], datetime(2026, 3, 10, 12, 0))

    def test_aware_bounds_accepted(self):
        start = CHICAGO.localize(datetime(2026, 3, 10, 0, 0))
        end = CHICAGO.localize(datetime(2026, 3, 11, 0, 0))
        intervals = self.caregiver_a._homehealth_work_intervals(start, end)
        self.assertEqual(intervals[0][0], datetime(2026, 3, 10, 13, 0))

    def test_empty_range(self):
        moment = datetime(2026, 3, 10, 15, 0)
        self.assertEqual(
            self.caregiver_a._homehealth_work_intervals(moment, moment), []
        )

    def test_weekend_has_no_hours(self):
        intervals = self.caregiver_a._homehealth_work_intervals(
            datetime(2026, 3, 7, 6, 0), datetime(2026, 3, 9, 6, 0)
        )
        self.assertEqual(intervals, [])

    def test_no_calendar_anywhere(self):
        caregiver = self._create_caregiver(
            name="Test Flexible Caregiver", resource_calendar_id=False
        )
        caregiver.company_id.resource_calendar_id = False
        with self.assertRaisesRegex(UserError, "Test Flexible Caregiver"):
            caregiver._homehealth_work_intervals(
                datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 11, 0, 0)
            )
