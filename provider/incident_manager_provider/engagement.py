"""The Engagement resource: pages a contact or escalation plan once per idempotency token.

Inputs and outputs use snake_case names; the PascalCase AWS shapes are built and parsed only here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.dynamic.dynamic import PROVIDER_KEY
from pulumi.output import UNKNOWN

from . import aws
from .errors import IncidentManagerError, aws_errors, error_code
from .tokens import ENGAGEMENT_FIELDS, derive_idempotency_token
from .validation import is_unknown, validate

START_ENGAGEMENT_MEMBERS = {
    "contact_id": "ContactId",
    "sender": "Sender",
    "subject": "Subject",
    "content": "Content",
    "public_subject": "PublicSubject",
    "public_content": "PublicContent",
    "incident_id": "IncidentId",
    "idempotency_token": "IdempotencyToken",
}
"""Input property -> StartEngagement parameter."""

IDENTITY_INPUTS = ("pulumi_project", "pulumi_stack", "pulumi_name")
"""The stack identity the SDK passes in, since a provider never sees the resource's URN."""

REPLACING_INPUTS = (*ENGAGEMENT_FIELDS, "run", *IDENTITY_INPUTS, "idempotency_token")
"""Inputs that feed the token: a change to any of them means a new engagement."""

SECRET_PROPERTIES = ("subject", "content", "public_subject", "public_content")

_DESCRIBED = {
    "ContactArn": "contact_arn",
    "Sender": "sender",
    "Subject": "subject",
    "Content": "content",
    "PublicSubject": "public_subject",
    "PublicContent": "public_content",
    "IncidentId": "incident_id",
}
"""DescribeEngagement member -> output property (times are handled apart)."""


class EngagementProvider(ResourceProvider):
    """Engine-facing CRUD for ``Engagement``.

    check: validates against the service model and derives ``idempotency_token``; no AWS call.
    diff: compares tokens; no AWS call.
    create: StartEngagement with the token, then DescribeEngagement.
    read: DescribeEngagement.
    update: ``stop_reason`` only; no AWS call.
    delete: StopEngagement.
    """

    settings = aws.AwsSettings()
    """Where to reach ssm-contacts; replaced by ``configure`` in the provider process."""

    def configure(self, req: ConfigureRequest) -> None:
        self.settings = aws.AwsSettings.from_config(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate ``news`` without calling AWS and fill in the derived ``idempotency_token``."""
        inputs = {key: value for key, value in news.items() if key != PROVIDER_KEY}
        failures = validate("StartEngagement", inputs, START_ENGAGEMENT_MEMBERS)
        failures += validate("StopEngagement", inputs, {"stop_reason": "Reason"})
        run = inputs.get("run")
        if run is not None and not is_unknown(run) and not isinstance(run, str):
            failures.append(CheckFailure("run", f"run must be a string, not {type(run).__name__}"))
        if not inputs.get("idempotency_token"):
            for name in IDENTITY_INPUTS:
                value = inputs.get(name)
                if not is_unknown(value) and (not isinstance(value, str) or not value):
                    failures.append(
                        CheckFailure(
                            name,
                            f"{name} is required to derive idempotency_token: build the resource with "
                            f"pulumi_incident_manager.Engagement or set idempotency_token",
                        )
                    )
            if not failures:
                inputs["idempotency_token"] = _derived_token(inputs)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Same token: nothing to do. New token: a new engagement. ``__provider`` never counts."""
        if is_unknown(news.get("idempotency_token")) or olds.get("idempotency_token") != news.get(
            "idempotency_token"
        ):
            changed = [name for name in REPLACING_INPUTS if _differs(olds.get(name), news.get(name))]
            return DiffResult(changes=True, replaces=changed or ["idempotency_token"])
        if _differs(olds.get("stop_reason"), news.get("stop_reason")):
            return DiffResult(changes=True, replaces=[])
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """StartEngagement, then read it back. A token seen before yields the engagement it started.

        If that engagement has been stopped, fail instead of recording a stopped engagement as new.
        """
        token = props["idempotency_token"]
        params = {
            member: props[name] for name, member in START_ENGAGEMENT_MEMBERS.items() if props.get(name)
        }
        with aws_errors("StartEngagement", props.get("contact_id"), [props.get(n) for n in SECRET_PROPERTIES]):
            arn: str = aws.client(self.settings).start_engagement(**params)["EngagementArn"]
        live = self._find(arn)
        if live is None:
            raise IncidentManagerError(
                f"StartEngagement answered with {arn}, but DescribeEngagement cannot find it; run again."
            )
        if live.get("StopTime") is not None:
            raise IncidentManagerError(
                f"The idempotency token {token} belongs to engagement {arn}, which was stopped at "
                f"{iso_time(live['StopTime'])}, so AWS will not page anyone with it again; to start a new run, "
                f"set idempotency_token to a new value (or change run)."
            )
        return CreateResult(arn, _outputs(arn, props, live))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """DescribeEngagement; an engagement AWS no longer knows reads as gone (empty id)."""
        live = self._find(id_)
        if live is None:
            return ReadResult("", {})
        return ReadResult(id_, _outputs(id_, props, live))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only ``stop_reason`` updates in place (diff replaces on anything else that pages), and it is used at
        delete: keep every output as AWS stored it, take the new reason (none if it was removed)."""
        outs = {key: value for key, value in olds.items() if key not in (PROVIDER_KEY, "stop_reason")}
        if news.get("stop_reason"):
            outs["stop_reason"] = news["stop_reason"]
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """StopEngagement with ``stop_reason``. Already stopped or gone counts as done."""
        params = {"EngagementId": id_}
        if props.get("stop_reason"):
            params["Reason"] = props["stop_reason"]
        with aws_errors("StopEngagement", id_):
            try:
                aws.client(self.settings, arn=id_).stop_engagement(**params)
            except ClientError as err:
                if not self._stopped_or_gone(id_, err):
                    raise

    def _stopped_or_gone(self, arn: str, err: ClientError) -> bool:
        code = error_code(err)
        if code == "ResourceNotFoundException":
            return True
        # AWS does not document how it answers a stop of a stopped engagement: look before failing.
        if code in ("ValidationException", "ConflictException"):
            live = self._find(arn)
            return live is None or live.get("StopTime") is not None
        return False

    def _find(self, arn: str) -> dict[str, Any] | None:
        return find_engagement(self.settings, arn)


def find_engagement(settings: aws.AwsSettings, arn: str) -> dict[str, Any] | None:
    """DescribeEngagement's answer, or None if there is no such engagement."""
    with aws_errors("DescribeEngagement", arn):
        try:
            answer: dict[str, Any] = aws.client(settings, arn=arn).describe_engagement(EngagementId=arn)
        except ClientError as err:
            if error_code(err) == "ResourceNotFoundException":
                return None
            raise
    return answer


def _derived_token(inputs: Mapping[str, Any]) -> Any:
    feeding = [inputs.get(name) for name in (*ENGAGEMENT_FIELDS, "run", *IDENTITY_INPUTS)]
    if any(is_unknown(value) for value in feeding):
        return UNKNOWN
    return derive_idempotency_token(
        inputs["pulumi_project"],
        inputs["pulumi_stack"],
        inputs["pulumi_name"],
        {name: inputs.get(name) for name in ENGAGEMENT_FIELDS},
        run=inputs.get("run"),
    )


def _outputs(arn: str, props: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
    outs = {key: value for key, value in props.items() if key != PROVIDER_KEY}
    outs.update((name, live[member]) for member, name in _DESCRIBED.items() if member in live)
    outs["arn"] = arn
    outs["start_time"] = iso_time(live.get("StartTime"))
    outs["stop_time"] = iso_time(live.get("StopTime"))
    return outs


def iso_time(moment: datetime | None) -> str | None:
    """An AWS timestamp as ISO 8601 text, as outputs store it."""
    return moment.isoformat() if moment is not None else None


def _differs(old: Any, new: Any) -> bool:
    # An unset input and an empty one page the same way.
    return is_unknown(new) or (old or None) != (new or None)
