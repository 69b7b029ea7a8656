"""Pytest fixtures that start the offline ssm-contacts endpoint (filled in by the emulator work)."""
