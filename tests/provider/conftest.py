"""The real dynamic-provider server (``python -u -m pulumi.dynamic``) against the offline endpoint over HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ssm_contacts_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator, EmulatorConfig

from .harness import ProviderServer

# A second key pair that may only read: AccessDeniedException for everything else, as IAM would answer.
READ_ONLY_KEY = ("AKIAREADONLYEXAMPLE", "readOnlySecretKeyEXAMPLE")


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        credentials={DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY, READ_ONLY_KEY[0]: READ_ONLY_KEY[1]},
        allowed_actions={READ_ONLY_KEY[0]: frozenset({"DescribeEngagement"})},
    )


def server_env(tmp_path: Path, **aws: str) -> dict[str, str]:
    """The process environment with only the given AWS settings (no shared files, no instance metadata)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        PULUMI_PROJECT="shop",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        **aws,
    )
    return env


StartServer = Callable[..., ProviderServer]


@pytest.fixture
def start_server(ssm_contacts_emulator: Emulator, tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers holding only a key pair; the endpoint and region arrive as stack config, as from the engine."""
    started: list[ProviderServer] = []

    default_key = (DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)

    def start(key: tuple[str, str] = default_key, **config: Any) -> ProviderServer:
        server = ProviderServer(server_env(tmp_path, AWS_ACCESS_KEY_ID=key[0], AWS_SECRET_ACCESS_KEY=key[1]))
        started.append(server)
        server.configure(
            {
                "aws:region": ssm_contacts_emulator.region,
                "incident-manager:endpoint": ssm_contacts_emulator.endpoint_url,
                "shop:unrelated": "ignored",
                **config,
            }
        )
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def server(start_server: StartServer) -> ProviderServer:
    return start_server()
