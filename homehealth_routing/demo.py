"""An embedded demo: one weekday of a home health agency in Chicago.

:func:`demo_problem` builds the day from a fixed seed, so every call returns the same
problem. It has 15 caregivers (RN, LPN, PT, OT, SLP, MSW and home health aides) and
94 visits in real neighbourhoods of Chicago's North, Northwest and near Southwest
Sides, the agency's service area. The visits come with skills, certifications,
languages and time windows, and include a two-person visit and an "aide after
nurse" pair. Every caregiver takes a lunch break.

Times are seconds from midnight local time on Monday 7 December 2026 (Central
Standard Time, UTC-6), which is the problem's ``origin``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .domain import (
    Break,
    Caregiver,
    Link,
    LinkKind,
    Location,
    ProblemData,
    Region,
    SolveParams,
    TimeWindow,
    Visit,
)

__all__ = ["DEMO_SEED", "ORIGIN", "REGION", "demo_params", "demo_problem"]

DEMO_SEED = 20261207
ORIGIN = "2026-12-07T00:00:00-06:00"
#: Chicago and its inner suburbs, from Beverly in the south to Evanston in the north.
REGION = Region(min_lat=41.64, min_lon=-87.94, max_lat=42.07, max_lon=-87.52)

HOUR = 3600
MINUTE = 60


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * HOUR + int(minutes) * MINUTE


@dataclass(frozen=True)
class _Neighbourhood:
    name: str
    lat: float
    lon: float
    #: Share of patients who speak Spanish or Polish and little English.
    spanish: float = 0.0
    polish: float = 0.0


# Centres are approximate and kept a few hundred metres inland on the lakefront, so
# that the jitter of a patient's address never lands in Lake Michigan.
_NEIGHBOURHOODS = (
    _Neighbourhood("Rogers Park", 42.0106, -87.6750, spanish=0.15),
    _Neighbourhood("Edgewater", 41.9837, -87.6640),
    _Neighbourhood("Uptown", 41.9665, -87.6560),
    _Neighbourhood("Lincoln Square", 41.9681, -87.6889),
    _Neighbourhood("Albany Park", 41.9683, -87.7234, spanish=0.35),
    _Neighbourhood("Jefferson Park", 41.9710, -87.7610, polish=0.35),
    _Neighbourhood("Portage Park", 41.9580, -87.7650, polish=0.3),
    _Neighbourhood("Irving Park", 41.9533, -87.7363, spanish=0.2),
    _Neighbourhood("Avondale", 41.9387, -87.7112, spanish=0.2, polish=0.25),
    _Neighbourhood("Lake View", 41.9403, -87.6540),
    _Neighbourhood("Lincoln Park", 41.9214, -87.6513),
    _Neighbourhood("Logan Square", 41.9234, -87.7082, spanish=0.3),
    _Neighbourhood("Belmont Cragin", 41.9317, -87.7683, spanish=0.4, polish=0.15),
    _Neighbourhood("Humboldt Park", 41.9025, -87.7209, spanish=0.4),
    _Neighbourhood("Wicker Park", 41.9088, -87.6796),
    _Neighbourhood("Austin", 41.8947, -87.7654),
    _Neighbourhood("West Garfield Park", 41.8810, -87.7290),
    _Neighbourhood("Near West Side", 41.8744, -87.6665),
    _Neighbourhood("Pilsen", 41.8558, -87.6566, spanish=0.5),
    _Neighbourhood("Little Village", 41.8445, -87.7130, spanish=0.6),
    _Neighbourhood("Bridgeport", 41.8381, -87.6511),
    _Neighbourhood("Chinatown", 41.8525, -87.6324),
    _Neighbourhood("Brighton Park", 41.8189, -87.6990, spanish=0.5),
    _Neighbourhood("Back of the Yards", 41.8075, -87.6653, spanish=0.5),
    _Neighbourhood("Archer Heights", 41.8114, -87.7262, spanish=0.3, polish=0.3),
)
_BY_NAME = {n.name: n for n in _NEIGHBOURHOODS}

_SURNAMES = {
    "en": (
        "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White", "Harris",
        "Clark", "Lewis", "Robinson", "Walker", "Young", "King", "Wright", "Hill",
        "Green", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner",
    ),
    "es": (
        "Garcia", "Rodriguez", "Hernandez", "Lopez", "Martinez", "Gonzalez",
        "Perez", "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Morales",
        "Ortiz", "Castillo", "Reyes",
    ),
    "pl": (
        "Kowalski", "Nowak", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski",
        "Zielinski", "Szymanski", "Mazur", "Krawczyk",
    ),
}  # fmt: skip


_HOMES = {
    "Oak Park": (41.8850, -87.7845),
    "Evanston": (42.0451, -87.6877),
    "Cicero": (41.8456, -87.7539),
}


@dataclass(frozen=True)
class _Staff:
    id: str
    skills: frozenset[str]
    languages: frozenset[str]
    home: tuple[float, float]
    shift: tuple[str, str]


def _staff(id: str, skills: str, languages: str, home: str, shift: str) -> _Staff:
    """Describe a caregiver; ``home`` is a neighbourhood or suburb name."""
    start, end = shift.split("-")
    area = _BY_NAME.get(home)
    return _Staff(
        id=id,
        skills=frozenset(skills.split()),
        languages=frozenset(languages.split()),
        home=(area.lat, area.lon) if area else _HOMES[home],
        shift=(start, end),
    )


# Oak Park, Evanston and Cicero are suburbs just outside the city limits.
_STAFF = (
    _staff("RN1", "RN SN wound_care iv_therapy", "en es", "Oak Park", "07:30-16:00"),
    _staff("RN2", "RN SN pediatrics", "en", "Lake View", "08:00-16:30"),
    _staff("RN3", "RN SN wound_care", "en pl", "Jefferson Park", "08:00-16:30"),
    _staff(
        "RN4", "RN SN iv_therapy pediatrics", "en es", "Archer Heights", "08:00-16:30"
    ),
    _staff("LPN1", "LPN SN wound_care", "en es", "Cicero", "07:00-15:30"),
    _staff("LPN2", "LPN SN", "en", "Uptown", "08:30-17:00"),
    _staff("PT1", "PT", "en pl", "Portage Park", "08:00-16:30"),
    _staff("PT2", "PT", "en es", "Bridgeport", "08:00-16:30"),
    _staff("OT1", "OT", "en", "Evanston", "08:30-17:00"),
    _staff("SLP1", "SLP", "en es", "Logan Square", "09:00-17:00"),
    _staff("MSW1", "MSW", "en es", "Near West Side", "09:00-17:00"),
    _staff("HHA1", "HHA", "en es", "Little Village", "07:00-15:30"),
    _staff("HHA2", "HHA", "en pl", "Avondale", "07:30-16:00"),
    _staff("HHA3", "HHA", "en es", "Back of the Yards", "07:30-16:00"),
    _staff("HHA4", "HHA", "en", "Austin", "08:00-16:30"),
)


@dataclass(frozen=True)
class _VisitType:
    label: str
    count: int
    minutes: tuple[int, ...]
    skills: frozenset[str]
    priority: int = 1
    #: Share of visits at a fixed time (a window of one instant), e.g. insulin or IV.
    fixed: float = 0.0


def _skills(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VISIT_TYPES = (
    _VisitType("SN start of care", 4, (90,), _skills("RN"), priority=3),
    _VisitType("SN recertification", 3, (60,), _skills("RN"), priority=2),
    _VisitType("SN IV therapy", 3, (60,), _skills("RN iv_therapy"), 2, fixed=1.0),
    _VisitType("SN wound care", 6, (45,), _skills("SN wound_care")),
    _VisitType("SN pediatric", 2, (60,), _skills("SN pediatrics")),
    _VisitType("SN routine", 18, (45,), _skills("SN"), fixed=0.1),
    _VisitType("PT evaluation", 3, (60,), _skills("PT"), priority=2),
    _VisitType("PT routine", 10, (45,), _skills("PT")),
    _VisitType("OT routine", 6, (45,), _skills("OT")),
    _VisitType("SLP routine", 5, (45,), _skills("SLP")),
    _VisitType("MSW assessment", 4, (60,), _skills("MSW")),
    _VisitType("HHA personal care", 18, (45, 60), _skills("HHA")),
)

#: Allowed start times by part of day, with the share of visits that get each.
_PARTS_OF_DAY = (
    ("morning", "08:00", "11:00", 0.30),
    ("midday", "10:00", "13:00", 0.15),
    ("afternoon", "12:30", "15:00", 0.20),
    ("any time", "08:00", "15:30", 0.35),
)
_FIXED_TIMES = ("08:00", "09:00", "10:30", "11:00", "14:00")


class _Builder:
    """Collects visits and links while drawing from one random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.visits: list[Visit] = []
        self.links: list[Link] = []
        self.patients = 0

    def place(self, area: _Neighbourhood) -> Location:
        lat = area.lat + self.rng.uniform(-0.006, 0.006)
        lon = area.lon + self.rng.uniform(-0.007, 0.007)
        return Location(round(lat, 5), round(lon, 5))

    def patient(self, area: _Neighbourhood) -> tuple[str, str]:
        """Return a patient label and the patient's language."""
        draw = self.rng.random()
        language = "en"
        if draw < area.spanish:
            language = "es"
        elif draw < area.spanish + area.polish:
            language = "pl"
        self.patients += 1
        surname = self.rng.choice(_SURNAMES[language])
        initial = self.rng.choice("ABCDEFGHJKLMNPRSTW")
        return f"{surname}, {initial}. ({area.name})", language

    def window(self, fixed_share: float) -> tuple[TimeWindow, ...]:
        if self.rng.random() < fixed_share:
            moment = _clock(self.rng.choice(_FIXED_TIMES))
            return (TimeWindow(moment, moment),)
        draw = self.rng.random()
        for _, start, end, share in _PARTS_OF_DAY:
            if draw < share:
                return (TimeWindow(_clock(start), _clock(end)),)
            draw -= share
        return ()

    def add(self, **fields: Any) -> Visit:
        visit = Visit(id=f"V{len(self.visits) + 1:03d}", **fields)
        self.visits.append(visit)
        return visit


def _speakers(skills: frozenset[str]) -> set[str]:
    """Return the languages spoken by some caregiver who has all of ``skills``."""
    spoken: set[str] = set()
    for member in _STAFF:
        if skills <= member.skills:
            spoken |= member.languages
    return spoken


def _caregivers() -> tuple[Caregiver, ...]:
    lunch = Break(
        earliest_start=_clock("11:30"),
        latest_start=_clock("13:00"),
        duration=30 * MINUTE,
        id="lunch",
    )
    return tuple(
        Caregiver(
            id=member.id,
            start=Location(*member.home),
            shift_start=_clock(member.shift[0]),
            shift_end=_clock(member.shift[1]),
            skills=member.skills,
            languages=member.languages,
            breaks=(lunch,),
            max_overtime=30 * MINUTE,
            speed_kmh=28.0,
        )
        for member in _STAFF
    )


def _routine_visits(builder: _Builder) -> None:
    rng = builder.rng
    for kind in _VISIT_TYPES:
        speakers = _speakers(kind.skills)
        qualified = [m.id for m in _STAFF if kind.skills <= m.skills]
        for _ in range(kind.count):
            area = rng.choice(_NEIGHBOURHOODS)
            patient, language = builder.patient(area)
            # A patient whose language no qualified caregiver speaks gets a phone
            # interpreter, so the language is then not a requirement.
            required_language = language if language in speakers - {"en"} else None
            preferred: frozenset[str] = frozenset()
            if rng.random() < 0.15:
                preferred = frozenset({rng.choice(qualified)})
            builder.add(
                location=builder.place(area),
                duration=rng.choice(kind.minutes) * MINUTE,
                patient=f"{patient}, {kind.label}",
                windows=builder.window(kind.fixed),
                required_skills=kind.skills,
                language=required_language,
                preferred_caregivers=preferred,
                priority=kind.priority,
            )


def _special_visits(builder: _Builder) -> None:
    """Add the visits that need more than one caregiver or a fixed order."""
    # A two-person transfer of a bariatric patient: therapist and aide together.
    austin = _BY_NAME["Austin"]
    place = builder.place(austin)
    patient, _ = builder.patient(austin)
    window = (TimeWindow(_clock("10:00"), _clock("12:00")),)
    therapist = builder.add(
        location=place,
        duration=45 * MINUTE,
        patient=f"{patient}, PT two-person transfer",
        windows=window,
        required_skills=frozenset({"PT"}),
        priority=2,
    )
    aide = builder.add(
        location=place,
        duration=45 * MINUTE,
        patient=f"{patient}, HHA two-person transfer",
        windows=window,
        required_skills=frozenset({"HHA"}),
        priority=2,
    )
    builder.links.append(
        Link(LinkKind.SAME_START, therapist.id, aide.id, together=True)
    )

    # Wound dressing first, then the aide's bath at least an hour after the nurse
    # arrives and at most four hours after.
    pilsen = _BY_NAME["Pilsen"]
    place = builder.place(pilsen)
    patient, _ = builder.patient(pilsen)
    nurse = builder.add(
        location=place,
        duration=45 * MINUTE,
        patient=f"{patient}, SN wound care",
        windows=(TimeWindow(_clock("08:00"), _clock("11:00")),),
        required_skills=frozenset({"SN", "wound_care"}),
    )
    bath = builder.add(
        location=place,
        duration=60 * MINUTE,
        patient=f"{patient}, HHA bath after dressing",
        windows=(TimeWindow(_clock("09:00"), _clock("14:00")),),
        required_skills=frozenset({"HHA"}),
    )
    builder.links.append(
        Link(LinkKind.SEQUENCE, nurse.id, bath.id, min_gap=HOUR, max_gap=4 * HOUR)
    )

    # Aide visits twice a day, and two patients in one senior building in Uptown.
    for area_name in ("Brighton Park", "Portage Park"):
        area = _BY_NAME[area_name]
        place = builder.place(area)
        patient, _ = builder.patient(area)
        for label, start, end in (("AM", "08:00", "10:00"), ("PM", "13:30", "15:30")):
            builder.add(
                location=place,
                duration=45 * MINUTE,
                patient=f"{patient}, HHA {label} care",
                windows=(TimeWindow(_clock(start), _clock(end)),),
                required_skills=frozenset({"HHA"}),
            )
    uptown = _BY_NAME["Uptown"]
    building = builder.place(uptown)
    for _ in range(2):
        patient, _ = builder.patient(uptown)
        builder.add(
            location=building,
            duration=45 * MINUTE,
            patient=f"{patient}, SN routine",
            windows=(TimeWindow(_clock("09:00"), _clock("15:00")),),
            required_skills=frozenset({"SN"}),
        )

    # Continuity and refusals: a pediatric patient keeps RN2, and one patient has
    # declined a particular aide.
    builder.add(
        location=builder.place(_BY_NAME["Lincoln Park"]),
        duration=60 * MINUTE,
        patient=f"{builder.patient(_BY_NAME['Lincoln Park'])[0]}, SN pediatric",
        windows=(TimeWindow(_clock("13:00"), _clock("15:00")),),
        required_skills=frozenset({"SN", "pediatrics"}),
        pinned_caregiver="RN2",
    )
    builder.add(
        location=builder.place(_BY_NAME["Humboldt Park"]),
        duration=60 * MINUTE,
        patient=f"{builder.patient(_BY_NAME['Humboldt Park'])[0]}, HHA personal care",
        windows=(TimeWindow(_clock("08:00"), _clock("12:00")),),
        required_skills=frozenset({"HHA"}),
        excluded_caregivers=frozenset({"HHA4"}),
    )


def demo_problem(seed: int = DEMO_SEED) -> ProblemData:
    """Build the demo agency day.

    Parameters
    ----------
    seed
        Seed of the random draws (neighbourhood, address, patient, window and
        duration of each visit). The default gives the documented demo; the same
        seed always gives the same problem.

    Returns
    -------
    ProblemData
        15 caregivers and 94 visits with coordinates, a :class:`Region` for
        Chicago and ``origin`` at local midnight.
    """
    builder = _Builder(seed)
    _routine_visits(builder)
    _special_visits(builder)
    return ProblemData(
        caregivers=_caregivers(),
        visits=tuple(builder.visits),
        links=tuple(builder.links),
        region=REGION,
        origin=ORIGIN,
        name="Chicago agency day (demo)",
    )


def demo_params(time_limit: float = 10.0) -> SolveParams:
    """Return the parameters the demo is meant to be solved with.

    Travel time is the objective; a visit given to a caregiver other than the
    patient's preferred one costs as much as ten minutes of travel.
    """
    return SolveParams(time_limit=time_limit, preference_weight=10 * MINUTE)
