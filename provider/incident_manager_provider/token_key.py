"""The TokenKey resource: the stack's random secret that engagement tokens are minted with.

One per stack, made by the SDK before any engagement and kept in state encrypted (a secret output), so that a token
minted from it can be minted again after a crash, yet reveals nothing of the message to whoever reads the state.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, ReadResult

from .base import Diff, ProviderBase
from .schema import TOKEN_KEY

KEY_BYTES = 32


class TokenKeyProvider(ProviderBase):
    """Engine-facing CRUD for ``TokenKey``; no AWS call anywhere.

    check: takes no inputs. diff: never changes. create: draws the key. read: keeps it. delete: forgets it.
    """

    resource = TOKEN_KEY

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(self.inputs(news), [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> Diff:
        return Diff()

    def create(self, _props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(uuid.uuid4()), {"key": secrets.token_hex(KEY_BYTES)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None
