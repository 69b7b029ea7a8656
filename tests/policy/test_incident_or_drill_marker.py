"""incident-or-drill-marker: outside drills an engagement names its incident; in drills it says it is a drill."""

from pulumi_incident_manager.policies import INCIDENT_OR_DRILL_MARKER
from pulumi_incident_manager.testing import run_policy

from ..support import engagement


def test_outside_drills_an_engagement_with_an_incident_id_passes() -> None:
    assert run_policy(INCIDENT_OR_DRILL_MARKER, engagement(incident_id="INC-4711"), stack="production") == []


def test_outside_drills_an_engagement_without_an_incident_id_is_refused() -> None:
    messages = run_policy(INCIDENT_OR_DRILL_MARKER, engagement(), name="page-sre", stack="production")

    assert messages == [
        'Engagement "page-sre": incident_id is missing, and stack "production" is not a drill (drillStacks: '
        "['*drill*', '*gameday*']). Fix: set incident_id to the incident this engagement is for, or run it from a "
        "drill stack."
    ]


def test_the_incident_id_must_match_the_configured_pattern() -> None:
    config = {"incidentIdPattern": r"INC-\d+"}
    assert run_policy(INCIDENT_OR_DRILL_MARKER, engagement(incident_id="INC-1"), config=config, stack="prod") == []

    messages = run_policy(
        INCIDENT_OR_DRILL_MARKER, engagement(incident_id="db"), config=config, name="page", stack="prod"
    )

    assert messages == [
        'Engagement "page": incident_id "db" does not match incidentIdPattern "INC-\\d+". Fix: use the incident '
        "record's identifier in the form the policy config asks for."
    ]


def test_in_a_drill_the_subjects_carry_the_drill_marker() -> None:
    props = engagement(subject="[DRILL] db down", public_subject="[DRILL] db")
    assert run_policy(INCIDENT_OR_DRILL_MARKER, props, stack="gameday-2026") == []


def test_in_a_drill_a_subject_without_the_marker_is_refused() -> None:
    props = engagement(subject="db down", public_subject="[DRILL] db")

    messages = run_policy(INCIDENT_OR_DRILL_MARKER, props, name="page", stack="drill")

    assert messages == [
        'Engagement "page": subject does not contain the drill marker "[DRILL]" (stack "drill" is a drill). '
        'Fix: start it with "[DRILL]" so whoever is paged knows this is a drill.'
    ]


def test_which_stacks_are_drills_and_the_marker_come_from_config() -> None:
    config = {"drillStacks": ["exercise-*"], "drillMarker": "EXERCISE"}

    assert (
        run_policy(INCIDENT_OR_DRILL_MARKER, engagement(subject="EXERCISE db"), config=config, stack="exercise-1") == []
    )
    messages = run_policy(INCIDENT_OR_DRILL_MARKER, engagement(), config=config, name="page", stack="drill")
    assert messages == [
        'Engagement "page": incident_id is missing, and stack "drill" is not a drill (drillStacks: '
        "['exercise-*']). Fix: set incident_id to the incident this engagement is for, or run it from a drill stack."
    ]


def test_an_empty_drill_marker_turns_the_subject_check_off() -> None:
    assert run_policy(INCIDENT_OR_DRILL_MARKER, engagement(), config={"drillMarker": ""}, stack="drill") == []


def test_a_broken_incident_id_pattern_is_reported_as_a_config_error() -> None:
    config = {"incidentIdPattern": "INC-(\\d+"}

    messages = run_policy(INCIDENT_OR_DRILL_MARKER, engagement(incident_id="INC-1"), config=config, name="p")

    assert messages == [
        'Engagement "p": policy config incidentIdPattern is not a valid regular expression (missing ), unterminated '
        "subpattern at position 4). Fix: correct the pattern in the policy config."
    ]
