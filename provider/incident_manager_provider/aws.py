"""Where the ssm-contacts client comes from: settings read from stack config or the AWS environment.

Providers are pickled into every resource's state, so they hold only an :class:`AwsSettings` (plain strings)
and ask :func:`client` for a boto3 client inside each call. Credentials always come from botocore's standard
chain (environment, profile, SSO, container or instance role) and are never stored anywhere.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import pacing
from .errors import InvalidInputError, aws_errors
from .settings import AWS_CONNECTION, ENDPOINT, MAX_ATTEMPTS, PROFILE, PYTHON, REGION, RETRY_MODE, Front, Setting

SERVICE_NAME = "ssm-contacts"
USER_AGENT = "pulumi-incident-manager/0.1.0"

DEFAULT_RETRY_MODE = "standard"
# Three attempts (botocore's default) give up on a throttled burst within a second or two; ten ride it out.
DEFAULT_MAX_ATTEMPTS = 10
RETRY_MODES = ("standard", "adaptive")

SETTING_KEYS = tuple(str(setting.python_key) for setting in AWS_CONNECTION)
"""Every stack config key a Python program sets (:mod:`.settings`): all that its resources' provider carries into
state."""

AWS_SETTINGS = {
    "retry_mode": "AWS_RETRY_MODE (or the AWS profile's retry_mode)",
    "max_attempts": "AWS_MAX_ATTEMPTS (or the AWS profile's max_attempts)",
}
"""botocore's config variables that the package reads, as a user sets them: what an error about one names."""

_ATTEMPTS_RULE = "must be a whole number of attempts, at least 1"
_RETRY_MODE_RULE = f"must be {' or '.join(RETRY_MODES)}"


@dataclass(frozen=True)
class AwsSettings:
    """How to reach ssm-contacts. ``None`` leaves the choice to the AWS environment."""

    region: str | None = None
    """Region name; otherwise ``AWS_REGION``/``AWS_DEFAULT_REGION`` or the profile's region."""

    profile: str | None = None
    """Shared-config profile; otherwise ``AWS_PROFILE`` or the default chain."""

    endpoint_url: str | None = None
    """Endpoint override; otherwise ``AWS_ENDPOINT_URL_SSM_CONTACTS``, ``AWS_ENDPOINT_URL`` or the shared config."""

    retry_mode: str | None = None
    """``standard`` or ``adaptive``; otherwise ``AWS_RETRY_MODE``, then ``standard``."""

    max_attempts: int | None = None
    """Total attempts per call, first one included; otherwise ``AWS_MAX_ATTEMPTS``, then 10."""

    @classmethod
    def from_config(cls, get: Callable[[str], Any], front: Front = PYTHON) -> AwsSettings:
        """Read the settings through a config getter (``ConfigureRequest.config.get`` or a Pulumi ``Config``),
        which answers the keys ``front`` spells (``aws:region`` for Python programs); blank counts as unset."""

        def text(setting: Setting) -> str | None:
            value = get(front.key(setting))
            return None if value is None else str(value).strip() or None

        attempts = text(MAX_ATTEMPTS)
        if attempts is not None and not (attempts.isascii() and attempts.isdigit() and int(attempts) > 0):
            raise InvalidInputError(f"{MAX_ATTEMPTS} {_ATTEMPTS_RULE}, not {attempts!r}")
        retry_mode = text(RETRY_MODE)
        if retry_mode is not None and retry_mode not in RETRY_MODES:
            raise InvalidInputError(f"{RETRY_MODE} {_RETRY_MODE_RULE}, not {retry_mode!r}")
        return cls(
            region=text(REGION),
            profile=text(PROFILE),
            endpoint_url=text(ENDPOINT),
            retry_mode=retry_mode,
            max_attempts=int(attempts) if attempts else None,
        )

    def retries(self, from_aws: Callable[[str], Any]) -> dict[str, Any]:
        """botocore's ``retries`` option: stack config first, then what the AWS environment sets
        (``AWS_RETRY_MODE``/``AWS_MAX_ATTEMPTS`` or the profile's ``retry_mode``/``max_attempts``), then a patient
        default. ``from_aws`` answers botocore's config variable names, ``None`` where nothing sets them."""
        mode = self.retry_mode or from_aws("retry_mode") or DEFAULT_RETRY_MODE
        if mode not in RETRY_MODES:
            # botocore also knows "legacy", which the pacer and the attempt counts here do not fit.
            source = str(RETRY_MODE) if self.retry_mode else AWS_SETTINGS["retry_mode"]
            raise InvalidInputError(
                f"{source} {_RETRY_MODE_RULE}, not {mode!r}"
                + ("" if self.retry_mode else f"; change it, or set {RETRY_MODE}, which comes first")
            )
        attempts = self.max_attempts or int(from_aws("max_attempts") or DEFAULT_MAX_ATTEMPTS)
        if attempts < 1:
            raise InvalidInputError(f"{AWS_SETTINGS['max_attempts']} {_ATTEMPTS_RULE}, not {attempts}")
        return {"mode": mode, "total_max_attempts": attempts}


def _build(settings: AwsSettings, environ: Mapping[str, str]) -> Any:
    # Imported here: boto3 and botocore's client take a few hundred milliseconds to import, which a process that
    # never calls AWS (the program, the provider during preview or a no-op up) should not pay.
    import boto3
    import botocore.config
    import botocore.exceptions
    import botocore.session

    # botocore reads AWS_DEFAULT_REGION but not AWS_REGION, which other AWS SDKs prefer; blank means unset.
    region = settings.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
    core = botocore.session.Session(profile=settings.profile)
    session = boto3.session.Session(botocore_session=core, region_name=region)
    if not session.region_name:
        # Without this botocore would build the endpoint "ssm-contacts..amazonaws.com" and fail obscurely.
        raise botocore.exceptions.NoRegionError()

    def from_aws(name: str) -> Any:
        try:
            return core.get_config_variable(name, methods=("env", "config"))
        except ValueError:  # botocore's int() of a max_attempts that is not a number
            given = environ.get(f"AWS_{name.upper()}") or core.get_scoped_config().get(name)
            raise InvalidInputError(f"{AWS_SETTINGS[name]} {_ATTEMPTS_RULE}, not {given!r}") from None

    retries = settings.retries(from_aws)
    built = session.client(
        SERVICE_NAME,
        endpoint_url=settings.endpoint_url,
        config=botocore.config.Config(retries=retries, user_agent_extra=USER_AGENT),
    )
    if retries["mode"] == "standard" and pacing.enabled():
        # One pace per endpoint for all of this process's threads, learned from throttling answers (pacing.py).
        pacing.attach(built, retries["total_max_attempts"])
    return built


# boto3 clients are thread-safe but slow to build (tens of milliseconds), and the dynamic-provider server
# answers on four threads. One client per settings and AWS environment, built on first use in this process,
# keeps each call cheap and lets the adaptive retry mode's rate limiter see every call.
_clients: dict[tuple[AwsSettings, tuple[tuple[str, str], ...]], Any] = {}
_clients_lock = threading.Lock()


_override: contextvars.ContextVar[Any] = contextvars.ContextVar("incident_manager_client_override", default=None)


@contextlib.contextmanager
def client_override(replacement: Any) -> Iterator[None]:
    """Within the block, :func:`client` answers ``replacement`` (the testing kit's injection point)."""
    token = _override.set(replacement)
    try:
        yield
    finally:
        _override.reset(token)


def overridden() -> Any | None:
    """The client :func:`client_override` put in place here, if any."""
    return _override.get()


def client(settings: AwsSettings | None = None, *, operation: str, arn: str | None = None) -> Any:
    """The ssm-contacts client for ``settings`` and the current AWS environment variables.

    With ``arn``, the client of the region that ARN names: an existing engagement or page is read, stopped and
    acknowledged where it lives, even after ``aws:region`` changed for new ones. A client that cannot be made (no
    region, an unknown profile, a bad endpoint URL) raises one sentence naming ``operation``.
    """
    if (replacement := _override.get()) is not None:
        return replacement
    settings = settings or AwsSettings()
    if arn is not None and (region := region_of(arn)) and region != settings.region:
        settings = dataclasses.replace(settings, region=region)
    environ = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    key = (settings, tuple(sorted(environ.items())))
    with _clients_lock, aws_errors(operation):
        found = _clients.get(key)
        if found is None:
            found = _clients[key] = _build(settings, environ)
        return found


def region_of(arn: str) -> str | None:
    """The region an ARN names (``arn:aws:ssm-contacts:<region>:...``), or None for anything else."""
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) == 6 and parts[0] == "arn" else None
