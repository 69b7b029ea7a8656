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
import math
from collections.abc import Mapping
from typing import Any

from .schema import ENGAGEMENT, unset

IDENTITY_FIELDS = ENGAGEMENT.identity
"""What the token stands for: who is engaged, with what message, and ``run`` (which pages an unchanged drill
again). A change to one of them is a new engagement."""

TOKEN_PREFIX = "pulumi-im-"


LABEL_FIELDS = ("run",)
"""Identity fields that are labels, never sent to AWS: a number is its decimal text, surrounding spaces do not
count (YAML's ``run: 2`` arrives as the float 2.0, and ``run=2``, ``run=2.0`` and ``run="2"`` are one run)."""


class NotCanonical(ValueError):
    """An identity input with no canonical form; ``str()`` is the sentence for the user."""

    def __init__(self, name: str, sentence: str) -> None:
        super().__init__(sentence)
        self.name = name
        """The input it is about."""


def canonical(name: str, value: Any) -> str | None:
    """The one form of identity input ``name`` that the token, and every duplicate check, is computed from.

    None and "" are unset (StartEngagement is sent neither). Text sent to AWS is kept exactly as written,
    whitespace and case included: AWS sends it as written, so " x" and "x" are two different messages (and two
    tokens). A label (:data:`LABEL_FIELDS`) is stripped, and a finite number is its shortest decimal text
    (2, 2.0 and "2" are "2"). Anything else raises :class:`NotCanonical`.
    """
    if name in LABEL_FIELDS:
        if isinstance(value, bool):
            raise NotCanonical(name, f'{name} must be text or a number, not the boolean {value}: quote it ("{value}")')
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise NotCanonical(name, f"{name} must be text or a finite number, not {value}: quote it")
            value = str(int(value)) if value.is_integer() else repr(value)
        elif isinstance(value, str):
            value = value.strip()
    if unset(value):
        return None
    if not isinstance(value, str):
        kind = "a boolean" if isinstance(value, bool) else type(value).__name__
        raise NotCanonical(name, f"{name} must be text, not {kind}: quote it")
    return value


def canonical_identity(fields: Mapping[str, Any]) -> dict[str, str]:
    """The set :data:`IDENTITY_FIELDS` of ``fields`` in :func:`canonical` form (unset ones left out)."""
    found = {name: canonical(name, fields.get(name)) for name in IDENTITY_FIELDS}
    return {name: value for name, value in found.items() if value is not None}


def _comparable(name: str, value: Any) -> Any:
    # A value with no canonical form is compared as written; check reports it before anything is sent.
    try:
        return canonical(name, value)
    except NotCanonical:
        return value


def changed_identity_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The :data:`IDENTITY_FIELDS` whose canonical values differ (names only: several are secrets)."""
    return [
        name for name in IDENTITY_FIELDS if _comparable(name, olds.get(name)) != _comparable(name, news.get(name))
    ]


def mint_idempotency_token(key: str, fields: Mapping[str, Any]) -> str:
    """The token for an engagement with these :data:`IDENTITY_FIELDS` (:func:`canonical`), under the stack's token
    ``key``; raises :class:`NotCanonical` for a value with no canonical form.

    ``pulumi-im-`` and an HMAC-SHA256 in hex (74 characters, within StartEngagement's token pattern).
    """
    document = json.dumps(
        canonical_identity(fields),
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
