"""The engine's host as a provider plugin reaches it: lines shown under a resource in the CLI's output.

The engine starts the plugin with its address (the first argument); its ``Log`` call is how a provider's words reach
the user, as ``pulumi.log.info`` does for a program (the Python SDK says what a drill will wait for that way).
"""

from __future__ import annotations

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc


class EngineLog:
    """Info lines under a resource, sent to the engine at ``address`` (None: said nowhere, as in unit tests)."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self._engine: engine_pb2_grpc.EngineStub | None = None

    async def info(self, urn: str, message: str) -> None:
        if self.address is None:
            return
        if self._engine is None:  # one channel, opened on first use, in the server's event loop
            self._engine = engine_pb2_grpc.EngineStub(grpc.aio.insecure_channel(self.address))
        await self._engine.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn))
