from . import route_sheet
