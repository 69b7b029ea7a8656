"""``PageAcceptance``: acknowledge a page from code, as a responder would (drills and tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from incident_manager_provider.page_acceptance import SECRET_PROPERTIES, PageAcceptanceProvider

from ._engagement import refuse_keywords_beside_args
from ._provider import with_settings_provider
from ._secret_config import warn_about_plain_config


@dataclass
class PageAcceptanceArgs:
    """The inputs of a :class:`PageAcceptance` (AcceptPage's parameters, in snake_case)."""

    page_id: pulumi.Input[str]
    """ARN of the page to acknowledge."""

    accept_code: pulumi.Input[str]
    """The code sent with the page (secret)."""

    accept_type: pulumi.Input[str] | None = None
    """``READ`` (default) or ``DELIVERED``."""

    contact_channel_id: pulumi.Input[str] | None = None
    """ARN of the contact channel the page reached."""

    note: pulumi.Input[str] | None = None
    """Free text recorded with the receipt."""

    accept_code_validation: pulumi.Input[str] | None = None
    """``ENFORCE`` (default) checks the code; ``IGNORE`` does not."""


class PageAcceptance(pulumi.dynamic.Resource, module="incident-manager", name="PageAcceptance"):
    """An acknowledgement of one page. Any input change replaces it; destroying it only forgets it."""

    page_id: pulumi.Output[str]
    accept_code: pulumi.Output[str]
    accept_type: pulumi.Output[str]
    contact_channel_id: pulumi.Output[str | None]
    note: pulumi.Output[str | None]
    accept_code_validation: pulumi.Output[str]
    accepted_at: pulumi.Output[str]
    """When AcceptPage was called (ISO 8601)."""

    def __init__(
        self,
        resource_name: str,
        args: PageAcceptanceArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        page_id: pulumi.Input[str] | None = None,
        accept_code: pulumi.Input[str] | None = None,
        accept_type: pulumi.Input[str] | None = None,
        contact_channel_id: pulumi.Input[str] | None = None,
        note: pulumi.Input[str] | None = None,
        accept_code_validation: pulumi.Input[str] | None = None,
    ) -> None:
        """Acknowledge a page: pass a :class:`PageAcceptanceArgs` or its fields as keywords."""
        if args is None:
            if page_id is None or accept_code is None:
                missing = [name for name, value in (("page_id", page_id), ("accept_code", accept_code)) if not value]
                raise TypeError(
                    f"PageAcceptance {resource_name!r} is missing required input(s): {', '.join(missing)}"
                )
            args = PageAcceptanceArgs(
                page_id=page_id,
                accept_code=accept_code,
                accept_type=accept_type,
                contact_channel_id=contact_channel_id,
                note=note,
                accept_code_validation=accept_code_validation,
            )
        else:
            given = {
                "page_id": page_id, "accept_code": accept_code, "accept_type": accept_type, "note": note,
                "contact_channel_id": contact_channel_id, "accept_code_validation": accept_code_validation,
            }
            refuse_keywords_beside_args("PageAcceptance", resource_name, given)
        props: dict[str, Any] = {
            "page_id": args.page_id,
            "accept_code": pulumi.Output.secret(args.accept_code),
            "accept_type": args.accept_type,
            "contact_channel_id": args.contact_channel_id,
            "note": args.note,
            "accept_code_validation": args.accept_code_validation,
            "accepted_at": None,
        }
        defaults = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_PROPERTIES))
        super().__init__(
            PageAcceptanceProvider(),
            resource_name,
            props,
            with_settings_provider(pulumi.ResourceOptions.merge(defaults, opts)),
        )
        warn_about_plain_config(self, "PageAcceptance", resource_name, {"accept_code": args.accept_code})
