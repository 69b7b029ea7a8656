"""Shift computation for on-call rotations: one function behind ListRotationShifts, ListPreviewRotationShifts and
"who is on call now" when an on-call schedule is engaged.

A rotation hands off at the times its recurrence names (daily, weekly or monthly, in its IANA time zone). Turn 0
runs from the rotation's start to the first hand-off after it; each hand-off starts the next turn. Turn ``k`` puts
``NumberOfOnCalls`` members on call, taken in order from position ``k * NumberOfOnCalls`` (wrapping around).
``RecurrenceMultiplier`` m keeps the hand-offs of every m-th day, week (Monday to Sunday) or month, counted from
the one the rotation starts in. ``ShiftCoverages``, when given, keeps only the covered parts of each turn (days not
named are not covered), and overrides replace the members of whatever they overlap (the override created last wins).
Where AWS documents none of this, docs/emulator.md states the choice.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .exceptions import ValidationException

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")

MAX_TURNS = 100_000
"""Most hand-offs one computation walks through (from the rotation's start to the range's end)."""

UTC = datetime.UTC


@dataclass(frozen=True)
class Override:
    """Members that replace a rotation's for [start, end); ``order`` (creation order) settles overlaps."""

    start: datetime.datetime
    end: datetime.datetime
    members: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True)
class Shift:
    start: datetime.datetime
    end: datetime.datetime
    members: tuple[str, ...]
    overridden: tuple[str, ...] | None = None
    """The regular members an override replaced; None for a REGULAR shift."""

    @property
    def type(self) -> str:
        return "REGULAR" if self.overridden is None else "OVERRIDDEN"

    def to_shape(self) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "ContactIds": list(self.members),
            "StartTime": self.start.timestamp(),
            "EndTime": self.end.timestamp(),
            "Type": self.type,
        }
        if self.overridden is not None:
            shape["ShiftDetails"] = {"OverriddenContactIds": list(self.overridden)}
        return shape


def _invalid(name: str, message: str) -> ValidationException:
    return ValidationException(f"{name}: {message}", "FIELD_VALIDATION_FAILED", [{"Name": name, "Message": message}])


def time_zone(name: str, field: str = "TimeZoneId") -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _invalid(
            field, f"Member must be an IANA time zone such as America/Los_Angeles or UTC, not {name!r}"
        ) from None


def _minutes(hand_off: dict[str, Any] | None, default: int = 0) -> int:
    if hand_off is None:
        return default
    return int(hand_off["HourOfDay"]) * 60 + int(hand_off["MinuteOfHour"])


def check_recurrence(recurrence: dict[str, Any], members: int, field: str = "Recurrence") -> None:
    """What the model cannot say: exactly one kind of settings, enough members, coverage windows that make sense."""
    kinds = [k for k in ("DailySettings", "WeeklySettings", "MonthlySettings") if recurrence.get(k)]
    if len(kinds) != 1:
        raise _invalid(field, "Member must have exactly one of DailySettings, WeeklySettings, MonthlySettings")
    on_calls = recurrence["NumberOfOnCalls"]
    if on_calls > members:
        raise _invalid(
            f"{field}.NumberOfOnCalls",
            f"Member must be at most the number of rotation members ({members}), got {on_calls}",
        )
    for day, windows in (recurrence.get("ShiftCoverages") or {}).items():
        for i, window in enumerate(windows):
            start = _minutes(window.get("Start"))
            end = _minutes(window.get("End"))
            if end != 0 and end <= start:
                raise _invalid(
                    f"{field}.ShiftCoverages.{day}[{i}]",
                    "End must be after Start on the same day (an End of 00:00 means the end of the day)",
                )


def _local(day: datetime.date, minutes: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    # A local time skipped by a DST change lands after the gap; a repeated one means its first occurrence (fold 0).
    moment = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=zone)
    return moment.astimezone(UTC)


def _hand_offs(
    recurrence: dict[str, Any], zone: zoneinfo.ZoneInfo, after: datetime.datetime
) -> Iterator[datetime.datetime]:
    """Every hand-off strictly after ``after`` (the rotation's start), in order, forever."""
    multiplier = int(recurrence["RecurrenceMultiplier"])
    first = after.astimezone(zone).date()
    period = 0
    while True:
        moments: list[datetime.datetime] = []
        if recurrence.get("DailySettings"):
            day = first + datetime.timedelta(days=period)
            moments = [_local(day, _minutes(h), zone) for h in recurrence["DailySettings"]]
        elif recurrence.get("WeeklySettings"):
            monday = first - datetime.timedelta(days=first.weekday()) + datetime.timedelta(weeks=period)
            moments = [
                _local(monday + datetime.timedelta(days=DAYS.index(s["DayOfWeek"])), _minutes(s["HandOffTime"]), zone)
                for s in recurrence["WeeklySettings"]
            ]
        else:
            year, month = divmod(first.year * 12 + first.month - 1 + period, 12)
            month += 1
            last = calendar.monthrange(year, month)[1]
            moments = [
                _local(datetime.date(year, month, min(s["DayOfMonth"], last)), _minutes(s["HandOffTime"]), zone)
                for s in recurrence["MonthlySettings"]
            ]
        for moment in sorted(set(moments)):
            if moment > after:
                yield moment
        period += multiplier


def _coverage(
    coverages: dict[str, list[dict[str, Any]]], zone: zoneinfo.ZoneInfo, low: datetime.datetime, high: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The covered intervals (UTC) that meet [low, high), windows that touch merged into one."""
    day = low.astimezone(zone).date() - datetime.timedelta(days=1)
    last = high.astimezone(zone).date() + datetime.timedelta(days=1)
    intervals: list[tuple[datetime.datetime, datetime.datetime]] = []
    while day <= last:
        for window in coverages.get(DAYS[day.weekday()]) or []:
            start = _minutes(window.get("Start"))
            end = _minutes(window.get("End"))
            begin = _local(day, start, zone)
            finish = _local(day + datetime.timedelta(days=1), 0, zone) if end == 0 else _local(day, end, zone)
            if finish > begin:
                intervals.append((begin, finish))
        day += datetime.timedelta(days=1)
    merged: list[tuple[datetime.datetime, datetime.datetime]] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def _apply_overrides(piece: Shift, overrides: Sequence[Override]) -> list[Shift]:
    relevant = [o for o in overrides if o.start < piece.end and o.end > piece.start]
    if not relevant:
        return [piece]
    cuts = sorted({piece.start, piece.end, *(o.start for o in relevant), *(o.end for o in relevant)})
    cuts = [c for c in cuts if piece.start <= c <= piece.end]
    out: list[Shift] = []
    for begin, finish in itertools.pairwise(cuts):
        winner = max((o for o in relevant if o.start <= begin and o.end >= finish), key=lambda o: o.order, default=None)
        part = (
            Shift(begin, finish, piece.members)
            if winner is None
            else Shift(begin, finish, winner.members, overridden=piece.members)
        )
        if out and out[-1].end == begin and (out[-1].members, out[-1].overridden) == (part.members, part.overridden):
            out[-1] = Shift(out[-1].start, finish, part.members, part.overridden)
        else:
            out.append(part)
    return out


def compute_shifts(
    members: Sequence[str],
    recurrence: dict[str, Any],
    time_zone_id: str,
    rotation_start: datetime.datetime,
    range_start: datetime.datetime,
    range_end: datetime.datetime,
    overrides: Sequence[Override] = (),
) -> list[Shift]:
    """The shifts that overlap [range_start, range_end), whole, in time order.

    Shifts never start before ``rotation_start``. Without coverage windows, consecutive shifts touch, so together
    they cover the range from the rotation's start on; with them, they cover exactly the covered parts of it.
    """
    zone = time_zone(time_zone_id)
    if range_end <= range_start or range_end <= rotation_start:
        return []
    on_calls = int(recurrence["NumberOfOnCalls"])
    coverages = recurrence.get("ShiftCoverages")
    shifts: list[Shift] = []
    turn_start = rotation_start
    hand_offs = _hand_offs(recurrence, zone, rotation_start)
    for turn in range(MAX_TURNS):
        turn_end = next(hand_offs)
        if turn_end > range_start:
            team = tuple(members[(turn * on_calls + j) % len(members)] for j in range(on_calls))
            pieces = [Shift(turn_start, turn_end, team)]
            if coverages:
                pieces = [
                    Shift(max(turn_start, begin), min(turn_end, finish), team)
                    for begin, finish in _coverage(coverages, zone, turn_start, turn_end)
                    if begin < turn_end and finish > turn_start
                ]
            for piece in pieces:
                for shift in _apply_overrides(piece, overrides):
                    if shift.end > range_start and shift.start < range_end:
                        shifts.append(shift)
        if turn_end >= range_end:
            return shifts
        turn_start = turn_end
    raise ValidationException(
        f"The time range reaches more than {MAX_TURNS} hand-offs past the rotation's start: ask for a shorter range.",
        "OTHER",
    )


def on_call(
    members: Sequence[str],
    recurrence: dict[str, Any],
    time_zone_id: str,
    rotation_start: datetime.datetime,
    at: datetime.datetime,
    overrides: Sequence[Override] = (),
) -> tuple[str, ...]:
    """Who is on call at ``at`` (nobody before the rotation starts or outside its coverage)."""
    for shift in compute_shifts(
        members, recurrence, time_zone_id, rotation_start, at, at + datetime.timedelta(seconds=1), overrides
    ):
        if shift.start <= at < shift.end:
            return shift.members
    return ()
