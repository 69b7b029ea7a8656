"""Engine-facing dynamic providers for AWS Incident Manager (ssm-contacts).

The SDK in ``pulumi_incident_manager`` pickles these providers by reference, so this package must be
installed wherever the Pulumi engine runs the program.
"""

from .engagement import EngagementProvider
from .errors import IncidentManagerError
from .page_acceptance import PageAcceptanceProvider
from .token_key import TokenKeyProvider
from .tokens import mint_idempotency_token

__all__ = [
    "EngagementProvider",
    "IncidentManagerError",
    "PageAcceptanceProvider",
    "TokenKeyProvider",
    "mint_idempotency_token",
]
