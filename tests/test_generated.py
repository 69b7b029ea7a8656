"""What scripts/generate.py derives from incident_manager_provider/schema.py is current."""

from __future__ import annotations

import re

import generate

from incident_manager_provider.plugin.schema import inputs_of
from incident_manager_provider.terraform.schema import resource_attributes, type_name


def test_the_generated_sdk_and_docs_tables_match_the_one_declaration() -> None:
    stale = [path for path, text in generate.generated().items() if path.read_text() != text]
    assert stale == [], f"run python scripts/generate.py: {', '.join(map(str, stale))} are stale"


def test_each_start_engagement_member_is_spelled_in_one_product_file() -> None:
    members = ["ContactId", "PublicContent", "PublicSubject", "IncidentId", "IdempotencyToken"]
    product = [
        path
        for root in (generate.REPO_ROOT / "provider", generate.REPO_ROOT / "sdk")
        for path in root.rglob("*.py")
    ]
    spelled = {member: sorted(str(p.relative_to(generate.REPO_ROOT)) for p in product if member in p.read_text())
               for member in members}
    assert spelled == {member: ["provider/incident_manager_provider/schema.py"] for member in members}


def test_the_plugin_reference_names_every_input_as_yaml_typescript_and_go_spell_it() -> None:
    reference = generate.plugin_reference()

    for resource in generate.PLUGIN_REFERENCE:
        for field in inputs_of(resource):
            assert f"| `{field.camel_name}` |" in reference, field.name
    # type, Go, HCL, required, default, secret
    assert "| `onMiss` | string | `OnMiss pulumi.StringPtrInput` | `on_miss` | no | `fail` |  |" in reference
    assert "| `acceptCode` | string | `AcceptCode pulumi.StringInput` | `accept_code` | yes |  | yes |" in reference
    assert "| `stopWhen` | `StopWhen` (object, below) | `StopWhen StopWhenPtrInput` | `stop_when` |" in reference
    assert "### StopWhen (object)" in reference
    hcl = re.compile(r"^HCL: .*$|\| `[a-z_]+` (?=\| (yes|no) \|)", re.MULTILINE)  # its lines and column
    without_hcl = hcl.sub("", reference)
    assert not re.search(r"`[a-z]+_[a-z_]+`", without_hcl)  # no snake_case name but HCL's, even in a description
    assert reference in (generate.REPO_ROOT / "docs/languages.md").read_text()


def test_the_hcl_column_names_every_attribute_the_opentofu_provider_declares() -> None:
    reference = generate.plugin_reference()

    for resource in generate.PLUGIN_REFERENCE:
        assert f'HCL: `resource "{type_name(resource)}" "name" {{...}}`.' in reference
        for attribute in resource_attributes(resource):
            if attribute.name != "id":  # every resource's, HCL's own: docs/opentofu.md
                assert f"| `{attribute.name}` |" in reference, attribute.name
    assert "| `within` | string | `Within pulumi.StringInput` | `within` | yes |" in reference  # stop_when's part
    assert "HCL: `stop_when = {...}` in a `incidentmanager_engagement`." in reference
