from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from ctr199 import __version__
from ctr199.cli import app

from .conftest import FIXTURES, make_data_dir

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ctr199 {__version__}"


def test_help_lists_commands_in_vietnamese() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.output and "Kiểm tra toàn bộ dữ liệu" in result.output


def test_validate_shipped_data_passes_with_gap_warnings(shipped_copy: Path) -> None:
    result = runner.invoke(app, ["validate", str(shipped_copy), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    assert "75 nhiệm vụ, 22 chỉ tiêu — 0 lỗi, 5 cảnh báo" in result.output
    strict = runner.invoke(app, ["validate", str(shipped_copy), "--strict"])
    assert strict.exit_code == 1


def test_validate_broken_data_exits_1_with_locations(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data", FIXTURES / "invalid" / "unknown-agency")
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert "tasks/001.yaml:7:5: error[unknown-agency]" in result.output
    github = runner.invoke(app, ["validate", str(root), "--format", "github"])
    assert "::error file=" in github.output and ",line=7,col=5," in github.output
    report = json.loads(runner.invoke(app, ["validate", str(root), "--format", "json"]).output)
    assert report["errors"] == 1 and report["findings"][0]["code"] == "unknown-agency"


def test_validate_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["validate", "--as-of", "31/02/2026"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--format", "xml"]).exit_code == 2


def test_text_output_caps_long_reports(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    for number in range(1, 31):
        (root / "tasks" / f"{number:03d}.yaml").write_text("id: [\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(root), "--limit", "10"])
    assert result.exit_code == 1
    assert "… và 20 phát hiện khác" in result.output
    assert "30 lỗi" in result.output


def test_python_module_entry_point(shipped_copy: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ctr199", "validate", str(shipped_copy)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema", "task"])
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"title", "deadline", "lead", "log"} <= set(schema["properties"])


def test_a_run_registers_only_the_command_it_names() -> None:
    """What `ctr199 overdue` builds: its own command only (start-up time), yet every name is known."""
    import typer

    from ctr199.commands import COMMANDS, register_for

    single = typer.Typer()
    register_for(single, ["--no-cache", "overdue", "--agency", "SXD"])
    assert [c.name for c in single.registered_commands] == ["overdue"]
    everything = typer.Typer()
    register_for(everything, ["--help"])
    groups = [g.name if isinstance(g.name, str) else g.typer_instance.info.name for g in everything.registered_groups]
    names = [c.name for c in everything.registered_commands] + groups
    assert sorted(names) == sorted(COMMANDS)
    unknown = typer.Typer()
    register_for(unknown, ["overdu"])
    assert len(unknown.registered_commands) == len(everything.registered_commands)


def test_console_script_runs_one_command_and_lists_all_in_help(shipped_copy: Path) -> None:
    run = [sys.executable, "-m", "ctr199"]
    done = subprocess.run(
        [*run, "overdue", "-d", str(shipped_copy), "--as-of", "2026-07-01"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Tổng: 16 mốc quá hạn" in done.stdout, done.stderr
    listing = subprocess.run([*run, "--help"], capture_output=True, text=True)
    assert all(name in listing.stdout for name in ("import-appendix", "remind", "indicator", "done"))
