"""The provider plugin: the same resources, with a Pulumi schema, for YAML, TypeScript and every other language.

A resource provider served with ``pulumi.provider.experimental`` (``provider/plugin/__main__.py`` starts it). It is
an adapter, not a second implementation: each request's camelCase properties become the snake_case dict the dynamic
providers take, the very same ``EngagementProvider``/``PageAcceptanceProvider``/``TokenKeyProvider`` methods run
(on a thread pool, since boto3 blocks; up to :data:`CONCURRENCY` calls at once), and the answers go back with the
fields :mod:`.schema` declares secret marked secret. The package schema is derived from the same declarations.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pulumi.dynamic import CheckFailure as DynamicCheckFailure
from pulumi.dynamic import ResourceProvider
from pulumi.output import UNKNOWN, Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
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
from pulumi.runtime import rpc

from . import api, aws
from .engagement import EngagementProvider
from .errors import IncidentManagerError
from .expectation import AcknowledgementExpectationProvider
from .page_acceptance import PageAcceptanceProvider
from .records import iso_time
from .schema import ENGAGEMENT, EXPECTATION, PAGE_ACCEPTANCE, PLUGIN_PACKAGE, TOKEN_KEY, Field, Resource, plugin_type
from .token_key import TokenKeyProvider

PACKAGE = PLUGIN_PACKAGE
VERSION = "0.1.0"
CONCURRENCY = 32
"""Provider calls served at once (the Python dynamic provider's server answers 4)."""

RESOURCES: dict[str, tuple[Resource, Callable[[], ResourceProvider]]] = {
    plugin_type(resource): (resource, factory)
    for resource, factory in (
        (ENGAGEMENT, EngagementProvider),
        (PAGE_ACCEPTANCE, PageAcceptanceProvider),
        (TOKEN_KEY, TokenKeyProvider),
        (EXPECTATION, AcknowledgementExpectationProvider),
    )
}

CONFIG = {
    "region": ("aws:region", "AWS region of the endpoint and of ARNs; otherwise AWS_REGION, AWS_DEFAULT_REGION or "
                             "the profile's region."),
    "profile": ("aws:profile", "Shared-config profile; otherwise AWS_PROFILE or the default credential chain."),
    "endpoint": ("incident-manager:endpoint", "Endpoint URL; otherwise AWS_ENDPOINT_URL_SSM_CONTACTS, "
                                              "AWS_ENDPOINT_URL or the shared config file's services section."),
    "retryMode": ("incident-manager:retryMode", "standard or adaptive; otherwise AWS_RETRY_MODE, then standard."),
    "maxAttempts": ("incident-manager:maxAttempts", "Attempts per call; otherwise AWS_MAX_ATTEMPTS, then 10."),
    "tokenKey": ("incident-manager:tokenKey", "A secret (64 hex digits) to mint engagement tokens with, for "
                                              "Engagements given no tokenKey input."),
}
"""Plugin config (``incident-manager:<key>``) -> the setting key the dynamic provider reads, and its description."""

# Inputs of the plugin's Engagement beyond the shared declaration: the stack key that tokens are minted with.
TOKEN_KEY_INPUT = Field("token_key", "The stack's token key, from a TokenKey resource's key (or the provider's "
                        "tokenKey config): what idempotency tokens are minted with.", secret=True)


# ---------------------------------------------------------------------------------------------------------
# The schema


def _type_token(field: Field) -> str:
    return f"{PACKAGE}:index:{field.type_name}"


def _property(field: Field) -> dict[str, Any]:
    if field.type == "object":
        return {"$ref": f"#/types/{_type_token(field)}", "description": field.description}
    spec: dict[str, Any] = {"type": field.type, "description": field.description}
    if field.type == "array":
        spec["items"] = {"type": "string"}
    if field.secret:
        spec["secret"] = True
    if field.default is not None:
        spec["default"] = field.default
    return spec


def _resource_spec(resource: Resource) -> dict[str, Any]:
    inputs = [*resource.inputs, TOKEN_KEY_INPUT] if resource is ENGAGEMENT else list(resource.inputs)
    return {
        "description": resource.description,
        "inputProperties": {field.camel_name: _property(field) for field in inputs},
        "requiredInputs": [field.camel_name for field in inputs if field.required],
        "properties": {field.camel_name: _property(field) for field in resource.outputs},
        "required": [field.camel_name for field in resource.outputs if field.always_set],
    }


def _object_type(field: Field) -> dict[str, Any]:
    """The schema type of an object field (``StopWhen``), its properties declared once in :mod:`.schema`."""
    return {
        "description": field.description,
        "properties": {part.camel_name: _property(part) for part in field.properties},
        "required": [part.camel_name for part in field.properties if part.required],
        "type": "object",
    }


def _object(properties: Mapping[str, str], required: list[str]) -> dict[str, Any]:
    return {
        "properties": {name: {"type": "string", "description": text} for name, text in properties.items()},
        "required": required,
        "type": "object",
    }


FUNCTIONS = {
    "getEngagement": (
        "An engagement, read with DescribeEngagement (message fields secret).",
        _object({"arn": "The engagement ARN."}, ["arn"]),
        {**_resource_spec(ENGAGEMENT)["properties"]},
    ),
    "listPages": (
        "Every page an engagement sent (one per engaged contact channel), following NextToken.",
        _object({"engagementArn": "The engagement ARN."}, ["engagementArn"]),
        {"pages": {"type": "array", "items": {"$ref": "#/types/incident-manager:index:Page"}}},
    ),
}

PAGE_TYPE = _object(
    {
        "pageArn": "The page ARN.",
        "engagementArn": "The engagement that sent it.",
        "contactArn": "The contact it went to.",
        "sender": "Who paged.",
        "incidentId": "The engagement's incident.",
        "sentTime": "When it was sent (ISO 8601).",
        "deliveryTime": "When it was delivered (ISO 8601), if it was.",
        "readTime": "When it was read (ISO 8601), if it was.",
    },
    ["pageArn", "engagementArn", "contactArn", "sender"],
)


def package_schema() -> dict[str, Any]:
    """The Pulumi package schema of the plugin, derived from :mod:`.schema`."""
    functions = {}
    for name, (description, inputs, outputs) in FUNCTIONS.items():
        functions[f"{PACKAGE}:index:{name}"] = {
            "description": description,
            "inputs": inputs,
            "outputs": {"properties": outputs, "type": "object"},
        }
    return {
        "name": PACKAGE,
        "displayName": "AWS Incident Manager engagements",
        "version": VERSION,
        "description": "Declarative AWS Incident Manager engagements: page people from code, exactly once.",
        "license": "Apache-2.0",
        "config": {"variables": {name: {"type": "string", "description": text} for name, (_, text) in
                                 CONFIG.items()}},
        "provider": {
            "description": "Where to reach ssm-contacts and the key tokens are minted with.",
            "inputProperties": {name: {"type": "string", "description": text} for name, (_, text) in CONFIG.items()},
        },
        "resources": {token: _resource_spec(resource) for token, (resource, _) in RESOURCES.items()},
        "functions": functions,
        "types": {
            f"{PACKAGE}:index:Page": PAGE_TYPE,
            **{_type_token(field): _object_type(field) for resource, _ in RESOURCES.values()
               for field in resource.fields if field.type == "object"},
        },
        "language": {
            "nodejs": {"packageName": "@incident-manager/pulumi", "respectSchemaVersion": True},
            # Python programs use the dynamic provider's SDK, `pulumi_incident_manager`; a generated SDK for this
            # plugin gets a name of its own so that the two never collide.
            "python": {"packageName": "pulumi_incident_manager_plugin", "respectSchemaVersion": True},
        },
    }


# ---------------------------------------------------------------------------------------------------------
# Values between the engine's PropertyValues and the core's plain dicts


def _plain(value: PropertyValue) -> Any:
    # An unknown arrives as Computed, or (an output value not yet known) as the runtime's unknown sentinel string.
    if isinstance(value.value, Computed) or value.value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value.value, Mapping):
        return {key: _plain(item) for key, item in value.value.items()}
    if isinstance(value.value, tuple):
        return [_plain(item) for item in value.value]
    return value.value


def _snake(resource: Resource, properties: Mapping[str, PropertyValue]) -> dict[str, Any]:
    # Internal fields too: they travel in state.
    return resource.in_snake_case({key: _plain(value) for key, value in properties.items()})


def _wrap(value: Any, secret: bool) -> PropertyValue:
    if isinstance(value, Unknown):
        # The engine reads the runtime's sentinel as unknown; PropertyValue cannot marshal Computed (3.259).
        return PropertyValue(rpc.UNKNOWN)
    if isinstance(value, bool | float | str) or value is None:
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([_wrap(item, False) for item in value], is_secret=secret)
    if isinstance(value, Mapping):  # an object input (stopWhen); its fields' names are single words
        return PropertyValue({key: _wrap(item, False) for key, item in value.items()}, is_secret=secret)
    return PropertyValue(str(value), is_secret=secret)


def _camel(resource: Resource, values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    fields = {field.name: field for field in (*resource.fields, TOKEN_KEY_INPUT)}
    wrapped = {}
    for name, value in values.items():
        field = fields.get(name)
        wrapped[field.camel_name if field else name] = _wrap(value, bool(field and field.secret))
    return wrapped


def _reason(resource: Resource, text: str) -> str:
    """A check failure's reason with the properties named as the program names them (``contactId``)."""
    names = {name: camel for name, camel in resource.camel_names.items() if name != camel}
    if not names:
        return text
    return re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b", lambda match: names[match[1]], text)


def _failure(resource: Resource, failure: DynamicCheckFailure) -> CheckFailure:
    name = resource.camel_names.get(failure.property, failure.property)
    return CheckFailure(name, _reason(resource, failure.reason))


# ---------------------------------------------------------------------------------------------------------
# The provider


class IncidentManagerProvider(Provider):
    """Engine-facing CRUD for ``incident-manager:index:*``, delegating to the dynamic providers' methods."""

    def __init__(self) -> None:
        self.settings = aws.AwsSettings()
        self.token_key: str | None = None
        self._pool = ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="incident-manager")

    async def _run(self, call: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    def _core(self, type_token: str) -> tuple[Resource, ResourceProvider]:
        resource, factory = RESOURCES[type_token]
        core = factory()
        core.settings = self.settings  # type: ignore[attr-defined]
        return resource, core

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(package_schema()))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Settings from ``incident-manager:*`` config, read as the dynamic provider reads its stack config."""
        # Variables arrive as `incident-manager:config:<name>` (older engines) or `incident-manager:<name>`.
        given = {key.rsplit(":", 1)[-1]: value for key, value in request.variables.items()}
        given.update({key: str(value.value) for key, value in request.args.items()
                      if isinstance(value.value, str | float) and key in CONFIG})
        settings = {setting: given.get(name) for name, (setting, _) in CONFIG.items()}
        self.settings = aws.AwsSettings.from_config(settings.get)
        self.token_key = given.get("tokenKey") or None
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def check(self, request: CheckRequest) -> CheckResponse:
        resource, core = self._core(request.type)
        olds, news = _snake(resource, request.old_inputs), _snake(resource, request.new_inputs)
        if resource is ENGAGEMENT and not news.get("token_key") and self.token_key:
            news["token_key"] = self.token_key
        result = await self._run(core.check, olds, news)
        return CheckResponse(
            inputs=_camel(resource, result.inputs),
            failures=[_failure(resource, failure) for failure in result.failures or []],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        resource, core = self._core(request.type)
        news = _snake(resource, request.new_inputs)
        result = await self._run(core.diff, request.resource_id, _snake(resource, request.old_state), news)
        replaces = [resource.camel_names.get(name, name) for name in result.replaces or []]
        # Engagements are replaced delete-before-replace, as the dynamic SDK forces: see docs/engagement.md.
        return DiffResponse(
            changes=bool(result.changes),
            replaces=replaces,
            delete_before_replace=resource is ENGAGEMENT,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        resource, core = self._core(request.type)
        result = await self._run(core.create, _snake(resource, request.properties))
        return CreateResponse(result.id, _camel(resource, result.outs or {}))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """A refresh, or ``pulumi import`` (no previous properties): then the inputs come from what AWS stored."""
        resource, core = self._core(request.type)
        props = _snake(resource, request.properties)
        result = await self._run(core.read, request.resource_id, props)
        outs = result.outs or {}
        if resource is ENGAGEMENT and not request.inputs and outs:
            inputs = {field.name: outs.get(field.name) for field in resource.inputs if field.identity}
            inputs["contact_id"] = outs.get("contact_arn")
        else:
            inputs = _snake(resource, request.inputs)
        return ReadResponse(result.id or None, _camel(resource, outs), _camel(resource, inputs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        resource, core = self._core(request.type)
        result = await self._run(
            core.update, request.resource_id, _snake(resource, request.olds), _snake(resource, request.news)
        )
        return UpdateResponse(_camel(resource, result.outs or {}))

    async def delete(self, request: DeleteRequest) -> None:
        resource, core = self._core(request.type)
        await self._run(core.delete, request.resource_id, _snake(resource, request.properties))

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        args = {key: _plain(value) for key, value in request.args.items()}
        try:
            if request.tok == f"{PACKAGE}:index:getEngagement":
                returned = await self._run(self._get_engagement, str(args["arn"]))
            elif request.tok == f"{PACKAGE}:index:listPages":
                returned = await self._run(self._list_pages, str(args["engagementArn"]))
            else:
                raise IncidentManagerError(f"{request.tok} is not a function of the {PACKAGE} package.")
        except IncidentManagerError as error:
            return InvokeResponse(failures=[CheckFailure("", str(error))])
        return InvokeResponse(return_value=returned)

    def _get_engagement(self, arn: str) -> dict[str, PropertyValue]:
        client = aws.client(self.settings, arn=arn, operation="DescribeEngagement")
        live = api.get_engagement(client, arn)
        values = {name: getattr(live, name) for name in ENGAGEMENT.described().values()}
        values.update(arn=live.arn, start_time=iso_time(live.start_time), stop_time=iso_time(live.stop_time))
        return _camel(ENGAGEMENT, values)

    def _list_pages(self, engagement_arn: str) -> dict[str, PropertyValue]:
        client = aws.client(self.settings, arn=engagement_arn, operation="ListPagesByEngagement")
        pages = []
        for page in api.list_pages(client, engagement_arn):
            fields = {
                "pageArn": page.page_arn, "engagementArn": page.engagement_arn, "contactArn": page.contact_arn,
                "sender": page.sender, "incidentId": page.incident_id, "sentTime": iso_time(page.sent_time),
                "deliveryTime": iso_time(page.delivery_time), "readTime": iso_time(page.read_time),
            }
            pages.append(PropertyValue({key: _wrap(value, False) for key, value in fields.items()}))
        return {"pages": PropertyValue(pages)}


def main() -> None:
    """Serve the plugin (``python -m incident_manager_provider.plugin <engine address>``)."""
    import sys

    from pulumi.provider.experimental.server import main as serve

    serve(sys.argv[1:], VERSION, IncidentManagerProvider())


if __name__ == "__main__":
    main()
