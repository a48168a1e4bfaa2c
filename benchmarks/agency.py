"""Generator of an agency-scale home health day in greater Chicago.

The default day has 1,000 visits and 150 caregivers, the size of a large agency's
daily schedule. Each caregiver has one discipline (RN, LPN, PT, OT, SLP, MSW or HHA).
Some have a certification (wound care, IV therapy, pediatrics) or a second language.
Each works an early, day or late shift with a 30-minute lunch break and starts from
home.
Visits need a discipline, sometimes a certification or a language, and have a fixed
time, a part-of-day window or no window. A few visits are two-person visits: two
linked visits at one patient that start together (``SAME_START``, ``together=True``).

Patients and homes are drawn around real neighbourhood centres; a point that falls in
Lake Michigan or outside the region is drawn again. The same ``seed`` gives the same
day. Times are seconds from midnight local time; travel is computed by the engine from
the coordinates (straight line times the caregiver's detour factor).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from homehealth_routing import (
    Break,
    Caregiver,
    Link,
    LinkKind,
    Location,
    ProblemData,
    Region,
    TimeWindow,
    Visit,
)

HOUR = 3600
MINUTE = 60

#: Greater Chicago: Evanston and Des Plaines in the north-west to Beverly in the south.
REGION = Region(min_lat=41.64, min_lon=-87.95, max_lat=42.10, max_lon=-87.52)

#: Neighbourhood centres (latitude, longitude) and the share of patients drawn there.
NEIGHBOURHOODS: tuple[tuple[str, float, float, float], ...] = (
    ("Loop", 41.8837, -87.6289, 0.5),
    ("Lincoln Park", 41.9214, -87.6513, 0.8),
    ("Lakeview", 41.9434, -87.6553, 1.0),
    ("Uptown", 41.9665, -87.6533, 1.0),
    ("Rogers Park", 42.0106, -87.6696, 1.0),
    ("Logan Square", 41.9231, -87.7093, 1.0),
    ("Humboldt Park", 41.9022, -87.7208, 1.0),
    ("Austin", 41.8940, -87.7654, 1.2),
    ("Lower West Side", 41.8565, -87.6660, 0.8),
    ("Bridgeport", 41.8380, -87.6510, 0.7),
    ("Hyde Park", 41.7943, -87.5990, 0.7),
    ("South Shore", 41.7606, -87.5800, 1.0),
    ("Chatham", 41.7406, -87.6125, 1.0),
    ("Englewood", 41.7798, -87.6445, 1.0),
    ("Chicago Lawn", 41.7750, -87.6963, 1.0),
    ("Beverly", 41.7183, -87.6717, 0.6),
    ("Roseland", 41.7110, -87.6260, 0.8),
    ("Portage Park", 41.9581, -87.7650, 0.9),
    ("Jefferson Park", 41.9703, -87.7610, 0.6),
    ("Evanston", 42.0451, -87.6877, 0.8),
    ("Skokie", 42.0324, -87.7416, 0.7),
    ("Des Plaines", 42.0334, -87.8834, 0.6),
    ("Oak Park", 41.8850, -87.7845, 0.7),
    ("Cicero", 41.8456, -87.7539, 0.8),
    ("Berwyn", 41.8506, -87.7937, 0.6),
)

#: Lake Michigan shoreline as (latitude, longitude) points from south to north; a point
#: east of the line between two of them is in the lake. An approximation to about
#: 0.01 degrees, enough to keep generated addresses on land.
SHORELINE: tuple[tuple[float, float], ...] = (
    (41.64, -87.52),
    (41.70, -87.525),
    (41.75, -87.545),
    (41.78, -87.575),
    (41.80, -87.580),
    (41.83, -87.603),
    (41.85, -87.610),
    (41.87, -87.614),
    (41.89, -87.612),
    (41.90, -87.622),
    (41.92, -87.630),
    (41.95, -87.640),
    (41.98, -87.652),
    (42.00, -87.660),
    (42.02, -87.665),
    (42.05, -87.673),
    (42.07, -87.680),
    (42.10, -87.690),
)


@dataclass(frozen=True)
class Discipline:
    """Staffing and visit profile of one discipline."""

    code: str
    #: Share of the agency's caregivers.
    staff_share: float
    #: Visit lengths in minutes, drawn uniformly.
    minutes: tuple[int, ...]
    #: Skills of a caregiver of this discipline (an RN may take LPN visits).
    skills: frozenset[str]
    #: Certification -> (share of caregivers holding it, share of visits needing it).
    certifications: tuple[tuple[str, float, float], ...] = ()


DISCIPLINES: tuple[Discipline, ...] = (
    Discipline(
        "RN",
        0.28,
        (45, 45, 60),
        frozenset({"RN", "LPN"}),
        (
            ("wound_care", 0.30, 0.15),
            ("iv_therapy", 0.25, 0.08),
            ("pediatrics", 0.10, 0.03),
        ),
    ),
    Discipline(
        "LPN", 0.10, (30, 45), frozenset({"LPN"}), (("wound_care", 0.20, 0.10),)
    ),
    Discipline("PT", 0.15, (45,), frozenset({"PT"}), (("pediatrics", 0.10, 0.03),)),
    Discipline("OT", 0.08, (45,), frozenset({"OT"}), (("pediatrics", 0.10, 0.03),)),
    Discipline(
        "SLP", 0.04, (30, 45), frozenset({"SLP"}), (("pediatrics", 0.15, 0.05),)
    ),
    Discipline("MSW", 0.04, (45, 60), frozenset({"MSW"})),
    Discipline("HHA", 0.31, (45, 60), frozenset({"HHA"})),
)

#: Shift name -> (start, end, share of caregivers). Every shift has a lunch break.
SHIFTS: tuple[tuple[str, int, int, float], ...] = (
    ("early", 7 * HOUR, 15 * HOUR + 30 * MINUTE, 0.2),
    ("day", 8 * HOUR, 16 * HOUR + 30 * MINUTE, 0.6),
    ("late", 10 * HOUR, 18 * HOUR + 30 * MINUTE, 0.2),
)
LUNCH = (11 * HOUR + 30 * MINUTE, 13 * HOUR + 30 * MINUTE, 30 * MINUTE)
#: Second languages (besides English) and the share of caregivers and visits using them.
LANGUAGES: tuple[tuple[str, float, float], ...] = (
    ("es", 0.25, 0.12),
    ("pl", 0.06, 0.03),
)
#: Share of visits that are the second visit of the day at an already drawn patient.
SECOND_VISIT_SHARE = 0.08
#: Share of visits that belong to a two-person visit (two linked visits per pair).
TWO_PERSON_SHARE = 0.01
START_OF_CARE_SHARE = 0.05


def shoreline_lon(lat: float) -> float:
    """Return the longitude of the lake shore at ``lat`` (linear between points)."""
    points = SHORELINE
    if lat <= points[0][0]:
        return points[0][1]
    for (lat0, lon0), (lat1, lon1) in zip(points, points[1:], strict=False):
        if lat <= lat1:
            return lon0 + (lon1 - lon0) * (lat - lat0) / (lat1 - lat0)
    return points[-1][1]


def on_land(lat: float, lon: float) -> bool:
    """Tell whether a point is inside :data:`REGION` and west of the lake shore."""
    inside = (
        REGION.min_lat <= lat <= REGION.max_lat
        and REGION.min_lon <= lon <= REGION.max_lon
    )
    return inside and lon < shoreline_lon(lat) - 0.003


def _draw_location(rng: random.Random, spread_km: float = 1.2) -> Location:
    weights = [weight for *_, weight in NEIGHBOURHOODS]
    _, lat0, lon0, _ = rng.choices(NEIGHBOURHOODS, weights=weights)[0]
    while True:
        lat = lat0 + rng.gauss(0.0, spread_km) / 111.0
        lon = lon0 + rng.gauss(0.0, spread_km) / (111.32 * math.cos(math.radians(lat0)))
        if on_land(lat, lon):
            return Location(round(lat, 6), round(lon, 6))


def _apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by largest remainder.

    Each part gets at least ``minimum``.
    """
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(
            f"{total} is too small to give each of {len(weights)} parts {minimum}"
        )
    shares = [rest * w / sum(weights) for w in weights]
    floors = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: floors[i] - shares[i])
    for i in order[: rest - sum(floors)]:
        floors[i] += 1
    return [c + f for c, f in zip(counts, floors, strict=True)]


def _caregivers(rng: random.Random, count: int) -> list[Caregiver]:
    minimum = 1 if count >= len(DISCIPLINES) else 0
    staff = _apportion(count, [d.staff_share for d in DISCIPLINES], minimum)
    shift_weights = [share for *_, share in SHIFTS]
    caregivers = []
    for discipline, number in zip(DISCIPLINES, staff, strict=True):
        for k in range(1, number + 1):
            skills = set(discipline.skills)
            for certification, staff_share, _ in discipline.certifications:
                # The first caregiver of a discipline has every certification so that
                # every certified visit has someone qualified, even at a tiny scale.
                if k == 1 or rng.random() < staff_share:
                    skills.add(certification)
            languages = {"en"}
            for language, staff_share, _ in LANGUAGES:
                if k == 1 or rng.random() < staff_share:
                    languages.add(language)
            _, shift_start, shift_end, _ = rng.choices(SHIFTS, weights=shift_weights)[0]
            if k == 1:
                # The fully qualified caregiver works the day shift, which covers
                # every fixed time.
                _, shift_start, shift_end, _ = SHIFTS[1]
            earliest, latest, duration = LUNCH
            caregivers.append(
                Caregiver(
                    id=f"{discipline.code}-{k:03d}",
                    start=_draw_location(rng, spread_km=2.0),
                    shift_start=shift_start,
                    shift_end=shift_end,
                    skills=frozenset(skills),
                    languages=frozenset(languages),
                    breaks=(Break(earliest, latest, duration, id="lunch"),),
                    max_overtime=30 * MINUTE,
                )
            )
    return caregivers


def _windows(rng: random.Random) -> tuple[TimeWindow, ...]:
    """Draw a fixed time (15 %), a morning or afternoon window (50 %) or none."""
    kind = rng.random()
    if kind < 0.15:
        start = 9 * HOUR + rng.randrange(0, 23) * 15 * MINUTE  # 09:00 to 14:30
        return (TimeWindow(start, start + 30 * MINUTE),)
    if kind < 0.40:
        return (TimeWindow(8 * HOUR, 12 * HOUR),)
    if kind < 0.65:
        return (TimeWindow(12 * HOUR, 15 * HOUR),)
    return ()


def _requirements(
    rng: random.Random, discipline: Discipline, team: list[Caregiver]
) -> tuple[frozenset[str], str | None, int, int]:
    """Draw required skills, language, duration (s) and priority of one visit.

    A language or certification is dropped again when fewer than two caregivers of
    ``team`` (one in a team of one) could take the visit with it.
    """
    skills = {discipline.code}
    for certification, _, visit_share in discipline.certifications:
        if rng.random() < visit_share:
            skills.add(certification)
    language = None
    for code, _, visit_share in LANGUAGES:
        if language is None and rng.random() < visit_share:
            language = code

    def qualified(language: str | None) -> int:
        return sum(
            skills <= c.skills and (language is None or language in c.languages)
            for c in team
        )

    enough = min(2, len(team))
    if language is not None and qualified(language) < enough:
        language = None
    if qualified(None) < enough:
        skills = {discipline.code}
    minutes = rng.choice(discipline.minutes)
    priority = 1
    if discipline.code == "RN" and rng.random() < START_OF_CARE_SHARE:
        minutes, priority = 75, 2
    return frozenset(skills), language, minutes * MINUTE, priority


def generate_day(
    visits: int = 1000, caregivers: int = 150, seed: int = 1
) -> ProblemData:
    """Generate one agency day.

    Parameters
    ----------
    visits
        Number of visits, two-person visits counted as two.
    caregivers
        Number of caregivers; with seven or more, every discipline has one.
    seed
        Seed of the random draws; the same arguments give the same day.

    Returns
    -------
    ProblemData
        Caregivers, visits and ``SAME_START`` links with geographic places and the
        greater Chicago :data:`REGION`.
    """
    if visits < 1 or caregivers < 1:
        raise ValueError("visits and caregivers must be at least 1")
    rng = random.Random(seed)
    staff = _caregivers(rng, caregivers)
    pairs = round(visits * TWO_PERSON_SHARE / 2)
    if visits >= 20:
        pairs = max(pairs, 1)
    hha = next(d for d in DISCIPLINES if d.code == "HHA")
    staffed = [d for d in DISCIPLINES if any(d.code in c.skills for c in staff)]
    if pairs and sum("HHA" in c.skills for c in staff) < 2:
        pairs = 0
    # Visits are shared out so that every discipline has about the same service hours
    # per caregiver.
    weights = [
        sum(c.id.startswith(d.code + "-") for c in staff)
        * len(d.minutes)
        / sum(d.minutes)
        for d in staffed
    ]
    per_discipline = _apportion(visits - 2 * pairs, weights)

    result: list[Visit] = []
    links: list[Link] = []
    patients: list[tuple[str, Location]] = []

    def new_patient() -> tuple[str, Location]:
        patient = (f"P{len(patients) + 1:04d}", _draw_location(rng))
        patients.append(patient)
        return patient

    order = [d for d, n in zip(staffed, per_discipline, strict=True) for _ in range(n)]
    rng.shuffle(order)
    for discipline in order:
        if patients and rng.random() < SECOND_VISIT_SHARE:
            patient, location = rng.choice(patients)
        else:
            patient, location = new_patient()
        team = [c for c in staff if c.id.startswith(discipline.code + "-")]
        skills, language, duration, priority = _requirements(rng, discipline, team)
        result.append(
            Visit(
                id=f"V{len(result) + 1:04d}",
                location=location,
                duration=duration,
                patient=patient,
                windows=_windows(rng),
                required_skills=skills,
                language=language,
                priority=priority,
            )
        )

    for _ in range(pairs):
        # A two-person transfer: two aides at a fixed time, both or neither.
        patient, location = new_patient()
        start = 9 * HOUR + rng.randrange(0, 21) * 15 * MINUTE  # 09:00 to 14:00
        window = (TimeWindow(start, start + 30 * MINUTE),)
        pair = []
        for _ in range(2):
            pair.append(
                Visit(
                    id=f"V{len(result) + 1:04d}",
                    location=location,
                    duration=60 * MINUTE,
                    patient=patient,
                    windows=window,
                    required_skills=frozenset({hha.code}),
                )
            )
            result.append(pair[-1])
        links.append(Link(LinkKind.SAME_START, pair[0].id, pair[1].id, together=True))

    return ProblemData(
        caregivers=tuple(staff),
        visits=tuple(result),
        links=tuple(links),
        region=REGION,
        origin="2026-12-07T00:00:00-06:00",
        name=f"agency-chicago-{visits}v-{caregivers}c-seed{seed}",
    )
