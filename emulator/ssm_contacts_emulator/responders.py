"""Simulated responders: people who acknowledge their pages by themselves, so a drill is rehearsed offline.

A rule names a contact (alias or ARN, or ``*`` for everyone no other rule names), the channel types it answers on,
after how long (plan time: ``time_scale`` speeds it up as it speeds up escalation stages), with which receipts
(DELIVERED and/or READ) and an optional note. A contact named by rules answers exactly the pages those rules cover;
anyone named by no rule follows the ``*`` rules, and without those never answers.

The same rule has three spellings: ``Responder(...)`` in Python, ``"alice-oncall:SMS:90s"`` on the command line,
``{"contact": "alice-oncall", "channels": ["SMS"], "after": 90}`` in JSON. The backend turns a delivered page into
scheduled answers (``Engagement.answers``) that go through AcceptPage's own code path when they fall due.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHANNEL_TYPES = ("SMS", "VOICE", "EMAIL")
RECEIPT_TYPES = ("DELIVERED", "READ")
"""The receipts a responder can give, in the order a phone gives them (AcceptPage's AcceptType values)."""
EVERYONE_ELSE = "*"
NEVER = "never"

_ALIAS = re.compile(r"[a-z0-9_\-]{1,255}")
_CONTACT_ARN = re.compile(r"arn:aws[a-z-]*:ssm-contacts:[a-z0-9-]+:\d{12}:contact/([a-z0-9_\-]{1,255})")
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

SPEC_SYNTAX = "CONTACT[:CHANNELS]:DELAY[:RECEIPTS[:NOTE]] or CONTACT[:CHANNELS]:never"


@dataclass(frozen=True)
class Responder:
    """How one simulated person (or everyone not named elsewhere) answers pages."""

    contact: str
    """Contact alias (``alice-oncall``), contact ARN, or ``*``: everyone no other rule names."""
    after_seconds: float | None = None
    """Seconds of plan time between a page's delivery and the answer (real time: divided by ``time_scale``).
    None: never answers."""
    channels: tuple[str, ...] = CHANNEL_TYPES
    """Channel types whose pages this rule answers (SMS, VOICE, EMAIL)."""
    receipts: tuple[str, ...] = ("READ",)
    """What the answer records, as AcceptPage would: READ (an acknowledgement), DELIVERED, or both."""
    note: str | None = None
    """AcceptPage's Note: the receipts' ReceiptInfo."""

    def __post_init__(self) -> None:
        # Lists and lower case are accepted, stored as sorted upper-case tuples (frozen: set through object).
        channels = _upper_tuple(self.channels, "channels")
        receipts = _upper_tuple(self.receipts, "receipts")
        object.__setattr__(self, "channels", tuple(c for c in CHANNEL_TYPES if c in channels))
        object.__setattr__(self, "receipts", tuple(r for r in RECEIPT_TYPES if r in receipts))
        contact = self.contact
        if not isinstance(contact, str) or not (
            contact == EVERYONE_ELSE or _ALIAS.fullmatch(contact) or _CONTACT_ARN.fullmatch(contact)
        ):
            raise ValueError(
                f"Responder contact {contact!r} is not a contact alias (lowercase letters, digits, - and _), "
                f"a contact ARN, or {EVERYONE_ELSE} (everyone no other rule names)."
            )
        unknown = sorted(set(channels) - set(CHANNEL_TYPES))
        if unknown or not channels:
            raise ValueError(
                f"Responder {contact} names channel type(s) {unknown or '(none)'}: use one or more of "
                f"{', '.join(CHANNEL_TYPES)}."
            )
        unknown = sorted(set(receipts) - set(RECEIPT_TYPES))
        if unknown or not receipts:
            raise ValueError(
                f"Responder {contact} names receipt(s) {unknown or '(none)'}: use READ, DELIVERED or DELIVERED+READ."
            )
        after = self.after_seconds
        if after is not None and (
            isinstance(after, bool) or not isinstance(after, int | float) or not math.isfinite(after) or after < 0
        ):
            raise ValueError(
                f"Responder {contact} answers after {after!r}: give a number of seconds, 0 or more, or None for never."
            )
        if self.note is not None and not (isinstance(self.note, str) and 1 <= len(self.note) <= 2048):
            raise ValueError(f"Responder {contact} has a note that is not a string of 1 to 2048 characters.")

    @property
    def answers(self) -> bool:
        return self.after_seconds is not None

    def key(self) -> str:
        """The contact as an alias where the ARN says it (so that an alias and its ARN count as one person)."""
        found = _CONTACT_ARN.fullmatch(self.contact)
        return found.group(1) if found else self.contact

    def covers(self, alias: str, arn: str, channel_type: str) -> bool:
        """Whether this rule decides how ``alias`` (``arn``) answers a page on a channel of ``channel_type``."""
        return self.contact in (alias, arn) and channel_type in self.channels

    # -- the three spellings ----------------------------------------------------------------------------------

    @classmethod
    def parse(cls, spec: str) -> Responder:
        """Read the command-line spelling: ``alice-oncall:SMS:90s``, ``bob-oncall:never``,
        ``alice-oncall:SMS,VOICE:2m:DELIVERED+READ:on my way``, ``*:5m``."""
        text = spec.strip()
        if not text:
            raise ValueError(f"A responder rule is empty: write {SPEC_SYNTAX}, e.g. alice-oncall:SMS:90s.")
        if text.startswith("arn:"):  # an ARN holds five colons of its own
            parts = text.split(":")
            fields = [":".join(parts[:6]), *parts[6:]]
        else:
            fields = text.split(":")
        contact, rest = fields[0], fields[1:]
        channels: tuple[str, ...] = CHANNEL_TYPES
        named_channels = bool(rest) and _is_channel_list(rest[0])
        if named_channels:
            channels = tuple(c.strip().upper() for c in rest[0].split(","))
            rest = rest[1:]
        if not rest:
            raise ValueError(
                f"Responder {spec!r} does not say when the person answers: add a delay such as :90s or :2m, "
                f"or :never ({SPEC_SYNTAX})."
            )
        when, rest = rest[0].strip(), rest[1:]
        if when.lower() == NEVER:
            if rest:
                raise ValueError(f"Responder {spec!r} never answers, so nothing may follow :never.")
            return cls(contact, None, channels)
        if not named_channels and re.fullmatch(r"[A-Za-z]+(,[A-Za-z]+)*", when):
            raise ValueError(
                f"Responder {spec!r} has {when!r} where channel types ({', '.join(CHANNEL_TYPES)}, separated by "
                f"commas) or a delay (90s, 2m, 1m30s, never) belong."
            )
        after = parse_duration(when, spec)
        receipts: tuple[str, ...] = ("READ",)
        if rest and _is_receipt_list(rest[0]):
            receipts = tuple(r.strip().upper() for r in re.split(r"[+,]", rest[0]))
            rest = rest[1:]
        elif rest and re.fullmatch(r"[A-Za-z]+(\+[A-Za-z]+)+", rest[0]):
            raise ValueError(f"Responder {spec!r} names receipts {rest[0]!r}: use READ, DELIVERED or DELIVERED+READ.")
        note = ":".join(rest) or None
        return cls(contact, after, channels, receipts, note)

    def to_spec(self) -> str:
        """The command-line spelling (``parse(to_spec())`` gives this rule back)."""
        parts = [self.contact]
        if self.channels != CHANNEL_TYPES:
            parts.append(",".join(self.channels))
        parts.append(NEVER if self.after_seconds is None else format_duration(self.after_seconds))
        if self.receipts != ("READ",) or self.note:
            parts.append("+".join(self.receipts))
        if self.note:
            parts.append(self.note)
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON spelling (what ``GET /_emulator/responders`` lists): ``after`` in seconds or ``"never"``."""
        return {
            "contact": self.contact,
            "channels": list(self.channels),
            "after": NEVER if self.after_seconds is None else self.after_seconds,
            "receipts": list(self.receipts),
            "note": self.note,
            "spec": self.to_spec(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Responder:
        """Read the JSON spelling: ``contact`` and ``after`` (seconds, a duration such as ``"90s"``, or
        ``"never"``) are required; ``channels``, ``receipts`` and ``note`` are optional."""
        known = {"contact", "after", "channels", "receipts", "note", "spec"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"Responder {dict(data)!r} has unknown key(s) {unknown}; known: {sorted(known - {'spec'})}."
            )
        if "contact" not in data or "after" not in data:
            raise ValueError(
                f'Responder {dict(data)!r} needs "contact" and "after" (seconds, a duration such as "90s", or "never").'
            )
        after = data["after"]
        if isinstance(after, str):
            after = None if after.strip().lower() == NEVER else parse_duration(after, str(data["contact"]))
        elif after is None:
            raise ValueError(f'Responder {data["contact"]!r} has "after": null: write "never" for a silent person.')
        return cls(
            contact=data["contact"],
            after_seconds=after,
            channels=data.get("channels", CHANNEL_TYPES),
            receipts=data.get("receipts", ("READ",)),
            note=data.get("note"),
        )


def _upper_tuple(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = re.split(r"[+,]", value)
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"Responder {name} must be a list of names, got {value!r}.")
    return tuple(v.strip().upper() for v in value)


def _is_channel_list(field: str) -> bool:
    return all(c.strip().upper() in CHANNEL_TYPES for c in field.split(","))


def _is_receipt_list(field: str) -> bool:
    return all(r.strip().upper() in RECEIPT_TYPES for r in re.split(r"[+,]", field))


def parse_duration(text: str, spec: str) -> float:
    """``90`` or ``90s``, ``2m``, ``1m30s``, ``1.5h``: seconds."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        return float(text)
    found = _DURATION.fullmatch(text)
    if not text or found is None:
        raise ValueError(
            f"Responder {spec!r} has {text!r} where a delay belongs: write seconds (90 or 90s), minutes (2m), "
            f"hours (1h), a mix (1m30s), or never."
        )
    hours, minutes, seconds = (float(g) if g else 0.0 for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: float) -> str:
    """``90`` -> ``1m30s``, ``120`` -> ``2m``, ``0.5`` -> ``0.5s``: what ``parse_duration`` reads back."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


ResponderRules = Iterable[Responder | str | Mapping[str, Any]]
"""Simulated responders in any spelling: ``Responder`` objects, strings such as ``"alice-oncall:SMS:90s"``, or
JSON objects such as ``{"contact": "alice-oncall", "channels": ["SMS"], "after": 90}``."""


def coerce(rules: ResponderRules) -> tuple[Responder, ...]:
    """Rules in any spelling (Responder, command-line string, JSON object), checked as a set."""
    out: list[Responder] = []
    for rule in rules:
        if isinstance(rule, Responder):
            out.append(rule)
        elif isinstance(rule, str):
            out.append(Responder.parse(rule))
        elif isinstance(rule, Mapping):
            out.append(Responder.from_dict(rule))
        else:
            raise ValueError(
                f"A responder is a Responder, a string such as 'alice-oncall:SMS:90s' or an object, got {rule!r}."
            )
    check(out)
    return tuple(out)


def check(rules: Sequence[Responder]) -> None:
    """Two rules deciding the same person's pages on the same channel type is a mistake, not a priority order."""
    seen: dict[tuple[str, str], Responder] = {}
    for rule in rules:
        for channel in rule.channels:
            earlier = seen.setdefault((rule.key(), channel), rule)
            if earlier is not rule:
                raise ValueError(
                    f"Responders {earlier.to_spec()!r} and {rule.to_spec()!r} both decide how {rule.key()} answers "
                    f"{channel} pages: keep one."
                )


def rule_for(rules: Sequence[Responder], alias: str, arn: str, channel_type: str) -> Responder | None:
    """The rule deciding how this person answers a page on this channel type; None: they never answer it."""
    named = [r for r in rules if r.contact != EVERYONE_ELSE and r.contact in (alias, arn)]
    candidates = named or [r for r in rules if r.contact == EVERYONE_ELSE]
    for rule in candidates:
        if channel_type in rule.channels:
            return rule
    return None


@dataclass(frozen=True)
class ResponderFile:
    """What a ``--responders`` JSON file holds: the rules, and channels whose sends fail."""

    responders: tuple[Responder, ...]
    fail_delivery: tuple[str, ...] = ()
    """Channel ARNs or addresses whose sends fail (the same list as ``--fail-delivery``)."""


def read_responders_file(path: str) -> ResponderFile:
    """Read ``{"responders": [...], "fail_delivery": [...]}`` (both optional) or a bare list of rules.

    Each rule is a JSON object or a command-line string. Every mistake is a ValueError of one sentence.
    """
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except OSError as error:
        raise ValueError(f"cannot read the responders file {path}: {error.strerror or error}.") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"the responders file {path} is not JSON ({error}).") from error
    try:
        return responder_file_from(data)
    except ValueError as error:
        raise ValueError(f"in the responders file {path}: {error}") from error


def responder_file_from(data: Any) -> ResponderFile:
    """The responders file's content, already parsed from JSON."""
    if isinstance(data, list):
        data = {"responders": data}
    if not isinstance(data, dict):
        raise ValueError('the content must be a list of responders or {"responders": [...], "fail_delivery": [...]}.')
    unknown = sorted(set(data) - {"responders", "fail_delivery"})
    if unknown:
        raise ValueError(f'unknown key(s) {unknown}; known: ["fail_delivery", "responders"].')
    rules = data.get("responders", [])
    failing = data.get("fail_delivery", [])
    if not isinstance(rules, list):
        raise ValueError('"responders" must be a list.')
    if not isinstance(failing, list) or not all(isinstance(c, str) for c in failing):
        raise ValueError('"fail_delivery" must be a list of channel ARNs or addresses.')
    return ResponderFile(coerce(rules), tuple(failing))
