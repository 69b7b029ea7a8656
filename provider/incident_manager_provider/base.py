"""What every resource provider shares: its settings, the provider key, declared defaults, the front it serves, and
how a diff names what changed (:class:`Diff`).

The dynamic providers and the plugin run the very same subclasses; the plugin only sets :attr:`ProviderBase.front`
and :attr:`ProviderBase.settings` instead of calling :meth:`ProviderBase.configure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider
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


class Diff(DiffResult):
    """A diff naming each input that changed: ``replaces`` make a new resource, ``updates`` change it in place.

    The plugin sends these names as its detailed diff. The dynamic provider server (pulumi 3.259) sends the engine only
    ``changes``, ``replaces`` and ``delete_before_replace``, and the engine diffs secrets as ``[secret]`` for display,
    so a changed secret would show as unchanged. A change therefore goes out with ``changes`` unknown (None): the engine
    then diffs the inputs itself, secrets by value, and names each one that changed (``[diff: ~content,...]``), while
    ``replaces`` still decides the replacement. No change stays False: a new provider pickle alone is nothing.
    """

    def __init__(self, replaces: Sequence[str] = (), updates: Sequence[str] = ()) -> None:
        changed = bool(replaces or updates)
        super().__init__(changes=None if changed else False, replaces=list(replaces) if changed else None)
        self.updates = list(updates)

    @property
    def changed(self) -> list[str]:
        """Every input that changed, the replacing ones first."""
        return [*(self.replaces or []), *self.updates]
