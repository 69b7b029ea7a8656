"""Each resource declared once: every field's name, AWS member, secrecy, role and description.

Everything else is derived from these declarations: the providers' AWS maps and secret lists, the token's inputs,
the SDK's ``Args`` classes, keyword types and output attributes (generated into
``pulumi_incident_manager/_generated.py``), the policies' field rules, the testing kit's mocks, the input tables of
docs/engagement.md, and the provider plugin's Pulumi schema. ``python -m incident_manager_provider.schema``
rewrites the generated files; a test fails when they are stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

T = TypeVar("T")


def unset(value: Any) -> bool:
    """The one "empty means unset" rule: None, and an empty text or list, are sent to AWS as nothing at all."""
    return value is None or (isinstance(value, str | list | tuple | Mapping) and not value)

Role = Literal["input", "output", "internal"]
Type = Literal["string", "number", "boolean", "array", "object"]

PYTHON_TYPES: dict[str, str] = {"string": "str", "number": "float", "boolean": "bool", "array": "list[str]"}
"""Each field type as the generated SDK annotates it (arrays are of strings; an object is its own TypedDict)."""


@dataclass(frozen=True)
class Field:
    """One property of a resource."""

    name: str
    """The Python (and state) name, snake_case."""
    description: str
    """One sentence for docs, docstrings and the plugin schema."""
    member: str | None = None
    """The AWS member it is sent as (of the resource's operation unless ``operation`` says otherwise)."""
    operation: str | None = None
    """The operation ``member`` belongs to, when not the resource's own (``StopEngagement``'s ``Reason``)."""
    described_as: str | None = None
    """The member of the read operation's answer it is read back from (``ContactArn``)."""
    role: Role = "input"
    """``input`` (also an output), ``output`` only, or ``internal`` (state bookkeeping, in no SDK or schema)."""
    required: bool = False
    secret: bool = False
    """A secret in state, never printed: message text and accept codes."""
    identity: bool = False
    """Part of what the engagement is: a change mints a new token, so the resource is replaced and pages again."""
    replaces: bool = False
    """Any change replaces the resource (PageAcceptance: an acknowledgement cannot be edited)."""
    default: str | None = None
    """What check fills in when the input is unset."""
    doc: str = ""
    """Docs-table note, beside the rule the service model gives."""
    type: Type = "string"
    """The value's type in the SDK, the plugin schema and state."""
    properties: tuple[Field, ...] = ()
    """An object's fields (``type="object"``); its type is named after the field (``stop_when``: ``StopWhen``)."""

    @property
    def type_name(self) -> str:
        """The name of an object field's type in the SDK and the plugin schema (``StopWhen``)."""
        return self.name.title().replace("_", "")

    @property
    def always_set(self) -> bool:
        """Whether the output always has a value (required, or filled in with a default)."""
        return self.required or self.default is not None

    @property
    def camel_name(self) -> str:
        """The name in the Pulumi schema and in YAML and TypeScript programs (``contactId``)."""
        return camel_case(self.name)


def camel_case(name: str) -> str:
    """A snake_case name as the Pulumi schema spells it (``contact_id`` -> ``contactId``)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Resource:
    """A resource: its fields and the AWS operations behind it."""

    name: str
    """The class and type name (``Engagement``)."""
    description: str
    operation: str
    """The operation that creates it, whose input members the fields name."""
    read_operation: str | None
    fields: tuple[Field, ...]

    @property
    def inputs(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.role == "input")

    @property
    def outputs(self) -> tuple[Field, ...]:
        """What the SDK exposes as attributes: every input, then the output-only fields."""
        return self.inputs + tuple(field for field in self.fields if field.role == "output")

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret inputs and outputs (message text, accept codes, keys)."""
        return tuple(field.name for field in self.fields if field.secret and field.role != "internal")

    @property
    def identity(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields if field.identity)

    @property
    def defaults(self) -> Mapping[str, str]:
        return {field.name: field.default for field in self.fields if field.default is not None}

    def with_defaults(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` with each declared default where the value is :func:`unset`."""
        return {**values, **{name: default for name, default in self.defaults.items() if unset(values.get(name))}}

    def members(self, operation: str | None = None) -> Mapping[str, str]:
        """Property -> AWS member, for ``operation`` (default: the resource's own)."""
        wanted = operation or self.operation
        return {
            field.name: field.member
            for field in self.fields
            if field.member is not None and (field.operation or self.operation) == wanted
        }

    def described(self) -> Mapping[str, str]:
        """Member of the read operation's answer -> property it updates."""
        return {field.described_as: field.name for field in self.fields if field.described_as is not None}

    @property
    def camel_names(self) -> Mapping[str, str]:
        """Python name -> the plugin's (and YAML's, TypeScript's) camelCase name, for every field."""
        return {field.name: field.camel_name for field in self.fields}

    @property
    def snake_names(self) -> Mapping[str, str]:
        """camelCase name -> Python name: :attr:`camel_names` turned around."""
        return {field.camel_name: field.name for field in self.fields}

    def in_snake_case(self, values: Mapping[str, T]) -> dict[str, T]:
        """``values`` keyed by camelCase names, keyed by Python names (other keys as they are)."""
        names = self.snake_names
        return {names.get(key, key): value for key, value in values.items()}

    def in_camel_case(self, values: Mapping[str, T]) -> dict[str, T]:
        """``values`` keyed by Python names, keyed by camelCase names (other keys as they are)."""
        names = self.camel_names
        return {names.get(key, key): value for key, value in values.items()}

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if field.name == name)


WITHIN = Field("within", "How long after the engagement started an acknowledgement may come: `90s`, `15m`, `1h30m`.",
               required=True, replaces=True)
BY = Field("by", "Contact aliases or ARNs whose acknowledgement counts; unset: anyone paged.", type="array",
           replaces=True)
CHANNELS = Field("channels", "Channel types whose acknowledgement counts (`SMS`, `VOICE`, `EMAIL`); unset: any.",
                 type="array", replaces=True)
RECEIPT = Field("receipt", "The receipt that counts: `READ` (default, what AcceptPage records) or `DELIVERED`.",
                default="READ", replaces=True)
TERMS = (WITHIN, BY, CHANNELS, RECEIPT)
"""What a drill expects: the inputs of AcknowledgementExpectation, and the fields of an Engagement's ``stop_when``."""

ENGAGEMENT = Resource(
    name="Engagement",
    description=(
        "An Incident Manager engagement, started once per idempotency token: `pulumi up` pages the contact, "
        "escalation plan or on-call schedule once, `pulumi destroy` stops the engagement."
    ),
    operation="StartEngagement",
    read_operation="DescribeEngagement",
    fields=(
        Field("contact_id", "ARN of the contact, escalation plan or on-call schedule to engage.", "ContactId",
              required=True, identity=True, doc="contact, escalation plan or on-call schedule"),
        Field("sender", "Who is paging.", "Sender", described_as="Sender", required=True, identity=True,
              doc="who is paging"),
        Field("subject", "Subject of VOICE and EMAIL pages.", "Subject", described_as="Subject", required=True,
              secret=True, identity=True, doc="VOICE and EMAIL pages"),
        Field("content", "Body of VOICE and EMAIL pages.", "Content", described_as="Content", required=True,
              secret=True, identity=True, doc="VOICE and EMAIL pages"),
        Field("public_subject", "Subject of SMS pages.", "PublicSubject", described_as="PublicSubject", secret=True,
              identity=True, doc="SMS pages"),
        Field("public_content", "Body of SMS pages.", "PublicContent", described_as="PublicContent", secret=True,
              identity=True, doc="SMS pages"),
        Field("incident_id", "The incident the engagement belongs to, free text.", "IncidentId",
              described_as="IncidentId", identity=True, doc="free text"),
        Field("idempotency_token",
              "StartEngagement's token. Unset: minted once from the fields above and `run` with the stack's secret "
              "key, then kept through renames; as an output, the token StartEngagement was called with.",
              "IdempotencyToken", doc="unset: minted once, see below"),
        Field("stop_reason", "Reason given to StopEngagement when the resource is destroyed or replaced; a change "
              "updates in place.", "Reason", operation="StopEngagement",
              doc="sent to StopEngagement at destroy or replacement; a change updates in place with no AWS call"),
        Field("run", "Set a new value to page again with an otherwise unchanged engagement.", identity=True,
              doc="a new value starts a new run of an unchanged drill"),
        Field("stop_when", "Stop the engagement once a drill is decided: `pulumi up` waits (after StartEngagement) "
              "until an acknowledgement meets these terms or `within` has passed, stops it with `stop_reason` and "
              "records `stop_time`.", type="object", properties=TERMS,
              doc="the drill's terms; the create waits for them, stops the engagement and records `stop_time`; "
              "read when the engagement starts only"),
        Field("arn", "The engagement ARN, also the resource id.", described_as="EngagementArn", role="output",
              required=True),
        Field("contact_arn", "The engaged contact, as AWS stored it.", described_as="ContactArn", role="output",
              required=True),
        Field("start_time", "When the engagement started (ISO 8601).", described_as="StartTime", role="output",
              required=True),
        Field("stop_time", "When it was stopped (ISO 8601), if it was.", described_as="StopTime", role="output"),
        Field("token_key", "The stack's token key, from its TokenKey resource.", secret=True, role="internal"),
        Field("explicit_token", "Whether idempotency_token was given rather than minted.", role="internal"),
        Field("minted_token", "The token minted for what the engagement says.", role="internal"),
        Field("adopted_arn", "The engagement `pulumi import` (or `import_`) adopted: kept, never started or "
              "stopped, while the program says what it says.", role="internal"),
        Field("adopted", "The adopted engagement's message fields as DescribeEngagement returned them: what an "
              "unset message field of the program stands for.", secret=True, role="internal"),
    ),
)

PAGE_ACCEPTANCE = Resource(
    name="PageAcceptance",
    description=(
        "An acknowledgement of one page with AcceptPage, as a responder's phone would send it. Any input change "
        "replaces it; destroying it only forgets it (an acknowledgement cannot be undone)."
    ),
    operation="AcceptPage",
    read_operation=None,
    fields=(
        Field("page_id", "ARN of the page to acknowledge.", "PageId", required=True, replaces=True),
        Field("accept_code", "The code the page carried.", "AcceptCode", required=True, secret=True, replaces=True),
        Field("accept_type", "READ (default) or DELIVERED.", "AcceptType", replaces=True, default="READ"),
        Field("contact_channel_id", "ARN of the contact channel the page reached.", "ContactChannelId",
              replaces=True),
        Field("note", "Recorded with the receipt.", "Note", replaces=True, doc="recorded with the receipt"),
        Field("accept_code_validation", "ENFORCE (default) checks the code; IGNORE does not.",
              "AcceptCodeValidation", replaces=True, default="ENFORCE"),
        Field("accepted_at", "When AcceptPage was called (ISO 8601).", role="output", required=True),
    ),
)

TOKEN_KEY = Resource(
    name="TokenKey",
    description="The stack's random secret that engagement tokens are minted with; made once per stack.",
    operation="",
    read_operation=None,
    fields=(Field("key", "32 random bytes in hex.", secret=True, role="output", required=True),),
)

EXPECTATION = Resource(
    name="AcknowledgementExpectation",
    description=(
        "What a drill expects of an engagement: an acknowledgement within a time, by whom, over which channels. "
        "`pulumi up` waits for it (bounded by `within`) and records the verdict; a miss fails the update unless "
        "`onMiss` is `record`."
    ),
    operation="",
    read_operation=None,
    fields=(
        Field("engagement_arn", "The engagement to watch (an Engagement's arn).", required=True, replaces=True),
        *TERMS,
        Field("on_miss", "`fail` (default) fails the update with one sentence; `record` records the verdict and "
              "goes on.", default="fail", replaces=True),
        Field("stop_engagement", "Refused: give the Engagement `stop_when` (the same terms) instead, so that the "
              "Engagement stops itself and its state records `stop_time`.", type="boolean", replaces=True),
        Field("passed", "Whether the expectation was met.", type="boolean", role="output", required=True),
        Field("verdict", "The verdict in one sentence: who was paged, who answered and when.", role="output",
              required=True),
        Field("acknowledged_by", "The contact whose acknowledgement met it.", role="output"),
        Field("channel", "The channel type that acknowledgement came on.", role="output"),
        Field("time_to_acknowledge", "Seconds from the engagement's start to that acknowledgement.", type="number",
              role="output"),
        Field("pages_sent", "Pages the engagement had sent when the verdict was reached.", type="number",
              role="output", required=True),
        Field("paged", "Contacts paged by then (aliases), in the order they were paged.", type="array",
              role="output", required=True),
        Field("deadline", "When the wait ends: the engagement's start plus `within` (ISO 8601).", role="output",
              required=True),
    ),
)

RESOURCES = (ENGAGEMENT, PAGE_ACCEPTANCE, TOKEN_KEY, EXPECTATION)

DYNAMIC_MODULE = "incident-manager"
"""The module of the dynamic resources' type tokens: ``pulumi-python:dynamic/incident-manager:<name>``."""


def dynamic_type(resource: Resource) -> str:
    """The type token the engine records for ``resource`` made with the Python dynamic provider."""
    return f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{resource.name}"


PLUGIN_PACKAGE = "incident-manager"
"""The provider plugin's package: its type tokens are ``incident-manager:index:<name>``."""


def plugin_type(resource: Resource) -> str:
    """The type token of ``resource`` served by the provider plugin (YAML, TypeScript, ...)."""
    return f"{PLUGIN_PACKAGE}:index:{resource.name}"
