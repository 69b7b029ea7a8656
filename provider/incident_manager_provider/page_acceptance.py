"""The PageAcceptance resource: acknowledges one page with AcceptPage, as a responder's phone would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import CheckResult, ConfigureRequest, CreateResult, DiffResult, ReadResult, ResourceProvider
from pulumi.dynamic.dynamic import PROVIDER_KEY

from . import api, aws
from .schema import PAGE_ACCEPTANCE
from .validation import validate

ACCEPT_PAGE_MEMBERS = PAGE_ACCEPTANCE.members()
"""Input property -> AcceptPage parameter."""

DEFAULTS = PAGE_ACCEPTANCE.defaults

SECRET_PROPERTIES = PAGE_ACCEPTANCE.secrets


def accept_page_params(props: dict[str, Any]) -> dict[str, Any]:
    """AcceptPage's parameters for snake_case ``props``, defaults filled in."""
    merged = {**DEFAULTS, **{key: value for key, value in props.items() if value is not None}}
    return {member: merged[name] for name, member in ACCEPT_PAGE_MEMBERS.items() if merged.get(name)}


class PageAcceptanceProvider(ResourceProvider):
    """Engine-facing CRUD for ``PageAcceptance``.

    check: validates against the service model and fills in defaults; no AWS call.
    diff: any input change replaces (an acknowledgement cannot be edited).
    create: AcceptPage.
    read: no AWS call (an acknowledgement is a past event).
    delete: forgets it; no AWS call (an acknowledgement cannot be undone).
    """

    settings = aws.AwsSettings()
    """Where to reach ssm-contacts; replaced by ``configure`` in the provider process."""
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))
    """Where ``accepted_at`` comes from (the testing kit's time replaces it)."""

    def configure(self, req: ConfigureRequest) -> None:
        self.settings = aws.AwsSettings.from_config(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {key: value for key, value in news.items() if key != PROVIDER_KEY}
        for name, default in DEFAULTS.items():
            if inputs.get(name) is None:
                inputs[name] = default
        return CheckResult(inputs, validate("AcceptPage", inputs, ACCEPT_PAGE_MEMBERS, secret=SECRET_PROPERTIES))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [name for name in ACCEPT_PAGE_MEMBERS if olds.get(name) != news.get(name)]
        return DiffResult(changes=bool(changed), replaces=changed)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = aws.client(self.settings, arn=props["page_id"], operation="AcceptPage")
        api.accept_page(client, accept_page_params(props), [props.get(n) for n in SECRET_PROPERTIES])
        outs = {key: value for key, value in props.items() if key != PROVIDER_KEY}
        outs["accepted_at"] = self.clock().isoformat()
        return CreateResult(f"{props['page_id']}#{props['accept_type']}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None
