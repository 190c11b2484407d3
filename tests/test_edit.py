"""`ctr199 update`, `done` and `new` against a real git repository: only the intended lines change."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.edit import EditRefused, ProgressUpdate, update_task
from ctr199.loading import load_programme
from ctr199.models import Status

from .conftest import read_task
from .gitrepo import data_repo, git

runner = CliRunner()
AS_OF = "2026-03-31"


def _changed_lines(repo: Path) -> list[str]:
    """The +/- lines of `git diff` (no headers, no context)."""
    diff = git(repo, "diff", "--unified=0", "--no-color")
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and not line.startswith("@@")
    ]


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _no_errors(data: Path, as_of: date = date(2026, 3, 31)) -> None:
    _, report = load_programme(data, as_of=as_of)
    assert not report.errors, "\n".join(map(str, report.errors))


def test_update_then_git_diff_shows_only_the_intended_lines(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    code, out, err = _invoke(
        "update", "36", "--status", "Đang thực hiện", "--date", "2/3/2026",
        "--note", "Sở Xây dựng: đã trình hồ sơ", "-d", str(data), "--as-of", AS_OF,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == "Đã cập nhật nhiệm vụ (36): Chưa thực hiện → Đang thực hiện (02/03/2026)."
    assert _changed_lines(data.parent) == [
        "-status: not_started",
        "+status: in_progress",
        "-log: []",
        "+log:",
        "+  - date: 2026-03-02",
        "+    status: in_progress",
        "+    note: 'Sở Xây dựng: đã trình hồ sơ'",
    ]
    git(data.parent, "commit", "-qam", "tiến độ 36")

    code, out, _ = _invoke(
        "done", "36", "--date", "12/3/2026", "--ref", "Nghị quyết số 12/NQ-HĐND", "-d", str(data), "--as-of", AS_OF
    )
    assert code == 0
    assert out.strip() == "Đã cập nhật nhiệm vụ (36): Đang thực hiện → Hoàn thành (12/03/2026)."
    assert _changed_lines(data.parent) == [
        "-status: in_progress",
        "-completed_on:",
        "+status: done",
        "+completed_on: 2026-03-12",
        "+  - date: 2026-03-12",
        "+    status: done",
        "+    ref: Nghị quyết số 12/NQ-HĐND",
    ]
    assert git(data.parent, "diff", "--stat").count("|") == 1  # one file touched
    _no_errors(data)


def test_comments_and_untouched_lines_survive_an_update(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    text = path.read_text(encoding="utf-8")
    text = "# Nhiệm vụ 36 — ghi chú của văn phòng\n" + text.replace(
        "authority: UBND thành phố\n", "authority: UBND thành phố  # theo Phụ lục\n"
    )
    path.write_text(text, encoding="utf-8")
    git(data.parent, "commit", "-qam", "chú thích")
    code, _, err = _invoke(
        "update", "36", "-s", "in_progress", "--date", "2026-03-02", "-d", str(data), "--as-of", AS_OF
    )
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# Nhiệm vụ 36 — ghi chú của văn phòng\n")
    assert "authority: UBND thành phố  # theo Phụ lục\n" in after
    assert _changed_lines(data.parent) == [
        "-status: not_started",
        "+status: in_progress",
        "-log: []",
        "+log:",
        "+  - date: 2026-03-02",
        "+    status: in_progress",
    ]


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        (["update", "36", "-s", "done", "--date", "2026-04-01"], 1, "sau ngày đối chiếu 31/03/2026"),
        (["update", "36", "-s", "in_progress", "--date", "2026-02-28"], 1, "trước mục nhật ký gần nhất (02/03/2026)"),
        (["update", "36", "-s", "in_progress", "--milestone", "2"], 2, "không có mốc 2"),
        (["update", "36", "-s", "xong rồi"], 2, 'trạng thái "xong rồi" không hợp lệ'),
        (["update", "36", "-s", "done", "--date", "31/2/2026"], 2, "--date"),
        (["update", "99", "-s", "done"], 2, "không có nhiệm vụ số 99"),
        (["update", "65", "-s", "done", "--milestone", "3"], 2, "chỉ có mốc 1…2"),
        (["done", "36", "--as-of", "2026-03-01", "--date", "2026-03-01"], 1, "tệp đang có lỗi"),
    ],
)
def test_refused_update_leaves_every_byte_and_mtime(tmp_path: Path, args: list[str], code: int, reason: str) -> None:
    data = data_repo(tmp_path)
    assert (
        _invoke("update", "36", "-s", "in_progress", "--date", "2026-03-02", "-d", str(data), "--as-of", AS_OF)[0] == 0
    )
    before = {path: _snapshot(path) for path in sorted((data / "tasks").iterdir())}
    full = [*args, "-d", str(data)] + ([] if "--as-of" in args else ["--as-of", AS_OF])
    exit_code, out, err = _invoke(*full)
    assert exit_code == code, err
    assert out == ""
    assert err.startswith("Lỗi: ") and err.count("\n") == 1, err
    if reason:
        assert reason in err
    assert {path: _snapshot(path) for path in sorted((data / "tasks").iterdir())} == before


def test_completing_done_task_again_is_refused(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    assert _invoke("done", "36", "--date", "2026-03-12", "-d", str(data), "--as-of", AS_OF)[0] == 0
    path = data / "tasks" / "036.yaml"
    before = _snapshot(path)
    code, _, err = _invoke("done", "36", "--date", "2026-03-20", "-d", str(data), "--as-of", AS_OF)
    assert code == 1 and "đã hoàn thành ngày 12/03/2026" in err
    assert _snapshot(path) == before


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_crash_during_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    before = path.read_bytes()
    seen: list[Path] = []
    real_fdopen = os.fdopen

    def spy_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        seen.extend(p for p in path.parent.iterdir() if p.name.endswith(".tmp"))
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    def power_cut(*_: object) -> None:
        raise OSError("mất điện")

    # `store.atomic_write` calls os.fdopen, writes, os.fsync, then Path.replace: fail after the write.
    monkeypatch.setattr(os, "fdopen", spy_fdopen)
    if where == "fsync":
        monkeypatch.setattr(os, "fsync", power_cut)
    else:
        monkeypatch.setattr(Path, "replace", power_cut)
    with pytest.raises(OSError, match="mất điện"):
        update_task(data, ProgressUpdate(36, Status.DONE, date(2026, 3, 12)), as_of=date(2026, 3, 31))
    assert seen, "the temporary file was created next to the task file"
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")], "no temporary file is left behind"


def test_file_changed_by_someone_else_during_the_edit_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    theirs = path.read_text(encoding="utf-8").replace("status: not_started", "status: in_progress")
    real_fsync = os.fsync

    def someone_saves_meanwhile(fd: int) -> None:
        real_fsync(fd)
        if path.read_text(encoding="utf-8") != theirs:
            path.write_text(theirs, encoding="utf-8")

    monkeypatch.setattr(os, "fsync", someone_saves_meanwhile)
    with pytest.raises(EditRefused, match="vừa bị thay đổi"):
        update_task(data, ProgressUpdate(36, Status.DONE, date(2026, 3, 12)), as_of=date(2026, 3, 31))
    assert path.read_text(encoding="utf-8") == theirs
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_milestones_complete_one_by_one_then_the_task(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    common = ["-d", str(data), "--as-of", "2026-12-31"]
    code, out, err = _invoke(
        "update", "65", "--milestone", "1", "-s", "done", "--date", "2026-03-20", "--ref", "QĐ 1", *common
    )
    assert code == 0, err
    assert out.strip() == (
        "Đã cập nhật nhiệm vụ (65), mốc 1: Hoàn thành (20/03/2026); nhiệm vụ: Chưa thực hiện → Đang thực hiện."
    )
    task = read_task(data, 65)
    assert task.status is Status.IN_PROGRESS and task.completed_on is None
    assert [(m.milestone, m.date, m.ref) for m in task.completed_milestones] == [(1, date(2026, 3, 20), "QĐ 1")]
    assert [(e.status, e.milestone) for e in task.log] == [(Status.DONE, 1), (Status.IN_PROGRESS, None)]

    code, out, err = _invoke("done", "65", "-m", "2", "--date", "2026-11-30", *common)
    assert code == 0, err
    task = read_task(data, 65)
    assert task.status is Status.DONE and task.completed_on == date(2026, 11, 30)
    assert [m.milestone for m in task.completed_milestones] == [1, 2]
    assert task.log[-1].status is Status.DONE and task.log[-1].milestone is None
    _no_errors(data, date(2026, 12, 31))
    # Reopening one milestone reopens the task.
    code, out, err = _invoke("update", "65", "-m", "2", "-s", "in_progress", "--date", "2026-12-01", *common)
    assert code == 0, err
    task = read_task(data, 65)
    assert task.status is Status.IN_PROGRESS and task.completed_on is None
    assert [m.milestone for m in task.completed_milestones] == [1]
    _no_errors(data, date(2026, 12, 31))


def test_done_without_milestone_completes_every_remaining_milestone(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    common = ["-d", str(data), "--as-of", "2026-12-31"]
    assert _invoke("done", "38", "-m", "2", "--date", "2026-06-01", *common)[0] == 0
    code, _, err = _invoke("done", "38", "--date", "2026-12-15", "--ref", "Báo cáo số 5/BC-SXD", *common)
    assert code == 0, err
    task = read_task(data, 38)
    assert [(m.milestone, m.date) for m in task.completed_milestones] == [
        (1, date(2026, 12, 15)),
        (2, date(2026, 6, 1)),
        (3, date(2026, 12, 15)),
    ]
    assert task.status is Status.DONE and task.completed_on == date(2026, 12, 15)
    _no_errors(data, date(2026, 12, 31))
    code, _, err = _invoke("update", "38", "-s", "in_progress", "--date", "2026-12-20", *common)
    assert code == 1 and "--milestone" in err


def test_text_that_yaml_would_misread_is_quoted(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    code, _, err = _invoke(
        "update", "36", "-s", "in_progress", "--date", "2026-03-02", "--note", "yes", "--ref", "12:30",
        "-d", str(data), "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    entry = read_task(data, 36).log[0]
    assert (entry.note, entry.ref) == ("yes", "12:30")


def test_default_date_is_as_of(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    assert _invoke("update", "36", "-s", "in_progress", "-d", str(data), "--as-of", "15/3/2026")[0] == 0
    assert read_task(data, 36).log[0].date == date(2026, 3, 15)


def test_hand_formatted_file_must_be_formatted_before_an_update(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - ", "    - "), encoding="utf-8")
    before = path.read_bytes()
    code, _, err = _invoke("update", "36", "-s", "in_progress", "-d", str(data), "--as-of", AS_OF)
    assert code == 1 and "ctr199 fmt" in err
    assert path.read_bytes() == before
    assert _invoke("fmt", str(path))[0] == 0
    assert _invoke("update", "36", "-s", "in_progress", "-d", str(data), "--as-of", AS_OF)[0] == 0


def test_file_with_errors_is_not_edited(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sở Xây dựng", "Sở Xây dưng"), encoding="utf-8")
    before = path.read_bytes()
    code, _, err = _invoke("update", "36", "-s", "in_progress", "-d", str(data), "--as-of", AS_OF)
    assert code == 1 and "Sở Xây dưng" in err
    assert path.read_bytes() == before


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    path = data / "tasks" / "036.yaml"
    before = _snapshot(path)
    code, out, _ = _invoke(
        "update", "36", "-s", "done", "--date", "2026-03-12", "--dry-run", "-d", str(data), "--as-of", AS_OF
    )
    assert code == 0
    assert "+completed_on: 2026-03-12" in out and "Sẽ cập nhật nhiệm vụ (36)" in out
    assert _snapshot(path) == before


# ---------------------------------------------------------------- new


def test_new_task_takes_the_next_number_and_is_valid_and_canonical(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    code, out, err = _invoke(
        "new", "--title", "Xây dựng Kế hoạch chuyển đổi xanh", "--group", "5", "--deadline", "Quý III/2026",
        "--lead", "so xay dung", "--lead", "Sở Tài chính", "--partner", "Các sở, ngành liên quan",
        "--authority", "UBND thành phố", "--output", "Kế hoạch", "-d", str(data),
    )  # fmt: skip
    assert code == 0, err
    assert "Đã tạo nhiệm vụ (76)" in out
    task = read_task(data, 76)
    assert task.lead == ["Sở Xây dựng", "Sở Tài chính"]  # the registry's spelling for what was typed loosely
    assert task.status is Status.NOT_STARTED and task.deadline == "Quý III/2026"
    _no_errors(data)
    assert _invoke("fmt", "--check", str(data))[0] == 0
    assert git(data.parent, "status", "--porcelain").strip() == "?? data/tasks/076.yaml"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--lead", "Bộ Quốc phòng Hoa Kỳ"], "--lead"),
        (["--lead", "Sở Xây dựng", "--deadline", "sớm nhất có thể"], "--deadline"),
        (["--lead", "Sở Xây dựng", "--group", "42"], "--group"),
        (["--lead", "Sở Xây dựng", "--subgroup", "z"], "--subgroup"),
    ],
)
def test_new_task_with_a_bad_field_writes_nothing(tmp_path: Path, extra: list[str], message: str) -> None:
    data = data_repo(tmp_path)
    args = ["new", "--title", "Nhiệm vụ thử", "--group", "5", "--deadline", "Quý III/2026", *extra, "-d", str(data)]
    code, _, err = _invoke(*args)
    assert code == 2 and err.startswith(f"Lỗi: {message}")
    assert not (data / "tasks" / "076.yaml").exists()
    assert git(data.parent, "status", "--porcelain") == ""
