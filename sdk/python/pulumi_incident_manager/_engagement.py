"""``Engagement``: declare who gets paged; ``pulumi up`` pages them once."""

from __future__ import annotations

import copy
from typing import Unpack

import pulumi
import pulumi.dynamic

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.schema import DYNAMIC_MODULE, ENGAGEMENT

from ._expectation import the_wait
from ._generated import EngagementArgs, EngagementInputs, EngagementOutputs, StopWhen
from ._provider import stack_token_key, with_settings_provider
from ._resources import ResourceInputError, args_from, properties
from ._secret_config import warn_about_plain_config
from ._shared import refuse_shared_engagements

__all__ = ["Engagement", "EngagementArgs", "StopWhen"]


class Engagement(EngagementOutputs, pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=ENGAGEMENT.name):
    """An Incident Manager engagement, started once per idempotency token.

    ``pulumi up`` pages the contact once; replacements stop the old engagement before starting the new one;
    ``pulumi destroy`` stops it. With ``stop_when``, ``pulumi up`` waits for the drill's verdict and stops it,
    recording ``stop_time``. Inputs, outputs and behaviour: docs/engagement.md.
    """

    def __init__(
        self,
        resource_name: str,
        args: EngagementArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **inputs: Unpack[EngagementInputs],
    ) -> None:
        """Start an engagement named ``resource_name``: pass an :class:`EngagementArgs` or its fields as keywords."""
        args = args_from(ENGAGEMENT, resource_name, EngagementArgs, args, inputs)
        adopt, opts = adoption(opts)
        options = engagement_options(resource_name, opts)
        props = properties(ENGAGEMENT, resource_name, args)
        if adopt is not None:
            props["adopted_arn"] = adopt
        # Only for minting a token: an explicit one needs no key (nor a TokenKey resource in the stack). An empty
        # token is unset, and one not known yet may turn out empty: both get the key.
        explicit = isinstance(args.idempotency_token, str) and args.idempotency_token != ""
        props["token_key"] = None if explicit else stack_token_key(options.provider)
        super().__init__(EngagementProvider(), resource_name, props, options)
        warn_about_plain_config(self, ENGAGEMENT.name, resource_name, {n: getattr(args, n) for n in ENGAGEMENT.secrets})
        refuse_shared_engagements(resource_name, props)
        if pulumi.runtime.is_dry_run() and adopt is not None:
            pulumi.Output.from_input(adopt).apply(lambda arn: pulumi.log.info(
                f"adopts {arn} if it is not in state yet: up records it and pages nobody", resource=self))
        if pulumi.runtime.is_dry_run() and args.stop_when is not None:
            pulumi.Output.from_input(args.stop_when).apply(
                lambda terms: pulumi.log.info(f"{the_wait(terms)}, then stop the engagement", resource=self)
            )

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Engagement:
        """An existing engagement, by ARN: read with DescribeEngagement on every run, never started or stopped.

        For drills and checks that refer to an engagement started elsewhere (another stack, the console).
        """
        engagement = Engagement.__new__(Engagement)
        pulumi.dynamic.Resource.__init__(
            engagement,
            EngagementProvider(),
            resource_name,
            dict.fromkeys(field.name for field in ENGAGEMENT.outputs),
            pulumi.ResourceOptions.merge(engagement_options(resource_name, opts), pulumi.ResourceOptions(id=id)),
        )
        return engagement


def adoption(opts: pulumi.ResourceOptions | None) -> tuple[pulumi.Input[str] | None, pulumi.ResourceOptions | None]:
    """The ARN ``import_`` names, and ``opts`` without it.

    The engine imports by calling Read with the ARN alone, which a dynamic provider cannot serve (it needs the
    serialized provider: pulumi/pulumi#16175). So the ARN goes to the provider as an input instead: the first
    ``pulumi up`` records that engagement (DescribeEngagement, no page) if it says what the program says, as the
    engine's import would; once in state, ``import_`` changes nothing, as with any resource.
    """
    if opts is None or opts.import_ is None:
        return None, opts
    kept = copy.copy(opts)
    kept.import_ = None
    return opts.import_, kept


def engagement_options(resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` with the message fields as secret outputs, delete-before-replace, and the package's provider.

    Create-before-delete would meet the engagement it already started when the token is unchanged
    (``pulumi up --replace``), record it, then stop it while deleting the old one: state would hold a stopped
    engagement as live. So it is refused.
    """
    if opts is not None and opts.delete_before_replace is False:
        raise ResourceInputError(
            f"Engagement {resource_name!r}: delete_before_replace=False is not supported, because a replacement must "
            f"stop the old engagement before starting the new one (or state would record a stopped engagement as "
            f"live); remove the option."
        )
    defaults = pulumi.ResourceOptions(additional_secret_outputs=list(ENGAGEMENT.secrets), delete_before_replace=True)
    return with_settings_provider(pulumi.ResourceOptions.merge(defaults, opts))
