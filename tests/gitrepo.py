"""A real, throw-away git repository holding a copy of the shipped data, for edit and history tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .conftest import SHIPPED

AUTHOR = "Nguyễn Thị Lan"


def git(repo: Path, *args: str, when: str = "2026-11-10T09:00:00+07:00", author: str = AUTHOR) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "lan@example.invalid",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "lan@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def data_repo(tmp_path: Path) -> Path:
    """`tmp_path/repo` with the shipped data in `data/`, committed; returns the data directory."""
    repo = tmp_path / "repo"
    shutil.copytree(SHIPPED, repo / "data")
    git(repo, "init", "-q")
    commit(repo, "Dữ liệu ban đầu")
    return repo / "data"


def commit(repo: Path, message: str, *, when: str = "2026-11-10T09:00:00+07:00", author: str = AUTHOR) -> str:
    git(repo, "add", "-A", when=when, author=author)
    git(repo, "commit", "-q", "-m", message, when=when, author=author)
    return git(repo, "rev-parse", "HEAD").strip()
