"""``Engagement``: declare who gets paged; ``pulumi up`` pages them once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pulumi
import pulumi.dynamic

from incident_manager_provider.engagement import SECRET_PROPERTIES, EngagementProvider

from ._provider import stack_token_key, with_settings_provider
from ._secret_config import warn_about_plain_config
from ._shared import refuse_shared_engagements


@dataclass
class EngagementArgs:
    """The inputs of an :class:`Engagement` (StartEngagement's parameters, in snake_case)."""

    contact_id: pulumi.Input[str]
    """ARN of the contact, escalation plan or on-call schedule to engage."""

    sender: pulumi.Input[str]
    """Who is paging (letters, digits, spaces and ``_@#%*+=:?./!-``, up to 255 characters)."""

    subject: pulumi.Input[str]
    """Subject for VOICE and EMAIL pages (secret)."""

    content: pulumi.Input[str]
    """Body for VOICE and EMAIL pages (secret)."""

    public_subject: pulumi.Input[str] | None = None
    """Subject for SMS pages (secret)."""

    public_content: pulumi.Input[str] | None = None
    """Body for SMS pages (secret)."""

    incident_id: pulumi.Input[str] | None = None
    """The incident the engagement belongs to, free text."""

    idempotency_token: pulumi.Input[str] | None = None
    """StartEngagement's token. Unset: minted once from the fields above and ``run`` with the stack's secret key,
    then kept through renames."""

    stop_reason: pulumi.Input[str] | None = None
    """Reason given to StopEngagement when the resource is destroyed or replaced; changes update in place."""

    run: pulumi.Input[str] | None = None
    """Feeds the derived token: set a new value to page again with an otherwise unchanged engagement."""


class Engagement(pulumi.dynamic.Resource, module="incident-manager", name="Engagement"):
    """An Incident Manager engagement, started once per idempotency token.

    Replacements stop the old engagement before starting the new one (``delete_before_replace``), unless
    the resource options say otherwise.
    """

    arn: pulumi.Output[str]
    """The engagement ARN, also the resource id."""
    idempotency_token: pulumi.Output[str]
    """The token StartEngagement was called with (given, or minted)."""
    contact_arn: pulumi.Output[str]
    """The engaged contact, as AWS stored it."""
    start_time: pulumi.Output[str]
    """When the engagement started (ISO 8601)."""
    stop_time: pulumi.Output[str | None]
    """When it was stopped (ISO 8601), if it was."""
    contact_id: pulumi.Output[str]
    sender: pulumi.Output[str]
    subject: pulumi.Output[str]
    content: pulumi.Output[str]
    public_subject: pulumi.Output[str | None]
    public_content: pulumi.Output[str | None]
    incident_id: pulumi.Output[str | None]
    stop_reason: pulumi.Output[str | None]
    run: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: EngagementArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        contact_id: pulumi.Input[str] | None = None,
        sender: pulumi.Input[str] | None = None,
        subject: pulumi.Input[str] | None = None,
        content: pulumi.Input[str] | None = None,
        public_subject: pulumi.Input[str] | None = None,
        public_content: pulumi.Input[str] | None = None,
        incident_id: pulumi.Input[str] | None = None,
        idempotency_token: pulumi.Input[str] | None = None,
        stop_reason: pulumi.Input[str] | None = None,
        run: pulumi.Input[str] | None = None,
    ) -> None:
        """Start an engagement named ``resource_name``: pass an :class:`EngagementArgs` or its fields as keywords."""
        if args is None:
            required = {"contact_id": contact_id, "sender": sender, "subject": subject, "content": content}
            missing = [name for name, value in required.items() if value is None]
            if missing:
                raise TypeError(f"Engagement {resource_name!r} is missing required input(s): {', '.join(missing)}")
            assert contact_id is not None and sender is not None and subject is not None and content is not None
            args = EngagementArgs(
                contact_id=contact_id,
                sender=sender,
                subject=subject,
                content=content,
                public_subject=public_subject,
                public_content=public_content,
                incident_id=incident_id,
                idempotency_token=idempotency_token,
                stop_reason=stop_reason,
                run=run,
            )
        else:
            given = {
                "contact_id": contact_id, "sender": sender, "subject": subject, "content": content,
                "public_subject": public_subject, "public_content": public_content, "incident_id": incident_id,
                "idempotency_token": idempotency_token, "stop_reason": stop_reason, "run": run,
            }
            refuse_keywords_beside_args("Engagement", resource_name, given)
        options = engagement_options(resource_name, opts)
        props: dict[str, Any] = {
            "contact_id": args.contact_id,
            "sender": args.sender,
            "subject": args.subject,
            "content": args.content,
            "public_subject": args.public_subject,
            "public_content": args.public_content,
            "incident_id": args.incident_id,
            "idempotency_token": args.idempotency_token,
            "stop_reason": args.stop_reason,
            "run": args.run,
            # Only for minting a token: an explicit one needs no key (nor a TokenKey resource in the stack).
            "token_key": None if args.idempotency_token is not None else stack_token_key(options.provider),
            "arn": None,
            "contact_arn": None,
            "start_time": None,
            "stop_time": None,
        }
        given_secrets = {name: props[name] for name in SECRET_PROPERTIES}
        for name in SECRET_PROPERTIES:
            if props[name] is not None:
                props[name] = pulumi.Output.secret(props[name])
        super().__init__(EngagementProvider(), resource_name, props, options)
        warn_about_plain_config(self, "Engagement", resource_name, given_secrets)
        refuse_shared_engagements(resource_name, props)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Engagement:
        """An existing engagement, by ARN: read with DescribeEngagement on every run, never started or stopped.

        For drills and checks that refer to an engagement started elsewhere (another stack, the console).
        """
        engagement = Engagement.__new__(Engagement)
        outputs = [field.name for field in fields(EngagementArgs)] + ["arn", "contact_arn", "start_time", "stop_time"]
        pulumi.dynamic.Resource.__init__(
            engagement,
            EngagementProvider(),
            resource_name,
            dict.fromkeys(outputs),
            pulumi.ResourceOptions.merge(engagement_options(resource_name, opts), pulumi.ResourceOptions(id=id)),
        )
        return engagement


def refuse_keywords_beside_args(kind: str, resource_name: str, given: dict[str, Any]) -> None:
    # Pulumi's generated SDKs ignore keywords when an Args object is passed; a silently ignored `run` would not page.
    ignored = [name for name, value in given.items() if value is not None]
    if ignored:
        raise TypeError(
            f"{kind} {resource_name!r} got both {kind}Args and keyword input(s) {', '.join(ignored)}: "
            f"pass one or the other"
        )


def engagement_options(resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` with the message fields as secret outputs, delete-before-replace, and the package's provider.

    Create-before-delete would meet the engagement it already started when the token is unchanged
    (``pulumi up --replace``), record it, then stop it while deleting the old one: state would hold a stopped
    engagement as live. So it is refused.
    """
    if opts is not None and opts.delete_before_replace is False:
        raise TypeError(
            f"Engagement {resource_name!r}: delete_before_replace=False is not supported, because a replacement must "
            f"stop the old engagement before starting the new one (or state would record a stopped engagement as "
            f"live); remove the option."
        )
    defaults = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_PROPERTIES), delete_before_replace=True)
    return with_settings_provider(pulumi.ResourceOptions.merge(defaults, opts))
