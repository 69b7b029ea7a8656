"""An offline AWS Incident Manager (ssm-contacts) endpoint that boto3 and the AWS CLI talk to unchanged.

>>> from ssm_contacts_emulator import Emulator
>>> with Emulator() as emu:                      # doctest: +SKIP
...     client = emu.client()
"""

from .config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_ACCESS_KEY,
    EmulatorConfig,
    FaultConfig,
)
from .emulator import Emulator, EmulatorProcess
from .responders import Responder
from .seed import Rotation, seed_rotation

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_ACCESS_KEY",
    "Emulator",
    "EmulatorConfig",
    "EmulatorProcess",
    "FaultConfig",
    "Responder",
    "Rotation",
    "seed_rotation",
]
