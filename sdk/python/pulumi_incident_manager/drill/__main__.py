"""``python -m pulumi_incident_manager.drill ARN... [--json] [--junit FILE] [--exit-zero]``: what engagements
paged, who acknowledged, how fast, and whether each drill passed (exit 1 when one failed).

``python -m pulumi_incident_manager.drill orphans --stack NAME [--cwd DIR] [--stop]``: the live engagements a
stack started that its state no longer holds (exit 1 when there are some, unless ``--stop`` stopped them all)."""

import sys

from pulumi_incident_manager.drill import main

sys.exit(main())
