"""``python -m pulumi_incident_manager.drill [ARN...] [--within D --by C --channels T --receipt R | --stack NAME]
[--json] [--junit FILE] [--html FILE] [--svg FILE] [--include-message-text] [--exit-zero]``: what engagements paged,
who acknowledged, how fast, and each drill's verdict by the expectation's rules and words (exit 1 when one did not
pass); ``--html`` and ``--svg`` draw each drill's timeline.

``python -m pulumi_incident_manager.drill orphans --stack NAME [--cwd DIR] [--stop]``: the live engagements a
stack started that its state no longer holds (exit 1 when there are some, unless ``--stop`` stopped them all)."""

import sys

from pulumi_incident_manager.drill import main

sys.exit(main())
