"""Run the command line as ``python -m homehealth_routing``."""

import sys

from .cli import main

sys.exit(main())
