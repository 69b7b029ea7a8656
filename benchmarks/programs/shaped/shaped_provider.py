"""The provider of ``benchmarks/programs/shaped``, in its own module so that state holds a reference to it (as it
does to the engagement provider) rather than its pickled code."""

import functools
import json
import uuid
from typing import Any

import pulumi.dynamic


@functools.cache
def read_shape(path: str) -> dict[str, Any]:
    """The shape file, read once per provider process rather than once per create."""
    with open(path) as file:
        shape: dict[str, Any] = json.load(file)
    return shape


class Echo(pulumi.dynamic.ResourceProvider):
    """Returns the inputs an engagement keeps as outputs, plus the outputs an engagement adds."""

    def __init__(self, shape_file: str) -> None:
        self.shape_file = shape_file

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        shape = read_shape(self.shape_file)
        outs = {key: value for key, value in props.items() if key in shape["outputs"]}
        added = {key: value for key, value in shape["outputs"].items() if key not in shape["inputs"]}
        return pulumi.dynamic.CreateResult(id_=str(uuid.uuid4()), outs={**outs, **added})
