"""What every program's engagements share: the provider they run under, and the stack's token key.

The provider carries only the settings the package reads.

Left to itself, the engine gives a dynamic resource Pulumi's default ``pulumi-python`` provider, hands that
provider the *whole* stack config and records it as the provider's inputs in state and history, so a message kept
in plain ``pulumi config`` would be plaintext in ``pulumi stack export``. This package's resources instead get one
explicit ``pulumi-python`` provider per program, named ``incident-manager``, whose inputs are the settings of
:data:`incident_manager_provider.aws.SETTING_KEYS` that the stack sets, secret where the config is secret.

Changing one of those settings updates that provider in place: Pulumi's Python dynamic providers answer no
DiffConfig, which the engine reads as "no replacement", so no engagement is replaced and nobody is paged again.
Engagements and pages already started are read and stopped in the region their ARN names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic
from pulumi.runtime import settings
from pulumi.runtime.config import get_config, is_config_secret

from incident_manager_provider.aws import SETTING_KEYS
from incident_manager_provider.token_key import TokenKeyProvider

from ._interrupt import quiet_interrupts

PROVIDER_PACKAGE = "pulumi-python"
PROVIDER_NAME = "incident-manager"

T = TypeVar("T")

# What a program run makes once: a run (or a unit test with mocks) has its own resource monitor.
_of_run: dict[str, tuple[Any, Any]] = {}


def once_per_run(name: str, make: Callable[[], T]) -> T:
    """``make()`` the first time ``name`` is asked for in this program run, the same object afterwards."""
    monitor = settings.get_monitor()
    found = _of_run.get(name)
    if found is None or found[0] is not monitor:
        found = _of_run[name] = (monitor, make())
    value: T = found[1]
    return value


def settings_provider() -> pulumi.ProviderResource:
    """The ``incident-manager`` provider of this program, registered on first use."""

    def make() -> pulumi.ProviderResource:
        quiet_interrupts()
        props: dict[str, Any] = {}
        for key in SETTING_KEYS:
            value = get_config(key)
            if value is not None:
                props[key] = pulumi.Output.secret(value) if is_config_secret(key) else value
        return pulumi.ProviderResource(PROVIDER_PACKAGE, PROVIDER_NAME, props)

    return once_per_run("provider", make)


def with_settings_provider(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts``, with :func:`settings_provider` unless they (or the parent) already name a provider for it."""
    if opts is not None:
        if opts.provider is not None or opts.providers:
            return opts
        inherited = getattr(opts.parent, "_providers", None) or {}
        if PROVIDER_PACKAGE in inherited:
            return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=settings_provider()))


class TokenKey(pulumi.dynamic.Resource, module="incident-manager", name="TokenKey"):
    """The stack's random secret that engagement tokens are minted with (see ``incident_manager_provider.tokens``).

    Made once per stack, before any engagement; its ``key`` is secret in state.
    """

    key: pulumi.Output[str]

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=["key"])
        super().__init__(TokenKeyProvider(), resource_name, {"key": None}, pulumi.ResourceOptions.merge(secret, opts))


TOKEN_KEY_NAME = "incident-manager-token-key"

def stack_token_key(provider: pulumi.ProviderResource | None = None) -> pulumi.Output[str]:
    """The key of this stack's :class:`TokenKey`, registered on first use in this program run under ``provider``
    (the first engagement's; the key calls no AWS API, so which provider serves it never matters)."""
    key = once_per_run(
        "token-key", lambda: TokenKey(TOKEN_KEY_NAME, pulumi.ResourceOptions(provider=provider or settings_provider()))
    )
    return key.key
