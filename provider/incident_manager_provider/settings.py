"""The package's settings, declared once: a symbolic name, a description, and how each front spells its key.

A Python program sets ``aws:region``; a plugin program (YAML, TypeScript) sets ``incident-manager:region``; an HCL
configuration sets ``region`` in its ``provider "incidentmanager"`` block. Sentences
that advise a setting name it symbolically (``f"set {REGION}"`` embeds a marker) and :func:`render` spells it for
the front the user is in, so advice always names a key the user can actually set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = "\ue000"  # a private-use character: never in AWS's words nor in a user's input
_MARKED = re.compile(f"{_MARK}([A-Z_]+){_MARK}")


@dataclass(frozen=True)
class Setting:
    """One setting of the package."""

    symbol: str
    """Its symbolic name (``REGION``), what sentences carry until a front renders them."""

    python_key: str | None
    """The stack config key a Python program sets (``aws:region``); None where Python programs have no such key."""

    plugin_name: str
    """The plugin's config name (``region``, set as ``incident-manager:region``)."""

    description: str
    """What it sets and what applies otherwise (the plugin schema's description)."""

    @property
    def terraform_name(self) -> str:
        """The argument of the OpenTofu/Terraform provider block: the plugin's name in snake_case (``retry_mode``)."""
        return re.sub(r"(?<!^)([A-Z])", lambda match: f"_{match[1].lower()}", self.plugin_name)

    def __str__(self) -> str:
        return f"{_MARK}{self.symbol}{_MARK}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


REGION = Setting("REGION", "aws:region", "region", "AWS region of the endpoint and of ARNs; otherwise AWS_REGION, "
                 "AWS_DEFAULT_REGION or the profile's region.")
PROFILE = Setting("PROFILE", "aws:profile", "profile", "Shared-config profile; otherwise AWS_PROFILE or the default "
                  "credential chain.")
ENDPOINT = Setting("ENDPOINT", "incident-manager:endpoint", "endpoint", "Endpoint URL; otherwise "
                   "AWS_ENDPOINT_URL_SSM_CONTACTS, AWS_ENDPOINT_URL or the shared config file's services section.")
RETRY_MODE = Setting("RETRY_MODE", "incident-manager:retryMode", "retryMode", "standard or adaptive; otherwise "
                     "AWS_RETRY_MODE, then standard.")
MAX_ATTEMPTS = Setting("MAX_ATTEMPTS", "incident-manager:maxAttempts", "maxAttempts", "Attempts per call; otherwise "
                       "AWS_MAX_ATTEMPTS, then 10.")
TOKEN_KEY = Setting("TOKEN_KEY", None, "tokenKey", "A secret (64 hex digits) to mint engagement tokens with, for "
                    "Engagements given no tokenKey input; otherwise one drawn at random once, kept in the provider's "
                    "state (encrypted).")

SETTINGS = {setting.symbol: setting for setting in (REGION, PROFILE, ENDPOINT, RETRY_MODE, MAX_ATTEMPTS, TOKEN_KEY)}
AWS_CONNECTION = (REGION, PROFILE, ENDPOINT, RETRY_MODE, MAX_ATTEMPTS)
"""The settings that say how to reach ssm-contacts (:class:`.aws.AwsSettings`)."""

PLUGIN_NAMESPACE = "incident-manager"


@dataclass(frozen=True)
class Front:
    """A way users reach the package, and how it spells the settings."""

    name: str

    token_key_advice: str
    """Where an Engagement's token key comes from when none is given."""

    def key(self, setting: Setting) -> str:
        """The key a user of this front sets."""
        if self is TERRAFORM:
            return setting.terraform_name
        if self is PLUGIN or setting.python_key is None:
            return f"{PLUGIN_NAMESPACE}:{setting.plugin_name}"
        return setting.python_key


PYTHON = Front("python", "pulumi_incident_manager.Engagement does it for you")
"""Python programs (the dynamic providers and the SDK), and the drill CLI, which reads a Python stack's config."""

PLUGIN = Front("plugin", f"or set the provider's {PLUGIN_NAMESPACE}:{TOKEN_KEY.plugin_name} config")
"""Plugin programs: YAML, TypeScript and every other language the provider plugin serves."""


TERRAFORM = Front("terraform", "token_key = incidentmanager_token_key.<name>.key, or the provider's token_key")
"""HCL configurations run by OpenTofu or Terraform, through the provider ``incident-manager/incidentmanager``."""


def render(text: str, front: Front = PYTHON) -> str:
    """``text`` with each setting it names spelled for ``front``."""
    return _MARKED.sub(lambda match: front.key(SETTINGS[match[1]]), text)
