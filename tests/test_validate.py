"""Tests of whole-problem validation: each malformed input raises a clear error."""

from __future__ import annotations

import pytest

from homehealth_routing import (
    Break,
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    Location,
    ProblemData,
    Region,
    SolveParams,
    TimeWindow,
    TravelMatrix,
    Visit,
)
from homehealth_routing.validate import validate

HOME = Location(41.88, -87.63)
MATRIX = TravelMatrix(((0, 60), (60, 0)), ((0, 500), (500, 0)))


def nurse(**changes) -> Caregiver:
    fields = {"id": "n1", "start": HOME, "shift_start": 0, "shift_end": 8 * 3600}
    fields.update(changes)
    return Caregiver(**fields)


def visit(**changes) -> Visit:
    fields = {"id": "v1", "location": Location(41.9, -87.65), "duration": 1800}
    fields.update(changes)
    return Visit(**fields)


def problem(caregivers=None, visits=None, **kwargs) -> ProblemData:
    return ProblemData(
        tuple(caregivers if caregivers is not None else [nurse()]),
        tuple(visits if visits is not None else [visit()]),
        **kwargs,
    )


def test_validate_accepts_valid_problem():
    validate(problem(), SolveParams(initial_assignment={"v1": "n1"}))


def test_validate_accepts_empty_problem():
    validate(ProblemData((), ()))


def test_validate_accepts_unknown_pinned_caregiver():
    """A pin to a caregiver who is off today is planned as unassigned, not an error."""
    validate(problem(visits=[visit(pinned_caregiver="off_today")]))


CASES = [
    (
        "duplicate caregiver",
        problem(caregivers=[nurse(), nurse()]),
        "caregiver id 'n1' appears twice",
    ),
    (
        "duplicate visit",
        problem(visits=[visit(), visit()]),
        "visit id 'v1' appears twice",
    ),
    (
        "link to unknown visit",
        problem(links=(Link(LinkKind.SEQUENCE, "v1", "ghost"),)),
        "visit 'ghost' is not in the problem",
    ),
    (
        "excluded unknown caregiver",
        problem(visits=[visit(excluded_caregivers={"nobody"})]),
        "excluded_caregivers names unknown caregiver(s) nobody",
    ),
    (
        "preferred unknown caregiver",
        problem(visits=[visit(preferred_caregivers={"nobody"})]),
        "preferred_caregivers names unknown",
    ),
    (
        "allowed unknown caregiver",
        problem(visits=[visit(allowed_caregivers={"n1", "nobody"})]),
        "allowed_caregivers names unknown caregiver(s) nobody",
    ),
    (
        "duration for unknown caregiver",
        problem(visits=[visit(duration_by_caregiver={"nobody": 600})]),
        "duration_by_caregiver names unknown",
    ),
    (
        "mixed place kinds",
        problem(visits=[visit(location=1)], matrix=MATRIX),
        "use one kind of place",
    ),
    (
        "matrix index without matrix",
        problem(caregivers=[nurse(start=0)], visits=[visit(location=1)]),
        "has no travel matrix",
    ),
    (
        "matrix index out of range",
        problem(caregivers=[nurse(start=0)], visits=[visit(location=2)], matrix=MATRIX),
        "matrix index 2 is out of range 0..1",
    ),
    (
        "matrix with coordinates",
        problem(matrix=MATRIX),
        "remove the matrix",
    ),
    (
        "boolean place",
        problem(
            caregivers=[nurse(start=0)], visits=[visit(location=True)], matrix=MATRIX
        ),
        "neither a Location nor a matrix index",
    ),
    (
        "float matrix entry",
        problem(
            caregivers=[nurse(start=0)],
            visits=[visit(location=1)],
            matrix=TravelMatrix(((0, 60.5), (60, 0)), ((0, 500), (500, 0))),
        ),
        "duration[0][1] = 60.5 is not a whole number",
    ),
    (
        "outside region",
        problem(
            visits=[visit(location=Location(-87.65, 41.9))],
            region=Region(41.6, -88.0, 42.1, -87.5),
        ),
        "visit 'v1': location (-87.65, 41.9) lies outside the region",
    ),
    (
        "fractional duration",
        problem(visits=[visit(duration=1800.5)]),
        "duration 1800.5 is not a whole number",
    ),
    (
        "negative window",
        problem(visits=[visit(windows=(TimeWindow(-600, 600),))]),
        "window start -600 is negative",
    ),
    (
        "fractional shift",
        problem(caregivers=[nurse(shift_end=3600.5)]),
        "shift_end 3600.5 is not a whole number",
    ),
    (
        "pinned before soft window",
        problem(
            visits=[
                visit(
                    windows=(TimeWindow(3600, 7200),),
                    hard_windows=False,
                    pinned_start=1800,
                )
            ]
        ),
        "pinned start 1800 is before the first time window opens",
    ),
    (
        "duplicate break id",
        problem(
            caregivers=[
                nurse(
                    breaks=(
                        Break(3600, 4000, 600, "rest"),
                        Break(9000, 9600, 600, "rest"),
                    )
                )
            ]
        ),
        "two breaks have the id 'rest'",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_validate_rejects(data, message):
    with pytest.raises(InvalidInput) as error:
        validate(data)
    assert message in str(error.value)


def test_validate_rejects_unknown_initial_caregiver():
    with pytest.raises(
        InvalidInput, match="caregiver 'ghost', who is not in the problem"
    ):
        validate(problem(), SolveParams(initial_assignment={"v1": "ghost"}))


def test_validate_rejects_unknown_initial_visit():
    with pytest.raises(InvalidInput, match="visit 'ghost' is not in the problem"):
        validate(problem(), SolveParams(initial_assignment={"ghost": "n1"}))


def test_validate_reports_which_place_mixes():
    data = problem(
        caregivers=[nurse(id="home_by_index", start=0)],
        visits=[visit(id="by_coordinates")],
        matrix=MATRIX,
    )
    with pytest.raises(InvalidInput) as error:
        validate(data)
    assert "by_coordinates" in str(error.value)
    assert "home_by_index" in str(error.value)
