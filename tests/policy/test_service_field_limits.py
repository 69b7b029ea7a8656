"""service-field-limits: the provider's own rules (lengths, patterns, enums, ARN shapes), checked at preview."""

import botocore.session

from pulumi_incident_manager.policies import FIELD_LIMITS, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import UNKNOWN, run_policy

from ..support import CONTACT, engagement

PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/0b8e1c1e"
MODEL = botocore.session.get_session().get_service_model("ssm-contacts")
START = MODEL.operation_model("StartEngagement").input_shape.members




def acceptance(**fields: str) -> dict[str, str | None]:
    return {"page_id": PAGE, "accept_code": "123456", **fields}


def test_a_valid_engagement_passes() -> None:
    props = engagement(public_subject="p", incident_id="INC-1", idempotency_token="abc_DEF-1=", stop_reason="done")
    assert run_policy(FIELD_LIMITS, {**props, "public_content": None, "arn": None}) == []


def test_a_sender_outside_the_services_pattern_is_refused_with_the_character_at_fault() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(sender="Game day (drill)"), name="page")

    assert messages == [
        f'Engagement "page": sender must match the pattern {START["Sender"].metadata["pattern"]}: \'(\' is not '
        "allowed (StartEngagement.Sender). Fix: change sender so that ssm-contacts accepts it."
    ]


def test_lengths_come_from_the_service_model() -> None:
    limit = START["Subject"].metadata["max"]

    messages = run_policy(FIELD_LIMITS, engagement(subject="x" * (limit + 1)), name="page")

    assert messages == [
        f'Engagement "page": subject must be at most {limit} characters long (StartEngagement.Subject). '
        "Fix: change subject so that ssm-contacts accepts it."
    ]


def test_an_empty_optional_field_passes_as_the_provider_leaves_it_out() -> None:
    assert run_policy(FIELD_LIMITS, engagement(public_content=""), name="page") == []


def test_an_idempotency_token_with_a_colon_is_refused() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(idempotency_token="urn:pulumi:x"), name="page")

    pattern = START["IdempotencyToken"].metadata["pattern"]
    assert [message.split(": ':'")[0] for message in messages] == [
        f'Engagement "page": idempotency_token must match the pattern {pattern}'
    ]
    assert "':' is not allowed (StartEngagement.IdempotencyToken)" in messages[0]


def test_a_contact_arn_with_a_trailing_space_is_refused_without_hanging() -> None:
    # The model's ARN pattern ends in a nested repeat: matched as written, this would backtrack for ages.
    contact = f"{CONTACT[: CONTACT.rindex('/') + 1]}{'checkout-escalation-' * 20} "

    messages = run_policy(FIELD_LIMITS, engagement(contact_id=contact), name="page")

    assert messages == [
        'Engagement "page": contact_id must be an ssm-contacts ARN shaped like '
        f"arn:aws:ssm-contacts:<region>:<account>:contact/..., not {contact[:100]!r}... (453 characters) "
        "(StartEngagement.ContactId). "
        "Fix: change contact_id so that ssm-contacts accepts it."
    ]


def test_a_contact_id_of_another_resource_type_is_refused_as_the_provider_refuses_it() -> None:
    messages = run_policy(FIELD_LIMITS, engagement(contact_id=PAGE), name="page")

    assert messages == [
        'Engagement "page": contact_id must be a contact ARN shaped like '
        "arn:aws:ssm-contacts:<region>:<account>:contact/..., not an ARN of type page (StartEngagement.ContactId). "
        "Fix: change contact_id so that ssm-contacts accepts it."
    ]


def test_the_stop_reason_follows_stop_engagement() -> None:
    assert run_policy(FIELD_LIMITS, engagement(stop_reason="x" * 256), name="page") == [
        'Engagement "page": stop_reason must be at most 255 characters long, not 256 (StopEngagement.Reason). '
        "Fix: change stop_reason so that ssm-contacts accepts it."
    ]


def test_a_missing_required_field_is_named() -> None:
    props = engagement()
    del props["contact_id"]
    assert run_policy(FIELD_LIMITS, props, name="page") == [
        'Engagement "page": contact_id is required (StartEngagement.ContactId). Fix: set contact_id.'
    ]


def test_a_number_where_a_string_belongs_is_named_with_the_fix() -> None:
    assert run_policy(FIELD_LIMITS, {**engagement(), "incident_id": 42}, name="page") == [
        'Engagement "page": incident_id must be a string, not the number 42: quote it (StartEngagement.IncidentId). '
        "Fix: change incident_id so that ssm-contacts accepts it."
    ]


def test_unknown_fields_are_skipped_and_the_known_ones_still_checked() -> None:
    props = engagement(contact_id=UNKNOWN, sender="bad,sender")
    assert [message.split(" must")[0] for message in run_policy(FIELD_LIMITS, props, name="page")] == [
        'Engagement "page": sender'
    ]


def test_a_page_acceptance_follows_accept_page_with_the_providers_defaults() -> None:
    assert run_policy(FIELD_LIMITS, acceptance(), resource_type=PAGE_ACCEPTANCE_TYPE) == []
    assert run_policy(FIELD_LIMITS, acceptance(accept_type="SEEN"), resource_type=PAGE_ACCEPTANCE_TYPE, name="ack") == [
        "PageAcceptance \"ack\": accept_type must be one of DELIVERED, READ, not 'SEEN' (AcceptPage.AcceptType). "
        "Fix: change accept_type so that ssm-contacts accepts it."
    ]


def test_a_bad_secret_is_refused_without_quoting_any_of_it() -> None:
    messages = run_policy(
        FIELD_LIMITS, acceptance(accept_code="12345x"), resource_type=PAGE_ACCEPTANCE_TYPE, name="ack"
    )
    sms = run_policy(FIELD_LIMITS, engagement(public_content=7.5), name="page")  # type: ignore[arg-type]

    assert messages == [
        'PageAcceptance "ack": accept_code must match the pattern ^[0-9]*$ (AcceptPage.AcceptCode). '
        "Fix: change accept_code so that ssm-contacts accepts it."
    ]
    assert sms == [
        'Engagement "page": public_content must be a string, not the number: quote it '
        "(StartEngagement.PublicContent). Fix: change public_content so that ssm-contacts accepts it."
    ]
