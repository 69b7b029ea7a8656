"""Programs run with ``pulumi.runtime.set_mocks``, recording what they register as the engine would see it; the
emulator of the SDK's tests pages every stage at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, Mocks

from incident_manager_provider import aws
from ssm_contacts_emulator import Emulator, EmulatorConfig


@dataclass
class Registration:
    """A RegisterResource request as the engine receives it."""

    type: str
    name: str
    inputs: dict[str, Any]
    secret_inputs: set[str]
    delete_before_replace: bool
    delete_before_replace_defined: bool
    additional_secret_outputs: list[str]
    provider: str
    """The provider reference (``<urn>::<id>``) the resource names, empty for the default provider."""


class EngineMocks(Mocks):
    """Resources get an id and an ARN; calls are not expected."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        arn = f"arn:aws:ssm-contacts:us-east-1:123456789012:engagement/mock/{args.name}"
        return arn, {**args.inputs, "arn": arn}

    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"unexpected call {args.token}")


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        """Every resource but the stack, providers and the stack's token key, in order."""
        self.providers: list[Registration] = []
        self.token_keys: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        if request.type != "pulumi:pulumi:Stack":
            fields = request.object.fields
            if request.type.startswith("pulumi:providers:"):
                recorded = self.providers
            elif request.type.endswith(":TokenKey"):
                recorded = self.token_keys
            else:
                recorded = self.registrations
            recorded.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    inputs=rpc.deserialize_properties(request.object),
                    secret_inputs={name for name in fields if _is_secret(fields[name])},
                    delete_before_replace=request.deleteBeforeReplace,
                    delete_before_replace_defined=request.deleteBeforeReplaceDefined,
                    additional_secret_outputs=list(request.additionalSecretOutputs),
                    provider=request.provider,
                )
            )
        return super().RegisterResource(request)


def _is_secret(value: struct_pb2.Value) -> bool:
    if value.WhichOneof("kind") != "struct_value":
        return False
    sig = value.struct_value.fields.get(rpc._special_sig_key)
    return sig is not None and sig.string_value == rpc._special_secret_sig


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    return EmulatorConfig(time_scale=0)  # every escalation stage pages at once: the SDK's tests never wait


@pytest.fixture
def through_the_emulator(ssm_contacts_env: Emulator) -> Iterator[Emulator]:
    """The package's functions reach the test's emulator even under mocks (which otherwise keep them off AWS)."""
    with aws.client_override(ssm_contacts_env.client()):
        yield ssm_contacts_env


@pytest.fixture
def engine() -> Iterator[RecordingMonitor]:
    """An `up` of project "shop", stack "gameday"."""
    monitor = RecordingMonitor(EngineMocks())
    pulumi.runtime.set_mocks(EngineMocks(), project="shop", stack="gameday", preview=False, monitor=monitor)
    yield monitor


@pytest.fixture
def preview_engine() -> Iterator[RecordingMonitor]:
    """A `preview` of project "shop", stack "gameday"."""
    monitor = RecordingMonitor(EngineMocks())
    pulumi.runtime.set_mocks(EngineMocks(), project="shop", stack="gameday", preview=True, monitor=monitor)
    yield monitor
