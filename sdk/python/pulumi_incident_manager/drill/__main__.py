"""``python -m pulumi_incident_manager.drill ARN... [--json] [--junit FILE] [--exit-zero]``: what engagements
paged, who acknowledged, how fast, and whether each drill passed (exit 1 when one failed)."""

import sys

from pulumi_incident_manager.drill import main

sys.exit(main())
