"""Read and write the engine's JSON format: problems in, solutions out, both ways.

A problem document contains ``caregivers``, ``visits`` and optionally ``links``,
``matrix``, ``region``, ``origin``, ``name`` and ``params``. The JSON Schemas in
``schema/problem.schema.json`` and ``schema/solution.schema.json`` describe every field
with its unit. This module checks documents itself, so ``jsonschema`` is needed only by
the tests; an invalid document raises :class:`InvalidInput` with a message that names
the item and the fix, such as ``visit 'V7': 'duration' is missing. Add the service time
in seconds.``

Conventions:

- Times are integer seconds counted from ``origin``. Time fields also accept a clock
  string ``"HH:MM"`` or ``"HH:MM:SS"`` (hours may exceed 23 for the next day), which is
  converted to seconds on reading. Durations are always integer seconds.
- A place is ``[latitude, longitude]`` in degrees or an integer index into ``matrix``.
- Fields equal to their default are left out when writing.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

_logger = logging.getLogger(__name__)

__all__ = [
    "dump_problem",
    "dump_solution",
    "load_params",
    "load_problem",
    "load_solution",
    "params_from_dict",
    "params_to_dict",
    "problem_from_dict",
    "problem_to_dict",
    "read_json_file",
    "solution_from_dict",
    "solution_totals",
    "solution_to_dict",
]

_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


# --------------------------------------------------------------------------------------
# Value readers: each turns one JSON value into the dataclass value or raises


def _fail(item: str, message: str) -> InvalidInput:
    return InvalidInput(f"{item}: {message}")


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _read_int(value: Any, item: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(item, f"'{key}' must be an integer, got {_describe(value)}.")
    if isinstance(value, float):
        if not value.is_integer():
            raise _fail(
                item,
                f"'{key}' must be an integer, got {value}. Round it to whole units.",
            )
        return int(value)
    return value


def _read_time(value: Any, item: str, key: str) -> int:
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match is None:
            raise _fail(
                item,
                f"'{key}' {value!r} is not a time. Give seconds from the origin "
                'or a clock time such as "08:30".',
            )
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(
            item,
            f"'{key}' must be seconds from the origin or a clock time such as "
            f'"08:30", got {_describe(value)}.',
        )
    return _read_int(value, item, key)


def _read_optional_int(value: Any, item: str, key: str) -> int | None:
    return None if value is None else _read_int(value, item, key)


def _read_optional_time(value: Any, item: str, key: str) -> int | None:
    return None if value is None else _read_time(value, item, key)


def _read_number(value: Any, item: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(item, f"'{key}' must be a number, got {_describe(value)}.")
    if not math.isfinite(value):
        raise _fail(item, f"'{key}' must be a finite number, got {value}.")
    return value


def _read_bool(value: Any, item: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(item, f"'{key}' must be true or false, got {_describe(value)}.")
    return value


def _read_text(value: Any, item: str, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(item, f"'{key}' must be a string, got {_describe(value)}.")
    return value


def _read_id(value: Any, item: str, key: str) -> str:
    text = _read_text(value, item, key)
    if not text.strip():
        raise _fail(item, f"'{key}' is empty. Give a non-empty id.")
    return text


def _read_optional_text(value: Any, item: str, key: str) -> str | None:
    return None if value is None else _read_text(value, item, key)


def _read_names(value: Any, item: str, key: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(item, f"'{key}' must be a list of strings, got {_describe(value)}.")
    return frozenset(value)


def _read_optional_names(value: Any, item: str, key: str) -> frozenset[str] | None:
    return None if value is None else _read_names(value, item, key)


def _read_place(value: Any, item: str, key: str) -> Location | int:
    if isinstance(value, list):
        if len(value) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            raise _fail(
                item,
                f"'{key}' must be [latitude, longitude] in degrees or a matrix "
                f"index, got {_describe(value)}.",
            )
        try:
            return Location(lat=float(value[0]), lon=float(value[1]))
        except InvalidInput as error:
            raise _fail(item, f"'{key}': {error}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        index = _read_int(value, item, key)
        if index < 0:
            raise _fail(item, f"'{key}' matrix index {index} is negative.")
        return index
    raise _fail(
        item,
        f"'{key}' must be [latitude, longitude] in degrees or a matrix index, "
        f"got {_describe(value)}.",
    )


def _read_optional_place(value: Any, item: str, key: str) -> Location | int | None:
    return None if value is None else _read_place(value, item, key)


def _read_int_map(value: Any, item: str, key: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _fail(
            item, f"'{key}' must be an object of id -> integer, got {_describe(value)}."
        )
    return {name: _read_int(v, item, f"{key}.{name}") for name, v in value.items()}


def _read_text_map(value: Any, item: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(v, str) for v in value.values()
    ):
        raise _fail(
            item, f"'{key}' must be an object of id -> id, got {_describe(value)}."
        )
    return dict(value)


def _read_link_kind(value: Any, item: str, key: str) -> LinkKind:
    try:
        return LinkKind(value)
    except ValueError:
        known = ", ".join(repr(k.value) for k in LinkKind)
        raise _fail(
            item, f"'{key}' {_describe(value)} is unknown. Use one of {known}."
        ) from None


def _read_reason(value: Any, item: str, key: str) -> Reason:
    try:
        return Reason(value)
    except ValueError:
        known = ", ".join(repr(r.value) for r in Reason)
        raise _fail(
            item, f"'{key}' {_describe(value)} is unknown. Use one of {known}."
        ) from None


def _read_windows(value: Any, item: str, key: str) -> tuple[TimeWindow, ...]:
    if not isinstance(value, list):
        raise _fail(
            item, f"'{key}' must be a list of time windows, got {_describe(value)}."
        )
    windows = []
    for number, raw in enumerate(value, start=1):
        label = f"{item} window #{number}"
        if isinstance(raw, list) and len(raw) == 2:
            raw = {"start": raw[0], "end": raw[1]}
        fields = _read_object(raw, label, _WINDOW_FIELDS)
        try:
            windows.append(TimeWindow(**fields))
        except InvalidInput as error:
            raise _fail(label, str(error)) from None
    return tuple(windows)


def _read_breaks(value: Any, item: str, key: str) -> tuple[Break, ...]:
    if not isinstance(value, list):
        raise _fail(item, f"'{key}' must be a list of breaks, got {_describe(value)}.")
    breaks = []
    for number, raw in enumerate(value, start=1):
        label = f"{item} break #{number}"
        fields = _read_object(raw, label, _BREAK_FIELDS)
        try:
            breaks.append(Break(**fields))
        except InvalidInput as error:
            raise _fail(f"{item}", str(error)) from None
    return tuple(breaks)


# --------------------------------------------------------------------------------------
# Value writers


def _write_place(value: Location | int) -> list[float] | int:
    if isinstance(value, Location):
        return [value.lat, value.lon]
    return value


def _write_optional_place(value: Location | int | None) -> list[float] | int | None:
    return None if value is None else _write_place(value)


def _write_names(value: Iterable[str]) -> list[str]:
    return sorted(value)


def _write_optional_names(value: Iterable[str] | None) -> list[str] | None:
    return None if value is None else sorted(value)


def _write_windows(value: Iterable[TimeWindow]) -> list[dict[str, int]]:
    return [{"start": w.start, "end": w.end} for w in value]


def _write_breaks(value: Iterable[Break]) -> list[dict[str, Any]]:
    return [_write_object(b, _BREAK_FIELDS) for b in value]


def _write_map(value: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value[key] for key in sorted(value)}


def _same(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------------------
# Field tables: one row per dataclass field


@dataclass(frozen=True)
class _Kind:
    read: Callable[[Any, str, str], Any]
    write: Callable[[Any], Any]


_KINDS = {
    "id": _Kind(_read_id, _same),
    "text": _Kind(_read_text, _same),
    "text?": _Kind(_read_optional_text, _same),
    "int": _Kind(_read_int, _same),
    "int?": _Kind(_read_optional_int, _same),
    "time": _Kind(_read_time, _same),
    "time?": _Kind(_read_optional_time, _same),
    "number": _Kind(_read_number, _same),
    "bool": _Kind(_read_bool, _same),
    "place": _Kind(_read_place, _write_place),
    "place?": _Kind(_read_optional_place, _write_optional_place),
    "names": _Kind(_read_names, _write_names),
    "names?": _Kind(_read_optional_names, _write_optional_names),
    "windows": _Kind(_read_windows, _write_windows),
    "breaks": _Kind(_read_breaks, _write_breaks),
    "int_map": _Kind(_read_int_map, _write_map),
    "text_map": _Kind(_read_text_map, _write_map),
    "link_kind": _Kind(_read_link_kind, lambda kind: kind.value),
    "reason": _Kind(_read_reason, lambda reason: reason.value),
}


@dataclass(frozen=True)
class _Field:
    """Mapping of one JSON key to a dataclass attribute.

    ``missing_hint`` is set for required keys only: the sentence shown when the key
    is missing.
    """

    key: str
    attr: str
    kind: str
    missing_hint: str | None = None

    @property
    def required(self) -> bool:
        return self.missing_hint is not None


def _field(key: str, kind: str, hint: str | None = None, attr: str = "") -> _Field:
    return _Field(key=key, attr=attr or key, kind=kind, missing_hint=hint)


_WINDOW_FIELDS = (
    _field("start", "time", 'Add the earliest start (seconds or "HH:MM").'),
    _field("end", "time", 'Add the latest start (seconds or "HH:MM").'),
)

_BREAK_FIELDS = (
    _field("id", "id"),
    _field("earliest_start", "time", "Add the earliest start of the break."),
    _field("latest_start", "time", "Add the latest start of the break."),
    _field("duration", "int", "Add the break length in seconds."),
)

_CAREGIVER_FIELDS = (
    _field("id", "id", "Give every caregiver a unique id."),
    _field("start", "place", "Add the start place as [latitude, longitude]."),
    _field("shift_start", "time", 'Add the shift start (seconds or "HH:MM").'),
    _field("shift_end", "time", 'Add the shift end (seconds or "HH:MM").'),
    _field("end", "place?"),
    _field("skills", "names"),
    _field("languages", "names"),
    _field("breaks", "breaks"),
    _field("max_overtime", "int"),
    _field("max_work", "int?"),
    _field("max_visits", "int?"),
    _field("max_workload", "int?"),
    _field("cost_per_hour", "number"),
    _field("cost_per_km", "number"),
    _field("speed_kmh", "number"),
    _field("detour_factor", "number"),
)

_VISIT_FIELDS = (
    _field("id", "id", "Give every visit a unique id."),
    _field(
        "location",
        "place",
        "Add the patient's place as [latitude, longitude] (geocode the address) "
        "or a matrix index.",
    ),
    _field("duration", "int", "Add the service time in seconds."),
    _field("patient", "text"),
    _field("windows", "windows"),
    _field("hard_windows", "bool"),
    _field("required_skills", "names"),
    _field("language", "text?"),
    _field("allowed_caregivers", "names?"),
    _field("excluded_caregivers", "names"),
    _field("preferred_caregivers", "names"),
    _field("priority", "int"),
    _field("workload", "int"),
    _field("pinned_caregiver", "text?"),
    _field("pinned_start", "time?"),
    _field("duration_by_caregiver", "int_map"),
)

_LINK_FIELDS = (
    _field("kind", "link_kind", "Add 'same_start' or 'sequence'."),
    _field("first", "id", "Add the id of the first visit."),
    _field("second", "id", "Add the id of the second visit."),
    _field("min_gap", "int"),
    _field("max_gap", "int?"),
    _field("together", "bool"),
)

_REGION_FIELDS = (
    _field("min_lat", "number", "Add the southern edge in degrees."),
    _field("min_lon", "number", "Add the western edge in degrees."),
    _field("max_lat", "number", "Add the northern edge in degrees."),
    _field("max_lon", "number", "Add the eastern edge in degrees."),
)

_PARAMS_FIELDS = (
    _field("time_limit", "number"),
    _field("objective", "text"),
    _field("unassigned_penalty", "int"),
    _field("overtime_weight", "int"),
    _field("lateness_weight", "int"),
    _field("span_weight", "int"),
    _field("caregiver_fixed_cost", "int"),
    _field("preference_weight", "int"),
    _field("change_weight", "int"),
    _field("initial_assignment", "text_map"),
    _field("first_solution", "text"),
    _field("metaheuristic", "text"),
    _field("progress_interval", "number"),
    _field("check", "bool"),
)

_STOP_FIELDS = (
    _field("visit", "id", "Add the visit id.", attr="visit_id"),
    _field("arrival", "int", "Add the arrival time."),
    _field("start", "int", "Add the start time."),
    _field("end", "int", "Add the end time."),
    _field("waiting", "int", "Add the waiting time."),
    _field("travel_time", "int", "Add the travel time from the previous place."),
    _field("travel_distance", "int", "Add the travel distance."),
    _field("late", "int"),
)

_BREAK_TAKEN_FIELDS = (
    _field("id", "id", "Add the break id."),
    _field("start", "int", "Add the break start."),
    _field("end", "int", "Add the break end."),
)

_ROUTE_FIELDS = (
    _field("caregiver", "id", "Add the caregiver id.", attr="caregiver_id"),
    _field("departure", "int", "Add the departure time."),
    _field("return", "int", "Add the time of arrival home.", attr="arrival_home"),
    _field("return_travel_time", "int"),
    _field("return_travel_distance", "int"),
    _field("overtime", "int"),
)

_UNASSIGNED_FIELDS = (
    _field("visit", "id", "Add the visit id.", attr="visit_id"),
    _field("reason", "reason", "Add the reason code."),
    _field("detail", "text"),
)


def _item_label(kind: str, raw: Any, number: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return f"{kind} {raw['id']!r}"
    return f"{kind} #{number}"


def _check_keys(
    raw: dict[str, Any], item: str, fields: Iterable[_Field], extra: Iterable[str] = ()
) -> None:
    known = [f.key for f in fields] + list(extra)
    for key in raw:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise _fail(
            item,
            f"unknown field {key!r}.{hint} Known fields: {', '.join(known)}.",
        )


def _read_object(
    raw: Any, item: str, fields: Iterable[_Field], extra: Iterable[str] = ()
) -> dict[str, Any]:
    """Read the keys of ``fields`` from ``raw`` into dataclass keyword arguments.

    Keys in ``extra`` are allowed and ignored (output-only fields such as totals).
    """
    fields = tuple(fields)
    if not isinstance(raw, dict):
        raise _fail(item, f"must be a JSON object, got {_describe(raw)}.")
    _check_keys(raw, item, fields, extra)
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.key not in raw:
            if spec.required:
                raise _fail(item, f"'{spec.key}' is missing. {spec.missing_hint}")
            continue
        values[spec.attr] = _KINDS[spec.kind].read(raw[spec.key], item, spec.key)
    return values


def _defaults(cls: type) -> dict[str, Any]:
    result = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            result[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            result[f.name] = f.default_factory()
    return result


def _write_object(obj: Any, fields: Iterable[_Field]) -> dict[str, Any]:
    """Write the fields of dataclass ``obj`` except those equal to their default."""
    defaults = _defaults(type(obj))
    result: dict[str, Any] = {}
    for spec in fields:
        value = getattr(obj, spec.attr)
        if spec.attr in defaults and not spec.required and value == defaults[spec.attr]:
            continue
        result[spec.key] = _KINDS[spec.kind].write(value)
    return result


def _build(cls: Callable[..., Any], item: str, values: dict[str, Any]) -> Any:
    try:
        return cls(**values)
    except InvalidInput as error:
        message = str(error)
        # Messages of Visit, Caregiver and Link name the item themselves.
        if message.startswith(item.split()[0]):
            raise
        raise _fail(item, message) from None


# --------------------------------------------------------------------------------------
# Problems


_PROBLEM_KEYS = (
    "$schema",
    "name",
    "origin",
    "region",
    "matrix",
    "caregivers",
    "visits",
    "links",
    "params",
)


def _read_list(raw: dict[str, Any], key: str, required_hint: str | None) -> list[Any]:
    if key not in raw:
        if required_hint is not None:
            raise _fail("problem", f"'{key}' is missing. {required_hint}")
        return []
    value = raw[key]
    if not isinstance(value, list):
        raise _fail("problem", f"'{key}' must be a list, got {_describe(value)}.")
    return value


def _read_matrix(raw: Any) -> TravelMatrix:
    item = "matrix"
    if not isinstance(raw, dict):
        raise _fail(item, f"must be a JSON object, got {_describe(raw)}.")
    _check_keys(raw, item, (_field("duration", "int"), _field("distance", "int")))
    rows: dict[str, tuple[tuple[int, ...], ...]] = {}
    for key, unit in (("duration", "seconds"), ("distance", "metres")):
        if key not in raw:
            raise _fail(
                item, f"'{key}' is missing. Add a square list of rows in {unit}."
            )
        value = raw[key]
        if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
            raise _fail(item, f"'{key}' must be a list of rows of integers.")
        rows[key] = tuple(
            tuple(_read_int(v, item, f"{key}[{i}]") for v in row)
            for i, row in enumerate(value)
        )
    return _build(TravelMatrix, item, rows)


def problem_from_dict(data: Mapping[str, Any]) -> ProblemData:
    """Build a :class:`ProblemData` from a problem document.

    Parameters
    ----------
    data
        The parsed JSON document (see ``schema/problem.schema.json``). The optional
        ``params`` section is ignored here; read it with :func:`params_from_dict`.

    Returns
    -------
    ProblemData
        The problem. Whole-problem rules (unique ids, known ids in links, matrix
        bounds, region) are checked later by the solver's validation.

    Raises
    ------
    InvalidInput
        When a required field is missing, a value has the wrong type or a field is
        unknown. The message names the item, such as ``visit 'V7'``, and the fix.
    """
    if not isinstance(data, dict):
        raise InvalidInput(
            f"problem: the document must be a JSON object, got {_describe(data)}."
        )
    unknown = [key for key in data if key not in _PROBLEM_KEYS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], _PROBLEM_KEYS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidInput(
            f"problem: unknown field {unknown[0]!r}.{hint} "
            f"Known fields: {', '.join(_PROBLEM_KEYS)}."
        )

    caregivers = []
    for number, raw in enumerate(
        _read_list(data, "caregivers", "Add at least one caregiver."), start=1
    ):
        item = _item_label("caregiver", raw, number)
        values = _read_object(raw, item, _CAREGIVER_FIELDS)
        caregivers.append(_build(Caregiver, item, values))

    visits = []
    for number, raw in enumerate(
        _read_list(data, "visits", "Add the list of visits (it may be empty)."),
        start=1,
    ):
        item = _item_label("visit", raw, number)
        values = _read_object(raw, item, _VISIT_FIELDS)
        visits.append(_build(Visit, item, values))

    links = []
    for number, raw in enumerate(_read_list(data, "links", None), start=1):
        item = f"link #{number}"
        if isinstance(raw, dict) and "first" in raw and "second" in raw:
            item = f"link #{number} ({raw['first']!r} -> {raw['second']!r})"
        values = _read_object(raw, item, _LINK_FIELDS)
        links.append(_build(Link, item, values))

    matrix = None if data.get("matrix") is None else _read_matrix(data["matrix"])
    region = None
    if data.get("region") is not None:
        values = _read_object(data["region"], "region", _REGION_FIELDS)
        region = _build(Region, "region", values)

    origin = data.get("origin")
    if origin is not None:
        origin = _read_text(origin, "problem", "origin")
    name = _read_text(data.get("name", ""), "problem", "name")
    return ProblemData(
        caregivers=tuple(caregivers),
        visits=tuple(visits),
        links=tuple(links),
        matrix=matrix,
        region=region,
        origin=origin,
        name=name,
    )


def problem_to_dict(
    problem: ProblemData, params: SolveParams | None = None
) -> dict[str, Any]:
    """Write ``problem`` (and optionally ``params``) as a problem document.

    Fields equal to their default are left out, so the result stays short; reading it
    back with :func:`problem_from_dict` gives an equal :class:`ProblemData`.
    """
    result: dict[str, Any] = {}
    if problem.name:
        result["name"] = problem.name
    if problem.origin is not None:
        result["origin"] = problem.origin
    if problem.region is not None:
        result["region"] = _write_object(problem.region, _REGION_FIELDS)
    if problem.matrix is not None:
        result["matrix"] = {
            "duration": [list(row) for row in problem.matrix.duration],
            "distance": [list(row) for row in problem.matrix.distance],
        }
    result["caregivers"] = [
        _write_object(c, _CAREGIVER_FIELDS) for c in problem.caregivers
    ]
    result["visits"] = [_write_object(v, _VISIT_FIELDS) for v in problem.visits]
    if problem.links:
        result["links"] = [_write_object(link, _LINK_FIELDS) for link in problem.links]
    if params is not None:
        result["params"] = params_to_dict(params)
    return result


def params_from_dict(data: Mapping[str, Any]) -> SolveParams:
    """Build :class:`SolveParams` from the ``params`` section of a problem document.

    Raises
    ------
    InvalidInput
        When a field is unknown or has the wrong type, naming the field.
    """
    values = _read_object(data, "params", _PARAMS_FIELDS)
    return _build(SolveParams, "params", values)


def params_to_dict(params: SolveParams) -> dict[str, Any]:
    """Write the fields of ``params`` that differ from their default."""
    return _write_object(params, _PARAMS_FIELDS)


# --------------------------------------------------------------------------------------
# Solutions


def _route_totals(route: Route) -> dict[str, int]:
    return {
        "visits": len(route.stops),
        "travel_time": route.travel_time,
        "travel_distance": route.travel_distance,
        "service_time": route.service_time,
        "waiting_time": route.waiting_time,
        "break_time": route.break_time,
        "work_time": route.work_time,
        "late": sum(stop.late for stop in route.stops),
    }


def solution_totals(solution: Solution) -> dict[str, int]:
    """Sum the figures of every route of ``solution`` (seconds, metres, counts)."""
    return {
        "visits_planned": solution.assigned_count,
        "visits_unassigned": len(solution.unassigned),
        "caregivers_used": sum(1 for r in solution.routes if r.stops),
        "travel_time": solution.travel_time,
        "travel_distance": solution.travel_distance,
        "service_time": sum(r.service_time for r in solution.routes),
        "waiting_time": sum(r.waiting_time for r in solution.routes),
        "work_time": sum(r.work_time for r in solution.routes),
        "overtime": sum(r.overtime for r in solution.routes),
        "late": sum(s.late for r in solution.routes for s in r.stops),
    }


def solution_to_dict(
    solution: Solution, problem: ProblemData | None = None
) -> dict[str, Any]:
    """Write ``solution`` as a solution document.

    Every field of the routes is written, with derived ``totals`` per route and for
    the whole plan. When ``problem`` is given, its name and origin are added so that
    a reader can turn the times into clock times.
    """
    result: dict[str, Any] = {}
    if problem is not None:
        if problem.name:
            result["problem"] = problem.name
        if problem.origin is not None:
            result["origin"] = problem.origin
    result["status"] = solution.status
    result["objective"] = solution.objective
    result["solve_seconds"] = solution.solve_seconds
    result["totals"] = solution_totals(solution)
    routes = []
    for route in solution.routes:
        routes.append(
            {
                "caregiver": route.caregiver_id,
                "departure": route.departure,
                "return": route.arrival_home,
                "stops": [_write_all(stop, _STOP_FIELDS) for stop in route.stops],
                "breaks": [_write_all(b, _BREAK_TAKEN_FIELDS) for b in route.breaks],
                "return_travel_time": route.return_travel_time,
                "return_travel_distance": route.return_travel_distance,
                "overtime": route.overtime,
                "totals": _route_totals(route),
            }
        )
    result["routes"] = routes
    result["unassigned"] = [
        _write_all(u, _UNASSIGNED_FIELDS) for u in solution.unassigned
    ]
    result["violations"] = list(solution.violations)
    return result


def _write_all(obj: Any, fields: Iterable[_Field]) -> dict[str, Any]:
    return {
        spec.key: _KINDS[spec.kind].write(getattr(obj, spec.attr)) for spec in fields
    }


_SOLUTION_KEYS = (
    "$schema",
    "problem",
    "origin",
    "status",
    "objective",
    "solve_seconds",
    "totals",
    "routes",
    "unassigned",
    "violations",
)


def solution_from_dict(data: Mapping[str, Any]) -> Solution:
    """Build a :class:`Solution` from a solution document.

    ``totals`` are derived from the routes and ignored on reading.

    Raises
    ------
    InvalidInput
        When a required field is missing or has the wrong type, naming the route,
        stop or unassigned entry.
    """
    item = "solution"
    if not isinstance(data, dict):
        raise InvalidInput(
            f"solution: the document must be a JSON object, got {_describe(data)}."
        )
    for key in data:
        if key not in _SOLUTION_KEYS:
            raise _fail(
                item,
                f"unknown field {key!r}. Known fields: {', '.join(_SOLUTION_KEYS)}.",
            )
    for key in ("status", "objective", "routes", "unassigned"):
        if key not in data:
            raise _fail(item, f"'{key}' is missing. Write the solution with this tool.")
    routes = []
    for number, raw in enumerate(_as_list(data["routes"], item, "routes"), start=1):
        label = f"route #{number}"
        if isinstance(raw, dict) and isinstance(raw.get("caregiver"), str):
            label = f"route of caregiver {raw['caregiver']!r}"
        values = _read_object(
            raw, label, _ROUTE_FIELDS, extra=("stops", "breaks", "totals")
        )
        stops = tuple(
            Stop(**_read_object(s, f"{label} stop #{i}", _STOP_FIELDS))
            for i, s in enumerate(_as_list(raw.get("stops", []), label, "stops"), 1)
        )
        breaks = tuple(
            BreakTaken(**_read_object(b, f"{label} break #{i}", _BREAK_TAKEN_FIELDS))
            for i, b in enumerate(_as_list(raw.get("breaks", []), label, "breaks"), 1)
        )
        routes.append(Route(stops=stops, breaks=breaks, **values))
    unassigned = tuple(
        Unassigned(**_read_object(u, f"unassigned #{i}", _UNASSIGNED_FIELDS))
        for i, u in enumerate(_as_list(data["unassigned"], item, "unassigned"), 1)
    )
    violations = tuple(
        _read_text(v, item, "violations")
        for v in _as_list(data.get("violations", []), item, "violations")
    )
    return Solution(
        routes=tuple(routes),
        unassigned=unassigned,
        status=_read_text(data["status"], item, "status"),
        objective=_read_int(data["objective"], item, "objective"),
        solve_seconds=float(
            _read_number(data.get("solve_seconds", 0.0), item, "solve_seconds")
        ),
        violations=violations,
    )


def _as_list(value: Any, item: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(item, f"'{key}' must be a list, got {_describe(value)}.")
    return value


# --------------------------------------------------------------------------------------
# Files


def read_json_file(path: str | Path) -> Any:
    """Parse the JSON file at ``path``.

    Raises
    ------
    InvalidInput
        When the file is missing, unreadable or not valid JSON; the message gives
        the path and, for a syntax error, the line and column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: file not found. Check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read the file ({error}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{path}: invalid JSON at line {error.lineno}, column {error.colno} "
            f"({error.msg}). Fix the syntax."
        ) from None


def load_problem(path: str | Path) -> ProblemData:
    """Read a problem document from ``path`` (see :func:`problem_from_dict`)."""
    data = read_json_file(path)
    _logger.debug("Read problem document %s", path)
    return problem_from_dict(data)


def load_params(path: str | Path) -> SolveParams | None:
    """Read the ``params`` section of the problem document at ``path``, if any."""
    data = read_json_file(path)
    if not isinstance(data, dict) or data.get("params") is None:
        return None
    return params_from_dict(data["params"])


def dump_problem(
    problem: ProblemData, path: str | Path, params: SolveParams | None = None
) -> None:
    """Write ``problem`` (and ``params`` if given) to ``path`` as indented JSON."""
    text = json.dumps(problem_to_dict(problem, params), indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_solution(path: str | Path) -> Solution:
    """Read a solution document from ``path`` (see :func:`solution_from_dict`)."""
    return solution_from_dict(read_json_file(path))


def dump_solution(
    solution: Solution, path: str | Path, problem: ProblemData | None = None
) -> None:
    """Write ``solution`` to ``path`` as JSON (see :func:`solution_to_dict`)."""
    text = json.dumps(solution_to_dict(solution, problem), indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
