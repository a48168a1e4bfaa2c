"""Text and HTML reports of a solution: route tables, totals and a map.

Engine values are seconds and metres. Benchmark instances use their own units scaled
to integers; pass the instance's ``scale`` to show those values in the file's units
instead.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

from .domain import InvalidInput, Location, ProblemData, Route, Solution, Visit
from .jsonio import solution_totals

__all__ = [
    "format_clock",
    "format_date",
    "format_hours",
    "format_report",
    "format_routes",
    "format_totals",
    "format_unassigned",
    "write_map",
]

#: Leaflet 1.9.4 from the unpkg CDN, loaded by the browser that opens the map.
LEAFLET_CSS = "https://unpkg.com/leaflet@1.9.4/dist/leaflet.css"
LEAFLET_JS = "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"
_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip


def format_hours(seconds: int) -> str:
    """Format a length of time as ``H:MM``, for example ``1:05``."""
    sign = "-" if seconds < 0 else ""
    minutes = round(abs(seconds) / 60)
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def format_date(origin: str) -> str:
    """Format the day of an ISO 8601 instant, for example ``Monday 7 December 2026``."""
    day = dt.datetime.fromisoformat(origin)
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_clock(
    seconds: int, origin: str | None = None, scale: int | None = None
) -> str:
    """Format an engine time for display.

    Parameters
    ----------
    seconds
        Engine time: seconds from ``origin``, or file units times ``scale``.
    origin
        ISO 8601 instant of time 0. With it the result is the local clock time
        ``HH:MM`` at the origin's UTC offset, followed by ``+1d`` on the next day.
    scale
        Engine units per file unit. With it the result is the time in file units.
    """
    if scale is not None:
        return _format_number(seconds / scale)
    if origin is not None:
        start = dt.datetime.fromisoformat(origin)
        moment = start + dt.timedelta(seconds=seconds)
        days = (moment.date() - start.date()).days
        text = moment.strftime("%H:%M")
        if days != 0:
            text += f"{days:+d}d"
        return text
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _format_number(value: float) -> str:
    return f"{value:.1f}" if value != int(value) else f"{int(value)}"


def _format_length(seconds: int, scale: int | None) -> str:
    return format_hours(seconds) if scale is None else _format_number(seconds / scale)


def _format_distance(metres: int, scale: int | None) -> str:
    if scale is None:
        return f"{metres / 1000:.1f} km"
    return _format_number(metres / scale)


def _format_place(visit: Visit) -> str:
    place = visit.location
    if isinstance(place, Location):
        return f"{place.lat:.5f},{place.lon:.5f}"
    return f"node {place}"


def _route_lines(problem: ProblemData, route: Route, scale: int | None) -> list[str]:
    visits = {v.id: v for v in problem.visits}
    caregiver = next(
        (c for c in problem.caregivers if c.id == route.caregiver_id), None
    )

    def clock(t: int) -> str:
        return format_clock(t, problem.origin, scale)

    header = (
        f"{route.caregiver_id}  {clock(route.departure)}-{clock(route.arrival_home)}  "
        f"{len(route.stops)} visits  travel {_format_length(route.travel_time, scale)}"
        f" ({_format_distance(route.travel_distance, scale)})  "
        f"waiting {_format_length(route.waiting_time, scale)}"
    )
    if route.overtime:
        header += f"  overtime {_format_length(route.overtime, scale)}"
    if caregiver is not None and caregiver.skills:
        header += f"  [{' '.join(sorted(caregiver.skills))}]"
    lines = [header]
    late_column = any(stop.late for stop in route.stops)
    columns = f"  {'start':>7} {'end':>7}  {'visit':<8} {'patient':<44} {'place':<20}"
    columns += f" {'travel':>7} {'wait':>6}" + (f" {'late':>6}" if late_column else "")
    lines.append(columns)
    rows: list[tuple[int, str]] = []
    for stop in route.stops:
        visit = visits.get(stop.visit_id)
        patient = visit.patient if visit is not None else ""
        place = _format_place(visit) if visit is not None else ""
        if len(patient) > 44:
            patient = patient[:41] + "..."
        row = (
            f"  {clock(stop.start):>7} {clock(stop.end):>7}  {stop.visit_id:<8} "
            f"{patient:<44} {place:<20} {_format_length(stop.travel_time, scale):>7} "
            f"{_format_length(stop.waiting, scale):>6}"
        )
        if late_column:
            row += f" {_format_length(stop.late, scale):>6}"
        rows.append((stop.start, row))
    for break_taken in route.breaks:
        start, end = clock(break_taken.start), clock(break_taken.end)
        rows.append((break_taken.start, f"  {start:>7} {end:>7}  {break_taken.id}"))
    lines.extend(row for _, row in sorted(rows, key=lambda pair: pair[0]))
    lines.append(
        f"  {'':>7} {clock(route.arrival_home):>7}  return "
        f"(travel {_format_length(route.return_travel_time, scale)})"
    )
    return lines


def format_routes(
    problem: ProblemData, solution: Solution, scale: int | None = None
) -> str:
    """Format one table per route: times, visit, patient, place, travel and waiting.

    Times are local clock times when the problem has an ``origin`` (see
    :func:`format_clock`); with ``scale`` every figure is in the file's units.
    """
    blocks = ["\n".join(_route_lines(problem, r, scale)) for r in solution.routes]
    return "\n\n".join(blocks)


def format_unassigned(problem: ProblemData, solution: Solution) -> str:
    """Format the unassigned visits, one line each with the reason and its detail."""
    if not solution.unassigned:
        return "Unassigned visits: none"
    visits = {v.id: v for v in problem.visits}
    lines = [f"Unassigned visits: {len(solution.unassigned)}"]
    for item in solution.unassigned:
        visit = visits.get(item.visit_id)
        patient = f" {visit.patient}" if visit is not None and visit.patient else ""
        detail = f" ({item.detail})" if item.detail else ""
        lines.append(f"  {item.visit_id}{patient}: {item.reason.value}{detail}")
    return "\n".join(lines)


def format_totals(
    problem: ProblemData, solution: Solution, scale: int | None = None
) -> str:
    """Format the plan's totals: visits, caregivers, travel, waiting and objective."""
    totals = solution_totals(solution)
    lines = [
        f"Status: {solution.status} in {solution.solve_seconds:.1f} s",
        f"Visits planned: {totals['visits_planned']} of {len(problem.visits)}"
        f" ({totals['visits_unassigned']} unassigned)",
        f"Caregivers used: {totals['caregivers_used']} of {len(problem.caregivers)}",
        f"Travel time: {_format_length(totals['travel_time'], scale)}",
        f"Travel distance: {_format_distance(totals['travel_distance'], scale)}",
        f"Service time: {_format_length(totals['service_time'], scale)}, waiting: "
        f"{_format_length(totals['waiting_time'], scale)}, overtime: "
        f"{_format_length(totals['overtime'], scale)}, late: "
        f"{_format_length(totals['late'], scale)}",
        f"Objective: {solution.objective}",
    ]
    if solution.violations:
        lines.append(f"Hard rules broken: {len(solution.violations)}")
        lines.extend(f"  {violation}" for violation in solution.violations)
    return "\n".join(lines)


def format_report(
    problem: ProblemData, solution: Solution, scale: int | None = None
) -> str:
    """Format routes, unassigned visits and totals as one text."""
    parts = [
        format_routes(problem, solution, scale),
        format_unassigned(problem, solution),
        format_totals(problem, solution, scale),
    ]
    return "\n\n".join(part for part in parts if part)


# --------------------------------------------------------------------------------------
# Map


def _map_data(problem: ProblemData, solution: Solution) -> dict[str, Any]:
    visits = {v.id: v for v in problem.visits}
    caregivers = {c.id: c for c in problem.caregivers}

    def point(place: object, owner: str) -> list[float]:
        if not isinstance(place, Location):
            raise InvalidInput(
                f"{owner} has no coordinates. The map needs [latitude, longitude] "
                "places, not matrix indices."
            )
        return [place.lat, place.lon]

    routes = []
    for number, route in enumerate(solution.routes):
        caregiver = caregivers[route.caregiver_id]
        home = point(caregiver.start, f"caregiver {caregiver.id!r}")
        end = point(caregiver.end_place, f"caregiver {caregiver.id!r}")
        stops = []
        for stop in route.stops:
            visit = visits[stop.visit_id]
            stops.append(
                {
                    "visit": visit.id,
                    "patient": visit.patient,
                    "start": format_clock(stop.start, problem.origin),
                    "end": format_clock(stop.end, problem.origin),
                    "point": point(visit.location, f"visit {visit.id!r}"),
                }
            )
        routes.append(
            {
                "caregiver": route.caregiver_id,
                "colour": _COLOURS[number % len(_COLOURS)],
                "home": home,
                "path": [home] + [s["point"] for s in stops] + [end],
                "stops": stops,
            }
        )
    unassigned = [
        {
            "visit": item.visit_id,
            "patient": visits[item.visit_id].patient,
            "reason": item.reason.value,
            "point": point(visits[item.visit_id].location, f"visit {item.visit_id!r}"),
        }
        for item in solution.unassigned
        if item.visit_id in visits
    ]
    return {"name": problem.name, "routes": routes, "unassigned": unassigned}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<script src="{js}"></script>
<style>
html, body {{ height: 100%; margin: 0; font-family: sans-serif; }}
#map {{ height: 100%; }}
</style>
</head>
<body>
<div id="map"></div>
<script type="application/json" id="plan">{data}</script>
<script>
const plan = JSON.parse(document.getElementById("plan").textContent);
const map = L.map("map");
L.tileLayer("https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", {{
  maxZoom: 19,
  attribution: "&copy; OpenStreetMap contributors",
}}).addTo(map);
const bounds = [];
for (const route of plan.routes) {{
  L.polyline(route.path, {{color: route.colour, weight: 3}})
    .bindTooltip(route.caregiver).addTo(map);
  L.circleMarker(route.home, {{radius: 7, color: route.colour, fillOpacity: 1}})
    .bindPopup(route.caregiver + " start").addTo(map);
  route.stops.forEach((stop, index) => {{
    L.circleMarker(stop.point, {{radius: 5, color: route.colour}})
      .bindPopup(`${{route.caregiver}} #${{index + 1}} ${{stop.start}}-${{stop.end}}` +
                 `<br>${{stop.visit}} ${{stop.patient}}`)
      .addTo(map);
  }});
  bounds.push(...route.path);
}}
for (const item of plan.unassigned) {{
  L.circleMarker(item.point, {{radius: 6, color: "#000", dashArray: "2"}})
    .bindPopup(`${{item.visit}} ${{item.patient}}<br>unassigned: ${{item.reason}}`)
    .addTo(map);
  bounds.push(item.point);
}}
if (bounds.length) {{ map.fitBounds(bounds); }} else {{ map.setView([0, 0], 2); }}
</script>
</body>
</html>
"""


def write_map(problem: ProblemData, solution: Solution, path: str | Path) -> None:
    """Write an HTML page that draws every route on a Leaflet map.

    The plan is embedded as JSON in a ``<script type="application/json" id="plan">``
    element. The browser loads Leaflet and the OpenStreetMap tiles from the
    internet when the page is opened; writing the file needs no network.

    Raises
    ------
    InvalidInput
        When the problem's places are matrix indices rather than coordinates.
    """
    data = json.dumps(_map_data(problem, solution))
    # A "</" inside the JSON would end the script element early.
    data = data.replace("</", "<\\/")
    page = _PAGE.format(
        title=html.escape(problem.name or "Routes"),
        css=LEAFLET_CSS,
        js=LEAFLET_JS,
        data=data,
    )
    Path(path).write_text(page, encoding="utf-8")
