"""Inputs a user could get wrong, one per run: config `case` picks which (see CASES), `contactId` is the contact."""

from collections.abc import Callable

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
contact = config.require("contactId")
message = {"sender": "e2e-tests", "subject": pulumi.Output.secret("E2E-SECRET-SUBJECT"),
           "content": pulumi.Output.secret("E2E-SECRET-CONTENT")}


def twins() -> None:
    incident_manager.Engagement("a", contact_id=contact, run="2", **message)
    incident_manager.Engagement("b", contact_id=contact, run=config.get_int("runB") or 2, **message)  # type: ignore[arg-type]


def float_twin() -> None:
    incident_manager.Engagement("a", contact_id=contact, run="2", **message)
    incident_manager.Engagement("b", contact_id=contact, run=2.0, **message)  # type: ignore[arg-type]


def with_args(**keywords: object) -> None:
    args = incident_manager.EngagementArgs(contact_id=contact, **message)  # type: ignore[arg-type]
    incident_manager.Engagement("page", args, **keywords)  # type: ignore[arg-type]


CASES: dict[str, Callable[[], object]] = {
    "twins": twins,
    "float-twin": float_twin,
    "missing": lambda: incident_manager.Engagement("page", contact_id=contact, sender="e2e-tests", content="c"),
    "subject-none": lambda: incident_manager.Engagement("page", contact_id=contact, sender="x", subject=None,
                                                        content="c"),
    "unknown": lambda: incident_manager.Engagement("page", contact_id=contact, contnet="c", **message),  # type: ignore[call-arg]
    "args-and-keywords": lambda: with_args(run="2"),
    "delete-before-replace": lambda: incident_manager.Engagement(
        "page", contact_id=contact, **message, opts=pulumi.ResourceOptions(delete_before_replace=False)  # type: ignore[arg-type]
    ),
    "surrogate": lambda: incident_manager.Engagement("page", contact_id=contact, sender="x", subject="s",
                                                     content="E2E-SECRET\ud800"),
    "acceptance-missing": lambda: incident_manager.PageAcceptance("ack", page_id="arn:page"),
    "expectation-unknown": lambda: incident_manager.AcknowledgementExpectation(
        "expect", engagement_arn="arn", within="1m", chanels=["SMS"]  # type: ignore[call-arg]
    ),
    "function-bad-input": lambda: incident_manager.who_would_be_paged(contact, at="yesterday"),
}

CASES[config.require("case")]()
