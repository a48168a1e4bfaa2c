import { registry } from "@web/core/registry";

/**
 * Count the route lines that Leaflet drew, and fail unless there are `expected`
 * of them, each for a different caregiver.
 */
function checkRouteLines(expected) {
    const lines = [...document.querySelectorAll(".o_hh_route_map_canvas path.o_hh_route_line")];
    if (lines.length !== expected) {
        throw new Error(`Expected ${expected} route lines on the map, found ${lines.length}.`);
    }
    const caregivers = new Set(lines.map((line) => line.getAttribute("data-caregiver-id")));
    if (caregivers.size !== expected) {
        throw new Error(`Expected ${expected} caregivers' lines, found ${caregivers.size}.`);
    }
    const colours = new Set(lines.map((line) => line.getAttribute("stroke")));
    if (colours.size !== expected) {
        throw new Error(`Expected ${expected} line colours, found ${colours.size}.`);
    }
}

registry.category("web_tour.tours").add("homehealth_route_map_tour", {
    url: "/odoo/action-homehealth_scheduling.homehealth_route_map_action?date=2026-03-11",
    steps: () => [
        {
            content: "Wait for the map and its route lines",
            trigger: ".o_hh_route_map[data-loaded='1'][data-route-count='2'] path.o_hh_route_line",
        },
        {
            content: "One line per caregiver route, each in its own colour",
            trigger: ".o_hh_route_map_canvas .leaflet-overlay-pane svg",
            run: () => checkRouteLines(2),
        },
        {
            content: "Five numbered stops and two grey unassigned visits",
            trigger: ".o_hh_route_map_canvas .o_hh_map_stop",
            run: () => {
                const stops = document.querySelectorAll(".o_hh_route_map_canvas .o_hh_map_stop");
                if (stops.length !== 5) {
                    throw new Error(`Expected 5 stop markers, found ${stops.length}.`);
                }
                const open = document.querySelectorAll(".o_hh_route_map_canvas .o_hh_map_unassigned");
                if (open.length !== 2) {
                    throw new Error(`Expected 2 unassigned markers, found ${open.length}.`);
                }
            },
        },
        {
            content: "The patient without coordinates is listed beside the map",
            trigger: ".o_hh_map_needs_geocode li:contains('Route Patient Unlocated')",
        },
        {
            content: "Show only the first caregiver's route",
            trigger: ".o_hh_map_routes .o_hh_map_only:first",
            run: "click",
        },
        {
            content: "One route left",
            trigger: ".o_hh_route_map[data-loaded='1'][data-route-count='1'] path.o_hh_route_line",
            run: () => checkRouteLines(1),
        },
        {
            content: "Show every caregiver again",
            trigger: ".o_hh_map_all",
            run: "click",
        },
        {
            content: "Both routes are back",
            trigger: ".o_hh_route_map[data-loaded='1'][data-route-count='2'] path.o_hh_route_line",
            run: () => checkRouteLines(2),
        },
        {
            content: "Open the first stop of a route",
            trigger: ".o_hh_route_map_canvas .o_hh_map_stop",
            run: "click",
        },
        {
            content: "The visit form opens",
            trigger: ".o_form_view .o_field_widget[name='patient_id']",
        },
    ],
});
