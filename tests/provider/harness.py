"""Drive the dynamic-provider server the way the Pulumi engine does, without the engine.

The engine starts ``python -u -m pulumi.dynamic``, reads the port it prints, then calls the ResourceProvider
gRPC service with property structs that carry the pickled provider under ``__provider``. Tests and
benchmarks use :class:`ProviderServer` to do the same against the real server code.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.proto.provider_pb2_grpc import ResourceProviderStub


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Serialize a property bag as the engine sends it (``pulumi.output.Unknown`` becomes unknown)."""
    # A private loop: asyncio.run() would leave the thread without a current loop, which Pulumi's
    # program runtime (set_mocks, pulumi.runtime.test) expects to find.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Deserialize a property bag from the server; unknowns come back as ``pulumi.output.Unknown``."""
    props: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    return props


class ProviderServer:
    """A running ``python -m pulumi.dynamic`` subprocess and a gRPC stub to it."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            env=dict(env),
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip():
            self.close()
            raise RuntimeError(f"the dynamic-provider server exited with {self.process.returncode}")
        self.port = int(line)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = ResourceProviderStub(self.channel)
        # Pickled once per provider, as the SDK does once per resource.
        self._pickles: dict[int, tuple[ResourceProvider, str]] = {}

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def configure(self, config: Mapping[str, str]) -> None:
        """Send the stack configuration (namespaced keys, as the engine passes them)."""
        self.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)))

    def check(
        self, provider: ResourceProvider, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Checked inputs (without ``__provider``) and failures as (property, reason)."""
        answer = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=self._urn(provider),
                olds=to_struct(self._with_provider(provider, olds) if olds else {}),
                news=to_struct(self._with_provider(provider, news)),
            )
        )
        failures = [(failure.property, failure.reason) for failure in answer.failures]
        return _without_provider(from_struct(answer.inputs)), failures

    def diff(
        self, provider: ResourceProvider, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> Any:
        """The raw ``DiffResponse`` (``changes``, ``replaces``, ``deleteBeforeReplace``)."""
        return self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_,
                urn=self._urn(provider),
                olds=to_struct(self._with_provider(provider, olds)),
                news=to_struct(self._with_provider(provider, news)),
            )
        )

    def create(self, provider: ResourceProvider, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        answer = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=self._urn(provider), properties=to_struct(self._with_provider(provider, props))
            )
        )
        return answer.id, _without_provider(from_struct(answer.properties))

    def read(self, provider: ResourceProvider, id_: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        answer = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=self._urn(provider), properties=to_struct(self._with_provider(provider, props))
            )
        )
        return answer.id, _without_provider(from_struct(answer.properties))

    def update(
        self, provider: ResourceProvider, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> dict[str, Any]:
        answer = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_,
                urn=self._urn(provider),
                olds=to_struct(self._with_provider(provider, olds)),
                news=to_struct(self._with_provider(provider, news)),
            )
        )
        return _without_provider(from_struct(answer.properties))

    def delete(self, provider: ResourceProvider, id_: str, props: Mapping[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_, urn=self._urn(provider), properties=to_struct(self._with_provider(provider, props))
            )
        )

    def _with_provider(self, provider: ResourceProvider, props: Mapping[str, Any]) -> dict[str, Any]:
        if id(provider) not in self._pickles:
            self._pickles[id(provider)] = (provider, serialize_provider(provider))
        return {**props, PROVIDER_KEY: self._pickles[id(provider)][1]}

    @staticmethod
    def _urn(provider: ResourceProvider) -> str:
        return f"urn:pulumi:test::test::pulumi-python:dynamic:{type(provider).__name__}::test"


def _without_provider(props: dict[str, Any]) -> dict[str, Any]:
    props.pop(PROVIDER_KEY, None)
    return props
