"""The incident-manager policy pack. It only assembles the policies of ``pulumi_incident_manager.policies``.

``pulumi preview --policy-pack <this directory>`` runs it; ``python -m pulumi_incident_manager.policy_pack --path``
prints this directory and ``--help`` says so.
"""

import argparse
import sys

from pulumi_policy import EnforcementLevel

from pulumi_incident_manager.policies import PACK_POLICIES, POLICY_PACK_NAME, checked_policy_pack, policy_pack_path

parser = argparse.ArgumentParser(
    prog="python -m pulumi_incident_manager.policy_pack",
    description="The incident-manager policy pack (pulumi-policy). Pass its folder to the Pulumi CLI: "
    'pulumi preview --policy-pack "$(python -m pulumi_incident_manager.policy_pack --path)".',
    epilog="Started by the Pulumi engine (with the engine's own arguments), it serves the policies over gRPC.",
)
parser.add_argument("--path", action="store_true", help="print the folder to pass to --policy-pack, and exit")
# The engine starts this file as `python -m pulumi.policy <engine address> [flags] <folder>`, so only our own
# flags are parsed here: anything else is the engine's and means "serve".
arguments = sys.argv[1:]
if arguments == ["--path"] or {"-h", "--help"} & set(arguments):
    parser.parse_args(arguments)  # --help prints the usage and exits 0
    print(policy_pack_path())
else:
    checked_policy_pack(POLICY_PACK_NAME, list(PACK_POLICIES), EnforcementLevel.MANDATORY)
