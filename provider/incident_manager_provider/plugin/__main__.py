"""``python -m incident_manager_provider.plugin <engine address>``."""

from . import main

main()
