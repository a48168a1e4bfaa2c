from . import homehealth_visit_mark_missed
from . import homehealth_route_planner
from . import homehealth_callout_wizard
