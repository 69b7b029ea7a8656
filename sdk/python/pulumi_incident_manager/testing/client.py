"""An in-memory ssm-contacts: the client the testing kit injects in place of AWS, as httpx's ``MockTransport`` is
injected in place of the network.

It answers the calls the providers and the package's functions make (StartEngagement, DescribeEngagement,
StopEngagement, ListEngagements, ListPagesByEngagement, ListPageReceipts, AcceptPage, GetContactChannel) in AWS's
shapes, so the real providers and the AWS layer's parsers run on its answers. What it cannot know it keeps simple:
an engagement pages each contact of :attr:`IncidentManagerMocks.paged` at once, on one SMS channel each, a page
takes any accept code, and a person of :attr:`IncidentManagerMocks.answers` reads their page that long after it was
sent. Any other operation fails as AWS would refuse it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from incident_manager_provider.api import contact_alias
from incident_manager_provider.expectation import parse_duration

if TYPE_CHECKING:
    from .mocks import IncidentManagerMocks

REAL_SECONDS_PER_WAITED_SECOND = 1 / 600
"""How long a provider's wait really takes, per second it waits in the kit's time (10 minutes: 1 s): long enough for
an acknowledgement the program makes meanwhile (a PageAcceptance) to arrive, as it would during the real wait."""


@dataclass
class Account:
    """What the in-memory ssm-contacts holds: one per :class:`IncidentManagerMocks`, shared by its clients."""

    engagements: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Engagement ARN -> DescribeEngagement's answer."""
    tokens: dict[str, str] = field(default_factory=dict)
    """IdempotencyToken -> the engagement it started."""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Page ARN -> its item in ListPagesByEngagement's answer."""
    receipts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Page ARN -> its receipts, in ListPageReceipts' shape."""
    waited: timedelta = timedelta(0)
    """How long the providers' waits have lasted: the kit's time is ``clock()`` plus this."""
    changed: threading.Condition = field(default_factory=threading.Condition)
    """Notified at each AcceptPage, so that a wait sees it at once; also the lock of everything above."""
    ended: bool = False
    """The program failed: waits still running on the engine's threads end at once (nothing awaits them)."""


class MockClient:
    """A stand-in for the boto3 ssm-contacts client, answering from the mocks' in-memory account.

    :func:`~pulumi_incident_manager.testing.run_program` installs it with
    :func:`incident_manager_provider.aws.client_override`, so the providers (check, then create, as the engine
    calls them) and the package's functions (``list_pages``, ``get_engagement``, their ``_output`` forms) run their
    real code, parsers included, and no request leaves the process. Every client of one mocks shares its account.
    """

    def __init__(self, mocks: IncidentManagerMocks) -> None:
        self.mocks = mocks
        self.account: Account = mocks.account

    # -- engagements ------------------------------------------------------------------------------------------

    def start_engagement(
        self, *, ContactId: str, IdempotencyToken: str | None = None, **message: Any
    ) -> dict[str, Any]:
        asked = {"ContactArn": self._contact_arn(contact_alias(ContactId)), **message}
        with self.account.changed:
            earlier = self.account.engagements.get(self.account.tokens.get(IdempotencyToken or "", ""))
            if earlier is not None:
                differing = [name for name, value in asked.items() if earlier.get(name) != value]
                if differing:
                    raise _error("ValidationException", "StartEngagement", f"IdempotencyToken was already used for "
                                 f"engagement {earlier['EngagementArn']} with different parameters")
                return {"EngagementArn": earlier["EngagementArn"]}
            alias = contact_alias(ContactId)
            # One token names one engagement: its ARN follows from the token, as a retry finds the same one.
            name = uuid.uuid5(uuid.NAMESPACE_URL, IdempotencyToken) if IdempotencyToken else uuid.uuid4()
            arn = f"{self._prefix}:engagement/{alias}/{name}"
            self._engage(arn, asked)
            if IdempotencyToken:
                self.account.tokens[IdempotencyToken] = arn
        return {"EngagementArn": arn}

    def adopt(self, arn: str) -> None:
        """An engagement started elsewhere (``Engagement.get``): its ARN's contact, started now, no message known."""
        with self.account.changed:
            if arn not in self.account.engagements:
                prefix, _, rest = arn.partition(":engagement/")
                self._engage(arn, {"ContactArn": f"{prefix}:contact/{rest.split('/')[0]}"})

    def describe_engagement(self, *, EngagementId: str) -> dict[str, Any]:
        with self.account.changed:
            return dict(self._engagement("DescribeEngagement", EngagementId))

    def stop_engagement(self, *, EngagementId: str, Reason: str | None = None) -> dict[str, Any]:
        with self.account.changed:
            engagement = self._engagement("StopEngagement", EngagementId)
            if "StopTime" not in engagement:
                engagement["StopTime"] = now = self.mocks.now()
                for page in self._pages_of(EngagementId):
                    self.account.receipts[page["PageArn"]].append(_receipt("STOP", now, None, Reason))
        return {}

    def list_engagements(self, **_: Any) -> dict[str, Any]:
        with self.account.changed:
            listed = ("EngagementArn", "ContactArn", "Sender", "IncidentId", "StartTime", "StopTime")
            return {"Engagements": [{key: e[key] for key in listed if key in e}
                                    for e in self.account.engagements.values()]}

    # -- pages --------------------------------------------------------------------------------------------------

    def list_pages_by_engagement(self, *, EngagementId: str, **_: Any) -> dict[str, Any]:
        with self.account.changed:
            self._engagement("ListPagesByEngagement", EngagementId)
            return {"Pages": [dict(page) for page in self._pages_of(EngagementId)]}

    def list_page_receipts(self, *, PageId: str, **_: Any) -> dict[str, Any]:
        """The receipts made by now in the kit's time (a responder's read comes when its delay has passed)."""
        with self.account.changed:
            now = self.mocks.now()
            made = [dict(r) for r in self._receipts("ListPageReceipts", PageId) if r["ReceiptTime"] <= now]
            return {"Receipts": made}

    def accept_page(
        self, *, PageId: str, AcceptType: str, ContactChannelId: str | None = None, Note: str | None = None, **_: Any
    ) -> dict[str, Any]:
        with self.account.changed:
            receipts = self._receipts("AcceptPage", PageId)
            channel = ContactChannelId or self._channel_arn(contact_alias(PageId))
            receipts.append(_receipt(AcceptType, self.mocks.now(), channel, Note))
            self.account.changed.notify_all()
        return {}

    def get_contact_channel(self, *, ContactChannelId: str) -> dict[str, Any]:
        alias = ContactChannelId.split(":contact-channel/")[-1].split("/")[0]
        return {"ContactChannelArn": ContactChannelId, "ContactArn": self._contact_arn(alias),
                "Name": f"{alias}-sms", "Type": "SMS", "ActivationStatus": "ACTIVATED"}

    # -- the machinery ------------------------------------------------------------------------------------------

    def get_paginator(self, operation: str) -> _Paginator:
        return _Paginator(getattr(self, operation))

    def __getattr__(self, operation: str) -> Any:
        def refuse(**_: Any) -> Any:
            raise _error("UnsupportedOperation", operation, f"the testing kit does not answer {operation}")

        return refuse

    def wait(self, seconds: float) -> None:
        """A provider's ``sleep``: the kit's time moves on by ``seconds`` at once, after a short real wait that an
        AcceptPage ends early (see :data:`REAL_SECONDS_PER_WAITED_SECOND`)."""
        with self.account.changed:
            if not self.account.ended:
                self.account.changed.wait(seconds * REAL_SECONDS_PER_WAITED_SECOND)
            self.account.waited += timedelta(seconds=seconds)

    @property
    def _prefix(self) -> str:
        return f"arn:aws:ssm-contacts:{self.mocks.region}:{self.mocks.account_id}"

    def _contact_arn(self, alias: str) -> str:
        return f"{self._prefix}:contact/{alias}"

    def _channel_arn(self, alias: str) -> str:
        return f"{self._prefix}:contact-channel/{alias}/{uuid.uuid5(uuid.NAMESPACE_URL, alias)}"

    def _engage(self, arn: str, asked: dict[str, Any]) -> None:
        """Record the engagement and its pages: one per paged contact, sent and delivered at once."""
        started = self.mocks.now()
        self.account.engagements[arn] = {**asked, "EngagementArn": arn, "StartTime": started}
        alias = contact_alias(asked["ContactArn"])
        for person in self.mocks.paged.get(alias, [alias]):
            page_arn = f"{self._prefix}:page/{person}/{uuid.uuid5(uuid.NAMESPACE_URL, arn + person)}"
            page = {"PageArn": page_arn, "EngagementArn": arn, "ContactArn": self._contact_arn(person),
                    "Sender": asked.get("Sender"), "IncidentId": asked.get("IncidentId"), "SentTime": started,
                    "DeliveryTime": started}
            self.account.pages[page_arn] = {key: value for key, value in page.items() if value is not None}
            channel = self._channel_arn(person)
            receipts = [_receipt("SENT", started, channel), _receipt("DELIVERED", started, channel)]
            answer = self.mocks.answers.get(person)
            if answer is not None:
                after = parse_duration(answer)
                if after is None:
                    raise ValueError(f"IncidentManagerMocks.answers[{person!r}] must be a duration such as 90s or "
                                     f"2m, not {answer!r}")
                receipts.append(_receipt("READ", started + after, channel))
            self.account.receipts[page_arn] = receipts

    def _engagement(self, operation: str, arn: str) -> dict[str, Any]:
        found = self.account.engagements.get(arn)
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no engagement {arn} in these mocks")
        return found

    def _pages_of(self, engagement_arn: str) -> list[dict[str, Any]]:
        return [page for page in self.account.pages.values() if page["EngagementArn"] == engagement_arn]

    def _receipts(self, operation: str, page_arn: str) -> list[dict[str, Any]]:
        found = self.account.receipts.get(page_arn)
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no page {page_arn} in these mocks")
        return found


@dataclass(frozen=True)
class _Paginator:
    operation: Callable[..., dict[str, Any]]

    def paginate(self, **params: Any) -> list[dict[str, Any]]:
        return [self.operation(**params)]  # one page of answers: the mocks hold few


def _receipt(kind: str, moment: datetime, channel: str | None, info: str | None = None) -> dict[str, Any]:
    receipt = {"ReceiptType": kind, "ReceiptTime": moment, "ContactChannelArn": channel, "ReceiptInfo": info}
    return {key: value for key, value in receipt.items() if value is not None}


def _error(code: str, operation: str, message: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": message}}, operation)
