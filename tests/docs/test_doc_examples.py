"""Every ```python example of docs/testing.md and docs/policy.md runs, each in a process of its own (so no mocks or
config state leaks from one to the next), from the repository's root with this interpreter: an example that defines
``test_*`` functions is run by pytest (fixtures such as ``ssm_contacts_emulator`` included), any other as a script.
Fences in other languages (yaml, json, console...) are not run."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("docs/testing.md", "docs/policy.md")


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    """The line of the opening fence."""
    code: str

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def examples(doc: str) -> list[Example]:
    found: list[Example] = []
    opened: int | None = None
    lines: list[str] = []
    for number, line in enumerate((ROOT / doc).read_text().splitlines(), start=1):
        if opened is None and line.strip() == "```python":
            opened, lines = number, []
        elif opened is not None and line.strip() == "```":
            found.append(Example(doc, opened, "\n".join(lines) + "\n"))
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


EXAMPLES = [example for doc in DOCS for example in examples(doc)]


def test_the_docs_have_examples_to_run_each_named_by_its_fences_line() -> None:
    assert [example for example in EXAMPLES if example.doc == "docs/testing.md"]
    for example in EXAMPLES:
        lines = (ROOT / example.doc).read_text().splitlines()
        assert lines[example.line - 1].strip() == "```python"
        assert "\n".join(lines[example.line:]).startswith(example.code.rstrip("\n"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.where for example in EXAMPLES])
def test_the_example_runs(example: Example, tmp_path: Path) -> None:
    script = tmp_path / f"test_{Path(example.doc).stem}_{example.line}.py"
    script.write_text(example.code)
    tests = [node for node in ast.parse(example.code).body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    if tests:
        (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the example's own settings, not this repository's
        command = [sys.executable, "-m", "pytest", str(script), "-q", "-p", "no:cacheprovider", "--rootdir",
                   str(tmp_path), "-c", str(tmp_path / "pytest.ini")]
    else:
        command = [sys.executable, str(script)]

    ran = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)

    assert ran.returncode == 0, f"the example at {example.where} fails:\n{ran.stdout}{ran.stderr}"
    if tests:
        assert f"{len(tests)} passed" in ran.stdout, f"the example at {example.where} ran no test:\n{ran.stdout}"
