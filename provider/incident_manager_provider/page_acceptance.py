"""The PageAcceptance resource: acknowledges one page with AcceptPage, as a responder's phone would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
)
from pulumi.dynamic.dynamic import PROVIDER_KEY

from . import aws
from .errors import aws_errors
from .validation import validate

ACCEPT_PAGE_MEMBERS = {
    "page_id": "PageId",
    "accept_type": "AcceptType",
    "accept_code": "AcceptCode",
    "contact_channel_id": "ContactChannelId",
    "note": "Note",
    "accept_code_validation": "AcceptCodeValidation",
}
"""Input property -> AcceptPage parameter."""

DEFAULTS = {"accept_type": "READ", "accept_code_validation": "ENFORCE"}

SECRET_PROPERTIES = ("accept_code",)


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
        with aws_errors("AcceptPage", props.get("page_id"), [props.get(n) for n in SECRET_PROPERTIES]):
            aws.client(self.settings, arn=props["page_id"]).accept_page(**accept_page_params(props))
        outs = {key: value for key, value in props.items() if key != PROVIDER_KEY}
        outs["accepted_at"] = datetime.now(UTC).isoformat()
        return CreateResult(f"{props['page_id']}#{props['accept_type']}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None
