"""The idempotency token that makes ``pulumi up`` page people exactly once.

botocore invents a fresh token per call when none is given, so a re-run after a crash would page again. Here an
engagement's token is *minted* once, when check first sees it (or sees what it says change), and then kept:

- Minted deterministically: HMAC-SHA256, keyed by the stack's token key, over who is engaged, with what message,
  and ``run``. A re-run after a crash, with no record of the engagement in state, mints the same token, and
  StartEngagement answers with the engagement it already started.
- Keyed: the key is a random secret made once per stack (the ``TokenKey`` resource) and kept in state only
  encrypted, so a token in plain state reveals nothing about the message, whatever dictionary one tries.
- Kept: check reuses the previous token while the engagement says the same thing to the same contact, so renames
  (aliases), ``pulumi stack rename`` and project moves never change it and never page anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from .schema import ENGAGEMENT

IDENTITY_FIELDS = ENGAGEMENT.identity
"""What the token stands for: who is engaged, with what message, and ``run`` (which pages an unchanged drill
again). A change to one of them is a new engagement."""

TOKEN_PREFIX = "pulumi-im-"


def _present(value: Any) -> bool:
    # An unset input and an empty one page the same way (StartEngagement is sent neither).
    return value is not None and value != ""


def _given(value: Any) -> Any:
    return value if _present(value) else None


def changed_identity_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The :data:`IDENTITY_FIELDS` whose values differ (names only: several are secrets)."""
    return [name for name in IDENTITY_FIELDS if _given(olds.get(name)) != _given(news.get(name))]


def mint_idempotency_token(key: str, fields: Mapping[str, Any]) -> str:
    """The token for an engagement with these :data:`IDENTITY_FIELDS`, under the stack's token ``key``.

    ``pulumi-im-`` and an HMAC-SHA256 in hex (74 characters, within StartEngagement's token pattern).
    """
    document = json.dumps(
        {name: fields[name] for name in IDENTITY_FIELDS if _present(fields.get(name))},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return TOKEN_PREFIX + hmac.new(key.encode(), document.encode(), hashlib.sha256).hexdigest()


def next_run_token(key: str, token: str, stopped_arn: str) -> str:
    """The token of the run after ``token``'s engagement ``stopped_arn`` was stopped.

    A replacement of an unchanged engagement (``pulumi up --replace``) stops it, then starts it again: AWS would
    answer the old token with the stopped engagement. Deriving the next token from the stopped one keeps the new
    start as retry-safe as the first.
    """
    return TOKEN_PREFIX + hmac.new(key.encode(), f"{token}\n{stopped_arn}".encode(), hashlib.sha256).hexdigest()
