"""Home health visit routing: assign visits to caregivers and order each day.

The engine is plain Python on top of Google OR-Tools and geopy; it imports nothing
from Odoo. Build a :class:`ProblemData`, call :func:`solve`, read the
:class:`Solution`.
"""

from .domain import (
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
)

__all__ = [
    "Break",
    "BreakTaken",
    "Caregiver",
    "InvalidInput",
    "Link",
    "LinkKind",
    "Location",
    "ProblemData",
    "Reason",
    "Region",
    "Route",
    "Solution",
    "SolveParams",
    "Stop",
    "TimeWindow",
    "TravelMatrix",
    "Unassigned",
    "Visit",
    "check",
    "solve",
]


def solve(problem: ProblemData, params: SolveParams | None = None) -> Solution:
    """Plan ``problem`` and return the checked solution (see :mod:`.solver`)."""
    from .solver import solve as _solve

    return _solve(problem, params or SolveParams())


def check(problem: ProblemData, solution: Solution) -> list[str]:
    """List every hard rule that ``solution`` breaks (see :mod:`.checker`)."""
    from .checker import check as _check

    return _check(problem, solution)
