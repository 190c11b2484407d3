"""Any date (#17 item 1): every command answers for its --as-of from what was recorded by then.

A fixture history in a real git repository: progress recorded during week 46, the brief made at the end
of that week, then more progress (log entries, completions, an extension, a request, an indicator
figure, commits) in weeks 47 and 48. The W46 brief made again afterwards equals the one made then.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ctr199.loading import for_document, for_query
from ctr199.models import Status
from ctr199.programme import task_known_on
from ctr199.query import Category, classify

from .brief_helpers import run
from .conftest import read_task
from .gitrepo import commit, data_repo

W46_END = "2026-11-15"


def _record(data: Path, *args: str, when: str) -> None:
    code, out = run(*args, "-d", data, "--as-of", when[:10])
    assert code == 0, out
    commit(data.parent, f"{args[0]} {args[1]}", when=when)


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _briefs(data: Path, folder: Path, as_of: str) -> dict[str, bytes]:
    folder.mkdir()
    made = {}
    for fmt in ("md", "html", "docx"):
        target = folder / f"brief.{fmt}"
        code, out = run("brief", "-d", data, "--as-of", as_of, "-o", target)
        assert code == 0, out
        made[fmt] = target.read_bytes()
    return made


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The data after week 48, and the briefs made at the end of week 46."""
    tmp = tmp_path_factory.mktemp("history")
    data = data_repo(tmp)  # the first import, committed on 10/11/2026
    # Week 46.
    _record(data, "update", "1", "-s", "in_progress", "-n", "Đã giao việc", when="2026-11-11T09:00:00+07:00")
    _record(data, "update", "2", "-s", "done", "-n", "Xong", "-r", "Báo cáo 1/BC", when="2026-11-12T09:00:00+07:00")
    at_w46 = _briefs(data, tmp / "w46", W46_END)
    # Weeks 47 and 48: everything below is later history for the W46 brief.
    _record(data, "update", "1", "-s", "done", "-n", "Hoàn thành", when="2026-11-18T09:00:00+07:00")
    _record(data, "update", "3", "-s", "in_progress", "-n", "Bắt đầu", when="2026-11-19T09:00:00+07:00")
    _record(data, "update", "5", "-s", "done", when="2026-11-20T10:00:00+07:00")
    _record(data, "extend", "7", "--to", "Quý I/2027", "-r", "Văn bản số 9/UBND", when="2026-11-24T09:00:00+07:00")
    run("indicator", "set", "1", "-p", "2026-Q3", "-v", "12,5", "--date", "2026-11-25", "-d", data)
    commit(data.parent, "số liệu GRDP", when="2026-11-25T09:00:00+07:00")
    _record(data, "update", "4", "-s", "in_progress", "-n", "Tuần 48", when="2026-11-26T09:00:00+07:00")
    return data, at_w46


def test_a_past_week_brief_made_again_equals_the_one_made_then(
    history: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    data, at_w46 = history
    again = _briefs(data, tmp_path / "again", W46_END)
    assert again["md"].decode() == at_w46["md"].decode()
    assert again["html"].decode() == at_w46["html"].decode()
    # Word: every part of the package byte for byte (the zip's own timestamps are the time of saving).
    assert _parts(again["docx"]) == _parts(at_w46["docx"])
    # And the later weeks do show in a later brief: the data did change.
    later = _briefs(data, tmp_path / "later", "2026-11-29")
    assert later["md"] != at_w46["md"]
    assert "Tuần 48" in later["md"].decode() and "Tuần 48" not in again["md"].decode()


def test_a_mid_week_as_of_leaves_out_the_commits_after_it(history: tuple[Path, dict[str, bytes]]) -> None:
    data, _ = history
    # Week 47 asked on its Wednesday: the commit of Thursday 19/11 (task 3) is not yet known.
    code, out = run("brief", "-d", data, "--as-of", "2026-11-18")
    assert code == 0, out
    git_section = out.split("### 2.")[1] if "### 2." in out else out
    assert "19/11/2026" not in git_section and "18/11/2026" in git_section


def test_changes_since_a_day_stop_at_the_as_of_day(history: tuple[Path, dict[str, bytes]]) -> None:
    data, _ = history
    code, out = run("changes", "-d", data, "--since", "2026-11-11", "--as-of", W46_END, "--format", "json")
    assert code == 0, out
    days = {change["commit"]["date"][:10] for task in json.loads(out)["tasks"] for change in task["changes"]}
    assert days == {"2026-11-11", "2026-11-12"}


def test_queries_answer_for_the_day_from_what_was_known_then(history: tuple[Path, dict[str, bytes]]) -> None:
    data, _ = history
    code, out = run("show", "1", "-d", data, "--as-of", W46_END, "-f", "json")
    assert code == 0, out
    shown = json.loads(out)
    assert [entry["date"] for entry in shown["log"]] == ["2026-11-11"]
    code, out = run("summary", "-d", data, "--as-of", W46_END, "-f", "json")
    assert code == 0, out
    for command in ("overdue", "upcoming", "list", "scorecard"):
        code, out = run(command, "-d", data, "--as-of", W46_END)
        assert code in (0, 1) and "log-future" not in out and "sau ngày đối chiếu" not in out, (command, out)
    # validate still refuses entries dated after its as-of date.
    code, out = run("validate", data, "--as-of", W46_END)
    assert code == 1 and "error[log-future]" in out and "error[extension-future]" in out


def test_documents_of_every_kind_accept_a_past_day(history: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    data, _ = history
    for args in (
        ("remind", "--as-of", W46_END, "-o", tmp_path / "remind.md"),
        ("forms", "--as-of", W46_END, "-o", tmp_path / "forms"),
        ("export", "--as-of", W46_END, "-o", tmp_path / "export.xlsx"),
    ):
        code, out = run(*args, "-d", data)
        assert code == 0, (args, out)


def test_the_programme_as_known_on_a_day(history: tuple[Path, dict[str, bytes]]) -> None:
    data, _ = history
    then = for_document(data, as_of=date(2026, 11, 15))
    one, five, seven = then.task(1), then.task(5), then.task(7)
    assert one is not None and five is not None and seven is not None
    assert one.task.status is Status.IN_PROGRESS and [e.date for e in one.task.log] == [date(2026, 11, 11)]
    assert five.task.status is Status.NOT_STARTED and five.task.completed_on is None and not five.task.log
    assert seven.task.extensions == []
    assert all(
        not a.recorded_on or a.recorded_on <= date(2026, 11, 15)
        for i in then.indicators
        for t in i.targets
        for a in t.actuals
    )
    assert classify(one, date(2026, 11, 15)).not_started is False
    assert classify(five, date(2026, 11, 15)).not_started is True
    # Unchanged tasks are the very same objects (nothing copied for them).
    now = read_task(data, 9)
    assert task_known_on(now, date(2026, 11, 15)) is now
    # Queries read the same programme.
    loaded = for_query(data, as_of=date(2026, 11, 15))
    assert loaded.errors == 0
    state = classify(loaded.programme.task(1) or one, date(2026, 11, 15))
    assert state.category is not Category.DONE_ON_TIME


def test_task_known_on_leaves_out_every_kind_of_later_record() -> None:
    from ctr199.models import ExtensionRequest, LogEntry, MilestoneDone, Task

    task = Task(
        id=3,
        group=1,
        title="Nhiệm vụ hai mốc",
        deadline="Quý II/2026 và Quý IV/2026",
        status=Status.DONE,
        completed_on=date(2026, 12, 1),
        completed_milestones=[
            MilestoneDone(milestone=1, date=date(2026, 6, 20)),
            MilestoneDone(milestone=2, date=date(2026, 12, 1)),
        ],
        log=[
            LogEntry(date=date(2026, 6, 20), status=Status.IN_PROGRESS, milestone=1),
            LogEntry(date=date(2026, 12, 1), status=Status.DONE, milestone=2),
        ],
        requests=[
            ExtensionRequest(milestone=2, requested_to="Quý I/2027", received_on=date(2026, 9, 1)),
            ExtensionRequest(milestone=2, requested_to="Quý II/2027", received_on=date(2026, 11, 20)),
        ],
    )
    then = task_known_on(task, date(2026, 10, 1))
    assert then.status is Status.IN_PROGRESS and then.completed_on is None
    assert [m.milestone for m in then.completed_milestones] == [1]
    assert [entry.date for entry in then.log] == [date(2026, 6, 20)]
    assert [r.requested_to for r in then.requests] == ["Quý I/2027"]
    before = task_known_on(task, date(2026, 6, 1))
    assert before.status is Status.NOT_STARTED and not before.log and not before.completed_milestones
    assert task_known_on(task, date(2026, 12, 1)) is task
