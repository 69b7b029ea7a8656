"""The provider plugin: the same resources, with a Pulumi schema, for YAML, TypeScript and every other language.

A resource provider served with ``pulumi.provider.experimental`` (``provider/plugin/__main__.py`` starts it). It is
an adapter, not a second implementation:

- :mod:`.schema`: the package schema, derived from the resources' and settings' declarations;
- :mod:`.values`: the engine's camelCase PropertyValues to and from the core's snake_case dicts;
- :mod:`.provider`: the engine-facing adapter over the dynamic providers' own methods;
- :mod:`.functions`: ``getEngagement`` and ``listPages``;
- :mod:`.server`: the gRPC server, reporting the package's errors as one sentence in the plugin's setting names.
"""

from __future__ import annotations

from .provider import CONCURRENCY, PROVIDERS, IncidentManagerProvider
from .schema import CONFIG, PACKAGE, RESOURCE_TYPES, VERSION, package_schema

RESOURCES = {token: (resource, PROVIDERS[resource]) for token, resource in RESOURCE_TYPES.items()}
"""Type token -> (the resource's declaration, its provider)."""

__all__ = ["CONCURRENCY", "CONFIG", "PACKAGE", "RESOURCES", "VERSION", "IncidentManagerProvider", "main",
           "package_schema"]


def main() -> None:
    """Serve the plugin (``python -m incident_manager_provider.plugin <engine address>``)."""
    import sys

    from .server import serve

    serve(sys.argv[1:], VERSION, IncidentManagerProvider)
