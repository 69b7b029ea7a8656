"""The `incident-manager` provider: the package's resources carry only the settings they read into state."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from pulumi_incident_manager import Engagement, PageAcceptance

from .conftest import RecordingMonitor

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"


@pytest.fixture
def stack_config() -> Iterator[dict[str, str]]:
    """The stack config the program sees; fill it before running the program."""
    config: dict[str, str] = {}
    yield config
    pulumi.runtime.set_all_config({}, [])


def run(program: Any, config: dict[str, str] | None = None, secret_keys: list[str] | None = None) -> None:
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    pulumi.runtime.test(program)()


def provider_urn(reference: str) -> str:
    """The URN of a provider reference (``<urn>::<id>``)."""
    return reference.rsplit("::", 1)[0]


def page(content: str = "Acknowledge this page.", **options: Any) -> Engagement:
    return Engagement("page", contact_id=CONTACT, sender="bot", subject="[DRILL] s", content=content, **options)


def test_resources_share_one_provider_holding_only_the_settings_the_package_reads(
    engine: RecordingMonitor, stack_config: dict[str, str]
) -> None:
    config = {
        "aws:region": "eu-west-1",
        "incident-manager:endpoint": "http://127.0.0.1:4566",
        "shop:message": "plain text that is none of the provider's business",
        "aws:accessKey": "AKIA-NOT-FOR-STATE",
    }

    run(lambda: [page(), PageAcceptance("ack", page_id=PAGE, accept_code="123456")], config)

    [provider] = engine.providers
    assert (provider.type, provider.name) == ("pulumi:providers:pulumi-python", "incident-manager")
    assert provider.inputs == {"aws:region": "eu-west-1", "incident-manager:endpoint": "http://127.0.0.1:4566"}
    assert [provider_urn(r.provider).endswith("pulumi:providers:pulumi-python::incident-manager")
            for r in engine.registrations] == [True, True]


def test_a_secret_setting_stays_secret_in_the_providers_inputs(engine: RecordingMonitor) -> None:
    run(page, {"aws:profile": "drills"}, secret_keys=["aws:profile"])

    [provider] = engine.providers
    assert provider.secret_inputs == {"aws:profile"}
    assert provider.inputs["aws:profile"] == {rpc._special_sig_key: rpc._special_secret_sig, "value": "drills"}


def test_an_explicit_provider_is_kept(engine: RecordingMonitor) -> None:
    def program() -> None:
        mine = pulumi.ProviderResource("pulumi-python", "mine", {"aws:region": "us-west-2"})
        page(opts=pulumi.ResourceOptions(provider=mine))

    run(program)

    assert [p.name for p in engine.providers] == ["mine"]
    assert provider_urn(engine.registrations[0].provider).endswith("pulumi:providers:pulumi-python::mine")


def test_preview_warns_when_a_message_comes_from_plain_config_naming_the_key_not_the_value(
    preview_engine: RecordingMonitor, caplog: pytest.LogCaptureFixture
) -> None:
    config = {"shop:content": "DB-PASSWORD-IS-IN-THIS-PAGE", "shop:drill": '{"pages": [{"subject": "[DRILL] s"}]}'}

    def program() -> None:
        page(content=pulumi.Config("shop").require("content"))

    with caplog.at_level(logging.WARNING):
        run(program, config)

    warnings = sorted(record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)
    assert warnings == [
        "Engagement 'page': content is a secret, but its value comes from stack config 'shop:content', which is "
        "stored in plain text; set it as a secret with `pulumi config set --secret shop:content <value>`",
        "Engagement 'page': subject is a secret, but its value comes from stack config 'shop:drill.pages[0].subject', "
        "which is stored in plain text; set it as a secret with "
        "`pulumi config set --secret --path 'shop:drill.pages[0].subject' <value>`",
    ]
    assert not any("DB-PASSWORD" in record.getMessage() for record in caplog.records)


def test_no_warning_when_the_message_is_secret_config(
    preview_engine: RecordingMonitor, caplog: pytest.LogCaptureFixture
) -> None:
    def program() -> None:
        page(content=pulumi.Config("shop").require_secret("content"))

    with caplog.at_level(logging.WARNING):
        run(program, {"shop:content": "DB-PASSWORD-IS-IN-THIS-PAGE"}, secret_keys=["shop:content"])

    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
