"""The plugin's gRPC server: ``pulumi.provider.experimental``'s, with the package's errors reported as one sentence.

That server lets any exception out of a provider method reach gRPC, which answers
``Unexpected <class '...NotFoundError'>: ...`` (and, with newer SDKs, a traceback). Here each engine call that
fails with an :class:`IncidentManagerError` ends with a gRPC status whose details are the sentence a plugin program's
user should read (:func:`present`, the plugin's setting names), which the engine prints as ``error: <sentence>``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS  # the message size limits the SDK's server uses
from pulumi.runtime.proto import provider_pb2_grpc

from ..errors import IncidentManagerError, present
from ..settings import PLUGIN

ENGINE_CALLS = ("CheckConfig", "DiffConfig", "Configure", "Check", "Diff", "Create", "Read", "Update", "Delete",
                "Invoke")
"""The servicer's methods that run the package's code, each of which may fail with one of its errors."""

Handler = Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Any]]


def _reporting(method: Handler) -> Handler:
    @functools.wraps(method)
    async def call(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await method(self, request, context)
        except IncidentManagerError as error:
            await context.abort(grpc.StatusCode.UNKNOWN, present(error, PLUGIN))

    return call


class Servicer(ProviderServicer):
    """The SDK's servicer, its engine calls reporting the package's errors as sentences."""


for _name in ENGINE_CALLS:
    setattr(Servicer, _name, _reporting(getattr(ProviderServicer, _name)))


def serve(args: list[str], version: str, make_provider: Callable[[str], Provider]) -> None:
    """Serve the provider ``make_provider`` makes (given the engine's address) as
    ``pulumi.provider.experimental.server.main`` does, with :class:`Servicer`."""
    parser = argparse.ArgumentParser(description="Pulumi provider plugin (gRPC server)")
    parser.add_argument("engine", help="Pulumi engine address")
    engine_address: str = parser.parse_known_args(args)[0].engine
    provider = make_provider(engine_address)

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            Servicer(args, version, provider, engine_address=engine_address), server
        )
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
