"""The Engagement resource: pages a contact or escalation plan once per idempotency token.

Inputs and outputs use snake_case names; the AWS member of each is declared once, in :mod:`.schema`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, ReadResult, UpdateResult
from pulumi.output import UNKNOWN

from . import api, aws
from .base import Diff, ProviderBase
from .errors import IncidentManagerError, NotFoundError
from .expectation import wait_for_verdict
from .records import engagement_outputs, iso_time
from .schema import ENGAGEMENT, unset
from .settings import REGION
from .tokens import (
    IDENTITY_FIELDS,
    LABEL_FIELDS,
    NotCanonical,
    canonical,
    changed_identity_fields,
    mint_idempotency_token,
    next_run_token,
)
from .validation import is_unknown, validate
from .verdict import stop_when_failures

START_ENGAGEMENT_MEMBERS = ENGAGEMENT.members()
"""Input property -> StartEngagement parameter."""

STOP_ENGAGEMENT_MEMBERS = ENGAGEMENT.members("StopEngagement")

SECRET_PROPERTIES = ENGAGEMENT.secrets

PREVIOUS_IDENTITY_INPUTS = ("pulumi_project", "pulumi_stack", "pulumi_name")
"""Inputs of versions before 0.2, whose token hashed the resource's name: dropped by check, never compared."""

MAX_RUNS = 20
"""How many stopped runs of an unchanged engagement create skips before giving up."""

_READ_ONLY = frozenset(field.name for field in ENGAGEMENT.fields if field.role == "output")
"""Outputs that only AWS sets (``arn``, ``start_time``, ``stop_time``...): recorded even when unset."""

DRILL_DECIDED = "Drill decided"
"""The StopEngagement reason of a ``stop_when`` stop when the engagement has no ``stop_reason``."""

_STOPPED_BY_REPLACEMENT: set[str] = set()
"""Engagements this provider process stopped in ``delete``: in a replacement, the create that follows moves on to
the next run rather than taking the stop for its own ``stop_when`` stop (see :meth:`EngagementProvider.create`)."""


class EngagementProvider(ProviderBase):
    """Engine-facing CRUD for ``Engagement``.

    check: validates against the service model and mints (or keeps) ``idempotency_token``; no AWS call.
    diff: compares tokens; no AWS call.
    create: StartEngagement with the token, then DescribeEngagement; with ``stop_when``, waits for the drill's
    verdict, StopEngagement, and DescribeEngagement again, so the state it writes records ``stop_time``.
    read: DescribeEngagement.
    update: ``stop_reason`` only; no AWS call.
    delete: StopEngagement.
    """

    resource = ENGAGEMENT
    sleep: Callable[[float], None] = staticmethod(time.sleep)
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))
    """The ``stop_when`` wait's hooks (tests replace them)."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate ``news`` without calling AWS, and settle the token.

        An explicit ``idempotency_token`` is used as given. Otherwise the previous token is kept while the
        engagement says the same thing to the same contact (a rename changes nothing), and a new one is minted
        from the stack's ``token_key`` when it does not.
        """
        inputs = self.inputs(news, drop=PREVIOUS_IDENTITY_INPUTS)
        before = _with_adopted_message(olds, olds)
        adopted = _keeps_adopted(before, inputs)
        failures = validate("StartEngagement", inputs, START_ENGAGEMENT_MEMBERS, secret=SECRET_PROPERTIES)
        failures += validate("StopEngagement", inputs, STOP_ENGAGEMENT_MEMBERS)
        failures += stop_when_failures(inputs.get("stop_when"))
        if "run" in inputs and not is_unknown(inputs["run"]):
            # One form for every spelling of a run (`run: 2` in YAML arrives as 2.0): the token's, and state's.
            try:
                inputs["run"] = canonical("run", inputs["run"])
            except NotCanonical as err:
                failures.append(CheckFailure("run", str(err)))
        identity_known = not any(is_unknown(inputs.get(name)) for name in IDENTITY_FIELDS)
        changed = changed_identity_fields(before, inputs) if olds and identity_known else []
        explicit = inputs.get("idempotency_token")
        inputs["explicit_token"] = bool(explicit)
        if explicit:
            if changed and not is_unknown(explicit) and explicit == olds.get("idempotency_token"):
                # run is never sent: alone, it would change nothing AWS sees, so nobody would be paged again.
                why = (
                    "run is no part of an explicit token, so nobody would be paged again"
                    if changed == ["run"]
                    else "AWS refuses a token reused for a different engagement"
                )
                failures.append(
                    CheckFailure(
                        "",
                        f"idempotency_token is unchanged but {', '.join(changed)} changed, and {why}: set a new "
                        f"idempotency_token (or remove it to let one be minted).",
                    )
                )
        elif olds.get("idempotency_token") and identity_known and not changed:
            inputs["idempotency_token"] = olds["idempotency_token"]
        elif adopted:
            # AWS never returns a token: an adopted engagement has none and needs no key. One minted here is for
            # `pulumi up --replace` of a Python program that still says import_ (its create then starts anew).
            key = inputs.get("token_key")
            if key and not is_unknown(key) and not failures:
                inputs["idempotency_token"] = mint_idempotency_token(key, inputs)
        elif not identity_known or is_unknown(inputs.get("token_key")):
            inputs["idempotency_token"] = UNKNOWN
        elif not inputs.get("token_key"):
            failures.append(
                CheckFailure(
                    "token_key",
                    f"token_key is required to mint idempotency_token: pass a TokenKey resource's key as token_key "
                    f"({self.front.token_key_advice}), or set idempotency_token",
                )
            )
        elif not failures:
            inputs["idempotency_token"] = mint_idempotency_token(inputs["token_key"], inputs)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        """Same token, or still the engagement it adopted: nothing to do. New token: a new engagement, naming what
        changed and the token. ``stop_reason`` alone updates in place. ``__provider`` never counts."""
        updates = ["stop_reason"] if _differs(olds.get("stop_reason"), news.get("stop_reason")) else []
        if news.get("adopted_arn") == _id:
            return Diff(updates=updates)
        old_token = olds.get("minted_token") or olds.get("idempotency_token")
        if is_unknown(news.get("idempotency_token")) or old_token != news.get("idempotency_token"):
            return Diff(replaces=[*changed_identity_fields(olds, news), "idempotency_token"], updates=updates)
        return Diff(updates=updates)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """StartEngagement, then read it back. A token seen before yields the engagement it started.

        If that engagement has been stopped (a replacement of an unchanged engagement stopped it first), a minted
        token moves on to the next run's token, derived from the stopped one; an explicit token fails instead of
        recording a stopped engagement as new.

        With ``stop_when``, the create waits for the drill's verdict, stops the engagement and records it stopped:
        the engine writes this resource's state from its own step only, so no other resource could record the stop.
        A re-run after a crash mid-wait adopts the same engagement and keeps its deadline (its start plus
        ``within``); after a crash between the stop and the engine's save, the stopped engagement of a minted token
        is recorded as it is, unless a replacement in this process stopped it: nobody is paged twice.
        """
        if props.get("adopted_arn"):
            adopted = self._adopt(props)
            if adopted is not None:
                return adopted
        minted = props.get("idempotency_token")
        if not minted:
            raise IncidentManagerError(
                "A new engagement needs an idempotency token, and this one has none: it was adopted, and no "
                f"token_key was given to mint one; pass a TokenKey resource's key as token_key "
                f"({self.front.token_key_advice}), or set idempotency_token.",
                operation="StartEngagement",
            )
        token = minted
        for _ in range(MAX_RUNS):
            live = self._start(props, token)
            if props.get("stop_when") and (not live.stopped or _stopped_by_its_own_wait(props, live)):
                live = self._stop_when_decided(live, props)
                return CreateResult(live.arn, {**_outputs(props, live), "idempotency_token": token,
                                               "minted_token": minted})
            if not live.stopped:
                return CreateResult(live.arn, {**_outputs(props, live), "idempotency_token": token,
                                               "minted_token": minted})
            if props.get("explicit_token") or not props.get("token_key"):
                # Only a new token starts a new run here: run is not part of an explicit token.
                instead = " (or remove it to let one be minted)" if props.get("explicit_token") else ""
                raise IncidentManagerError(
                    f"The idempotency token {token} belongs to engagement {live.arn}, which was stopped at "
                    f"{iso_time(live.stop_time)}, so AWS will not page anyone with it again; to start a new run, "
                    f"set idempotency_token to a new value{instead}.",
                    operation="StartEngagement",
                )
            token = next_run_token(props["token_key"], token, live.arn)
        raise IncidentManagerError(
            f"The last {MAX_RUNS} runs of this engagement were all stopped; change run to start a new one.",
            operation="StartEngagement",
        )

    def _adopt(self, props: Mapping[str, Any]) -> CreateResult | None:
        """Record the engagement ``import_`` names instead of starting one (None: a replacement stopped it, so a new
        one starts). It must say what the program says; a stopped one is recorded stopped."""
        arn = props["adopted_arn"]
        live = api.find_engagement(aws.client(self.settings, arn=arn, operation="DescribeEngagement"), arn)
        if live is None:
            raise NotFoundError(
                f"Engagement {arn} does not exist in this account and region, so there is nothing to adopt; check "
                f"the ARN given to import_ and the {REGION} setting.",
                operation="DescribeEngagement",
                code="ResourceNotFoundException",
            )
        if live.stopped and arn in _STOPPED_BY_REPLACEMENT:
            return None
        # run is the program's label, which AWS never holds.
        differ = [name for name in changed_identity_fields(described_identity(live), props) if name not in LABEL_FIELDS]
        if differ:
            raise IncidentManagerError(
                f"Engagement {arn} cannot be adopted: its {', '.join(differ)} "
                f"{'differs' if len(differ) == 1 else 'differ'} from what the program says; state it as the "
                f"engagement holds it, or remove import_ to start a new engagement.",
                operation="DescribeEngagement",
            )
        outs = self.state(_outputs(props, live), drop=["idempotency_token", "minted_token"])
        return CreateResult(live.arn, outs)

    def _stop_when_decided(self, live: api.EngagementRecord, props: Mapping[str, Any]) -> api.EngagementRecord:
        """Wait for the verdict with the judge AcknowledgementExpectation uses, stop the engagement, read it back."""
        if live.stopped:
            return live
        wait_for_verdict(self.settings, live.arn, props["stop_when"], self.clock, self.sleep)
        api.stop_engagement(aws.client(self.settings, arn=live.arn, operation="StopEngagement"), live.arn,
                            props.get("stop_reason") or DRILL_DECIDED)
        return api.get_engagement(aws.client(self.settings, arn=live.arn, operation="DescribeEngagement"), live.arn)

    def _start(self, props: Mapping[str, Any], token: str) -> api.EngagementRecord:
        params = {member: props[name] for name, member in START_ENGAGEMENT_MEMBERS.items() if props.get(name)}
        params[START_ENGAGEMENT_MEMBERS["idempotency_token"]] = token
        secrets = [props.get(name) for name in SECRET_PROPERTIES]
        arn = api.start_engagement(aws.client(self.settings, operation="StartEngagement"), params, secrets)
        live = api.find_engagement(aws.client(self.settings, arn=arn, operation="DescribeEngagement"), arn)
        if live is None:
            raise IncidentManagerError(
                f"StartEngagement answered with {arn}, but DescribeEngagement cannot find it; run again.",
                operation="DescribeEngagement",
            )
        return live

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """DescribeEngagement; an engagement AWS no longer knows reads as gone (empty id).

        ``Engagement.get`` reads with no previous outputs: there an unknown ARN is an error, not a disappearance.
        """
        live = api.find_engagement(aws.client(self.settings, arn=id_, operation="DescribeEngagement"), id_)
        if live is None:
            if not props.get("arn"):
                given = "Engagement.get" if props else self.front.import_command  # an import has nothing recorded
                raise NotFoundError(
                    f"Engagement {id_} does not exist in this account and region; check the ARN given to "
                    f"{given} and the {REGION} setting.",
                    operation="DescribeEngagement",
                    code="ResourceNotFoundException",
                )
            return ReadResult("", {})
        if not props:
            # `pulumi import`: nothing recorded yet. AWS never returns the token, so the engagement is adopted.
            return ReadResult(id_, _outputs(props, live), adopted_inputs(live))
        return ReadResult(id_, _outputs(props, live))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only ``stop_reason`` updates in place (diff replaces on anything else that pages), and it is used at
        delete: keep every output as AWS stored it, take the new reason (none if it was removed)."""
        outs = self.state(olds, drop=["stop_reason"])
        if news.get("stop_reason"):
            outs["stop_reason"] = news["stop_reason"]
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """StopEngagement with ``stop_reason``. Already stopped or gone counts as done."""
        client = aws.client(self.settings, arn=id_, operation="StopEngagement")
        api.stop_engagement(client, id_, props.get("stop_reason"))
        _STOPPED_BY_REPLACEMENT.add(id_)


def described_identity(live: api.EngagementRecord) -> dict[str, Any]:
    """What an engagement says, as AWS holds it, in the names of the identity inputs."""
    described = engagement_outputs(live)
    return {"contact_id": live.contact_arn,
            **{name: described.get(name) for name in IDENTITY_FIELDS if name != "contact_id"}}


def adopted_inputs(live: api.EngagementRecord) -> dict[str, Any]:
    """The inputs ``pulumi import`` records for ``live``: what it says, its message held back in ``adopted``.

    The engine generates the program to paste from these inputs and prints the secret ones in plain text, so the
    message fields are left unset (which, for an adopted engagement, means "as adopted": :func:`_keeps_adopted`).
    """
    said = {name: value for name, value in described_identity(live).items() if not unset(value)}
    message = {name: said.pop(name) for name in SECRET_PROPERTIES if name in said}
    return {**said, "adopted_arn": live.arn, "adopted": message}


def _with_adopted_message(state: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each unset message field taken from the engagement ``state`` adopted (if any)."""
    message = state.get("adopted") or {}
    return {**values, **{name: text for name, text in message.items() if unset(values.get(name))}}


def _keeps_adopted(before: Mapping[str, Any], inputs: dict[str, Any]) -> bool:
    """Settle adoption in ``inputs``, from the previous inputs ``before`` (message filled in): whether the engagement
    stays the one ``pulumi import`` (or, on the first run, ``import_``) adopted.

    It does while the program says the same thing to the same contact, an unset message field saying what the
    adopted one said. Anything else starts a new engagement, which needs the whole message in the program: the engine
    checks a replacement again with no previous inputs, so nothing adopted can fill it in then.
    """
    arn = before.get("adopted_arn") if before else inputs.get("adopted_arn")
    message = (before or inputs).get("adopted") or {}
    inputs.pop("adopted_arn", None)
    inputs.pop("adopted", None)
    said = _with_adopted_message({"adopted": message}, inputs)
    if not arn or any(is_unknown(said.get(name)) for name in IDENTITY_FIELDS):
        return False
    if before and changed_identity_fields(before, said):
        return False
    inputs.update(said, adopted_arn=arn)
    if message:
        inputs["adopted"] = message
    return True


def _stopped_by_its_own_wait(props: Mapping[str, Any], live: api.EngagementRecord) -> bool:
    """Whether a stopped engagement of a ``stop_when`` drill is the one its create stopped before the engine saved it
    (a crash): a minted token, and no replacement in this provider process stopped it first."""
    return live.stopped and not props.get("explicit_token") and live.arn not in _STOPPED_BY_REPLACEMENT


def _outputs(props: Mapping[str, Any], live: api.EngagementRecord) -> dict[str, Any]:
    """The inputs, overlaid with the engagement as read; a member AWS leaves out keeps the input as given."""
    # The stack's token key is an input only: kept out of outputs, it is stored once per engagement, not twice.
    outs = ProviderBase.state(props, drop=["token_key"])
    outs.update((name, value) for name, value in engagement_outputs(live).items()
                if value is not None or name in _READ_ONLY)
    return outs


def _differs(old: Any, new: Any) -> bool:
    # An unset input and an empty one page the same way.
    return is_unknown(new) or (None if unset(old) else old) != (None if unset(new) else new)
