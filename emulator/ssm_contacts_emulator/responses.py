"""One method per ssm-contacts operation, found from ``X-Amz-Target`` (``SSMContacts.StartEngagement`` ->
``start_engagement``, by botocore's ``xform_name``). ``dispatch`` validates the request against the model and
passes its members as snake_case keyword arguments; each method calls the backend method of the same name and
turns what it returns into the response document (an output shape)."""

from __future__ import annotations

import functools
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape

from .backend import Backend
from .exceptions import UnknownOperationException
from .validation import operation_model, service_model, validate_input

TARGET_PREFIX = "SSMContacts."


def _in_milliseconds(shape: Shape, value: Any) -> Any:
    """``value`` with every timestamp of ``shape`` to the millisecond: Smithy's epoch-seconds format carries at most
    millisecond precision, so SDKs that round (JavaScript) and SDKs that truncate (Go) read the same instant."""
    if shape.type_name == "timestamp" and isinstance(value, float):
        return round(value, 3)
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {name: _in_milliseconds(shape.members[name], item) if name in shape.members else item
                for name, item in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_in_milliseconds(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _in_milliseconds(shape.value, item) for key, item in value.items()}
    return value


class SSMContactsResponse:
    """Turns requests into backend calls and backend objects into AWS output shapes."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @classmethod
    @functools.cache
    def operations(cls) -> frozenset[str]:
        """The implemented operations, by their AWS names."""
        return frozenset(op for op in service_model().operation_names if hasattr(cls, xform_name(op)))

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, xform_name(operation), None) if operation in self.operations() else None
        if handler is None:
            raise UnknownOperationException(f"Operation {operation} is not supported by this endpoint.")
        validate_input(operation, params)
        shape = operation_model(operation).input_shape
        assert shape is not None
        # Members the model does not know are ignored, as AWS ignores them.
        arguments = {xform_name(name): value for name, value in params.items() if name in shape.members}
        result: dict[str, Any] = handler(**arguments)
        output = operation_model(operation).output_shape
        return _in_milliseconds(output, result) if output is not None else result

    # -- contacts -----------------------------------------------------------------------------------------

    def create_contact(self, **kwargs: Any) -> dict[str, Any]:
        return {"ContactArn": self.backend.create_contact(**kwargs).arn}

    def get_contact(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.get_contact(**kwargs).describe()

    def list_contacts(self, **kwargs: Any) -> dict[str, Any]:
        contacts, token = self.backend.list_contacts(**kwargs)
        return _page({"Contacts": [c.summary() for c in contacts]}, token)

    def update_contact(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.update_contact(**kwargs)
        return {}

    def delete_contact(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.delete_contact(**kwargs)
        return {}

    # -- contact channels ---------------------------------------------------------------------------------

    def create_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        return {"ContactChannelArn": self.backend.create_contact_channel(**kwargs).arn}

    def activate_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.activate_contact_channel(**kwargs)
        return {}

    def deactivate_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.deactivate_contact_channel(**kwargs)
        return {}

    def get_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.get_contact_channel(**kwargs).describe()

    def list_contact_channels(self, **kwargs: Any) -> dict[str, Any]:
        channels, token = self.backend.list_contact_channels(**kwargs)
        return _page({"ContactChannels": [c.describe() for c in channels]}, token)

    def delete_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.delete_contact_channel(**kwargs)
        return {}

    def update_contact_channel(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.update_contact_channel(**kwargs)
        return {}

    def send_activation_code(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.send_activation_code(**kwargs)
        return {}

    # -- contact policies ---------------------------------------------------------------------------------

    def put_contact_policy(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.put_contact_policy(**kwargs)
        return {}

    def get_contact_policy(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.get_contact_policy(**kwargs).describe_policy()

    # -- rotations ----------------------------------------------------------------------------------------

    def create_rotation(self, **kwargs: Any) -> dict[str, Any]:
        return {"RotationArn": self.backend.create_rotation(**kwargs).arn}

    def get_rotation(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.get_rotation(**kwargs).describe()

    def list_rotations(self, **kwargs: Any) -> dict[str, Any]:
        rotations, token = self.backend.list_rotations(**kwargs)
        return _page({"Rotations": [r.describe() for r in rotations]}, token)

    def update_rotation(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.update_rotation(**kwargs)
        return {}

    def delete_rotation(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.delete_rotation(**kwargs)
        return {}

    def create_rotation_override(self, **kwargs: Any) -> dict[str, Any]:
        return {"RotationOverrideId": self.backend.create_rotation_override(**kwargs).id}

    def get_rotation_override(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.get_rotation_override(**kwargs).describe()

    def list_rotation_overrides(self, **kwargs: Any) -> dict[str, Any]:
        overrides, token = self.backend.list_rotation_overrides(**kwargs)
        return _page({"RotationOverrides": [o.summary() for o in overrides]}, token)

    def delete_rotation_override(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.delete_rotation_override(**kwargs)
        return {}

    def list_rotation_shifts(self, **kwargs: Any) -> dict[str, Any]:
        shifts, token = self.backend.list_rotation_shifts(**kwargs)
        return _page({"RotationShifts": [s.to_shape() for s in shifts]}, token)

    def list_preview_rotation_shifts(self, **kwargs: Any) -> dict[str, Any]:
        shifts, token = self.backend.list_preview_rotation_shifts(**kwargs)
        return _page({"RotationShifts": [s.to_shape() for s in shifts]}, token)

    # -- tags ---------------------------------------------------------------------------------------------

    def list_tags_for_resource(self, **kwargs: Any) -> dict[str, Any]:
        return {"Tags": self.backend.list_tags_for_resource(**kwargs)}

    def tag_resource(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.tag_resource(**kwargs)
        return {}

    def untag_resource(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.untag_resource(**kwargs)
        return {}

    # -- engagements --------------------------------------------------------------------------------------

    def start_engagement(self, **kwargs: Any) -> dict[str, Any]:
        return {"EngagementArn": self.backend.start_engagement(**kwargs).arn}

    def stop_engagement(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.stop_engagement(**kwargs)
        return {}

    def describe_engagement(self, **kwargs: Any) -> dict[str, Any]:
        return self.backend.describe_engagement(**kwargs).describe()

    def list_engagements(self, **kwargs: Any) -> dict[str, Any]:
        engagements, token = self.backend.list_engagements(**kwargs)
        return _page({"Engagements": [e.summary() for e in engagements]}, token)

    # -- pages --------------------------------------------------------------------------------------------

    def list_pages_by_engagement(self, **kwargs: Any) -> dict[str, Any]:
        pages, token = self.backend.list_pages_by_engagement(**kwargs)
        return _page({"Pages": [p.summary(e) for p, e in pages]}, token)

    def list_pages_by_contact(self, **kwargs: Any) -> dict[str, Any]:
        pages, token = self.backend.list_pages_by_contact(**kwargs)
        return _page({"Pages": [p.summary(e) for p, e in pages]}, token)

    def describe_page(self, **kwargs: Any) -> dict[str, Any]:
        page, engagement = self.backend.describe_page(**kwargs)
        return page.describe(engagement)

    def accept_page(self, **kwargs: Any) -> dict[str, Any]:
        self.backend.accept_page(**kwargs)
        return {}

    def list_page_resolutions(self, **kwargs: Any) -> dict[str, Any]:
        resolutions, token = self.backend.list_page_resolutions(**kwargs)
        return _page({"PageResolutions": resolutions}, token)

    def list_page_receipts(self, **kwargs: Any) -> dict[str, Any]:
        receipts, token = self.backend.list_page_receipts(**kwargs)
        return _page({"Receipts": receipts}, token)


def _page(body: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token is not None:
        body["NextToken"] = token
    return body
