"""`ctr199 merge-driver`: real `git merge`s of two people's progress, and the merge rules themselves."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.edit import ProgressUpdate, update_task
from ctr199.fmt import format_text
from ctr199.merging import attribute_lines, install, merge_texts
from ctr199.models import IndicatorsFile, Status, Task
from ctr199.store import load_fast

from .conftest import AS_OF, SHIPPED, read_task
from .gitrepo import commit, data_repo, git

runner = CliRunner()
CTR199 = Path(sys.executable).parent / "ctr199"  # the console script of this environment, as git will run it
TASK = "data/tasks/064.yaml"  # "Khởi công năm 2026; Đưa vào vận hành trong năm 2027.": two milestones


def _git_merge(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    """`git merge BRANCH` as a person runs it (no check: a conflict is an outcome, not an error)."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_COMMITTER_DATE": "2026-11-28T10:00:00+07:00",
        "GIT_AUTHOR_DATE": "2026-11-28T10:00:00+07:00",
    }
    return subprocess.run(
        ["git", "merge", "--no-edit", "-m", f"Gộp nhánh {branch}", branch],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the shipped data, the driver installed and committed; `main` checked out."""
    data = data_repo(tmp_path)
    root = data.parent
    git(root, "config", "user.name", "Nguyễn Thị Lan")
    git(root, "config", "user.email", "lan@example.invalid")
    git(root, "branch", "-M", "main")
    install(data, shlex.quote(str(CTR199)))
    commit(root, "Cài trình gộp ctr199")
    return root


def _progress(root: Path, task: int, status: Status, on: str, *, milestone: int | None = None, note: str = "") -> None:
    update = ProgressUpdate(task, status, date.fromisoformat(on), milestone=milestone, note=note)
    update_task(root / "data", update, as_of=AS_OF)


def _branch(root: Path, name: str, start: str = "main") -> None:
    git(root, "checkout", "-q", "-b", name, start)


def _assert_canonical_and_valid(root: Path, name: str = TASK) -> str:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert format_text(text, path, key_order=Task if "tasks" in name else None) == text  # what `fmt` writes
    result = runner.invoke(app, ["validate", str(root / "data"), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    return text


# ---------------------------------------------------------------- installing


def test_install_writes_attributes_and_config_once(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    root = data.parent
    result = subprocess.run(
        [str(CTR199), "merge-driver", "--install"],
        cwd=data / "tasks",  # from any folder inside the data directory
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (root / ".gitattributes").read_text(encoding="utf-8") == (
        "data/tasks/*.yaml merge=ctr199\ndata/indicators.yaml merge=ctr199\n"
    )
    assert git(root, "config", "merge.ctr199.driver").strip() == f"{CTR199} merge-driver %O %A %B %L %P"
    assert git(root, "config", "merge.ctr199.name").strip()
    assert git(root, "check-attr", "merge", "data/tasks/007.yaml").strip().endswith("merge: ctr199")
    assert git(root, "check-attr", "merge", "data/agencies.yaml").strip().endswith("unspecified")
    again = subprocess.run(
        [str(CTR199), "merge-driver", "--install", "--data", str(data)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "đã có sẵn" in again.stdout
    assert (root / ".gitattributes").read_text(encoding="utf-8").count("merge=ctr199") == 2


def test_install_outside_a_repository_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    result = runner.invoke(app, ["merge-driver", "--install", "--data", str(data)])
    assert result.exit_code == 1
    assert "git init" in result.output
    assert not (tmp_path / ".gitattributes").exists()


def test_attribute_lines_for_data_at_the_root(tmp_path: Path) -> None:
    assert attribute_lines(tmp_path, tmp_path) == ["/tasks/*.yaml merge=ctr199", "/indicators.yaml merge=ctr199"]
    nested = tmp_path / "so lieu"
    nested.mkdir()
    with pytest.raises(Exception, match="dấu cách"):
        attribute_lines(nested, tmp_path)


def test_driver_without_its_arguments_is_a_usage_error() -> None:
    result = runner.invoke(app, ["merge-driver"])
    assert result.exit_code == 2
    assert "%O %A %B %L %P" in result.output


# ---------------------------------------------------------------- real merges


def test_two_peoples_progress_on_one_task_merges_cleanly(repo: Path) -> None:
    _progress(repo, 64, Status.IN_PROGRESS, "2026-11-02", note="Đã giao chủ đầu tư")
    commit(repo, "Tiến độ ban đầu")
    path = repo / TASK
    # Lan: progress on 05/11, then milestone 1 (groundbreaking) done on 20/11.
    _branch(repo, "lan")
    _progress(repo, 64, Status.IN_PROGRESS, "2026-11-05", note="Đã phê duyệt thiết kế")
    _progress(repo, 64, Status.DONE, "2026-11-20", milestone=1)
    commit(repo, "Lan: khởi công")
    # Minh, meanwhile: corrects the note of the shared entry and reports progress on 12/11.
    _branch(repo, "minh", "main")
    text = path.read_text(encoding="utf-8").replace("Đã giao chủ đầu tư", "Đã giao Ban quản lý dự án")
    path.write_text(text, encoding="utf-8")
    _progress(repo, 64, Status.IN_PROGRESS, "2026-11-12", note="Đã chọn nhà thầu")
    commit(repo, "Minh: chọn nhà thầu")
    result = _git_merge(repo, "lan")
    assert result.returncode == 0, result.stdout + result.stderr

    _assert_canonical_and_valid(repo)
    task = read_task(repo / "data", 64)
    assert [(e.date.isoformat(), e.status, e.milestone, e.note) for e in task.log] == [
        ("2026-11-02", Status.IN_PROGRESS, None, "Đã giao Ban quản lý dự án"),
        ("2026-11-05", Status.IN_PROGRESS, None, "Đã phê duyệt thiết kế"),
        ("2026-11-12", Status.IN_PROGRESS, None, "Đã chọn nhà thầu"),
        ("2026-11-20", Status.DONE, 1, ""),
    ]
    assert [(m.milestone, m.date) for m in task.completed_milestones] == [(1, date(2026, 11, 20))]
    assert task.status is Status.IN_PROGRESS and task.completed_on is None
    parents = git(repo, "log", "-1", "--format=%P").split()
    assert len(parents) == 2  # a merge commit, made without anyone's help
    assert git(repo, "log", "-1", "--format=%s").strip() == "Gộp nhánh lan"
    assert git(repo, "status", "--porcelain").strip() == ""


def test_each_side_completing_one_milestone_completes_the_task(repo: Path) -> None:
    _branch(repo, "lan")
    _progress(repo, 64, Status.DONE, "2026-11-10", milestone=1)
    commit(repo, "Lan: mốc 1")
    _branch(repo, "minh", "main")
    _progress(repo, 64, Status.DONE, "2026-11-18", milestone=2)
    commit(repo, "Minh: mốc 2")
    result = _git_merge(repo, "lan")
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_canonical_and_valid(repo)
    task = read_task(repo / "data", 64)
    assert [m.milestone for m in task.completed_milestones] == [1, 2]
    # As `update` would have done, had both been recorded one after the other: done, with its log line.
    assert task.status is Status.DONE and task.completed_on == date(2026, 11, 18)
    assert (task.log[-1].date, task.log[-1].status, task.log[-1].milestone) == (date(2026, 11, 18), Status.DONE, None)


def test_the_same_field_changed_differently_is_left_as_a_conflict(repo: Path) -> None:
    path = repo / TASK
    _branch(repo, "lan")
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: (Lan) ", 1), encoding="utf-8")
    commit(repo, "Lan: sửa tên")
    _branch(repo, "minh", "main")
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: (Minh) ", 1), encoding="utf-8")
    _progress(repo, 64, Status.IN_PROGRESS, "2026-11-12")
    commit(repo, "Minh: sửa tên, ghi tiến độ")
    result = _git_merge(repo, "lan")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    message = next(line for line in output.splitlines() if line.startswith("ctr199 merge-driver:"))
    assert TASK in message and 'trường "title"' in message
    assert "Traceback" not in output
    text = path.read_text(encoding="utf-8")
    assert "<<<<<<< ours\ntitle: (Minh) " in text
    assert "=======\ntitle: (Lan) " in text and ">>>>>>> theirs\n" in text
    assert git(repo, "diff", "--name-only", "--diff-filter=U").split() == [TASK]


def test_figures_of_indicators_on_two_branches_merge(repo: Path) -> None:
    def record(ref: str, period: str, value: str, on: str) -> None:
        args = ["indicator", "set", ref, "--period", period, "--value", value, "--date", on]
        result = runner.invoke(app, [*args, "--data", str(repo / "data")])
        assert result.exit_code == 0, result.output

    _branch(repo, "lan")
    record("1.grdp", "2026-Q1", "9,8", "2026-05-01")
    record("2.usd", "2026-H1", "3500", "2026-07-20")
    commit(repo, "Lan: số liệu quý I, 6 tháng")
    _branch(repo, "minh", "main")
    record("1.grdp", "2026-H1", "10,4", "2026-07-15")
    record("2.usd", "2026-H1", "3500", "2026-07-20")  # the same figure, from the same report
    commit(repo, "Minh: số liệu 6 tháng")
    result = _git_merge(repo, "lan")
    assert result.returncode == 0, result.stdout + result.stderr
    text = _assert_canonical_and_valid(repo, "data/indicators.yaml")
    assert text.startswith("# 22 chỉ tiêu chủ yếu")  # the header comments stay
    indicators = IndicatorsFile.model_validate(load_fast(repo / "data" / "indicators.yaml")).indicators
    grdp = indicators[0].targets[0]
    assert [(a.period, str(a.value)) for a in grdp.actuals] == [("2026-Q1", "9.8"), ("2026-H1", "10.4")]
    assert [a.period for a in indicators[1].targets[0].actuals] == ["2026-H1"]


def test_different_figures_for_one_period_are_a_conflict(repo: Path) -> None:
    for branch, value in (("lan", "9,8"), ("minh", "9,6")):
        _branch(repo, branch, "main")
        args = ["indicator", "set", "1.grdp", "--period", "2026-Q1", "--value", value, "--date", "2026-05-01"]
        assert runner.invoke(app, [*args, "--data", str(repo / "data")]).exit_code == 0
        commit(repo, f"{branch}: quý I")
    result = _git_merge(repo, "lan")
    assert result.returncode == 1
    assert (
        "kỳ 2026-Q1 ghi khác nhau ở hai nhánh (ours: 9.6 ghi ngày 01/05/2026; theirs: 9.8 ghi ngày 01/05/2026)"
        in result.stderr
    )
    assert "data/indicators.yaml" in result.stderr
    assert "<<<<<<< ours" in (repo / "data" / "indicators.yaml").read_text(encoding="utf-8")


def test_a_side_that_is_not_yaml_leaves_a_conflict(repo: Path) -> None:
    path = repo / TASK
    _branch(repo, "lan")
    path.write_text(path.read_text(encoding="utf-8").replace("log: []", "log: [\n  - date: 2026-11-05"), "utf-8")
    commit(repo, "Lan: tệp hỏng")
    _branch(repo, "minh", "main")
    _progress(repo, 64, Status.IN_PROGRESS, "2026-11-12")
    commit(repo, "Minh: tiến độ")
    result = _git_merge(repo, "lan")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "nhánh được gộp vào (theirs) không đọc được" in result.stderr
    assert "<<<<<<< ours" in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the rules, on texts


BASE_TASK = (SHIPPED / "tasks" / "064.yaml").read_text(encoding="utf-8")


def _with(text: str, log: str = "", **fields: str) -> str:
    for key, value in fields.items():
        lines = text.splitlines(keepends=True)
        text = "".join(f"{key}: {value}\n" if line.startswith(f"{key}:") else line for line in lines)
    if log:
        text = text.replace("log: []\n", "log:\n" + log)
    return text


def _merge(base: str, ours: str, theirs: str, name: str = TASK) -> tuple[str, bool, str]:
    result = merge_texts(base, ours, theirs, name)
    return result.text.decode("utf-8"), result.clean, result.message


ENTRY_5 = "  - date: 2026-11-05\n    status: in_progress\n"
ENTRY_9 = "  - date: 2026-11-09\n    status: in_progress\n    note: Họp\n"


def test_the_same_entry_on_both_sides_is_kept_once() -> None:
    ours = _with(BASE_TASK, ENTRY_5, status="in_progress")
    theirs = _with(BASE_TASK, ENTRY_5 + ENTRY_9, status="in_progress")
    text, clean, _ = _merge(BASE_TASK, ours, theirs)
    assert clean
    assert text == theirs


def test_entries_of_one_day_keep_ours_first() -> None:
    mine = "  - date: 2026-11-09\n    status: in_progress\n    note: Của tôi\n"
    ours = _with(BASE_TASK, mine, status="in_progress")
    theirs = _with(BASE_TASK, ENTRY_9, status="in_progress")
    text, clean, _ = _merge(BASE_TASK, ours, theirs)
    assert clean
    assert [e.note for e in Task.model_validate(load_fast(Path(TASK), text)).log] == ["Của tôi", "Họp"]


def test_a_completion_undone_by_later_progress_on_the_other_side_is_a_conflict() -> None:
    done = "  - date: 2026-11-05\n    status: done\n"
    ours = _with(BASE_TASK, done, status="done", completed_on="2026-11-05")
    ours = ours.replace("completed_milestones: []\n", "completed_milestones:\n")
    ours = ours.replace("completed_milestones:\n", "completed_milestones:\n" + _done(1, 5) + _done(2, 5))
    theirs = _with(BASE_TASK, ENTRY_9, status="in_progress")
    text, clean, message = _merge(BASE_TASK, ours, theirs)
    assert not clean
    assert 'trường "status"' in message and "05/11/2026" in message
    assert "<<<<<<<" in text


def _done(number: int, day: int) -> str:
    return f"  - milestone: {number}\n    date: 2026-11-{day:02d}\n"


def test_one_milestone_completed_on_different_days_is_a_conflict() -> None:
    def side(day: int) -> str:
        entry = f"  - date: 2026-11-{day:02d}\n    status: done\n    milestone: 1\n"
        text = _with(BASE_TASK, entry, status="in_progress")
        return text.replace("completed_milestones: []\n", "completed_milestones:\n" + _done(1, day))

    _, clean, message = _merge(BASE_TASK, side(5), side(6))
    assert not clean
    assert 'trường "completed_milestones"' in message and "mốc 1" in message


def test_an_entry_rewritten_differently_on_both_sides_is_a_conflict() -> None:
    base = _with(BASE_TASK, ENTRY_9, status="in_progress")
    ours = base.replace("note: Họp", "note: Họp lần 1")
    theirs = base.replace("note: Họp", "note: Họp giao ban")
    _, clean, message = _merge(base, ours, theirs)
    assert not clean and 'trường "log"' in message and "09/11/2026" in message


def test_a_change_on_one_side_wins_over_an_unchanged_field() -> None:
    ours = _with(BASE_TASK, authority="HĐND thành phố")
    theirs = _with(BASE_TASK, ENTRY_5, status="in_progress")
    text, clean, _ = _merge(BASE_TASK, ours, theirs)
    assert clean, text
    task = Task.model_validate(load_fast(Path(TASK), text))
    assert task.authority == "HĐND thành phố" and task.status is Status.IN_PROGRESS


def test_a_merge_that_would_break_a_rule_is_left_as_a_conflict() -> None:
    # One side drops the second milestone, the other completes it: each valid, together not.
    ours = BASE_TASK.replace("deadline: Khởi công năm 2026; Đưa vào vận hành trong năm 2027.", "deadline: Năm 2026")
    assert ours != BASE_TASK
    entry = "  - date: 2026-11-06\n    status: done\n    milestone: 2\n"
    theirs = _with(BASE_TASK, entry, status="in_progress")
    theirs = theirs.replace("completed_milestones: []\n", "completed_milestones:\n" + _done(2, 6))
    text, clean, message = _merge(BASE_TASK, ours, theirs)
    assert not clean
    assert "không hợp lệ" in message and "mốc 2" in message
    assert "<<<<<<< ours" in text  # the line merge alone would have succeeded: the sides' differences are marked


def test_comments_added_on_one_side_are_kept() -> None:
    ours = "# Nhiệm vụ trọng điểm\n" + BASE_TASK
    theirs = _with(BASE_TASK, ENTRY_5, status="in_progress")
    text, clean, _ = _merge(BASE_TASK, ours, theirs)
    assert clean
    assert text.startswith("# Nhiệm vụ trọng điểm\n") and "2026-11-05" in text


def test_comments_changed_differently_on_both_sides_are_a_conflict() -> None:
    _, clean, message = _merge(BASE_TASK, "# A\n" + BASE_TASK, "# B\n" + BASE_TASK)
    assert not clean and "chú thích" in message


def test_both_sides_adding_the_file_merge_when_they_agree() -> None:
    ours = _with(BASE_TASK, ENTRY_5, status="in_progress")
    theirs = _with(BASE_TASK, ENTRY_9, status="in_progress")
    text, clean, _ = _merge("", ours, theirs)
    assert clean
    assert len(Task.model_validate(load_fast(Path(TASK), text)).log) == 2


@pytest.mark.parametrize(
    "broken",
    [
        "id: 64\ntitle: [unclosed\n",
        "- just\n- a list\n",
        "id: &a 64\ngroup: *a\n",
        BASE_TASK.replace("status: not_started", "status: finished"),
        "<<<<<<< ours\nid: 64\n=======\nid: 65\n>>>>>>> theirs\n",
    ],
)
def test_hostile_sides_leave_a_conflict(broken: str) -> None:
    theirs = _with(BASE_TASK, ENTRY_5, status="in_progress")
    text, clean, message = _merge(BASE_TASK, broken, theirs)
    assert not clean and message
    assert "<<<<<<<" in text


def test_a_side_that_is_not_utf8_leaves_a_conflict(tmp_path: Path) -> None:
    from ctr199.merging import merge_paths

    files = {}
    for label, content in (("o", BASE_TASK.encode()), ("a", BASE_TASK.encode("utf-16")), ("b", BASE_TASK.encode())):
        files[label] = tmp_path / label
        files[label].write_bytes(content)
    result = merge_paths(files["o"], files["a"], files["b"], TASK)
    assert not result.clean and "UTF-8" in result.message


def test_other_files_merge_line_by_line() -> None:
    base = "a\nb\nc\n"
    result = merge_texts(base, "A\nb\nc\n", "a\nb\nC\n", "data/groups.yaml")
    assert result.clean and result.text == b"A\nb\nC\n"


def test_a_huge_refused_side_is_marked_quickly() -> None:
    from .conftest import cpu_limit

    ours = BASE_TASK + "".join(f"# dòng chú thích {i}\n" for i in range(30_000))
    theirs = "# Ghi chú khác\n" + _with(BASE_TASK, ENTRY_5, status="in_progress")
    with cpu_limit(10):
        text, clean, message = _merge(BASE_TASK, ours, theirs)
    assert not clean and "chú thích" in message
    assert "<<<<<<< ours\n" in text


def test_marking_two_huge_sides_stays_linear() -> None:
    from ctr199.merging import _two_way_markers

    from .conftest import cpu_limit

    ours = "".join(f"a{i % 7}\n" for i in range(30_000)).encode()
    theirs = "".join(f"a{i % 5}\n" for i in range(30_000)).encode()
    with cpu_limit(5):
        text = _two_way_markers(ours, theirs, 7)
    assert text == b"<<<<<<< ours\n" + ours + b"=======\n" + theirs + b">>>>>>> theirs\n"


def test_two_different_completion_dates_are_a_conflict() -> None:
    task = (SHIPPED / "tasks" / "005.yaml").read_text(encoding="utf-8")

    def done_on(day: int) -> str:
        entry = f"  - date: 2026-11-{day:02d}\n    status: done\n"
        return _with(task, entry, status="done", completed_on=f"2026-11-{day:02d}")

    _, clean, message = _merge(task, done_on(5), done_on(6), "data/tasks/005.yaml")
    assert not clean
    assert message == 'trường "completed_on" bị sửa khác nhau ở hai nhánh (ours: "05/11/2026", theirs: "06/11/2026")'


def test_the_command_writes_the_merge_into_ours_and_honours_as_of(tmp_path: Path) -> None:
    files = {}
    ours = _with(BASE_TASK, ENTRY_5, status="in_progress")
    theirs = _with(BASE_TASK, ENTRY_9, status="in_progress")
    for label, text in (("o", BASE_TASK), ("a", ours), ("b", theirs)):
        files[label] = tmp_path / label
        files[label].write_text(text, encoding="utf-8")
    args = ["merge-driver", str(files["o"]), str(files["a"]), str(files["b"]), "7", TASK]
    late = runner.invoke(app, [*args, "--as-of", "2026-11-07"])
    assert late.exit_code == 1
    assert "09/11/2026 sau ngày đối chiếu 07/11/2026" in late.output
    assert "<<<<<<< ours" in files["a"].read_text(encoding="utf-8")
    files["a"].write_text(ours, encoding="utf-8")
    merged = runner.invoke(app, args)
    assert merged.exit_code == 0, merged.output
    assert merged.output == ""
    assert files["a"].read_text(encoding="utf-8") == _with(BASE_TASK, ENTRY_5 + ENTRY_9, status="in_progress")


INDICATORS = (SHIPPED / "indicators.yaml").read_text(encoding="utf-8")
FIGURE = "        actuals:\n          - period: 2026-Q1\n            value: 9.8\n            estimate: false\n"


def test_a_target_edited_on_one_side_and_a_figure_added_on_the_other_both_stay() -> None:
    ours = INDICATORS.replace("        target: 13\n", "        target: 12.5\n", 1)
    theirs = INDICATORS.replace("        actuals: []\n", FIGURE, 1)
    result = merge_texts(INDICATORS, ours, theirs, "data/indicators.yaml")
    assert result.clean, result.message
    grdp = IndicatorsFile.model_validate(load_fast(Path("indicators.yaml"), result.text.decode())).indicators[0]
    assert str(grdp.targets[0].target) == "12.5" and [a.period for a in grdp.targets[0].actuals] == ["2026-Q1"]


def test_a_target_removed_on_one_side_and_given_a_figure_on_the_other_is_a_conflict() -> None:
    start = INDICATORS.index("      - key: cong-nghiep-xay-dung")
    end = INDICATORS.index("      - key: dich-vu")
    ours = INDICATORS[:start] + INDICATORS[end:]
    theirs = INDICATORS[:start] + INDICATORS[start:end].replace("actuals: []\n", FIGURE[8:]) + INDICATORS[end:]
    assert theirs != INDICATORS
    result = merge_texts(INDICATORS, ours, theirs, "data/indicators.yaml")
    assert not result.clean
    assert "cong-nghiep-xay-dung bị xóa ở nhánh hiện tại (ours)" in result.message


EXTENSION = "extensions:\n  - milestone: 1\n    to: Quý II/2027\n    date: 2026-11-10\n    ref: Văn bản số 12/UBND-XD\n"
REQUEST = (
    "requests:\n  - milestone: 2\n    requested_to: Quý IV/2027\n    reason: Chờ vốn\n    received_on: 2026-11-12\n"
    "    source: Phiếu báo cáo Sở Xây dựng\n"
)


def test_an_extension_and_a_request_recorded_on_two_branches_both_stay() -> None:
    """Approved extensions and agencies' requests are lists people add to, merged entry by entry as the log is."""
    ours = BASE_TASK + EXTENSION
    theirs = BASE_TASK + REQUEST
    text, clean, message = _merge(BASE_TASK, ours, theirs)
    assert clean, message
    task = Task.model_validate(load_fast(Path(TASK), text))
    assert [(e.milestone, e.to) for e in task.extensions] == [(1, "Quý II/2027")]
    assert [(r.milestone, r.requested_to) for r in task.requests] == [(2, "Quý IV/2027")]
    assert text == format_text(text, Path(TASK))  # canonical


def test_two_extensions_of_one_milestone_on_both_branches_are_kept_in_date_order() -> None:
    later = EXTENSION.replace("Quý II/2027", "Quý III/2027").replace("2026-11-10", "2026-11-20")
    ours = BASE_TASK + EXTENSION
    theirs = BASE_TASK + later
    text, clean, message = _merge(BASE_TASK, ours, theirs)
    assert clean, message
    task = Task.model_validate(load_fast(Path(TASK), text))
    assert [(e.date, e.to) for e in task.extensions] == [
        (date(2026, 11, 10), "Quý II/2027"),
        (date(2026, 11, 20), "Quý III/2027"),
    ]
