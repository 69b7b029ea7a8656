"""Declarative AWS Incident Manager engagements for Pulumi: page people from code, exactly once.

Install this distribution in the program's virtualenv: the engine's dynamic-provider process imports
the providers from it.
"""

from incident_manager_provider.errors import IncidentManagerError, InvalidInputError, NotFoundError

from ._engagement import Engagement, EngagementArgs, StopWhen
from ._expectation import AcknowledgementExpectation, AcknowledgementExpectationArgs
from ._functions import (
    AcceptPageResult,
    GetEngagementResult,
    Page,
    PagedChannel,
    PagedContact,
    PagingPlan,
    PagingStage,
    accept_page,
    accept_page_output,
    get_engagement,
    get_engagement_output,
    list_pages,
    list_pages_output,
    who_would_be_paged,
    who_would_be_paged_output,
)
from ._page_acceptance import PageAcceptance, PageAcceptanceArgs
from .drill import DrillSummary, summarize_drill

__all__ = [
    "AcceptPageResult",
    "AcknowledgementExpectation",
    "AcknowledgementExpectationArgs",
    "DrillSummary",
    "Engagement",
    "EngagementArgs",
    "GetEngagementResult",
    "IncidentManagerError",
    "InvalidInputError",
    "NotFoundError",
    "Page",
    "PageAcceptance",
    "PageAcceptanceArgs",
    "PagedChannel",
    "PagedContact",
    "PagingPlan",
    "PagingStage",
    "StopWhen",
    "accept_page",
    "accept_page_output",
    "get_engagement",
    "get_engagement_output",
    "list_pages",
    "list_pages_output",
    "summarize_drill",
    "who_would_be_paged",
    "who_would_be_paged_output",
]
