"""Two Engagements of one program that would be one engagement: refused before anything pages.

Resources with the same explicit ``idempotency_token``, or with the same contact, message and ``run`` (so the
same minted token), would both record one ARN, and removing either would stop the other's engagement. Values are
compared in the canonical form the token is minted from (``incident_manager_provider.tokens.canonical``: ``run=2``
and ``run="2"`` are one run), as digests kept in memory for this program run; the error names both resources,
never a value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi

from incident_manager_provider.tokens import IDENTITY_FIELDS, NotCanonical, canonical, canonical_identity

from ._provider import once_per_run


def shared_engagement_sentence(first: str, second: str, *, explicit: bool) -> str:
    """The sentence for two engagements that would share one, with the fix that works for their kind of token."""
    if explicit:
        what, fix = "the same idempotency_token", "give one of them a different idempotency_token"
    else:
        what = "the same contact, message and run (so the same minted token)"
        fix = "give one of them a different run (or its own idempotency_token)"
    return (
        f"Engagements {first!r} and {second!r} have {what}, so they would share one engagement and destroying "
        f"either would stop the other's: {fix}."
    )


def refuse_shared_engagements(resource_name: str, props: dict[str, Any]) -> None:
    """Fail the program if another Engagement of this run has ``props``' token or identity."""
    seen: dict[str, str] = once_per_run("engagement-identities", dict)
    values = [props.get("idempotency_token"), *(props.get(name) for name in IDENTITY_FIELDS)]

    def register(resolved: list[Any]) -> None:
        token, *fields = resolved
        try:
            explicit = canonical("idempotency_token", token)
            document = json.dumps(canonical_identity(dict(zip(IDENTITY_FIELDS, fields, strict=True))),
                                  sort_keys=True, ensure_ascii=False)
        except NotCanonical:
            return  # the provider's check refuses the value with its own sentence
        if explicit is not None:
            identity = f"token:{explicit}"
        else:
            identity = "fields:" + hashlib.sha256(document.encode(errors="surrogatepass")).hexdigest()
        other = seen.setdefault(identity, resource_name)
        if other != resource_name:
            raise pulumi.RunError(shared_engagement_sentence(other, resource_name, explicit=explicit is not None))

    pulumi.Output.all(*values).apply(register)
