"""Read instance files: our JSON format, VRPLIB (Solomon, Gehring & Homberger) and
Mankowska home health care instances.

Benchmark files use their own units. The readers scale them to integers for the solver
and record the factor in :attr:`Instance.scale`, so that ``engine value / scale`` is
the value in the file's units:

- VRPLIB: distance and travel time of an arc are ``floor(10 * euclidean)``, the DIMACS
  2021 convention of truncating each arc to one decimal, so the scale is 10. Service
  times and time windows are multiplied by 10 as well.
- Mankowska: distances, travel times (equal to distances), service times, windows and
  gaps are multiplied by 100, and distances are rounded up so that no arc becomes
  shorter and the triangle inequality still holds. The scale is 100.

:func:`read_instance` picks the reader from the file's extension or content.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import jsonio
from .domain import (
    Caregiver,
    InvalidInput,
    Link,
    LinkKind,
    ProblemData,
    Route,
    Solution,
    SolveParams,
    Stop,
    TimeWindow,
    TravelMatrix,
    Visit,
)

_logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "Instance",
    "MankowskaData",
    "MankowskaScore",
    "VrplibSolution",
    "mankowska_objective",
    "read_instance",
    "read_mankowska",
    "read_vrplib",
    "read_vrplib_solution",
    "schedule_routes",
]

#: Formats that :func:`read_instance` accepts besides ``"auto"``.
FORMATS = ("json", "vrplib", "mankowska")

VRPLIB_SCALE = 10
MANKOWSKA_SCALE = 100


@dataclass(frozen=True)
class MankowskaData:
    """Data of a Mankowska file used by :func:`mankowska_objective`, in file units."""

    #: ``distance[i][j]`` from the file's ``d`` block (node 0 is the depot).
    distance: tuple[tuple[float, ...], ...]
    #: Window end ``l`` per node; a later start counts as tardiness.
    due: tuple[float, ...]
    #: Node of each visit id.
    node_of_visit: Mapping[str, int]
    #: Node where each caregiver's day ends (the file's last node).
    end_node: int
    #: Reference solution's objective and parts, when ``reference_results.csv``
    #: beside the file lists it.
    reference: MankowskaScore | None = None


@dataclass(frozen=True)
class MankowskaScore:
    """The Mankowska objective and its parts, in the file's units.

    ``objective`` is the mean of total distance, total tardiness and maximum
    tardiness, with tardiness summed over services (a two-person visit late by
    ``t`` adds ``2 t``).
    """

    objective: float
    distance: float
    total_tardiness: float
    max_tardiness: float


@dataclass(frozen=True)
class Instance:
    """A problem read from a file, with the file's solve settings and reference.

    Attributes
    ----------
    problem
        The problem in engine units.
    format
        ``"json"``, ``"vrplib"`` or ``"mankowska"``.
    path
        The file that was read.
    params
        Parameters that fit the file: the ``params`` section of a JSON document, the
        distance objective for VRPLIB, distance plus tardiness for Mankowska.
    scale
        Engine units per file unit (1 for JSON).
    reference
        Best-known or reference objective in file units, when the instance is listed
        in the benchmark's results file.
    reference_label
        What ``reference`` measures, for display.
    mankowska
        Data for :func:`mankowska_objective` (Mankowska files only).
    """

    problem: ProblemData
    format: str
    path: Path
    params: SolveParams | None = None
    scale: int = 1
    reference: float | None = None
    reference_label: str = ""
    mankowska: MankowskaData | None = None


# --------------------------------------------------------------------------------------
# Dispatch


def read_instance(path: str | Path, format: str = "auto") -> Instance:
    """Read an instance file in any supported format.

    Parameters
    ----------
    path
        The file to read.
    format
        One of :data:`FORMATS`, or ``"auto"`` (default) to pick the format from
        the extension (``.json``, ``.vrp``). Without a known extension, the first
        line decides: ``{`` for JSON, ``nbNodes`` for Mankowska and a
        ``KEY : value`` header for VRPLIB.

    Raises
    ------
    InvalidInput
        When the file is missing, its format is unknown or its content is invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: file not found. Check the path.")
    if format == "auto":
        format = _detect_format(path)
    if format == "json":
        data = jsonio.read_json_file(path)
        problem = jsonio.problem_from_dict(data)
        params = None
        if isinstance(data, dict) and data.get("params") is not None:
            params = jsonio.params_from_dict(data["params"])
        return Instance(problem=problem, format="json", path=path, params=params)
    if format == "vrplib":
        return read_vrplib(path)
    if format == "mankowska":
        return read_mankowska(path)
    raise InvalidInput(f"format {format!r} is unknown. Use auto, {', '.join(FORMATS)}.")


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".vrp":
        return "vrplib"
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read the file ({error}).") from None
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    if first.startswith("{"):
        return "json"
    if first == "nbNodes":
        return "mankowska"
    if re.match(r"^[A-Z_]+\s*:", first):
        return "vrplib"
    raise InvalidInput(
        f"{path}: unknown instance format. Expected a problem JSON document, a "
        "VRPLIB file (.vrp) or a Mankowska file (first line 'nbNodes'); name the "
        "format explicitly if the file is one of them."
    )


# --------------------------------------------------------------------------------------
# VRPLIB


def _parse_vrplib(path: Path) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        keyword = re.match(r"^([A-Z][A-Z0-9_]*)\s*(?::\s*(.*))?$", text)
        if keyword is not None:
            key, value = keyword.group(1), keyword.group(2)
            if key == "EOF":
                break
            if key.endswith("_SECTION"):
                current = sections.setdefault(key, [])
            elif value is not None:
                header[key] = value.strip()
                current = None
            else:
                raise InvalidInput(
                    f"{path}: line {number}: {text!r} is neither 'KEY : value' nor "
                    "a section name."
                )
            continue
        if current is None:
            raise InvalidInput(
                f"{path}: line {number}: data {text!r} outside any section."
            )
        current.append(text.split())
    return header, sections


def _number(text: str, path: Path, label: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{path}: {label} {text!r} is not a number.") from None


def _scaled(value: float, scale: int, path: Path, label: str) -> int:
    scaled = value * scale
    result = round(scaled)
    if abs(scaled - result) > 1e-6:
        _logger.warning(
            "%s: %s %s is not a multiple of 1/%d; rounded to %d",
            path,
            label,
            value,
            scale,
            result,
        )
    return result


def _dimacs_matrix(coords: np.ndarray) -> np.ndarray:
    """Return ``floor(10 * euclidean distance)`` between all pairs of ``coords``.

    For integer coordinates the result is exact: the float square root is corrected
    by one where it lands on the wrong side of an integer.
    """
    delta = coords[:, None, :] - coords[None, :, :]
    if np.all(coords == np.round(coords)):
        squared = (delta.astype(np.int64) ** 2).sum(axis=2) * 100
        root = np.floor(np.sqrt(squared.astype(np.float64))).astype(np.int64)
        root -= (root * root > squared).astype(np.int64)
        root += ((root + 1) * (root + 1) <= squared).astype(np.int64)
        return root
    return np.floor(10 * np.sqrt((delta**2).sum(axis=2)) + 1e-9).astype(np.int64)


def read_vrplib(path: str | Path) -> Instance:
    """Read a VRPLIB file with time windows (Solomon, Gehring & Homberger).

    Each customer becomes a visit whose id is its 0-based node index (the numbering of
    ``.sol`` files); each vehicle becomes a caregiver ``v1`` ... ``vK`` that starts and
    ends at the depot, with the depot's time window as shift and ``CAPACITY`` as
    ``max_workload``. Demands become visit workloads. Travel time equals distance.
    All values are scaled by 10 (see the module docstring). When ``bks.csv`` lies in
    the file's folder or its parent and lists the instance with objective
    ``distance_dimacs``, that distance is the reference.

    Raises
    ------
    InvalidInput
        When a required section is missing, sizes disagree, or the file has an
        edge weight type other than EUC_2D or more than one depot.
    """
    path = Path(path)
    header, sections = _parse_vrplib(path)
    name = header.get("NAME", path.stem)
    edge_type = header.get("EDGE_WEIGHT_TYPE", "EUC_2D")
    if edge_type != "EUC_2D":
        raise InvalidInput(
            f"{path}: EDGE_WEIGHT_TYPE {edge_type} is not supported. Only EUC_2D "
            "coordinates are read."
        )
    if "NODE_COORD_SECTION" not in sections:
        raise InvalidInput(
            f"{path}: NODE_COORD_SECTION is missing. A VRPLIB instance needs "
            "customer coordinates."
        )
    rows = sections["NODE_COORD_SECTION"]
    size = int(_number(header.get("DIMENSION", str(len(rows))), path, "DIMENSION"))
    if len(rows) != size:
        raise InvalidInput(
            f"{path}: DIMENSION is {size} but NODE_COORD_SECTION has {len(rows)} nodes."
        )
    node_ids = [int(_number(row[0], path, "node id")) for row in rows]
    index_of = {node: i for i, node in enumerate(node_ids)}
    coords = np.array(
        [[_number(v, path, "coordinate") for v in row[1:3]] for row in rows],
        dtype=np.float64,
    )
    if coords.shape != (size, 2):
        raise InvalidInput(
            f"{path}: every NODE_COORD_SECTION line needs an id and two coordinates."
        )

    def per_node(section: str, default: float | None) -> list[float]:
        values: list[float | None] = [default] * size
        for row in sections.get(section, []):
            node = int(_number(row[0], path, f"{section} node id"))
            if node not in index_of:
                raise InvalidInput(f"{path}: {section} names unknown node {node}.")
            values[index_of[node]] = _number(row[1], path, section)
        missing = [node_ids[i] for i, v in enumerate(values) if v is None]
        if missing:
            raise InvalidInput(f"{path}: {section} has no value for node {missing[0]}.")
        return [float(v) for v in values if v is not None]

    depots = [
        int(_number(row[0], path, "depot"))
        for row in sections.get("DEPOT_SECTION", [["1"]])
        if row[0] != "-1"
    ]
    if len(depots) != 1 or depots[0] not in index_of:
        raise InvalidInput(
            f"{path}: DEPOT_SECTION must name exactly one known node, got {depots}."
        )
    depot = index_of[depots[0]]

    demand = per_node("DEMAND_SECTION", 0.0)
    service = per_node(
        "SERVICE_TIME_SECTION", _number(header.get("SERVICE_TIME", "0"), path, "time")
    )
    service[depot] = 0.0
    distance = _dimacs_matrix(coords)
    if "TIME_WINDOW_SECTION" in sections:
        starts: list[float] = []
        ends: list[float] = []
        for row in sections["TIME_WINDOW_SECTION"]:
            if len(row) != 3:
                raise InvalidInput(
                    f"{path}: TIME_WINDOW_SECTION line {' '.join(row)!r} needs a node "
                    "id, an earliest and a latest start."
                )
        window_of = {
            index_of[int(_number(row[0], path, "node id"))]: row[1:]
            for row in sections["TIME_WINDOW_SECTION"]
        }
        for i in range(size):
            if i not in window_of:
                raise InvalidInput(
                    f"{path}: TIME_WINDOW_SECTION has no window for node {node_ids[i]}."
                )
            starts.append(_number(window_of[i][0], path, "window start"))
            ends.append(_number(window_of[i][1], path, "window end"))
        shift = (starts[depot], ends[depot])
    else:
        # Without windows, a route can never take longer than visiting every
        # customer from the farthest place.
        starts = ends = []
        longest = int(distance.max()) if size else 0
        shift = (0.0, (sum(service) * VRPLIB_SCALE + size * longest) / VRPLIB_SCALE)

    capacity = header.get("CAPACITY")
    fleet = header.get("VEHICLES")
    customers = [i for i in range(size) if i != depot]
    vehicles = int(_number(fleet, path, "VEHICLES")) if fleet else len(customers)
    shift_start = _scaled(shift[0], VRPLIB_SCALE, path, "depot window start")
    shift_end = _scaled(shift[1], VRPLIB_SCALE, path, "depot window end")
    caregivers = tuple(
        Caregiver(
            id=f"v{k}",
            start=depot,
            shift_start=shift_start,
            shift_end=shift_end,
            max_workload=int(_number(capacity, path, "CAPACITY")) if capacity else None,
        )
        for k in range(1, vehicles + 1)
    )
    visits = []
    for i in customers:
        windows: tuple[TimeWindow, ...] = ()
        if starts:
            windows = (
                TimeWindow(
                    _scaled(
                        starts[i], VRPLIB_SCALE, path, f"node {node_ids[i]} window"
                    ),
                    _scaled(ends[i], VRPLIB_SCALE, path, f"node {node_ids[i]} window"),
                ),
            )
        visits.append(
            Visit(
                id=str(i),
                location=i,
                duration=_scaled(service[i], VRPLIB_SCALE, path, "service time"),
                windows=windows,
                workload=_scaled(demand[i], 1, path, "demand"),
            )
        )
    rows_int = tuple(tuple(int(v) for v in row) for row in distance.tolist())
    problem = ProblemData(
        caregivers=caregivers,
        visits=tuple(visits),
        matrix=TravelMatrix(duration=rows_int, distance=rows_int),
        name=name,
    )
    reference = _vrplib_reference(path, name)
    _logger.debug(
        "Read VRPLIB %s: %d customers, %d vehicles", name, len(visits), vehicles
    )
    return Instance(
        problem=problem,
        format="vrplib",
        path=path,
        params=SolveParams(objective="distance"),
        scale=VRPLIB_SCALE,
        reference=reference,
        reference_label="best-known distance (DIMACS)" if reference else "",
    )


def _vrplib_reference(path: Path, name: str) -> float | None:
    for folder in (path.parent, path.parent.parent):
        table = folder / "bks.csv"
        if not table.is_file():
            continue
        with table.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("instance") == name and (
                    row.get("objective") == "distance_dimacs"
                ):
                    return float(row["distance"])
    return None


@dataclass(frozen=True)
class VrplibSolution:
    """Routes of a VRPLIB ``.sol`` file as customer numbers, with the stated cost."""

    routes: tuple[tuple[int, ...], ...]
    cost: float | None


def read_vrplib_solution(path: str | Path) -> VrplibSolution:
    """Read a VRPLIB solution file (``Route #k: c1 c2 ...`` lines and ``Cost x``).

    Customer numbers are 0-based node indices with the depot as 0, which are the
    visit ids of :func:`read_vrplib`.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: file not found. Check the path.")
    routes = []
    cost = None
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        route = re.match(r"^Route\s*#\s*\d+\s*:(.*)$", text, re.IGNORECASE)
        if route is not None:
            routes.append(tuple(int(v) for v in route.group(1).split()))
        elif text.lower().startswith("cost"):
            cost = float(text.split()[1])
    return VrplibSolution(routes=tuple(routes), cost=cost)


def schedule_routes(
    problem: ProblemData, routes: Mapping[str, Sequence[str]]
) -> Solution:
    """Time given visit sequences on a matrix problem, each visit as early as possible.

    Used to rebuild a known solution (for example a ``.sol`` file) as a
    :class:`Solution` that the checker can verify. Each caregiver leaves so as to
    reach the first visit when it can start and returns straight after the last one.
    Visits not in ``routes`` are left out of the solution without an unassigned
    entry, so the checker reports them. Breaks are not placed.

    Raises
    ------
    InvalidInput
        When the problem has no matrix, or a route names an unknown caregiver or
        visit.
    """
    if problem.matrix is None:
        raise InvalidInput(
            "schedule_routes needs a problem with a travel matrix (integer places)."
        )
    duration = problem.matrix.duration
    distance = problem.matrix.distance
    caregivers = {c.id: c for c in problem.caregivers}
    visits = {v.id: v for v in problem.visits}
    result = []
    for caregiver_id, visit_ids in routes.items():
        if caregiver_id not in caregivers:
            raise InvalidInput(f"route names unknown caregiver {caregiver_id!r}.")
        caregiver = caregivers[caregiver_id]
        if not visit_ids:
            continue
        place = _matrix_index(caregiver.start, f"caregiver {caregiver_id!r}")
        clock = caregiver.shift_start
        stops = []
        for visit_id in visit_ids:
            if visit_id not in visits:
                raise InvalidInput(
                    f"route of {caregiver_id!r} names unknown visit {visit_id!r}."
                )
            visit = visits[visit_id]
            location = _matrix_index(visit.location, f"visit {visit_id!r}")
            arrival = clock + duration[place][location]
            start = _earliest_start(visit, arrival)
            end = start + visit.duration_for(caregiver_id)
            late = 0
            if visit.windows and not visit.hard_windows:
                late = max(0, start - visit.windows[-1].end)
            stops.append(
                Stop(
                    visit_id=visit_id,
                    arrival=arrival,
                    start=start,
                    end=end,
                    waiting=start - arrival,
                    travel_time=duration[place][location],
                    travel_distance=distance[place][location],
                    late=late,
                )
            )
            place, clock = location, end
        # Leave later so that the first visit has no waiting time.
        shift = stops[0].waiting
        first = stops[0]
        stops[0] = Stop(
            visit_id=first.visit_id,
            arrival=first.start,
            start=first.start,
            end=first.end,
            waiting=0,
            travel_time=first.travel_time,
            travel_distance=first.travel_distance,
            late=first.late,
        )
        end_place = _matrix_index(caregiver.end_place, f"caregiver {caregiver_id!r}")
        arrival_home = clock + duration[place][end_place]
        result.append(
            Route(
                caregiver_id=caregiver_id,
                departure=caregiver.shift_start + shift,
                arrival_home=arrival_home,
                stops=tuple(stops),
                return_travel_time=duration[place][end_place],
                return_travel_distance=distance[place][end_place],
                overtime=max(0, arrival_home - caregiver.shift_end),
            )
        )
    travel = sum(route.travel_distance for route in result)
    return Solution(
        routes=tuple(result), unassigned=(), status="rebuilt", objective=travel
    )


def _matrix_index(place: object, owner: str) -> int:
    if not isinstance(place, int):
        raise InvalidInput(
            f"{owner}: place {place!r} is not a matrix index. schedule_routes needs "
            "integer places."
        )
    return place


def _earliest_start(visit: Visit, arrival: int) -> int:
    for window in visit.windows:
        if arrival <= window.end:
            return max(arrival, window.start)
    # Past every window: a soft window lets the visit start late, a hard one is
    # broken and the checker reports it.
    return arrival


# --------------------------------------------------------------------------------------
# Mankowska


_MANKOWSKA_BLOCKS = (
    "nbNodes",
    "nbVehi",
    "nbServi",
    "r",
    "DS",
    "a",
    "x",
    "y",
    "d",
    "p",
    "mind",
    "maxd",
    "e",
    "l",
)


def _parse_blocks(path: Path) -> dict[str, list[float]]:
    blocks: dict[str, list[float]] = {}
    current: list[float] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        if text in _MANKOWSKA_BLOCKS:
            current = blocks.setdefault(text, [])
            continue
        if current is None:
            raise InvalidInput(
                f"{path}: line {number}: {text[:30]!r} is not a block name "
                f"({', '.join(_MANKOWSKA_BLOCKS)})."
            )
        for token in text.split():
            current.append(_number(token, path, f"line {number}: value"))
    missing = [name for name in _MANKOWSKA_BLOCKS if name not in blocks]
    if missing:
        raise InvalidInput(
            f"{path}: block {missing[0]!r} is missing. A Mankowska instance has the "
            f"blocks {', '.join(_MANKOWSKA_BLOCKS)}."
        )
    return blocks


def _ceil_scaled(value: float, scale: int) -> int:
    # Round first so that values such as 38.0 * 100 = 3800.0000000000005 stay exact.
    return math.ceil(round(value * scale, 6))


def read_mankowska(path: str | Path) -> Instance:
    """Read a Mankowska, Meisel and Bierwirth (2014) home health care instance.

    Each service that a patient requires becomes a visit ``p<node>-s<service>``
    with the window ``[e, l]`` as a soft window (a start before ``e`` is not allowed,
    a start after ``l`` counts as tardiness). A double-service patient gets two visits
    and a link that binds both visits together: ``same_start`` when ``mind`` is 0,
    otherwise ``sequence`` from the lower-numbered service to the other with gaps
    ``[mind, maxd]``. Caregivers ``c1`` ... have skills ``s1`` ... from the ``a``
    matrix and start at node 0 and end at the last node. Processing times come from
    the first caregiver's row of ``p``, and ``duration_by_caregiver`` keeps the
    caregivers whose time differs. All values are scaled by 100. When
    ``reference_results.csv`` lies beside the file, its objective is the reference.

    Raises
    ------
    InvalidInput
        When a block is missing, a block has the wrong number of values, or a
        patient's services disagree with the double-service list.
    """
    path = Path(path)
    blocks = _parse_blocks(path)
    nodes = int(blocks["nbNodes"][0])
    vehicles = int(blocks["nbVehi"][0])
    services = int(blocks["nbServi"][0])
    expected = {
        "r": nodes * services,
        "a": vehicles * services,
        "x": nodes,
        "y": nodes,
        "d": nodes * nodes,
        "p": nodes * vehicles * services,
        "mind": nodes,
        "maxd": nodes,
        "e": nodes,
        "l": nodes,
    }
    for name, count in expected.items():
        if len(blocks[name]) != count:
            raise InvalidInput(
                f"{path}: block {name!r} has {len(blocks[name])} values, expected "
                f"{count} for {nodes} nodes, {vehicles} caregivers and {services} "
                "services."
            )
    scale = MANKOWSKA_SCALE
    required = [
        [s for s in range(services) if blocks["r"][i * services + s]]
        for i in range(nodes)
    ]
    double = {int(v) - 1 for v in blocks["DS"]}
    distance = tuple(
        tuple(blocks["d"][i * nodes : (i + 1) * nodes]) for i in range(nodes)
    )
    scaled = tuple(tuple(_ceil_scaled(v, scale) for v in row) for row in distance)
    end_node = nodes - 1
    early, due = blocks["e"], blocks["l"]

    caregiver_ids = [f"c{v + 1}" for v in range(vehicles)]
    # NOTE: the benchmark bounds neither the return to the depot nor the tardiness.
    # Twice the latest window end is a guess that leaves room for the largest
    # maximum tardiness in the GECCO 2020 reference results (about 251).
    horizon = 2 * max(due)
    caregivers = tuple(
        Caregiver(
            id=caregiver_ids[v],
            start=0,
            end=end_node,
            shift_start=round(early[0] * scale),
            shift_end=round(horizon * scale),
            skills=frozenset(
                f"s{s + 1}" for s in range(services) if blocks["a"][v * services + s]
            ),
        )
        for v in range(vehicles)
    )

    def processing(node: int, vehicle: int, service: int) -> int:
        value = blocks["p"][(node * vehicles + vehicle) * services + service]
        return round(value * scale)

    visits = []
    links = []
    node_of_visit = {}
    for node in range(1, nodes - 1):
        services_needed = required[node]
        if node in double and len(services_needed) != 2:
            raise InvalidInput(
                f"{path}: patient node {node} (DS number {node + 1}) is listed in DS "
                f"but requires {len(services_needed)} services. A double-service "
                "patient requires two."
            )
        if node not in double and len(services_needed) != 1:
            raise InvalidInput(
                f"{path}: patient node {node} (DS number {node + 1}) requires "
                f"{len(services_needed)} services but is not listed in DS. A "
                "single-service patient requires one."
            )
        ids = []
        for service in services_needed:
            visit_id = f"p{node}-s{service + 1}"
            base = processing(node, 0, service)
            by_caregiver = {
                caregiver_ids[v]: processing(node, v, service)
                for v in range(1, vehicles)
                if processing(node, v, service) != base
            }
            visits.append(
                Visit(
                    id=visit_id,
                    patient=f"p{node}",
                    location=node,
                    duration=base,
                    duration_by_caregiver=by_caregiver,
                    windows=(
                        TimeWindow(
                            round(early[node] * scale), round(due[node] * scale)
                        ),
                    ),
                    hard_windows=False,
                    required_skills=frozenset({f"s{service + 1}"}),
                )
            )
            node_of_visit[visit_id] = node
            ids.append(visit_id)
        if len(ids) == 2:
            # NOTE: the benchmark gives the two services to two different caregivers,
            # which a sequence link does not require. No caregiver in the published
            # instances has both services of a sequenced patient, so it cannot differ.
            min_gap = blocks["mind"][node]
            if min_gap <= 0.001:
                links.append(Link(LinkKind.SAME_START, ids[0], ids[1], together=True))
            else:
                links.append(
                    Link(
                        LinkKind.SEQUENCE,
                        ids[0],
                        ids[1],
                        min_gap=round(min_gap * scale),
                        max_gap=round(blocks["maxd"][node] * scale),
                        together=True,
                    )
                )

    problem = ProblemData(
        caregivers=caregivers,
        visits=tuple(visits),
        links=tuple(links),
        matrix=TravelMatrix(duration=scaled, distance=scaled),
        name=path.stem,
    )
    reference = _mankowska_reference(path)
    reference_objective = reference.objective if reference is not None else None
    _logger.debug(
        "Read Mankowska %s: %d visits, %d caregivers, %d links",
        path.name,
        len(visits),
        vehicles,
        len(links),
    )
    return Instance(
        problem=problem,
        format="mankowska",
        path=path,
        params=SolveParams(objective="distance", lateness_weight=1),
        scale=scale,
        reference=reference_objective,
        reference_label="reference objective (GECCO 2020 BRKGA)" if reference else "",
        mankowska=MankowskaData(
            distance=distance,
            due=tuple(due),
            node_of_visit=node_of_visit,
            end_node=end_node,
            reference=reference,
        ),
    )


def _mankowska_reference(path: Path) -> MankowskaScore | None:
    table = path.parent / "reference_results.csv"
    if not table.is_file():
        return None
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("file") == path.name:
                return MankowskaScore(
                    objective=float(row["objective"]),
                    distance=float(row["distance"]),
                    total_tardiness=float(row["total_tardiness"]),
                    max_tardiness=float(row["max_tardiness"]),
                )
    return None


def mankowska_objective(instance: Instance, solution: Solution) -> MankowskaScore:
    """Compute the Mankowska objective of ``solution`` in the file's units.

    Distance is summed from the file's unrounded ``d`` matrix along each route,
    including the return to the last node. Tardiness is ``start - l`` for each
    visit that starts after its window, from the solution's start times.

    Raises
    ------
    InvalidInput
        When ``instance`` was not read from a Mankowska file or the solution names
        a visit that the instance does not have.
    """
    data = instance.mankowska
    if data is None:
        raise InvalidInput(
            f"{instance.path}: the Mankowska objective needs a Mankowska instance."
        )
    total_distance = 0.0
    total_tardiness = 0.0
    max_tardiness = 0.0
    for route in solution.routes:
        place = 0
        for stop in route.stops:
            node = data.node_of_visit.get(stop.visit_id)
            if node is None:
                raise InvalidInput(
                    f"solution visit {stop.visit_id!r} is not in {instance.path.name}."
                )
            total_distance += data.distance[place][node]
            tardiness = max(0.0, stop.start / instance.scale - data.due[node])
            total_tardiness += tardiness
            max_tardiness = max(max_tardiness, tardiness)
            place = node
        if route.stops:
            total_distance += data.distance[place][data.end_node]
    objective = (total_distance + total_tardiness + max_tardiness) / 3
    return MankowskaScore(
        objective=objective,
        distance=total_distance,
        total_tardiness=total_tardiness,
        max_tardiness=max_tardiness,
    )
