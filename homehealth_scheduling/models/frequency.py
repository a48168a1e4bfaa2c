"""Frequency orders of a plan of care, and the visit dates they produce.

A frequency order lists weekly visit counts over a number of weeks, separated by
commas, and optionally a number of visits "as needed" (PRN):

- ``3W4``: three visits a week for four weeks;
- ``2W3, 1W6``: two a week for three weeks, then one a week for six weeks;
- ``1-3W6``: between one and three visits a week for six weeks;
- ``2 PRN``: two visits as needed, created on request, never scheduled.

Parts combine, for example ``2W3, 1W6, 2 PRN``. Letters may be upper or lower case
and spaces may appear between the tokens. For a range, the lower bound is the
number of scheduled visits and the upper bound is the allowance: the scheduler may
add visits up to it by hand.

The functions here are plain Python so that they can be tested and reused without
a database.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

VALID_FORMS = '"3W4", "2W3, 1W6", "1-3W6", "2 PRN"'

# One visit a day at most: orders such as "twice daily" need one line per visit
# of the day, each with its own time window.
MAX_VISITS_PER_WEEK = 7

WEEKLY_PART = re.compile(
    r"^\s*(?P<low>\d+)\s*(?:-\s*(?P<high>\d+)\s*)?W\s*(?P<weeks>\d+)\s*$",
    re.IGNORECASE,
)
PRN_PART = re.compile(r"^\s*(?P<count>\d+)\s*PRN\s*$", re.IGNORECASE)


class FrequencyError(ValueError):
    """A frequency order that cannot be parsed; the message names the fix."""


@dataclass(frozen=True)
class WeeklySegment:
    """Between ``min_per_week`` and ``max_per_week`` visits a week for ``weeks``."""

    min_per_week: int
    max_per_week: int
    weeks: int


@dataclass(frozen=True)
class Frequency:
    """A parsed frequency order: weekly segments in order, plus PRN visits."""

    segments: tuple[WeeklySegment, ...]
    prn_visits: int = 0

    @property
    def weeks(self):
        """Number of weeks that the weekly segments cover."""
        return sum(segment.weeks for segment in self.segments)

    @property
    def min_visits(self):
        """Number of scheduled visits: the lower bound of every week."""
        return sum(segment.min_per_week * segment.weeks for segment in self.segments)

    @property
    def max_visits(self):
        """Allowed number of weekly visits: the upper bound of every week."""
        return sum(segment.max_per_week * segment.weeks for segment in self.segments)

    def visits_in_week(self, week_index):
        """Return the (min, max) visits of a 0-based week; (0, 0) after the end."""
        first_week = 0
        for segment in self.segments:
            if first_week <= week_index < first_week + segment.weeks:
                return segment.min_per_week, segment.max_per_week
            first_week += segment.weeks
        return 0, 0

    def __str__(self):
        parts = []
        for segment in self.segments:
            if segment.min_per_week == segment.max_per_week:
                parts.append(f"{segment.min_per_week}W{segment.weeks}")
            else:
                parts.append(
                    f"{segment.min_per_week}-{segment.max_per_week}W{segment.weeks}"
                )
        if self.prn_visits:
            parts.append(f"{self.prn_visits} PRN")
        return ", ".join(parts)


@dataclass(frozen=True)
class Occurrence:
    """One scheduled visit of a frequency: its week, its rank in the week and date.

    ``week_index`` and ``occurrence_index`` are 0-based. Together with the plan
    line they identify the visit, so that generating twice creates nothing new.
    """

    week_index: int
    occurrence_index: int
    date: date


@dataclass(frozen=True)
class Shortfall:
    """Visits of a week that found no free day, because the plan ends that week."""

    week_index: int
    missing: int


def _invalid(text, reason):
    return FrequencyError(
        f'Invalid frequency "{text}": {reason}. Write weekly counts and PRN '
        f"visits such as {VALID_FORMS}."
    )


def parse_frequency(text):
    """Parse a frequency order such as ``2W3, 1W6`` or ``1-3W6, 2 PRN``.

    Parameters
    ----------
    text : str
        The order as a scheduler writes it. Case and spaces do not matter.

    Returns
    -------
    Frequency

    Raises
    ------
    FrequencyError
        When the text is empty, a part matches none of the forms, a count is
        zero or above the weekly maximum, or a range is reversed. The message
        shows the invalid part and the valid forms.
    """
    if not text or not text.strip():
        raise _invalid(text or "", "the order is empty")
    segments = []
    prn_visits = 0
    for part in text.split(","):
        if not part.strip():
            raise _invalid(text, "it contains an empty part between commas")
        weekly = WEEKLY_PART.match(part)
        if weekly:
            segments.append(_parse_weekly(text, part.strip(), weekly))
            continue
        prn = PRN_PART.match(part)
        if prn:
            count = int(prn.group("count"))
            if count < 1:
                raise _invalid(text, f'"{part.strip()}" orders no PRN visit')
            prn_visits += count
            continue
        raise _invalid(text, f'"{part.strip()}" is not a weekly count or PRN count')
    return Frequency(segments=tuple(segments), prn_visits=prn_visits)


def _parse_weekly(text, part, match):
    low = int(match.group("low"))
    high = int(match.group("high")) if match.group("high") is not None else low
    weeks = int(match.group("weeks"))
    if weeks < 1:
        raise _invalid(text, f'"{part}" lasts zero weeks')
    if high < low:
        raise _invalid(
            text, f'"{part}" has a range whose upper bound is below its lower'
        )
    if high < 1:
        raise _invalid(text, f'"{part}" orders no visit')
    if high > MAX_VISITS_PER_WEEK:
        raise _invalid(
            text,
            f'"{part}" orders more than {MAX_VISITS_PER_WEEK} visits a week; write '
            "one plan line per daily visit instead",
        )
    return WeeklySegment(min_per_week=low, max_per_week=high, weeks=weeks)


def _spread(days, count):
    """Return ``count`` of the sorted ``days``, as evenly spaced as possible."""
    if count >= len(days):
        return list(days)
    size = len(days)
    # The middle of each of ``count`` equal slices: 2 of Mon/Wed/Fri gives Mon, Fri.
    return [days[round((index + 0.5) * size / count - 0.5)] for index in range(count)]


def schedule_occurrences(frequency, start_date, end_date, weekdays):
    """Return the dates of the scheduled visits of a frequency.

    Week ``k`` of the order covers the seven days from ``start_date + 7 * k``.
    In each week the lower bound of visits falls on the preferred ``weekdays``,
    spread over the week. When there are fewer preferred days than visits, the
    other weekdays make up the difference, then Saturday and Sunday. Days after
    ``end_date`` are never used, so the last week of a plan may lose visits: they
    are returned as shortfalls.

    Parameters
    ----------
    frequency : Frequency
    start_date, end_date : datetime.date
        First and last day (included) of the plan.
    weekdays : collection of int
        Preferred days, Monday = 0 to Sunday = 6. Empty means every day.

    Returns
    -------
    tuple[list[Occurrence], list[Shortfall]]
        Occurrences in date order, and the weeks that could not hold all of
        their visits.
    """
    preferred = set(weekdays) or set(range(7))
    occurrences = []
    shortfalls = []
    for week_index in range(frequency.weeks):
        count = frequency.visits_in_week(week_index)[0]
        week_start = start_date + timedelta(days=7 * week_index)
        if week_start > end_date:
            if count:
                shortfalls.append(Shortfall(week_index=week_index, missing=count))
            continue
        days = [
            week_start + timedelta(days=offset)
            for offset in range(7)
            if week_start + timedelta(days=offset) <= end_date
        ]
        chosen = _spread([day for day in days if day.weekday() in preferred], count)
        # Missing visits go to other weekdays first, then to the weekend.
        for fallback in (range(5), range(5, 7)):
            if len(chosen) >= count:
                break
            others = [
                day
                for day in days
                if day.weekday() not in preferred and day.weekday() in fallback
            ]
            chosen += _spread(others, count - len(chosen))
        if len(chosen) < count:
            shortfalls.append(
                Shortfall(week_index=week_index, missing=count - len(chosen))
            )
        for occurrence_index, day in enumerate(sorted(chosen)):
            occurrences.append(
                Occurrence(
                    week_index=week_index,
                    occurrence_index=occurrence_index,
                    date=day,
                )
            )
    return occurrences, shortfalls
