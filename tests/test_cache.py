"""The cache of checked files: same answers as without it, and never trusted when it should not be."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ctr199 import cache, checks, loading
from ctr199.cli import app
from ctr199.loading import load_programme
from ctr199.models import AgenciesFile, GroupsFile, IndicatorsFile, Milestone, Task
from ctr199.programme import Programme, milestones_of
from ctr199.report import Report
from ctr199.store import DataDir, load_fast

from .conftest import FIXTURES, SHIPPED

AS_OF = date(2026, 7, 1)
PROGRESS = FIXTURES / "valid" / "progress" / "tasks"

# Files that exercise every kind of finding: from the file alone (cached) and from its context (re-run).
_BROKEN = {
    "090.yaml": "id: 90\ngroup: 1\ntitle: 'chưa đóng\n",
    "091.yaml": "id: 91\ngroup: 1\ntitle: Trường lạ\ncolour: đỏ\n",
    "092.yaml": "id: 92\ngroup: 1\ntitle: Sai tên cơ quan\nlead:\n  - Sở Xây dưng\n",
    "093.yaml": (
        "id: 93\ngroup: 1\ntitle: Nhật ký tương lai\ndeadline: Quý III/2026\nstatus: in_progress\n"
        "log:\n  - date: 2026-10-01\n    status: in_progress\n    note: Báo cáo trước\n"
    ),
    "094.yaml": "id: 1\ngroup: 1\ntitle: Trùng số\ndeadline: Quý V/2026\n",
}


def _age(root: Path, seconds: int = 3600) -> None:
    """Make every file look edited an hour ago (the cache leaves files changed just now uncached)."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


@pytest.fixture
def mixed(shipped_copy: Path) -> Path:
    for name, text in _BROKEN.items():
        (shipped_copy / "tasks" / name).write_text(text, encoding="utf-8")
    for path in PROGRESS.iterdir():
        shutil.copy(path, shipped_copy / "tasks" / path.name)
    _age(shipped_copy)
    return shipped_copy


class ParseCounter:
    """Counts the YAML files parsed, to tell a run answered from the cache from one that read the files."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.paths: list[Path] = []
        real = checks.load_fast_located

        def counting(path: Path, text: str | None = None) -> Any:
            self.paths.append(path)
            return real(path, text)

        monkeypatch.setattr(checks, "load_fast_located", counting)

    def take(self) -> list[str]:
        names, self.paths = sorted(p.name for p in self.paths), []
        return names


def _same(first: tuple[Programme, Report], second: tuple[Programme, Report]) -> None:
    (programme_a, report_a), (programme_b, report_b) = first, second
    assert programme_a.tasks == programme_b.tasks
    assert programme_a.groups == programme_b.groups
    assert programme_a.indicators == programme_b.indicators
    assert programme_a.registry.agencies == programme_b.registry.agencies
    assert report_a == report_b


def test_cached_run_reads_no_file_and_answers_the_same(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = ParseCounter(monkeypatch)
    fresh = load_programme(mixed, as_of=AS_OF, use_cache=False)
    assert len(parsed.take()) == 75 + len(_BROKEN) + 4
    codes = {f.code for f in fresh[1].findings}
    assert {"yaml-syntax", "schema", "unknown-agency", "log-future", "duplicate-id", "deadline"} <= codes

    load_programme(mixed, as_of=AS_OF)  # fills the cache
    parsed.take()
    cached = load_programme(mixed, as_of=AS_OF)
    # Only the files with findings from their context are parsed again, for the positions.
    assert parsed.take() == ["092.yaml", "093.yaml", "094.yaml"]
    _same(fresh, cached)
    assert [str(f) for f in fresh[1].findings] == [str(f) for f in cached[1].findings]


def test_clean_cached_run_parses_nothing(shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _age(shipped_copy)
    parsed = ParseCounter(monkeypatch)
    first = load_programme(shipped_copy, as_of=AS_OF)
    assert len(parsed.take()) == 79
    second = load_programme(shipped_copy, as_of=AS_OF)
    assert parsed.take() == []
    _same(first, second)
    assert [len(r.milestones) for r in second[0].tasks] == [len(milestones_of(r.task)) for r in second[0].tasks]


def test_edited_file_is_checked_again(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_programme(mixed, as_of=AS_OF)
    parsed = ParseCounter(monkeypatch)
    path = mixed / "tasks" / "033.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("not_started", "in_progress").replace(
        "log: []", "log: [{date: 2026-06-01, status: in_progress}]"
    )
    path.write_text(edited, encoding="utf-8")

    result = load_programme(mixed, as_of=AS_OF)
    assert "033.yaml" in parsed.take()
    record = result[0].task(33)
    assert record is not None and record.task.status.value == "in_progress" and len(record.task.log) == 1
    _same(result, load_programme(mixed, as_of=AS_OF, use_cache=False))


def test_only_the_changed_part_of_the_cache_is_written(mixed: Path) -> None:
    load_programme(mixed, as_of=AS_OF)
    before = {file: file.stat().st_mtime_ns for file in _shard_files()}
    load_programme(mixed, as_of=AS_OF)
    assert {file: file.stat().st_mtime_ns for file in _shard_files()} == before  # nothing changed

    path = mixed / "tasks" / "040.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("not_started", "in_progress"), encoding="utf-8")
    past = time.time() - 60
    os.utime(path, (past, past))
    load_programme(mixed, as_of=AS_OF)
    rewritten = [file for file in _shard_files() if file.stat().st_mtime_ns != before[file]]
    assert rewritten == [_shard_file("tasks/040.yaml")]


def test_same_size_edit_with_old_mtime_is_seen(mixed: Path) -> None:
    """An edit that keeps the size (and even sets an old time) changes ctime and is not missed."""
    load_programme(mixed, as_of=AS_OF)
    path = mixed / "tasks" / "001.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "deadline: Trong năm 2026" in text
    path.write_text(text.replace("deadline: Trong năm 2026", "deadline: Trong năm 2027"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    record = load_programme(mixed, as_of=AS_OF)[0].task(1)
    assert record is not None and record.task.deadline == "Trong năm 2027"
    assert record.milestones[0].due == date(2027, 12, 31)


def test_removed_and_added_files(mixed: Path) -> None:
    load_programme(mixed, as_of=AS_OF)
    (mixed / "tasks" / "075.yaml").unlink()
    shutil.copy(mixed / "tasks" / "074.yaml", mixed / "tasks" / "076.yaml")
    programme, report = load_programme(mixed, as_of=AS_OF)
    assert programme.task(75) is None
    assert any(f.code == "filename" and f.path.endswith("076.yaml") for f in report.findings)
    _same((programme, report), load_programme(mixed, as_of=AS_OF, use_cache=False))


def _shard_files() -> list[Path]:
    (folder,) = cache.cache_dir().iterdir()  # one data folder, one cache folder
    files = sorted(folder.glob("*.cache"))
    assert len(files) == cache.SHARDS
    return files


def _shard_file(name: str) -> Path:
    return _shard_files()[cache._shard(name)]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit of the body changed, header kept
        lambda raw: b"\x80\x81 not json\n{}",
        lambda raw: b'{"format": 1}\n[]',
    ],
    ids=["empty", "truncated", "altered", "garbage", "wrong-shape"],
)
def test_damaged_cache_is_ignored_and_rebuilt(mixed: Path, monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    load_programme(mixed, as_of=AS_OF)
    for file in _shard_files():
        file.write_bytes(damage(file.read_bytes()))

    parsed = ParseCounter(monkeypatch)
    _same(expected, load_programme(mixed, as_of=AS_OF))
    assert len(parsed.take()) == 75 + len(_BROKEN) + 4  # nothing taken from the damaged cache
    _same(expected, load_programme(mixed, as_of=AS_OF))
    assert len(parsed.take()) == 3  # rebuilt: used again


def test_entry_of_the_wrong_shape_is_checked_again(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even behind a valid header and checksum, an entry that is not what this code writes is not used."""
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    load_programme(mixed, as_of=AS_OF)
    for name, wrong in (("tasks/001.yaml", "không phải một mục"), ("tasks/002.yaml", [None, None])):
        file = _shard_file(name)
        header_line, body = file.read_bytes().split(b"\n", 1)
        files = marshal.loads(body)["files"]
        files[name] = wrong
        forged = marshal.dumps({"files": files})
        header = json.loads(header_line)
        header["body"] = cache._checksum(forged)
        file.write_bytes(json.dumps(header).encode() + b"\n" + forged)

    parsed = ParseCounter(monkeypatch)
    _same(expected, load_programme(mixed, as_of=AS_OF))
    assert {"001.yaml", "002.yaml"} <= set(parsed.take())


def test_entry_this_code_cannot_use_is_checked_again(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    load_programme(mixed, as_of=AS_OF)
    real_head = cache.task_head

    def failing(data: Any) -> Any:
        if data[0] == 5:  # the task's id
            raise ValueError("not a head")
        return real_head(data)

    monkeypatch.setattr(loading, "task_head", failing)
    parsed = ParseCounter(monkeypatch)
    _same(expected, load_programme(mixed, as_of=AS_OF))
    assert "005.yaml" in parsed.take()


def test_a_cached_task_rebuilt_only_when_used_and_read_from_its_file_if_it_cannot_be(
    mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    load_programme(mixed, as_of=AS_OF)
    decoded: list[int] = []
    real_decode = cache.decode_task

    def decode(blob: bytes) -> Any:
        task, milestones = real_decode(blob)
        decoded.append(task.id)
        if task.id == 5:
            raise KeyError("status")
        return task, milestones

    monkeypatch.setattr(loading, "decode_task", decode)
    programme, report = load_programme(mixed, as_of=AS_OF)
    assert decoded == [93]  # the only task with a date after the as-of day, checked for it
    assert [record.id for record in programme.tasks] == [record.id for record in expected[0].tasks]
    _same(expected, (programme, report))  # comparing reads every task: each rebuilt once (5 from its file)
    assert sorted(decoded) == sorted(record.id for record in programme.tasks)


def test_another_users_cache_is_not_read(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_programme(mixed, as_of=AS_OF)
    monkeypatch.setattr(os, "getuid", lambda: 12345)
    parsed = ParseCounter(monkeypatch)
    load_programme(mixed, as_of=AS_OF)
    assert len(parsed.take()) == 75 + len(_BROKEN) + 4


def test_cache_made_by_other_code_is_not_used(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_programme(mixed, as_of=AS_OF)
    monkeypatch.setattr(cache, "code_digest", lambda: "other version of ctr199")
    parsed = ParseCounter(monkeypatch)
    load_programme(mixed, as_of=AS_OF)
    assert len(parsed.take()) == 75 + len(_BROKEN) + 4


def test_changed_registry_and_groups_take_effect(mixed: Path) -> None:
    load_programme(mixed, as_of=AS_OF)
    agencies = mixed / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("Sở Xây dựng", "Sở Xây dựng mới"), "utf-8")
    groups = mixed / "groups.yaml"
    groups.write_text(groups.read_text(encoding="utf-8").replace("  - id: 9\n", "  - id: 19\n"), "utf-8")

    programme, report = load_programme(mixed, as_of=AS_OF)
    unknown = [f for f in report.findings if f.code == "unknown-agency" and "Sở Xây dựng" in f.message]
    assert len(unknown) > 10  # every task led by the renamed agency
    assert any(f.code == "unknown-group" for f in report.findings)
    _same((programme, report), load_programme(mixed, as_of=AS_OF, use_cache=False))


def test_as_of_checks_run_on_cached_tasks(mixed: Path) -> None:
    late = load_programme(mixed, as_of=date(2026, 12, 31))[1]
    assert not [f for f in late.findings if f.code == "log-future"]
    early = load_programme(mixed, as_of=date(2026, 2, 1))[1]
    future = [f for f in early.findings if f.code == "log-future"]
    assert any(f.path.endswith("093.yaml") and (f.line, f.col) == (7, 11) for f in future)
    assert early == load_programme(mixed, as_of=date(2026, 2, 1), use_cache=False)[1]


def test_unwritable_cache_folder_is_silent(mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CTR199_CACHE_DIR", str(blocker / "cache"))
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    _same(expected, load_programme(mixed, as_of=AS_OF))
    _same(expected, load_programme(mixed, as_of=AS_OF))


runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-cache", "validate"], {}),
        (["validate", "--no-cache"], {}),
        (["validate"], {"CTR199_NO_CACHE": "1"}),
    ],
    ids=["global-option", "command-option", "environment"],
)
def test_no_cache_reads_and_writes_no_cache(mixed: Path, args: list[str], env: dict[str, str]) -> None:
    folder = cache.cache_dir()
    result = runner.invoke(app, [*args, str(mixed), "--as-of", "2026-07-01"], env=env)
    assert result.exit_code == 1, result.output
    assert list(folder.iterdir()) == []
    assert cache.enabled(), "--no-cache lasts one run"
    with_cache = runner.invoke(app, ["validate", str(mixed), "--as-of", "2026-07-01"])
    assert with_cache.output == result.output
    assert len(list(folder.iterdir())) == 1


@pytest.mark.parametrize("xdg", ["", "/tmp/xdg-cache-test"])
def test_default_cache_folder_is_the_platform_one(monkeypatch: pytest.MonkeyPatch, xdg: str) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv("CTR199_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache.cache_dir() == Path(user_cache_dir("ctr199", appauthor=False))


@pytest.mark.parametrize("model", [Task, AgenciesFile, GroupsFile, IndicatorsFile, Milestone])
def test_rebuilt_models_equal_validated_ones(model: type[Any]) -> None:
    data = DataDir(SHIPPED)
    sources = {
        Task: [*data.task_files(), *sorted(PROGRESS.iterdir())],
        AgenciesFile: [data.agencies],
        GroupsFile: [data.groups],
        IndicatorsFile: [data.indicators],
    }
    if model is Milestone:
        values = [m for path in sources[Task] for m in milestones_of(Task.model_validate(load_fast(path)))]
    else:
        values = [model.model_validate(load_fast(path)) for path in sources[model]]
    assert values
    for value in values:
        rebuilt = cache.rebuild(model, cache.encode(value))
        assert rebuilt == value
        assert rebuilt.model_dump() == value.model_dump()
        assert type(rebuilt) is model


def test_a_cache_entry_written_by_hand_is_read_again_not_a_crash(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_programme(mixed, as_of=AS_OF, use_cache=False)
    load_programme(mixed, as_of=AS_OF)
    store = cache.CheckCache.open(mixed)
    for name, raw in store.entries.items():
        store.fresh[name] = raw
    store.entries["tasks/005.yaml"][3][5] = 10**20  # a "last recorded" day no calendar has
    store.entries["tasks/006.yaml"][3] = ["not", "a", "head"]
    store.changed = set(range(cache.SHARDS))
    store.save()  # with its CRC: only the code reading it can tell
    parsed = ParseCounter(monkeypatch)
    _same(expected, load_programme(mixed, as_of=AS_OF))
    assert {"005.yaml", "006.yaml"} <= set(parsed.take())
