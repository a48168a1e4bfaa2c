"""The ``homehealth-route`` command: solve the demo day or an instance file.

Subcommands:

- ``demo``: solve the embedded Chicago agency day and print every route.
- ``solve FILE``: read a problem (our JSON, VRPLIB or Mankowska), solve it and print
  the totals, with the gap to the best-known or reference value when the file's
  benchmark lists one.
- ``check PROBLEM SOLUTION``: verify a solution document against every hard rule.

Exit status: 0 on success, 1 when ``check`` finds a broken rule, 2 on invalid input
(one line on standard error that names the item and the fix).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .demo import demo_params, demo_problem
from .domain import InvalidInput, Location, ProblemData, Solution, SolveParams
from .jsonio import dump_problem, dump_solution, load_solution
from .readers import (
    FORMATS,
    Instance,
    MankowskaScore,
    mankowska_objective,
    read_instance,
)
from .report import (
    format_date,
    format_report,
    format_totals,
    format_unassigned,
    write_map,
)

_logger = logging.getLogger(__name__)
#: The package's logger: the command line is the one place that adds a handler.
_PACKAGE = __name__.rpartition(".")[0]

PROG = "homehealth-route"
#: Seconds between progress lines while the solver runs (unless --quiet).
PROGRESS_INTERVAL = 5.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Assign home health visits to caregivers and order each day.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_common(command: argparse.ArgumentParser, default_limit: str) -> None:
        command.add_argument(
            "--time-limit",
            type=float,
            metavar="S",
            help=f"search time in seconds (default: {default_limit})",
        )
        command.add_argument(
            "--out", type=Path, metavar="FILE", help="write the solution as JSON"
        )
        command.add_argument(
            "--html",
            type=Path,
            metavar="FILE",
            help="write a map of the routes as an HTML page (coordinates only)",
        )
        command.add_argument(
            "--quiet",
            action="store_true",
            help="print no progress lines while solving",
        )

    demo = commands.add_parser(
        "demo", help="solve the embedded Chicago agency day and print every route"
    )
    demo.add_argument(
        "--save-problem",
        type=Path,
        metavar="FILE",
        help="also write the demo problem as JSON, an example input to edit",
    )
    add_common(demo, "10")

    solve = commands.add_parser(
        "solve", help="solve a problem file and print the totals"
    )
    solve.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="problem file: our JSON, VRPLIB (.vrp) or Mankowska (.txt)",
    )
    solve.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="input format (default: from the extension or content)",
    )
    solve.add_argument(
        "--routes", action="store_true", help="print every route, not only totals"
    )
    add_common(solve, "the file's params, else 10")

    check = commands.add_parser(
        "check", help="check a solution document against every hard rule"
    )
    check.add_argument("problem", type=Path, help="problem file (any input format)")
    check.add_argument("solution", type=Path, help="solution JSON document")
    check.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="format of the problem file (default: from the extension or content)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 when ``check`` finds broken rules, 2 on
        invalid input.
    """
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    package_logger = logging.getLogger(_PACKAGE)
    previous_level = package_logger.level
    package_logger.addHandler(handler)
    package_logger.setLevel(
        logging.WARNING if getattr(args, "quiet", False) else logging.INFO
    )
    try:
        if args.command == "demo":
            return _run_demo(args)
        if args.command == "solve":
            return _run_solve(args)
        return _run_check(args)
    except InvalidInput as error:
        message = " ".join(str(error).split())
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    finally:
        package_logger.removeHandler(handler)
        package_logger.setLevel(previous_level)


def _params(base: SolveParams, args: argparse.Namespace) -> SolveParams:
    changes: dict[str, Any] = {
        "progress_interval": 0.0 if args.quiet else PROGRESS_INTERVAL
    }
    if args.time_limit is not None:
        if args.time_limit <= 0:
            raise InvalidInput(
                f"--time-limit {args.time_limit} is not positive. Give seconds, "
                "for example --time-limit 10."
            )
        changes["time_limit"] = args.time_limit
    return dataclasses.replace(base, **changes)


def _solve(problem: ProblemData, params: SolveParams) -> Solution:
    # Imported here so that reading and checking files never loads OR-Tools.
    from . import solve
    from .validate import validate

    validate(problem, params)
    _logger.info(
        "Solving %s: %d visits, %d caregivers, time limit %g s",
        problem.name or "problem",
        len(problem.visits),
        len(problem.caregivers),
        params.time_limit,
    )
    return solve(problem, params)


def _check_output_folders(args: argparse.Namespace) -> None:
    """Reject an output path whose folder is missing before the search starts."""
    for option in ("out", "html", "save_problem"):
        path = getattr(args, option, None)
        if path is not None and not path.parent.is_dir():
            flag = "--" + option.replace("_", "-")
            raise InvalidInput(
                f"{flag} {path}: folder {path.parent} not found. Create it or "
                "choose another path."
            )


def _write_outputs(
    problem: ProblemData, solution: Solution, args: argparse.Namespace
) -> None:
    try:
        if args.out is not None:
            dump_solution(solution, args.out, problem)
            print(f"Solution written to {args.out}")
        if args.html is not None:
            write_map(problem, solution, args.html)
            print(f"Map written to {args.html}")
    except OSError as error:
        raise InvalidInput(
            f"{error.filename}: cannot write the file ({error.strerror})."
        ) from None


def _run_demo(args: argparse.Namespace) -> int:
    _check_output_folders(args)
    problem = demo_problem()
    params = _params(demo_params(), args)
    if args.save_problem is not None:
        dump_problem(problem, args.save_problem, params)
        print(f"Problem written to {args.save_problem}")
    solution = _solve(problem, params)
    day = format_date(problem.origin) if problem.origin else ""
    print(f"{problem.name}, {day}")
    print()
    print(format_report(problem, solution))
    _write_outputs(problem, solution, args)
    return 0


def reject_unknown_skills(problem: ProblemData) -> None:
    """Raise :class:`InvalidInput` when a visit requires a skill no caregiver has.

    The engine plans around such a visit and returns it unassigned with reason
    ``no_qualified_caregiver``. In a file given to the command line the skill is
    more likely a typo, so the command line rejects the file.
    """
    known = set().union(*(c.skills for c in problem.caregivers))
    for visit in problem.visits:
        unknown = sorted(visit.required_skills - known)
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            raise InvalidInput(
                f"visit {visit.id!r} requires skill {unknown[0]!r}, which no caregiver "
                f"has. Known skills: {listed}. Fix the skill name or add a caregiver "
                "who has it."
            )


def _run_solve(args: argparse.Namespace) -> int:
    _check_output_folders(args)
    instance = read_instance(args.file, args.format)
    problem = instance.problem
    reject_unknown_skills(problem)
    if args.html is not None and not all(
        isinstance(v.location, Location) for v in problem.visits
    ):
        raise InvalidInput(
            f"--html needs visit places as [latitude, longitude], but {args.file} "
            "uses matrix indices. Leave out --html for this file."
        )
    params = _params(instance.params or SolveParams(), args)
    solution = _solve(problem, params)
    scale = None if instance.format == "json" else instance.scale
    print(f"{problem.name or args.file.name} ({instance.format})")
    if args.routes:
        print()
        print(format_report(problem, solution, scale))
    else:
        if solution.unassigned:
            print(format_unassigned(problem, solution))
        print(format_totals(problem, solution, scale))
    for line in _reference_lines(instance, solution):
        print(line)
    _write_outputs(problem, solution, args)
    return 0


def _gap(value: float, reference: float) -> str:
    return f"{100 * (value - reference) / reference:+.2f} %"


def _format_score(score: MankowskaScore) -> str:
    return (
        f"{score.objective:.3f} (distance {score.distance:.3f}, total tardiness "
        f"{score.total_tardiness:.3f}, maximum tardiness {score.max_tardiness:.3f})"
    )


def _reference_lines(instance: Instance, solution: Solution) -> list[str]:
    """Return the benchmark figures of ``solution`` and their gap to the reference."""
    lines = []
    value: float | None = None
    if instance.format == "vrplib":
        value = solution.travel_distance / instance.scale
        lines.append(f"Distance: {value:.1f} with {len(solution.routes)} vehicles")
    elif instance.format == "mankowska":
        score = mankowska_objective(instance, solution)
        value = score.objective
        lines.append(f"Mankowska objective: {_format_score(score)}")
        data = instance.mankowska
        if data is not None and data.reference is not None:
            lines.append(f"Reference: {_format_score(data.reference)}")
    if value is None or instance.reference is None:
        return lines
    if solution.unassigned:
        lines.append(
            f"{instance.reference_label}: {instance.reference:g}; no gap because "
            f"{len(solution.unassigned)} visits are unassigned"
        )
    else:
        lines.append(
            f"{instance.reference_label}: {instance.reference:g}, gap "
            f"{_gap(value, instance.reference)}"
        )
    return lines


def _run_check(args: argparse.Namespace) -> int:
    from . import check

    instance = read_instance(args.problem, args.format)
    solution = load_solution(args.solution)
    violations = check(instance.problem, solution)
    if not violations:
        print(f"{args.solution}: every hard rule holds")
        return 0
    print(f"{args.solution}: {len(violations)} hard rules broken")
    for violation in violations:
        print(f"  {violation}")
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
