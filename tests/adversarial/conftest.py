from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data(shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data in `tmp_path/data`, with `tmp_path` the working directory."""
    monkeypatch.chdir(shipped_copy.parent)
    return shipped_copy
