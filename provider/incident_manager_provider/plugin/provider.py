"""The adapter: engine requests for ``incident-manager:index:*`` run the very same providers Python programs use.

Each request's camelCase properties become the snake_case dict the providers take (:mod:`.values`), their methods
run on a thread pool (boto3 blocks; up to :data:`CONCURRENCY` calls at once), and the answers go back with the
declared secrets marked secret. Errors are reported by the server (:mod:`.server`), in the plugin's setting names.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .. import PROVIDERS as SERVED
from .. import aws
from ..base import ProviderBase
from ..errors import IncidentManagerError, present
from ..schema import ENGAGEMENT, Resource
from ..settings import PLUGIN
from . import functions
from .schema import CONFIG, PACKAGE, RESOURCE_TYPES, package_schema
from .values import camel, failure, plain, snake

CONCURRENCY = 32
"""Provider calls served at once (the Python dynamic provider's server answers 4)."""

PROVIDERS: dict[Resource, Callable[[], ProviderBase]] = dict(SERVED)


class IncidentManagerProvider(Provider):
    """Engine-facing CRUD for ``incident-manager:index:*``, delegating to the dynamic providers' methods."""

    def __init__(self) -> None:
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
        return CheckResponse(
            inputs=camel(resource, result.inputs),
            failures=[failure(resource, found) for found in result.failures or []],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        resource, core = self._core(request.type)
        news = snake(resource, request.new_inputs)
        result = await self._run(core.diff, request.resource_id, snake(resource, request.old_state), news)
        replaces = [resource.camel_names.get(name, name) for name in result.replaces or []]
        # Engagements are replaced delete-before-replace, as the dynamic SDK forces: see docs/engagement.md.
        return DiffResponse(
            changes=bool(result.changes),
            replaces=replaces,
            delete_before_replace=resource is ENGAGEMENT,
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
