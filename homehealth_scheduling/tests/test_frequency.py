from datetime import date

from odoo.tests import BaseCase

from odoo.addons.homehealth_scheduling.models.frequency import (
    VALID_FORMS,
    FrequencyError,
    WeeklySegment,
    parse_frequency,
    schedule_occurrences,
)

MON_WED_FRI = {0, 2, 4}


class TestFrequencyParser(BaseCase):
    def test_weekly_count(self):
        frequency = parse_frequency("3W4")
        self.assertEqual(frequency.segments, (WeeklySegment(3, 3, 4),))
        self.assertEqual(frequency.min_visits, 12)
        self.assertEqual(frequency.prn_visits, 0)

    def test_sequence(self):
        frequency = parse_frequency("2W3, 1W6")
        self.assertEqual(
            frequency.segments, (WeeklySegment(2, 2, 3), WeeklySegment(1, 1, 6))
        )
        self.assertEqual(frequency.weeks, 9)
        self.assertEqual(frequency.min_visits, 12)

    def test_range_bounds(self):
        frequency = parse_frequency("1-3W6")
        self.assertEqual(frequency.segments, (WeeklySegment(1, 3, 6),))
        self.assertEqual(frequency.min_visits, 6)
        self.assertEqual(frequency.max_visits, 18)

    def test_prn_only(self):
        frequency = parse_frequency("2 PRN")
        self.assertEqual(frequency.segments, ())
        self.assertEqual(frequency.prn_visits, 2)
        self.assertEqual(frequency.weeks, 0)

    def test_combined_parts(self):
        frequency = parse_frequency("1W1, 2W2, 3 PRN")
        self.assertEqual(frequency.min_visits, 5)
        self.assertEqual(frequency.prn_visits, 3)

    def test_case_and_spaces(self):
        cases = {
            "3w4": "3W4",
            " 3 W 4 ": "3W4",
            "2w3,1w6": "2W3, 1W6",
            "1 - 3 w 6": "1-3W6",
            "2prn": "2 PRN",
            "2  Prn": "2 PRN",
        }
        for text, normalised in cases.items():
            with self.subTest(text=text):
                self.assertEqual(str(parse_frequency(text)), normalised)

    def test_week_lookup(self):
        frequency = parse_frequency("2W3, 1-2W6")
        self.assertEqual(frequency.visits_in_week(0), (2, 2))
        self.assertEqual(frequency.visits_in_week(2), (2, 2))
        self.assertEqual(frequency.visits_in_week(3), (1, 2))
        self.assertEqual(frequency.visits_in_week(8), (1, 2))
        self.assertEqual(frequency.visits_in_week(9), (0, 0))

    def test_invalid_forms(self):
        invalid = [
            "",
            "   ",
            "3X4",
            "three a week",
            "3W",
            "W4",
            "3W0",
            "0W4",
            "0-0W4",
            "3-1W4",
            "8W1",
            "0 PRN",
            "2W3,,1W6",
            "2W3,",
            "PRN",
            "3W4 2PRN",
            "-1W4",
        ]
        for text in invalid:
            with self.subTest(text=text), self.assertRaises(FrequencyError) as caught:
                parse_frequency(text)
            self.assertIn(VALID_FORMS, str(caught.exception))

    def test_invalid_names_part(self):
        with self.assertRaises(FrequencyError) as caught:
            parse_frequency("2W3, 1Q6")
        self.assertIn('"1Q6"', str(caught.exception))

    def test_range_from_zero(self):
        frequency = parse_frequency("0-2W4")
        self.assertEqual(frequency.min_visits, 0)
        self.assertEqual(frequency.max_visits, 8)


class TestFrequencySchedule(BaseCase):
    def test_preferred_days(self):
        # Monday 2026-10-26; 3W2 on Mon/Wed/Fri.
        occurrences, shortfalls = schedule_occurrences(
            parse_frequency("3W2"), date(2026, 10, 26), date(2026, 12, 24), MON_WED_FRI
        )
        self.assertEqual(
            [occurrence.date for occurrence in occurrences],
            [
                date(2026, 10, 26),
                date(2026, 10, 28),
                date(2026, 10, 30),
                date(2026, 11, 2),
                date(2026, 11, 4),
                date(2026, 11, 6),
            ],
        )
        self.assertEqual(shortfalls, [])

    def test_keys_per_week(self):
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("2W2"), date(2026, 10, 26), date(2026, 12, 24), MON_WED_FRI
        )
        keys = [(item.week_index, item.occurrence_index) for item in occurrences]
        self.assertEqual(keys, [(0, 0), (0, 1), (1, 0), (1, 1)])

    def test_fewer_visits_spread(self):
        # Two visits on Mon/Wed/Fri take the first and last preferred day.
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("2W1"), date(2026, 10, 26), date(2026, 12, 24), MON_WED_FRI
        )
        self.assertEqual(
            [occurrence.date.weekday() for occurrence in occurrences], [0, 4]
        )

    def test_weeks_start_on_plan_day(self):
        # A plan starting on a Thursday: week 1 runs Thursday to Wednesday.
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("1W2"), date(2026, 10, 29), date(2026, 12, 26), {0}
        )
        self.assertEqual(
            [occurrence.date for occurrence in occurrences],
            [date(2026, 11, 2), date(2026, 11, 9)],
        )

    def test_more_visits_than_days(self):
        # Four visits on a Mon/Wed/Fri line: one more day of the week is used.
        occurrences, shortfalls = schedule_occurrences(
            parse_frequency("4W1"), date(2026, 10, 26), date(2026, 12, 24), MON_WED_FRI
        )
        days = [occurrence.date for occurrence in occurrences]
        self.assertEqual(len(days), 4)
        self.assertEqual(len(set(days)), 4)
        self.assertLessEqual(MON_WED_FRI, {day.weekday() for day in days})
        self.assertLess(max(day.weekday() for day in days), 5)
        self.assertEqual(shortfalls, [])

    def test_no_preferred_days(self):
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("7W1"), date(2026, 10, 26), date(2026, 12, 24), set()
        )
        self.assertEqual(
            sorted(occurrence.date.weekday() for occurrence in occurrences),
            list(range(7)),
        )

    def test_shortfall_at_plan_end(self):
        # The plan ends on the Tuesday of week 2: week 2 has one preferred day
        # (Monday) and two days in all, so it lacks one of its three visits.
        occurrences, shortfalls = schedule_occurrences(
            parse_frequency("3W2"), date(2026, 10, 26), date(2026, 11, 3), MON_WED_FRI
        )
        week_two = [item.date for item in occurrences if item.week_index == 1]
        self.assertEqual(week_two, [date(2026, 11, 2), date(2026, 11, 3)])
        self.assertEqual(len(shortfalls), 1)
        self.assertEqual(shortfalls[0].week_index, 1)
        self.assertEqual(shortfalls[0].missing, 1)

    def test_weeks_after_plan_end(self):
        _occurrences, shortfalls = schedule_occurrences(
            parse_frequency("1W3"), date(2026, 10, 26), date(2026, 11, 1), MON_WED_FRI
        )
        self.assertEqual(sum(item.missing for item in shortfalls), 2)

    def test_sequence_dates(self):
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("2W1, 1W2"),
            date(2026, 10, 26),
            date(2026, 12, 24),
            MON_WED_FRI,
        )
        per_week = [
            len([item for item in occurrences if item.week_index == week])
            for week in range(3)
        ]
        self.assertEqual(per_week, [2, 1, 1])

    def test_range_schedules_lower_bound(self):
        occurrences, _shortfalls = schedule_occurrences(
            parse_frequency("1-3W2"),
            date(2026, 10, 26),
            date(2026, 12, 24),
            MON_WED_FRI,
        )
        self.assertEqual(len(occurrences), 2)
