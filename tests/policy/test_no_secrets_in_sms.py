"""no-secrets-in-sms: public_subject and public_content go out by SMS and must not carry secrets or contact details."""

import pytest

from pulumi_incident_manager.policies import NO_SECRETS_IN_SMS, SENSITIVE_PATTERNS
from pulumi_incident_manager.testing import run_policy

from ..support import engagement


def test_plain_sms_text_passes() -> None:
    props = engagement(
        public_subject="[DRILL] checkout latency",
        public_content="Sev 2 at 2026-08-19 16:51 UTC, 3 of 12 hosts; runbook page 4. Ack in the app.",
    )
    assert run_policy(NO_SECRETS_IN_SMS, props) == []


def test_the_secure_channels_may_carry_details() -> None:
    props = engagement(subject="mail alice@example.com", content="key AKIAIOSFODNN7EXAMPLE")
    assert run_policy(NO_SECRETS_IN_SMS, props) == []


@pytest.mark.parametrize(
    ("pattern", "text", "what"),
    [
        ("aws-access-key-id", "use AKIAIOSFODNN7EXAMPLE now", "an AWS access key ID"),
        ("aws-secret-access-key", "sk wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
        ("private-key", "-----BEGIN RSA PRIVATE KEY-----", "a private key"),
        ("token", "ghp_" + "a1B2" * 9, "an API token"),
        ("credential", "db password: hunter2hunter2", "a credential"),
        ("email-address", "write to alice.smith@example.com", "an e-mail address"),
        ("phone-number", "call +1 206 555 0100", "a phone number"),
        ("phone-number", "call (206) 555-0100", "a phone number"),
        # Forms real leaks take, which word boundaries or a "=" before the value used to let through.
        ("aws-access-key-id", "aws_key_AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"),
        (
            "aws-secret-access-key",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "an AWS secret access key",
        ),
        ("token", "session IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", "an API token"),
        ("credential", "DB_PASSWORD=hunter2hunter2", "a credential"),
        ("credential", '{"password": "hunter2hunter2"}', "a credential"),
        ("private-key", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "a private key"),
        ("phone-number", "call (206)555-0100", "a phone number"),
    ],
)
def test_each_sensitive_pattern_is_refused_without_echoing_it(pattern: str, text: str, what: str) -> None:
    messages = run_policy(NO_SECRETS_IN_SMS, engagement(public_content=text), name="page")

    assert len(messages) == 1
    position = SENSITIVE_PATTERNS[pattern].regex.search(text).start() + 1  # type: ignore[union-attr]
    assert messages[0] == (
        f'Engagement "page": public_content contains what looks like {what} (pattern {pattern}, at character '
        f"{position}); SMS is not a secure channel. Fix: remove it from public_content; put what responders need "
        "in subject/content, which go only by e-mail and voice."
    )
    assert text[position - 1 :] not in messages[0]


def test_public_subject_is_checked_too() -> None:
    messages = run_policy(NO_SECRETS_IN_SMS, engagement(public_subject="bob@example.org"), name="page")

    assert [message.split(" (")[0] for message in messages] == [
        'Engagement "page": public_subject contains what looks like an e-mail address'
    ]


def test_config_adds_patterns() -> None:
    config = {"extraPatterns": {"customer-id": r"\bCUST-\d{6}\b"}}

    messages = run_policy(NO_SECRETS_IN_SMS, engagement(public_content="for CUST-123456"), config=config, name="p")

    assert messages == [
        'Engagement "p": public_content contains what looks like text matching extraPatterns["customer-id"] '
        "(pattern customer-id, at character 5); SMS is not a secure channel. Fix: remove it from public_content; "
        "put what responders need in subject/content, which go only by e-mail and voice."
    ]


def test_config_turns_built_in_patterns_off() -> None:
    props = engagement(public_content="bridge +1 206 555 0100")
    assert run_policy(NO_SECRETS_IN_SMS, props, config={"ignoredPatterns": ["phone-number"]}) == []


def test_a_broken_extra_pattern_is_reported_as_a_config_error() -> None:
    messages = run_policy(NO_SECRETS_IN_SMS, engagement(), config={"extraPatterns": {"bad": "(unclosed"}}, name="p")

    assert messages == [
        'Engagement "p": policy config extraPatterns["bad"] is not a valid regular expression (missing ), '
        "unterminated subpattern at position 0). Fix: correct the pattern in the policy config."
    ]
