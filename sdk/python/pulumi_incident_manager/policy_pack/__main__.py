"""The incident-manager policy pack. It only assembles the policies of ``pulumi_incident_manager.policies``.

``pulumi preview --policy-pack <this directory>`` runs it; ``python -m pulumi_incident_manager.policy_pack --path``
prints this directory.
"""

import sys

from pulumi_policy import EnforcementLevel, PolicyPack

from pulumi_incident_manager.policies import POLICIES, POLICY_PACK_NAME, STACK_POLICIES, policy_pack_path

if sys.argv[1:] == ["--path"]:
    print(policy_pack_path())
else:
    PolicyPack(
        name=POLICY_PACK_NAME, policies=[*POLICIES, *STACK_POLICIES], enforcement_level=EnforcementLevel.MANDATORY
    )
