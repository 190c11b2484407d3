from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from ctr199.models import Task
from ctr199.store import load_fast

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The programme's source text sits beside the checkout (as in CI); CTR199_SEED points elsewhere.
# The programme's source text (the published document), kept in the repository so a clean clone tests alone.
SEED = Path(os.environ.get("CTR199_SEED", ROOT / "data" / "source" / "chuong-trinh-hanh-dong.txt"))
AS_OF = date(2026, 11, 28)
# The columns of the programme's appendix table, in order: what import-appendix reads, what export writes first.
APPENDIX_COLUMNS = (
    "STT",
    "Nhiệm vụ",
    "Kết quả/Sản phẩm",
    "Thời hạn",
    "Cơ quan chủ trì",
    "Cơ quan, đơn vị phối hợp",
    "Thẩm quyền",
)


def make_data_dir(target: Path, overlay: Path | None = None) -> Path:
    """A data directory with the shipped registry and groups, plus the files of `overlay`."""
    (target / "tasks").mkdir(parents=True, exist_ok=True)
    for name in ("agencies.yaml", "groups.yaml", "programme.yaml"):
        shutil.copy(SHIPPED / name, target / name)
    if overlay is not None:
        for path in overlay.rglob("*"):
            if path.is_file() and path.name != "expected.txt":
                destination = target / path.relative_to(overlay)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, destination)
    return target


def read_task(data: Path, number: int) -> Task:
    """Task `number` as its file in `data/tasks/` now holds it."""
    return Task.model_validate(load_fast(data / "tasks" / f"{number:03d}.yaml"))


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones too, so a stray temporary file shows) with its SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Fail when the block uses `seconds` or more of this process's CPU time.

    A guard against runaway work on hostile input (backtracking, quadratic loops), not a speed
    target (those are measured in benchmarks/). CPU time, unlike the wall clock, does not grow when
    other processes load the machine, so the guard does not fail for them.
    """
    started = time.process_time()
    yield
    used = time.process_time() - started
    assert used < seconds, f"{used:.2f} s of CPU time; the limit is {seconds} s"


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder: none is shared between tests or left in the user's home."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CTR199_CACHE_DIR", str(folder))
    monkeypatch.delenv("CTR199_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return make_data_dir(tmp_path / "data")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "data"))
