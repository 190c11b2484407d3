"""The pre-commit hooks and the CI example run commands that exist and behave as documented."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ctr199.cli import app

from .conftest import ROOT

runner = CliRunner()


def test_pre_commit_hooks_run_the_documented_commands(shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert set(hooks) == {"ctr199-validate", "ctr199-fmt-check"}
    assert hooks["ctr199-validate"]["pass_filenames"] is False
    monkeypatch.chdir(shipped_copy.parent)
    for hook in hooks.values():
        program, *args = shlex.split(hook["entry"])
        assert program == "ctr199" and hook["language"] == "python"
        files = [str(p) for p in (shipped_copy / "tasks").glob("00*.yaml")] if hook.get("pass_filenames", True) else []
        result = runner.invoke(app, [*args, *files])
        assert result.exit_code == 0, (hook["id"], result.output)
    broken = shipped_copy / "tasks" / "001.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    assert runner.invoke(app, [*shlex.split(hooks["ctr199-fmt-check"]["entry"])[1:], str(broken)]).exit_code == 1


def test_ci_example_runs_validate_for_github_and_fmt_check() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text("utf-8"))
    commands = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert "ctr199 validate --format github" in commands
    assert "ctr199 fmt --check" in commands
    for command in commands:
        if command.startswith("ctr199 "):
            name = shlex.split(command)[1]
            assert runner.invoke(app, [name, "--help"]).exit_code == 0, command
