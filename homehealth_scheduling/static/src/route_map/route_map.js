import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadCSS, loadJS } from "@web/core/assets";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const { DateTime } = luxon;

const LEAFLET_PATH = "/homehealth_scheduling/static/lib/leaflet";
// Shown when the day has no located point at all (zoom 2 shows the world).
const EMPTY_MAP_CENTER = [20, 0];
const EMPTY_MAP_ZOOM = 2;

/**
 * Build a tooltip element from text lines. Leaflet inserts string tooltips as
 * HTML, so names from the database go in as text nodes instead.
 */
function tooltipElement(lines) {
    const element = document.createElement("div");
    for (const line of lines.filter(Boolean)) {
        const row = document.createElement("div");
        row.textContent = line;
        element.appendChild(row);
    }
    return element;
}

/**
 * Client action showing each caregiver's day on a Leaflet map: numbered stops
 * joined by a line in the caregiver's colour from home and back, unassigned
 * visits in grey, and the patients whose location needs review.
 */
export class HomehealthRouteMap extends Component {
    static template = "homehealth_scheduling.RouteMap";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.mapRef = useRef("map");
        const context = this.props.action.context || {};
        // The URL's query string (?date=YYYY-MM-DD) reaches a server action as
        // context.params, and a client action registered by tag as action.params.
        const urlParams = context.params || this.props.action.params || {};
        this.state = useState({
            date: urlParams.date || context.default_date || DateTime.local().toISODate(),
            caregiverIds: context.default_caregiver_ids || [],
            data: null,
            loading: true,
        });
        this.map = null;
        this.tileLayer = null;
        this.tileUrl = null;
        this.overlay = null;

        onWillStart(async () => {
            await Promise.all([
                loadJS(`${LEAFLET_PATH}/leaflet.js`),
                loadCSS(`${LEAFLET_PATH}/leaflet.css`),
            ]);
            await this.loadData();
        });
        onMounted(() => {
            // A map without a view defers adding layers, and a line's SVG path
            // exists only once added, so set a view before drawing.
            this.map = window.L.map(this.mapRef.el, { zoomControl: true }).setView(
                EMPTY_MAP_CENTER,
                EMPTY_MAP_ZOOM
            );
            this.overlay = window.L.featureGroup().addTo(this.map);
            this.drawMap();
        });
        onWillUnmount(() => {
            if (this.map) {
                this.map.remove();
                this.map = null;
            }
        });
    }

    async loadData() {
        this.state.loading = true;
        const data = await this.orm.call("homehealth.visit", "get_route_map_data", [
            this.state.date,
            this.state.caregiverIds,
        ]);
        this.state.data = data;
        this.state.loading = false;
    }

    async reload() {
        await this.loadData();
        this.drawMap();
    }

    // ------------------------------------------------------------------
    // Filters
    // ------------------------------------------------------------------

    async onDateChange(ev) {
        if (!ev.target.value) {
            return;
        }
        this.state.date = ev.target.value;
        await this.reload();
    }

    async shiftDate(days) {
        const date = days
            ? DateTime.fromISO(this.state.date).plus({ days })
            : DateTime.local();
        this.state.date = date.toISODate();
        await this.reload();
    }

    isCaregiverSelected(caregiverId) {
        return this.state.caregiverIds.includes(caregiverId);
    }

    async toggleCaregiver(caregiverId) {
        const selected = new Set(this.state.caregiverIds);
        if (selected.has(caregiverId)) {
            selected.delete(caregiverId);
        } else {
            selected.add(caregiverId);
        }
        this.state.caregiverIds = [...selected];
        await this.reload();
    }

    async showOnlyCaregiver(caregiverId) {
        this.state.caregiverIds = [caregiverId];
        await this.reload();
    }

    async showAllCaregivers() {
        this.state.caregiverIds = [];
        await this.reload();
    }

    // ------------------------------------------------------------------
    // Actions
    // ------------------------------------------------------------------

    openVisit(visitId) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "homehealth.visit",
            res_id: visitId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openPatient(patientId) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: patientId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async printRouteSheets() {
        const action = await this.orm.call("homehealth.visit", "action_print_route_sheets", [
            this.state.date,
            this.state.caregiverIds,
        ]);
        await this.actionService.doAction(action);
    }

    async publishDay() {
        const action = await this.orm.call("homehealth.visit", "action_publish_day", [
            this.state.date,
            this.state.caregiverIds,
        ]);
        // Show the result here instead of running the action, whose follow-up
        // reload would remount the map.
        const { title, message, type, sticky } = action.params;
        this.notification.add(message, { title, type, sticky });
        await this.reload();
    }

    focusRoute(route) {
        const points = route.path.length ? route.path : [];
        if (this.map && points.length) {
            this.map.fitBounds(window.L.latLngBounds(points), { padding: [40, 40] });
        }
    }

    /**
     * Ask before storing a dragged patient pin. The pin goes back when the
     * scheduler cancels. The map reloads once the server has stored or rejected
     * the position.
     */
    confirmPinMove(marker, patientId, patientName, originalPoint) {
        const position = marker.getLatLng();
        const latitude = Math.round(position.lat * 1e7) / 1e7;
        const longitude = Math.round(position.lng * 1e7) / 1e7;
        this.dialog.add(ConfirmationDialog, {
            title: _t("Move patient location"),
            body: _t(
                "Set the location of %(patient)s to %(latitude)s, %(longitude)s? It becomes a manual location.",
                { patient: patientName, latitude, longitude }
            ),
            confirmLabel: _t("Move"),
            confirm: async () => {
                try {
                    await this.orm.call("homehealth.visit", "route_map_move_patient", [
                        patientId,
                        latitude,
                        longitude,
                    ]);
                } finally {
                    await this.reload();
                }
            },
            cancel: () => marker.setLatLng(originalPoint),
        });
    }

    // ------------------------------------------------------------------
    // Drawing
    // ------------------------------------------------------------------

    makeIcon(className, label, color) {
        const element = document.createElement("span");
        element.className = "o_hh_map_marker_label";
        element.textContent = label;
        element.style.backgroundColor = color;
        return window.L.divIcon({
            className: `o_hh_map_marker ${className}`,
            html: element,
            iconSize: [26, 26],
            iconAnchor: [13, 13],
            tooltipAnchor: [13, 0],
        });
    }

    addPatientMarker(point, icon, tooltipLines, entry, onClick) {
        const L = window.L;
        const canDrag = Boolean(this.state.data.is_scheduler);
        const marker = L.marker(point, { icon, draggable: canDrag, autoPan: true });
        marker.bindTooltip(tooltipElement(tooltipLines), { direction: "top" });
        marker.on("click", onClick);
        if (canDrag) {
            marker.on("dragend", () =>
                this.confirmPinMove(marker, entry.patient_id, entry.patient_name, point)
            );
        }
        marker.addTo(this.overlay);
        return marker;
    }

    updateTiles(data) {
        const L = window.L;
        if (this.tileUrl === data.tile_url) {
            return;
        }
        if (this.tileLayer) {
            this.tileLayer.remove();
            this.tileLayer = null;
        }
        this.tileUrl = data.tile_url;
        if (data.tile_url) {
            this.tileLayer = L.tileLayer(data.tile_url, {
                attribution: data.tile_attribution,
                maxZoom: 19,
            }).addTo(this.map);
        }
    }

    drawMap() {
        const data = this.state.data;
        if (!this.map || !data) {
            return;
        }
        const L = window.L;
        this.updateTiles(data);
        this.overlay.clearLayers();
        const bounds = [];

        for (const route of data.routes) {
            if (route.path.length >= 2) {
                const line = L.polyline(route.path, {
                    color: route.color,
                    weight: 4,
                    opacity: 0.85,
                    className: "o_hh_route_line",
                }).addTo(this.overlay);
                line.bindTooltip(tooltipElement([route.caregiver_name]), { sticky: true });
                line.getElement()?.setAttribute("data-caregiver-id", route.caregiver_id);
            }
            if (route.home) {
                L.marker(route.home, {
                    icon: this.makeIcon("o_hh_map_home", "⌂", route.color),
                    keyboard: false,
                })
                    .bindTooltip(
                        tooltipElement([_t("Home of %s", route.caregiver_name)]),
                        { direction: "top" }
                    )
                    .addTo(this.overlay);
                bounds.push(route.home);
            }
            for (const stop of route.stops) {
                if (!stop.point) {
                    continue;
                }
                this.addPatientMarker(
                    stop.point,
                    this.makeIcon("o_hh_map_stop", String(stop.sequence), route.color),
                    [
                        `${stop.sequence}. ${stop.patient_name}`,
                        `${stop.start}-${stop.end} ${stop.visit_type}`,
                        `${stop.visit_name} (${route.caregiver_name})`,
                    ],
                    stop,
                    () => this.openVisit(stop.visit_id)
                );
                bounds.push(stop.point);
            }
        }
        for (const visit of data.unassigned) {
            if (!visit.point) {
                continue;
            }
            this.addPatientMarker(
                visit.point,
                this.makeIcon("o_hh_map_unassigned", "?", data.unassigned_color),
                [
                    visit.patient_name,
                    `${visit.when} ${visit.discipline}`,
                    `${visit.visit_name} (${_t("unassigned")})`,
                ],
                visit,
                () => this.openVisit(visit.visit_id)
            );
            bounds.push(visit.point);
        }

        if (bounds.length) {
            this.map.fitBounds(L.latLngBounds(bounds), { padding: [40, 40], maxZoom: 16 });
        } else {
            this.map.setView(EMPTY_MAP_CENTER, EMPTY_MAP_ZOOM);
        }
        this.map.invalidateSize();
    }

    routeSummary(route) {
        const values = {
            count: route.stops.length,
            minutes: route.travel_minutes,
            km: route.travel_km,
        };
        return route.stops.length === 1
            ? _t("1 visit, %(minutes)s min / %(km)s km travel", values)
            : _t("%(count)s visits, %(minutes)s min / %(km)s km travel", values);
    }

    get routeCount() {
        return this.state.data ? this.state.data.routes.length : 0;
    }
}

registry.category("actions").add("homehealth_route_map", HomehealthRouteMap);
