"""Write ``benchmarks/RESULTS.md`` from the CSV and JSON files that run.py wrote.

Usage, from the repository root::

    python benchmarks/write_results.py                 # every CSV in benchmarks/out/
    python benchmarks/write_results.py a.csv b.csv     # only these

When two files hold the same (set, instance, engine, time limit), the later run wins.
The text under the page's ``## Notes`` heading is kept as it is, so hand-written
observations survive a rewrite. Every figure above that heading comes from the CSV
files.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "RESULTS.md"
NOTES_HEADING = "## Notes"
SET_TITLES = {
    "solomon": "Solomon (100 customers)",
    "gh200": "Gehring & Homberger (200 customers)",
    "mankowska": "Mankowska home health care",
    "agency": "Agency-scale day (greater Chicago)",
}
SET_SIZES = {"solomon": 56, "gh200": 60}


@dataclass
class Run:
    """One CSV file and the JSON file that run.py wrote beside it."""

    number: int
    path: Path
    meta: dict[str, Any]
    rows: list[dict[str, str]] = field(default_factory=list)


def load_runs(paths: Iterable[Path]) -> list[Run]:
    """Read each CSV and its JSON; the runs are numbered in order of start time."""
    loaded = []
    for path in paths:
        meta_path = path.with_suffix(".json")
        if not meta_path.exists():
            print(
                f"skipped {path}: {meta_path.name} is missing (the run did not finish)"
            )
            continue
        meta = json.loads(meta_path.read_text())
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        loaded.append(Run(0, path, meta, rows))
    loaded.sort(key=lambda run: run.meta["started"])
    for number, run in enumerate(loaded, start=1):
        run.number = number
    return loaded


def latest_rows(runs: Sequence[Run]) -> list[dict[str, Any]]:
    """Merge the rows of all runs; a later run replaces an earlier row with its key."""
    merged: dict[tuple[str, str, str, float], dict[str, Any]] = {}
    for run in runs:
        for row in run.rows:
            key = (row["set"], row["instance"], row["engine"], float(row["time_limit"]))
            merged[key] = {**row, "run": run.number}
    return list(merged.values())


# --------------------------------------------------------------------------------------
# Formatting helpers


def number(row: dict[str, Any], name: str) -> float | None:
    value = row.get(name, "")
    return float(value) if value not in ("", None) else None


def served(row: dict[str, Any]) -> bool:
    return row.get("all_served") == "True"


def feasible(row: dict[str, Any]) -> bool:
    """Tell whether a row has a plan in which the checks found no broken rule."""
    return (
        row.get("status") not in ("error", "no_solution")
        and row.get("violations") == "0"
    )


def limit_text(seconds: float) -> str:
    return f"{seconds:g} s"


def gap_text(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f} %"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return lines


def select(
    rows: Iterable[dict[str, Any]],
    set_name: str,
    engine: str | None = None,
    time_limit: float | None = None,
) -> list[dict[str, Any]]:
    return [
        row
        for row in rows
        if row["set"] == set_name
        and (engine is None or row["engine"] == engine)
        and (time_limit is None or float(row["time_limit"]) == time_limit)
    ]


def gaps(rows: Iterable[dict[str, Any]]) -> list[float]:
    return [g for g in (number(row, "gap_pct") for row in rows) if g is not None]


# --------------------------------------------------------------------------------------
# Sections


def comparison_section(rows: list[dict[str, Any]]) -> list[str]:
    """Compare engines on the instances that all of them ran at one time limit."""
    lines = ["## Engines on the same instances", ""]
    header = ["set", "time limit", "instances", "engine", "fully served", "mean gap"]
    header += ["worst gap", "vehicles above BKS"]
    body = []
    for set_name in SET_SIZES:
        for limit in sorted({float(r["time_limit"]) for r in select(rows, set_name)}):
            group = select(rows, set_name, time_limit=limit)
            engines = sorted({row["engine"] for row in group})
            if len(engines) < 2:
                continue
            common = set.intersection(
                *({r["instance"] for r in group if r["engine"] == e} for e in engines)
            )
            for engine in engines:
                chosen = [
                    r
                    for r in group
                    if r["engine"] == engine and r["instance"] in common
                ]
                values = gaps(chosen)
                above = sum(
                    r.get("vehicles") not in ("", None)
                    and int(r["vehicles"]) > int(r["bks_vehicles"])
                    for r in chosen
                )
                body.append(
                    [
                        set_name,
                        limit_text(limit),
                        len(common),
                        engine,
                        sum(served(r) for r in chosen),
                        gap_text(statistics.mean(values)) if values else "-",
                        gap_text(max(values)) if values else "-",
                        above,
                    ]
                )
    if not body:
        return lines + ["No set was run with more than one engine at one time limit."]
    lines += table(header, body)
    lines += [
        "",
        "A plan that leaves a customer out has no gap, so the mean is over the plans",
        "that served every customer.",
    ]
    return lines


def machine_section(runs: Sequence[Run]) -> list[str]:
    seen: dict[str, list[int]] = {}
    machines: dict[str, dict[str, Any]] = {}
    for run in runs:
        machine = {k: v for k, v in run.meta["machine"].items() if k != "engine_sha256"}
        key = json.dumps(machine, sort_keys=True)
        seen.setdefault(key, []).append(run.number)
        machines[key] = machine
    lines = ["## Machine", ""]
    header = ["runs", "CPU", "cores", "RAM", "Python", "packages"]
    body = []
    for key, numbers in seen.items():
        machine = machines[key]
        packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
        body.append(
            [
                ", ".join(str(n) for n in numbers),
                machine["cpu"],
                machine["cores"],
                f"{machine['memory_gib']} GiB",
                machine["python"],
                packages,
            ]
        )
    lines += table(header, body)
    lines += [
        "",
        "Each solve used one thread. Other work shared the cores during the runs, so",
        "times and reached gaps vary from run to run.",
    ]
    return lines


def vrptw_target(
    rows: list[dict[str, Any]], set_name: str, limit: float, threshold: float
) -> list[Any]:
    engine_rows = select(rows, set_name, "engine", limit)
    title = SET_TITLES[set_name]
    target = f"{title}: mean gap at {limit_text(limit)} at most {threshold:g} %"
    if not engine_rows:
        return [target, "not run", "not run"]
    values = gaps(engine_rows)
    complete = sum(served(row) and feasible(row) for row in engine_rows)
    mean = statistics.mean(values) if values else None
    text = (
        f"mean {gap_text(mean)}, worst {gap_text(max(values) if values else None)} "
        f"on {len(engine_rows)} of {SET_SIZES[set_name]} instances; "
        f"{complete} fully served and feasible"
    )
    met = mean is not None and mean <= threshold and complete == len(engine_rows)
    if met and len(engine_rows) < SET_SIZES[set_name]:
        verdict = "met on the subset run"
    else:
        verdict = "yes" if met else "no"
    return [target, text, verdict]


def solomon_fast_target(rows: list[dict[str, Any]]) -> list[Any]:
    """Judge "every visit served on all 56 Solomon instances within 5 s each".

    Each time limit of 5 s or less is judged on its own, by the wall time of the
    solve call, and the best one is shown.
    """
    target = "Solomon: every visit served on all 56 instances within 5 s each"
    limits = sorted(
        {float(r["time_limit"]) for r in select(rows, "solomon", "engine")},
        reverse=True,
    )
    results = []
    for limit in (x for x in limits if x <= 5):
        group = select(rows, "solomon", "engine", limit)
        complete = sum(served(row) and feasible(row) for row in group)
        slowest = max(number(row, "seconds") or 0.0 for row in group)
        text = (
            f"time limit {limit_text(limit)}: {complete} of {len(group)} instances "
            f"fully served and feasible; slowest solve call {slowest:.2f} s"
        )
        met = complete == SET_SIZES["solomon"] and slowest <= 5.0
        results.append((met, text))
    if not results:
        return [target, "not run", "not run"]
    met_texts = [text for met, text in results if met]
    if met_texts:
        return [target, met_texts[0], "yes"]
    return [target, "; ".join(text for _, text in results), "no"]


def mankowska_target(rows: list[dict[str, Any]]) -> list[Any]:
    """Judge the Mankowska target on each instance's longest run of at most 60 s.

    The target covers the instances with 10 to 75 patients, named A1 to D5.
    """
    target = (
        "Mankowska (10 to 75 patients): skills and double-service links respected, "
        "objective within 5 % of the reference at 60 s"
    )
    longest: dict[str, dict[str, Any]] = {}
    for row in select(rows, "mankowska", "engine"):
        if row["instance"][0] not in "ABCD":
            continue
        limit = float(row["time_limit"])
        known = longest.get(row["instance"])
        if limit <= 60 and (known is None or limit > float(known["time_limit"])):
            longest[row["instance"]] = row
    if not longest:
        return [target, "not run", "not run"]
    chosen = list(longest.values())
    values = gaps(chosen)
    clean = sum(feasible(row) and served(row) for row in chosen)
    within = sum(g <= 5.0 for g in values)
    limits = sorted({float(row["time_limit"]) for row in chosen})
    text = (
        f"{len(chosen)} instances at {', '.join(limit_text(x) for x in limits)}: "
        f"{clean} fully served without violations"
    )
    if values:
        text += (
            f"; {within} within 5 %; mean {gap_text(statistics.mean(values))}, "
            f"worst {gap_text(max(values))}"
        )
    met = clean == len(chosen) and within == len(chosen)
    return [target, text, "yes" if met else "no"]


def targets_section(rows: list[dict[str, Any]]) -> list[str]:
    body = []

    body.append(solomon_fast_target(rows))

    body.append(vrptw_target(rows, "solomon", 30.0, 2.0))
    body.append(vrptw_target(rows, "gh200", 30.0, 4.0))

    body.append(mankowska_target(rows))

    for limit, requirement in (
        (10.0, "every hard rule respected within 10 s"),
        (60.0, None),
    ):
        agency = select(rows, "agency", "engine", limit)
        target = (
            f"Agency day (1,000 visits, 150 caregivers): {requirement}"
            if requirement
            else "Agency day: figures at 60 s recorded"
        )
        if not agency:
            body.append([target, "not run", "not run"])
            continue
        row = agency[0]
        text = (
            f"{row['served']} of {row['customers']} visits served, "
            f"{row['violations']} violations, {row['seconds']} s"
        )
        verdict = "recorded"
        if requirement:
            # A plan counts when it serves every visit without a broken rule and the
            # solve call returns within the 10 s.
            met = feasible(row) and served(row) and float(row["seconds"]) <= 10.0
            verdict = "yes" if met else "no"
        body.append([target, text, verdict])

    return ["## Targets", ""] + table(["target", "measured", "met"], body)


def summary_section(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Summary per set", ""]
    header = [
        "set",
        "engine",
        "time limit",
        "instances",
        "fully served",
        "feasible",
        "mean gap",
        "worst gap",
        "more vehicles than BKS",
        "total solve seconds",
    ]
    body = []
    keys = sorted({(r["set"], r["engine"], float(r["time_limit"])) for r in rows})
    for set_name, engine, limit in keys:
        group = select(rows, set_name, engine, limit)
        values = gaps(group)
        above = sum(
            number(row, "bks_vehicles") is not None
            and number(row, "vehicles") is not None
            and number(row, "vehicles") > number(row, "bks_vehicles")  # type: ignore[operator]
            for row in group
        )
        seconds = sum(number(row, "seconds") or 0.0 for row in group)
        body.append(
            [
                set_name,
                engine,
                limit_text(limit),
                len(group),
                sum(served(row) for row in group),
                sum(feasible(row) for row in group),
                gap_text(statistics.mean(values)) if values else "-",
                gap_text(max(values)) if values else "-",
                above if set_name in SET_SIZES else "-",
                f"{seconds:.0f}",
            ]
        )
    lines += table(header, body)
    lines += [
        "",
        "Gaps: VRPTW distance against the best-known DIMACS distance of `bks.csv`;",
        "Mankowska objective against the reference value of `reference_results.csv`.",
        "Feasible: a plan exists and the checks found no broken hard rule.",
    ]
    return lines


def vrptw_rows(group: list[dict[str, Any]]) -> list[str]:
    header = [
        "instance",
        "engine",
        "vehicles (BKS)",
        "distance",
        "BKS",
        "gap",
        "all served",
    ]
    header += ["seconds", "run", "note"]
    body = []
    for row in sorted(group, key=lambda r: (r["instance"], r["engine"])):
        vehicles = (
            f"{row['vehicles']} ({row['bks_vehicles']})" if row.get("vehicles") else "-"
        )
        body.append(
            [
                row["instance"],
                row["engine"],
                vehicles,
                row.get("distance") or "-",
                row.get("reference") or "-",
                gap_text(number(row, "gap_pct")),
                "yes" if served(row) else "no",
                row.get("seconds") or "-",
                row["run"],
                (row.get("note") or row.get("status", "")).replace("|", "/"),
            ]
        )
    return table(header, body)


def mankowska_rows(group: list[dict[str, Any]]) -> list[str]:
    header = ["instance", "objective", "distance", "total tardiness", "max tardiness"]
    header += ["reference", "gap", "served", "violations", "seconds", "run"]
    body = []
    for row in sorted(
        group, key=lambda r: (r["instance"][0], int(r["instance"][1:] or 0))
    ):
        body.append(
            [
                row["instance"],
                row.get("objective") or "-",
                row.get("distance") or "-",
                row.get("total_tardiness") or "-",
                row.get("max_tardiness") or "-",
                row.get("reference") or "-",
                gap_text(number(row, "gap_pct")),
                f"{row.get('served') or '-'}/{row.get('customers') or '-'}",
                row.get("violations") or "-",
                row.get("seconds") or "-",
                row["run"],
            ]
        )
    return table(header, body)


def agency_rows(group: list[dict[str, Any]]) -> list[str]:
    header = ["day", "time limit", "visits served", "caregivers used", "violations"]
    header += [
        "travel time",
        "travel distance",
        "seconds",
        "run",
        "unassigned and notes",
    ]
    body = []
    for row in sorted(group, key=lambda r: float(r["time_limit"])):
        travel = number(row, "travel_time")
        body.append(
            [
                row["instance"],
                limit_text(float(row["time_limit"])),
                f"{row.get('served') or '-'}/{row.get('customers') or '-'}",
                f"{row.get('vehicles') or '-'}/{row.get('fleet') or '-'}",
                row.get("violations") or "-",
                f"{travel / 3600:.1f} h" if travel is not None else "-",
                f"{row['distance']} km" if row.get("distance") else "-",
                row.get("seconds") or "-",
                row["run"],
                (row.get("note") or row.get("status", "")).replace("|", "/"),
            ]
        )
    return table(header, body)


def instances_section(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Results per instance"]
    for set_name in SET_TITLES:
        limits = sorted({float(r["time_limit"]) for r in select(rows, set_name)})
        for limit in limits:
            group = select(rows, set_name, time_limit=limit)
            lines += ["", f"### {SET_TITLES[set_name]}, {limit_text(limit)}", ""]
            if set_name == "mankowska":
                lines += mankowska_rows(group)
            elif set_name == "agency":
                lines += agency_rows(group)
            else:
                lines += vrptw_rows(group)
    return lines


def commands_section(runs: Sequence[Run]) -> list[str]:
    lines = ["## Commands", "", "Each run, from the repository root:", ""]
    for run in runs:
        meta = run.meta
        # Rows record the engine code that their worker imported; older runs record
        # only the code found at the start or the end of the run.
        digests = sorted(
            {row["engine_sha256"] for row in run.rows if row.get("engine_sha256")}
        )
        if not digests:
            digests = [meta["machine"].get("engine_sha256", "-")]
        lines.append(
            f"{run.number}. `{meta['command']}` (started {meta['started']}, "
            f"{meta['wall_seconds']:.0f} s wall time, {meta['jobs']} at a time, "
            f"engine sources sha256 {', '.join(digests)})"
        )
    total = sum(run.meta["wall_seconds"] for run in runs)
    lines += ["", f"Total wall time of the runs above: {total / 60:.0f} min."]
    return lines


def render(runs: Sequence[Run], notes: str) -> str:
    rows = latest_rows(runs)
    lines = [
        "# Benchmark results",
        "",
        "Figures measured with `benchmarks/run.py` and written to this page by",
        "`benchmarks/write_results.py`. `benchmarks/README.md` describes the runners",
        "and how the figures are computed. A target marked *not run* was not measured.",
        "",
    ]
    for section in (
        targets_section(rows),
        summary_section(rows),
        comparison_section(rows),
        machine_section(runs),
    ):
        lines += section + [""]
    lines += commands_section(runs) + [""]
    lines += instances_section(rows) + [""]
    return "\n".join(lines) + "\n" + notes


def existing_notes(path: Path) -> str:
    if not path.exists():
        return f"{NOTES_HEADING}\n"
    text = path.read_text()
    start = text.find(NOTES_HEADING)
    return text[start:] if start >= 0 else f"{NOTES_HEADING}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "csv", nargs="*", type=Path, help="CSV files (default: out/*.csv)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="page to write")
    args = parser.parse_args(argv)
    paths = args.csv or sorted((BENCHMARKS / "out").glob("*.csv"))
    runs = load_runs(paths)
    if not runs:
        print("no finished runs found; run benchmarks/run.py first", file=sys.stderr)
        return 1
    args.out.write_text(render(runs, existing_notes(args.out)))
    print(f"wrote {args.out} from {len(runs)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
