"""Domain input and output of the routing engine.

Every value that the solver works with is an integer: times are seconds counted from the
problem's origin (``ProblemData.origin``, an arbitrary instant such as midnight of the
planning day in UTC), distances are metres. Benchmark readers use the instance's own
units, scaled to integers. Conversions happen once, at the boundary.

The input classes are frozen dataclasses that validate themselves in
``__post_init__``. An invalid value raises :class:`InvalidInput`, whose message names
the item and the fix.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field


class InvalidInput(ValueError):
    """Input that the engine cannot plan with.

    The message names the item and the fix.
    """


# --------------------------------------------------------------------------------------
# Places and times


@dataclass(frozen=True)
class Location:
    """A point on Earth as (latitude, longitude) in decimal degrees (WGS 84)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        for name, value, limit in (
            ("latitude", self.lat, 90),
            ("longitude", self.lon, 180),
        ):
            if not isinstance(value, (int, float)) or math.isnan(value):
                raise InvalidInput(f"{name} {value!r} is not a number")
            if not -limit <= value <= limit:
                raise InvalidInput(
                    f"{name} {value} is outside [-{limit}, {limit}]; "
                    "give coordinates as (latitude, longitude) in degrees"
                )
        if self.lat == 0 and self.lon == 0:
            raise InvalidInput(
                "location (0, 0) is a missing coordinate, not a place; "
                "geocode the address"
            )


#: A place is either a geographic :class:`Location` or an index into a travel matrix
#: given with the problem (``ProblemData.matrix``). One problem uses one kind only.
Place = Location | int


@dataclass(frozen=True)
class TimeWindow:
    """Allowed start times of a visit: ``start <= visit start <= end`` (seconds)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                f"time window ends ({self.end}) before it starts ({self.start}); "
                "swap the two times or fix the end"
            )

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class Break:
    """An unpaid break that starts within ``[earliest_start, latest_start]``.

    A break never falls inside a visit. Travel before or after it is allowed.
    """

    earliest_start: int
    latest_start: int
    duration: int
    id: str = "break"

    def __post_init__(self) -> None:
        if self.latest_start < self.earliest_start:
            raise InvalidInput(
                f"break {self.id!r}: latest start {self.latest_start} is before "
                f"earliest start {self.earliest_start}"
            )
        if self.duration <= 0:
            raise InvalidInput(f"break {self.id!r}: duration must be positive")


# --------------------------------------------------------------------------------------
# Caregivers, visits and links


@dataclass(frozen=True)
class Caregiver:
    """A person who performs visits, with one shift in the planning horizon.

    ``shift_start`` and ``shift_end`` bound the time away from home: leaving the start
    location and arriving at the end location. Work after ``shift_end`` is overtime,
    allowed up to ``max_overtime`` seconds and penalised per second. ``max_work`` caps
    service, travel and waiting time together (breaks excluded).
    """

    id: str
    start: Place
    shift_start: int
    shift_end: int
    end: Place | None = None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    breaks: tuple[Break, ...] = ()
    max_overtime: int = 0
    max_work: int | None = None
    max_visits: int | None = None
    max_workload: int | None = None
    cost_per_hour: float = 0.0
    cost_per_km: float = 0.0
    speed_kmh: float = 30.0
    detour_factor: float = 1.3

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidInput(
                "a caregiver has an empty id; give every caregiver an id"
            )
        object.__setattr__(self, "skills", frozenset(self.skills))
        object.__setattr__(self, "languages", frozenset(self.languages))
        object.__setattr__(self, "breaks", tuple(self.breaks))
        if self.shift_end < self.shift_start:
            raise InvalidInput(
                f"caregiver {self.id!r}: shift ends ({self.shift_end}) before it "
                f"starts ({self.shift_start}); for an overnight shift give the end "
                "on the next day"
            )
        if self.max_overtime < 0:
            raise InvalidInput(
                f"caregiver {self.id!r}: max_overtime must not be negative"
            )
        for name in ("max_work", "max_visits", "max_workload"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidInput(
                    f"caregiver {self.id!r}: {name} must not be negative"
                )
        if self.speed_kmh <= 0:
            raise InvalidInput(f"caregiver {self.id!r}: speed_kmh must be positive")
        if self.detour_factor < 1:
            raise InvalidInput(
                f"caregiver {self.id!r}: detour_factor {self.detour_factor} is "
                "below 1; "
                "road distance is never shorter than the straight line"
            )

    @property
    def end_place(self) -> Place:
        return self.start if self.end is None else self.end


@dataclass(frozen=True)
class Visit:
    """One visit to a patient by one caregiver.

    ``windows`` are the allowed start times; an empty tuple means "any time in a
    caregiver's shift". With ``hard_windows=False`` a start after the last window's end
    is allowed and penalised per second late (a start before a window is never allowed).

    ``allowed_caregivers`` of ``None`` leaves the choice to skills, languages and
    exclusions; an empty set means that no caregiver may take the visit.
    """

    id: str
    location: Place
    duration: int
    patient: str = ""
    windows: tuple[TimeWindow, ...] = ()
    hard_windows: bool = True
    required_skills: frozenset[str] = frozenset()
    language: str | None = None
    allowed_caregivers: frozenset[str] | None = None
    excluded_caregivers: frozenset[str] = frozenset()
    preferred_caregivers: frozenset[str] = frozenset()
    priority: int = 1
    workload: int = 0
    pinned_caregiver: str | None = None
    pinned_start: int | None = None
    #: Service time by caregiver id where it differs from ``duration``.
    duration_by_caregiver: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidInput("a visit has an empty id; give every visit an id")
        object.__setattr__(self, "windows", tuple(self.windows))
        for name in ("required_skills", "excluded_caregivers", "preferred_caregivers"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if self.allowed_caregivers is not None:
            object.__setattr__(
                self, "allowed_caregivers", frozenset(self.allowed_caregivers)
            )
        if self.duration < 0:
            raise InvalidInput(
                f"visit {self.id!r}: duration {self.duration} is negative"
            )
        for caregiver_id, seconds in self.duration_by_caregiver.items():
            if seconds < 0:
                raise InvalidInput(
                    f"visit {self.id!r}: duration for caregiver {caregiver_id!r} "
                    "is negative"
                )
        if self.priority < 1:
            raise InvalidInput(f"visit {self.id!r}: priority must be 1 or more")
        if self.workload < 0:
            raise InvalidInput(f"visit {self.id!r}: workload must not be negative")
        ordered = sorted(self.windows, key=lambda w: w.start)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start <= before.end:
                raise InvalidInput(
                    f"visit {self.id!r}: time windows {before.start}-{before.end} and "
                    f"{after.start}-{after.end} overlap; merge them into one"
                )
        object.__setattr__(self, "windows", tuple(ordered))
        pinned_outside = self.pinned_start is not None and not any(
            w.contains(self.pinned_start) for w in self.windows
        )
        if self.windows and self.hard_windows and pinned_outside:
            raise InvalidInput(
                f"visit {self.id!r}: pinned start {self.pinned_start} is outside "
                "every time window; move the pin or widen the window"
            )

    def duration_for(self, caregiver_id: str) -> int:
        return self.duration_by_caregiver.get(caregiver_id, self.duration)


class LinkKind(str, enum.Enum):
    """Timing relation between two linked visits."""

    #: Both visits start at the same moment (a two-person visit).
    SAME_START = "same_start"
    #: ``second`` starts between ``min_gap`` and ``max_gap`` seconds after ``first``.
    SEQUENCE = "sequence"


@dataclass(frozen=True)
class Link:
    """A timing rule between two visits, binding only when both are performed.

    With ``together=True`` the two visits are performed both or neither (a two-person
    visit that one caregiver alone cannot do). Two visits of one link always go to two
    different caregivers when ``kind`` is ``SAME_START``.
    """

    kind: LinkKind
    first: str
    second: str
    min_gap: int = 0
    max_gap: int | None = None
    together: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LinkKind(self.kind))
        if self.first == self.second:
            raise InvalidInput(
                f"link {self.first!r} -> {self.second!r} joins a visit to itself"
            )
        if self.min_gap < 0:
            raise InvalidInput(
                f"link {self.first!r} -> {self.second!r}: min_gap must not be "
                "negative; "
                "swap first and second instead"
            )
        if self.max_gap is not None and self.max_gap < self.min_gap:
            raise InvalidInput(
                f"link {self.first!r} -> {self.second!r}: max_gap {self.max_gap} "
                "is below "
                f"min_gap {self.min_gap}"
            )


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between matrix places.

    ``duration[i][j]`` is in seconds and ``distance[i][j]`` in metres.

    Used when places are integer indices. Durations are used as given for every
    caregiver.
    """

    duration: tuple[tuple[int, ...], ...]
    distance: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        n = len(self.duration)
        if len(self.distance) != n:
            raise InvalidInput(
                f"travel matrix: {n} duration rows but {len(self.distance)} "
                "distance rows"
            )
        for name, rows in (("duration", self.duration), ("distance", self.distance)):
            for i, row in enumerate(rows):
                if len(row) != n:
                    raise InvalidInput(
                        f"travel matrix: {name} row {i} has {len(row)} values, "
                        f"expected {n}"
                    )
                if any(value < 0 for value in row):
                    raise InvalidInput(
                        f"travel matrix: {name} row {i} has a negative value"
                    )

    @property
    def size(self) -> int:
        return len(self.duration)


@dataclass(frozen=True)
class Region:
    """A bounding box that every coordinate of a problem must lie in.

    It catches coordinates given as (longitude, latitude), which are valid numbers for
    the wrong place.
    """

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, location: Location) -> bool:
        return (
            self.min_lat <= location.lat <= self.max_lat
            and self.min_lon <= location.lon <= self.max_lon
        )


@dataclass(frozen=True)
class ProblemData:
    """Everything one solve plans: caregivers, visits, links and travel."""

    caregivers: tuple[Caregiver, ...]
    visits: tuple[Visit, ...]
    links: tuple[Link, ...] = ()
    matrix: TravelMatrix | None = None
    region: Region | None = None
    #: ISO 8601 instant that time 0 stands for, kept for output and display only.
    origin: str | None = None
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "caregivers", tuple(self.caregivers))
        object.__setattr__(self, "visits", tuple(self.visits))
        object.__setattr__(self, "links", tuple(self.links))
        # NOTE: the validation that needs the whole problem (unique ids, known ids in
        # links and pins, place kinds, region, matrix bounds) lives in validate.py.


# --------------------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class SolveParams:
    """Weights and limits of one solve.

    The objective adds, from the usually largest term to the smallest:

    - a penalty for each unassigned visit, ``unassigned_penalty`` times the visit's
      priority, raised automatically above any detour the matrix allows;
    - overtime and lateness on soft windows, per second;
    - travel, per second of travel time, or per metre when ``objective`` is
      ``"distance"``, and the caregivers' own costs;
    - a cost for a visit given to a caregiver outside its preferred ones, and for a
      visit moved away from its caregiver in ``initial_assignment``.
    """

    #: Seconds that the whole call may take: checks of the input, search, and the
    #: check of the plan.
    time_limit: float = 10.0
    objective: str = "time"
    unassigned_penalty: int = 1_000_000
    overtime_weight: int = 10
    lateness_weight: int = 10
    #: Cost per second of working time, on top of travel (makes routes compact).
    span_weight: int = 0
    #: Cost counted once for each caregiver who performs at least one visit.
    caregiver_fixed_cost: int = 0
    #: Cost of giving a visit to a caregiver who is not among its preferred ones.
    preference_weight: int = 0
    #: Cost of moving a visit away from its caregiver in ``initial_assignment``.
    change_weight: int = 0
    #: Visit id -> caregiver id of a current plan, used as the starting point and by
    #: ``change_weight``.
    initial_assignment: Mapping[str, str] = field(default_factory=dict)
    #: OR-Tools first solution strategy, lower case, or "auto" (savings from a
    #: common depot, otherwise parallel cheapest insertion).
    first_solution: str = "auto"
    #: OR-Tools local search metaheuristic, lower case, or "auto" (tabu search and
    #: guided local search in turn).
    metaheuristic: str = "auto"
    #: Seconds between progress log lines during the search; 0 turns them off.
    progress_interval: float = 0.0
    check: bool = True

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise InvalidInput("time_limit must be positive (seconds)")
        if self.objective not in ("time", "distance"):
            raise InvalidInput(
                f"objective {self.objective!r} is unknown; use 'time' or 'distance'"
            )


# --------------------------------------------------------------------------------------
# Output


class Reason(str, enum.Enum):
    """Reason code of an unassigned visit.

    ``Unassigned.detail`` explains the reason in words.
    """

    NO_QUALIFIED_CAREGIVER = "no_qualified_caregiver"
    OUTSIDE_EVERY_WINDOW = "outside_every_window"
    PINNED_CAREGIVER_UNAVAILABLE = "pinned_caregiver_unavailable"
    LINKED_VISIT_UNASSIGNED = "linked_visit_unassigned"
    LIMIT_REACHED = "limit_reached"
    NO_TIME = "no_time"


@dataclass(frozen=True)
class Unassigned:
    visit_id: str
    reason: Reason
    detail: str = ""


@dataclass(frozen=True)
class Stop:
    """A visit in a route. ``travel_*`` is from the previous stop or the start."""

    visit_id: str
    arrival: int
    start: int
    end: int
    waiting: int
    travel_time: int
    travel_distance: int
    late: int = 0


@dataclass(frozen=True)
class BreakTaken:
    id: str
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    """One caregiver's day: leave home, visits in order, return home."""

    caregiver_id: str
    departure: int
    arrival_home: int
    stops: tuple[Stop, ...]
    breaks: tuple[BreakTaken, ...] = ()
    #: Travel from the last stop (or the start) back to the end location.
    return_travel_time: int = 0
    return_travel_distance: int = 0
    #: Seconds worked past the caregiver's ``shift_end``.
    overtime: int = 0

    @property
    def travel_time(self) -> int:
        return sum(s.travel_time for s in self.stops) + self.return_travel_time

    @property
    def travel_distance(self) -> int:
        return sum(s.travel_distance for s in self.stops) + self.return_travel_distance

    @property
    def service_time(self) -> int:
        return sum(s.end - s.start for s in self.stops)

    @property
    def waiting_time(self) -> int:
        return sum(s.waiting for s in self.stops)

    @property
    def break_time(self) -> int:
        return sum(b.end - b.start for b in self.breaks)

    @property
    def work_time(self) -> int:
        """Time away from home less breaks: service, travel and waiting."""
        if not self.stops:
            return 0
        return self.arrival_home - self.departure - self.break_time


@dataclass(frozen=True)
class Solution:
    """The plan: a route per caregiver with at least one stop, and unassigned visits."""

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    status: str
    objective: int
    solve_seconds: float = 0.0
    #: Violations found by the checker (empty when the plan respects every hard rule).
    violations: tuple[str, ...] = ()

    @property
    def travel_time(self) -> int:
        return sum(r.travel_time for r in self.routes)

    @property
    def travel_distance(self) -> int:
        return sum(r.travel_distance for r in self.routes)

    @property
    def assigned_count(self) -> int:
        return sum(len(r.stops) for r in self.routes)
