"""N trivial dynamic resources: the provider's create returns its inputs, nothing else happens."""

import pulumi
import pulumi.dynamic


class Echo(pulumi.dynamic.ResourceProvider):
    def create(self, props):  # type: ignore[no-untyped-def]
        return pulumi.dynamic.CreateResult(id_=props["name"], outs=props)


class Trivial(pulumi.dynamic.Resource):
    def __init__(self, name: str) -> None:
        super().__init__(Echo(), name, {"name": name, "subject": f"subject-{name}", "content": f"content-{name}"})


config = pulumi.Config()
resources = [Trivial(f"thing-{index}") for index in range(config.get_int("count") or 3)]
pulumi.export("ids", [resource.id for resource in resources])
