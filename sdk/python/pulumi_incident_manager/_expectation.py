"""``AcknowledgementExpectation``: a drill that passes or fails by who acknowledged, how fast, on which channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

import pulumi
import pulumi.dynamic
import pulumi.runtime

from incident_manager_provider.expectation import AcknowledgementExpectationProvider
from incident_manager_provider.schema import DYNAMIC_MODULE, EXPECTATION
from incident_manager_provider.verdict import Terms

from ._generated import (
    AcknowledgementExpectationArgs,
    AcknowledgementExpectationInputs,
    AcknowledgementExpectationOutputs,
)
from ._provider import with_settings_provider
from ._resources import args_from, properties

__all__ = ["AcknowledgementExpectation", "AcknowledgementExpectationArgs"]


class AcknowledgementExpectation(
    AcknowledgementExpectationOutputs, pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=EXPECTATION.name
):
    """What a drill expects of an engagement; ``pulumi up`` waits for the verdict (bounded by ``within``).

    The wait ends at the engagement's start plus ``within``, so a re-run after a crash keeps the original deadline,
    and watching pages nobody. A miss fails the update with one sentence (who was paged, who did not answer, how
    long it waited), or with ``on_miss="record"`` records ``passed=False`` and goes on. ``pulumi preview`` makes no
    call: the plan shows what would be waited for.
    """

    def __init__(
        self,
        resource_name: str,
        args: AcknowledgementExpectationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **inputs: Unpack[AcknowledgementExpectationInputs],
    ) -> None:
        """Expect an acknowledgement: pass an :class:`AcknowledgementExpectationArgs` or its fields as keywords."""
        args = args_from(EXPECTATION, resource_name, AcknowledgementExpectationArgs, args, inputs)
        super().__init__(
            AcknowledgementExpectationProvider(),
            resource_name,
            properties(EXPECTATION, resource_name, args),
            with_settings_provider(opts),
        )
        if pulumi.runtime.is_dry_run():
            terms = {"within": args.within, "by": args.by, "channels": args.channels, "receipt": args.receipt}
            pulumi.Output.from_input(terms).apply(lambda known: pulumi.log.info(the_wait(known), resource=self))


def the_wait(terms: Mapping[str, Any]) -> str:
    """What ``pulumi up`` will wait for, said at preview (no call is made)."""
    return Terms.of(terms).the_wait()
