"""What every resource provider shares: its settings, the provider key, declared defaults, and the front it serves.

The dynamic providers and the plugin run the very same subclasses; the plugin only sets :attr:`ProviderBase.front`
and :attr:`ProviderBase.settings` instead of calling :meth:`ProviderBase.configure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.dynamic import PROVIDER_KEY

from . import aws
from .schema import Resource
from .settings import PYTHON, Front


class ProviderBase(ResourceProvider):
    """A resource provider over :mod:`.aws`: settings from stack config, inputs with the resource's defaults."""

    resource: ClassVar[Resource | None] = None
    """The resource's declaration (:mod:`.schema`), whose defaults :meth:`inputs` fills in."""

    settings = aws.AwsSettings()
    """Where to reach ssm-contacts; replaced by ``configure`` in the provider process (or by the plugin)."""

    front: Front = PYTHON
    """Whose words its check failures use (the plugin sets its own); raised errors are rendered by each front."""

    def configure(self, req: ConfigureRequest) -> None:
        self.settings = aws.AwsSettings.from_config(req.config.get)

    def inputs(self, news: Mapping[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
        """``news`` without the provider key (the dynamic SDK's serialized provider) or ``drop``, and with each
        declared default where the input is unset (:func:`.schema.unset`)."""
        inputs = self.state(news, drop)
        return self.resource.with_defaults(inputs) if self.resource else inputs

    @staticmethod
    def state(props: Mapping[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
        """``props`` without the provider key or ``drop``: what a resource records as outputs."""
        dropped = {PROVIDER_KEY, *drop}
        return {key: value for key, value in props.items() if key not in dropped}
