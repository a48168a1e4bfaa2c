"""Split a problem into parts that share no caregiver and no link.

Two visits belong to the same part when a caregiver could perform both, or when a
link joins them. Parts are independent: planning each on its own gives the same set
of feasible plans as planning them together, with a smaller model per search. An
agency day usually splits by discipline (aides, therapists and social workers never
share caregivers), which lets a day of a thousand visits find a first plan in
seconds.
"""

from __future__ import annotations

from dataclasses import replace

from .domain import Caregiver, Link, ProblemData, SolveParams, Visit
from .reasons import Eligibility


def split_problem(
    problem: ProblemData, eligibility: Eligibility, params: SolveParams
) -> list[tuple[ProblemData, SolveParams]]:
    """Return the independent parts of ``problem``, largest first.

    Only the visits that the pre-analysis kept (not in ``eligibility.excluded``) and
    the caregivers who could perform at least one of them are placed in a part.
    References to caregivers of other parts (preferred, excluded, allowed, per
    caregiver durations, the initial assignment) are dropped from each part, because
    no caregiver of another part can take the visit anyway. A problem that does not
    split comes back as a single part, unchanged.
    """
    visit_count = len(problem.visits)
    parent = list(range(visit_count + len(problem.caregivers)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(first: int, second: int) -> None:
        parent[find(first)] = find(second)

    planned = [i for i in range(visit_count) if i not in eligibility.excluded]
    for i in planned:
        for caregiver_index in eligibility.qualified.get(i, ()):
            union(i, visit_count + caregiver_index)
    index_of = {visit.id: i for i, visit in enumerate(problem.visits)}
    planned_set = set(planned)
    for link in problem.links:
        first, second = index_of[link.first], index_of[link.second]
        if first in planned_set and second in planned_set:
            union(first, second)

    visits_by_root: dict[int, list[int]] = {}
    for i in planned:
        visits_by_root.setdefault(find(i), []).append(i)
    if len(visits_by_root) <= 1:
        return [(problem, params)]

    caregivers_by_root: dict[int, list[int]] = {}
    for k in range(len(problem.caregivers)):
        caregivers_by_root.setdefault(find(visit_count + k), []).append(k)

    parts = []
    for root, visit_indices in visits_by_root.items():
        caregiver_indices = caregivers_by_root.get(root, [])
        caregivers = tuple(problem.caregivers[k] for k in caregiver_indices)
        parts.append(_part(problem, params, visit_indices, caregivers))
    parts.sort(key=lambda part: len(part[0].visits), reverse=True)
    return parts


def _part(
    problem: ProblemData,
    params: SolveParams,
    visit_indices: list[int],
    caregivers: tuple[Caregiver, ...],
) -> tuple[ProblemData, SolveParams]:
    caregiver_ids = frozenset(c.id for c in caregivers)
    visits = tuple(
        _restrict(problem.visits[i], caregiver_ids) for i in sorted(visit_indices)
    )
    visit_ids = {visit.id for visit in visits}
    links: tuple[Link, ...] = tuple(
        link
        for link in problem.links
        if link.first in visit_ids and link.second in visit_ids
    )
    initial = {
        visit_id: caregiver_id
        for visit_id, caregiver_id in params.initial_assignment.items()
        if visit_id in visit_ids and caregiver_id in caregiver_ids
    }
    part = replace(problem, caregivers=caregivers, visits=visits, links=links)
    return part, replace(params, initial_assignment=initial)


def _restrict(visit: Visit, caregiver_ids: frozenset[str]) -> Visit:
    allowed = visit.allowed_caregivers
    return replace(
        visit,
        allowed_caregivers=None if allowed is None else allowed & caregiver_ids,
        excluded_caregivers=visit.excluded_caregivers & caregiver_ids,
        preferred_caregivers=visit.preferred_caregivers & caregiver_ids,
        duration_by_caregiver={
            caregiver_id: seconds
            for caregiver_id, seconds in visit.duration_by_caregiver.items()
            if caregiver_id in caregiver_ids
        },
    )
