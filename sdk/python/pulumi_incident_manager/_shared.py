"""Two Engagements of one program that would be one engagement: refused before anything pages.

Resources with the same explicit ``idempotency_token``, or with the same contact, message and ``run`` (so the
same minted token), would both record one ARN, and removing either would stop the other's engagement. The
check compares digests kept in memory for this program run; the error names both resources, never a value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi

from incident_manager_provider.tokens import IDENTITY_FIELDS

from ._provider import once_per_run


def refuse_shared_engagements(resource_name: str, props: dict[str, Any]) -> None:
    """Fail the program if another Engagement of this run has ``props``' token or identity."""
    seen: dict[str, str] = once_per_run("engagement-identities", dict)
    values = [props.get("idempotency_token"), *(props.get(name) for name in IDENTITY_FIELDS)]

    def register(resolved: list[Any]) -> None:
        token, *fields = resolved
        if token:
            identity, what = f"token:{token}", "the same idempotency_token"
        else:
            document = json.dumps([value or None for value in fields], ensure_ascii=False)
            identity = "fields:" + hashlib.sha256(document.encode()).hexdigest()
            what = "the same contact, message and run (so the same minted token)"
        other = seen.setdefault(identity, resource_name)
        if other != resource_name:
            raise pulumi.RunError(
                f"Engagements {other!r} and {resource_name!r} have {what}, so they would share one engagement "
                f"and destroying either would stop the other's: give one of them a different run or "
                f"idempotency_token."
            )

    pulumi.Output.all(*values).apply(register)
