"""Tests of the JSON format: round trips, schema agreement and error messages."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources

import jsonschema
import pytest

from homehealth_routing import (
    Break,
    BreakTaken,
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    Location,
    ProblemData,
    Reason,
    Region,
    Route,
    Solution,
    SolveParams,
    Stop,
    TimeWindow,
    TravelMatrix,
    Unassigned,
    Visit,
    jsonio,
)


def load_schema(name: str) -> dict:
    text = resources.files("homehealth_routing").joinpath("schema", name).read_text()
    return json.loads(text)


PROBLEM_SCHEMA = load_schema("problem.schema.json")
SOLUTION_SCHEMA = load_schema("solution.schema.json")


def schema_errors(schema: dict, document: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def full_problem() -> ProblemData:
    """A problem whose first caregiver, first visit and links set every field."""
    return ProblemData(
        name="every field",
        origin="2026-12-07T00:00:00-06:00",
        region=Region(min_lat=41.6, min_lon=-87.95, max_lat=42.1, max_lon=-87.5),
        caregivers=(
            Caregiver(
                id="RN1",
                start=Location(41.9214, -87.6513),
                end=Location(41.9403, -87.6439),
                shift_start=8 * 3600,
                shift_end=17 * 3600,
                skills=frozenset({"RN", "SN", "wound_care"}),
                languages=frozenset({"en", "es"}),
                breaks=(Break(41400, 46800, 1800, id="lunch"),),
                max_overtime=1800,
                max_work=8 * 3600,
                max_visits=7,
                max_workload=30,
                cost_per_hour=45.5,
                cost_per_km=0.6,
                speed_kmh=25.0,
                detour_factor=1.4,
            ),
            Caregiver(
                id="HHA1",
                start=Location(41.8558, -87.6566),
                shift_start=7 * 3600,
                shift_end=15 * 3600,
            ),
        ),
        visits=(
            Visit(
                id="V1",
                location=Location(41.9234, -87.7082),
                duration=2700,
                patient="M. Garcia, Logan Square",
                windows=(TimeWindow(9 * 3600, 11 * 3600), TimeWindow(14 * 3600, 54000)),
                hard_windows=False,
                required_skills=frozenset({"RN", "wound_care"}),
                language="es",
                allowed_caregivers=frozenset({"RN1"}),
                excluded_caregivers=frozenset({"HHA1"}),
                preferred_caregivers=frozenset({"RN1"}),
                priority=3,
                workload=5,
                pinned_caregiver="RN1",
                pinned_start=9 * 3600 + 1800,
                duration_by_caregiver={"RN1": 3000},
            ),
            Visit(
                id="V2",
                location=Location(41.9025, -87.7209),
                duration=3600,
                allowed_caregivers=frozenset(),
            ),
        ),
        links=(
            Link(
                LinkKind.SEQUENCE, "V1", "V2", min_gap=3600, max_gap=7200, together=True
            ),
            Link(LinkKind.SAME_START, "V2", "V1"),
        ),
    )


def full_params() -> SolveParams:
    return SolveParams(
        time_limit=2.5,
        objective="distance",
        unassigned_penalty=5_000_000,
        overtime_weight=20,
        lateness_weight=3,
        span_weight=1,
        caregiver_fixed_cost=100,
        preference_weight=50,
        change_weight=70,
        initial_assignment={"V1": "RN1"},
        first_solution="path_cheapest_arc",
        metaheuristic="tabu_search",
        progress_interval=1.5,
        check=False,
    )


def full_solution() -> Solution:
    return Solution(
        routes=(
            Route(
                caregiver_id="RN1",
                departure=30000,
                arrival_home=40000,
                stops=(
                    Stop("V1", 31000, 32400, 35100, 1400, 1000, 8000, late=0),
                    Stop("V2", 35500, 35500, 39100, 0, 400, 3000, late=100),
                ),
                breaks=(BreakTaken("lunch", 39100, 39100 + 1800),),
                return_travel_time=500,
                return_travel_distance=4000,
                overtime=60,
            ),
        ),
        unassigned=(Unassigned("V3", Reason.NO_QUALIFIED_CAREGIVER, "nobody has SLP"),),
        status="feasible",
        objective=123456,
        solve_seconds=1.25,
        violations=("caregiver 'RN1': example violation",),
    )


def minimal_document() -> dict:
    return {
        "caregivers": [
            {
                "id": "A",
                "start": [41.9, -87.7],
                "shift_start": "08:00",
                "shift_end": "16:00",
                "breaks": [
                    {
                        "earliest_start": "11:30",
                        "latest_start": "13:00",
                        "duration": 1800,
                    }
                ],
            }
        ],
        "visits": [
            {
                "id": "V7",
                "location": [41.91, -87.69],
                "duration": 1800,
                "windows": [{"start": "09:00", "end": "10:00"}],
            }
        ],
        "links": [],
    }


# --------------------------------------------------------------------------------------
# Round trips


def test_full_problem_sets_every_field():
    problem = full_problem()
    samples = [
        problem.caregivers[0],
        problem.visits[0],
        problem.links[0],
        problem.caregivers[0].breaks[0],
    ]
    for sample in samples:
        for field in dataclasses.fields(sample):
            value = getattr(sample, field.name)
            if field.default is not dataclasses.MISSING:
                assert value != field.default, f"{type(sample).__name__}.{field.name}"


def test_problem_round_trip():
    problem = full_problem()
    assert jsonio.problem_from_dict(problem_json(problem)) == problem


def problem_json(problem: ProblemData, params: SolveParams | None = None) -> dict:
    """Write ``problem`` and parse it back from JSON text, as a file would."""
    return json.loads(json.dumps(jsonio.problem_to_dict(problem, params)))


def test_matrix_problem_round_trip():
    matrix = TravelMatrix(duration=((0, 5), (6, 0)), distance=((0, 50), (60, 0)))
    problem = ProblemData(
        caregivers=(Caregiver(id="A", start=0, shift_start=0, shift_end=100),),
        visits=(Visit(id="V", location=1, duration=10),),
        matrix=matrix,
    )
    assert jsonio.problem_from_dict(problem_json(problem)) == problem


def test_params_round_trip():
    params = full_params()
    data = problem_json(full_problem(), params)
    assert jsonio.params_from_dict(data["params"]) == params


def test_params_defaults_left_out():
    assert jsonio.params_to_dict(SolveParams()) == {}


def test_defaults_left_out():
    data = jsonio.problem_to_dict(full_problem())
    assert set(data["caregivers"][1]) == {"id", "start", "shift_start", "shift_end"}


def test_empty_allowed_written():
    data = jsonio.problem_to_dict(full_problem())
    assert data["visits"][1]["allowed_caregivers"] == []


def test_solution_round_trip():
    solution = full_solution()
    data = json.loads(json.dumps(jsonio.solution_to_dict(solution)))
    assert jsonio.solution_from_dict(data) == solution


def test_solution_totals():
    totals = jsonio.solution_to_dict(full_solution())["totals"]
    assert totals["visits_planned"] == 2
    assert totals["visits_unassigned"] == 1
    assert totals["travel_distance"] == 8000 + 3000 + 4000
    assert totals["late"] == 100


def test_solution_route_keys():
    route = jsonio.solution_to_dict(full_solution())["routes"][0]
    assert route["caregiver"] == "RN1"
    assert route["return"] == 40000
    assert route["stops"][1]["visit"] == "V2"
    assert route["totals"]["work_time"] == 40000 - 30000 - 1800


def test_solution_problem_origin():
    data = jsonio.solution_to_dict(full_solution(), full_problem())
    assert data["origin"] == "2026-12-07T00:00:00-06:00"
    assert data["problem"] == "every field"


def test_files_round_trip(tmp_path):
    problem, params, solution = full_problem(), full_params(), full_solution()
    jsonio.dump_problem(problem, tmp_path / "p.json", params)
    jsonio.dump_solution(solution, tmp_path / "s.json", problem)
    assert jsonio.load_problem(tmp_path / "p.json") == problem
    assert jsonio.load_params(tmp_path / "p.json") == params
    assert jsonio.load_solution(tmp_path / "s.json") == solution


# --------------------------------------------------------------------------------------
# Every dataclass field has a JSON key, and the schemas list the same keys


FIELD_TABLES = [
    (Caregiver, jsonio._CAREGIVER_FIELDS, PROBLEM_SCHEMA["$defs"]["caregiver"]),
    (Visit, jsonio._VISIT_FIELDS, PROBLEM_SCHEMA["$defs"]["visit"]),
    (Link, jsonio._LINK_FIELDS, PROBLEM_SCHEMA["$defs"]["link"]),
    (Break, jsonio._BREAK_FIELDS, PROBLEM_SCHEMA["$defs"]["break"]),
    (Region, jsonio._REGION_FIELDS, PROBLEM_SCHEMA["properties"]["region"]),
    (SolveParams, jsonio._PARAMS_FIELDS, PROBLEM_SCHEMA["$defs"]["params"]),
    (Stop, jsonio._STOP_FIELDS, SOLUTION_SCHEMA["$defs"]["stop"]),
    (BreakTaken, jsonio._BREAK_TAKEN_FIELDS, SOLUTION_SCHEMA["$defs"]["break"]),
    (Unassigned, jsonio._UNASSIGNED_FIELDS, SOLUTION_SCHEMA["$defs"]["unassigned"]),
]


@pytest.mark.parametrize(
    ("cls", "fields", "schema"), FIELD_TABLES, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_field_mapped(cls, fields, schema):
    attributes = {f.name for f in dataclasses.fields(cls)}
    assert {spec.attr for spec in fields} == attributes


@pytest.mark.parametrize(
    ("cls", "fields", "schema"), FIELD_TABLES, ids=lambda v: getattr(v, "__name__", "")
)
def test_schema_lists_fields(cls, fields, schema):
    assert set(schema["properties"]) == {spec.key for spec in fields}


@pytest.mark.parametrize(
    ("cls", "fields", "schema"), FIELD_TABLES, ids=lambda v: getattr(v, "__name__", "")
)
def test_schema_required_fields(cls, fields, schema):
    required = {spec.key for spec in fields if spec.required}
    assert set(schema.get("required", [])) == required


def test_route_fields_mapped():
    attributes = {f.name for f in dataclasses.fields(Route)}
    mapped = {spec.attr for spec in jsonio._ROUTE_FIELDS} | {"stops", "breaks"}
    assert mapped == attributes


def test_schema_field_descriptions():
    missing = []
    for _, _, schema in FIELD_TABLES:
        for key, spec in schema["properties"].items():
            if "description" not in spec:
                missing.append(key)
    assert missing == []


# --------------------------------------------------------------------------------------
# Schema validation


@pytest.mark.parametrize("schema", [PROBLEM_SCHEMA, SOLUTION_SCHEMA])
def test_schema_is_valid(schema):
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_accepts_full_problem():
    assert (
        schema_errors(PROBLEM_SCHEMA, problem_json(full_problem(), full_params())) == []
    )


def test_schema_accepts_minimal_document():
    assert schema_errors(PROBLEM_SCHEMA, minimal_document()) == []


def test_schema_accepts_solution():
    data = jsonio.solution_to_dict(full_solution(), full_problem())
    assert schema_errors(SOLUTION_SCHEMA, data) == []


def test_minimal_document_clock_times():
    problem = jsonio.problem_from_dict(minimal_document())
    assert problem.caregivers[0].shift_start == 8 * 3600
    assert problem.caregivers[0].breaks[0].latest_start == 13 * 3600
    assert problem.visits[0].windows[0].end == 10 * 3600


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("08:30", 30600), ("8:30", 30600), ("25:00", 90000), ("07:15:30", 26130)],
)
def test_clock_time_read(text, seconds):
    document = minimal_document()
    document["caregivers"][0]["shift_start"] = text
    document["caregivers"][0]["shift_end"] = "40:00"
    problem = jsonio.problem_from_dict(document)
    assert problem.caregivers[0].shift_start == seconds


def test_window_pair_read():
    document = minimal_document()
    document["visits"][0]["windows"] = [[32400, "10:00"]]
    window = jsonio.problem_from_dict(document).visits[0].windows[0]
    assert (window.start, window.end) == (32400, 36000)


def mutate(document: dict, path: str, value: object) -> dict:
    """Set (or delete, for value ``...``) the item at a dotted ``path``."""
    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    target: object = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is ...:
        del target[last]
    else:
        target[last] = value
    return document


#: Documents that both the schema and the reader reject, with the reader's message.
BAD_DOCUMENTS = [
    ("visits.0.duration", ..., "visit 'V7': 'duration' is missing. Add the service"),
    ("visits.0.location", ..., "visit 'V7': 'location' is missing"),
    ("visits.0.duration", "45 min", "visit 'V7': 'duration' must be an integer"),
    ("visits.0.duration", 1800.5, "'duration' must be an integer, got 1800.5"),
    ("visits.0.location", [41.9], "must be [latitude, longitude]"),
    ("visits.0.location", [95, -87.7], "latitude 95.0 is outside"),
    ("visits.0.location", "Pilsen", "must be [latitude, longitude]"),
    ("visits.0.duraton", 5, "Did you mean 'duration'?"),
    ("visits.0.hard_windows", "yes", "'hard_windows' must be true or false"),
    ("visits.0.required_skills", "RN", "'required_skills' must be a list of strings"),
    ("visits.0.windows", [{"start": "09:00"}], "window #1: 'end' is missing"),
    ("visits.0.id", "", "'id' is empty"),
    ("caregivers.0.start", ..., "caregiver 'A': 'start' is missing"),
    ("caregivers.0.shift_start", "8h", "'shift_start' '8h' is not a time"),
    ("caregivers.0.breaks.0", {"earliest_start": 1}, "break #1: 'latest_start' is"),
    ("caregivers.0.speed_kmh", "fast", "'speed_kmh' must be a number"),
    ("visits", ..., "problem: 'visits' is missing"),
    ("vistis", [], "Did you mean 'visits'?"),
    ("links", [{"kind": "parallel", "first": "V7", "second": "V8"}], "'parallel'"),
    ("links", [{"kind": "sequence", "first": "V7"}], "'second' is missing"),
    ("matrix", {"duration": [[0]]}, "matrix: 'distance' is missing"),
    ("region", {"min_lat": 41}, "region: 'min_lon' is missing"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_DOCUMENTS)
def test_bad_document_reader(path, value, message):
    document = mutate(minimal_document(), path, value)
    with pytest.raises(InvalidInput) as error:
        jsonio.problem_from_dict(document)
    assert message in str(error.value)


@pytest.mark.parametrize(("path", "value", "message"), BAD_DOCUMENTS)
def test_bad_document_schema(path, value, message):
    document = mutate(minimal_document(), path, value)
    assert schema_errors(PROBLEM_SCHEMA, document) != []


#: Documents of the right shape whose values the dataclasses reject.
BAD_VALUES = [
    (
        "visits.0.windows",
        [["10:00", "09:00"]],
        "visit 'V7' window #1: time window ends",
    ),
    (
        "visits.0.location",
        [0, 0],
        "visit 'V7': 'location': location (0, 0) is a missing",
    ),
    ("visits.0.priority", 0, "visit 'V7': priority must be 1 or more"),
    ("caregivers.0.shift_end", "07:00", "caregiver 'A': shift ends"),
    (
        "caregivers.0.breaks.0",
        {"earliest_start": "13:00", "latest_start": "12:00", "duration": 60},
        "caregiver 'A': break 'break': latest start",
    ),
    ("links", [{"kind": "sequence", "first": "V7", "second": "V7"}], "to itself"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_VALUES)
def test_bad_value_reader(path, value, message):
    document = mutate(minimal_document(), path, value)
    with pytest.raises(InvalidInput) as error:
        jsonio.problem_from_dict(document)
    assert message in str(error.value)


def test_bad_params():
    document = minimal_document()
    document["params"] = {"time_limit": 0}
    with pytest.raises(InvalidInput, match="time_limit must be positive"):
        jsonio.params_from_dict(document["params"])


def test_not_an_object():
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        jsonio.problem_from_dict([])  # type: ignore[arg-type]


def test_invalid_json_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"visits": [\n  {"id": "V1",}\n]}')
    with pytest.raises(InvalidInput, match="invalid JSON at line 2"):
        jsonio.load_problem(path)


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInput, match="file not found"):
        jsonio.load_problem(tmp_path / "absent.json")


def test_bad_solution_document():
    data = jsonio.solution_to_dict(full_solution())
    del data["routes"][0]["stops"][1]["start"]
    with pytest.raises(InvalidInput, match="route of caregiver 'RN1' stop #2: 'start'"):
        jsonio.solution_from_dict(data)


def test_bad_solution_reason():
    data = jsonio.solution_to_dict(full_solution())
    data["unassigned"][0]["reason"] = "tired"
    with pytest.raises(InvalidInput, match="'reason' 'tired' is unknown"):
        jsonio.solution_from_dict(data)
