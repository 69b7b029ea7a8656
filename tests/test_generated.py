"""What scripts/generate.py derives from incident_manager_provider/schema.py is current."""

from __future__ import annotations

import generate


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
