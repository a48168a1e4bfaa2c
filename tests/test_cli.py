"""Tests of the ``homehealth-route`` command line, in-process and as a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from homehealth_routing import jsonio
from homehealth_routing.cli import main
from homehealth_routing.demo import demo_problem

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """Return a file of the shared benchmark data, failing when it is absent."""
    path = SHARED.joinpath(*parts)
    assert path.is_file(), (
        f"{path} is missing: check out the shared data folder beside the repository"
    )
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line as ``python -m homehealth_routing``."""
    return subprocess.run(
        [sys.executable, "-m", "homehealth_routing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def small_problem() -> dict:
    """Two caregivers and four visits on Chicago's North Side."""
    return {
        "name": "small",
        "origin": "2026-12-07T00:00:00-06:00",
        "region": {
            "min_lat": 41.6,
            "min_lon": -87.95,
            "max_lat": 42.1,
            "max_lon": -87.5,
        },
        "caregivers": [
            {
                "id": "RN1",
                "start": [41.9403, -87.6540],
                "shift_start": "08:00",
                "shift_end": "16:00",
                "skills": ["RN", "wound_care"],
            },
            {
                "id": "HHA1",
                "start": [41.9234, -87.7082],
                "shift_start": "08:00",
                "shift_end": "16:00",
                "skills": ["HHA"],
            },
        ],
        "visits": [
            {
                "id": "V1",
                "location": [41.9214, -87.6513],
                "duration": 2700,
                "patient": "Lincoln Park patient",
                "windows": [{"start": "09:00", "end": "11:00"}],
                "required_skills": ["RN", "wound_care"],
            },
            {
                "id": "V2",
                "location": [41.9665, -87.6560],
                "duration": 3600,
                "required_skills": ["RN"],
            },
            {
                "id": "V3",
                "location": [41.9025, -87.7209],
                "duration": 3600,
                "required_skills": ["HHA"],
            },
            {
                "id": "V4",
                "location": [41.9387, -87.7112],
                "duration": 2700,
                "windows": [["13:00", "15:00"]],
                "required_skills": ["HHA"],
            },
        ],
    }


def write_problem(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(document))
    return path


class _PlanScript(HTMLParser):
    """Collects the text of the ``<script id="plan">`` element."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and ("id", "plan") in attrs

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def map_plan(path: Path) -> dict:
    parser = _PlanScript()
    parser.feed(path.read_text())
    return json.loads(parser.text)


def load_schema(name: str) -> dict:
    text = resources.files("homehealth_routing").joinpath("schema", name).read_text()
    return json.loads(text)


def solution_schema() -> dict:
    return load_schema("solution.schema.json")


def problem_schema() -> dict:
    return load_schema("problem.schema.json")


# --------------------------------------------------------------------------------------
# demo


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    out, page = folder / "plan.json", folder / "map.html"
    result = run(
        "demo", "--time-limit", "2", "--out", str(out), "--html", str(page), "--quiet"
    )
    return result, out, page


def test_demo_exit_status(demo_run):
    result, _, _ = demo_run
    assert result.returncode == 0, result.stderr


def test_demo_route_per_caregiver(demo_run):
    result, out, _ = demo_run
    used = [route["caregiver"] for route in json.loads(out.read_text())["routes"]]
    headers = re.findall(
        r"^(\S+)  \d\d:\d\d-\d\d:\d\d  \d+ visits", result.stdout, re.M
    )
    assert headers == used
    assert len(used) >= 10


def test_demo_prints_totals(demo_run):
    result, _, _ = demo_run
    assert re.search(r"^Visits planned: \d+ of 94", result.stdout, re.M)
    assert re.search(r"^Travel distance: [\d.]+ km$", result.stdout, re.M)


def test_demo_stop_rows(demo_run):
    result, out, _ = demo_run
    first = json.loads(out.read_text())["routes"][0]["stops"][0]["visit"]
    row = next(line for line in result.stdout.splitlines() if f"  {first} " in line)
    # start, end, visit, patient, coordinates, travel and waiting.
    assert re.match(r"^\s+\d\d:\d\d\s+\d\d:\d\d\s+V\d{3} ", row)
    assert re.search(r"41\.\d{5},-87\.\d{5}\s+\d+:\d\d\s+\d+:\d\d$", row)


def test_demo_lunch_rows(demo_run):
    result, _, _ = demo_run
    assert re.search(r"^\s+1[12]:\d\d\s+1[123]:\d\d  lunch$", result.stdout, re.M)


def test_demo_solution_file(demo_run):
    _, out, _ = demo_run
    data = json.loads(out.read_text())
    errors = list(jsonschema.Draft202012Validator(solution_schema()).iter_errors(data))
    assert errors == []
    assert (
        jsonio.solution_from_dict(data).assigned_count
        == data["totals"]["visits_planned"]
    )


def test_demo_map_routes(demo_run):
    _, out, page = demo_run
    plan = map_plan(page)
    routes = json.loads(out.read_text())["routes"]
    assert [r["caregiver"] for r in plan["routes"]] == [r["caregiver"] for r in routes]
    assert len(plan["routes"][0]["path"]) == len(routes[0]["stops"]) + 2


def test_demo_saved_problem(tmp_path, capsys):
    path = tmp_path / "demo.json"
    assert (
        main(["demo", "--time-limit", "1", "--quiet", "--save-problem", str(path)]) == 0
    )
    data = json.loads(path.read_text())
    errors = list(jsonschema.Draft202012Validator(problem_schema()).iter_errors(data))
    assert errors == []
    assert jsonio.problem_from_dict(data) == demo_problem()
    capsys.readouterr()
    assert main(["solve", str(path), "--time-limit", "1", "--quiet"]) == 0
    assert re.search(r"^Visits planned: \d+ of 94", capsys.readouterr().out, re.M)


def test_demo_in_process(capsys):
    assert main(["demo", "--time-limit", "1", "--quiet"]) == 0
    output = capsys.readouterr().out
    assert "Chicago agency day (demo), Monday 7 December 2026" in output
    assert re.search(r"^Visits planned: \d+ of 94", output, re.M)


def test_demo_progress_lines(capsys):
    assert main(["demo", "--time-limit", "1"]) == 0
    assert "Solving Chicago agency day (demo)" in capsys.readouterr().err


# --------------------------------------------------------------------------------------
# solve


def test_solve_solomon_c101():
    result = run(
        "solve", str(shared("vrptw", "solomon", "C101.vrp")), "--time-limit", "2"
    )
    assert result.returncode == 0, result.stderr
    assert "Visits planned: 100 of 100 (0 unassigned)" in result.stdout
    gap = re.search(
        r"^best-known distance \(DIMACS\): 827\.3, gap ([+-][\d.]+) %$",
        result.stdout,
        re.M,
    )
    assert gap is not None, result.stdout
    distance = re.search(r"^Distance: ([\d.]+) with", result.stdout, re.M)
    assert distance is not None
    expected = 100 * (float(distance.group(1)) - 827.3) / 827.3
    assert float(gap.group(1)) == pytest.approx(expected, abs=0.01)


def test_solve_gh200(capsys):
    path = shared("vrptw", "gh200", "C1_2_1.vrp")
    assert main(["solve", str(path), "--time-limit", "3", "--quiet"]) == 0
    output = capsys.readouterr().out
    assert re.search(r"^Visits planned: \d+ of 200", output, re.M)
    assert "best-known distance (DIMACS): 2698.6" in output


def test_solve_mankowska(capsys):
    path = shared("hhcrsp", "mankowska2014", "InstanzCPLEX_HCSRP_10_1.txt")
    assert main(["solve", str(path), "--time-limit", "2", "--quiet"]) == 0
    output = capsys.readouterr().out
    assert "Visits planned: 13 of 13 (0 unassigned)" in output
    assert re.search(r"^Mankowska objective: [\d.]+ \(distance", output, re.M)
    assert re.search(r"reference objective .*: 226\.978, gap [+-]", output)


def test_solve_json_routes(tmp_path, capsys):
    path = write_problem(tmp_path, small_problem())
    page = tmp_path / "map.html"
    code = main(
        ["solve", str(path), "--time-limit", "1", "--routes", "--html", str(page)]
    )
    assert code == 0
    output = capsys.readouterr().out
    assert "Visits planned: 4 of 4 (0 unassigned)" in output
    assert re.search(r"^RN1  ", output, re.M)
    assert len(map_plan(page)["routes"]) == 2


def test_solve_json_params(tmp_path, capsys):
    document = small_problem()
    document["params"] = {"time_limit": 1, "objective": "distance"}
    path = write_problem(tmp_path, document)
    assert main(["solve", str(path), "--quiet"]) == 0
    assert "Status: " in capsys.readouterr().out


def test_solve_then_check(tmp_path):
    problem = write_problem(tmp_path, small_problem())
    out = tmp_path / "solution.json"
    solved = run(
        "solve", str(problem), "--time-limit", "1", "--out", str(out), "--quiet"
    )
    assert solved.returncode == 0, solved.stderr
    checked = run("check", str(problem), str(out))
    assert checked.returncode == 0, checked.stdout
    assert "every hard rule holds" in checked.stdout


def test_check_finds_broken_rule(tmp_path, capsys):
    problem = write_problem(tmp_path, small_problem())
    out = tmp_path / "solution.json"
    assert main(["solve", str(problem), "--time-limit", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    # Move V4 out of its 13:00-15:00 window (seconds from midnight).
    for route in data["routes"]:
        for stop in route["stops"]:
            if stop["visit"] == "V4":
                stop["start"] = stop["arrival"] = 8 * 3600
                stop["end"] = stop["start"] + 2700
    out.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["check", str(problem), str(out)]) == 1
    assert "V4" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# Bad input: exit status 2 and one line on standard error


def _no_location(document: dict) -> dict:
    del document["visits"][1]["location"]
    return document


def _reversed_window(document: dict) -> dict:
    document["visits"][0]["windows"] = [{"start": "11:00", "end": "09:00"}]
    return document


def _unknown_skill(document: dict) -> dict:
    document["visits"][0]["required_skills"] = ["RN", "wound_kare"]
    return document


BAD_JSON = [
    ("no_location", _no_location, "visit 'V2': 'location' is missing"),
    ("reversed_window", _reversed_window, "visit 'V1' window #1: time window ends"),
    (
        "unknown_skill",
        _unknown_skill,
        "visit 'V1' requires skill 'wound_kare', which no caregiver has. "
        "Known skills: HHA, RN, wound_care.",
    ),
]


def bad_input_args(tmp_path: Path, case: str) -> tuple[list[str], str]:
    """Return the arguments of a bad-input case and the expected message part."""
    for name, change, message in BAD_JSON:
        if name == case:
            path = write_problem(tmp_path, change(small_problem()))
            return ["solve", str(path), "--time-limit", "1"], message
    if case == "missing_file":
        path = tmp_path / "absent.json"
        return ["solve", str(path)], f"{path}: file not found"
    if case == "unknown_format":
        path = tmp_path / "notes.txt"
        path.write_text("a shopping list\nmilk\n")
        return ["solve", str(path)], "unknown instance format"
    if case == "wrong_format":
        path = ROOT / "tests" / "data" / "tiny.vrp"
        return ["solve", str(path), "--format", "mankowska"], "is not a block name"
    if case == "invalid_json":
        path = tmp_path / "broken.json"
        path.write_text('{"visits": [}')
        return ["solve", str(path)], "invalid JSON at line 1"
    if case == "html_matrix":
        path = ROOT / "tests" / "data" / "tiny.vrp"
        return [
            "solve",
            str(path),
            "--html",
            str(tmp_path / "map.html"),
        ], "--html needs"
    if case == "missing_folder":
        path = write_problem(tmp_path, small_problem())
        out = tmp_path / "absent" / "plan.json"
        return ["solve", str(path), "--out", str(out)], "folder"
    if case == "time_limit":
        path = write_problem(tmp_path, small_problem())
        return ["solve", str(path), "--time-limit", "0"], "--time-limit 0.0 is not"
    raise AssertionError(case)


CASES = [name for name, _, _ in BAD_JSON] + [
    "missing_file",
    "unknown_format",
    "wrong_format",
    "invalid_json",
    "html_matrix",
    "missing_folder",
    "time_limit",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_in_process(tmp_path, capsys, case):
    args, message = bad_input_args(tmp_path, case)
    assert main(args) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("homehealth-route: error: ")
    assert message in lines[0]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_subprocess(tmp_path, case):
    args, message = bad_input_args(tmp_path, case)
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_check_missing_solution(tmp_path, capsys):
    problem = write_problem(tmp_path, small_problem())
    assert main(["check", str(problem), str(tmp_path / "none.json")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_usage_error():
    result = run("route-everything")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
