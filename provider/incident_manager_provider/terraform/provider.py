"""The adapter: OpenTofu/Terraform calls for ``incidentmanager_*`` run the very same providers Python programs use.

The ``tf`` package speaks the plugin protocol; each call here turns its state into the core's snake_case dict (the
attribute names are the core's names: nothing to map but unknown values), runs the core's method, and returns what
it answers inside the rules of the protocol:

- validate and plan: the core's ``check`` (validation, defaults, the token) and ``diff`` (what replaces), no AWS call. A
  configured value is planned as written, a value the core fills in as it fills it in, an output as unknown; a
  minted token is unknown until apply, which mints it again from the same key and message: a re-run after a crash
  mints the same token, so StartEngagement answers with the engagement it already started.
- apply: ``create``/``update``/``delete``; the new state is the plan with its unknowns filled in from the core's
  outputs. read (refresh) overlays the core's outputs; ``None`` when the engagement is gone.
- Every failure is a diagnostic of one sentence (:func:`..errors.present`, the provider block's argument names),
  pointing at the attribute it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import grpc
import msgpack
from pulumi.dynamic import CheckFailure
from pulumi.output import UNKNOWN
from pulumi.output import Unknown as CoreUnknown
from tf.gen import tfplugin_pb2 as pb
from tf.iface import (
    CreateContext,
    DataSource,
    DeleteContext,
    ImportContext,
    ReadContext,
    ReadDataContext,
    UpdateContext,
    UpgradeContext,
)
from tf.iface import Provider as TfProvider
from tf.iface import Resource as TfResource
from tf.provider import ProviderServicer, _decode_state, _encode_state
from tf.schema import Schema
from tf.types import Unknown
from tf.utils import Diagnostics, _to_attribute_path, read_dynamic_value

from .. import PROVIDERS, api, aws
from ..base import ProviderBase
from ..errors import IncidentManagerError, present
from ..records import engagement_outputs, page_outputs
from ..schema import ENGAGEMENT, Resource
from ..settings import TERRAFORM, TOKEN_KEY
from . import schema as tf_schema

State = dict[str, Any]


def to_core(value: Any) -> Any:
    """A value as the core takes it: the plugin protocol's unknown becomes Pulumi's (what ``is_unknown`` sees). A
    refined unknown (``"[DRILL] ${var.subject}"`` while validating: known to start with "[DRILL] ") is a msgpack
    extension the tf package leaves undecoded; it is unknown all the same."""
    if value is Unknown or isinstance(value, msgpack.ExtType):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: to_core(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_core(item) for item in value]
    return value


def from_core(value: Any) -> Any:
    if isinstance(value, CoreUnknown):
        return Unknown
    if isinstance(value, Mapping):
        return {key: from_core(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [from_core(item) for item in value]
    return value


def report(diags: Diagnostics, failures: list[CheckFailure] | None) -> None:
    """Check failures as diagnostics: the core's sentence, pointing at the attribute it names."""
    for found in failures or []:
        diags.add_error(found.reason, path=found.property.split(".") if found.property else None)


def fail(diags: Diagnostics, error: IncidentManagerError) -> None:
    diags.add_error(present(error, TERRAFORM))


class CoreResource(TfResource):  # type: ignore[misc]
    """One resource of :mod:`..schema`, served by its core provider."""

    declaration: ClassVar[Resource]
    core: ClassVar[type[ProviderBase]]

    def __init__(self, provider: IncidentManagerProvider) -> None:
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return tf_schema.type_name(cls.declaration).removeprefix(tf_schema.PREFIX)

    @classmethod
    def get_schema(cls) -> Schema:
        return tf_schema.resource_schema(cls.declaration)

    @classmethod
    def attributes(cls) -> dict[str, Any]:
        return {attr.name: attr for attr in tf_schema.resource_attributes(cls.declaration)}

    def _core(self) -> ProviderBase:
        core = self.core()
        core.settings, core.front = self.provider.settings, TERRAFORM
        return core

    # What the core is given ------------------------------------------------------------------------------------

    def inputs(self, values: Mapping[str, Any]) -> State:
        """The configured inputs among ``values`` (unset ones left out, as a program leaves them out)."""
        names = {name for name, attr in self.attributes().items() if attr.required or attr.optional}
        return {name: to_core(value) for name, value in values.items() if name in names and value is not None}

    @classmethod
    def recorded(cls, state: Mapping[str, Any]) -> State:
        """A state as the core reads its previous outputs."""
        return {name: to_core(value) for name, value in state.items() if name != tf_schema.ID and value is not None}

    @classmethod
    def complete(cls, values: Mapping[str, Any]) -> State:
        """Every attribute, null where ``values`` has none (the protocol wants the whole object)."""
        return {name: values.get(name) for name in cls.attributes()}

    # Validate and plan -----------------------------------------------------------------------------------------

    def validate(self, diags: Diagnostics, type_name: str, config: State) -> None:
        """The tf package's checks (no unknown or read-only attribute set), then the core's check of what is known
        already: ``tofu validate`` names a bad attribute before any plan (variables are unknown there)."""
        super().validate(diags, type_name, config)
        if not diags.has_errors():
            report(diags, self._core().check({}, self.validated(config)).failures)

    def validated(self, config: State) -> State:
        return self.inputs(config)


    def plan_change(self, diags: Diagnostics, prior: State | None, config: State) -> tuple[State, list[str]]:
        """The planned state and the attributes whose change replaces the resource: the core's check and diff."""
        core = self._core()
        olds = self.recorded(prior) if prior else {}
        checked = core.check(olds, self.inputs(config))
        report(diags, checked.failures)
        filled = from_core(checked.inputs)
        diff = core.diff(prior.get(tf_schema.ID) or "", olds, checked.inputs) if prior is not None else None
        replaces = [name for name in (diff.replaces or []) if name in self.attributes()] if diff else []
        planned = {}
        for name, attr in self.attributes().items():
            if config.get(name) is not None or not attr.computed:
                planned[name] = config.get(name)  # as written: the protocol allows nothing else
            elif prior is not None and not replaces:
                planned[name] = prior.get(name)  # unchanged, or updated in place: outputs stay
            elif attr.optional and name not in tf_schema.FILLED_IN:
                planned[name] = filled.get(name, Unknown)  # a declared default
            else:
                planned[name] = Unknown  # an output, or a token minted at apply
        return planned, replaces

    # Apply -----------------------------------------------------------------------------------------------------

    def applied(self, planned: State, outs: Mapping[str, Any], id_: str | None) -> State:
        """The plan with its unknowns filled in from the core's outputs: what was planned known stays as planned."""
        answered = {**from_core(dict(outs)), tf_schema.ID: id_}
        return self.complete({name: answered.get(name) if value is Unknown else value
                              for name, value in self.complete(planned).items()})

    def create(self, ctx: CreateContext, planned: State) -> State | None:
        core = self._core()
        try:
            # The core's create takes its check's inputs: checked again, as at plan, so an unknown token is minted.
            checked = core.check({}, self.inputs({k: v for k, v in planned.items() if v is not Unknown}))
            report(ctx.diagnostics, checked.failures)
            if checked.failures:
                return None
            result = core.create(checked.inputs)
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return None
        return self.applied(planned, result.outs or {}, result.id)

    def read(self, ctx: ReadContext, current: State) -> State | None:
        try:
            result = self._core().read(current.get(tf_schema.ID) or "", self.recorded(current))
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return current
        if not result.id:
            return None  # gone: the next plan creates it again
        outs = {name: value for name, value in from_core(dict(result.outs or {})).items() if name in current}
        return self.complete({**current, **outs})

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State | None:
        core = self._core()
        try:
            result = core.update(current.get(tf_schema.ID) or "", self.recorded(current),
                                 self.inputs({k: v for k, v in planned.items() if v is not Unknown}))
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return current
        return self.applied(planned, result.outs or {}, current.get(tf_schema.ID))

    def delete(self, ctx: DeleteContext, current: State) -> State | None:
        try:
            self._core().delete(current.get(tf_schema.ID) or "", self.recorded(current))
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return current
        return None

    def upgrade(self, ctx: UpgradeContext, version: int, old: State) -> State:
        return old  # one schema version so far


class EngagementResource(CoreResource):
    declaration = ENGAGEMENT
    core = dict(PROVIDERS)[ENGAGEMENT]

    def inputs(self, values: Mapping[str, Any]) -> State:
        """With the provider's ``token_key`` where the engagement names none, as the plugin passes its own."""
        given = super().inputs(values)
        if "token_key" not in given and self.provider.token_key:
            given["token_key"] = self.provider.token_key
        return given

    def validated(self, config: State) -> State:
        # The provider's token_key is not known to a resource's validation: only its absence at plan is an error.
        return {"token_key": UNKNOWN, **self.inputs(config)}

    @classmethod
    def recorded(cls, state: Mapping[str, Any]) -> State:
        """An engagement recorded with no token is one ``tofu import`` adopted (AWS never returns a token): the core
        keeps it as long as the configuration says what it says."""
        olds = super().recorded(state)
        if olds.get("arn") and not olds.get("idempotency_token"):
            olds["adopted_arn"] = olds["arn"]
        return olds

    def import_(self, ctx: ImportContext, id: str) -> State | None:
        """The engagement ``id`` (its ARN) as AWS holds it, what it says included, so that a configuration saying
        the same adopts it with no replacement; the refresh and plan that follow go through the core as usual."""
        try:
            result = self._core().read(id, {})
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return None
        said = {**(result.inputs or {}), **(result.inputs or {}).get("adopted", {})}
        return self.complete({**from_core(dict(result.outs or {})), **from_core(said), tf_schema.ID: id})


def served(resource: Resource) -> type[CoreResource]:
    """The tf resource class of ``resource`` (the engagement's, with import and adoption, is its own)."""
    if resource is ENGAGEMENT:
        return EngagementResource
    return type(f"{resource.name}Resource", (CoreResource,),
                {"declaration": resource, "core": dict(PROVIDERS)[resource]})


RESOURCES = [served(resource) for resource, _ in PROVIDERS]


# Data sources ----------------------------------------------------------------------------------------------------

class ReadOnly(DataSource):  # type: ignore[misc]
    """A data source: one read through the core's read side, failures as one sentence."""

    name: ClassVar[str]
    schema: ClassVar[Callable[[], Schema]]

    def __init__(self, provider: IncidentManagerProvider) -> None:
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return cls.name

    @classmethod
    def get_schema(cls) -> Schema:
        return cls.schema()

    def read(self, ctx: ReadDataContext, config: State) -> State | None:
        try:
            found = self.answer(config)
        except IncidentManagerError as error:
            fail(ctx.diagnostics, error)
            return None
        return {attr.name: found.get(attr.name, config.get(attr.name)) for attr in self.get_schema().attributes}

    def answer(self, config: State) -> State:
        raise NotImplementedError

    def client(self, arn: str, operation: str) -> Any:
        return aws.client(self.provider.settings, arn=arn, operation=operation)


class EngagementData(ReadOnly):
    name = "engagement"
    schema = staticmethod(tf_schema.engagement_data_schema)

    def answer(self, config: State) -> State:
        arn = config["arn"]
        return engagement_outputs(api.get_engagement(self.client(arn, "DescribeEngagement"), arn))


class PagesData(ReadOnly):
    name = "pages"
    schema = staticmethod(tf_schema.pages_data_schema)

    def answer(self, config: State) -> State:
        arn = config["engagement_arn"]
        return {"pages": [page_outputs(page) for page in api.list_pages(self.client(arn, "ListPagesByEngagement"),
                                                                          arn)]}


class PagingPlanData(ReadOnly):
    name = "who_would_be_paged"
    schema = staticmethod(tf_schema.paging_plan_data_schema)

    def answer(self, config: State) -> State:
        from pulumi_incident_manager._functions import paging_plan  # the SDK's resolver, with this provider's settings

        plan = paging_plan(self.provider.settings, config["contact_id"], config.get("at"))
        stages = [{"stage_index": stage.stage_index, "starts_after_minutes": stage.starts_after_minutes,
                   "duration_in_minutes": stage.duration_in_minutes,
                   "people": [contact.alias for contact in stage.contacts], "unreachable": stage.unreachable}
                  for stage in plan.stages]
        return {"contact_arn": plan.contact_arn, "alias": plan.alias, "type": plan.type, "at": plan.at,
                "people": plan.people, "stages": stages, "summary": plan.to_text()}


DATA_SOURCES: list[type[DataSource]] = [EngagementData, PagesData, PagingPlanData]


# The provider ----------------------------------------------------------------------------------------------------

class IncidentManagerProvider(TfProvider):  # type: ignore[misc]
    """``provider "incidentmanager" { region, profile, endpoint, retry_mode, max_attempts, token_key }``: all
    optional, the AWS environment applying where unset, read as every front reads its settings
    (:class:`..aws.AwsSettings`); ``token_key`` mints the tokens of engagements that name no key."""

    def __init__(self) -> None:
        self.settings = aws.AwsSettings()
        self.token_key: str | None = None

    def get_model_prefix(self) -> str:
        return tf_schema.PREFIX

    def full_name(self) -> str:
        return f"registry.opentofu.org/{tf_schema.SOURCE}"

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        return tf_schema.provider_schema()

    def _settings(self, diags: Diagnostics, config: State) -> aws.AwsSettings | None:
        if any(value is Unknown for value in config.values()):
            return None  # known at apply
        given = {name: (str(int(value)) if isinstance(value, float) and value.is_integer() else value)
                 for name, value in config.items() if value is not None and name != TOKEN_KEY.terraform_name}
        try:
            return aws.AwsSettings.from_config(given.get, TERRAFORM)
        except IncidentManagerError as error:
            fail(diags, error)
            return None

    def validate_config(self, diags: Diagnostics, config: State) -> None:
        self._settings(diags, config)

    def configure_provider(self, diags: Diagnostics, config: State) -> None:
        self.settings = self._settings(diags, config) or self.settings
        key = config.get(TOKEN_KEY.terraform_name)
        self.token_key = key if isinstance(key, str) and key else None

    def get_data_sources(self) -> list[type[DataSource]]:
        return DATA_SOURCES

    def get_resources(self) -> list[type[TfResource]]:
        return list(RESOURCES)


class Servicer(ProviderServicer):  # type: ignore[misc]
    """The ``tf`` package's servicer, planning through the core.

    Its own plan would compare attributes one by one, and skip the resource on create; the core's check and diff
    decide instead (a token, not an attribute, is an engagement's identity), given the configuration itself: a
    proposed state carries a previous token forward where the configuration sets none.
    """

    def PlanResourceChange(
        self, request: pb.PlanResourceChange.Request, context: grpc.ServicerContext
    ) -> pb.PlanResourceChange.Response:
        diags = Diagnostics()
        klass: type[CoreResource] = self._get_res_cls(request.type_name)
        attrs = self._get_res_attrs(request.type_name)
        _, prior = _decode_state(diags, attrs, {}, request.prior_state)
        proposed_encoded, proposed = _decode_state(diags, attrs, {}, request.proposed_new_state)
        if diags.has_errors() or proposed is None:  # a destroy: nothing to plan
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state,
                                                  diagnostics=diags.to_pb())
        config = read_dynamic_value(request.config) or {}
        planned, replaces = self.app.new_resource(klass).plan_change(diags, prior, config)
        return pb.PlanResourceChange.Response(
            planned_state=_encode_state(attrs, {}, planned, proposed_encoded),
            requires_replace=[_to_attribute_path([name]) for name in replaces],
            diagnostics=diags.to_pb(),
        )
