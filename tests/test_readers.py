"""Tests of the instance readers: VRPLIB, Mankowska and format detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from homehealth_routing import (
    InvalidInput,
    LinkKind,
    Route,
    Solution,
    Stop,
    check,
)
from homehealth_routing.readers import (
    mankowska_objective,
    read_instance,
    read_mankowska,
    read_vrplib,
    read_vrplib_solution,
    schedule_routes,
)

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """Return a file of the shared benchmark data, failing when it is absent."""
    path = SHARED.joinpath(*parts)
    assert path.is_file(), (
        f"{path} is missing: check out the shared data folder beside the repository"
    )
    return path


def rebuild_sol(instance, sol_path):
    solution = read_vrplib_solution(sol_path)
    routes = {
        f"v{k}": [str(c) for c in route] for k, route in enumerate(solution.routes, 1)
    }
    return solution, schedule_routes(instance.problem, routes)


# --------------------------------------------------------------------------------------
# VRPLIB


def test_vrplib_tiny_sizes():
    instance = read_vrplib(DATA / "tiny.vrp")
    problem = instance.problem
    assert instance.format == "vrplib"
    assert instance.scale == 10
    assert len(problem.visits) == 5
    assert len(problem.caregivers) == 2
    assert problem.matrix is not None
    assert problem.matrix.size == 6


@pytest.mark.parametrize(
    ("origin", "destination", "expected"),
    [
        (0, 1, 50),  # (10,10)-(13,14): exactly 5
        (1, 2, 42),  # sqrt(18) = 4.2426
        (3, 4, 70),  # sqrt(50) = 7.0711
        (4, 5, 127),  # sqrt(162) = 12.7279
        (5, 0, 141),  # sqrt(200) = 14.1421
        (2, 2, 0),
    ],
)
def test_vrplib_dimacs_distance(origin, destination, expected):
    matrix = read_vrplib(DATA / "tiny.vrp").problem.matrix
    assert matrix.distance[origin][destination] == expected
    assert matrix.duration[origin][destination] == expected


def test_vrplib_visit_fields():
    problem = read_vrplib(DATA / "tiny.vrp").problem
    visit = next(v for v in problem.visits if v.id == "4")
    assert visit.location == 4
    assert visit.duration == 50
    assert visit.workload == 5
    assert (visit.windows[0].start, visit.windows[0].end) == (500, 600)
    assert visit.hard_windows


def test_vrplib_caregiver_fields():
    caregiver = read_vrplib(DATA / "tiny.vrp").problem.caregivers[1]
    assert caregiver.id == "v2"
    assert caregiver.start == 0
    assert caregiver.end_place == 0
    assert (caregiver.shift_start, caregiver.shift_end) == (0, 2000)
    assert caregiver.max_workload == 30


def test_vrplib_distance_objective():
    params = read_vrplib(DATA / "tiny.vrp").params
    assert params is not None
    assert params.objective == "distance"


def test_vrplib_tiny_no_reference():
    instance = read_vrplib(DATA / "tiny.vrp")
    assert instance.reference is None


def test_vrplib_solution_tiny_cost():
    instance = read_vrplib(DATA / "tiny.vrp")
    sol, rebuilt = rebuild_sol(instance, DATA / "tiny.sol")
    assert sol.routes == ((1, 2), (3, 4, 5))
    assert rebuilt.travel_distance == 560
    assert rebuilt.travel_distance / instance.scale == pytest.approx(sol.cost)


def test_schedule_routes_times():
    instance = read_vrplib(DATA / "tiny.vrp")
    _, rebuilt = rebuild_sol(instance, DATA / "tiny.sol")
    route = rebuilt.routes[1]
    starts = [stop.start for stop in route.stops]
    assert starts == [60, 500, 677]
    assert route.stops[1].waiting == 500 - 180
    assert route.arrival_home == 868


def test_schedule_routes_checker_accepts():
    instance = read_vrplib(DATA / "tiny.vrp")
    _, rebuilt = rebuild_sol(instance, DATA / "tiny.sol")
    assert check(instance.problem, rebuilt) == []


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("solomon", "C101"),
        ("solomon", "R101"),
        ("solomon", "RC208"),
        ("gh200", "C1_2_1"),
    ],
)
def test_vrplib_bks_routes_cost(folder, name):
    instance = read_vrplib(shared("vrptw", folder, f"{name}.vrp"))
    sol, rebuilt = rebuild_sol(instance, shared("vrptw", folder, f"{name}.sol"))
    assert instance.reference == pytest.approx(sol.cost)
    assert rebuilt.travel_distance / instance.scale == pytest.approx(sol.cost, abs=0.1)


@pytest.mark.parametrize("name", ["C101", "R101"])
def test_vrplib_bks_routes_checked(name):
    instance = read_vrplib(shared("vrptw", "solomon", f"{name}.vrp"))
    _, rebuilt = rebuild_sol(instance, shared("vrptw", "solomon", f"{name}.sol"))
    assert rebuilt.assigned_count == 100
    assert check(instance.problem, rebuilt) == []


def test_vrplib_solomon_fleet():
    instance = read_vrplib(shared("vrptw", "solomon", "C101.vrp"))
    caregivers = instance.problem.caregivers
    assert len(caregivers) == 25
    assert caregivers[0].max_workload == 200
    assert caregivers[0].shift_end == 12360


def test_vrplib_service_section(tmp_path):
    text = (
        (DATA / "tiny.vrp")
        .read_text()
        .replace(
            "DEPOT_SECTION",
            "SERVICE_TIME_SECTION\n1 0\n2 7\n3 5\n4 5\n5 5\n6 5\nDEPOT_SECTION",
        )
    )
    path = tmp_path / "service.vrp"
    path.write_text(text)
    visit = read_vrplib(path).problem.visits[0]
    assert visit.duration == 70


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("NODE_COORD_SECTION", "NODE_COORDS", "is neither"),
        ("EDGE_WEIGHT_TYPE : EUC_2D", "EDGE_WEIGHT_TYPE : EXPLICIT", "EXPLICIT"),
        ("DIMENSION : 6", "DIMENSION : 7", "DIMENSION is 7"),
        ("6 30 100\n", "", "no window for node 6"),
        ("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n1\n2\n", "exactly one"),
        ("2 13 14", "2 13 x", "'x' is not a number"),
    ],
)
def test_vrplib_bad_file(tmp_path, old, new, message):
    text = (DATA / "tiny.vrp").read_text()
    assert old in text
    path = tmp_path / "bad.vrp"
    path.write_text(text.replace(old, new))
    with pytest.raises(InvalidInput, match=message):
        read_vrplib(path)


# --------------------------------------------------------------------------------------
# Mankowska


def test_mankowska_tiny_visits():
    instance = read_mankowska(DATA / "tiny_mankowska.txt")
    ids = [v.id for v in instance.problem.visits]
    assert ids == ["p1-s1", "p2-s2", "p2-s3", "p3-s1", "p3-s2"]
    assert instance.scale == 100


def test_mankowska_tiny_visit_fields():
    visits = {
        v.id: v for v in read_mankowska(DATA / "tiny_mankowska.txt").problem.visits
    }
    visit = visits["p2-s3"]
    assert visit.location == 2
    assert visit.required_skills == {"s3"}
    assert visit.duration == 1000
    assert dict(visit.duration_by_caregiver) == {"c2": 1200}
    assert (visit.windows[0].start, visit.windows[0].end) == (1000, 3000)
    assert not visit.hard_windows


def test_mankowska_tiny_links():
    links = read_mankowska(DATA / "tiny_mankowska.txt").problem.links
    by_first = {link.first: link for link in links}
    assert len(links) == 2
    sequence = by_first["p2-s2"]
    assert sequence.kind == LinkKind.SEQUENCE
    assert sequence.second == "p2-s3"
    assert (sequence.min_gap, sequence.max_gap) == (500, 1000)
    assert sequence.together
    same = by_first["p3-s1"]
    assert same.kind == LinkKind.SAME_START
    assert same.second == "p3-s2"


def test_mankowska_tiny_caregivers():
    caregivers = read_mankowska(DATA / "tiny_mankowska.txt").problem.caregivers
    assert [c.id for c in caregivers] == ["c1", "c2"]
    assert caregivers[0].skills == {"s1", "s2"}
    assert caregivers[1].skills == {"s2", "s3"}
    assert caregivers[0].start == 0
    assert caregivers[0].end == 4


def test_mankowska_matrix_rounded_up():
    matrix = read_mankowska(DATA / "tiny_mankowska.txt").problem.matrix
    assert matrix.distance[1][2] == 361  # 3.605551
    assert matrix.distance[0][1] == 500  # 5.0 stays exact
    assert matrix.duration[2][3] == 722  # 7.211103


def test_mankowska_objective_hand_solution():
    instance = read_mankowska(DATA / "tiny_mankowska.txt")

    def stop(visit_id, start):
        return Stop(visit_id, start, start, start + 1000, 0, 0, 0)

    solution = Solution(
        routes=(
            Route("c1", 0, 5000, (stop("p1-s1", 500), stop("p3-s1", 2600))),
            Route(
                "c2",
                0,
                6000,
                (stop("p3-s2", 2600), stop("p2-s2", 3400), stop("p2-s3", 3900)),
            ),
        ),
        unassigned=(),
        status="feasible",
        objective=0,
    )
    score = mankowska_objective(instance, solution)
    distance = (5 + 8.062258 + 4) + (4 + 7.211103 + 0 + 6)
    assert score.distance == pytest.approx(distance)
    assert score.total_tardiness == pytest.approx(4.0 + 9.0)
    assert score.max_tardiness == pytest.approx(9.0)
    assert score.objective == pytest.approx((distance + 13.0 + 9.0) / 3)


def test_mankowska_objective_needs_mankowska():
    instance = read_vrplib(DATA / "tiny.vrp")
    empty = Solution(routes=(), unassigned=(), status="feasible", objective=0)
    with pytest.raises(InvalidInput, match="needs a Mankowska instance"):
        mankowska_objective(instance, empty)


def test_mankowska_shared_reference():
    instance = read_mankowska(
        shared("hhcrsp", "mankowska2014", "InstanzCPLEX_HCSRP_10_1.txt")
    )
    assert instance.reference == pytest.approx(226.978)
    assert len(instance.problem.caregivers) == 3


def test_mankowska_shared_reference_parts():
    instance = read_mankowska(
        shared("hhcrsp", "mankowska2014", "InstanzCPLEX_HCSRP_10_2.txt")
    )
    reference = instance.mankowska.reference
    assert reference.distance == pytest.approx(687.289)
    assert reference.total_tardiness == pytest.approx(26.2947)
    assert reference.max_tardiness == pytest.approx(26.2947)
    parts = reference.distance + reference.total_tardiness + reference.max_tardiness
    assert reference.objective == pytest.approx(parts / 3, abs=1e-3)


def test_mankowska_shared_counts():
    instance = read_mankowska(
        shared("hhcrsp", "mankowska2014", "InstanzVNS_HCSRP_100_1.txt")
    )
    # 100 patients, 30 of them (DS 72..101) with two services.
    assert len(instance.problem.visits) == 130
    assert len(instance.problem.links) == 30
    assert len(instance.problem.caregivers) == 20


def test_mankowska_shared_double_kinds():
    instance = read_mankowska(
        shared("hhcrsp", "mankowska2014", "InstanzCPLEX_HCSRP_10_1.txt")
    )
    kinds = {link.first: link.kind for link in instance.problem.links}
    # Node 8 has mind = maxd = 0, nodes 9 and 10 have positive gaps.
    assert kinds == {
        "p8-s5": LinkKind.SAME_START,
        "p9-s1": LinkKind.SEQUENCE,
        "p10-s3": LinkKind.SEQUENCE,
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("DS\n4 3\n", "DS\n4\n", "not listed in DS"),
        ("DS\n4 3\n", "DS\n4 3 2\n", "is listed in DS but"),
        ("mind\n0 0 5 0 0\n", "", "block 'mind' is missing"),
        ("x\n0 3 0 -4 0\n", "x\n0 3 0 -4\n", "block 'x' has 4 values"),
        ("e\n0 0 10 20 0", "e\n0 0 ten 20 0", "is not a number"),
    ],
)
def test_mankowska_bad_file(tmp_path, old, new, message):
    text = (DATA / "tiny_mankowska.txt").read_text()
    assert old in text
    path = tmp_path / "bad.txt"
    path.write_text(text.replace(old, new))
    with pytest.raises(InvalidInput, match=message):
        read_mankowska(path)


# --------------------------------------------------------------------------------------
# Dispatch


@pytest.mark.parametrize(
    ("name", "expected"),
    [("tiny.vrp", "vrplib"), ("tiny_mankowska.txt", "mankowska")],
)
def test_read_instance_detects(name, expected):
    assert read_instance(DATA / name).format == expected


def test_read_instance_vrplib_without_suffix(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text((DATA / "tiny.vrp").read_text())
    assert read_instance(path).format == "vrplib"


def test_read_instance_json(tmp_path):
    path = tmp_path / "problem.txt"
    path.write_text(
        '{"caregivers": [{"id": "A", "start": 0, "shift_start": 0, "shift_end": 9}],'
        ' "visits": [{"id": "V", "location": 1, "duration": 2}],'
        ' "matrix": {"duration": [[0, 1], [1, 0]], "distance": [[0, 1], [1, 0]]},'
        ' "params": {"time_limit": 2}}'
    )
    instance = read_instance(path)
    assert instance.format == "json"
    assert instance.params is not None
    assert instance.params.time_limit == 2


def test_read_instance_missing_file(tmp_path):
    with pytest.raises(InvalidInput, match="file not found"):
        read_instance(tmp_path / "nothing.vrp")


def test_read_instance_unknown_format(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\nworld\n")
    with pytest.raises(InvalidInput, match="unknown instance format"):
        read_instance(path)


def test_read_instance_forced_format(tmp_path):
    with pytest.raises(InvalidInput, match="outside any section"):
        read_instance(DATA / "tiny_mankowska.txt", format="vrplib")


def test_read_instance_bad_format_name():
    with pytest.raises(InvalidInput, match="format 'csv' is unknown"):
        read_instance(DATA / "tiny.vrp", format="csv")
