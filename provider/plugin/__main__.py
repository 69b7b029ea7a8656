"""Starts the incident-manager provider plugin: see incident_manager_provider.plugin."""

from incident_manager_provider.plugin import main

main()
