"""Run the engine, a plain OR-Tools model and PyVRP on benchmark sets; write a CSV.

Examples, from the repository root::

    python benchmarks/run.py --set solomon --time-limit 30 --engines engine,pyvrp
    python benchmarks/run.py --set solomon --instances C101,R101 --time-limit 5
    python benchmarks/run.py --set gh200 --stratified --time-limit 30 --jobs 1
    python benchmarks/run.py --set mankowska --sizes 10,25,50,75 --time-limit 60
    python benchmarks/run.py --set agency --time-limit 10,60

Every run writes one CSV row per (instance, engine, time limit). When the run ends, a
JSON file beside the CSV records the command, the machine and the package versions.
``write_results.py`` turns those files into ``RESULTS.md``. Each solve runs in a fresh
worker process, and ``--jobs`` sets how many run at once (one core each).

All three engines are scored by the same code: routes are rebuilt from each engine's
output, and the distance, the capacity and the time windows are recomputed in DIMACS
units (every arc truncated to one decimal) by :func:`verify_vrptw`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import shlex
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
DATA = ROOT.parent / "shared" / "data"
SOLOMON = DATA / "vrptw" / "solomon"
GH200 = DATA / "vrptw" / "gh200"
BKS = DATA / "vrptw" / "bks.csv"
MANKOWSKA = DATA / "hhcrsp" / "mankowska2014"

if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

logger = logging.getLogger(__name__)

SETS = ("solomon", "gh200", "mankowska", "agency")
ENGINES = ("engine", "ortools", "pyvrp")
#: Two instances per Solomon class: a tight and a looser one of each.
STRATIFIED = {
    "solomon": "C101,C105,C201,C205,R101,R105,R201,R205,RC101,RC105,RC201,RC205",
    "gh200": (
        "C1_2_1,C1_2_5,C2_2_1,C2_2_5,R1_2_1,R1_2_5,R2_2_1,R2_2_5,"
        "RC1_2_1,RC1_2_5,RC2_2_1,RC2_2_5"
    ),
}
COLUMNS = (
    "set",
    "instance",
    "engine",
    "time_limit",
    "status",
    "seconds",
    "customers",
    "served",
    "all_served",
    "vehicles",
    "fleet",
    "bks_vehicles",
    "distance",
    "reference",
    "gap_pct",
    "violations",
    "objective",
    "total_tardiness",
    "max_tardiness",
    "travel_time",
    "engine_sha256",
    "note",
)


# --------------------------------------------------------------------------------------
# Tasks and rows


@dataclass(frozen=True)
class Task:
    """One solve: an instance of a set, an engine and a time limit (seconds)."""

    set: str
    instance: str
    engine: str
    time_limit: float
    path: str = ""
    seed: int = 1
    first_solution: str = "parallel_cheapest_insertion"
    visits: int = 1000
    caregivers: int = 150


def gap_pct(value: float, reference: float) -> float:
    """Return the gap of ``value`` above ``reference`` in percent, to two decimals."""
    return round(100.0 * (value - reference) / reference, 2)


def read_bks(path: Path = BKS) -> dict[str, tuple[int, float]]:
    """Map each instance in ``bks.csv`` to its best-known vehicles and distance."""
    best: dict[str, tuple[int, float]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["objective"] == "distance_dimacs":
                best[row["instance"]] = (int(row["vehicles"]), float(row["distance"]))
    return best


# --------------------------------------------------------------------------------------
# VRPTW: one verifier for every engine


def verify_vrptw(
    instance: Any, routes: Sequence[Sequence[int]]
) -> tuple[int, list[str]]:
    """Recompute the DIMACS distance of ``routes`` and list the rules they break.

    Parameters
    ----------
    instance
        A :class:`plain_ortools.VrptwInstance` (integer tenths).
    routes
        Customer indices (1..n) of each route, depot left out.

    Returns
    -------
    tuple of int and list of str
        The total distance in tenths and one message per broken rule: a customer
        served twice or unknown, too many routes, a load above capacity, a start after
        a window's end or a return after the depot closes. A customer that no route
        serves is not listed, because the caller counts it as unserved.
    """
    problems: list[str] = []
    seen: set[int] = set()
    total = 0
    if len(routes) > instance.vehicles:
        problems.append(f"{len(routes)} routes but the fleet has {instance.vehicles}")
    depot_open, depot_close = instance.windows[0]
    for number, route in enumerate(routes, start=1):
        load = 0
        clock = depot_open
        previous = 0
        for node in route:
            if not 1 <= node <= instance.customers:
                problems.append(f"route {number}: customer {node} does not exist")
                continue
            if node in seen:
                problems.append(f"route {number}: customer {node} is served twice")
            seen.add(node)
            load += instance.demand[node]
            step = instance.distance[previous][node]
            total += step
            early, late = instance.windows[node]
            clock = max(early, clock + instance.service[previous] + step)
            if clock > late:
                problems.append(
                    f"route {number}: customer {node} starts at {clock} > {late}"
                )
            previous = node
        step = instance.distance[previous][0]
        total += step
        back = clock + instance.service[previous] + step
        if back > depot_close:
            problems.append(f"route {number}: returns at {back} > {depot_close}")
        if load > instance.capacity:
            problems.append(
                f"route {number}: load {load} > capacity {instance.capacity}"
            )
    return total, problems


def vrptw_row(
    task: Task,
    instance: Any,
    routes: Sequence[Sequence[int]],
    seconds: float,
    status: str,
    extra_violations: Sequence[str] = (),
    note: str = "",
) -> dict[str, Any]:
    """Score the routes of one engine on one VRPLIB instance."""
    best = read_bks().get(instance.name)
    distance, problems = verify_vrptw(instance, routes)
    problems = problems + list(extra_violations)
    served = len({node for route in routes for node in route})
    row: dict[str, Any] = {
        "status": status,
        "seconds": round(seconds, 2),
        "customers": instance.customers,
        "served": served,
        "all_served": served == instance.customers,
        "vehicles": sum(1 for route in routes if route),
        "fleet": instance.vehicles,
        "violations": len(problems),
        "note": note,
    }
    if routes:
        row["distance"] = distance / 10
    if best is not None:
        row["bks_vehicles"] = best[0]
        row["reference"] = best[1]
        if routes:
            row["gap_pct"] = gap_pct(distance / 10, best[1])
    if problems:
        row["note"] = "; ".join(filter(None, [note, *problems[:3]]))
    return row


# --------------------------------------------------------------------------------------
# Runners: each returns the row fields that depend on the engine


def run_ortools(task: Task) -> dict[str, Any]:
    from plain_ortools import read_vrptw, solve_plain

    instance = read_vrptw(task.path)
    result = solve_plain(instance, task.time_limit, task.first_solution)
    note = f"first solution {task.first_solution}"
    return vrptw_row(
        task, instance, result.routes, result.seconds, result.status, note=note
    )


def run_pyvrp(task: Task) -> dict[str, Any]:
    from plain_ortools import read_vrptw
    from pyvrp_runner import solve_pyvrp

    instance = read_vrptw(task.path)
    result = solve_pyvrp(task.path, task.time_limit, seed=task.seed)
    row = vrptw_row(task, instance, result.routes, result.seconds, result.status)
    if result.routes and round(row["distance"] * 10) != result.distance:
        row["note"] = f"PyVRP reports distance {result.distance / 10}"
    return row


def run_engine_vrptw(task: Task) -> dict[str, Any]:
    from plain_ortools import vrptw_from_instance

    from homehealth_routing import SolveParams, solve
    from homehealth_routing.readers import read_vrplib

    read = read_vrplib(task.path)
    instance = vrptw_from_instance(read)
    params = read.params or SolveParams(objective="distance")
    started = time.perf_counter()
    solution = solve(read.problem, replace(params, time_limit=task.time_limit))
    seconds = time.perf_counter() - started
    # The reader places visit k at matrix index k, the customer's node number.
    node_of = {visit.id: visit.location for visit in read.problem.visits}
    routes = [
        [int(node_of[stop.visit_id]) for stop in route.stops]
        for route in solution.routes
    ]
    row = vrptw_row(
        task,
        instance,
        routes,
        seconds,
        solution.status,
        extra_violations=solution.violations,
    )
    engine_distance = solution.travel_distance / read.scale
    if routes and abs(engine_distance - row["distance"]) > 1e-6:
        row["note"] = f"engine reports distance {engine_distance}; " + row["note"]
    return row


def run_engine_mankowska(task: Task) -> dict[str, Any]:
    from homehealth_routing import SolveParams, check, solve
    from homehealth_routing.readers import mankowska_objective, read_mankowska

    read = read_mankowska(task.path)
    params = read.params or SolveParams(objective="distance")
    started = time.perf_counter()
    solution = solve(read.problem, replace(params, time_limit=task.time_limit))
    seconds = time.perf_counter() - started
    violations = check(read.problem, solution)
    score = mankowska_objective(read, solution)
    row: dict[str, Any] = {
        "status": solution.status,
        "seconds": round(seconds, 2),
        "customers": len(read.problem.visits),
        "served": solution.assigned_count,
        "all_served": not solution.unassigned,
        "vehicles": len(solution.routes),
        "fleet": len(read.problem.caregivers),
        "violations": len(violations),
        "objective": round(score.objective, 3),
        "distance": round(score.distance, 3),
        "total_tardiness": round(score.total_tardiness, 3),
        "max_tardiness": round(score.max_tardiness, 3),
        "note": "; ".join(violations[:3]),
    }
    if read.reference is not None:
        row["reference"] = read.reference
        row["gap_pct"] = gap_pct(score.objective, read.reference)
    return row


def run_engine_agency(task: Task) -> dict[str, Any]:
    from agency import generate_day

    from homehealth_routing import SolveParams, check, solve

    problem = generate_day(task.visits, task.caregivers, task.seed)
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit=task.time_limit))
    seconds = time.perf_counter() - started
    violations = check(problem, solution)
    reasons: dict[str, int] = {}
    for item in solution.unassigned:
        reasons[item.reason.value] = reasons.get(item.reason.value, 0) + 1
    note = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return {
        "status": solution.status,
        "seconds": round(seconds, 2),
        "customers": len(problem.visits),
        "served": solution.assigned_count,
        "all_served": not solution.unassigned,
        "vehicles": len(solution.routes),
        "fleet": len(problem.caregivers),
        "violations": len(violations),
        "distance": round(solution.travel_distance / 1000, 1),
        "travel_time": solution.travel_time,
        "objective": solution.objective,
        "note": "; ".join(filter(None, [note, *violations[:3]])),
    }


def run_task(task: Task) -> dict[str, Any]:
    """Run one task in a worker process and return its CSV row.

    An exception of the runner is logged and recorded in the row as status ``error``.
    """
    logging.basicConfig(level=logging.WARNING)
    row: dict[str, Any] = {
        "set": task.set,
        "instance": task.instance,
        "engine": task.engine,
        "time_limit": task.time_limit,
        # Each worker imports the engine afresh, so the code may change between rows.
        "engine_sha256": engine_digest(),
    }
    try:
        if task.set == "agency":
            row.update(run_engine_agency(task))
        elif task.set == "mankowska":
            row.update(run_engine_mankowska(task))
        elif task.engine == "ortools":
            row.update(run_ortools(task))
        elif task.engine == "pyvrp":
            row.update(run_pyvrp(task))
        else:
            row.update(run_engine_vrptw(task))
    except Exception as error:  # noqa: BLE001 - a failed run is a result to record
        logger.exception("%s %s %s failed", task.set, task.instance, task.engine)
        row.update(status="error", note=f"{type(error).__name__}: {error}")
    return row


# --------------------------------------------------------------------------------------
# Selecting instances


def vrplib_instances(folder: Path, names: Sequence[str]) -> list[tuple[str, Path]]:
    """Return (name, path) of the named ``.vrp`` files, or all of them if none."""
    if not names:
        return [(path.stem, path) for path in sorted(folder.glob("*.vrp"))]
    found = []
    for name in names:
        path = folder / f"{name}.vrp"
        if not path.exists():
            raise SystemExit(f"instance {name!r} not found: {path} does not exist")
        found.append((name, path))
    return found


def mankowska_instances(
    names: Sequence[str], sizes: Sequence[int]
) -> list[tuple[str, Path]]:
    """Return (name, path) of Mankowska files, chosen by name (A1) or file stem."""
    with (MANKOWSKA / "reference_results.csv").open(newline="") as handle:
        listed = [
            (row["instance"], row["file"], int(row["patients"]))
            for row in csv.DictReader(handle)
        ]
    chosen = []
    for name, file, patients in listed:
        stem = Path(file).stem
        if names and name not in names and stem not in names:
            continue
        if sizes and patients not in sizes:
            continue
        chosen.append((name, MANKOWSKA / file))
    known = {name for name, _, _ in listed} | {Path(f).stem for _, f, _ in listed}
    for name in names:
        if name not in known:
            raise SystemExit(
                f"Mankowska instance {name!r} not found; use a name such as A1"
            )
    return chosen


def build_tasks(args: argparse.Namespace) -> list[Task]:
    names = [n for n in args.instances.split(",") if n] if args.instances else []
    if args.stratified:
        if args.set not in STRATIFIED:
            raise SystemExit(
                f"--stratified applies to solomon and gh200, not {args.set}"
            )
        names = STRATIFIED[args.set].split(",")
    engines = [e for e in args.engines.split(",") if e]
    for engine in engines:
        if engine not in ENGINES:
            raise SystemExit(f"engine {engine!r} is unknown; use {', '.join(ENGINES)}")
    if args.set in ("mankowska", "agency") and engines != ["engine"]:
        raise SystemExit(
            f"--set {args.set} runs the engine only; pass --engines engine"
        )
    limits = [float(t) for t in args.time_limit.split(",")]
    if args.set == "agency":
        name = f"{args.visits}v-{args.caregivers}c-seed{args.seed}"
        return [
            Task(
                "agency",
                name,
                "engine",
                limit,
                seed=args.seed,
                visits=args.visits,
                caregivers=args.caregivers,
            )
            for limit in limits
        ]
    if args.set == "mankowska":
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else []
        chosen = mankowska_instances(names, sizes)
    else:
        chosen = vrplib_instances(SOLOMON if args.set == "solomon" else GH200, names)
    return [
        Task(args.set, name, engine, limit, str(path), args.seed, args.first_solution)
        for limit in limits
        for name, path in chosen
        for engine in engines
    ]


# --------------------------------------------------------------------------------------
# Machine and output


def engine_digest() -> str:
    """Return a short SHA-256 of the engine's sources, which identifies the code run."""
    digest = hashlib.sha256()
    for source in sorted((ROOT / "homehealth_routing").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def machine_info() -> dict[str, Any]:
    """Describe the CPU, memory, Python and the versions of the packages in use."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    versions = {}
    for package in (
        "homehealth-routing",
        "ortools",
        "pyvrp",
        "vrplib",
        "geopy",
        "numpy",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "engine_sha256": engine_digest(),
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def default_out(args: argparse.Namespace) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return (
        BENCHMARKS
        / "out"
        / f"{args.set}-{args.time_limit.replace(',', '_')}s-{stamp}.csv"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", required=True, choices=SETS, help="benchmark set to run"
    )
    parser.add_argument(
        "--time-limit",
        default="10",
        help="seconds per solve; a comma-separated list runs each limit (default 10)",
    )
    parser.add_argument(
        "--engines",
        default="engine",
        help="comma-separated engines: engine, ortools, pyvrp (default engine)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="solves run at once (default 1)"
    )
    parser.add_argument(
        "--instances",
        default="",
        help="comma-separated instance names, e.g. C101,R101 or A1,B2 (default: all)",
    )
    parser.add_argument(
        "--stratified",
        action="store_true",
        help="solomon and gh200: two instances per class (12 in all)",
    )
    parser.add_argument(
        "--sizes", default="", help="mankowska: patient counts, e.g. 10,25"
    )
    parser.add_argument(
        "--first-solution",
        default="parallel_cheapest_insertion",
        choices=("parallel_cheapest_insertion", "path_cheapest_arc"),
        help="first solution strategy of the plain OR-Tools model",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="PyVRP seed, agency generator seed"
    )
    parser.add_argument(
        "--visits", type=int, default=1000, help="agency: visits (default 1000)"
    )
    parser.add_argument(
        "--caregivers", type=int, default=150, help="agency: caregivers (default 150)"
    )
    parser.add_argument(
        "--out", type=Path, help="CSV to write (default benchmarks/out/...)"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['instance']:>10} {row['engine']:>8} {row['time_limit']:>5}s "
        f"{row.get('status', '')}: served {row.get('served', '-')}/"
        f"{row.get('customers', '-')}, vehicles {row.get('vehicles', '-')}, "
        f"distance {row.get('distance', '-')}, "
        f"gap {row.get('gap_pct', '-')} %, "
        f"{row.get('seconds', '-')} s",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tasks = build_tasks(args)
    out = args.out or default_out(args)
    command = "python benchmarks/run.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    print(f"{len(tasks)} solves, {args.jobs} at a time; writing {out}", flush=True)

    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    machine = machine_info()
    rows: list[dict[str, Any]] = []
    order = {(t.instance, t.engine, t.time_limit): i for i, t in enumerate(tasks)}
    with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
        futures = [pool.submit(run_task, task) for task in tasks]
        for future in as_completed(futures):
            row = future.result()
            print_row(row)
            rows.append(row)
            rows.sort(
                key=lambda r: order[(r["instance"], r["engine"], r["time_limit"])]
            )
            # Rewritten after every solve, so an interrupted run keeps its rows.
            write_rows(out, rows)
    wall = time.perf_counter() - started

    meta = {
        "command": command,
        "started": started_at,
        "wall_seconds": round(wall, 1),
        "jobs": args.jobs,
        "machine": machine,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"done in {wall:.0f} s: {out}")
    return 0 if all(row.get("status") != "error" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
