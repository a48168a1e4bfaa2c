from . import homehealth_route_sheet
