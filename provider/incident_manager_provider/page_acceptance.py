"""The PageAcceptance resource: acknowledges one page with AcceptPage, as a responder's phone would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, ReadResult

from . import api, aws
from .base import Diff, ProviderBase
from .schema import PAGE_ACCEPTANCE, unset
from .validation import validate

ACCEPT_PAGE_MEMBERS = PAGE_ACCEPTANCE.members()
"""Input property -> AcceptPage parameter."""

SECRET_PROPERTIES = PAGE_ACCEPTANCE.secrets


def accept_page_params(props: dict[str, Any]) -> dict[str, Any]:
    """AcceptPage's parameters for snake_case ``props``, defaults filled in."""
    merged = PAGE_ACCEPTANCE.with_defaults(props)
    return {member: merged[name] for name, member in ACCEPT_PAGE_MEMBERS.items() if not unset(merged.get(name))}


class PageAcceptanceProvider(ProviderBase):
    """Engine-facing CRUD for ``PageAcceptance``.

    check: validates against the service model and fills in defaults; no AWS call.
    diff: any input change replaces (an acknowledgement cannot be edited).
    create: AcceptPage.
    read: no AWS call (an acknowledgement is a past event).
    delete: forgets it; no AWS call (an acknowledgement cannot be undone).
    """

    resource = PAGE_ACCEPTANCE
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))
    """Where ``accepted_at`` comes from (the testing kit's time replaces it)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = self.inputs(news)
        return CheckResult(inputs, validate("AcceptPage", inputs, ACCEPT_PAGE_MEMBERS, secret=SECRET_PROPERTIES))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        return Diff(replaces=[name for name in ACCEPT_PAGE_MEMBERS if olds.get(name) != news.get(name)])

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = aws.client(self.settings, arn=props["page_id"], operation="AcceptPage")
        api.accept_page(client, accept_page_params(props), [props.get(n) for n in SECRET_PROPERTIES])
        outs = self.state(props)
        outs["accepted_at"] = self.clock().isoformat()
        return CreateResult(f"{props['page_id']}#{props['accept_type']}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None
