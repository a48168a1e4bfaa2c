"""Measure route planning inside Odoo: time outside the solver and SQL queries.

Generates one agency day (caregivers and visits around Chicago) in a real
database where ``homehealth_scheduling`` is installed, plans it with the addon's
planning entry point, and reports for each number of visits:

- the wall time of the whole run, the time inside the routing engine, and the
  difference (registration, reading the records, building the input, writing
  the plan back);
- the number of SQL queries of the run, on every cursor (``odoo.sql_db.sql_counter``).

The generated records are committed (the planner reads and writes through
cursors of its own) and deleted again afterwards. Use a database of its own::

    odoo-bin --addons-path=ADDONS,. -d hh_bench -i homehealth_scheduling \\
        --without-demo=all --stop-after-init
    PYTHONPATH=. python benchmarks/odoo_planning.py --odoo-src /opt/odoo18/src \\
        --addons-path /opt/odoo18/src/addons,. -d hh_bench --sizes 100,400

Run it with the Python that runs Odoo (it needs Odoo, OR-Tools and geopy).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import random
import shlex
import sys
import time
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from traceback import extract_stack

logger = logging.getLogger("odoo_planning")

#: Bounding box of the generated homes: the city of Chicago.
SOUTH, NORTH, WEST, EAST = 41.75, 41.99, -87.78, -87.60
#: Share of caregivers and visits per discipline.
DISCIPLINES = (("rn", 0.5), ("pt", 0.2), ("hha", 0.3))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument(
        "--odoo-src", required=True, help="folder holding the odoo package"
    )
    parser.add_argument("--addons-path", required=True, help="Odoo addons path")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-user", default="root")
    parser.add_argument(
        "--sizes", default="100,400", help="visits per generated day, comma separated"
    )
    parser.add_argument("--caregivers", type=int, default=60)
    parser.add_argument(
        "--time-limit", type=float, default=5.0, help="engine time limit (s)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--split-queries",
        action="store_true",
        help="also count the queries made by the visit conflict checks, which "
        "recompute the conflicts of every caregiver whose day changed (slower: "
        "it inspects the stack of every query)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def start_odoo(args: argparse.Namespace):
    """Import Odoo from ``--odoo-src`` and return the database's registry."""
    sys.path.insert(0, args.odoo_src)
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            f"--addons-path={args.addons_path}",
            f"--db_host={args.db_host}",
            f"--db_user={args.db_user}",
            "--log-level=warn",
        ]
    )
    return odoo, Registry(args.database)


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def discipline_list(count: int, rng: random.Random) -> list[str]:
    result = []
    for code, share in DISCIPLINES:
        result += [code] * round(count * share)
    result = (result + ["rn"] * count)[:count]
    rng.shuffle(result)
    return result


def create_day(odoo, registry, day: date, visits: int, caregivers: int, seed: int):
    """Commit caregivers, patients and draft visits of ``day``; return their ids."""
    import pytz  # noqa: PLC0415

    rng = random.Random(seed)
    chicago = pytz.timezone("America/Chicago")

    def utc(hour: float) -> datetime:
        local = chicago.localize(datetime.combine(day, datetime.min.time()))
        moment = local + timedelta(hours=hour)
        return moment.astimezone(pytz.utc).replace(tzinfo=None)

    def point() -> tuple[float, float]:
        return rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env.ref("base.main_company")
        calendar = env["resource.calendar"].create(
            {
                "name": "Benchmark 8-12, 13-17 Chicago",
                "tz": "America/Chicago",
                "company_id": company.id,
                "attendance_ids": [odoo.Command.clear()]
                + [
                    odoo.Command.create(
                        {
                            "name": f"Day {weekday} {start}-{end}",
                            "dayofweek": str(weekday),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for weekday in range(7)
                    for start, end, period in (
                        (8, 12, "morning"),
                        (13, 17, "afternoon"),
                    )
                ],
            }
        )
        employees = env["hr.employee"].create(
            [
                {
                    "name": f"Benchmark caregiver {number}",
                    "is_caregiver": True,
                    "discipline": discipline,
                    "resource_calendar_id": calendar.id,
                    "tz": "America/Chicago",
                    "company_id": company.id,
                    "home_latitude": latitude,
                    "home_longitude": longitude,
                    "max_visits_per_day": 10,
                }
                for number, discipline in enumerate(
                    discipline_list(caregivers, rng), start=1
                )
                for latitude, longitude in [point()]
            ]
        )
        patients = env["res.partner"].create(
            [
                {
                    "name": f"Benchmark patient {number}",
                    "is_patient": True,
                    "company_id": company.id,
                    "partner_latitude": latitude,
                    "partner_longitude": longitude,
                    "geocode_quality": "manual",
                }
                for number in range(1, visits + 1)
                for latitude, longitude in [point()]
            ]
        )
        visit_values = []
        for patient, discipline in zip(
            patients, discipline_list(visits, rng), strict=True
        ):
            start = rng.choice([8, 9, 10, 11, 13, 14])
            visit_values.append(
                {
                    "patient_id": patient.id,
                    "discipline": discipline,
                    "duration": rng.choice([0.5, 0.75, 1.0]),
                    "company_id": company.id,
                    "window_start": utc(start),
                    "window_end": utc(start + rng.choice([2, 3])),
                }
            )
        records = env["homehealth.visit"].create(visit_values)
        return {
            "calendar": calendar.id,
            "employees": employees.ids,
            "patients": patients.ids,
            "visits": records.ids,
        }


def delete_day(odoo, registry, created: dict) -> None:
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"active_test": False})
        env["homehealth.planning.run"].search(
            [("visit_ids", "in", created["visits"])]
        ).unlink()
        env["homehealth.visit"].browse(created["visits"]).unlink()
        env["res.partner"].browse(created["patients"]).unlink()
        employees = env["hr.employee"].browse(created["employees"])
        resources = employees.resource_id
        employees.unlink()
        resources.unlink()
        env["resource.calendar"].browse(created["calendar"]).unlink()


class QueryOrigins(logging.Handler):
    """Count the SQL queries whose call stack passes through a given file."""

    def __init__(self, filename: str):
        super().__init__()
        self.filename = filename
        self.inside = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "query:" not in record.getMessage():
            return
        if any(frame.filename.endswith(self.filename) for frame in extract_stack()):
            self.inside += 1

    def __enter__(self):
        sql_logger = logging.getLogger("odoo.sql_db")
        self.previous_level = sql_logger.level
        sql_logger.setLevel(logging.DEBUG)
        sql_logger.addHandler(self)
        return self

    def __exit__(self, *exc_info):
        sql_logger = logging.getLogger("odoo.sql_db")
        sql_logger.removeHandler(self)
        sql_logger.setLevel(self.previous_level)


def plan_day(
    odoo, registry, day: date, created: dict, time_limit: float, split: bool
) -> dict:
    """Plan the generated day once; return the run's figures."""
    origins = QueryOrigins("homehealth_visit_conflict.py")
    with registry.cursor() as cr, origins if split else nullcontext():
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        queries_before = odoo.sql_db.sql_counter
        started = time.perf_counter()
        run = env["homehealth.planning.run"]._plan_routes(
            {
                "date_from": day,
                "date_to": day,
                "tz": "America/Chicago",
                "caregiver_ids": created["employees"],
                "time_limit": time_limit,
                "keep_assignments": False,
                "background": False,
            }
        )
        wall = time.perf_counter() - started
        queries = odoo.sql_db.sql_counter - queries_before
        run_id = run.id
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        run = env["homehealth.planning.run"].browse(run_id)
        return {
            "visits": len(created["visits"]),
            "caregivers": len(created["employees"]),
            "state": run.state,
            "error": run.error_message or "",
            "planned": run.planned_count,
            "unassigned": run.unassigned_count,
            "wall_seconds": round(wall, 3),
            "solver_seconds": round(run.solve_seconds, 3),
            "outside_solver_seconds": round(wall - run.solve_seconds, 3),
            "queries": queries,
            "conflict_check_queries": origins.inside if split else None,
        }


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import os  # noqa: PLC0415

    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    odoo, registry = start_odoo(args)
    day = next_monday()
    results = []
    for size in (int(value) for value in args.sizes.split(",")):
        created = create_day(odoo, registry, day, size, args.caregivers, args.seed)
        try:
            result = plan_day(
                odoo, registry, day, created, args.time_limit, args.split_queries
            )
        finally:
            delete_day(odoo, registry, created)
        results.append(result)
        logger.info(
            "%(visits)d visits, %(caregivers)d caregivers: %(state)s, "
            "%(planned)d planned, wall %(wall_seconds).2f s, solver "
            "%(solver_seconds).2f s, outside the solver "
            "%(outside_solver_seconds).2f s, %(queries)d queries",
            result,
        )
    report = {
        "command": shlex.join([sys.executable, *sys.argv]),
        "machine": machine(),
        "day": day.isoformat(),
        "time_limit": args.time_limit,
        "results": results,
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as output:
            json.dump(report, output, indent=2)
    print(json.dumps(report, indent=2))
    return 0 if all(r["state"] == "done" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
