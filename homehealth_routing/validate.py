"""Validation of a whole problem: the rules that no single dataclass can check.

:func:`validate` raises :class:`InvalidInput` for input that is malformed (duplicate
or unknown ids, mixed place kinds, a matrix index out of range, a location outside the
region, times that are not whole non-negative seconds). Input that is well formed but
cannot be planned is not an error: such a visit is returned unassigned with a reason.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from .domain import (
    Caregiver,
    InvalidInput,
    Location,
    ProblemData,
    SolveParams,
    Visit,
)
from .travel import check_region


def validate(problem: ProblemData, params: SolveParams | None = None) -> None:
    """Check ``problem`` (and ``params.initial_assignment``) as a whole.

    Parameters
    ----------
    problem
        The problem to check.
    params
        When given, visit and caregiver ids in ``params.initial_assignment`` are
        checked too.

    Raises
    ------
    InvalidInput
        On the first malformed item; the message names the item and the fix.

    Notes
    -----
    A visit pinned to a caregiver who is not in the problem (for example, one who
    is off today) is not an error: it is returned unassigned with reason
    ``pinned_caregiver_unavailable``.
    """
    caregiver_ids = _unique_ids("caregiver", (c.id for c in problem.caregivers))
    visit_ids = _unique_ids("visit", (v.id for v in problem.visits))

    for caregiver in problem.caregivers:
        _check_caregiver_times(caregiver)
    for visit in problem.visits:
        _check_visit_times(visit)
        _check_visit_caregivers(visit, caregiver_ids)
    _check_links(problem, visit_ids)
    _check_places(problem)
    check_region(problem)
    if params is not None:
        _check_initial_assignment(params.initial_assignment, visit_ids, caregiver_ids)


def _unique_ids(kind: str, ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for item_id in ids:
        if not isinstance(item_id, str):
            raise InvalidInput(
                f"{kind} id {item_id!r} is not a string; give ids as text"
            )
        if item_id in seen:
            raise InvalidInput(
                f"{kind} id {item_id!r} appears twice; give every {kind} its own id"
            )
        seen.add(item_id)
    return seen


def _check_seconds(owner: str, name: str, value: object) -> None:
    """Require a whole, non-negative number of seconds (or metres)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(
            f"{owner}: {name} {value!r} is not a whole number; times are integer "
            "seconds from the problem's origin, round them"
        )
    if value < 0:
        raise InvalidInput(
            f"{owner}: {name} {value} is negative; times count seconds from the "
            "problem's origin, so choose an origin before every time of the problem"
        )


def _check_caregiver_times(caregiver: Caregiver) -> None:
    owner = f"caregiver {caregiver.id!r}"
    for name in ("shift_start", "shift_end", "max_overtime"):
        _check_seconds(owner, name, getattr(caregiver, name))
    for name in ("max_work", "max_visits", "max_workload"):
        value = getattr(caregiver, name)
        if value is not None:
            _check_seconds(owner, name, value)
    break_ids: set[str] = set()
    for brk in caregiver.breaks:
        if brk.id in break_ids:
            raise InvalidInput(
                f"{owner}: two breaks have the id {brk.id!r}; "
                "give each break its own id"
            )
        break_ids.add(brk.id)
        for name in ("earliest_start", "latest_start", "duration"):
            _check_seconds(f"{owner}, break {brk.id!r}", name, getattr(brk, name))
    for name in ("skills", "languages"):
        for item in getattr(caregiver, name):
            if not isinstance(item, str):
                raise InvalidInput(f"{owner}: {name} entry {item!r} is not a string")


def _check_visit_times(visit: Visit) -> None:
    owner = f"visit {visit.id!r}"
    _check_seconds(owner, "duration", visit.duration)
    _check_seconds(owner, "workload", visit.workload)
    for caregiver_id, seconds in visit.duration_by_caregiver.items():
        _check_seconds(owner, f"duration for caregiver {caregiver_id!r}", seconds)
    for window in visit.windows:
        _check_seconds(owner, "window start", window.start)
        _check_seconds(owner, "window end", window.end)
    if visit.pinned_start is not None:
        _check_seconds(owner, "pinned start", visit.pinned_start)
        # Soft windows still forbid a start before the first window opens.
        if visit.windows and visit.pinned_start < visit.windows[0].start:
            raise InvalidInput(
                f"{owner}: pinned start {visit.pinned_start} is before the first time "
                f"window opens ({visit.windows[0].start}); move the pin or the window"
            )
    if isinstance(visit.required_skills, str) or any(
        not isinstance(skill, str) for skill in visit.required_skills
    ):
        raise InvalidInput(f"{owner}: required_skills must be a set of strings")


def _check_visit_caregivers(visit: Visit, caregiver_ids: set[str]) -> None:
    owner = f"visit {visit.id!r}"
    fields: list[tuple[str, Iterable[str]]] = [
        ("excluded_caregivers", visit.excluded_caregivers),
        ("preferred_caregivers", visit.preferred_caregivers),
        ("duration_by_caregiver", visit.duration_by_caregiver),
    ]
    if visit.allowed_caregivers is not None:
        fields.append(("allowed_caregivers", visit.allowed_caregivers))
    for name, ids in fields:
        unknown = sorted(set(ids) - caregiver_ids)
        if unknown:
            raise InvalidInput(
                f"{owner}: {name} names unknown caregiver(s) {', '.join(unknown)}; "
                "remove them or add those caregivers to the problem"
            )


def _check_links(problem: ProblemData, visit_ids: set[str]) -> None:
    for link in problem.links:
        name = f"{link.kind.value} link {link.first!r} -> {link.second!r}"
        for visit_id in (link.first, link.second):
            if visit_id not in visit_ids:
                raise InvalidInput(
                    f"{name}: visit {visit_id!r} is not in the problem; "
                    "remove the link or add the visit"
                )
        _check_seconds(name, "min_gap", link.min_gap)
        if link.max_gap is not None:
            _check_seconds(name, "max_gap", link.max_gap)


def _check_places(problem: ProblemData) -> None:
    owners: list[tuple[str, object]] = [
        (f"visit {v.id!r}", v.location) for v in problem.visits
    ]
    for caregiver in problem.caregivers:
        owners.append((f"caregiver {caregiver.id!r} (start)", caregiver.start))
        if caregiver.end is not None:
            owners.append((f"caregiver {caregiver.id!r} (end)", caregiver.end))
    if not owners:
        return

    kinds = {isinstance(place, Location) for _, place in owners}
    if len(kinds) > 1:
        first_location = next(o for o, p in owners if isinstance(p, Location))
        first_index = next(o for o, p in owners if not isinstance(p, Location))
        raise InvalidInput(
            f"{first_location} has coordinates but {first_index} has a matrix index; "
            "use one kind of place for the whole problem"
        )

    if kinds == {True}:
        if problem.matrix is not None:
            raise InvalidInput(
                "the problem has a travel matrix but its places are coordinates; "
                "remove the matrix or give places as matrix indices"
            )
        return

    matrix = problem.matrix
    for owner, place in owners:
        if isinstance(place, bool) or not isinstance(place, numbers.Integral):
            raise InvalidInput(
                f"{owner}: place {place!r} is neither a Location nor a matrix index"
            )
        if matrix is None:
            raise InvalidInput(
                f"{owner}: place {place} is a matrix index but the problem has no "
                "travel matrix; add the matrix or give coordinates"
            )
        if not 0 <= int(place) < matrix.size:
            raise InvalidInput(
                f"{owner}: matrix index {place} is out of range 0..{matrix.size - 1}; "
                "fix the index or the matrix"
            )
    if matrix is not None:
        for name, rows in (
            ("duration", matrix.duration),
            ("distance", matrix.distance),
        ):
            if np.asarray(rows).dtype.kind in "iu":
                continue
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if isinstance(value, bool) or not isinstance(
                        value, numbers.Integral
                    ):
                        raise InvalidInput(
                            f"travel matrix: {name}[{i}][{j}] = {value!r} is not a "
                            "whole number; give seconds and metres as integers"
                        )


def _check_initial_assignment(
    assignment: Mapping[str, str], visit_ids: set[str], caregiver_ids: set[str]
) -> None:
    for visit_id, caregiver_id in assignment.items():
        if visit_id not in visit_ids:
            raise InvalidInput(
                f"initial assignment: visit {visit_id!r} is not in the problem; remove "
                "it from the initial assignment"
            )
        if caregiver_id not in caregiver_ids:
            raise InvalidInput(
                f"initial assignment: visit {visit_id!r} goes to caregiver "
                f"{caregiver_id!r}, who is not in the problem; remove the entry or add "
                "the caregiver"
            )
