"""N dynamic resources shaped like an engagement in state, whose create returns its inputs and the outputs an
engagement adds: the same property names, the same secrets, the same values, and no AWS work.

The shape comes from ``shape.json`` beside this file, which ``benchmarks/engine_in_the_loop.py`` writes from a real
engagement's state (``pulumi stack export --show-secrets``): property name -> its value, ``{"secret": value}`` for
a secret. The provider (``shaped_provider.py``) reads the file itself, so that state holds a reference to it as small
as an engagement's.
"""

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic
from shaped_provider import Echo

SHAPE_FILE = str(Path(__file__).resolve().parent / "shape.json")


def plain(value: Any) -> Any:
    """The value a secret hides; any other value as it is."""
    return value["secret"] if isinstance(value, dict) and "secret" in value else value


class Shaped(pulumi.dynamic.Resource, module="bench", name="Shaped"):
    pass


shape = json.loads(Path(SHAPE_FILE).read_text())
inputs = {key: pulumi.Output.secret(plain(value)) if isinstance(value, dict) else value
          for key, value in shape["inputs"].items()}
secret_outputs = [key for key, value in shape["outputs"].items() if isinstance(value, dict)]
provider = Echo(SHAPE_FILE)
config = pulumi.Config()
resources = [
    Shaped(provider, f"thing-{index}", dict(inputs), pulumi.ResourceOptions(additional_secret_outputs=secret_outputs))
    for index in range(config.get_int("count") or 3)
]
pulumi.export("ids", [resource.id for resource in resources])
