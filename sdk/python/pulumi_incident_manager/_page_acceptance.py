"""``PageAcceptance``: acknowledge a page from code, as a responder would (drills and tests)."""

from __future__ import annotations

from typing import Unpack

import pulumi
import pulumi.dynamic

from incident_manager_provider.page_acceptance import PageAcceptanceProvider
from incident_manager_provider.schema import DYNAMIC_MODULE, PAGE_ACCEPTANCE

from ._generated import PageAcceptanceArgs, PageAcceptanceInputs, PageAcceptanceOutputs
from ._provider import with_settings_provider
from ._resources import args_from, properties
from ._secret_config import warn_about_plain_config

__all__ = ["PageAcceptance", "PageAcceptanceArgs"]


class PageAcceptance(
    PageAcceptanceOutputs, pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=PAGE_ACCEPTANCE.name
):
    """An acknowledgement of one page. Any input change replaces it; destroying it only forgets it."""

    def __init__(
        self,
        resource_name: str,
        args: PageAcceptanceArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **inputs: Unpack[PageAcceptanceInputs],
    ) -> None:
        """Acknowledge a page: pass a :class:`PageAcceptanceArgs` or its fields as keywords."""
        args = args_from(PAGE_ACCEPTANCE, resource_name, PageAcceptanceArgs, args, inputs)
        defaults = pulumi.ResourceOptions(additional_secret_outputs=list(PAGE_ACCEPTANCE.secrets))
        super().__init__(
            PageAcceptanceProvider(),
            resource_name,
            properties(PAGE_ACCEPTANCE, resource_name, args),
            with_settings_provider(pulumi.ResourceOptions.merge(defaults, opts)),
        )
        warn_about_plain_config(self, PAGE_ACCEPTANCE.name, resource_name, {"accept_code": args.accept_code})
