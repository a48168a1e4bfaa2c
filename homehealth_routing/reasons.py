"""Reasons why a visit is unassigned.

Before the solve, :func:`analyse` finds the caregivers who could ever perform each
visit on its own. It checks skills, language, allowed and excluded caregivers, pins
and limits, and looks for a start time that fits a window, the shift with travel from
and to home, and every break. A visit with no such caregiver stays out of the model
with a structural reason. After the solve, :func:`explain_dropped` gives the reason
for a visit that the search left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .domain import Caregiver, LinkKind, ProblemData, Reason, Unassigned, Visit
from .travel import Travel

#: A set of allowed integer start times as sorted, disjoint closed intervals.
IntervalSet = list[tuple[int, int]]


@dataclass
class Eligibility:
    """Outcome of the pre-analysis, by visit index (position in ``problem.visits``)."""

    #: Caregiver indices that pass the checks on skills, language, allowed and
    #: excluded caregivers and the pin; the visit may still not fit their shift.
    qualified: dict[int, list[int]] = field(default_factory=dict)
    #: Caregiver indices that could perform the visit alone, each with the start times
    #: that fit their shift, the visit's windows and their breaks.
    candidates: dict[int, dict[int, IntervalSet]] = field(default_factory=dict)
    #: Visits that stay out of the model, with their reason.
    excluded: dict[int, Unassigned] = field(default_factory=dict)


@dataclass(frozen=True)
class RouteLoad:
    """Use of a caregiver's daily limits by one route."""

    visits: int = 0
    workload: int = 0
    work_time: int = 0


def analyse(problem: ProblemData, travel: Travel) -> Eligibility:
    """Classify every visit before the solve.

    Returns the qualified caregivers and start-time candidates of each visit, and
    the visits that no caregiver could ever perform, with a reason each. Visits
    performed together with an excluded visit are excluded as well.
    """
    result = Eligibility()
    caregiver_index = {c.id: k for k, c in enumerate(problem.caregivers)}
    commutes = _commutes(problem, travel)
    for i, visit in enumerate(problem.visits):
        unassigned = _classify(problem, commutes, caregiver_index, i, visit, result)
        if unassigned is not None:
            result.excluded[i] = unassigned
    _exclude_together_partners(problem, result)
    return result


def _commutes(problem: ProblemData, travel: Travel) -> list[tuple[list, list]]:
    """Return, by caregiver, travel times from home to each visit and back."""
    visit_places = [travel.visit_place(i) for i in range(len(problem.visits))]
    result = []
    for k, caregiver in enumerate(problem.caregivers):
        duration = travel.matrices(caregiver)[0]
        to_visit = duration[travel.start_place(k), visit_places].tolist()
        to_home = duration[visit_places, travel.end_place(k)].tolist()
        result.append((to_visit, to_home))
    return result


def _classify(
    problem: ProblemData,
    commutes: Sequence[tuple[list, list]],
    caregiver_index: Mapping[str, int],
    i: int,
    visit: Visit,
    result: Eligibility,
) -> Unassigned | None:
    caregivers = problem.caregivers
    if visit.allowed_caregivers is not None and not visit.allowed_caregivers:
        return Unassigned(
            visit.id,
            Reason.NO_QUALIFIED_CAREGIVER,
            "no caregiver is allowed to take the visit "
            "(its allowed caregivers are empty)",
        )

    pinned = visit.pinned_caregiver
    if pinned is not None and pinned not in caregiver_index:
        return Unassigned(
            visit.id,
            Reason.PINNED_CAREGIVER_UNAVAILABLE,
            f"the visit is pinned to caregiver {pinned!r}, who is not among the "
            "caregivers of this plan",
        )
    pool = [caregiver_index[pinned]] if pinned is not None else range(len(caregivers))

    qualified = [k for k in pool if not _missing(visit, caregivers[k])]
    result.qualified[i] = qualified
    if not qualified:
        if pinned is not None:
            gaps = "; ".join(_missing(visit, caregivers[caregiver_index[pinned]]))
            return Unassigned(
                visit.id,
                Reason.PINNED_CAREGIVER_UNAVAILABLE,
                f"the visit is pinned to caregiver {pinned!r}, who {gaps}",
            )
        return Unassigned(
            visit.id, Reason.NO_QUALIFIED_CAREGIVER, _unqualified_detail(problem, visit)
        )

    within_limits = [k for k in qualified if not _limit_blocks(visit, caregivers[k])]
    if not within_limits:
        names = ", ".join(
            f"{caregivers[k].id} ({_limit_blocks(visit, caregivers[k])})"
            for k in qualified
        )
        return Unassigned(
            visit.id,
            Reason.LIMIT_REACHED,
            f"the visit exceeds a daily limit of every qualified caregiver: {names}",
        )

    candidates: dict[int, IntervalSet] = {}
    fits_without_breaks = False
    for k in within_limits:
        to_visit, to_home = commutes[k][0][i], commutes[k][1][i]
        starts = start_times(visit, caregivers[k], to_visit, to_home)
        fits_without_breaks = fits_without_breaks or bool(starts)
        starts = _remove_break_conflicts(starts, visit, caregivers[k])
        if starts:
            candidates[k] = starts
    if candidates:
        result.candidates[i] = candidates
        return None

    if pinned is not None:
        why = (
            "every start time that fits would overlap a break"
            if fits_without_breaks
            else "the shift, with travel from and to home, misses every allowed start"
        )
        return Unassigned(
            visit.id,
            Reason.PINNED_CAREGIVER_UNAVAILABLE,
            f"the visit is pinned to caregiver {pinned!r}, but {why}",
        )
    if fits_without_breaks:
        return Unassigned(
            visit.id,
            Reason.NO_TIME,
            "every start time that fits a qualified caregiver's shift would overlap "
            "that caregiver's break",
        )
    when = (
        f"the pinned start {visit.pinned_start}"
        if visit.pinned_start is not None
        else "any time window of the visit"
    )
    return Unassigned(
        visit.id,
        Reason.OUTSIDE_EVERY_WINDOW,
        f"no qualified caregiver's shift, with travel from and to home, reaches {when}",
    )


def _missing(visit: Visit, caregiver: Caregiver) -> list[str]:
    """List what keeps ``caregiver`` from ``visit`` (empty when qualified)."""
    gaps = []
    lacking = sorted(visit.required_skills - caregiver.skills)
    if lacking:
        gaps.append(f"lacks skill(s) {', '.join(lacking)}")
    if visit.language is not None and visit.language not in caregiver.languages:
        gaps.append(f"does not speak {visit.language}")
    if caregiver.id in visit.excluded_caregivers:
        gaps.append("is excluded from the visit")
    if (
        visit.allowed_caregivers is not None
        and caregiver.id not in visit.allowed_caregivers
    ):
        gaps.append("is not among the visit's allowed caregivers")
    return gaps


def _unqualified_detail(problem: ProblemData, visit: Visit) -> str:
    caregivers = problem.caregivers
    if not caregivers:
        return "the plan has no caregivers"
    nobody_has = sorted(
        skill
        for skill in visit.required_skills
        if not any(skill in c.skills for c in caregivers)
    )
    if nobody_has:
        return f"no caregiver has the skill(s) {', '.join(nobody_has)}"
    if visit.language is not None and not any(
        visit.language in c.languages for c in caregivers
    ):
        return f"no caregiver speaks {visit.language}"
    needs = []
    if visit.required_skills:
        needs.append(f"skill(s) {', '.join(sorted(visit.required_skills))}")
    if visit.language is not None:
        needs.append(f"language {visit.language}")
    if visit.allowed_caregivers is not None:
        needs.append("being among the allowed caregivers")
    if visit.excluded_caregivers:
        needs.append("not being excluded")
    return "no caregiver meets all requirements together: " + "; ".join(needs)


def _limit_blocks(visit: Visit, caregiver: Caregiver) -> str:
    """Name the caregiver limit that this visit alone exceeds ("" when none)."""
    if caregiver.max_visits is not None and caregiver.max_visits < 1:
        return "max_visits 0"
    if caregiver.max_workload is not None and visit.workload > caregiver.max_workload:
        return f"max_workload {caregiver.max_workload} < workload {visit.workload}"
    if caregiver.max_work is not None:
        duration = visit.duration_for(caregiver.id)
        if duration > caregiver.max_work:
            return f"max_work {caregiver.max_work} s < duration {duration} s"
    return ""


def start_times(
    visit: Visit, caregiver: Caregiver, to_visit: int, to_home: int
) -> IntervalSet:
    """Return the starts of ``visit`` that fit its windows and the caregiver's shift.

    ``to_visit`` and ``to_home`` are the travel times (s) from the caregiver's start
    location to the visit and from the visit to the end location. Overtime up to
    ``max_overtime`` is allowed. Breaks are not removed.
    """
    latest_end = caregiver.shift_end + caregiver.max_overtime
    low = caregiver.shift_start + to_visit
    high = latest_end - visit.duration_for(caregiver.id) - to_home
    if visit.pinned_start is not None:
        low, high = max(low, visit.pinned_start), min(high, visit.pinned_start)
    if high < low:
        return []
    if not visit.windows:
        return [(low, high)]
    if not visit.hard_windows:
        start = max(low, visit.windows[0].start)
        return [(start, high)] if start <= high else []
    result = []
    for window in visit.windows:
        start, end = max(low, window.start), min(high, window.end)
        if start <= end:
            result.append((start, end))
    return result


def _remove_break_conflicts(
    starts: IntervalSet, visit: Visit, caregiver: Caregiver
) -> IntervalSet:
    """Drop the starts at which the visit would leave no room for a break.

    A break of duration d that starts in [e, l] cannot avoid a visit [t, t + D)
    exactly when l - D < t < e + d, whether the break falls inside the route or
    outside it.
    """
    duration = visit.duration_for(caregiver.id)
    for brk in caregiver.breaks:
        low = brk.latest_start - duration + 1
        high = brk.earliest_start + brk.duration - 1
        if low > high:
            continue
        remaining: IntervalSet = []
        for start, end in starts:
            if end < low or start > high:
                remaining.append((start, end))
                continue
            if start < low:
                remaining.append((start, low - 1))
            if end > high:
                remaining.append((high + 1, end))
        starts = remaining
    return starts


def _exclude_together_partners(problem: ProblemData, result: Eligibility) -> None:
    """Exclude visits whose together-partner is excluded, until nothing changes."""
    index_of = {v.id: i for i, v in enumerate(problem.visits)}
    together = [link for link in problem.links if link.together]
    changed = True
    while changed:
        changed = False
        for link in together:
            a, b = index_of[link.first], index_of[link.second]
            for this, other in ((a, b), (b, a)):
                if other in result.excluded and this not in result.excluded:
                    cause = result.excluded[other]
                    result.excluded[this] = Unassigned(
                        problem.visits[this].id,
                        Reason.LINKED_VISIT_UNASSIGNED,
                        "the visit is performed together with visit "
                        f"{cause.visit_id!r}, which is unassigned "
                        f"({cause.reason.value})",
                    )
                    result.candidates.pop(this, None)
                    changed = True
            if (
                link.kind is LinkKind.SAME_START
                and a not in result.excluded
                and b not in result.excluded
                and len(set(result.candidates[a]) | set(result.candidates[b])) < 2
            ):
                only = problem.caregivers[next(iter(result.candidates[a]))].id
                for this in (a, b):
                    result.excluded[this] = Unassigned(
                        problem.visits[this].id,
                        Reason.NO_QUALIFIED_CAREGIVER,
                        f"visits {link.first!r} and {link.second!r} need two "
                        f"caregivers at once, but only {only!r} can take either",
                    )
                    result.candidates.pop(this, None)
                changed = True


def explain_dropped(
    problem: ProblemData,
    eligibility: Eligibility,
    visit_index: int,
    loads: Sequence[RouteLoad],
) -> Unassigned:
    """Give the reason why the search left out a visit that was in the model.

    ``loads`` holds, by caregiver index, what each route of the solution uses of
    the caregiver's limits.
    """
    visit = problem.visits[visit_index]
    caregivers = problem.caregivers
    candidates = eligibility.candidates.get(visit_index, {})
    at_limit = []
    for k in candidates:
        limit = _limit_reached(visit, caregivers[k], loads[k])
        if limit:
            at_limit.append(f"{caregivers[k].id} ({limit})")
    if candidates and len(at_limit) == len(candidates):
        return Unassigned(
            visit.id,
            Reason.LIMIT_REACHED,
            "every caregiver who could take the visit has reached a daily limit: "
            + ", ".join(at_limit),
        )
    names = ", ".join(caregivers[k].id for k in candidates)
    partners = sorted(
        (link.second if link.first == visit.id else link.first)
        for link in problem.links
        if link.together and visit.id in (link.first, link.second)
    )
    together = (
        f"; it must be performed together with {', '.join(partners)}"
        if partners
        else ""
    )
    return Unassigned(
        visit.id,
        Reason.NO_TIME,
        f"no caregiver who could take the visit ({names}) has time for it next to "
        f"their other visits, windows, breaks and links{together}",
    )


def _limit_reached(visit: Visit, caregiver: Caregiver, load: RouteLoad) -> str:
    if caregiver.max_visits is not None and load.visits >= caregiver.max_visits:
        return f"max_visits {caregiver.max_visits}"
    if (
        caregiver.max_workload is not None
        and load.workload + visit.workload > caregiver.max_workload
    ):
        return f"max_workload {caregiver.max_workload}"
    if (
        caregiver.max_work is not None
        and load.work_time + visit.duration_for(caregiver.id) > caregiver.max_work
    ):
        return f"max_work {caregiver.max_work} s"
    return ""
