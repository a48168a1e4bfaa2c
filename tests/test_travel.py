"""Tests of the travel matrices: geopy distances, rounding, profiles and regions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from geopy.distance import geodesic

from homehealth_routing import (
    Caregiver,
    InvalidInput,
    Location,
    ProblemData,
    Region,
    TravelMatrix,
    Visit,
)
from homehealth_routing.travel import Travel, geodesic_matrix, round_up

CHICAGO = Location(41.8781, -87.6298)


def offset(origin: Location, metres: float, bearing: float) -> Location:
    point = geodesic(meters=metres).destination((origin.lat, origin.lon), bearing)
    return Location(point.latitude, point.longitude)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((41.8781, -87.6298), (41.8800, -87.6298)),  # about 200 m north
        ((41.8781, -87.6298), (41.9742, -87.9073)),  # Loop to O'Hare
        ((41.8781, -87.6298), (40.7128, -74.0060)),  # Chicago to New York
        ((-33.8688, 151.2093), (-37.8136, 144.9631)),  # Sydney to Melbourne
        ((64.1466, -21.9426), (64.1470, -21.9400)),  # Reykjavik, short and far north
        ((0.0001, 10.0), (0.0002, 10.0001)),  # near the equator, about 15 m
    ],
)
def test_geodesic_matrix_matches_geopy(a, b):
    computed = geodesic_matrix(
        np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]])
    )[0, 0]
    expected = geodesic(a, b).m
    assert abs(computed - expected) <= 1e-5 * expected


def test_geodesic_matrix_many_points():
    rng = np.random.default_rng(7)
    lats = rng.uniform(41.6, 42.1, 40)
    lons = rng.uniform(-87.9, -87.5, 40)
    matrix = geodesic_matrix(lats, lons, lats, lons)
    for i in range(0, 40, 7):
        for j in range(1, 40, 5):
            expected = geodesic((lats[i], lons[i]), (lats[j], lons[j])).m
            assert abs(matrix[i, j] - expected) <= 1e-5 * expected + 1e-6


def test_geodesic_matrix_identical_points_zero():
    lats = np.array([41.8781, 41.8781, 41.9])
    lons = np.array([-87.6298, -87.6298, -87.7])
    matrix = geodesic_matrix(lats, lons, lats, lons)
    assert matrix[0, 1] == 0.0
    assert np.all(np.diag(matrix) == 0.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0), (100.0, 100), (100.0000000001, 100), (100.1, 101), (0.2, 1)],
)
def test_round_up_cases(value, expected):
    assert round_up(np.array([value]))[0] == expected


def problem_with(visits, caregivers, **kwargs) -> ProblemData:
    return ProblemData(tuple(caregivers), tuple(visits), **kwargs)


def test_travel_durations_round_up():
    caregiver = Caregiver("c", CHICAGO, 0, 3600, speed_kmh=25, detour_factor=1.3)
    target = offset(CHICAGO, 1000.4, 45)
    travel = Travel(problem_with([Visit("v", target, 60)], [caregiver]))
    home, visit = travel.start_place(0), travel.visit_place(0)

    road_m = geodesic((CHICAGO.lat, CHICAGO.lon), (target.lat, target.lon)).m * 1.3
    assert travel.distance(caregiver, home, visit) == math.ceil(road_m)
    assert travel.duration(caregiver, home, visit) == math.ceil(road_m / (25 / 3.6))


def test_travel_tiny_hop_costs_one():
    caregiver = Caregiver("c", CHICAGO, 0, 3600)
    next_door = Location(CHICAGO.lat + 1e-7, CHICAGO.lon)  # about 1 cm north
    travel = Travel(problem_with([Visit("v", next_door, 60)], [caregiver]))
    home, visit = travel.start_place(0), travel.visit_place(0)
    assert travel.distance(caregiver, home, visit) == 1
    assert travel.duration(caregiver, home, visit) == 1


def test_travel_same_point_costs_nothing():
    caregiver = Caregiver("c", CHICAGO, 0, 3600)
    same = Location(CHICAGO.lat, CHICAGO.lon)
    travel = Travel(
        problem_with([Visit("a", same, 60), Visit("b", same, 60)], [caregiver])
    )
    home = travel.start_place(0)
    for visit in (travel.visit_place(0), travel.visit_place(1)):
        assert travel.distance(caregiver, home, visit) == 0
        assert travel.duration(caregiver, home, visit) == 0


def test_travel_detour_scales_distance():
    straight = Caregiver("straight", CHICAGO, 0, 3600, detour_factor=1.0)
    winding = Caregiver("winding", CHICAGO, 0, 3600, detour_factor=1.5)
    target = offset(CHICAGO, 3999.5, 0)
    travel = Travel(problem_with([Visit("v", target, 60)], [straight, winding]))
    home, visit = travel.start_place(0), travel.visit_place(0)
    assert travel.distance(straight, home, visit) == 4000
    assert travel.distance(winding, home, visit) == 6000


def test_travel_profiles_shared():
    first = Caregiver("a", CHICAGO, 0, 3600, speed_kmh=30)
    same = Caregiver("b", offset(CHICAGO, 500, 90), 0, 3600, speed_kmh=30)
    faster = Caregiver("c", CHICAGO, 0, 3600, speed_kmh=45)
    visit = Visit("v", offset(CHICAGO, 2000, 180), 60)
    travel = Travel(problem_with([visit], [first, same, faster]))

    assert travel.matrices(first)[0] is travel.matrices(same)[0]
    assert travel.matrices(first)[0] is not travel.matrices(faster)[0]
    home, place = travel.start_place(2), travel.visit_place(0)
    assert travel.duration(faster, home, place) < travel.duration(first, home, place)


def test_travel_end_differs_from_start():
    office = offset(CHICAGO, 2999.5, 90)
    caregiver = Caregiver("c", CHICAGO, 0, 3600, end=office)
    travel = Travel(problem_with([Visit("v", CHICAGO, 60)], [caregiver]))
    assert travel.start_place(0) == travel.visit_place(0)
    assert travel.end_place(0) != travel.start_place(0)
    distance = travel.distance(caregiver, travel.visit_place(0), travel.end_place(0))
    assert distance == math.ceil(2999.5 * caregiver.detour_factor)


def test_travel_matrix_places_as_given():
    matrix = TravelMatrix(
        duration=((0, 5, 9), (6, 0, 4), (8, 3, 0)),
        distance=((0, 50, 90), (60, 0, 40), (80, 30, 0)),
    )
    caregiver = Caregiver("c", 0, 0, 3600, end=2)
    travel = Travel(problem_with([Visit("v", 1, 60)], [caregiver], matrix=matrix))
    home, visit, end = travel.start_place(0), travel.visit_place(0), travel.end_place(0)
    assert travel.duration(caregiver, home, visit) == 5
    assert travel.duration(caregiver, visit, end) == 4
    assert travel.distance(caregiver, visit, home) == 60
    assert travel.profile(caregiver) is None


def test_travel_rejects_point_outside_region():
    region = Region(min_lat=41.6, min_lon=-88.0, max_lat=42.1, max_lon=-87.5)
    caregiver = Caregiver("nurse_7", Location(-87.63, 41.88), 0, 3600)
    problem = problem_with([Visit("v", CHICAGO, 60)], [caregiver], region=region)
    with pytest.raises(InvalidInput, match="caregiver 'nurse_7'.*swapped"):
        Travel(problem)


def test_travel_region_without_swap_hint():
    region = Region(min_lat=41.6, min_lon=-88.0, max_lat=42.1, max_lon=-87.5)
    caregiver = Caregiver("c", CHICAGO, 0, 3600)
    problem = problem_with(
        [Visit("in_ny", Location(40.71, -74.0), 60)], [caregiver], region=region
    )
    with pytest.raises(InvalidInput) as error:
        Travel(problem)
    assert "visit 'in_ny'" in str(error.value)
    assert "swapped" not in str(error.value)
