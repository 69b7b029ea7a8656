"""``python -m pulumi_incident_manager.drill ARN [--json]``: what an engagement paged, who acknowledged, how fast."""

import sys

from pulumi_incident_manager.drill import main

sys.exit(main())
