"""What a user meets typing plain `pulumi` commands: no phantom plugin, no stack config in state, settings that
change without paging, a stack made by the previous release upgraded in place, the package installed from its wheel.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_cli import REPO_ROOT, Project, copy_project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from .conftest import make_virtualenv

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]
PROVIDER_TYPE = "pulumi:providers:pulumi-python"
PREVIOUS_RELEASE = "5724fc4"  # the last commit before the package brought its own provider


@pytest.fixture
def download_recorder() -> Iterator[tuple[str, list[str]]]:
    """A loopback server that answers every plugin download with 404 and records the paths asked for."""
    requested: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def test_no_plugin_download_is_attempted_even_with_automatic_acquisition_on(
    project: ProjectFactory, rotation: Rotation, download_recorder: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, requested = download_recorder
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "1"})
    stack.env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "false"
    # Every plugin download, from any source, goes to the recorder instead.
    stack.env["PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES"] = f".*={url}"

    # A control: a package named like a Pulumi provider SDK, without a pulumi-plugin.json, makes the Python host
    # report a plugin, and the engine's attempt to download it reaches the recorder.
    phantom = tmp_path / "phantom" / "pulumi_phantom-1.0.0.dist-info"
    phantom.mkdir(parents=True)
    (phantom / "METADATA").write_text("Metadata-Version: 2.1\nName: pulumi-phantom\nVersion: 1.0.0\n")
    stack.env["PYTHONPATH"] = str(phantom.parent)
    control = stack.cli("preview", "-v=7", "--logtostderr", check=False)
    assert "package phantom" in control.stderr and "is required by language host" in control.stderr
    assert any("phantom" in path for path in requested), requested

    # Without it, the host reports nothing: this package's pulumi-plugin.json says it has no resource plugin.
    del stack.env["PYTHONPATH"]
    requested.clear()
    result = stack.cli("preview", "-v=7", "--logtostderr")

    assert "gatherPackagesFromProgram(): gathering plugins from language host" in result.stderr
    assert "is required by language host" not in result.stderr
    assert requested == []


def test_stack_config_is_not_written_to_state_only_the_settings_the_package_reads(
    project: ProjectFactory, rotation: Rotation
) -> None:
    stack = project("engagements").init(
        {"contactId": rotation.alice_arn, "count": "1", "aws:region": "us-east-1", "notes": "E2E-PLAIN-CONFIG-NOTE"}
    )

    stack.up()
    exported = stack.export()

    assert "E2E-PLAIN-CONFIG-NOTE" not in exported
    [provider] = stack.resources(PROVIDER_TYPE)
    assert provider["urn"].endswith("::pulumi:providers:pulumi-python::incident-manager")
    assert {key: value for key, value in provider["inputs"].items() if ":" in key} == {"aws:region": "us-east-1"}
    [engagement] = stack.resources(":Engagement")
    assert engagement["provider"].startswith(provider["urn"])


def test_changing_a_setting_updates_the_provider_in_place_and_pages_nobody(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "2", "aws:region": "us-east-1"})
    stack.up()
    arns = stack.outputs()["arns"]
    pages = len(endpoint.outbox())

    stack.set_config("incident-manager:retryMode", "adaptive")
    stack.set_config("aws:region", "eu-west-1")
    preview = stack.preview()
    up = stack.up()

    assert preview.changes == {"update": 1, "same": 4}
    assert up.changes == {"update": 1, "same": 4}  # the provider; no engagement replaced
    assert stack.outputs()["arns"] == arns
    assert endpoint.request_counts()["StartEngagement"] == 2 and len(endpoint.outbox()) == pages
    # Existing engagements are still read and stopped where they live: the region in their ARN.
    stack.refresh()
    assert sorted(r["id"] for r in stack.resources(":Engagement")) == sorted(arns)
    stack.destroy()
    client = endpoint.client()
    assert all("StopTime" in client.describe_engagement(EngagementId=arn) for arn in arns)


def test_the_preview_warns_when_a_message_comes_from_plain_config_naming_the_key_only(
    project: ProjectFactory, rotation: Rotation
) -> None:
    stack = project("engagements").init(
        {"contactId": rotation.alice_arn, "count": "1", "content0": "E2E-SECRET-CONTENT-IN-PLAIN-CONFIG"}
    )

    result = stack.cli("preview")

    assert "content is a secret, but its value comes from stack config 'e2e-engagements:content0'" in result.stdout
    assert "pulumi config set --secret e2e-engagements:content0 <value>" in result.stdout
    assert "E2E-SECRET-CONTENT-IN-PLAIN-CONFIG" not in result.stdout + result.stderr


def test_a_stack_made_by_the_previous_release_upgrades_with_no_replacement_and_no_page(
    cli_root: Path, tmp_path: Path, endpoint: Emulator, rotation: Rotation
) -> None:
    source = tmp_path / "previous-release"
    source.mkdir()
    archive = subprocess.run(["git", "archive", PREVIOUS_RELEASE], cwd=REPO_ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    previous = make_virtualenv(tmp_path / "previous-venv", str(source))
    program = REPO_ROOT / "tests/e2e/programs/engagements"
    old_folder = copy_project(program, tmp_path / "old", previous)
    old = Project(old_folder, "e2e", cli_root, tmp_path / "state", endpoint.env())
    old.init({"contactId": rotation.alice_arn, "count": "2", "notes": "E2E-PLAIN-CONFIG-NOTE"})
    old.up()
    arns = old.outputs()["arns"]
    assert "E2E-PLAIN-CONFIG-NOTE" in old.export()  # what the default provider wrote to state
    pages = len(endpoint.outbox())

    # The same project and stack, now with this version installed in its virtualenv.
    new = Project(copy_project(program, tmp_path / "new"), "e2e", cli_root, tmp_path / "state", endpoint.env())
    new.cli("stack", "select")
    (new.project_dir / "Pulumi.e2e.yaml").write_text((old.project_dir / "Pulumi.e2e.yaml").read_text())
    preview = new.preview()
    up = new.up()

    # The package's provider and the stack's token key are new; the engagements keep the tokens they were
    # started with, so they stay as they are.
    assert preview.changes == {"create": 2, "same": 3}
    assert up.changes == {"create": 2, "same": 3}
    # The default provider, which held the whole stack config, is gone from state with what it held.
    assert [p["urn"].rsplit("::", 1)[1] for p in new.resources(PROVIDER_TYPE)] == ["incident-manager"]
    assert new.outputs()["arns"] == arns
    assert endpoint.request_counts()["StartEngagement"] == 2 and len(endpoint.outbox()) == pages
    assert "E2E-PLAIN-CONFIG-NOTE" not in json.dumps(new.resources())


def test_the_package_installed_from_its_wheel_runs_a_program_from_a_plain_folder(
    cli_root: Path, tmp_path: Path, wheel_virtualenv: Path, endpoint: Emulator, rotation: Rotation
) -> None:
    folder = tmp_path / "pager"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text(
        f"name: pager\nruntime:\n  name: python\n  options:\n    virtualenv: {wheel_virtualenv}\n"
    )
    (folder / "__main__.py").write_text(
        "import pulumi\n"
        "import pulumi_incident_manager as im\n"
        "page = im.Engagement('page', contact_id=pulumi.Config().require('contactId'), sender='wheel',\n"
        "                     subject='E2E-SECRET-wheel', content='E2E-SECRET-wheel')\n"
        "pulumi.export('arn', page.arn)\n"
    )
    stack = Project(folder, "dev", cli_root, tmp_path / "state", endpoint.env()).init({"contactId": rotation.bob_arn})

    up = stack.up()

    assert up.changes == {"create": 4}
    assert stack.outputs()["arn"].startswith("arn:aws:ssm-contacts:us-east-1:123456789012:engagement/bob-oncall/")
    assert endpoint.request_counts()["StartEngagement"] == 1
    assert sorted(m["channel_type"] for m in endpoint.outbox()) == ["EMAIL", "SMS"]
    installed = subprocess.run([str(wheel_virtualenv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                               capture_output=True, text=True, check=True).stdout
    assert {"pytest", "ruff", "mypy", "awscli", "ssm-contacts-emulator"}.isdisjoint(
        p["name"].lower() for p in json.loads(installed)
    )


def test_the_wheel_ships_the_license_and_every_file_the_package_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert {
        "pulumi_incident_manager/pulumi-plugin.json",
        "pulumi_incident_manager/py.typed",
        "pulumi_incident_manager/policy_pack/PulumiPolicy.yaml",
        "pulumi_incident_manager/policy_pack/__main__.py",
        "pulumi_incident_manager/drill/__main__.py",
        "incident_manager_provider/token_key.py",
    } <= names
    # Test tooling stays out of the product: no emulator, no gRPC test driver, no pytest plugin.
    assert not [name for name in names if name.startswith("ssm_contacts_emulator/") or name.endswith("harness.py")]
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt") or name.endswith(
        ".dist-info/RECORD"))
    assert "pytest11" not in zipfile.ZipFile(wheel).read(entry_points).decode()
