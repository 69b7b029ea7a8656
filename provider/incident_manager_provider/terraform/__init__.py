"""The OpenTofu/Terraform provider ``incident-manager/incidentmanager``: the same resources, from HCL.

An adapter, not a second implementation (like :mod:`..plugin`): the ``tf`` package speaks the plugin protocol, and

- :mod:`.schema`: the attribute schema, derived from the declarations every front shares;
- :mod:`.provider`: resources, data sources and the provider block over the core's own methods;
- :mod:`.mirror`: a local provider mirror and the CLI configuration that makes ``tofu init`` find it offline.

``terraform-provider-incidentmanager`` (a console script of this distribution) is what ``tofu`` starts.
"""

from __future__ import annotations

import os
import sys

MAGIC_COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
"""What OpenTofu and Terraform set for the providers they start (go-plugin's handshake)."""

USAGE = """usage: terraform-provider-incidentmanager

The OpenTofu/Terraform provider incident-manager/incidentmanager. OpenTofu or Terraform starts it; a configuration
names it in required_providers (source = "incident-manager/incidentmanager"), and `tofu init` installs it from the
local mirror that scripts/tofu-provider-mirror (or `python -m incident_manager_provider.terraform.mirror`) writes.
See docs/opentofu.md.
"""


def main() -> None:
    """Serve the provider to the ``tofu`` (or ``terraform``) that started it."""
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(USAGE, end="")
        return
    if os.environ.get(MAGIC_COOKIE[0]) != MAGIC_COOKIE[1]:
        sys.exit("This is the incident-manager/incidentmanager provider: OpenTofu or Terraform starts it, not you "
                 "(see --help).")
    import tf.provider
    import tf.runner

    from .provider import IncidentManagerProvider, Servicer

    tf.provider.ProviderServicer = Servicer  # run_provider serves tf.provider.ProviderServicer: plan through the core
    tf.runner.run_provider(IncidentManagerProvider(), sys.argv)
