"""``python -m incident_manager_provider.terraform``: the provider itself (see --help)."""

from . import main

main()
