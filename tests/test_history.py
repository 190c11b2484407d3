"""`ctr199 changes` over a real git history: what changed, per task, in a window of days or revisions."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.history import ChangeKind, collect_changes, describe, render_markdown

from .gitrepo import AUTHOR, commit, data_repo, git

runner = CliRunner()


def _update(data: Path, *args: str) -> None:
    result = runner.invoke(app, [*args, "-d", str(data), "--as-of", "2026-12-31"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Data committed 10/11; task 36 started 21/11, done 25/11; task 1 edited 02/12."""
    data = data_repo(tmp_path)
    repo = data.parent
    shas = {"start": git(repo, "rev-parse", "HEAD").strip()}
    _update(data, "update", "36", "-s", "in_progress", "--date", "2026-11-20", "--note", "Đã trình hồ sơ")
    shas["started"] = commit(repo, "Tiến độ nhiệm vụ 36", when="2026-11-21T16:30:00+07:00")
    _update(data, "done", "36", "--date", "2026-11-25", "--ref", "Quyết định số 7/QĐ-UBND")
    shas["done"] = commit(repo, "Hoàn thành nhiệm vụ 36", when="2026-11-25T08:00:00+07:00", author="Trần Văn Minh")
    path = data / "tasks" / "001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("deadline: Năm 2026", "deadline: Quý IV/2026"), "utf-8")
    _update(data, "update", "1", "-s", "in_progress", "--date", "2026-12-01")
    shas["later"] = commit(repo, "Sửa thời hạn nhiệm vụ 1", when="2026-12-02T10:00:00+07:00")
    return data, shas


def test_status_transition_in_a_window_of_dates(history: tuple[Path, dict[str, str]]) -> None:
    data, shas = history
    report = collect_changes(data, since=date(2026, 11, 20), until=date(2026, 11, 27))
    assert [task.task_id for task in report.tasks] == [36]
    assert [c.sha for c in report.commits] == [shas["started"], shas["done"]]
    changes = report.tasks[0].changes
    statuses = [
        (c.before.value, c.after.value, c.completed_on, c.commit.author) for c in changes if c.kind is ChangeKind.STATUS
    ]
    assert statuses == [
        ("not_started", "in_progress", None, AUTHOR),
        ("in_progress", "done", date(2026, 11, 25), "Trần Văn Minh"),
    ]
    added = [c.entry for c in changes if c.kind is ChangeKind.LOG_ADDED and c.entry is not None]
    assert [(e.date, e.status.value, e.note, e.ref) for e in added] == [
        (date(2026, 11, 20), "in_progress", "Đã trình hồ sơ", ""),
        (date(2026, 11, 25), "done", "", "Quyết định số 7/QĐ-UBND"),
    ]
    assert not [c for c in changes if c.kind is ChangeKind.FIELD], "completed_on is told with the status"


def test_edited_field_shows_before_and_after(history: tuple[Path, dict[str, str]]) -> None:
    data, shas = history
    report = collect_changes(data, since=shas["done"])
    assert [task.task_id for task in report.tasks] == [1]
    text = render_markdown(report)
    assert "Sửa Thời hạn: Năm 2026 → Quý IV/2026" in text
    assert "Trạng thái: Chưa thực hiện → Đang thực hiện" in text
    assert f"`{shas['later'][:7]}`" in text and "02/12/2026" in text


def test_cli_table_json_and_md(history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    data, shas = history
    monkeypatch.chdir(data / "tasks")  # any folder inside the repository
    table = runner.invoke(app, ["changes", "--since", "20/11/2026", "--until", "2026-11-27"])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == "Thay đổi từ 20/11/2026 đến 27/11/2026: 1 nhiệm vụ, 2 commit."
    assert "Nhiệm vụ (36)" in table.stdout and "Nhiệm vụ (1)" not in table.stdout
    assert re.search(
        rf"\n  25/11/2026  {shas['done'][:7]}  Trần Văn Minh +Trạng thái: Đang thực hiện → Hoàn thành \(25/11/2026\)\n",
        table.stdout,
    )

    payload = json.loads(runner.invoke(app, ["changes", "--since", shas["start"], "--format", "json"]).stdout)
    assert [t["task_id"] for t in payload["tasks"]] == [1, 36]
    first = payload["tasks"][1]["changes"][0]
    assert first["kind"] == "status" and (first["before"], first["after"]) == ("not_started", "in_progress")
    assert first["commit"]["date"] == "2026-11-21T16:30:00+07:00"

    md = runner.invoke(app, ["changes", "--since", "2026-11-26", "--until", "2026-11-30", "--format", "md"])
    assert (
        md.stdout.strip()
        == "### Thay đổi từ 26/11/2026 đến 30/11/2026\n\nKhông có thay đổi nào trong dữ liệu nhiệm vụ."
    )


def test_default_window_is_the_week_before_as_of(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    result = runner.invoke(app, ["changes", "-d", str(data), "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Thay đổi từ 21/11/2026 đến 27/11/2026: 1 nhiệm vụ, 2 commit.")


def test_removed_log_entry_is_reported(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    path = data / "tasks" / "001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: in_progress", "status: not_started").split("log:")[0] + "log: []\n", "utf-8")
    commit(data.parent, "Gỡ nhật ký", when="2026-12-03T10:00:00+07:00")
    report = collect_changes(data, since=date(2026, 12, 3))
    kinds = [c.kind for c in report.tasks[0].changes]
    assert ChangeKind.LOG_REMOVED in kinds


def test_outside_a_git_repository_says_so(shipped_copy: Path) -> None:
    result = runner.invoke(app, ["changes", "--since", "2026-11-01", "-d", str(shipped_copy)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: ") and "không nằm trong kho git" in result.stderr


def test_unknown_revision_is_a_usage_error(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    result = runner.invoke(app, ["changes", "--since", "khong-co-nhanh-nay", "-d", str(data)])
    assert result.exit_code == 2
    assert 'không có phiên bản git "khong-co-nhanh-nay"' in result.stderr


def test_broken_and_repaired_files_are_reported(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    path = data / "tasks" / "036.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: ", "title: 'không đóng ", 1), encoding="utf-8")
    commit(data.parent, "Lỡ tay", when="2026-12-10T10:00:00+07:00")
    reopened = good.replace("status: done", "status: in_progress").replace("completed_on: 2026-11-25", "completed_on:")
    path.write_text(reopened, encoding="utf-8")
    commit(data.parent, "Sửa lại", when="2026-12-11T10:00:00+07:00")
    report = collect_changes(data, since=date(2026, 12, 10))
    lines = [describe(change) for change in report.tasks[0].changes]
    assert lines[0].startswith("Tệp không đọc được: ")
    assert lines[1:] == ["Sửa tệp trước đó không đọc được"]


# ---------------------------------------------------------------- merges, renames, reverts, reversed windows


def _edit(data: Path, number: int, old: str, new: str) -> None:
    path = data / "tasks" / f"{number:03d}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _lines(report: object) -> list[tuple[int, str, str]]:
    from ctr199.history import ChangeReport

    assert isinstance(report, ChangeReport)
    return [(task.task_id, change.commit.subject, describe(change)) for task in report.tasks for change in task.changes]


@pytest.fixture
def branches(tmp_path: Path) -> tuple[Path, str]:
    """Two branches from 10/11 that both edit task 36's status and note; returns (data, base sha)."""
    data = data_repo(tmp_path)
    repo = data.parent
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "so-xay-dung")
    _update(data, "update", "36", "-s", "in_progress", "--date", "2026-11-20", "--note", "Bên A: đã trình hồ sơ")
    commit(repo, "Nhánh A", when="2026-11-21T09:00:00+07:00", author="Trần Văn Minh")
    git(repo, "checkout", "-q", base)
    git(repo, "checkout", "-q", "-b", "van-phong")
    _update(data, "update", "36", "-s", "in_progress", "--date", "2026-11-19", "--note", "Bên B: đã họp")
    commit(repo, "Nhánh B", when="2026-11-22T09:00:00+07:00")
    return data, base


def _merge_keeping_ours(repo: Path, other: str, *, when: str, edit: tuple[int, str, str] | None = None) -> str:
    """`git merge other`, the conflict resolved with this side's version (plus an optional edit of its own)."""
    with pytest.raises(Exception):  # noqa: B017 - git exits 1 on the conflict
        git(repo, "merge", "-q", "--no-edit", other, when=when)
    git(repo, "checkout", "--ours", "--", ".", when=when)
    if edit is not None:
        _edit(repo / "data", *edit)
    return commit(repo, f"Gộp {other}", when=when)


def test_merge_resolved_with_one_side_keeps_the_other_sides_commit(branches: tuple[Path, str]) -> None:
    data, base = branches
    _merge_keeping_ours(data.parent, "so-xay-dung", when="2026-11-23T09:00:00+07:00")
    lines = _lines(collect_changes(data, since=base))
    assert (36, "Nhánh A", "Nhật ký mới: 20/11/2026 Đang thực hiện — Bên A: đã trình hồ sơ") in lines
    assert (36, "Nhánh B", "Nhật ký mới: 19/11/2026 Đang thực hiện — Bên B: đã họp") in lines
    # Each side's changes once; the merge, which only chose a side, adds nothing of its own.
    assert len(lines) == len(set(lines)) == 4
    assert not [line for line in lines if line[1].startswith("Gộp")]


def test_edit_made_while_resolving_a_merge_is_reported_once(branches: tuple[Path, str]) -> None:
    data, base = branches
    merged = _merge_keeping_ours(
        data.parent,
        "so-xay-dung",
        when="2026-11-23T09:00:00+07:00",
        edit=(36, "deadline: Quý II/2026", "deadline: Quý III/2026"),
    )
    report = collect_changes(data, since=base)
    own = [line for line in _lines(report) if line[1] == "Gộp so-xay-dung"]
    assert own == [(36, "Gộp so-xay-dung", "Sửa Thời hạn: Quý II/2026 → Quý III/2026")]
    assert merged in [c.sha for c in report.commits]


def test_clean_merge_lists_both_sides_and_no_merge_line(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    repo = data.parent
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "a")
    _update(data, "update", "36", "-s", "in_progress", "--date", "2026-11-20")
    commit(repo, "A", when="2026-11-21T09:00:00+07:00")
    git(repo, "checkout", "-q", base)
    git(repo, "checkout", "-q", "-b", "b")
    _update(data, "update", "1", "-s", "in_progress", "--date", "2026-11-20")
    commit(repo, "B", when="2026-11-22T09:00:00+07:00")
    git(repo, "merge", "-q", "--no-edit", "a", when="2026-11-23T09:00:00+07:00")
    report = collect_changes(data, since=date(2026, 11, 20), until=date(2026, 11, 30))
    assert sorted({(task, subject) for task, subject, _ in _lines(report)}) == [(1, "B"), (36, "A")]
    assert [c.subject for c in report.commits] == ["A", "B"]


def test_renamed_file_is_followed_not_reported_again(history: tuple[Path, dict[str, str]]) -> None:
    data, shas = history
    repo = data.parent
    git(repo, "mv", "data/tasks/036.yaml", "data/tasks/36.yaml")
    commit(repo, "Đổi tên tệp", when="2026-12-05T09:00:00+07:00", author="Lê Văn Tâm")
    lines = _lines(collect_changes(data, since=shas["later"]))
    assert lines == [(36, "Đổi tên tệp", "Đổi tên tệp: 036.yaml → 36.yaml")]


def test_revert_is_reported_as_the_reversal(history: tuple[Path, dict[str, str]]) -> None:
    data, shas = history
    repo = data.parent
    git(repo, "revert", "--no-edit", shas["done"], when="2026-12-06T09:00:00+07:00")
    lines = _lines(collect_changes(data, since=date(2026, 12, 6)))
    subject = 'Revert "Hoàn thành nhiệm vụ 36"'
    assert lines == [
        (36, subject, "Trạng thái: Hoàn thành → Đang thực hiện"),
        (36, subject, "Xóa mục nhật ký: 25/11/2026 Hoàn thành (Quyết định số 7/QĐ-UBND)"),
    ]


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (
            "2026-11-27",
            "20/11/2026",
            "Lỗi: khoảng thời gian ngược: --since 27/11/2026 ở sau --until 20/11/2026; "
            "đổi chỗ hai giá trị (--since là điểm đầu, --until là điểm cuối)",
        ),
        ("later", "started", None),
    ],
)
def test_reversed_window_is_a_usage_error(
    history: tuple[Path, dict[str, str]], since: str, until: str, message: str | None
) -> None:
    data, shas = history
    since, until = shas.get(since, since), shas.get(until, until)
    result = runner.invoke(app, ["changes", "--since", since, "--until", until, "-d", str(data)])
    assert result.exit_code == 2
    assert result.stdout == ""
    expected = message or (
        f"Lỗi: khoảng thời gian ngược: --since {since} ở sau --until {until}; "
        "đổi chỗ hai giá trị (--since là điểm đầu, --until là điểm cuối)"
    )
    assert result.stderr == expected + "\n"


def test_file_moved_out_of_the_tasks_folder_is_a_deletion(history: tuple[Path, dict[str, str]]) -> None:
    data, shas = history
    repo = data.parent
    (repo / "luu-tru").mkdir()
    git(repo, "mv", "data/tasks/036.yaml", "luu-tru/036.yaml")
    commit(repo, "Lưu trữ nhiệm vụ 36", when="2026-12-05T09:00:00+07:00")
    assert _lines(collect_changes(data, since=shas["later"])) == [(36, "Lưu trữ nhiệm vụ 36", "Xóa tệp nhiệm vụ")]
