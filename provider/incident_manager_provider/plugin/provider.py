"""The adapter: engine requests for ``incident-manager:index:*`` run the very same providers Python programs use.

Each request's camelCase properties become the snake_case dict the providers take (:mod:`.values`), their methods
run on a thread pool (boto3 blocks; up to :data:`CONCURRENCY` calls at once), and the answers go back with the
declared secrets marked secret. Errors are reported by the server (:mod:`.server`), in the plugin's setting names.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .. import PROVIDERS as SERVED
from .. import aws
from ..base import Diff, ProviderBase
from ..errors import IncidentManagerError, present
from ..schema import ENGAGEMENT, EXPECTATION, Resource, unset
from ..settings import PLUGIN, TOKEN_KEY
from ..token_key import KEY_BYTES
from ..validation import is_unknown
from ..verdict import Terms
from . import functions
from .host import EngineLog
from .schema import CONFIG, PACKAGE, RESOURCE_TYPES, package_schema
from .values import camel, failure, plain, snake

CONCURRENCY = 32
"""Provider calls served at once (the Python dynamic provider's server answers 4)."""

PROVIDERS: dict[Resource, Callable[[], ProviderBase]] = dict(SERVED)


class IncidentManagerProvider(Provider):
    """Engine-facing CRUD for ``incident-manager:index:*``, delegating to the dynamic providers' methods."""

    def __init__(self, engine_address: str | None = None) -> None:
        self.log = EngineLog(engine_address)
        self.settings = aws.AwsSettings()
        self.token_key: str | None = None
        self._pool = ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="incident-manager")

    async def _run(self, call: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    def _core(self, type_token: str) -> tuple[Resource, ProviderBase]:
        resource = RESOURCE_TYPES[type_token]
        core = PROVIDERS[resource]()
        core.settings, core.front = self.settings, PLUGIN
        return resource, core

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(package_schema()))

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        """The provider's inputs, with a ``tokenKey`` drawn once per provider when none is configured.

        The engine records the inputs this returns in the provider's state (the key as a secret: encrypted) and
        passes them back as the old inputs next time, so the key, and every token minted from it, stays the stack's
        until the provider is deleted: plugin programs need neither a TokenKey resource nor config, as Python ones.
        """
        inputs = dict(request.new_inputs)
        if not inputs.get(TOKEN_KEY.plugin_name, PropertyValue(None)).value:
            kept = request.old_inputs.get(TOKEN_KEY.plugin_name, PropertyValue(None)).value
            inputs[TOKEN_KEY.plugin_name] = PropertyValue(kept or secrets.token_hex(KEY_BYTES), is_secret=True)
        return CheckResponse(inputs=inputs)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Settings from ``incident-manager:*`` config, read as the dynamic provider reads its stack config."""
        # Variables arrive as `incident-manager:config:<name>` (older engines) or `incident-manager:<name>`.
        given = {key.rsplit(":", 1)[-1]: value for key, value in request.variables.items()}
        given.update({key: str(value.value) for key, value in request.args.items()
                      if isinstance(value.value, str | float) and key in CONFIG})
        self.settings = aws.AwsSettings.from_config(lambda key: given.get(key.rsplit(":", 1)[-1]), PLUGIN)
        self.token_key = given.get("tokenKey") or None
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def check(self, request: CheckRequest) -> CheckResponse:
        resource, core = self._core(request.type)
        olds, news = snake(resource, request.old_inputs), snake(resource, request.new_inputs)
        if resource is ENGAGEMENT and not news.get("token_key") and self.token_key:
            news["token_key"] = self.token_key
        result = await self._run(core.check, olds, news)
        note = None if result.failures else planned_wait(resource, olds, result.inputs)
        if note:
            await self.log.info(request.urn, note)
        return CheckResponse(
            inputs=camel(resource, result.inputs),
            failures=[failure(resource, found) for found in result.failures or []],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        """The core's diff, with a detailed diff naming each changed input so the engine shows why (secrets as
        ``[secret]``): ``[diff: ~content,idempotencyToken]`` on a replacement's line, and each marked in ``--diff``."""
        resource, core = self._core(request.type)
        olds, news = snake(resource, request.old_state), snake(resource, request.new_inputs)
        result: Diff = await self._run(core.diff, request.resource_id, olds, news)
        replaces = result.replaces or []
        detailed = {
            resource.camel_names.get(name, name): PropertyDiff(_kind(olds.get(name), news.get(name), name in replaces),
                                                               input_diff=True)
            for name in result.changed
        }
        # Engagements are replaced delete-before-replace, as the dynamic SDK forces: see docs/engagement.md.
        return DiffResponse(
            changes=bool(detailed),
            replaces=[resource.camel_names.get(name, name) for name in replaces],
            delete_before_replace=resource is ENGAGEMENT,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        resource, core = self._core(request.type)
        result = await self._run(core.create, snake(resource, request.properties))
        return CreateResponse(result.id, camel(resource, result.outs or {}))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """A refresh, or ``pulumi import`` (no previous properties): then the inputs come from what AWS stored."""
        resource, core = self._core(request.type)
        props = snake(resource, request.properties)
        result = await self._run(core.read, request.resource_id, props)
        inputs = result.inputs if result.inputs is not None else snake(resource, request.inputs)
        return ReadResponse(result.id or None, camel(resource, result.outs or {}), camel(resource, inputs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        resource, core = self._core(request.type)
        result = await self._run(
            core.update, request.resource_id, snake(resource, request.olds), snake(resource, request.news)
        )
        return UpdateResponse(camel(resource, result.outs or {}))

    async def delete(self, request: DeleteRequest) -> None:
        resource, core = self._core(request.type)
        await self._run(core.delete, request.resource_id, snake(resource, request.properties))

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        args = {key: plain(value) for key, value in request.args.items()}
        try:
            if request.tok == f"{PACKAGE}:index:getEngagement":
                returned = await self._run(functions.get_engagement, self.settings, str(args["arn"]))
            elif request.tok == f"{PACKAGE}:index:listPages":
                returned = await self._run(functions.list_pages, self.settings, str(args["engagementArn"]))
            else:
                raise IncidentManagerError(f"{request.tok} is not a function of the {PACKAGE} package.")
        except IncidentManagerError as error:
            return InvokeResponse(failures=[CheckFailure("", present(error, PLUGIN))])
        return InvokeResponse(return_value=returned)


def planned_wait(resource: Resource, olds: dict[str, Any], inputs: dict[str, Any]) -> str | None:
    """What the next ``up`` will wait for, when ``inputs`` (checked) start a wait: a new or changed expectation, or an
    engagement with ``stop_when`` that will be started. Said at check, the one call a preview makes, as the Python
    SDK says it at preview; terms not known yet are said nothing of."""
    if resource is EXPECTATION and inputs != olds:
        terms = inputs
        then = ""
    elif resource is ENGAGEMENT and inputs.get("stop_when") and inputs.get("idempotency_token") != olds.get(
            "idempotency_token"):
        terms = inputs["stop_when"]
        then = ", then stop the engagement"
    else:
        return None
    if not isinstance(terms, dict) or any(is_unknown(terms.get(name)) for name in ("within", "by", "channels")):
        return None
    return f"{Terms.of(terms).the_wait()}{then}"


def _kind(old: Any, new: Any, replaces: bool) -> PropertyDiffKind:
    """How one input changed: set where it was unset, unset where it was set, or else changed."""
    if unset(old) and not unset(new):
        return PropertyDiffKind.ADD_REPLACE if replaces else PropertyDiffKind.ADD
    if unset(new) and not unset(old):
        return PropertyDiffKind.DELETE_REPLACE if replaces else PropertyDiffKind.DELETE
    return PropertyDiffKind.UPDATE_REPLACE if replaces else PropertyDiffKind.UPDATE
