"""service-field-limits: lengths, patterns and enums of the ssm-contacts model, checked before the engine runs."""

import botocore.session

from pulumi_incident_manager.policies import FIELD_LIMITS, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import UNKNOWN, run_policy

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/0b8e1c1e"
MODEL = botocore.session.get_session().get_service_model("ssm-contacts")
START = MODEL.operation_model("StartEngagement").input_shape.members


def engagement(**fields: str) -> dict[str, str | None]:
    return {"contact_id": CONTACT, "sender": "gameday-bot", "subject": "s", "content": "c", **fields}


def acceptance(**fields: str) -> dict[str, str | None]:
    return {"page_id": PAGE, "accept_code": "123456", **fields}


def test_a_valid_engagement_passes() -> None:
    props = engagement(public_subject="p", incident_id="INC-1", idempotency_token="abc_DEF-1=", stop_reason="done")
    assert run_policy(FIELD_LIMITS, {**props, "public_content": None, "arn": None}) == []


def test_a_sender_outside_the_services_pattern_is_refused_with_the_characters_at_fault() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(sender="Game day (drill)"), name="page")

    assert messages == [
        f'Engagement "page": sender does not match the pattern {START["Sender"].metadata["pattern"]} that '
        "StartEngagement.Sender requires (not allowed: '(' ')'). Fix: change sender so it matches that pattern."
    ]


def test_lengths_come_from_the_service_model() -> None:
    limit = START["Subject"].metadata["max"]

    messages = run_policy(FIELD_LIMITS, engagement(subject="x" * (limit + 1)), name="page")

    assert messages == [
        f'Engagement "page": subject is {limit + 1} characters, over the maximum of {limit} '
        f"(StartEngagement.Subject). Fix: shorten subject to at most {limit} characters."
    ]


def test_an_empty_optional_field_is_under_the_minimum() -> None:
    assert run_policy(FIELD_LIMITS, engagement(public_content=""), name="page") == [
        'Engagement "page": public_content is 0 characters, under the minimum of 1 (StartEngagement.PublicContent). '
        "Fix: give public_content at least 1 characters, or leave it out if it is optional."
    ]


def test_an_idempotency_token_with_a_colon_is_refused() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(idempotency_token="urn:pulumi:x"), name="page")

    pattern = START["IdempotencyToken"].metadata["pattern"]
    assert [message.split(" that ")[0] for message in messages] == [
        f'Engagement "page": idempotency_token does not match the pattern {pattern}'
    ]
    assert "(not allowed: ':')" in messages[0]


def test_a_contact_arn_with_a_trailing_space_is_refused_without_hanging_or_listing_its_characters() -> None:
    # The model's ARN pattern ends in a nested repeat: matched as written, this would backtrack for ages.
    contact = f"{CONTACT[: CONTACT.rindex('/') + 1]}{'checkout-escalation-' * 20} "

    messages = run_policy(FIELD_LIMITS, engagement(contact_id=contact), name="page")

    assert messages == [
        f'Engagement "page": contact_id does not match the pattern {START["ContactId"].metadata["pattern"]} that '
        "StartEngagement.ContactId requires. Fix: change contact_id so it matches that pattern."
    ]


def test_the_stop_reason_follows_stop_engagement() -> None:
    assert run_policy(FIELD_LIMITS, engagement(stop_reason="x" * 256), name="page") == [
        'Engagement "page": stop_reason is 256 characters, over the maximum of 255 (StopEngagement.Reason). '
        "Fix: shorten stop_reason to at most 255 characters."
    ]


def test_a_missing_required_field_is_named() -> None:
    props = engagement()
    del props["contact_id"]
    assert run_policy(FIELD_LIMITS, props, name="page") == [
        'Engagement "page": contact_id is missing (StartEngagement.ContactId requires it). Fix: set contact_id.'
    ]


def test_unknown_fields_are_skipped_and_the_known_ones_still_checked() -> None:
    props = engagement(contact_id=UNKNOWN, sender="bad,sender")
    assert [message.split(" does not")[0] for message in run_policy(FIELD_LIMITS, props, name="page")] == [
        'Engagement "page": sender'
    ]


def test_a_page_acceptance_follows_accept_page() -> None:
    assert run_policy(FIELD_LIMITS, acceptance(), resource_type=PAGE_ACCEPTANCE_TYPE) == []
    assert run_policy(FIELD_LIMITS, acceptance(accept_type="SEEN"), resource_type=PAGE_ACCEPTANCE_TYPE, name="ack") == [
        'PageAcceptance "ack": accept_type is "SEEN", not one of "DELIVERED" or "READ". '
        'Fix: set accept_type to "DELIVERED" or "READ".'
    ]


def test_a_bad_accept_code_is_refused_without_quoting_it() -> None:
    messages = run_policy(
        FIELD_LIMITS, acceptance(accept_code="12345x"), resource_type=PAGE_ACCEPTANCE_TYPE, name="ack"
    )

    assert messages == [
        'PageAcceptance "ack": accept_code does not match the pattern ^[0-9]*$ that AcceptPage.AcceptCode requires. '
        "Fix: change accept_code so it matches that pattern."
    ]


def test_config_adds_a_sender_convention_and_a_tighter_sms_limit() -> None:
    config = {"senderPattern": r"gameday-\w+", "publicMaxLength": 160}

    messages = run_policy(FIELD_LIMITS, engagement(sender="ops", public_content="x" * 161), config=config, name="p")

    assert messages == [
        'Engagement "p": sender "ops" does not match the team\'s senderPattern "gameday-\\w+". '
        "Fix: use a sender name that follows the convention in the policy config.",
        'Engagement "p": public_content is 161 characters, over the publicMaxLength of 160. '
        "Fix: shorten public_content to at most 160 characters.",
    ]


def test_a_broken_sender_pattern_is_reported_as_a_config_error() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(), config={"senderPattern": "[a-"}, name="p")

    assert messages == [
        'Engagement "p": policy config senderPattern is not a valid regular expression (unterminated character set '
        "at position 0). Fix: correct the pattern in the policy config."
    ]
