"""Tests of the checker: it accepts a solved plan and flags each broken rule.

One plan comes from :func:`solve` on a problem that uses every rule. Each test breaks
one thing in the plan (or tightens the problem) with ``dataclasses.replace`` and
expects the matching violation.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from homehealth_routing import (
    Break,
    BreakTaken,
    Caregiver,
    Link,
    LinkKind,
    ProblemData,
    Reason,
    Route,
    SolveParams,
    TimeWindow,
    TravelMatrix,
    Unassigned,
    Visit,
    check,
    solve,
)

HOUR = 3600
MINUTE = 60


def build_problem() -> ProblemData:
    size = 8
    duration = tuple(
        tuple(0 if i == j else 300 + 60 * abs(i - j) for j in range(size))
        for i in range(size)
    )
    distance = tuple(tuple(8 * value for value in row) for row in duration)
    lunch = Break(12 * HOUR, 12 * HOUR + 30 * MINUTE, 30 * MINUTE, "lunch")
    caregivers = (
        Caregiver(
            "rn",
            0,
            8 * HOUR,
            16 * HOUR,
            skills={"rn"},
            languages={"en", "es"},
            breaks=(lunch,),
            max_visits=5,
            max_workload=10,
            max_work=7 * HOUR,
        ),
        Caregiver(
            "hha",
            7,
            8 * HOUR,
            16 * HOUR,
            skills={"hha"},
            languages={"en"},
            max_overtime=HOUR,
        ),
    )
    window = TimeWindow
    visits = (
        Visit(
            "wound",
            1,
            45 * MINUTE,
            required_skills={"rn"},
            language="es",
            windows=(window(9 * HOUR, 10 * HOUR),),
            workload=3,
        ),
        Visit(
            "meds",
            2,
            30 * MINUTE,
            required_skills={"rn"},
            windows=(window(10 * HOUR, 11 * HOUR + 30 * MINUTE),),
            workload=2,
        ),
        Visit(
            "lift_rn",
            3,
            40 * MINUTE,
            required_skills={"rn"},
            windows=(window(13 * HOUR, 14 * HOUR),),
            workload=2,
        ),
        Visit(
            "lift_hha",
            3,
            40 * MINUTE,
            required_skills={"hha"},
            windows=(window(13 * HOUR, 14 * HOUR),),
        ),
        Visit(
            "bath",
            4,
            HOUR,
            required_skills={"hha"},
            windows=(window(9 * HOUR, 11 * HOUR),),
        ),
        Visit(
            "soft",
            5,
            30 * MINUTE,
            required_skills={"hha"},
            windows=(window(11 * HOUR, 11 * HOUR + 15 * MINUTE),),
            hard_windows=False,
        ),
        Visit(
            "check",
            6,
            20 * MINUTE,
            required_skills={"hha"},
            pinned_caregiver="hha",
            pinned_start=15 * HOUR,
        ),
    )
    links = (
        Link(LinkKind.SAME_START, "lift_rn", "lift_hha", together=True),
        Link(LinkKind.SEQUENCE, "wound", "meds", min_gap=HOUR, max_gap=2 * HOUR),
    )
    return ProblemData(caregivers, visits, links, TravelMatrix(duration, distance))


@pytest.fixture(scope="module")
def planned():
    problem = build_problem()
    solution = solve(problem, SolveParams(time_limit=2.0))
    return problem, solution


def route_of(solution, caregiver_id) -> Route:
    return next(r for r in solution.routes if r.caregiver_id == caregiver_id)


def with_route(solution, owner, **changes):
    routes = tuple(
        replace(r, **changes) if r.caregiver_id == owner else r for r in solution.routes
    )
    return replace(solution, routes=routes)


def with_stop(solution, visit_id, **changes):
    routes = []
    for route in solution.routes:
        stops = tuple(
            replace(s, **changes) if s.visit_id == visit_id else s for s in route.stops
        )
        routes.append(replace(route, stops=stops))
    return replace(solution, routes=tuple(routes))


def stop(solution, visit_id):
    return next(s for r in solution.routes for s in r.stops if s.visit_id == visit_id)


def with_visit(problem, visit_id, **changes):
    visits = tuple(
        replace(v, **changes) if v.id == visit_id else v for v in problem.visits
    )
    return replace(problem, visits=visits)


def with_caregiver(problem, caregiver_id, **changes):
    caregivers = tuple(
        replace(c, **changes) if c.id == caregiver_id else c for c in problem.caregivers
    )
    return replace(problem, caregivers=caregivers)


def flagged(problem, solution, text) -> bool:
    return any(text in violation for violation in check(problem, solution))


# --------------------------------------------------------------------------------------


def test_checker_accepts_solved_plan(planned):
    problem, solution = planned
    assert solution.unassigned == ()
    assert check(problem, solution) == []
    assert [b.id for b in route_of(solution, "rn").breaks] == ["lunch"]


def test_checker_visit_missing(planned):
    problem, solution = planned
    route = route_of(solution, "hha")
    broken = with_route(
        solution, "hha", stops=tuple(s for s in route.stops if s.visit_id != "bath")
    )
    assert flagged(problem, broken, "visit 'bath' is missing")


def test_checker_visit_twice(planned):
    problem, solution = planned
    route = route_of(solution, "hha")
    broken = with_route(solution, "hha", stops=route.stops + route.stops[-1:])
    assert flagged(problem, broken, "is in routes 2 times")


def test_checker_routed_and_unassigned(planned):
    problem, solution = planned
    broken = replace(solution, unassigned=(Unassigned("bath", Reason.NO_TIME),))
    assert flagged(problem, broken, "'bath' is both in a route and unassigned")


def test_checker_unknown_visit(planned):
    problem, solution = planned
    broken = replace(solution, unassigned=(Unassigned("ghost", Reason.NO_TIME),))
    assert flagged(
        problem, broken, "visit 'ghost' in the solution is not in the problem"
    )


def test_checker_unknown_reason(planned):
    problem, solution = planned
    route = route_of(solution, "hha")
    broken = with_route(
        solution, "hha", stops=tuple(s for s in route.stops if s.visit_id != "bath")
    )
    broken = replace(broken, unassigned=(Unassigned("bath", "tired"),))
    assert flagged(problem, broken, "unknown reason 'tired'")


def test_checker_unknown_caregiver(planned):
    problem, solution = planned
    broken = with_route(solution, "hha", caregiver_id="temp")
    assert flagged(problem, broken, "route of unknown caregiver 'temp'")


def test_checker_two_routes_one_caregiver(planned):
    problem, solution = planned
    broken = with_route(solution, "hha", caregiver_id="rn")
    assert flagged(problem, broken, "caregiver 'rn' has more than one route")


def test_checker_empty_route(planned):
    problem, solution = planned
    broken = with_route(solution, "hha", stops=())
    assert flagged(problem, broken, "has a route without visits")


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"required_skills": {"rn", "iv_therapy"}}, "lacks skill(s) iv_therapy"),
        ({"language": "pl"}, "does not speak pl"),
        ({"excluded_caregivers": {"rn"}}, "excluded from the visit"),
        ({"allowed_caregivers": {"hha"}}, "not among the allowed caregivers"),
        ({"pinned_caregiver": "hha"}, "the visit is pinned to 'hha'"),
        ({"windows": (TimeWindow(6 * HOUR, 7 * HOUR),)}, "outside its windows"),
        ({"duration": 50 * MINUTE}, "expected 3000 s"),
    ],
)
def test_checker_visit_rules(planned, changes, text):
    problem, solution = planned
    assert flagged(with_visit(problem, "wound", **changes), solution, text)


def test_checker_pinned_start(planned):
    problem, solution = planned
    pinned = stop(solution, "check")
    broken = with_stop(
        solution,
        "check",
        start=pinned.start + 60,
        end=pinned.end + 60,
        waiting=pinned.waiting + 60,
    )
    assert flagged(problem, broken, "not at its pinned start 54000")


def test_checker_soft_window_early(planned):
    problem, solution = planned
    start = stop(solution, "soft").start
    later = (TimeWindow(start + 60, start + 600),)
    assert flagged(
        with_visit(problem, "soft", windows=later), solution, "before its first window"
    )


def test_checker_lateness_field(planned):
    problem, solution = planned
    broken = with_stop(solution, "soft", late=stop(solution, "soft").late + 99)
    assert flagged(problem, broken, "'soft': lateness is")


@pytest.mark.parametrize(
    ("field", "delta", "text"),
    [
        ("arrival", 1, "is not the departure from the previous stop"),
        ("travel_time", 5, "travel time from the previous stop"),
        ("travel_distance", 5, "travel distance from the previous stop"),
        ("end", 60, "'meds' lasts 1860 s"),
    ],
)
def test_checker_stop_fields(planned, field, delta, text):
    problem, solution = planned
    value = getattr(stop(solution, "meds"), field)
    broken = with_stop(solution, "meds", **{field: value + delta})
    assert flagged(problem, broken, text)


def test_checker_start_before_arrival(planned):
    problem, solution = planned
    meds = stop(solution, "meds")
    early = meds.arrival - 60
    broken = with_stop(solution, "meds", start=early, end=early + meds.end - meds.start)
    assert flagged(problem, broken, "before arrival")


def test_checker_travel_does_not_fit(planned):
    problem, solution = planned
    route = route_of(solution, "rn")
    first, second = route.stops[0], route.stops[1]
    shifted = replace(
        second,
        arrival=first.end,
        start=first.end,
        end=first.end + second.end - second.start,
    )
    broken = with_route(solution, "rn", stops=(first, shifted, *route.stops[2:]))
    assert flagged(problem, broken, "do not fit travel")


def test_checker_departure_before_shift(planned):
    problem, solution = planned
    broken = with_route(solution, "rn", departure=7 * HOUR)
    assert flagged(problem, broken, "before the shift starts")


def test_checker_return_after_overtime(planned):
    problem, solution = planned
    broken = with_route(solution, "hha", arrival_home=17 * HOUR + 1, overtime=HOUR + 1)
    assert flagged(problem, broken, "after the shift end plus overtime")


def test_checker_overtime_field(planned):
    problem, solution = planned
    broken = with_route(
        solution, "hha", overtime=route_of(solution, "hha").overtime + 5
    )
    assert flagged(problem, broken, "overtime is")


def test_checker_return_travel(planned):
    problem, solution = planned
    route = route_of(solution, "hha")
    broken = with_route(
        solution, "hha", return_travel_time=route.return_travel_time + 1
    )
    assert flagged(problem, broken, "return travel time")


def test_checker_break_outside_window(planned):
    problem, solution = planned
    taken = route_of(solution, "rn").breaks[0]
    late = BreakTaken("lunch", 12 * HOUR + 31 * MINUTE, 13 * HOUR + MINUTE)
    broken = with_route(solution, "rn", breaks=(late,))
    assert taken.start != late.start
    assert flagged(problem, broken, "outside 43200-45000")


def test_checker_break_duration(planned):
    problem, solution = planned
    taken = route_of(solution, "rn").breaks[0]
    short = replace(taken, end=taken.start + 20 * MINUTE)
    broken = with_route(solution, "rn", breaks=(short,))
    assert flagged(problem, broken, "lasts 1200 s, expected 1800 s")


def test_checker_break_overlaps_visit(planned):
    problem, solution = planned
    lift = stop(solution, "lift_rn")
    overlapping = BreakTaken(
        "lunch", lift.start - 10 * MINUTE, lift.start + 20 * MINUTE
    )
    broken = with_route(solution, "rn", breaks=(overlapping,))
    assert flagged(problem, broken, "overlaps visit 'lift_rn'")


def test_checker_break_missing(planned):
    problem, solution = planned
    broken = with_route(solution, "rn", breaks=())
    assert flagged(problem, broken, "break 'lunch' is not taken")


def test_checker_unknown_break(planned):
    problem, solution = planned
    taken = route_of(solution, "rn").breaks[0]
    broken = with_route(solution, "rn", breaks=(taken, replace(taken, id="nap")))
    assert flagged(problem, broken, "break 'nap' is not one of the caregiver's breaks")


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"max_visits": 2}, "more than max_visits 2"),
        ({"max_workload": 4}, "more than max_workload 4"),
        ({"max_work": HOUR}, "more than max_work 3600 s"),
    ],
)
def test_checker_limits(planned, changes, text):
    problem, solution = planned
    assert flagged(with_caregiver(problem, "rn", **changes), solution, text)


def test_checker_same_start_differs(planned):
    problem, solution = planned
    lift = stop(solution, "lift_hha")
    broken = with_stop(
        solution,
        "lift_hha",
        start=lift.start + 60,
        end=lift.end + 60,
        waiting=lift.waiting + 60,
    )
    assert flagged(problem, broken, "starts differ")


def test_checker_same_start_same_caregiver(planned):
    problem, solution = planned
    link = Link(LinkKind.SAME_START, "wound", "meds")
    assert flagged(
        replace(problem, links=(link,)), solution, "both visits go to caregiver 'rn'"
    )


@pytest.mark.parametrize(
    ("link", "text"),
    [
        (Link(LinkKind.SEQUENCE, "wound", "meds", min_gap=5 * HOUR), "below min_gap"),
        (Link(LinkKind.SEQUENCE, "wound", "meds", max_gap=60), "above max_gap"),
    ],
)
def test_checker_sequence_gap(planned, link, text):
    problem, solution = planned
    assert flagged(replace(problem, links=(link,)), solution, text)


def test_checker_together_one_performed(planned):
    problem, solution = planned
    route = route_of(solution, "hha")
    broken = with_route(
        solution, "hha", stops=tuple(s for s in route.stops if s.visit_id != "lift_hha")
    )
    broken = replace(broken, unassigned=(Unassigned("lift_hha", Reason.NO_TIME),))
    assert flagged(problem, broken, "only 'lift_rn' is performed, but both go together")
