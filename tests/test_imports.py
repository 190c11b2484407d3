"""What a query answered from the cache imports (issue #18): never one of the heavy libraries.

Start-up is most of what `ctr199 overdue` costs, and importing pydantic alone took longer than
everything else a cached run does. The probe runs the real command in a fresh interpreter and lists
the modules it ended with; the cold run beside it shows the probe sees the heavy ones when they load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Checking files (pydantic), reading YAML (PyYAML, ruamel.yaml), documents and workbooks.
HEAVY = ("pydantic", "pydantic_core", "ruamel", "yaml", "jinja2", "openpyxl", "docx", "docxtpl", "matplotlib", "PIL")

_PROBE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from ctr199.cli import main
main()
"""


def _modules(tmp_path: Path, *argv: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *argv], capture_output=True, text=True, encoding="utf-8", check=False
    )
    return set(json.loads(out.read_text(encoding="utf-8"))), done


def _heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


@pytest.mark.parametrize(
    ("command", "grammar"),
    [
        (["overdue", "--agency", "Sở Xây dựng"], False),
        (["overdue", "--agency", "so xay dung", "--format", "json"], False),
        (["list", "--agency", "Sở Xây dựng", "--quarter", "II/2026"], True),  # "II/2026" is read by the grammar
        (["upcoming", "--within", "30"], False),
        (["summary"], False),
    ],
)
def test_a_cached_query_imports_no_heavy_library(
    shipped_copy: Path, tmp_path: Path, command: list[str], grammar: bool
) -> None:
    argv = [*command, "--data", str(shipped_copy), "--as-of", "2026-07-01"]
    cold, first = _modules(tmp_path, *argv)
    assert first.returncode == 0, first.stderr
    assert {"pydantic", "yaml"} <= {name.split(".")[0] for name in cold}  # the files were read and checked
    warm, second = _modules(tmp_path, *argv)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert _heavy(warm) == []
    # ctr199's own large modules that only checking a file needs: the deadline grammar, the indicator rules.
    assert ("ctr199.deadline" in warm) is grammar
    assert "ctr199.indicators" not in warm


def test_validate_after_one_edited_task_imports_neither_pydantic_nor_ruamel(shipped_copy: Path, tmp_path: Path) -> None:
    """Re-checking a task file as staff edit it reads it plainly (`ctr199.record.read_plain`): the
    one file costs its YAML parse, not pydantic's import and validators."""
    argv = ["validate", str(shipped_copy), "--as-of", "2026-07-01"]
    _, first = _modules(tmp_path, *argv)
    assert first.returncode == 0, first.stderr
    task = shipped_copy / "tasks" / "010.yaml"
    text = task.read_text(encoding="utf-8")
    task.write_text(text.replace("\ntitle: ", "\ntitle: (đã sửa) ", 1), encoding="utf-8")
    modules, second = _modules(tmp_path, *argv)
    assert second.returncode == 0, second.stderr
    assert "Đã kiểm tra 79 tệp" in second.stdout
    assert {name.split(".")[0] for name in _heavy(modules)} == {"yaml"}  # the edited file is parsed, no more
    # The same edit made wrong (a number for the title) is pydantic's to explain.
    task.write_text(text.replace("\ntitle: ", "\ntitle: 12\nx_title: ", 1), encoding="utf-8")
    modules, third = _modules(tmp_path, *argv)
    assert third.returncode == 1
    assert "tasks/010.yaml" in third.stdout and "pydantic" in modules
