"""Any AWS SDK, unchanged, works against the emulator: the AWS SDK for JavaScript v3 and the AWS SDK for Go v2 run
one engagement's life (sdks/javascript/scenario.mjs, sdks/go/main.go), pointed at the endpoint only by the standard
environment, and what each parsed is what boto3 reads back from the same endpoint.

Both SDKs are installed from their lock files (package-lock.json, go.sum): `npm ci` of sdks/javascript's packages,
`go build` of sdks/go. What they build is kept between runs in the per-user cache, outside the clone
(``${XDG_CACHE_HOME:-~/.cache}/pulumi-incident-manager/sdk-scenarios``), under a hash of the files it is built from:
the first run builds (about 90 s for Go), later ones reuse it until one of those files changes. The tests that build are
marked ``sdk_build``: ``-m "not sdk_build"`` leaves them out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, FaultConfig, Rotation

SDKS = Path(__file__).parent / "sdks"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not on PATH: these tests run the {name} SDK scenario; install {name} to run them")
    return found


def cached_build(name: str, sources: list[Path], build: Callable[[Path], None]) -> Path:
    """The folder ``build`` fills, kept in the per-user cache under a hash of ``sources``: built on the first call,
    reused until one of them changes. ``build`` fills a temporary folder that is then renamed into place, so an
    interrupted build leaves no half-built cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-incident-manager"
    cache /= "sdk-scenarios"
    digest = hashlib.sha256()
    for source in sources:
        content = source.read_bytes()
        digest.update(f"{source.name}:{len(content)}:".encode() + content)
    folder = cache / f"{name}-{digest.hexdigest()[:16]}"
    if folder.is_dir():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache))
    try:
        build(building)
        building.rename(folder)
    except OSError:
        if not folder.is_dir():  # else another run renamed the same build into place first
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder


@pytest.fixture(scope="session")
def javascript_scenario(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    manifests = [SDKS / "javascript" / "package.json", SDKS / "javascript" / "package-lock.json"]

    def install(folder: Path) -> None:
        for manifest in manifests:
            shutil.copy(manifest, folder)
        subprocess.run([_tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True,
                       capture_output=True, text=True)

    packages = cached_build("javascript", manifests, install)
    # The scenario runs from the clone's copy, beside the cached packages, so editing it needs no new install.
    folder = tmp_path_factory.mktemp("javascript-sdk")
    shutil.copy(SDKS / "javascript" / "scenario.mjs", folder)
    (folder / "node_modules").symlink_to(packages / "node_modules", target_is_directory=True)
    return [_tool("node"), str(folder / "scenario.mjs")]


@pytest.fixture(scope="session")
def go_scenario() -> list[str]:
    def build(folder: Path) -> None:
        # go.sum pins every module; the local toolchain builds it whatever go.mod's minimum says.
        env = {**os.environ, "GOFLAGS": "-mod=readonly", "GOTOOLCHAIN": "local"}
        subprocess.run([_tool("go"), "build", "-o", str(folder / "scenario"), "."], cwd=SDKS / "go", env=env,
                       check=True, capture_output=True, text=True)

    built = cached_build("go", [SDKS / "go" / name for name in ("go.mod", "go.sum", "main.go")], build)
    return [str(built / "scenario")]


@dataclass(frozen=True)
class Sdk:
    command: list[str]
    """The scenario's command, before its three ARNs."""
    user_agent: str
    """What the SDK's User-Agent header starts its product token with."""
    name: str
    """How the scenario names its note and rotation."""

    def run(
        self, emu: Emulator, rotation: Rotation, home: Path, *, timeout: float = 120, **settings: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Run the scenario with only the standard AWS environment (no profile, no shared files: the endpoint's
        variables and ``settings``); what it printed, and the requests the endpoint logged meanwhile."""
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "AWS_CONFIG_FILE": str(home / "config"),
               "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"), **settings, **emu.env()}
        before = len(emu.requests())
        result = subprocess.run([*self.command, rotation.escalation_arn, rotation.alice_arn, rotation.bob_arn],
                                env=env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout), emu.requests()[before:]


@pytest.fixture(params=["javascript-v3", "go-v2"])
def sdk(request: pytest.FixtureRequest) -> Sdk:
    if request.param == "javascript-v3":
        return Sdk(request.getfixturevalue("javascript_scenario"), "aws-sdk-js/", "JavaScript")
    return Sdk(request.getfixturevalue("go_scenario"), "aws-sdk-go-v2/", "Go")


@pytest.mark.sdk_build
def test_an_unchanged_sdk_runs_an_engagement_and_parses_what_boto3_reads(
    sdk: Sdk, emu: Emulator, rotation: Rotation, tmp_path: Path
) -> None:
    seen, calls = sdk.run(emu, rotation, tmp_path)

    # Every request came from that SDK, and the endpoint answered all but the two the scenario meant to fail.
    assert calls and all(sdk.user_agent in (call["user_agent"] or "") for call in calls)
    assert [(c["operation"], c["error"]) for c in calls if c["error"]] == [
        ("DescribeEngagement", "ResourceNotFoundException"), ("StartEngagement", "ValidationException"),
    ]
    operations = Counter(call["operation"] for call in calls)
    client = emu.client()
    arn = seen["arn"]
    # Pagination: one contact, then one page, per request, following NextToken to the end.
    assert seen["aliases"] == [contact["Alias"] for contact in client.list_contacts()["Contacts"]]
    assert operations["ListContacts"] >= len(seen["aliases"]) == 4
    assert [page["arn"] for page in seen["pages"]] == [
        page["PageArn"] for page in client.list_pages_by_engagement(EngagementId=arn)["Pages"]
    ]
    assert operations["ListPagesByEngagement"] >= len(seen["pages"]) >= 2
    assert all(page["sentIsDate"] for page in seen["pages"])
    # Idempotency: the same token twice is one engagement.
    assert seen["idempotent"] is True and operations["StartEngagement"] == 3
    assert [e["EngagementArn"] for e in client.list_engagements()["Engagements"]] == [arn]
    # Timestamps parse as the SDK's own time type, the very instant boto3 reads (epoch seconds to the millisecond).
    described = client.describe_engagement(EngagementId=arn)
    assert seen["described"] | {"startTime": None} == {
        "contactArn": rotation.escalation_arn, "sender": described["Sender"], "subject": described["Subject"],
        "startTimeIsDate": True, "startTime": None,
    }
    assert _instant(seen["described"]["startTime"]) == described["StartTime"]
    assert _instant(seen["stopTime"]) == described["StopTime"]
    # AcceptPage from that SDK is a READ receipt with its note.
    assert seen["acceptStatus"] == 200
    receipts = client.list_page_receipts(PageId=seen["pages"][0]["arn"])["Receipts"]
    assert [r.get("ReceiptInfo") for r in receipts if r["ReceiptType"] == "READ"] == [f"acknowledged from {sdk.name}"]
    # Timestamp inputs: the rotation starts where the SDK said, and its shifts are those boto3 lists.
    [rotation_arn] = [r["RotationArn"] for r in client.list_rotations()["Rotations"]
                      if r["Name"] == f"{sdk.name.lower()}-weekly"]
    shifts = client.list_rotation_shifts(
        RotationId=rotation_arn, StartTime=datetime(2026, 11, 23, 9, tzinfo=UTC),
        EndTime=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )["RotationShifts"]
    assert [(s["contactIds"], _instant(s["start"]), _instant(s["end"]), s["type"]) for s in seen["shifts"]] == [
        (s["ContactIds"], s["StartTime"], s["EndTime"], s["Type"]) for s in shifts
    ]
    assert [shift["contactIds"] for shift in seen["shifts"]] == [[rotation.alice_arn], [rotation.bob_arn]]
    # Errors arrive as the SDK's modeled exceptions, with AWS's code, status and message.
    assert seen["missing"] == {
        "name": "ResourceNotFoundException", "status": 400,
        "message": f"Engagement {arn[:-36]}00000000-0000-4000-8000-000000000000 does not exist.",
    }
    assert seen["invalid"] == {
        "name": "ValidationException", "status": 400,
        "message": "1 validation error detected: Value at 'Subject' failed to satisfy constraint: Member must have "
                   "length less than or equal to 2048",
    }


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.sdk_build
def test_an_unchanged_sdk_retries_the_endpoint_s_throttling_answers(
    sdk: Sdk, emu: Emulator, rotation: Rotation, tmp_path: Path
) -> None:
    emu.set_faults(FaultConfig(throttle_rate=20, throttle_burst=5))  # bursts of 5, then one request per 50 ms

    seen, calls = sdk.run(emu, rotation, tmp_path, timeout=180, AWS_MAX_ATTEMPTS="10")

    errors = Counter(call["error"] for call in calls if call["error"])
    # The SDK took ThrottlingException (400, Retry-After) for what it is and retried until the call got through;
    # only the two failures the scenario asks for reached it.
    assert errors["ThrottlingException"] >= 1
    assert (seen["missing"]["name"], seen["invalid"]["name"]) == ("ResourceNotFoundException", "ValidationException")
    assert seen["idempotent"] is True
    assert [e["EngagementArn"] for e in emu.client().list_engagements()["Engagements"]] == [seen["arn"]]



def test_a_build_is_cached_by_its_sources_and_an_interrupted_one_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "main.go"
    source.write_text("v1")
    built: list[str] = []

    def interrupted(folder: Path) -> None:
        (folder / "scenario").write_text("half")
        raise KeyboardInterrupt

    def build(folder: Path) -> None:
        built.append(source.read_text())
        (folder / "scenario").write_text(source.read_text())

    with pytest.raises(KeyboardInterrupt):
        cached_build("go", [source], interrupted)
    first, again = cached_build("go", [source], build), cached_build("go", [source], build)
    source.write_text("v2")
    changed = cached_build("go", [source], build)

    assert first == again != changed and built == ["v1", "v2"]  # built once per content of its sources
    assert [(first / "scenario").read_text(), (changed / "scenario").read_text()] == ["v1", "v2"]
    # The interrupted build left neither a cache nor its temporary folder.
    cache = tmp_path / "cache" / "pulumi-incident-manager" / "sdk-scenarios"
    assert sorted(path.name for path in cache.iterdir()) == sorted([first.name, changed.name])
