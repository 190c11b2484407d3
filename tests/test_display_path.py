"""`display_path` works out each folder once; it must show what resolving every file would show."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctr199.report import display_path


def _reference(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def test_display_path_matches_resolving_each_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "data" / "tasks").mkdir(parents=True)
    (repo / "data" / "tasks" / "001.yaml").write_text("id: 1\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "real.yaml").write_text("id: 2\n", encoding="utf-8")
    (repo / "data" / "tasks" / "002.yaml").symlink_to(outside / "real.yaml")
    (repo / "linked").symlink_to(repo / "data", target_is_directory=True)
    monkeypatch.chdir(repo)
    paths = [
        Path("data/tasks/001.yaml"),
        Path("data/tasks/002.yaml"),  # a linked file shows where it points
        Path("./data/../data/tasks/001.yaml"),
        Path("linked/tasks/001.yaml"),
        repo / "data" / "tasks" / "001.yaml",
        outside / "real.yaml",
        Path("missing/none.yaml"),
        Path("x.yaml"),
    ]
    for path in paths:
        assert display_path(path) == _reference(path, Path.cwd()), path
        assert display_path(path, outside) == _reference(path, outside), path
