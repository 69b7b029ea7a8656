"""Shift computation: examples worked by hand, then properties checked on generated rotations (hypothesis).

The rules (docs/emulator.md, "Rotations and shifts"): turn 0 runs from the rotation's start to the first hand-off
after it; turn k puts NumberOfOnCalls members on call from position k * NumberOfOnCalls; RecurrenceMultiplier m
keeps the hand-offs of every m-th day, week or month; coverage windows keep the covered parts of each turn; the
override created last wins.
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm_contacts_emulator.exceptions import ValidationException
from ssm_contacts_emulator.rotations import DAYS, Override, Shift, check_recurrence, compute_shifts, on_call

UTC = datetime.UTC


def at(text: str, zone: str = "UTC") -> datetime.datetime:
    """A local wall-clock time in ``zone`` ("2026-03-02 09:00") as an aware UTC datetime."""
    local = datetime.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(UTC)


def hand_off(hour: int, minute: int = 0) -> dict[str, int]:
    return {"HourOfDay": hour, "MinuteOfHour": minute}


def weekly(day: str, hour: int, *, on_calls: int = 1, multiplier: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "NumberOfOnCalls": on_calls,
        "RecurrenceMultiplier": multiplier,
        "WeeklySettings": [{"DayOfWeek": day, "HandOffTime": hand_off(hour)}],
        **more,
    }


def table(shifts: list[Shift], zone: str = "UTC") -> list[tuple[str, str, tuple[str, ...]]]:
    """Shifts as (local start, local end, members), the way the examples are worked by hand."""
    tz = zoneinfo.ZoneInfo(zone)
    fmt = "%a %Y-%m-%d %H:%M"
    return [(s.start.astimezone(tz).strftime(fmt), s.end.astimezone(tz).strftime(fmt), s.members) for s in shifts]


# -- examples worked by hand ------------------------------------------------------------------------------------


def test_a_weekly_rotation_hands_off_on_monday_at_nine_local_time_across_the_dst_change() -> None:
    # Los Angeles moves from PST (UTC-8) to PDT (UTC-7) on Sunday 2026-03-08. The rotation starts at Monday
    # 2026-03-02 09:00 PST; each Monday at 09:00 local time the next person takes over, so the first shift lasts
    # 7 days minus the lost hour (167 h) and the hand-off moves from 17:00 to 16:00 UTC.
    zone = "America/Los_Angeles"
    shifts = compute_shifts(
        ["alice", "bob", "carol"],
        weekly("MON", 9),
        zone,
        at("2026-03-02 09:00", zone),
        at("2026-03-02 09:00", zone),
        at("2026-03-30 09:00", zone),
    )
    assert table(shifts, zone) == [
        ("Mon 2026-03-02 09:00", "Mon 2026-03-09 09:00", ("alice",)),
        ("Mon 2026-03-09 09:00", "Mon 2026-03-16 09:00", ("bob",)),
        ("Mon 2026-03-16 09:00", "Mon 2026-03-23 09:00", ("carol",)),
        ("Mon 2026-03-23 09:00", "Mon 2026-03-30 09:00", ("alice",)),
    ]
    assert shifts[0].end - shifts[0].start == datetime.timedelta(hours=167)
    assert (shifts[0].start.hour, shifts[1].start.hour) == (17, 16)  # UTC


def test_the_first_shift_runs_from_the_rotation_start_to_the_first_hand_off() -> None:
    # Starting on a Wednesday noon, alice is on call until the first Monday 09:00 hand-off, then bob.
    shifts = compute_shifts(
        ["alice", "bob"], weekly("MON", 9), "UTC", at("2026-03-04 12:00"), at("2026-03-01 00:00"), at("2026-03-10")
    )
    assert table(shifts) == [
        ("Wed 2026-03-04 12:00", "Mon 2026-03-09 09:00", ("alice",)),
        ("Mon 2026-03-09 09:00", "Mon 2026-03-16 09:00", ("bob",)),
    ]


def test_two_on_call_every_second_day_take_turns_in_pairs() -> None:
    # Daily hand-off at 08:00, every 2nd day (RecurrenceMultiplier 2), 2 of 3 people on call at once:
    # turn 0 (a, b), turn 1 (c, a), turn 2 (b, c), turn 3 (a, b) again.
    recurrence = {"NumberOfOnCalls": 2, "RecurrenceMultiplier": 2, "DailySettings": [hand_off(8)]}
    shifts = compute_shifts(
        ["a", "b", "c"], recurrence, "UTC", at("2026-05-01 08:00"), at("2026-05-01"), at("2026-05-08")
    )
    assert table(shifts) == [
        ("Fri 2026-05-01 08:00", "Sun 2026-05-03 08:00", ("a", "b")),
        ("Sun 2026-05-03 08:00", "Tue 2026-05-05 08:00", ("c", "a")),
        ("Tue 2026-05-05 08:00", "Thu 2026-05-07 08:00", ("b", "c")),
        ("Thu 2026-05-07 08:00", "Sat 2026-05-09 08:00", ("a", "b")),
    ]


def test_a_monthly_hand_off_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    recurrence = {
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 1,
        "MonthlySettings": [{"DayOfMonth": 31, "HandOffTime": hand_off(10)}],
    }
    shifts = compute_shifts(
        ["alice", "bob"], recurrence, "UTC", at("2026-01-31 10:00"), at("2026-01-31"), at("2026-04-01")
    )
    assert table(shifts) == [
        ("Sat 2026-01-31 10:00", "Sat 2026-02-28 10:00", ("alice",)),
        ("Sat 2026-02-28 10:00", "Tue 2026-03-31 10:00", ("bob",)),
        ("Tue 2026-03-31 10:00", "Thu 2026-04-30 10:00", ("alice",)),
    ]


def test_coverage_windows_keep_only_working_hours_of_each_turn() -> None:
    # Weekly rotation handing off Monday 09:00, covered Monday and Tuesday 09:00-17:00 only: alice's turn
    # yields two shifts (Monday and Tuesday), then bob's turn two more. Nights and other days have nobody.
    office = [{"Start": hand_off(9), "End": hand_off(17)}]
    recurrence = weekly("MON", 9, ShiftCoverages={"MON": office, "TUE": office})
    shifts = compute_shifts(
        ["alice", "bob"], recurrence, "UTC", at("2026-03-02 09:00"), at("2026-03-02"), at("2026-03-16")
    )
    assert table(shifts) == [
        ("Mon 2026-03-02 09:00", "Mon 2026-03-02 17:00", ("alice",)),
        ("Tue 2026-03-03 09:00", "Tue 2026-03-03 17:00", ("alice",)),
        ("Mon 2026-03-09 09:00", "Mon 2026-03-09 17:00", ("bob",)),
        ("Tue 2026-03-10 09:00", "Tue 2026-03-10 17:00", ("bob",)),
    ]


def test_a_coverage_end_of_midnight_means_the_end_of_the_day_and_whole_days_join() -> None:
    whole_day = [{"Start": hand_off(0), "End": hand_off(0)}]
    recurrence = weekly("MON", 9, ShiftCoverages={"SAT": whole_day, "SUN": whole_day})
    shifts = compute_shifts(
        ["alice", "bob"], recurrence, "UTC", at("2026-03-02 09:00"), at("2026-03-02"), at("2026-03-09")
    )
    assert table(shifts) == [("Sat 2026-03-07 00:00", "Mon 2026-03-09 00:00", ("alice",))]


def test_an_override_replaces_the_members_for_its_range_and_names_whom_it_replaced() -> None:
    # Bob covers Wednesday for alice: alice's week is split around an OVERRIDDEN shift.
    override = Override(at("2026-03-04"), at("2026-03-05"), ("bob",))
    shifts = compute_shifts(
        ["alice", "bob"],
        weekly("MON", 9),
        "UTC",
        at("2026-03-02 09:00"),
        at("2026-03-02"),
        at("2026-03-09"),
        [override],
    )
    assert table(shifts) == [
        ("Mon 2026-03-02 09:00", "Wed 2026-03-04 00:00", ("alice",)),
        ("Wed 2026-03-04 00:00", "Thu 2026-03-05 00:00", ("bob",)),
        ("Thu 2026-03-05 00:00", "Mon 2026-03-09 09:00", ("alice",)),
    ]
    assert [s.type for s in shifts] == ["REGULAR", "OVERRIDDEN", "REGULAR"]
    assert shifts[1].to_shape()["ShiftDetails"] == {"OverriddenContactIds": ["alice"]}


def test_of_two_overlapping_overrides_the_later_one_wins() -> None:
    first = Override(at("2026-03-04"), at("2026-03-06"), ("bob",), order=0)
    second = Override(at("2026-03-05"), at("2026-03-07"), ("carol",), order=1)
    shifts = compute_shifts(
        ["alice", "bob", "carol"], weekly("MON", 9), "UTC", at("2026-03-02 09:00"), at("2026-03-04"),
        at("2026-03-07"), [first, second],
    )  # fmt: skip
    assert table(shifts) == [
        ("Wed 2026-03-04 00:00", "Thu 2026-03-05 00:00", ("bob",)),
        ("Thu 2026-03-05 00:00", "Sat 2026-03-07 00:00", ("carol",)),
    ]


def test_shifts_overlapping_the_range_are_returned_whole_and_none_before_the_rotation_starts() -> None:
    shifts = compute_shifts(
        ["alice", "bob"], weekly("MON", 9), "UTC", at("2026-03-02 09:00"), at("2026-02-01"), at("2026-03-10")
    )
    assert table(shifts)[0] == ("Mon 2026-03-02 09:00", "Mon 2026-03-09 09:00", ("alice",))
    assert table(shifts)[-1] == ("Mon 2026-03-09 09:00", "Mon 2026-03-16 09:00", ("bob",))
    assert compute_shifts(["a"], weekly("MON", 9), "UTC", at("2026-03-02"), at("2026-01-01"), at("2026-02-01")) == []


def test_who_is_on_call_at_a_moment() -> None:
    recurrence = weekly("MON", 9, ShiftCoverages={"MON": [{"Start": hand_off(9), "End": hand_off(17)}]})
    start = at("2026-03-02 09:00")
    assert on_call(["alice", "bob"], recurrence, "UTC", start, at("2026-03-09 10:00")) == ("bob",)
    assert on_call(["alice", "bob"], recurrence, "UTC", start, at("2026-03-09 18:00")) == ()  # not covered
    assert on_call(["alice", "bob"], recurrence, "UTC", start, at("2026-03-01 10:00")) == ()  # not started


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        ({"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1}, "Recurrence: Member must have exactly one of"),
        (
            {**weekly("MON", 9), "DailySettings": [hand_off(9)]},
            "Recurrence: Member must have exactly one of DailySettings, WeeklySettings, MonthlySettings",
        ),
        (weekly("MON", 9, on_calls=3), "Recurrence.NumberOfOnCalls: Member must be at most the number of rotation"),
        (
            weekly("MON", 9, ShiftCoverages={"TUE": [{"Start": hand_off(17), "End": hand_off(9)}]}),
            "Recurrence.ShiftCoverages.TUE[0]: End must be after Start on the same day",
        ),
    ],
)
def test_recurrences_the_model_allows_but_that_make_no_rotation_are_refused(
    recurrence: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationException) as info:
        check_recurrence(recurrence, members=2)
    assert info.value.message.startswith(message)


# -- properties -------------------------------------------------------------------------------------------------

# Zones whose DST changes happen before 04:00 local time (and one without DST), so that hand-offs and coverage
# windows drawn from 04:00 on never fall in a skipped or repeated hour; hand-offs of any hour are drawn separately.
ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata"]
STEP = datetime.timedelta(minutes=15)

quarter_hours = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
moments = st.builds(
    lambda days, quarters: datetime.datetime(2025, 1, 1, tzinfo=UTC) + datetime.timedelta(days=days) + quarters * STEP,
    st.integers(0, 730),
    st.integers(0, 95),
)


@st.composite
def recurrences(draw: st.DrawFn, members: int, hours: st.SearchStrategy[tuple[int, int]] = quarter_hours) -> Any:
    kind = draw(st.sampled_from(["daily", "weekly", "monthly"]))
    recurrence: dict[str, Any] = {
        "NumberOfOnCalls": draw(st.integers(1, members)),
        "RecurrenceMultiplier": draw(st.integers(1, 3)),
    }
    times = draw(st.lists(hours, min_size=1, max_size=3, unique=True))
    if kind == "daily":
        recurrence["DailySettings"] = [hand_off(h, m) for h, m in times]
    elif kind == "weekly":
        days = draw(st.lists(st.sampled_from(DAYS), min_size=len(times), max_size=len(times)))
        recurrence["WeeklySettings"] = [
            {"DayOfWeek": d, "HandOffTime": hand_off(h, m)} for d, (h, m) in zip(days, times, strict=True)
        ]
    else:
        days_of_month = draw(st.lists(st.integers(1, 31), min_size=len(times), max_size=len(times)))
        recurrence["MonthlySettings"] = [
            {"DayOfMonth": d, "HandOffTime": hand_off(h, m)} for d, (h, m) in zip(days_of_month, times, strict=True)
        ]
    return recurrence


@st.composite
def rotations(draw: st.DrawFn, hours: st.SearchStrategy[tuple[int, int]] = quarter_hours) -> dict[str, Any]:
    members = [f"m{i}" for i in range(draw(st.integers(1, 6)))]
    start = draw(moments)
    range_start = start + draw(st.integers(-2 * 96, 60 * 96)) * STEP
    return {
        "members": members,
        "recurrence": draw(recurrences(len(members), hours)),
        "time_zone_id": draw(st.sampled_from(ZONES)),
        "rotation_start": start,
        "range_start": range_start,
        "range_end": range_start + draw(st.integers(1, 20 * 96)) * STEP,
    }


def _hand_off_instants(recurrence: dict[str, Any], zone: str, moment: datetime.datetime) -> set[datetime.datetime]:
    """The hand-offs the recurrence defines on ``moment``'s local date (a DST gap moves one past the gap)."""
    tz = zoneinfo.ZoneInfo(zone)
    day = moment.astimezone(tz).date()

    def local(hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz).astimezone(UTC)

    if recurrence.get("DailySettings"):
        return {local(h["HourOfDay"], h["MinuteOfHour"]) for h in recurrence["DailySettings"]}
    if recurrence.get("WeeklySettings"):
        return {
            local(s["HandOffTime"]["HourOfDay"], s["HandOffTime"]["MinuteOfHour"])
            for s in recurrence["WeeklySettings"]
            if DAYS.index(s["DayOfWeek"]) == day.weekday()
        }
    last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return {
        local(s["HandOffTime"]["HourOfDay"], s["HandOffTime"]["MinuteOfHour"])
        for s in recurrence["MonthlySettings"]
        if min(s["DayOfMonth"], last.day) == day.day
    }


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rotations(hours=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))))
def test_shifts_tile_the_range_from_the_rotation_start_without_gap_or_overlap(case: dict[str, Any]) -> None:
    shifts = compute_shifts(**case)
    begin = max(case["range_start"], case["rotation_start"])
    if case["range_end"] <= case["rotation_start"]:
        assert shifts == []
        return
    assert shifts[0].start <= begin < shifts[0].end
    assert shifts[-1].start < case["range_end"] <= shifts[-1].end
    assert all(s.start < s.end for s in shifts)
    assert all(a.end == b.start for a, b in itertools.pairwise(shifts))
    assert shifts[0].start >= case["rotation_start"]


@PROPERTY
@given(rotations(hours=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))))
def test_members_take_turns_in_order_number_of_on_calls_at_a_time(case: dict[str, Any]) -> None:
    members, on_calls = case["members"], case["recurrence"]["NumberOfOnCalls"]
    shifts = compute_shifts(**case)
    for shift in shifts:
        first = members.index(shift.members[0])
        assert shift.members == tuple(members[(first + j) % len(members)] for j in range(on_calls))
    for a, b in itertools.pairwise(shifts):
        assert members.index(b.members[0]) == (members.index(a.members[0]) + on_calls) % len(members)
    if shifts and shifts[0].start == case["rotation_start"]:
        assert shifts[0].members[0] == members[0]  # turn 0 starts the order


@PROPERTY
@given(rotations(hours=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))))
def test_every_hand_off_is_at_a_local_hand_off_time_of_the_recurrence_across_dst(case: dict[str, Any]) -> None:
    shifts = compute_shifts(**case)
    for shift in shifts[1:]:
        assert shift.start in _hand_off_instants(case["recurrence"], case["time_zone_id"], shift.start)


@st.composite
def coverages(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    out: dict[str, list[dict[str, Any]]] = {}
    for day in days:
        start = draw(st.integers(4 * 4, 23 * 4))  # quarter hours from 04:00, clear of DST changes
        end = draw(st.one_of(st.just(0), st.integers(start + 1, 24 * 4 - 1)))
        out[day] = [{"Start": hand_off(*divmod(start * 15, 60)), "End": hand_off(*divmod(end * 15, 60))}]
    return out


def _covered(coverage: dict[str, list[dict[str, Any]]], zone: str, moment: datetime.datetime) -> bool:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    for window in coverage.get(DAYS[local.weekday()], []):
        begin = window["Start"]["HourOfDay"] * 60 + window["Start"]["MinuteOfHour"]
        end = window["End"]["HourOfDay"] * 60 + window["End"]["MinuteOfHour"] or 24 * 60
        if begin <= minute < end:
            return True
    return False


def _slots(case: dict[str, Any]) -> list[datetime.datetime]:
    slot = max(case["range_start"], case["rotation_start"])
    out = []
    while slot < case["range_end"]:
        out.append(slot)
        slot += STEP
    return out


def _shift_at(shifts: list[Shift], moment: datetime.datetime) -> list[Shift]:
    return [s for s in shifts if s.start <= moment < s.end]


@PROPERTY
@given(rotations(hours=st.tuples(st.integers(4, 23), st.sampled_from([0, 15, 30, 45]))), coverages())
def test_shifts_cover_exactly_the_coverage_windows_with_the_regular_turns_members(
    case: dict[str, Any], coverage: dict[str, list[dict[str, Any]]]
) -> None:
    regular = compute_shifts(**case)
    covered = compute_shifts(**{**case, "recurrence": {**case["recurrence"], "ShiftCoverages": coverage}})
    assert all(a.end <= b.start for a, b in itertools.pairwise(covered))  # no overlap
    for slot in _slots(case):
        found = _shift_at(covered, slot)
        if _covered(coverage, case["time_zone_id"], slot):
            assert len(found) == 1, slot
            assert found[0].members == _shift_at(regular, slot)[0].members
        else:
            assert found == [], slot


@st.composite
def overrides(draw: st.DrawFn, case: dict[str, Any]) -> list[Override]:
    out = []
    for order in range(draw(st.integers(1, 3))):
        start = case["range_start"] + draw(st.integers(-96, 20 * 96)) * STEP
        end = start + draw(st.integers(1, 5 * 96)) * STEP
        members = tuple(draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True)))
        out.append(Override(start, end, members, order))
    return out


@PROPERTY
@given(st.data())
def test_overrides_win_where_they_apply_and_name_the_members_they_replace(data: st.DataObject) -> None:
    case = data.draw(rotations(hours=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))))
    extra = data.draw(overrides(case))
    regular = compute_shifts(**case)
    shifts = compute_shifts(**case, overrides=extra)
    assert all(a.end == b.start for a, b in itertools.pairwise(shifts))
    for slot in _slots(case):
        [shift] = _shift_at(shifts, slot)
        [plain] = _shift_at(regular, slot)
        winners = [o for o in extra if o.start <= slot < o.end]
        if winners:
            assert shift.type == "OVERRIDDEN"
            assert shift.members == max(winners, key=lambda o: o.order).members
            assert shift.overridden == plain.members
        else:
            assert (shift.type, shift.members) == ("REGULAR", plain.members)


@PROPERTY
@given(rotations(hours=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))))
def test_with_one_hand_off_time_turns_last_recurrence_multiplier_days_weeks_or_months(case: dict[str, Any]) -> None:
    recurrence = case["recurrence"]
    settings_ = recurrence.get("DailySettings") or recurrence.get("WeeklySettings") or recurrence["MonthlySettings"]
    recurrence = {**recurrence, next(k for k in recurrence if k.endswith("Settings")): settings_[:1]}
    tz = zoneinfo.ZoneInfo(case["time_zone_id"])
    multiplier = recurrence["RecurrenceMultiplier"]
    shifts = compute_shifts(**{**case, "recurrence": recurrence})
    for shift in shifts[1:]:  # whole turns: from one hand-off to the next
        begin, end = shift.start.astimezone(tz).date(), shift.end.astimezone(tz).date()
        if "DailySettings" in recurrence:
            assert (end - begin).days == multiplier
        elif "WeeklySettings" in recurrence:
            assert (end - begin).days == 7 * multiplier
        else:
            assert (end.year * 12 + end.month) - (begin.year * 12 + begin.month) == multiplier
