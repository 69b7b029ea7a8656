"""Engine-facing dynamic providers for AWS Incident Manager (ssm-contacts).

The SDK in ``pulumi_incident_manager`` pickles these providers by reference, so this package must be
installed wherever the Pulumi engine runs the program.
"""

from .engagement import EngagementProvider
from .errors import IncidentManagerError
from .expectation import AcknowledgementExpectationProvider
from .page_acceptance import PageAcceptanceProvider
from .schema import ENGAGEMENT, EXPECTATION, PAGE_ACCEPTANCE, TOKEN_KEY
from .token_key import TokenKeyProvider
from .tokens import mint_idempotency_token

PROVIDERS = (
    (ENGAGEMENT, EngagementProvider),
    (PAGE_ACCEPTANCE, PageAcceptanceProvider),
    (TOKEN_KEY, TokenKeyProvider),
    (EXPECTATION, AcknowledgementExpectationProvider),
)
"""Each resource's declaration and the provider the engine runs for it: what every front serves."""

__all__ = [
    "PROVIDERS",
    "AcknowledgementExpectationProvider",
    "EngagementProvider",
    "IncidentManagerError",
    "PageAcceptanceProvider",
    "TokenKeyProvider",
    "mint_idempotency_token",
]
