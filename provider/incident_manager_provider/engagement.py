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
from .tokens import IDENTITY_FIELDS, changed_identity_fields, mint_idempotency_token, next_run_token
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

SECRET_PROPERTIES = ("subject", "content", "public_subject", "public_content")

PREVIOUS_IDENTITY_INPUTS = ("pulumi_project", "pulumi_stack", "pulumi_name")
"""Inputs of versions before 0.2, whose token hashed the resource's name: dropped by check, never compared."""

MAX_RUNS = 20
"""How many stopped runs of an unchanged engagement create skips before giving up."""

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

    check: validates against the service model and mints (or keeps) ``idempotency_token``; no AWS call.
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

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate ``news`` without calling AWS, and settle the token.

        An explicit ``idempotency_token`` is used as given. Otherwise the previous token is kept while the
        engagement says the same thing to the same contact (a rename changes nothing), and a new one is minted
        from the stack's ``token_key`` when it does not.
        """
        inputs = {
            key: value for key, value in news.items() if key != PROVIDER_KEY and key not in PREVIOUS_IDENTITY_INPUTS
        }
        failures = validate("StartEngagement", inputs, START_ENGAGEMENT_MEMBERS, secret=SECRET_PROPERTIES)
        failures += validate("StopEngagement", inputs, {"stop_reason": "Reason"})
        run = inputs.get("run")
        if run is not None and not is_unknown(run) and not isinstance(run, str):
            failures.append(CheckFailure("run", f"run must be a string, not {type(run).__name__}: quote it"))
        identity_known = not any(is_unknown(inputs.get(name)) for name in IDENTITY_FIELDS)
        changed = changed_identity_fields(olds, inputs) if olds and identity_known else []
        explicit = inputs.get("idempotency_token")
        inputs["explicit_token"] = bool(explicit)
        if explicit:
            if changed and not is_unknown(explicit) and explicit == olds.get("idempotency_token"):
                failures.append(
                    CheckFailure(
                        "",
                        f"idempotency_token is unchanged but {', '.join(changed)} changed, and AWS refuses a token "
                        f"reused for a different engagement: set a new idempotency_token (or remove it to let one "
                        f"be minted).",
                    )
                )
        elif olds.get("idempotency_token") and identity_known and not changed:
            inputs["idempotency_token"] = olds["idempotency_token"]
        elif not identity_known or is_unknown(inputs.get("token_key")):
            inputs["idempotency_token"] = UNKNOWN
        elif not inputs.get("token_key"):
            failures.append(
                CheckFailure(
                    "token_key",
                    "token_key is required to mint idempotency_token: build the resource with "
                    "pulumi_incident_manager.Engagement or set idempotency_token",
                )
            )
        elif not failures:
            inputs["idempotency_token"] = mint_idempotency_token(inputs["token_key"], inputs)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Same token: nothing to do. New token: a new engagement. ``__provider`` never counts."""
        old_token = olds.get("minted_token") or olds.get("idempotency_token")
        if is_unknown(news.get("idempotency_token")) or old_token != news.get("idempotency_token"):
            return DiffResult(changes=True, replaces=[*changed_identity_fields(olds, news), "idempotency_token"])
        if _differs(olds.get("stop_reason"), news.get("stop_reason")):
            return DiffResult(changes=True, replaces=[])
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """StartEngagement, then read it back. A token seen before yields the engagement it started.

        If that engagement has been stopped (a replacement of an unchanged engagement stopped it first), a minted
        token moves on to the next run's token, derived from the stopped one; an explicit token fails instead of
        recording a stopped engagement as new.
        """
        minted = props["idempotency_token"]
        token = minted
        for _ in range(MAX_RUNS):
            arn, live = self._start(props, token)
            if live.get("StopTime") is None:
                return CreateResult(arn, {**_outputs(arn, props, live), "idempotency_token": token,
                                          "minted_token": minted})
            if props.get("explicit_token") or not props.get("token_key"):
                raise IncidentManagerError(
                    f"The idempotency token {token} belongs to engagement {arn}, which was stopped at "
                    f"{iso_time(live['StopTime'])}, so AWS will not page anyone with it again; to start a new run, "
                    f"set idempotency_token to a new value (or change run)."
                )
            token = next_run_token(props["token_key"], token, arn)
        raise IncidentManagerError(
            f"The last {MAX_RUNS} runs of this engagement were all stopped; change run to start a new one."
        )

    def _start(self, props: Mapping[str, Any], token: str) -> tuple[str, dict[str, Any]]:
        params = {member: props[name] for name, member in START_ENGAGEMENT_MEMBERS.items() if props.get(name)}
        params["IdempotencyToken"] = token
        with aws_errors("StartEngagement", props.get("contact_id"), [props.get(n) for n in SECRET_PROPERTIES]):
            arn: str = aws.client(self.settings).start_engagement(**params)["EngagementArn"]
        live = self._find(arn)
        if live is None:
            raise IncidentManagerError(
                f"StartEngagement answered with {arn}, but DescribeEngagement cannot find it; run again."
            )
        return arn, live

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """DescribeEngagement; an engagement AWS no longer knows reads as gone (empty id).

        ``Engagement.get`` reads with no previous outputs: there an unknown ARN is an error, not a disappearance.
        """
        live = self._find(id_)
        if live is None:
            if not props.get("arn"):
                raise IncidentManagerError(
                    f"Engagement {id_} does not exist in this account and region; check the ARN given to "
                    f"Engagement.get and the aws:region setting."
                )
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


def _outputs(arn: str, props: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
    # The stack's token key is an input only: kept out of outputs, it is stored once per engagement, not twice.
    outs = {key: value for key, value in props.items() if key not in (PROVIDER_KEY, "token_key")}
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
