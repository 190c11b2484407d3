"""Git conflict markers left in a data file, made by real `git merge`s: one `merge-conflict` error naming
the conflict's lines and the way out; `fmt` and every edit refuse the file and write nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ctr199.store import YamlError, conflict_spans, load_fast, load_roundtrip

from ..conftest import tree_digest
from ..gitrepo import commit, data_repo, git
from .common import error_line, invoke

AS_OF = "2026-11-28"
HOW = (
    "chưa giải quyết: giữ một bên, xóa các dòng <<<<<<<, ======= và >>>>>>> "
    "(hoặc git checkout --ours/--theirs tệp này), rồi chạy ctr199 validate"
)


def _merge(repo: Path, branch: str) -> bool:
    """Merge `branch` into the current branch; True when git stopped on a conflict."""
    done = subprocess.run(
        ["git", "-c", "user.name=Lan", "-c", "user.email=lan@example.invalid", "merge", "--no-edit", branch],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"},
    )
    return done.returncode != 0 and "CONFLICT" in done.stdout


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _conflicted(data: Path, monkeypatch: pytest.MonkeyPatch, old: str, ours: str, theirs: str) -> Path:
    """The repository of `data` after two branches changed `old` in task 36 differently and were merged."""
    repo = data.parent
    main = git(repo, "branch", "--show-current").strip()
    task = data / "tasks" / "036.yaml"
    git(repo, "checkout", "-q", "-b", "khac")
    _edit(task, old, theirs)
    commit(repo, "Sửa ở nhánh khác")
    git(repo, "checkout", "-q", main)
    _edit(task, old, ours)
    commit(repo, "Sửa ở nhánh chính")
    assert _merge(repo, "khac")
    assert "<<<<<<<" in task.read_text(encoding="utf-8")
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def plain_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _conflicted(
        data_repo(tmp_path),
        monkeypatch,
        "output: Khởi công dự án\n",
        "output: Khởi công gói thầu 1\n",
        "output: Khởi công\n",
    )


@pytest.fixture
def quoted_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conflict falls inside a quoted value spread over lines: without the check it parses as valid YAML."""
    data = data_repo(tmp_path)
    _edit(data / "tasks" / "036.yaml", "output: Khởi công dự án\n", 'output: "Khởi công\n  dự án\n  năm 2026"\n')
    commit(data.parent, "Kết quả viết trên nhiều dòng")
    return _conflicted(data, monkeypatch, "  dự án\n", "  dự án gói 1\n", "  dự án gói 2\n")


def test_validate_names_the_conflict_lines(plain_conflict: Path) -> None:
    before = tree_digest(plain_conflict / "data")
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [f"data/tasks/036.yaml:4:1: error[merge-conflict]: còn dấu xung đột git (dòng 4–8) {HOW}"]
    assert tree_digest(plain_conflict / "data") == before


def test_markers_inside_a_quoted_value_are_caught(quoted_conflict: Path) -> None:
    text = (quoted_conflict / "data" / "tasks" / "036.yaml").read_text(encoding="utf-8")
    # Without the check, the markers would be read as part of the text:
    import yaml

    assert "<<<<<<<" in yaml.safe_load(text)["output"]
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [f"data/tasks/036.yaml:5:1: error[merge-conflict]: còn dấu xung đột git (dòng 5–9) {HOW}"]
    # The queries leave the file out and answer from the others.
    listed = invoke("list", "-d", "data", "--all", "--format", "json", "--as-of", AS_OF)
    assert listed.exit_code == 1 and '"id": 36' not in listed.stdout and '"id": 37' in listed.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["update", "36", "-s", "in_progress", "--date", "2026-03-02", "-d", "data", "--as-of", AS_OF],
        ["done", "36", "--date", "2026-03-02", "-d", "data", "--as-of", AS_OF],
        [
            "extend",
            "36",
            "--to",
            "Quý III/2026",
            "--date",
            "2026-05-01",
            "--ref",
            "QĐ 5",
            "-d",
            "data",
            "--as-of",
            AS_OF,
        ],
    ],
    ids=["update", "done", "extend"],
)
def test_edits_refuse_a_conflicted_file(plain_conflict: Path, args: list[str]) -> None:
    before = tree_digest(plain_conflict / "data")
    result = invoke(*args)
    assert result.exit_code == 1
    assert error_line(result) == (
        "Lỗi: tệp đang có lỗi, sửa tay trước (ctr199 validate): "
        f"data/tasks/036.yaml:4:1: còn dấu xung đột git (dòng 4–8) {HOW}"
    )
    assert tree_digest(plain_conflict / "data") == before


def test_fmt_refuses_a_conflicted_file(quoted_conflict: Path) -> None:
    before = tree_digest(quoted_conflict / "data")
    result = invoke("fmt", "data")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"data/tasks/036.yaml:5:1: lỗi: còn dấu xung đột git (dòng 5–9) {HOW}"]
    assert tree_digest(quoted_conflict / "data") == before


def test_resolving_with_one_side_clears_the_error(plain_conflict: Path) -> None:
    git(plain_conflict, "checkout", "--theirs", "data/tasks/036.yaml")
    assert invoke("validate", "data", "--as-of", AS_OF).exit_code == 0
    assert "output: Khởi công\n" in (plain_conflict / "data" / "tasks" / "036.yaml").read_text(encoding="utf-8")


def test_conflict_in_the_registry_refuses_new_and_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = data_repo(tmp_path)
    repo = data.parent
    main = git(repo, "branch", "--show-current").strip()
    registry = data / "agencies.yaml"
    git(repo, "checkout", "-q", "-b", "khac")
    _edit(registry, "    name: Sở Tài chính\n", "    name: Sở Tài chính thành phố\n")
    commit(repo, "Đổi tên")
    git(repo, "checkout", "-q", main)
    _edit(registry, "    name: Sở Tài chính\n", "    name: Sở Tài Chính\n")
    commit(repo, "Đổi tên khác")
    assert _merge(repo, "khac")
    monkeypatch.chdir(repo)
    before = tree_digest(data)
    result = invoke(
        "new", "--title", "Việc mới", "--group", "1", "--deadline", "Năm 2026", "--lead", "Sở Xây dựng",
        "-d", "data", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Lỗi: data/agencies.yaml:5:1: error[merge-conflict]: còn dấu xung đột git (dòng 5–9) {HOW}; "
        "danh mục cơ quan, nhóm nhiệm vụ hoặc programme.yaml đang có lỗi: chạy ctr199 validate rồi sửa trước"
    )
    assert tree_digest(data) == before
    # Every query still answers (without the registry) and says why the answer may be incomplete.
    assert invoke("overdue", "-d", "data", "--as-of", AS_OF).exit_code == 1


def test_conflict_in_indicators_refuses_indicator_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = data_repo(tmp_path)
    repo = data.parent
    main = git(repo, "branch", "--show-current").strip()
    path = data / "indicators.yaml"
    git(repo, "checkout", "-q", "-b", "khac")
    _edit(path, "        target: 13\n", "        target: 13.5\n")
    commit(repo, "Sửa mục tiêu")
    git(repo, "checkout", "-q", main)
    _edit(path, "        target: 13\n", "        target: 12\n")
    commit(repo, "Sửa mục tiêu khác")
    assert _merge(repo, "khac")
    monkeypatch.chdir(repo)
    before = tree_digest(data)
    result = invoke("indicator", "set", "7", "-p", "2026-01", "-v", "3,2", "--date", "2026-03-02", "-d", "data")
    assert result.exit_code == 1
    assert error_line(result).startswith(
        "Lỗi: data/indicators.yaml:15:1: error[merge-conflict]: còn dấu xung đột git (dòng 15–19)"
    )
    assert tree_digest(data) == before


# ---------------------------------------------------------------- the check itself


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("a: 1\n<<<<<<< HEAD\nb: 1\n=======\nb: 2\n>>>>>>> x\n", [(2, 6)]),
        (
            "<<<<<<< HEAD\na\n||||||| base\nb\n=======\nc\n>>>>>>> x\nd\n<<<<<<< HEAD\ne\n=======\n>>>>>>> y\n",
            [(1, 7), (9, 12)],
        ),
        ("a: 1\n=======\n", [(2, 2)]),  # a marker left alone after a half-done resolution
        ("a: 1\r\n<<<<<<< HEAD\r\nb: 1\r\n=======\r\n>>>>>>> x\r\n", [(2, 5)]),
        ("a: '======= not at the start'\nb: x <<<<<<< y\n", []),
        ("a: |\n  =======\n", []),  # indented: part of a block value, not git's
    ],
)
def test_conflict_spans(text: str, spans: list[tuple[int, int]]) -> None:
    assert conflict_spans(text) == spans


@pytest.mark.parametrize("load", [load_fast, load_roundtrip], ids=["fast", "roundtrip"])
def test_both_readers_refuse_markers(load: object) -> None:
    text = 'a: "x\n<<<<<<< HEAD\ny\n=======\nz\n>>>>>>> b"\n'
    with pytest.raises(YamlError) as caught:
        load(Path("x.yaml"), text)  # type: ignore[operator]
    assert (caught.value.code, caught.value.line, caught.value.col) == ("merge-conflict", 2, 1)
