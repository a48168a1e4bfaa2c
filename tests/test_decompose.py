"""Splitting a problem into parts that share no caregiver and no link."""

from homehealth_routing import (
    Caregiver,
    Link,
    LinkKind,
    Location,
    ProblemData,
    SolveParams,
    TimeWindow,
    Visit,
    check,
    solve,
)
from homehealth_routing.decompose import split_problem
from homehealth_routing.reasons import analyse
from homehealth_routing.travel import Travel

HOME = Location(41.8800, -87.6300)
HOUR = 3600


def _caregiver(caregiver_id, skill):
    return Caregiver(
        id=caregiver_id,
        start=HOME,
        shift_start=8 * HOUR,
        shift_end=16 * HOUR,
        skills=frozenset({skill}),
    )


def _visit(visit_id, skill, north_km, **fields):
    return Visit(
        id=visit_id,
        location=Location(HOME.lat + north_km / 111.0, HOME.lon),
        duration=1800,
        required_skills=frozenset({skill}),
        windows=(TimeWindow(9 * HOUR, 14 * HOUR),),
        **fields,
    )


def _problem(links=()):
    caregivers = (
        _caregiver("nurse", "rn"),
        _caregiver("aide", "hha"),
        _caregiver("therapist", "pt"),
    )
    visits = (
        _visit("n1", "rn", 1, preferred_caregivers=frozenset({"aide"})),
        _visit("n2", "rn", 2),
        _visit("a1", "hha", 1, excluded_caregivers=frozenset({"nurse"})),
        _visit("a2", "hha", 3),
        _visit("p1", "pt", 2),
        _visit("x1", "wound_care", 1),
    )
    return ProblemData(caregivers=caregivers, visits=visits, links=tuple(links))


def _parts(problem, params=None):
    params = params or SolveParams(time_limit=1)
    eligibility = analyse(problem, Travel(problem))
    return split_problem(problem, eligibility, params)


def test_split_by_skill_group():
    parts = _parts(_problem())
    visit_sets = sorted(sorted(v.id for v in part.visits) for part, _ in parts)
    assert visit_sets == [["a1", "a2"], ["n1", "n2"], ["p1"]]


def test_split_keeps_caregivers_with_their_visits():
    parts = _parts(_problem())
    for part, _params in parts:
        skills = {skill for c in part.caregivers for skill in c.skills}
        needed = {skill for v in part.visits for skill in v.required_skills}
        assert needed <= skills


def test_split_drops_other_parts_caregivers():
    parts = _parts(_problem())
    by_visit = {v.id: v for part, _ in parts for v in part.visits}
    assert by_visit["n1"].preferred_caregivers == frozenset()
    assert by_visit["a1"].excluded_caregivers == frozenset()


def test_split_leaves_out_unqualified_visit():
    parts = _parts(_problem())
    planned = {v.id for part, _ in parts for v in part.visits}
    assert "x1" not in planned


def test_link_joins_parts():
    link = Link(LinkKind.SEQUENCE, "n1", "a1", min_gap=HOUR)
    parts = _parts(_problem(links=[link]))
    together = [part for part, _ in parts if "n1" in {v.id for v in part.visits}]
    assert {v.id for v in together[0].visits} >= {"n1", "a1", "a2", "n2"}
    assert together[0].links == (link,)


def test_unsplittable_problem_unchanged():
    problem = _problem()
    single = ProblemData(caregivers=problem.caregivers[:1], visits=problem.visits[:2])
    parts = _parts(single)
    assert len(parts) == 1
    assert parts[0][0] is single


def test_initial_assignment_kept_per_part():
    params = SolveParams(time_limit=1, initial_assignment={"n1": "nurse", "a2": "aide"})
    parts = _parts(_problem(), params)
    assignments = {
        tuple(sorted(v.id for v in part.visits)): part_params.initial_assignment
        for part, part_params in parts
    }
    assert assignments[("n1", "n2")] == {"n1": "nurse"}
    assert assignments[("a1", "a2")] == {"a2": "aide"}


def test_split_solution_checks_clean():
    problem = _problem()
    solution = solve(problem, SolveParams(time_limit=2))
    assert check(problem, solution) == []
    assert solution.assigned_count == 5
    assert [u.visit_id for u in solution.unassigned] == ["x1"]
