"""``python -m pulumi_incident_manager.drill ARN... [--json] [--junit FILE]``: what engagements paged, who
acknowledged, how fast, and whether each drill passed."""

import sys

from pulumi_incident_manager.drill import main

sys.exit(main())
