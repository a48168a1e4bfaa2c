"""Tests of the embedded demo agency day."""

from __future__ import annotations

from collections import Counter

import pytest

from homehealth_routing import LinkKind, Location, Reason, solve
from homehealth_routing.demo import REGION, demo_params, demo_problem
from homehealth_routing.validate import validate

HOUR = 3600


@pytest.fixture(scope="module")
def problem():
    return demo_problem()


@pytest.fixture(scope="module")
def solution(problem):
    return solve(problem, demo_params(time_limit=3))


def test_demo_deterministic(problem):
    assert demo_problem() == problem


def test_demo_seed_changes_visits(problem):
    other = demo_problem(seed=1)
    assert [v.location for v in other.visits] != [v.location for v in problem.visits]


def test_demo_sizes(problem):
    assert len(problem.caregivers) == 15
    assert len(problem.visits) == 94


def test_demo_validates(problem):
    validate(problem, demo_params())


@pytest.mark.parametrize(
    "skill",
    [
        "RN",
        "LPN",
        "PT",
        "OT",
        "SLP",
        "MSW",
        "HHA",
        "wound_care",
        "iv_therapy",
        "pediatrics",
    ],
)
def test_demo_caregiver_skill(problem, skill):
    assert any(skill in c.skills for c in problem.caregivers)


@pytest.mark.parametrize("language", ["en", "es", "pl"])
def test_demo_caregiver_language(problem, language):
    assert any(language in c.languages for c in problem.caregivers)


def test_demo_visit_languages(problem):
    required = Counter(v.language for v in problem.visits if v.language)
    assert required["es"] > 0
    assert required["pl"] > 0


def test_demo_places_in_region(problem):
    places = [v.location for v in problem.visits] + [
        c.start for c in problem.caregivers
    ]
    outside = [
        p for p in places if not (isinstance(p, Location) and REGION.contains(p))
    ]
    assert outside == []


def test_demo_visits_qualified(problem):
    """Every visit has a caregiver with its skills and language."""
    unqualified = [
        visit.id
        for visit in problem.visits
        if not any(
            visit.required_skills <= c.skills
            and (visit.language is None or visit.language in c.languages)
            and c.id not in visit.excluded_caregivers
            for c in problem.caregivers
        )
    ]
    assert unqualified == []


def test_demo_two_person_visit(problem):
    visits = {v.id: v for v in problem.visits}
    pairs = [link for link in problem.links if link.kind == LinkKind.SAME_START]
    assert len(pairs) >= 1
    assert pairs[0].together
    assert visits[pairs[0].first].location == visits[pairs[0].second].location


def test_demo_sequenced_pair(problem):
    sequences = [link for link in problem.links if link.kind == LinkKind.SEQUENCE]
    assert len(sequences) >= 1
    assert sequences[0].min_gap > 0


def test_demo_lunch_breaks(problem):
    for caregiver in problem.caregivers:
        (lunch,) = caregiver.breaks
        assert lunch.duration == 30 * 60
        assert lunch.earliest_start >= 11 * HOUR + 30 * 60
        assert lunch.latest_start + lunch.duration <= 13 * HOUR + 30 * 60


def test_demo_windows(problem):
    fixed = [
        v
        for v in problem.visits
        if v.windows and v.windows[0].start == v.windows[0].end
    ]
    ranged = [
        v for v in problem.visits if v.windows and v.windows[0].start < v.windows[0].end
    ]
    assert len(fixed) >= 3
    assert len(ranged) > len(problem.visits) / 2


def test_demo_shifts_local_day(problem):
    for caregiver in problem.caregivers:
        assert 6 * HOUR <= caregiver.shift_start < caregiver.shift_end <= 18 * HOUR


def test_demo_solution_valid(problem, solution):
    assert solution.violations == ()


def test_demo_each_visit_once(problem, solution):
    planned = [stop.visit_id for route in solution.routes for stop in route.stops]
    unassigned = [item.visit_id for item in solution.unassigned]
    assert sorted(planned + unassigned) == sorted(v.id for v in problem.visits)


def test_demo_no_structural_reason(solution):
    structural = {Reason.NO_QUALIFIED_CAREGIVER, Reason.OUTSIDE_EVERY_WINDOW}
    assert [u.visit_id for u in solution.unassigned if u.reason in structural] == []


def test_demo_mostly_planned(problem, solution):
    # The demo is sized so that every visit fits; the 90 % bound leaves room for a
    # search that a busy machine cuts short.
    assert solution.assigned_count >= 0.9 * len(problem.visits)
