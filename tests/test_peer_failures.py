"""Failures that users of other routing tools have reported, each as a case here.

Every case solves with the real OR-Tools search (time limit 1 s) and checks the
outcome that a scheduler expects.
"""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic

from homehealth_routing import (
    Break,
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    Location,
    ProblemData,
    Reason,
    Region,
    SolveParams,
    TimeWindow,
    TravelMatrix,
    Visit,
    solve,
)

HOUR = 3600
MINUTE = 60
PARAMS = SolveParams(time_limit=1.0)

#: A home in Chicago's Loop.
HOME = Location(41.8781, -87.6298)


def uniform_matrix(size: int, seconds: int) -> TravelMatrix:
    """Return a matrix with ``seconds`` (and ``10 * seconds`` metres) between places."""
    duration = tuple(
        tuple(0 if i == j else seconds for j in range(size)) for i in range(size)
    )
    distance = tuple(tuple(10 * value for value in row) for row in duration)
    return TravelMatrix(duration, distance)


def east_of(origin: Location, metres: float) -> Location:
    point = geodesic(meters=metres).destination((origin.lat, origin.lon), 90)
    return Location(point.latitude, point.longitude)


def stops_by_visit(solution):
    return {s.visit_id: (r, s) for r in solution.routes for s in r.stops}


def reasons(solution):
    return {u.visit_id: u.reason for u in solution.unassigned}


# --------------------------------------------------------------------------------------


def test_missing_skill_leaves_rest_planned():
    """1. A wound-care visit with only aides on duty is unassigned, the rest planned."""
    aides = tuple(
        Caregiver(f"aide{k}", 0, 8 * HOUR, 16 * HOUR, skills={"hha"}) for k in (1, 2)
    )
    visits = (
        Visit("V1", 1, HOUR, required_skills={"hha", "wound_care"}),
        Visit("V2", 2, HOUR, required_skills={"hha"}),
        Visit("V3", 3, HOUR, required_skills={"hha"}),
    )
    problem = ProblemData(aides, visits, matrix=uniform_matrix(4, 600))

    solution = solve(problem, PARAMS)

    assert reasons(solution) == {"V1": Reason.NO_QUALIFIED_CAREGIVER}
    assert "wound_care" in solution.unassigned[0].detail
    assert set(stops_by_visit(solution)) == {"V2", "V3"}
    assert solution.violations == ()


def test_overfull_morning_drops_one_visit():
    """2. Three 90-min visits in a 4-hour shift: two planned, one left with no_time."""
    caregiver = Caregiver("rn", 0, 8 * HOUR, 12 * HOUR)
    visits = tuple(Visit(f"V{k}", k, 90 * MINUTE) for k in (1, 2, 3))
    problem = ProblemData((caregiver,), visits, matrix=uniform_matrix(4, 10 * MINUTE))

    solution = solve(problem, PARAMS)

    assert solution.assigned_count == 2
    assert len(solution.routes) == 1
    assert [u.reason for u in solution.unassigned] == [Reason.NO_TIME]
    assert solution.violations == ()


def test_distant_visit_served_in_metres():
    """3. With the objective in metres, a visit 9 km from home is still planned."""
    caregiver = Caregiver("rn", HOME, 8 * HOUR, 16 * HOUR, speed_kmh=40)
    visit = Visit("far", east_of(HOME, 9000), HOUR)
    problem = ProblemData((caregiver,), (visit,))

    solution = solve(problem, SolveParams(time_limit=1.0, objective="distance"))

    assert solution.assigned_count == 1
    assert solution.unassigned == ()
    assert solution.routes[0].stops[0].travel_distance > 9000


def nurse_and_aide(together: bool) -> ProblemData:
    aide = Caregiver("aide", 0, 8 * HOUR, 16 * HOUR, skills={"hha"})
    visits = (
        Visit("nurse_visit", 1, HOUR, required_skills={"rn"}),
        Visit("aide_visit", 1, HOUR, required_skills={"hha"}),
    )
    link = Link(
        LinkKind.SEQUENCE, "nurse_visit", "aide_visit", min_gap=HOUR, together=together
    )
    return ProblemData((aide,), visits, (link,), matrix=uniform_matrix(2, 600))


def test_sequence_without_nurse_places_aide():
    """4a. "Aide 60 min after the nurse" with no nurse on duty: the aide still goes."""
    solution = solve(nurse_and_aide(together=False), PARAMS)

    assert reasons(solution) == {"nurse_visit": Reason.NO_QUALIFIED_CAREGIVER}
    assert set(stops_by_visit(solution)) == {"aide_visit"}
    assert solution.violations == ()


def test_together_sequence_without_nurse():
    """4b. The same pair performed together: both unassigned, the aide as linked."""
    solution = solve(nurse_and_aide(together=True), PARAMS)

    assert reasons(solution) == {
        "nurse_visit": Reason.NO_QUALIFIED_CAREGIVER,
        "aide_visit": Reason.LINKED_VISIT_UNASSIGNED,
    }
    assert solution.routes == ()


def test_pinned_visit_over_lunch_window():
    """5. A 60-min visit pinned at 11:40 covers the whole lunch window 12:00-12:10.

    The break is mandatory: every placement of a 30-min lunch starting in
    12:00-12:10 overlaps 11:40-12:40, so the pinned visit cannot be performed as
    given. The engine keeps the break and leaves the visit unassigned with
    ``no_time`` and a detail naming the break. The caregiver's other visit is
    still planned, and no break overlaps a visit.
    """
    lunch = Break(12 * HOUR, 12 * HOUR + 10 * MINUTE, 30 * MINUTE, "lunch")
    caregiver = Caregiver("rn", 0, 8 * HOUR, 17 * HOUR, breaks=(lunch,))
    visits = (
        Visit("pinned", 1, HOUR, pinned_start=11 * HOUR + 40 * MINUTE),
        Visit("afternoon", 2, HOUR, windows=(TimeWindow(12 * HOUR, 16 * HOUR),)),
    )
    problem = ProblemData((caregiver,), visits, matrix=uniform_matrix(3, 600))

    solution = solve(problem, PARAMS)

    assert reasons(solution) == {"pinned": Reason.NO_TIME}
    assert "break" in solution.unassigned[0].detail
    route = solution.routes[0]
    assert [s.visit_id for s in route.stops] == ["afternoon"]
    for brk in route.breaks:
        for stop in route.stops:
            assert brk.end <= stop.start or stop.end <= brk.start
    assert solution.violations == ()


def test_departure_as_late_as_window_allows():
    """6. Shift 07:00-15:00, 30-min visit at 09:00-09:30, 20 min away: 08:40-09:50."""
    caregiver = Caregiver(
        "rn", HOME, 7 * HOUR, 15 * HOUR, speed_kmh=30, detour_factor=1
    )
    # 10 km east at 30 km/h is 1200 s, plus under a second of rounding.
    visit = Visit(
        "V1",
        east_of(HOME, 9999.5),
        30 * MINUTE,
        windows=(TimeWindow(9 * HOUR, 9 * HOUR + 30 * MINUTE),),
    )
    problem = ProblemData((caregiver,), (visit,))

    solution = solve(problem, PARAMS)

    route = solution.routes[0]
    assert route.stops[0].travel_time == 20 * MINUTE
    assert route.departure == 8 * HOUR + 40 * MINUTE
    assert route.stops[0].start == 9 * HOUR
    assert route.arrival_home == 9 * HOUR + 50 * MINUTE


def test_short_hops_rounded_up():
    """7. Stops about 240 m apart, 25 km/h, detour 1.3: legs of 41-47 s, never 0."""
    speed_kmh, detour = 25.0, 1.3
    points = [HOME]
    for spacing in (228.0, 236.0, 244.0, 251.0, 240.0):
        points.append(east_of(points[-1], spacing))
    # Ending the day past the last stop makes the order along the street the only
    # shortest one.
    caregiver = Caregiver(
        "hha",
        HOME,
        8 * HOUR,
        12 * HOUR,
        end=points[-1],
        speed_kmh=speed_kmh,
        detour_factor=detour,
    )
    visits = tuple(Visit(f"S{k}", points[k], 15 * MINUTE) for k in range(1, 5))
    problem = ProblemData((caregiver,), visits)

    solution = solve(problem, PARAMS)

    stops = solution.routes[0].stops
    assert [s.visit_id for s in stops] == ["S1", "S2", "S3", "S4"]
    for k, leg in enumerate(stops):
        before, after = points[k], points[k + 1]
        road_m = geodesic((before.lat, before.lon), (after.lat, after.lon)).m * detour
        seconds = road_m / (speed_kmh / 3.6)
        # The points are chosen away from whole seconds, so rounding is unambiguous.
        assert abs(seconds - round(seconds)) > 0.01
        assert leg.travel_time == math.ceil(seconds)
        assert 41 <= leg.travel_time <= 47


def test_shared_address_each_visit_once():
    """8. A visit at the caregiver's home and two patients in one building."""
    building = east_of(HOME, 1500)
    caregiver = Caregiver("rn", HOME, 8 * HOUR, 16 * HOUR)
    visits = (
        Visit("at_home", HOME, 30 * MINUTE),
        Visit("flat_1", building, 30 * MINUTE),
        Visit("flat_2", building, 30 * MINUTE),
    )
    problem = ProblemData((caregiver,), visits)

    solution = solve(problem, PARAMS)

    planned = [s.visit_id for r in solution.routes for s in r.stops]
    assert sorted(planned) == ["at_home", "flat_1", "flat_2"]
    assert solution.unassigned == ()
    stops = stops_by_visit(solution)
    # The flats are next to each other in the best order, with no travel between.
    assert min(stops[v][1].travel_distance for v in ("flat_1", "flat_2")) == 0
    assert solution.violations == ()


def test_swapped_coordinates_rejected():
    """9. (41.88, -87.63) given as (lon, lat) lies outside a Chicago region."""
    chicago = Region(min_lat=41.6, min_lon=-88.0, max_lat=42.1, max_lon=-87.5)
    caregiver = Caregiver("rn", HOME, 8 * HOUR, 16 * HOUR)
    visit = Visit("V7", Location(lat=-87.63, lon=41.88), HOUR)
    problem = ProblemData((caregiver,), (visit,), region=chicago)

    with pytest.raises(InvalidInput) as error:
        solve(problem, PARAMS)

    message = str(error.value)
    assert "V7" in message
    assert "outside the region" in message
    assert "swapped" in message


def test_two_person_visit_and_sequence():
    """10. A same-start pair (skills s2, s3) and a pair s1 then s3 within 30-45 min."""
    caregivers = (
        Caregiver("c1", 0, 0, 600 * MINUTE, skills={"s1"}),
        Caregiver("c2", 0, 0, 600 * MINUTE, skills={"s2"}),
        Caregiver("c3", 0, 0, 600 * MINUTE, skills={"s3"}),
    )
    window = (TimeWindow(120 * MINUTE, 210 * MINUTE),)
    visits = (
        Visit("pair_s2", 1, 30 * MINUTE, required_skills={"s2"}, windows=window),
        Visit("pair_s3", 1, 30 * MINUTE, required_skills={"s3"}, windows=window),
        Visit("seq_s1", 2, 20 * MINUTE, required_skills={"s1"}),
        Visit("seq_s3", 2, 20 * MINUTE, required_skills={"s3"}),
    )
    links = (
        Link(LinkKind.SAME_START, "pair_s2", "pair_s3", together=True),
        Link(
            LinkKind.SEQUENCE,
            "seq_s1",
            "seq_s3",
            min_gap=30 * MINUTE,
            max_gap=45 * MINUTE,
        ),
    )
    matrix = TravelMatrix(
        duration=((0, 900, 1200), (900, 0, 600), (1200, 600, 0)),
        distance=((0, 9000, 12000), (9000, 0, 6000), (12000, 6000, 0)),
    )
    problem = ProblemData(caregivers, visits, links, matrix=matrix)

    solution = solve(problem, PARAMS)

    stops = stops_by_visit(solution)
    assert solution.unassigned == ()
    (route_a, pair_a), (route_b, pair_b) = stops["pair_s2"], stops["pair_s3"]
    assert pair_a.start == pair_b.start
    assert route_a.caregiver_id != route_b.caregiver_id
    assert 120 * MINUTE <= pair_a.start <= 210 * MINUTE
    gap = stops["seq_s3"][1].start - stops["seq_s1"][1].start
    assert 30 * MINUTE <= gap <= 45 * MINUTE
    assert solution.violations == ()
