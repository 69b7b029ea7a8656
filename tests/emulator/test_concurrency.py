"""Many boto3 clients at once: no lost engagement, no double page, exact request counts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ssm_contacts_emulator import Emulator, Rotation

from .support import DRILL

CLIENTS = 8
EACH = 15


def test_concurrent_start_engagement_is_exactly_once_per_token(emu: Emulator, rotation: Rotation) -> None:
    def run(worker: int) -> list[str]:
        client: Any = emu.client()
        arns = []
        for i in range(EACH):
            arns.append(
                client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken=f"w{worker}-{i}", **DRILL)[
                    "EngagementArn"
                ]
            )
        # Every worker also races the others on one shared token.
        arns.append(
            client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="shared", **DRILL)["EngagementArn"]
        )
        return arns

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(run, range(CLIENTS)))
    shared = {arns[-1] for arns in results}
    assert len(shared) == 1
    unique = {arn for arns in results for arn in arns[:-1]}
    assert len(unique) == CLIENTS * EACH
    engagements = CLIENTS * EACH + 1
    assert len(emu.outbox()) == 2 * engagements
    assert len({o["page_arn"] for o in emu.outbox()}) == 2 * engagements
    assert emu.request_counts()["StartEngagement"] == CLIENTS * (EACH + 1)
    listed = emu.client().get_paginator("list_engagements").paginate()
    assert sum(len(p["Engagements"]) for p in listed) == engagements
