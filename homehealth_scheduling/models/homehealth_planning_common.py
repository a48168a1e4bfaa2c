"""Settings, time helpers and records shared by the planning input modules."""

import logging
from dataclasses import dataclass
from datetime import date, datetime

import pytz

try:
    import homehealth_routing as engine
except ImportError:  # the server must start even when the engine is missing
    engine = None

_logger = logging.getLogger(__name__)

PARAM_PREFIX = "homehealth_scheduling.planning_"
#: Settings (ir.config_parameter) read by the planner, with their defaults.
SETTING_DEFAULTS = {
    "lunch_minutes": 30,
    "lunch_earliest": 11.5,
    "lunch_latest_end": 13.5,
    "lunch_min_shift_hours": 6.0,
    "max_overtime_minutes": 0,
    "sync_max_seconds": 5.0,
    "sync_max_visits": 150,
    "default_time_limit": 10.0,
    "continuity_weight": 10,
    "first_solution": "auto",
    "metaheuristic": "auto",
}

#: Visits that a run may assign and write.
PLANNABLE_STATES = ("draft", "planned")
#: Visits that occupy a caregiver's time whatever the run decides.
OCCUPYING_STATES = ("planned", "in_progress", "done")
#: Days before the planned period in which done visits count towards continuity.
CONTINUITY_DAYS = 30


def get_setting(env, name):
    """Return the planning setting ``name``, converted to its default's type."""
    default = SETTING_DEFAULTS[name]
    raw = env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + name)
    if raw in (None, False, ""):
        return default
    try:
        return type(default)(raw)
    except ValueError:
        _logger.warning(
            "Invalid value %r for %s%s, using %r", raw, PARAM_PREFIX, name, default
        )
        return default


def require_engine():
    """Return the routing engine module, or raise when it is not installed."""
    if engine is None:
        raise ImportError(
            "The Python package homehealth_routing is not installed in the Python "
            "that runs Odoo. Install it with pip (see the addon's README)."
        )
    return engine


def to_utc_naive(value, tz):
    """Convert an aware datetime, or a naive one in ``tz``, to naive UTC."""
    if value.tzinfo is None:
        value = tz.localize(value)
    return value.astimezone(pytz.utc).replace(tzinfo=None)


def local_date(moment, tz):
    """Return the local date in ``tz`` of a naive UTC datetime."""
    return pytz.utc.localize(moment).astimezone(tz).date()


def format_local(moment, tz):
    """Format a naive UTC datetime as local "YYYY-MM-DD HH:MM" in ``tz``."""
    return pytz.utc.localize(moment).astimezone(tz).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class LeftOut:
    """A visit or caregiver left out of the problem, and how to fix it."""

    detail: str
    visit_id: int = 0
    employee_id: int = 0


@dataclass(frozen=True)
class CaregiverDay:
    """The employee and local day behind an engine caregiver."""

    employee_id: int
    day: date
    tz: str
    shift_start: datetime
    shift_end: datetime


def caregiver_day_key(employee_id, day):
    """Return the engine caregiver id of an employee on a local day."""
    return f"{employee_id}@{day.isoformat()}"
