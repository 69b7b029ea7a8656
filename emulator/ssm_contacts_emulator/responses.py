"""One method per ssm-contacts operation, found from ``X-Amz-Target`` (``SSMContacts.StartEngagement`` ->
``start_engagement``). Each takes the validated request and returns the response document (an output shape)."""

from __future__ import annotations

import functools
import re
from typing import Any

from .exceptions import UnknownOperationException
from .models import Backend, paginate, preview_shifts
from .validation import service_model, validate_input

TARGET_PREFIX = "SSMContacts."


def snake_case(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


class SSMContactsResponse:
    """Turns requests into backend calls and backend objects into AWS output shapes."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @classmethod
    @functools.cache
    def operations(cls) -> frozenset[str]:
        """The implemented operations, by their AWS names."""
        return frozenset(op for op in service_model().operation_names if hasattr(cls, snake_case(op)))

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, snake_case(operation), None) if operation in self.operations() else None
        if handler is None:
            raise UnknownOperationException(f"Operation {operation} is not supported by this endpoint.")
        validate_input(operation, params)
        result: dict[str, Any] = handler(params)
        return result

    # -- contacts -----------------------------------------------------------------------------------------

    def create_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ContactArn": self.backend.create_contact(params).arn}

    def get_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            return self.backend.find_contact(params["ContactId"]).describe()

    def list_contacts(self, params: dict[str, Any]) -> dict[str, Any]:
        contacts, token = self.backend.list_contacts(params)
        return _page({"Contacts": [c.summary() for c in contacts]}, token)

    def update_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_contact(params)
        return {}

    def delete_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_contact(params["ContactId"])
        return {}

    # -- contact channels ---------------------------------------------------------------------------------

    def create_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ContactChannelArn": self.backend.create_contact_channel(params).arn}

    def activate_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.activate_contact_channel(params["ContactChannelId"], params["ActivationCode"])
        return {}

    def deactivate_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.deactivate_contact_channel(params["ContactChannelId"])
        return {}

    def get_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            return self.backend.find_channel(params["ContactChannelId"]).describe()

    def list_contact_channels(self, params: dict[str, Any]) -> dict[str, Any]:
        channels, token = self.backend.list_contact_channels(params)
        return _page({"ContactChannels": [c.describe() for c in channels]}, token)

    def delete_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_contact_channel(params["ContactChannelId"])
        return {}

    def update_contact_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_contact_channel(params)
        return {}

    def send_activation_code(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.send_activation_code(params["ContactChannelId"])
        return {}

    # -- contact policies ---------------------------------------------------------------------------------

    def put_contact_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.put_contact_policy(params["ContactArn"], params["Policy"])
        return {}

    def get_contact_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.get_contact_policy(params["ContactArn"])

    # -- rotations ----------------------------------------------------------------------------------------

    def create_rotation(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"RotationArn": self.backend.create_rotation(params).arn}

    def get_rotation(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            return self.backend.find_rotation(params["RotationId"]).describe()

    def list_rotations(self, params: dict[str, Any]) -> dict[str, Any]:
        rotations, token = self.backend.list_rotations(params)
        return _page({"Rotations": [r.describe() for r in rotations]}, token)

    def update_rotation(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_rotation(params)
        return {}

    def delete_rotation(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_rotation(params["RotationId"])
        return {}

    def create_rotation_override(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"RotationOverrideId": self.backend.create_rotation_override(params).id}

    def get_rotation_override(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            self.backend.find_rotation(params["RotationId"])
            return self.backend.find_override(params["RotationId"], params["RotationOverrideId"]).describe()

    def list_rotation_overrides(self, params: dict[str, Any]) -> dict[str, Any]:
        overrides, token = self.backend.list_rotation_overrides(params)
        return _page({"RotationOverrides": [o.summary() for o in overrides]}, token)

    def delete_rotation_override(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_rotation_override(params["RotationId"], params["RotationOverrideId"])
        return {}

    def list_rotation_shifts(self, params: dict[str, Any]) -> dict[str, Any]:
        shifts, token = self.backend.list_rotation_shifts(params)
        return _page({"RotationShifts": [s.to_shape() for s in shifts]}, token)

    def list_preview_rotation_shifts(self, params: dict[str, Any]) -> dict[str, Any]:
        shifts, token = paginate(preview_shifts(params, self.backend.rotation_now()), params)
        return _page({"RotationShifts": [s.to_shape() for s in shifts]}, token)

    # -- tags ---------------------------------------------------------------------------------------------

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": self.backend.tags_of(params["ResourceARN"])}

    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.tag_resource(params["ResourceARN"], params["Tags"])
        return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.untag_resource(params["ResourceARN"], params["TagKeys"])
        return {}

    # -- engagements --------------------------------------------------------------------------------------

    def start_engagement(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"EngagementArn": self.backend.start_engagement(params).arn}

    def stop_engagement(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.stop_engagement(params["EngagementId"], params.get("Reason"))
        return {}

    def describe_engagement(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            return self.backend.find_engagement(params["EngagementId"]).describe()

    def list_engagements(self, params: dict[str, Any]) -> dict[str, Any]:
        engagements, token = self.backend.list_engagements(params)
        return _page({"Engagements": [e.summary() for e in engagements]}, token)

    # -- pages --------------------------------------------------------------------------------------------

    def list_pages_by_engagement(self, params: dict[str, Any]) -> dict[str, Any]:
        pages, token = self.backend.list_pages_by_engagement(params)
        return _page({"Pages": [p.summary(e) for p, e in pages]}, token)

    def list_pages_by_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        pages, token = self.backend.list_pages_by_contact(params)
        return _page({"Pages": [p.summary(e) for p, e in pages]}, token)

    def describe_page(self, params: dict[str, Any]) -> dict[str, Any]:
        page, engagement = self.backend.describe_page(params["PageId"])
        return page.describe(engagement)

    def accept_page(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.accept_page(params)
        return {}

    def list_page_resolutions(self, params: dict[str, Any]) -> dict[str, Any]:
        resolutions, token = self.backend.list_page_resolutions(params)
        return _page({"PageResolutions": resolutions}, token)

    def list_page_receipts(self, params: dict[str, Any]) -> dict[str, Any]:
        receipts, token = self.backend.list_page_receipts(params)
        return _page({"Receipts": receipts}, token)


def _page(body: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token is not None:
        body["NextToken"] = token
    return body
