"""The OpenTofu provider's schema is derived from the shared declarations, and docs/opentofu.md names all of it."""

from __future__ import annotations

import re
from pathlib import Path

from incident_manager_provider import PROVIDERS
from incident_manager_provider.schema import ENGAGEMENT
from incident_manager_provider.settings import AWS_CONNECTION
from incident_manager_provider.terraform.provider import DATA_SOURCES, RESOURCES
from incident_manager_provider.terraform.schema import provider_schema, resource_attributes, type_name

DOC = (Path(__file__).resolve().parents[2] / "docs" / "opentofu.md").read_text()


def test_each_resource_is_served_with_its_declared_fields_flags_and_secrets() -> None:
    assert [resource.get_name() for resource in RESOURCES] == [
        type_name(resource).removeprefix("incidentmanager_") for resource, _ in PROVIDERS
    ] == ["engagement", "page_acceptance", "token_key", "acknowledgement_expectation"]
    for resource, _ in PROVIDERS:
        attributes = {attr.name: attr for attr in resource_attributes(resource)}
        outputs = {field.name for field in resource.fields if field.role == "output"}
        assert {name for name, attr in attributes.items() if attr.sensitive} == set(resource.secrets) | (
            {"token_key"} if resource is ENGAGEMENT else set())
        assert {name for name, attr in attributes.items() if attr.required} == {
            field.name for field in resource.inputs if field.required}
        assert {name for name, attr in attributes.items() if attr.computed and not attr.optional} == {"id", *outputs}
        assert {name for name, attr in attributes.items() if attr.requires_replace} == {
            field.name for field in resource.fields if field.identity or field.replaces}
    # Bookkeeping the core keeps in Pulumi state is no attribute: an adopted engagement is one with no token.
    assert not {"explicit_token", "minted_token", "adopted_arn", "adopted"} & {
        attr.name for attr in resource_attributes(ENGAGEMENT)}


def test_the_provider_block_takes_every_connection_setting_and_a_sensitive_key() -> None:
    arguments = {attr.name: attr for attr in provider_schema().attributes}
    assert list(arguments) == ["region", "profile", "endpoint", "retry_mode", "max_attempts", "token_key"]
    assert [setting.terraform_name for setting in AWS_CONNECTION] == list(arguments)[:-1]
    assert arguments["token_key"].sensitive and not any(attr.required for attr in arguments.values())


def test_docs_name_every_resource_data_source_and_attribute() -> None:
    named = set(re.findall(r"`([a-z_]+)`", DOC))
    for served in [*RESOURCES, *DATA_SOURCES]:
        assert f"incidentmanager_{served.get_name()}" in DOC
        missing = {attr.name for attr in served.get_schema().attributes} - named - {"id"}
        assert not missing, (served.get_name(), missing)
    assert {attr.name for attr in provider_schema().attributes} <= named


def test_a_bad_provider_argument_is_one_sentence_naming_it_as_the_block_spells_it() -> None:
    from tf.utils import Diagnostics

    from incident_manager_provider.terraform.provider import IncidentManagerProvider

    diags = Diagnostics()
    IncidentManagerProvider().validate_config(diags, {"retry_mode": "fast", "max_attempts": None, "region": None})

    [error] = diags.diagnostics
    assert error.summary == "retry_mode must be standard or adaptive, not 'fast'"
