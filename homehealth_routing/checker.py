"""An independent check of a solution against every hard rule of its problem.

The checker shares no code with the solver: it recomputes travel with
:class:`~homehealth_routing.travel.Travel` and reads the problem's rules directly, so
that a modelling mistake in the solver shows up as a violation here.
"""

from __future__ import annotations

from collections import Counter

from .domain import (
    Break,
    BreakTaken,
    Caregiver,
    LinkKind,
    ProblemData,
    Reason,
    Route,
    Solution,
    Stop,
    Visit,
)
from .travel import Travel


def check(problem: ProblemData, solution: Solution) -> list[str]:
    """List every hard rule of ``problem`` that ``solution`` breaks.

    Parameters
    ----------
    problem
        The problem that was solved. It must be valid (see
        :func:`homehealth_routing.validate.validate`).
    solution
        The plan to check.

    Returns
    -------
    list of str
        One readable sentence per violation, naming the visits, caregivers and
        breaks involved; empty when the plan respects every rule.
    """
    return _Checker(problem, solution).run()


class _Checker:
    def __init__(self, problem: ProblemData, solution: Solution) -> None:
        self.problem = problem
        self.solution = solution
        self.travel = Travel(problem)
        self.visit_index = {v.id: i for i, v in enumerate(problem.visits)}
        self.caregiver_index = {c.id: k for k, c in enumerate(problem.caregivers)}
        self.violations: list[str] = []
        #: Start time and caregiver id of each performed visit.
        self.performed: dict[str, tuple[int, str]] = {}

    def fail(self, message: str) -> None:
        self.violations.append(message)

    def run(self) -> list[str]:
        self._check_coverage()
        seen_caregivers: set[str] = set()
        for route in self.solution.routes:
            if route.caregiver_id in seen_caregivers:
                self.fail(f"caregiver {route.caregiver_id!r} has more than one route")
                continue
            seen_caregivers.add(route.caregiver_id)
            k = self.caregiver_index.get(route.caregiver_id)
            if k is None:
                self.fail(f"route of unknown caregiver {route.caregiver_id!r}")
                continue
            self._check_route(k, self.problem.caregivers[k], route)
        self._check_links()
        return self.violations

    # ---------------------------------------------------------------------------
    # Each visit routed once or unassigned once

    def _check_coverage(self) -> None:
        in_routes = Counter(s.visit_id for r in self.solution.routes for s in r.stops)
        in_unassigned = Counter(u.visit_id for u in self.solution.unassigned)
        for visit_id in sorted(set(in_routes) | set(in_unassigned)):
            if visit_id not in self.visit_index:
                self.fail(f"visit {visit_id!r} in the solution is not in the problem")
        for visit in self.problem.visits:
            routed, dropped = in_routes[visit.id], in_unassigned[visit.id]
            if routed + dropped == 0:
                self.fail(
                    f"visit {visit.id!r} is missing: neither routed nor unassigned"
                )
            elif routed and dropped:
                self.fail(f"visit {visit.id!r} is both in a route and unassigned")
            elif routed > 1:
                self.fail(f"visit {visit.id!r} is in routes {routed} times")
            elif dropped > 1:
                self.fail(f"visit {visit.id!r} is unassigned {dropped} times")
        for unassigned in self.solution.unassigned:
            if not isinstance(unassigned.reason, Reason):
                self.fail(
                    f"visit {unassigned.visit_id!r} is unassigned with unknown reason "
                    f"{unassigned.reason!r}"
                )

    # ---------------------------------------------------------------------------
    # One route

    def _check_route(self, k: int, caregiver: Caregiver, route: Route) -> None:
        name = f"caregiver {caregiver.id!r}"
        if not route.stops:
            self.fail(f"{name} has a route without visits")
            return
        if route.departure < caregiver.shift_start:
            self.fail(
                f"{name} leaves at {route.departure}, before the shift starts "
                f"({caregiver.shift_start})"
            )
        latest = caregiver.shift_end + caregiver.max_overtime
        if route.arrival_home > latest:
            self.fail(
                f"{name} returns at {route.arrival_home}, after the shift end plus "
                f"overtime ({latest})"
            )
        overtime = max(0, route.arrival_home - caregiver.shift_end)
        if route.overtime != overtime:
            self.fail(f"{name}: overtime is {route.overtime} s, expected {overtime} s")

        place = self.travel.start_place(k)
        ready = route.departure
        for stop in route.stops:
            i = self.visit_index.get(stop.visit_id)
            if i is None:
                continue
            visit = self.problem.visits[i]
            self.performed.setdefault(visit.id, (stop.start, caregiver.id))
            self._check_assignment(caregiver, visit)
            self._check_stop_times(caregiver, visit, stop)
            next_place = self.travel.visit_place(i)
            self._check_leg(caregiver, place, next_place, stop, ready)
            place, ready = next_place, stop.end

        end_place = self.travel.end_place(k)
        back_time = self.travel.duration(caregiver, place, end_place)
        back_distance = self.travel.distance(caregiver, place, end_place)
        if route.return_travel_time != back_time:
            self.fail(
                f"{name}: return travel time is {route.return_travel_time} s, "
                f"expected {back_time} s"
            )
        if route.return_travel_distance != back_distance:
            self.fail(
                f"{name}: return travel distance is {route.return_travel_distance} m, "
                f"expected {back_distance} m"
            )
        self._check_breaks(caregiver, route)
        self._check_gaps(caregiver, route, back_time)
        self._check_limits(caregiver, route)

    def _check_assignment(self, caregiver: Caregiver, visit: Visit) -> None:
        who = f"visit {visit.id!r} by caregiver {caregiver.id!r}"
        lacking = sorted(visit.required_skills - caregiver.skills)
        if lacking:
            self.fail(f"{who}: the caregiver lacks skill(s) {', '.join(lacking)}")
        if visit.language is not None and visit.language not in caregiver.languages:
            self.fail(f"{who}: the caregiver does not speak {visit.language}")
        if caregiver.id in visit.excluded_caregivers:
            self.fail(f"{who}: the caregiver is excluded from the visit")
        allowed = visit.allowed_caregivers
        if allowed is not None and caregiver.id not in allowed:
            self.fail(f"{who}: the caregiver is not among the allowed caregivers")
        if (
            visit.pinned_caregiver is not None
            and visit.pinned_caregiver != caregiver.id
        ):
            self.fail(f"{who}: the visit is pinned to {visit.pinned_caregiver!r}")

    def _check_stop_times(self, caregiver: Caregiver, visit: Visit, stop: Stop) -> None:
        who = f"visit {visit.id!r}"
        duration = visit.duration_for(caregiver.id)
        if stop.end - stop.start != duration:
            self.fail(
                f"{who} lasts {stop.end - stop.start} s, expected {duration} s for "
                f"caregiver {caregiver.id!r}"
            )
        if visit.pinned_start is not None and stop.start != visit.pinned_start:
            self.fail(
                f"{who} starts at {stop.start}, not at its pinned start "
                f"{visit.pinned_start}"
            )
        late = 0
        if visit.windows:
            if visit.hard_windows:
                if not any(w.contains(stop.start) for w in visit.windows):
                    spans = ", ".join(f"{w.start}-{w.end}" for w in visit.windows)
                    self.fail(
                        f"{who} starts at {stop.start}, outside its windows {spans}"
                    )
            elif stop.start < visit.windows[0].start:
                self.fail(
                    f"{who} starts at {stop.start}, before its first window opens "
                    f"({visit.windows[0].start})"
                )
            else:
                late = max(0, stop.start - visit.windows[-1].end)
        if stop.late != late:
            self.fail(f"{who}: lateness is {stop.late} s, expected {late} s")

    def _check_leg(
        self,
        caregiver: Caregiver,
        origin: int,
        destination: int,
        stop: Stop,
        ready: int,
    ) -> None:
        who = f"visit {stop.visit_id!r}"
        travel_time = self.travel.duration(caregiver, origin, destination)
        travel_distance = self.travel.distance(caregiver, origin, destination)
        if stop.travel_time != travel_time:
            self.fail(
                f"{who}: travel time from the previous stop is {stop.travel_time} s, "
                f"expected {travel_time} s"
            )
        if stop.travel_distance != travel_distance:
            self.fail(
                f"{who}: travel distance from the previous stop is "
                f"{stop.travel_distance} m, expected {travel_distance} m"
            )
        if stop.arrival != ready + travel_time:
            self.fail(
                f"{who}: arrival {stop.arrival} is not the departure from the previous "
                f"stop ({ready}) plus travel ({travel_time} s)"
            )
        if stop.start < stop.arrival:
            self.fail(f"{who} starts at {stop.start}, before arrival at {stop.arrival}")
        if stop.start < ready:
            self.fail(
                f"{who} starts at {stop.start}, before the previous stop ends ({ready})"
            )

    # ---------------------------------------------------------------------------
    # Breaks and the time between stops

    def _check_breaks(self, caregiver: Caregiver, route: Route) -> None:
        name = f"caregiver {caregiver.id!r}"
        breaks = {b.id: b for b in caregiver.breaks}
        taken: dict[str, BreakTaken] = {}
        for brk in route.breaks:
            rule = breaks.get(brk.id)
            label = f"{name}, break {brk.id!r}"
            if rule is None:
                self.fail(f"{label} is not one of the caregiver's breaks")
                continue
            if brk.id in taken:
                self.fail(f"{label} is taken twice")
                continue
            taken[brk.id] = brk
            if not rule.earliest_start <= brk.start <= rule.latest_start:
                self.fail(
                    f"{label} starts at {brk.start}, outside {rule.earliest_start}-"
                    f"{rule.latest_start}"
                )
            if brk.end - brk.start != rule.duration:
                self.fail(
                    f"{label} lasts {brk.end - brk.start} s, expected {rule.duration} s"
                )
            if brk.start < route.departure or brk.end > route.arrival_home:
                self.fail(
                    f"{label} ({brk.start}-{brk.end}) is not within the route "
                    f"({route.departure}-{route.arrival_home})"
                )
            for stop in route.stops:
                if brk.start < stop.end and stop.start < brk.end:
                    self.fail(
                        f"{label} ({brk.start}-{brk.end}) overlaps visit "
                        f"{stop.visit_id!r} ({stop.start}-{stop.end})"
                    )
        ordered = sorted(taken.values(), key=lambda b: b.start)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start < before.end:
                self.fail(f"{name}: breaks {before.id!r} and {after.id!r} overlap")
        for rule in caregiver.breaks:
            if rule.id not in taken and not _can_skip(rule, route):
                self.fail(
                    f"{name}, break {rule.id!r} is not taken, but the route "
                    f"({route.departure}-{route.arrival_home}) covers every start "
                    f"{rule.earliest_start}-{rule.latest_start}"
                )

    def _check_gaps(self, caregiver: Caregiver, route: Route, back_time: int) -> None:
        """Check that travel and breaks fit between consecutive stops."""
        name = f"caregiver {caregiver.id!r}"
        bounds = [route.departure]
        for stop in route.stops:
            bounds += [stop.start, stop.end]
        bounds.append(route.arrival_home)
        travels = [s.travel_time for s in route.stops] + [back_time]
        labels = [s.visit_id for s in route.stops] + ["home"]
        for gap, (travel_time, label) in enumerate(zip(travels, labels, strict=True)):
            gap_start, gap_end = bounds[2 * gap], bounds[2 * gap + 1]
            inside = sum(
                b.end - b.start
                for b in route.breaks
                if gap_start <= b.start and b.end <= gap_end
            )
            if gap_end - gap_start < travel_time + inside:
                self.fail(
                    f"{name}: {gap_end - gap_start} s before reaching {label!r} do not "
                    f"fit travel ({travel_time} s) and breaks ({inside} s)"
                )

    # ---------------------------------------------------------------------------
    # Daily limits

    def _check_limits(self, caregiver: Caregiver, route: Route) -> None:
        name = f"caregiver {caregiver.id!r}"
        count = len(route.stops)
        if caregiver.max_visits is not None and count > caregiver.max_visits:
            self.fail(
                f"{name} has {count} visits, more than max_visits "
                f"{caregiver.max_visits}"
            )
        if caregiver.max_workload is not None:
            workload = sum(
                self.problem.visits[self.visit_index[s.visit_id]].workload
                for s in route.stops
                if s.visit_id in self.visit_index
            )
            if workload > caregiver.max_workload:
                self.fail(
                    f"{name} has workload {workload}, more than max_workload "
                    f"{caregiver.max_workload}"
                )
        if caregiver.max_work is not None:
            breaks = sum(b.end - b.start for b in route.breaks)
            work = route.arrival_home - route.departure - breaks
            if work > caregiver.max_work:
                self.fail(
                    f"{name} works {work} s (service, travel and waiting), more than "
                    f"max_work {caregiver.max_work} s"
                )

    # ---------------------------------------------------------------------------
    # Links

    def _check_links(self) -> None:
        for link in self.problem.links:
            name = f"{link.kind.value} link {link.first!r} -> {link.second!r}"
            first = self.performed.get(link.first)
            second = self.performed.get(link.second)
            if link.together and (first is None) != (second is None):
                done = link.first if first is not None else link.second
                self.fail(f"{name}: only {done!r} is performed, but both go together")
            if first is None or second is None:
                continue
            (start_a, caregiver_a), (start_b, caregiver_b) = first, second
            if link.kind is LinkKind.SAME_START:
                if start_a != start_b:
                    self.fail(f"{name}: starts differ ({start_a} and {start_b})")
                if caregiver_a == caregiver_b:
                    self.fail(f"{name}: both visits go to caregiver {caregiver_a!r}")
                continue
            gap = start_b - start_a
            if gap < link.min_gap:
                self.fail(f"{name}: gap {gap} s is below min_gap {link.min_gap} s")
            if link.max_gap is not None and gap > link.max_gap:
                self.fail(f"{name}: gap {gap} s is above max_gap {link.max_gap} s")


def _can_skip(rule: Break, route: Route) -> bool:
    """Return whether a break fits before departure or after the return."""
    before = rule.earliest_start + rule.duration <= route.departure
    after = rule.latest_start >= route.arrival_home
    return before or after
