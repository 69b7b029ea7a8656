"""NextToken and MaxResults: one page of a list operation's items, and the token of the next page.

Tokens are opaque to clients (base64 JSON) and of two kinds. A list in a stable order with a unique, unchanging
key (contacts by alias, channels and rotations by name) names the last item returned, so items deleted or added
between two calls neither make a page skip nor repeat one. A list that only grows (engagements, pages, receipts,
shifts) is paged by position.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from .exceptions import ValidationException

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100


def paginate(
    items: Sequence[T],
    next_token: str | None = None,
    max_results: int | None = None,
    key: Callable[[T], str] | None = None,
) -> tuple[list[T], str | None]:
    """One page of ``items`` after ``next_token``, at most ``max_results`` long, and the token of the next page.

    With ``key`` (unique per item, never changing, and the order of ``items``) the token names the last item
    returned; without it, the token is a position.
    """
    start = _start(items, next_token, key) if next_token else 0
    size = max_results or DEFAULT_PAGE_SIZE
    chunk = list(items[start : start + size])
    end = start + len(chunk)
    if end >= len(items):
        return chunk, None
    mark = {"after": key(chunk[-1])} if key is not None and chunk else {"at": end}
    return chunk, base64.b64encode(json.dumps(mark).encode()).decode()


def _start(items: Sequence[T], token: str, key: Callable[[T], str] | None) -> int:
    """Where the page after ``token`` starts."""
    try:
        mark = json.loads(base64.b64decode(token, validate=True))
        if key is not None and isinstance(mark, dict) and isinstance(mark.get("after"), str):
            return next((i for i, item in enumerate(items) if key(item) > mark["after"]), len(items))
        if key is None and isinstance(mark, dict) and isinstance(mark.get("at"), int) and mark["at"] >= 0:
            start: int = mark["at"]
            return start
        raise ValueError(token)
    except ValueError:
        raise ValidationException(
            "NextToken is not a token this endpoint issued: pass the NextToken of the previous response.",
            "FIELD_VALIDATION_FAILED",
            [{"Name": "NextToken", "Message": "Member must be a NextToken from a previous response"}],
        ) from None
