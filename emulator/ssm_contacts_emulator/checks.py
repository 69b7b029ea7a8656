"""The checks of a request that botocore's model cannot express (validation.py does what it can): plans and their
references, delivery addresses, rotation members, time ranges, resource policies. Each raises ValidationException
(FIELD_VALIDATION_FAILED) naming the member at fault.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from typing import Any

from .exceptions import ResourceNotFoundException, ValidationException
from .models import Contact, ContactChannel, Rotation
from .validation import parse_timestamp

MAX_SCHEDULE_ROTATIONS = 8
"""Rotations one on-call schedule may hold (AWS's documented limit; the model allows 25)."""

_ADDRESS_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "EMAIL": (lambda a: "@" in a.strip("@"), "an email address such as oncall@example.com"),
    "SMS": (lambda a: a.startswith("+") and a[1:].isdigit() and 2 <= len(a) - 1 <= 15, "an E.164 number"),
    "VOICE": (lambda a: a.startswith("+") and a[1:].isdigit() and 2 <= len(a) - 1 <= 15, "an E.164 number"),
}


def check_address(channel_type: str, address: str | None) -> str:
    """DeliveryAddress.SimpleAddress of a channel of this type (an email address, or an E.164 number)."""
    rule, wanted = _ADDRESS_RULES[channel_type]
    if address is None or not rule(address):
        raise ValidationException(
            f"DeliveryAddress.SimpleAddress must be {wanted} for a {channel_type} channel.",
            "FIELD_VALIDATION_FAILED",
            [{"Name": "DeliveryAddress.SimpleAddress", "Message": f"Member must be {wanted}"}],
        )
    return address


def check_plan(
    contact_type: str,
    contact_arn: str,
    plan: dict[str, Any],
    contacts: Mapping[str, Contact],
    channels: Mapping[str, ContactChannel],
    rotations: Mapping[str, Rotation],
) -> dict[str, Any]:
    """The plan as stored, after the checks the model cannot express (target kinds, references)."""
    problems: list[dict[str, str]] = []
    stages = plan.get("Stages") or []
    rotation_ids = plan.get("RotationIds") or []
    if contact_type == "ONCALL_SCHEDULE":
        if stages:
            problems.append({"Name": "Plan.Stages", "Message": "An ONCALL_SCHEDULE plan has RotationIds, not Stages"})
        if not 1 <= len(rotation_ids) <= MAX_SCHEDULE_ROTATIONS:
            problems.append(
                {
                    "Name": "Plan.RotationIds",
                    "Message": f"An ONCALL_SCHEDULE plan needs 1 to {MAX_SCHEDULE_ROTATIONS} rotations",
                }
            )
        for r, rotation_id in enumerate(rotation_ids):
            if rotation_id not in rotations:
                problems.append({"Name": f"Plan.RotationIds[{r}]", "Message": "Member must be an existing rotation"})
        if len(set(rotation_ids)) != len(rotation_ids):
            problems.append({"Name": "Plan.RotationIds", "Message": "Member must not name a rotation twice"})
    elif rotation_ids:
        problems.append(
            {
                "Name": "Plan.RotationIds",
                "Message": f"Only an ONCALL_SCHEDULE plan has RotationIds, not {contact_type}",
            }
        )
    for s, stage in enumerate(stages):
        targets = stage.get("Targets") or []
        if stage.get("DurationInMinutes") == 0 and not targets and len(stages) > 1:
            problems.append(
                {
                    "Name": f"Plan.Stages[{s}].DurationInMinutes",
                    "Message": "DurationInMinutes can only be 0 if the stage has a target",
                }
            )
        for t, target in enumerate(targets):
            path = f"Plan.Stages[{s}].Targets[{t}]"
            channel_target = target.get("ChannelTargetInfo")
            contact_target = target.get("ContactTargetInfo")
            if (channel_target is None) == (contact_target is None):
                problems.append(
                    {"Name": path, "Message": "A target needs exactly one of ChannelTargetInfo, ContactTargetInfo"}
                )
            elif contact_type == "PERSONAL" and channel_target is None:
                problems.append(
                    {
                        "Name": path,
                        "Message": "A PERSONAL plan targets the contact's channels (ChannelTargetInfo)",
                    }
                )
            elif contact_type != "PERSONAL" and contact_target is None:
                problems.append(
                    {"Name": path, "Message": f"An {contact_type} plan targets contacts (ContactTargetInfo)"}
                )
            elif channel_target is not None:
                channel = channels.get(channel_target["ContactChannelId"])
                if channel is None or channel.contact_arn != contact_arn:
                    problems.append(
                        {
                            "Name": f"{path}.ChannelTargetInfo.ContactChannelId",
                            "Message": "Member must be a channel of this contact",
                        }
                    )
            elif contact_target is not None and contact_target.get("ContactId") not in contacts:
                problems.append(
                    {"Name": f"{path}.ContactTargetInfo.ContactId", "Message": "Member must be an existing contact"}
                )
    if problems:
        detail = "; ".join(f"{p['Name']}: {p['Message']}" for p in problems)
        raise ValidationException(f"The plan is not valid: {detail}", "FIELD_VALIDATION_FAILED", problems)
    if contact_type == "ONCALL_SCHEDULE":
        return {"Stages": [], "RotationIds": list(rotation_ids)}
    return {**plan, "Stages": stages}


def check_members(contact_ids: list[str], field_name: str, contacts: Mapping[str, Contact]) -> list[str]:
    """Rotation members: existing PERSONAL contacts, each once, in shift order."""
    for i, arn in enumerate(contact_ids):
        contact = contacts.get(arn)
        if contact is None:
            raise ResourceNotFoundException("CONTACT", arn)
        if contact.type != "PERSONAL":
            raise ValidationException(
                f"{field_name}[{i}]: only PERSONAL contacts can be rotation members, not {contact.type} {arn}.",
                "FIELD_VALIDATION_FAILED",
                [{"Name": f"{field_name}[{i}]", "Message": "Member must be a PERSONAL contact"}],
            )
    if len(set(contact_ids)) != len(contact_ids):
        raise ValidationException(
            f"{field_name} names a contact more than once.",
            "FIELD_VALIDATION_FAILED",
            [{"Name": field_name, "Message": "Member must not name a contact twice"}],
        )
    return list(contact_ids)


def time_range(
    start: Any, end: Any, default_start: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """A request's StartTime and EndTime (timestamps as the wire has them), the end after the start."""
    first = parse_timestamp(start) if start is not None else default_start
    last = parse_timestamp(end)
    assert first is not None and last is not None  # required, or defaulted, and well-formed (validated)
    if last <= first:
        raise ValidationException(
            "EndTime must be after StartTime.",
            "FIELD_VALIDATION_FAILED",
            [{"Name": "EndTime", "Message": "Member must be after StartTime"}],
        )
    return first, last


def check_policy(policy: str) -> None:
    """A resource policy: a JSON object with a Statement (one or a list), each with Effect Allow or Deny."""
    problem = None
    try:
        document = json.loads(policy)
    except ValueError as error:
        problem = f"Policy is not JSON: {error}"
    else:
        statements = document.get("Statement") if isinstance(document, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(document, dict):
            problem = "Policy must be a JSON object"
        elif not isinstance(statements, list) or not statements:
            problem = "Policy must have a Statement (an object or a non-empty list)"
        elif not all(isinstance(s, dict) and s.get("Effect") in ("Allow", "Deny") for s in statements):
            problem = "Each Statement must be an object whose Effect is Allow or Deny"
    if problem is not None:
        raise ValidationException(
            f"{problem}.", "FIELD_VALIDATION_FAILED", [{"Name": "Policy", "Message": f"Member is not valid: {problem}"}]
        )
