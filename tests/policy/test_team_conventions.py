"""team-conventions: a team's own rules from the policy config, apart from the service's limits."""

from pulumi_incident_manager.policies import PAGE_ACCEPTANCE_TYPE, TEAM_CONVENTIONS
from pulumi_incident_manager.testing import UNKNOWN, run_policy

from ..support import engagement


def test_with_no_settings_it_checks_nothing() -> None:
    assert run_policy(TEAM_CONVENTIONS, engagement(sender="ops", public_content="x" * 1000)) == []


def test_config_adds_a_sender_convention_and_a_tighter_sms_limit() -> None:
    config = {"senderPattern": r"gameday-\w+", "publicMaxLength": 160}

    messages = run_policy(TEAM_CONVENTIONS, engagement(sender="ops", public_content="x" * 161), config=config, name="p")

    assert messages == [
        'Engagement "p": sender "ops" does not match the team\'s senderPattern "gameday-\\w+". '
        "Fix: use a sender name that follows the convention in the policy config.",
        'Engagement "p": public_content is 161 characters, over the publicMaxLength of 160. '
        "Fix: shorten public_content to at most 160 characters.",
    ]


def test_a_limit_the_engine_hands_over_as_a_float_is_printed_as_the_whole_number_written() -> None:
    # The CLI passes policy config as protobuf numbers: publicMaxLength 20 arrives as 20.0.
    config = {"publicMaxLength": 20.0}

    messages = run_policy(TEAM_CONVENTIONS, engagement(public_subject="x" * 21), config=config, name="p")

    assert messages == [
        'Engagement "p": public_subject is 21 characters, over the publicMaxLength of 20. '
        "Fix: shorten public_subject to at most 20 characters."
    ]


def test_a_broken_sender_pattern_is_reported_as_a_config_error() -> None:
    messages = run_policy(TEAM_CONVENTIONS, engagement(), config={"senderPattern": "[a-"}, name="p")

    assert messages == [
        'Engagement "p": policy config senderPattern is not a valid regular expression (unterminated character set '
        "at position 0). Fix: correct the pattern in the policy config."
    ]


def test_values_not_known_yet_are_checked_once_known() -> None:
    config = {"senderPattern": "gameday-bot", "publicMaxLength": 1}
    assert run_policy(TEAM_CONVENTIONS, engagement(sender=UNKNOWN, public_subject=UNKNOWN), config=config) == []


def test_page_acceptances_are_not_its_business() -> None:
    props = {"page_id": "arn:aws:ssm-contacts:us-east-1:123456789012:page/x/1", "accept_code": "123456"}
    assert run_policy(TEAM_CONVENTIONS, props, config={"senderPattern": "x"}, resource_type=PAGE_ACCEPTANCE_TYPE) == []
