"""``python -m ssm_contacts_emulator``: the same as the ``ssm-contacts-emulator`` console script."""

from .cli import main

raise SystemExit(main())
