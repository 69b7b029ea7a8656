"""no-secrets-in-sms: the SMS text (public_subject, public_content) carries no keys, tokens or addresses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from ._shared import ENGAGEMENT_TYPE, Inputs, Reporter, config_schema, resource_policy, setting, settings

SMS_FIELDS = ("public_subject", "public_content")
"""The Engagement properties that go out by SMS."""


@dataclass(frozen=True)
class SensitivePattern:
    """Text that must not go out by SMS."""

    description: str
    """What it looks like, for the message (``an AWS access key ID``)."""
    regex: re.Pattern[str]


SENSITIVE_PATTERNS: Mapping[str, SensitivePattern] = {
    name: SensitivePattern(description, re.compile(regex))
    for name, description, regex in (
        # Lookarounds rather than \b, which fails after "_" (key_AKIA...): likewise for credential below.
        (
            "aws-access-key-id",
            "an AWS access key ID",
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])",
        ),
        (
            "aws-secret-access-key",
            "an AWS secret access key",
            # A "=" may come before (AWS_SECRET_ACCESS_KEY=...), not after (base64 padding of something longer).
            r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        ),
        ("private-key", "a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----"),
        (
            "token",
            "an API token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}"
            r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
            # AWS STS session tokens: base64 of a serialized token, whose first bytes are fixed.
            r"|(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|AQoDYXdzE)[A-Za-z0-9/+=]{20,})",
        ),
        (
            "credential",
            "a credential",
            # Not \b: DB_PASSWORD=..., AWS_SESSION_TOKEN=...; quotes allowed around the name ("password": "...").
            r"(?i:(?<![A-Za-z0-9])(?:password|passwd|pwd|secret|token|api[_-]?key)[\"']?\s*[:=]\s*[^\s,;]{6,}"
            r"|\bbearer\s+[A-Za-z0-9._~+/-]{16,})",
        ),
        (
            "email-address",
            "an e-mail address",
            # The lookbehind starts a try only where a local part can start: linear, not quadratic, in the text.
            r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        ),
        (
            "phone-number",
            "a phone number",
            r"(?<![\w+])\+\d[\d ().-]{6,18}\d(?!\w)"
            r"|(?<!\w)(?:\(\d{3}\) ?|\(?\d{3}\)?[ .-])\d{3}[ .-]\d{4}(?!\w)",
        ),
    )
}
"""Built-in patterns, by the name the policy config uses to turn one off (``ignoredPatterns``)."""

SCHEMA = config_schema(
    extraPatterns=setting(
        {},
        "Name -> regular expression of more text that must not go out by SMS.",
        additionalProperties={"type": "string"},
    ),
    ignoredPatterns=setting(
        [],
        "Names of built-in patterns to turn off (for example a bridge line's phone-number).",
        items={"type": "string", "enum": sorted(SENSITIVE_PATTERNS)},
    ),
)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config = settings(args, SCHEMA)
    say = Reporter(args, report_violation)
    patterns = {name: p for name, p in SENSITIVE_PATTERNS.items() if name not in config["ignoredPatterns"]}
    for name, regex in config["extraPatterns"].items():
        compiled = say.regex(f'extraPatterns["{name}"]', regex)
        if compiled is not None:
            patterns[name] = SensitivePattern(f'text matching extraPatterns["{name}"]', compiled)
    inputs = Inputs.of(args.props)
    for prop in SMS_FIELDS:
        inputs.need(prop)
        value = inputs.get(prop)
        if not isinstance(value, str):
            continue
        for name, pattern in patterns.items():
            found = pattern.regex.search(value)
            if found:
                # Say where, never what: the violation is printed and logged.
                say(
                    prop,
                    f"contains what looks like {pattern.description} (pattern {name}, at character "
                    f"{found.start() + 1}); SMS is not a secure channel",
                    f"remove it from {prop}; put what responders need in subject/content, which go only by "
                    "e-mail and voice",
                )


NO_SECRETS_IN_SMS = resource_policy(
    "no-secrets-in-sms",
    _validate,
    Severity.HIGH,
    SCHEMA,
    "public_subject and public_content go out by SMS, which is not a secure channel: they must not carry keys, "
    "tokens, credentials, e-mail addresses or phone numbers.",
    "Move sensitive details to subject/content; keep the SMS text to what anyone may read.",
)
