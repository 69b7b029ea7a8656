"""The IdempotencyToken that makes ``pulumi up`` page people exactly once.

botocore invents a fresh token per call when none is given, so a re-run after a crash would page again.
The token derived here depends only on the stack's identity and what the engagement says, so every
machine and every run sends the same one, and StartEngagement answers with the engagement it already started.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

ENGAGEMENT_FIELDS = (
    "contact_id",
    "sender",
    "subject",
    "content",
    "public_subject",
    "public_content",
    "incident_id",
)
"""The inputs that say who is engaged and with what message: changing one starts a new engagement."""

TOKEN_PREFIX = "pulumi-im-"


def derive_idempotency_token(
    project: str,
    stack: str,
    name: str,
    fields: Mapping[str, str | None],
    run: str | None = None,
) -> str:
    """A token for the engagement ``name`` of ``project``/``stack`` with the given engagement ``fields``.

    Only :data:`ENGAGEMENT_FIELDS` count, and an unset or empty field counts as absent (StartEngagement is
    sent neither, so they page the same way). ``run`` lets a user start a new run of an unchanged drill. The
    result is ``pulumi-im-`` and a SHA-256 in hex (74 characters).
    """
    canonical = {
        "project": project,
        "stack": stack,
        "name": name,
        "run": run,
        **{key: fields.get(key) for key in ENGAGEMENT_FIELDS},
    }
    document = json.dumps(
        {key: value for key, value in canonical.items() if value is not None and value != ""},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return TOKEN_PREFIX + hashlib.sha256(document.encode("utf-8")).hexdigest()
