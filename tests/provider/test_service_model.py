"""The ssm-contacts model that validation reads straight from botocore's data files (no botocore.loaders import)."""

from __future__ import annotations

import subprocess
import sys

from botocore.loaders import create_loader

from incident_manager_provider.validation import service_model


def test_the_model_read_from_the_data_file_is_the_one_botocores_loader_loads() -> None:
    expected = create_loader().load_service_model("ssm-contacts", "service-2")

    assert service_model()._service_description == expected


def test_checking_inputs_imports_neither_boto3_nor_botocores_client() -> None:
    # What a provider process pays for a preview or a no-op up: validation, and no AWS client.
    code = (
        "import sys; from incident_manager_provider.engagement import EngagementProvider; "
        "from incident_manager_provider.validation import validate; "
        "validate('StartEngagement', {'sender': 'ops'}, {'sender': 'Sender'}); "
        "print(sorted(m for m in ('boto3', 'botocore.client', 'botocore.loaders') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
