"""What scripts/generate.py derives from incident_manager_provider/schema.py is current."""

from __future__ import annotations

import re

import generate

from incident_manager_provider.plugin.schema import inputs_of


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
    assert "| `onMiss` | string | `OnMiss pulumi.StringPtrInput` | no | `fail` |  |" in reference  # type, Go, ...
    assert "| `acceptCode` | string | `AcceptCode pulumi.StringInput` | yes |  | yes |" in reference
    assert "| `stopWhen` | `StopWhen` (object, below) | `StopWhen StopWhenPtrInput` |" in reference
    assert "### StopWhen (object)" in reference
    assert not re.search(r"`[a-z]+_[a-z_]+`", reference)  # no snake_case name, even in a description
    assert reference in (generate.REPO_ROOT / "docs/languages.md").read_text()
