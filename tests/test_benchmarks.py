"""Smoke tests of the benchmark runner and structural checks of the agency generator.

The runner test solves one Solomon instance for one second with the engine and checks
the CSV row against the best-known distance read here from ``bks.csv``. The instances
are read from ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from homehealth_routing import LinkKind, SolveParams, check, solve
from homehealth_routing.readers import read_vrplib_solution
from homehealth_routing.validate import validate

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
DATA = ROOT.parent / "shared" / "data" / "vrptw"


def _module(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py``, which is a script folder, not a package."""
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", BENCHMARKS / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is created.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _instance(name: str) -> Path:
    folder = DATA / ("gh200" if "_" in name else "solomon")
    path = folder / f"{name}.vrp"
    if not path.exists():
        pytest.fail(
            f"{path} not found; check out the shared data beside the repository"
        )
    return path


def _best_known(name: str) -> float:
    with (DATA / "bks.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["instance"] == name and row["objective"] == "distance_dimacs":
                return float(row["distance"])
    raise AssertionError(f"{name} is not in bks.csv")


# --------------------------------------------------------------------------------------
# run.py


@pytest.fixture(scope="module")
def engine_row(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    _instance("C101")
    out = tmp_path_factory.mktemp("bench") / "smoke.csv"
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--set", "solomon"]
    command += ["--instances", "C101", "--engines", "engine", "--time-limit", "1"]
    command += ["--out", str(out)]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1, rows
    assert out.with_suffix(".json").exists()
    return rows[0]


def test_run_engine_serves_all(engine_row):
    assert engine_row["all_served"] == "True", engine_row


def test_run_engine_no_violations(engine_row):
    assert engine_row["violations"] == "0", engine_row["note"]


def test_run_engine_gap_from_bks(engine_row):
    best = _best_known("C101")
    expected = round(100 * (float(engine_row["distance"]) - best) / best, 2)
    assert float(engine_row["reference"]) == best
    assert float(engine_row["gap_pct"]) == pytest.approx(expected, abs=0.005)


def test_run_engine_gap_not_negative(engine_row):
    # 827.3 is optimal for C101 in DIMACS units, so a lower distance means that the
    # recomputation dropped arcs.
    assert float(engine_row["gap_pct"]) >= 0


def test_run_unknown_instance_fails(tmp_path):
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--set", "solomon"]
    command += ["--instances", "C999", "--out", str(tmp_path / "x.csv")]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "C999" in result.stderr


# --------------------------------------------------------------------------------------
# The verifier that scores every engine


@pytest.fixture(scope="module")
def bench_run() -> ModuleType:
    return _module("run")


@pytest.fixture(scope="module")
def plain() -> ModuleType:
    return _module("plain_ortools")


@pytest.mark.parametrize("name", ["C101", "R201", "RC1_2_1"])
def test_verifier_bks_distance(bench_run, plain, name):
    path = _instance(name)
    instance = plain.read_vrptw(path)
    routes = read_vrplib_solution(path.with_suffix(".sol")).routes
    distance, problems = bench_run.verify_vrptw(instance, routes)
    assert problems == []
    assert distance == round(10 * _best_known(name))


def test_verifier_reversed_route(bench_run, plain):
    path = _instance("C101")
    instance = plain.read_vrptw(path)
    routes = list(read_vrplib_solution(path.with_suffix(".sol")).routes)
    routes[0] = tuple(reversed(routes[0]))
    _, problems = bench_run.verify_vrptw(instance, routes)
    assert any("starts at" in problem for problem in problems), problems


def test_verifier_merged_routes(bench_run, plain):
    path = _instance("C101")
    instance = plain.read_vrptw(path)
    routes = list(read_vrplib_solution(path.with_suffix(".sol")).routes)
    merged = [routes[0] + routes[1], *routes[2:]]
    _, problems = bench_run.verify_vrptw(instance, merged)
    assert any("capacity" in problem for problem in problems), problems


def test_verifier_duplicate_customer(bench_run, plain):
    path = _instance("C101")
    instance = plain.read_vrptw(path)
    routes = list(read_vrplib_solution(path.with_suffix(".sol")).routes)
    routes.append((routes[0][0],))
    _, problems = bench_run.verify_vrptw(instance, routes)
    assert any("served twice" in problem for problem in problems), problems


# --------------------------------------------------------------------------------------
# agency.py


@pytest.fixture(scope="module")
def agency() -> ModuleType:
    return _module("agency")


@pytest.fixture(scope="module")
def small_day(agency):
    return agency.generate_day(visits=60, caregivers=10, seed=3)


def test_agency_sizes(small_day):
    assert len(small_day.visits) == 60
    assert len(small_day.caregivers) == 10


def test_agency_full_sizes(agency):
    day = agency.generate_day()
    assert len(day.visits) == 1000
    assert len(day.caregivers) == 150
    assert len(day.links) == 5


def test_agency_same_seed_same_day(agency, small_day):
    assert agency.generate_day(visits=60, caregivers=10, seed=3) == small_day


def test_agency_other_seed_differs(agency, small_day):
    other = agency.generate_day(visits=60, caregivers=10, seed=4)
    assert other.visits != small_day.visits


def test_agency_validates(small_day):
    validate(small_day)


def test_agency_places_on_land(agency, small_day):
    places = [v.location for v in small_day.visits]
    places += [c.start for c in small_day.caregivers]
    outside = [p for p in places if not agency.on_land(p.lat, p.lon)]
    assert outside == []


def test_agency_lake_is_water(agency):
    # Two points in Lake Michigan: off the Loop and off Rogers Park.
    assert not agency.on_land(41.8837, -87.58)
    assert not agency.on_land(42.0106, -87.64)


def test_agency_every_visit_qualified(small_day):
    unqualified = [
        visit.id
        for visit in small_day.visits
        if not any(
            visit.required_skills <= caregiver.skills
            and (visit.language is None or visit.language in caregiver.languages)
            for caregiver in small_day.caregivers
        )
    ]
    assert unqualified == []


def test_agency_two_person_links(small_day):
    visits = {visit.id: visit for visit in small_day.visits}
    assert len(small_day.links) >= 1
    for link in small_day.links:
        first, second = visits[link.first], visits[link.second]
        assert link.kind is LinkKind.SAME_START
        assert link.together
        assert first.location == second.location
        assert first.windows == second.windows


def test_agency_lunch_inside_shift(small_day):
    for caregiver in small_day.caregivers:
        (lunch,) = caregiver.breaks
        assert caregiver.shift_start <= lunch.earliest_start
        assert lunch.latest_start + lunch.duration <= caregiver.shift_end


def test_agency_small_day_solves(small_day):
    solution = solve(small_day, SolveParams(time_limit=2))
    assert check(small_day, solution) == []
    assert solution.assigned_count + len(solution.unassigned) == len(small_day.visits)
