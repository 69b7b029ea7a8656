"""The provider of ``benchmarks/programs/shaped``, in its own module so that state holds a reference to it (as it
does to the engagement provider) rather than its pickled code."""

import json
import uuid
from typing import Any

import pulumi.dynamic


class Echo(pulumi.dynamic.ResourceProvider):
    """Returns the inputs an engagement keeps as outputs, plus the outputs an engagement adds."""

    def __init__(self, shape_file: str) -> None:
        self.shape_file = shape_file

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        with open(self.shape_file) as file:
            shape = json.load(file)
        outs = {key: value for key, value in props.items() if key in shape["outputs"]}
        added = {key: value for key, value in shape["outputs"].items() if key not in shape["inputs"]}
        return pulumi.dynamic.CreateResult(id_=str(uuid.uuid4()), outs={**outs, **added})
