"""The report's verdicts: the verdict engine's (:mod:`incident_manager_provider.verdict`), and the protocol any other
judge follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from incident_manager_provider.verdict import Terms, Verdict

if TYPE_CHECKING:
    from ._summary import DrillSummary

__all__ = ["AnyAcknowledgement", "Expectation", "Terms", "Verdict"]


class Expectation(Protocol):
    """What decides a drill's :class:`Verdict` from what it paged; the reports and :func:`write_junit` only read
    the verdict, so any object with this method can judge (:class:`Terms` does, by the expectation's rules)."""

    def verdict(self, summary: DrillSummary) -> Verdict: ...


class AnyAcknowledgement(Terms):
    """The report's default: :class:`Terms` with none set, so any READ receipt counts, by anyone paged, over any
    channel, at any time; missed when none has come by the time the engagement is read."""

    def __init__(self) -> None:
        super().__init__()
