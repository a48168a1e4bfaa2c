"""Tests of the solver on small problems, one modelling rule at a time.

Every solve runs the real OR-Tools search with a time limit of 1 s, and every test
also expects the checker to find no violation.
"""

from __future__ import annotations

import logging

import pytest

from homehealth_routing import (
    Break,
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    ProblemData,
    Reason,
    SolveParams,
    TimeWindow,
    TravelMatrix,
    Visit,
    solve,
)

HOUR = 3600
MINUTE = 60
PARAMS = SolveParams(time_limit=1.0)


def uniform_matrix(size: int, seconds: int) -> TravelMatrix:
    """Return a matrix with ``seconds`` (and ``10 * seconds`` metres) between places."""
    duration = tuple(
        tuple(0 if i == j else seconds for j in range(size)) for i in range(size)
    )
    distance = tuple(tuple(10 * value for value in row) for row in duration)
    return TravelMatrix(duration, distance)


def line_matrix(size: int, seconds: int) -> TravelMatrix:
    """Return a matrix of places on a line, ``seconds`` apart from one to the next."""
    duration = tuple(
        tuple(abs(i - j) * seconds for j in range(size)) for i in range(size)
    )
    distance = tuple(tuple(10 * value for value in row) for row in duration)
    return TravelMatrix(duration, distance)


def day(caregiver_id: str = "c1", **changes) -> Caregiver:
    fields = {
        "id": caregiver_id,
        "start": 0,
        "shift_start": 8 * HOUR,
        "shift_end": 16 * HOUR,
    }
    fields.update(changes)
    return Caregiver(**fields)


def run(caregivers, visits, links=(), size=None, seconds=600, params=PARAMS):
    size = size or 1 + max(
        [v.location for v in visits] + [c.start for c in caregivers], default=0
    )
    problem = ProblemData(
        tuple(caregivers), tuple(visits), tuple(links), uniform_matrix(size, seconds)
    )
    solution = solve(problem, params)
    assert solution.violations == ()
    return solution


def stop_of(solution, visit_id):
    for route in solution.routes:
        for stop in route.stops:
            if stop.visit_id == visit_id:
                return route, stop
    raise AssertionError(f"visit {visit_id} is not planned")


def reason_of(solution, visit_id):
    return {u.visit_id: u.reason for u in solution.unassigned}.get(visit_id)


# --------------------------------------------------------------------------------------
# Times


def test_solver_overnight_shift():
    """A shift 22:00-06:00 plans a 02:00 visit and returns after midnight."""
    night = day(shift_start=22 * HOUR, shift_end=30 * HOUR)
    visit = Visit("v", 1, HOUR, windows=(TimeWindow(26 * HOUR, 26 * HOUR + 1800),))

    solution = run([night], [visit])

    route, stop = stop_of(solution, "v")
    assert stop.start == 26 * HOUR
    assert route.departure == 26 * HOUR - 600
    assert route.arrival_home == 27 * HOUR + 600


def test_solver_overnight_late_visits():
    """Visits up to the end of a night shift are planned: no 24-hour cap."""
    night = day(shift_start=22 * HOUR, shift_end=30 * HOUR)
    visits = [
        Visit("early", 1, HOUR, windows=(TimeWindow(23 * HOUR, 24 * HOUR),)),
        Visit("late", 2, HOUR, windows=(TimeWindow(28 * HOUR, 28 * HOUR + 1800),)),
    ]

    solution = run([night], visits)

    assert solution.assigned_count == 2
    assert stop_of(solution, "late")[1].start >= 28 * HOUR


def test_solver_multiple_windows_skip_gap():
    """A visit with windows 09-10 and 14-15, reachable at 11:10, waits until 14:00."""
    caregiver = day(shift_start=11 * HOUR, shift_end=17 * HOUR)
    visit = Visit(
        "v",
        1,
        HOUR,
        windows=(TimeWindow(9 * HOUR, 10 * HOUR), TimeWindow(14 * HOUR, 15 * HOUR)),
    )

    solution = run([caregiver], [visit])

    assert stop_of(solution, "v")[1].start == 14 * HOUR


def test_solver_multiple_windows_first_used():
    """With both windows reachable, the earlier one can be used when it is cheaper."""
    caregiver = day(shift_start=8 * HOUR, shift_end=11 * HOUR)
    visit = Visit(
        "v",
        1,
        HOUR,
        windows=(TimeWindow(9 * HOUR, 9 * HOUR), TimeWindow(14 * HOUR, 15 * HOUR)),
    )

    solution = run([caregiver], [visit])

    assert stop_of(solution, "v")[1].start == 9 * HOUR


def test_solver_hard_window_out_of_shift():
    caregiver = day(shift_start=10 * HOUR, shift_end=16 * HOUR)
    visit = Visit("v", 1, HOUR, windows=(TimeWindow(8 * HOUR, 9 * HOUR),))

    solution = run([caregiver], [visit])

    assert reason_of(solution, "v") is Reason.OUTSIDE_EVERY_WINDOW


def test_solver_soft_window_served_late():
    """A soft window that closed before the shift starts is served late."""
    caregiver = day(shift_start=10 * HOUR, shift_end=16 * HOUR)
    visit = Visit(
        "v", 1, HOUR, windows=(TimeWindow(8 * HOUR, 9 * HOUR),), hard_windows=False
    )

    solution = run([caregiver], [visit])

    stop = stop_of(solution, "v")[1]
    assert stop.start == 10 * HOUR + 600
    assert stop.late == stop.start - 9 * HOUR


def test_solver_soft_window_never_early():
    caregiver = day()
    visit = Visit(
        "v", 1, HOUR, windows=(TimeWindow(13 * HOUR, 14 * HOUR),), hard_windows=False
    )

    solution = run([caregiver], [visit])

    stop = stop_of(solution, "v")[1]
    assert stop.start == 13 * HOUR
    assert stop.late == 0


def test_solver_overtime_allowed_and_reported():
    caregiver = day(shift_end=12 * HOUR, max_overtime=2 * HOUR)
    visit = Visit("v", 1, HOUR, windows=(TimeWindow(12 * HOUR, 12 * HOUR),))

    solution = run([caregiver], [visit])

    route = stop_of(solution, "v")[0]
    assert route.arrival_home == 13 * HOUR + 600
    assert route.overtime == HOUR + 600


def test_solver_overtime_limit_holds():
    caregiver = day(shift_end=12 * HOUR, max_overtime=HOUR)
    visit = Visit("v", 1, HOUR, windows=(TimeWindow(12 * HOUR + 1800, 13 * HOUR),))

    solution = run([caregiver], [visit])

    assert reason_of(solution, "v") is Reason.OUTSIDE_EVERY_WINDOW


def test_solver_caregiver_specific_duration():
    caregivers = [day("slow"), day("fast", shift_end=9 * HOUR)]
    visit = Visit("v", 1, 2 * HOUR, duration_by_caregiver={"fast": 30 * MINUTE})

    solution = run(caregivers, [visit])

    route, stop = stop_of(solution, "v")
    assert stop.end - stop.start == (
        30 * MINUTE if route.caregiver_id == "fast" else 2 * HOUR
    )


# --------------------------------------------------------------------------------------
# Breaks


def test_solver_break_between_visits():
    lunch = Break(12 * HOUR, 12 * HOUR + 30 * MINUTE, 30 * MINUTE, "lunch")
    caregiver = day(breaks=(lunch,))
    visits = [
        Visit("morning", 1, 2 * HOUR, windows=(TimeWindow(10 * HOUR, 10 * HOUR),)),
        Visit(
            "noon", 2, HOUR, windows=(TimeWindow(12 * HOUR + 30 * MINUTE, 13 * HOUR),)
        ),
    ]

    solution = run([caregiver], visits)

    route = stop_of(solution, "noon")[0]
    assert [b.id for b in route.breaks] == ["lunch"]
    brk = route.breaks[0]
    assert 12 * HOUR <= brk.start <= 12 * HOUR + 30 * MINUTE
    assert brk.end - brk.start == 30 * MINUTE
    for stop in route.stops:
        assert brk.end <= stop.start or stop.end <= brk.start


def test_solver_break_shortens_waiting():
    lunch = Break(12 * HOUR, 12 * HOUR, 30 * MINUTE, "lunch")
    caregiver = day(breaks=(lunch,))
    visits = [
        Visit("a", 1, HOUR, windows=(TimeWindow(10 * HOUR, 10 * HOUR),)),
        Visit("b", 2, HOUR, windows=(TimeWindow(13 * HOUR, 13 * HOUR),)),
    ]

    solution = run([caregiver], visits)

    stop = stop_of(solution, "b")[1]
    # 11:00 end, 10 min travel, 30 min lunch: 80 min of waiting before 13:00.
    assert stop.waiting == 80 * MINUTE


def test_solver_break_skipped_short_day():
    """A morning-only route ends before the lunch window and takes no break."""
    lunch = Break(13 * HOUR, 13 * HOUR + 30 * MINUTE, 30 * MINUTE, "lunch")
    caregiver = day(breaks=(lunch,))
    visit = Visit("v", 1, HOUR, windows=(TimeWindow(9 * HOUR, 9 * HOUR),))

    solution = run([caregiver], [visit])

    route = stop_of(solution, "v")[0]
    assert route.breaks == ()
    assert route.arrival_home == 10 * HOUR + 600


# --------------------------------------------------------------------------------------
# Qualifications and pins


def test_solver_skill_picks_caregiver():
    caregivers = [day("aide", skills={"hha"}), day("nurse", skills={"rn"})]
    visit = Visit("v", 1, HOUR, required_skills={"rn"})

    solution = run(caregivers, [visit])

    assert stop_of(solution, "v")[0].caregiver_id == "nurse"


def test_solver_language_picks_caregiver():
    caregivers = [day("en", languages={"en"}), day("es", languages={"en", "es"})]
    visit = Visit("v", 1, HOUR, language="es")

    solution = run(caregivers, [visit])

    assert stop_of(solution, "v")[0].caregiver_id == "es"


def test_solver_language_nobody_speaks():
    solution = run([day(languages={"en"})], [Visit("v", 1, HOUR, language="pl")])

    assert reason_of(solution, "v") is Reason.NO_QUALIFIED_CAREGIVER
    assert "pl" in solution.unassigned[0].detail


def test_solver_excluded_caregiver_avoided():
    caregivers = [day("near"), day("far", start=2)]
    visit = Visit("v", 1, HOUR, excluded_caregivers={"near"})

    solution = run(caregivers, [visit])

    assert stop_of(solution, "v")[0].caregiver_id == "far"


def test_solver_allowed_caregivers_respected():
    caregivers = [day("a"), day("b"), day("c")]
    visit = Visit("v", 1, HOUR, allowed_caregivers={"c"})

    solution = run(caregivers, [visit])

    assert stop_of(solution, "v")[0].caregiver_id == "c"


def test_solver_empty_allowed_means_nobody():
    solution = run([day("a")], [Visit("v", 1, HOUR, allowed_caregivers=set())])

    assert reason_of(solution, "v") is Reason.NO_QUALIFIED_CAREGIVER
    assert solution.routes == ()


def test_solver_pinned_caregiver_respected():
    caregivers = [day("a"), day("b")]
    visits = [Visit("v", 1, HOUR, pinned_caregiver="b")]

    solution = run(caregivers, visits)

    assert stop_of(solution, "v")[0].caregiver_id == "b"


def test_solver_pinned_start_respected():
    visit = Visit("v", 1, HOUR, pinned_start=10 * HOUR + 17 * MINUTE)

    solution = run([day()], [visit])

    assert stop_of(solution, "v")[1].start == 10 * HOUR + 17 * MINUTE


def test_solver_pinned_caregiver_absent():
    solution = run([day("a")], [Visit("v", 1, HOUR, pinned_caregiver="on_leave")])

    assert reason_of(solution, "v") is Reason.PINNED_CAREGIVER_UNAVAILABLE
    assert "on_leave" in solution.unassigned[0].detail


def test_solver_pinned_caregiver_unqualified():
    caregivers = [day("aide", skills={"hha"})]
    visit = Visit("v", 1, HOUR, required_skills={"rn"}, pinned_caregiver="aide")

    solution = run(caregivers, [visit])

    assert reason_of(solution, "v") is Reason.PINNED_CAREGIVER_UNAVAILABLE
    assert "rn" in solution.unassigned[0].detail


def test_solver_pinned_caregiver_shift_misses():
    caregivers = [day("a", shift_end=10 * HOUR), day("b")]
    visit = Visit(
        "v", 1, HOUR, windows=(TimeWindow(14 * HOUR, 15 * HOUR),), pinned_caregiver="a"
    )

    solution = run(caregivers, [visit])

    assert reason_of(solution, "v") is Reason.PINNED_CAREGIVER_UNAVAILABLE


# --------------------------------------------------------------------------------------
# Daily limits


def test_solver_max_visits():
    visits = [Visit(f"v{k}", k, 30 * MINUTE) for k in (1, 2, 3)]

    solution = run([day(max_visits=2)], visits)

    assert solution.assigned_count == 2
    assert [u.reason for u in solution.unassigned] == [Reason.LIMIT_REACHED]
    assert "max_visits 2" in solution.unassigned[0].detail


def test_solver_max_workload():
    visits = [Visit(f"v{k}", k, 30 * MINUTE, workload=3) for k in (1, 2, 3)]

    solution = run([day(max_workload=6)], visits)

    assert solution.assigned_count == 2
    assert [u.reason for u in solution.unassigned] == [Reason.LIMIT_REACHED]


def test_solver_workload_too_big():
    solution = run([day(max_workload=2)], [Visit("v", 1, HOUR, workload=5)])

    assert reason_of(solution, "v") is Reason.LIMIT_REACHED


def test_solver_max_work():
    """Three 1-hour visits 10 min apart need 3 h 40 min; max_work 3 h allows two."""
    visits = [Visit(f"v{k}", k, HOUR) for k in (1, 2, 3)]

    solution = run([day(max_work=3 * HOUR)], visits)

    assert solution.assigned_count == 2
    assert solution.routes[0].work_time <= 3 * HOUR


def test_solver_max_work_excludes_breaks():
    """A break taken inside the route does not count towards max_work."""
    lunch = Break(12 * HOUR, 12 * HOUR, HOUR, "lunch")
    caregiver = day(max_work=2 * HOUR + 30 * MINUTE, breaks=(lunch,))
    visits = [
        Visit("a", 1, HOUR, windows=(TimeWindow(11 * HOUR, 11 * HOUR),)),
        Visit(
            "b",
            2,
            50 * MINUTE,
            windows=(TimeWindow(13 * HOUR + 10 * MINUTE, 14 * HOUR),),
        ),
    ]

    solution = run([caregiver], visits)

    route = solution.routes[0]
    assert solution.assigned_count == 2
    assert [b.id for b in route.breaks] == ["lunch"]
    assert route.work_time <= 2 * HOUR + 30 * MINUTE


# --------------------------------------------------------------------------------------
# Links


def test_solver_same_start_two_caregivers():
    caregivers = [day("a"), day("b")]
    visits = [
        Visit("lift_1", 1, HOUR, windows=(TimeWindow(9 * HOUR, 11 * HOUR),)),
        Visit("lift_2", 1, HOUR, windows=(TimeWindow(10 * HOUR, 12 * HOUR),)),
    ]
    links = [Link(LinkKind.SAME_START, "lift_1", "lift_2", together=True)]

    solution = run(caregivers, visits, links)

    (route_1, stop_1), (route_2, stop_2) = (
        stop_of(solution, "lift_1"),
        stop_of(solution, "lift_2"),
    )
    assert stop_1.start == stop_2.start
    assert route_1.caregiver_id != route_2.caregiver_id


def test_solver_same_start_one_caregiver():
    """Without together, one caregiver still performs one visit of a same-start pair."""
    visits = [Visit("x", 1, HOUR), Visit("y", 2, HOUR)]
    links = [Link(LinkKind.SAME_START, "x", "y")]

    solution = run([day("solo")], visits, links)

    assert solution.assigned_count == 1


def test_solver_together_pair_needs_two():
    visits = [Visit("x", 1, HOUR), Visit("y", 2, HOUR), Visit("z", 3, HOUR)]
    links = [Link(LinkKind.SAME_START, "x", "y", together=True)]

    solution = run([day("solo")], visits, links)

    assert reason_of(solution, "x") is Reason.NO_QUALIFIED_CAREGIVER
    assert reason_of(solution, "y") is Reason.NO_QUALIFIED_CAREGIVER
    assert stop_of(solution, "z")[0].caregiver_id == "solo"


def test_solver_together_pair_dropped():
    """A pair whose second visit has no time is dropped whole, with no_time for both."""
    caregivers = [day("a", skills={"x"}), day("b", skills={"y"})]
    visits = [
        Visit(
            "x",
            1,
            30 * MINUTE,
            required_skills={"x"},
            windows=(TimeWindow(9 * HOUR, 10 * HOUR),),
        ),
        Visit(
            "y",
            2,
            30 * MINUTE,
            required_skills={"y"},
            windows=(TimeWindow(9 * HOUR, 10 * HOUR),),
        ),
        Visit(
            "busy",
            3,
            2 * HOUR,
            required_skills={"y"},
            pinned_start=8 * HOUR + 30 * MINUTE,
            priority=5,
        ),
    ]
    links = [Link(LinkKind.SAME_START, "x", "y", together=True)]

    solution = run(caregivers, visits, links)

    assert reason_of(solution, "x") is Reason.NO_TIME
    assert reason_of(solution, "y") is Reason.NO_TIME
    assert stop_of(solution, "busy")[0].caregiver_id == "b"


def test_solver_sequence_gap_bounds():
    caregivers = [day("a"), day("b")]
    visits = [Visit("first", 1, 30 * MINUTE), Visit("second", 2, 30 * MINUTE)]
    links = [
        Link(
            LinkKind.SEQUENCE,
            "first",
            "second",
            min_gap=2 * HOUR,
            max_gap=2 * HOUR + 300,
        )
    ]

    solution = run(caregivers, visits, links)

    gap = stop_of(solution, "second")[1].start - stop_of(solution, "first")[1].start
    assert 2 * HOUR <= gap <= 2 * HOUR + 300


def test_solver_links_keep_late_departure():
    """Linked visits still leave home as late as the first visit allows."""
    caregivers = [day("a"), day("b")]
    visits = [
        Visit("first", 1, 30 * MINUTE, windows=(TimeWindow(10 * HOUR, 10 * HOUR),)),
        Visit("second", 2, 30 * MINUTE, windows=(TimeWindow(11 * HOUR, 12 * HOUR),)),
    ]
    links = [Link(LinkKind.SEQUENCE, "first", "second", min_gap=HOUR)]

    solution = run(caregivers, visits, links)

    for route in solution.routes:
        assert route.departure == route.stops[0].start - 600
        assert route.stops[0].waiting == 0


# --------------------------------------------------------------------------------------
# Costs


def test_solver_preferred_caregiver():
    caregivers = [day("a"), day("b")]
    for preferred in ("a", "b"):
        visit = Visit("v", 1, HOUR, preferred_caregivers={preferred})
        params = SolveParams(time_limit=1.0, preference_weight=10_000)

        solution = run(caregivers, [visit], params=params)

        assert stop_of(solution, "v")[0].caregiver_id == preferred


def test_solver_preference_below_travel():
    """A small preference weight does not send the preferred caregiver across town."""
    problem = ProblemData(
        (day("near", start=0), day("far", start=2)),
        (Visit("v", 0, HOUR, preferred_caregivers={"far"}),),
        matrix=line_matrix(3, 1000),
    )

    solution = solve(problem, SolveParams(time_limit=1.0, preference_weight=100))

    assert stop_of(solution, "v")[0].caregiver_id == "near"
    # No travel, and the preference cost of a non-preferred caregiver.
    assert solution.objective == 100


def test_solver_initial_assignment_kept():
    caregivers = [day("a"), day("b")]
    visits = [Visit(f"v{k}", k, 30 * MINUTE) for k in (1, 2, 3)]
    for owner in ("a", "b"):
        params = SolveParams(
            time_limit=1.0,
            change_weight=50_000,
            initial_assignment={v.id: owner for v in visits},
        )

        solution = run(caregivers, visits, params=params)

        assert [r.caregiver_id for r in solution.routes] == [owner]


def test_solver_infeasible_initial_assignment():
    """An initial plan that breaks a rule is only a hint: the search starts afresh."""
    caregivers = [day("a", skills={"rn"}), day("b")]
    visits = [Visit("v", 1, HOUR, required_skills={"rn"})]
    params = SolveParams(time_limit=1.0, initial_assignment={"v": "b"})

    solution = run(caregivers, visits, params=params)

    assert stop_of(solution, "v")[0].caregiver_id == "a"


def test_solver_cost_per_km_prefers_cheaper():
    caregivers = [day("pricey", cost_per_km=5.0), day("cheap", cost_per_km=0.5)]

    solution = run(caregivers, [Visit("v", 1, HOUR)])

    assert stop_of(solution, "v")[0].caregiver_id == "cheap"


def test_solver_cost_per_hour_prefers_cheaper():
    caregivers = [day("pricey", cost_per_hour=60.0), day("cheap", cost_per_hour=20.0)]

    solution = run(caregivers, [Visit("v", 1, HOUR)])

    assert stop_of(solution, "v")[0].caregiver_id == "cheap"


def test_solver_fixed_cost_uses_one_caregiver():
    caregivers = [day("a"), day("b"), day("c")]
    visits = [Visit(f"v{k}", k, 30 * MINUTE) for k in (1, 2, 3)]
    params = SolveParams(time_limit=1.0, caregiver_fixed_cost=100_000)

    solution = run(caregivers, visits, params=params)

    assert len(solution.routes) == 1


def test_solver_priority_decides_drop():
    """When only one of two visits fits, the one with the higher priority stays."""
    window = (TimeWindow(10 * HOUR, 10 * HOUR),)
    for important in ("x", "y"):
        visits = [
            Visit("x", 1, HOUR, windows=window, priority=5 if important == "x" else 1),
            Visit("y", 2, HOUR, windows=window, priority=5 if important == "y" else 1),
        ]

        solution = run([day()], visits)

        assert [s.visit_id for r in solution.routes for s in r.stops] == [important]


# --------------------------------------------------------------------------------------
# Edges and parameters


def test_solver_no_visits():
    solution = run([day()], [], size=1)

    assert solution.routes == ()
    assert solution.unassigned == ()
    assert solution.status == "optimal"


def test_solver_no_caregivers():
    solution = run([], [Visit("v", 1, HOUR)], size=2)

    assert reason_of(solution, "v") is Reason.NO_QUALIFIED_CAREGIVER
    assert "no caregivers" in solution.unassigned[0].detail


def test_solver_every_visit_once():
    caregivers = [day("a"), day("b")]
    visits = [Visit(f"v{k}", k % 4, 45 * MINUTE) for k in range(14)]

    solution = run(caregivers, visits, size=4)

    planned = [s.visit_id for r in solution.routes for s in r.stops]
    dropped = [u.visit_id for u in solution.unassigned]
    assert sorted(planned + dropped) == sorted(v.id for v in visits)
    assert len(set(planned)) == len(planned)


def test_solver_unknown_strategy():
    with pytest.raises(InvalidInput, match="first_solution 'fastest'"):
        run(
            [day()], [Visit("v", 1, HOUR)], params=SolveParams(first_solution="fastest")
        )


def test_solver_named_strategies():
    params = SolveParams(
        time_limit=1.0, first_solution="path_cheapest_arc", metaheuristic="tabu_search"
    )

    solution = run([day()], [Visit("v", 1, HOUR)], params=params)

    assert solution.assigned_count == 1


def test_solver_progress_logged(caplog):
    params = SolveParams(time_limit=1.0, progress_interval=0.05)
    visits = [Visit(f"v{k}", k, 20 * MINUTE) for k in range(1, 8)]

    with caplog.at_level(logging.INFO, logger="homehealth_routing.solver"):
        run([day("a"), day("b")], visits, params=params)

    assert any("search at" in r.getMessage() for r in caplog.records)


def test_solver_objective_counts_travel():
    solution = run([day()], [Visit("v", 1, HOUR)], seconds=700)

    assert solution.objective == 1400
    assert solution.travel_time == 1400
    assert solution.travel_distance == 14000


def test_solver_no_plan_in_time():
    """A search stopped before its first plan returns every visit as unassigned.

    Half a millisecond is far too short for the first plan of 300 visits.
    """
    size = 301
    duration = tuple(
        tuple(0 if i == j else 60 + 7 * abs(i - j) for j in range(size))
        for i in range(size)
    )
    caregivers = tuple(day(f"c{k}") for k in range(20))
    visits = tuple(
        Visit(f"v{i}", i, 30 * MINUTE, windows=(TimeWindow(9 * HOUR, 15 * HOUR),))
        for i in range(1, size)
    )
    problem = ProblemData(caregivers, visits, matrix=TravelMatrix(duration, duration))

    solution = solve(problem, SolveParams(time_limit=0.0005))

    assert solution.status == "no_solution"
    assert solution.routes == ()
    assert len(solution.unassigned) == 300
    assert {u.reason for u in solution.unassigned} == {Reason.NO_TIME}


def test_solver_auto_metaheuristic():
    """Metaheuristic "auto" takes turns between tabu and guided local search."""
    caregivers = [day("a"), day("b")]
    visits = [Visit(f"v{k}", k, 40 * MINUTE) for k in range(1, 9)]
    params = SolveParams(time_limit=1.0, metaheuristic="auto")

    solution = run(caregivers, visits, params=params)

    assert solution.assigned_count == 8
    assert solution.status in ("feasible", "optimal")


def test_solver_unknown_metaheuristic():
    with pytest.raises(InvalidInput, match="metaheuristic 'annealing'.*auto"):
        run(
            [day()],
            [Visit("v", 1, HOUR)],
            params=SolveParams(metaheuristic="annealing"),
        )


def test_solver_shared_start_own_end():
    """Caregivers who leave from one place keep their own end of the day.

    All three leave from place 0, and two of them finish at place 6. Places lie on
    a line, 10 minutes apart. Doing both visits on the way to place 6 takes 60
    minutes of travel, and every other plan takes at least 80.
    """
    caregivers = [day("back_home"), day("to_six_a", end=6), day("to_six_b", end=6)]
    visits = [
        Visit("v1", 1, 30 * MINUTE, windows=(TimeWindow(8 * HOUR, 9 * HOUR),)),
        Visit("v5", 5, 30 * MINUTE, windows=(TimeWindow(14 * HOUR, 15 * HOUR),)),
    ]
    problem = ProblemData(tuple(caregivers), tuple(visits), (), line_matrix(7, 600))

    solution = solve(problem, PARAMS)

    assert solution.violations == ()
    assert len(solution.routes) == 1
    route = solution.routes[0]
    assert route.caregiver_id in ("to_six_a", "to_six_b")
    assert [stop.visit_id for stop in route.stops] == ["v1", "v5"]
    assert route.travel_time == 60 * MINUTE
    assert route.arrival_home == route.stops[-1].end + 10 * MINUTE


def test_auto_first_solution_choice():
    """Savings only from one shared depot, with visits alike and none pinned."""
    from ortools.constraint_solver import routing_enums_pb2

    from homehealth_routing.solver import _auto_first_solution
    from homehealth_routing.travel import Travel

    strategy = routing_enums_pb2.FirstSolutionStrategy
    visits = (Visit("v1", 1, HOUR), Visit("v2", 2, HOUR))
    depot = ProblemData((day("a"), day("b")), visits)
    homes = ProblemData((day("a"), day("b", start=3)), visits)
    pinned = ProblemData(
        (day("a"), day("b")), (*visits, Visit("v3", 3, HOUR, pinned_caregiver="a"))
    )
    urgent = ProblemData(
        (day("a"), day("b")), (*visits, Visit("v3", 3, HOUR, priority=5))
    )

    def choice(problem):
        return _auto_first_solution(problem, Travel(problem))

    assert choice(depot) == strategy.SAVINGS
    assert choice(homes) == strategy.PARALLEL_CHEAPEST_INSERTION
    assert choice(pinned) == strategy.PARALLEL_CHEAPEST_INSERTION
    assert choice(urgent) == strategy.PARALLEL_CHEAPEST_INSERTION
