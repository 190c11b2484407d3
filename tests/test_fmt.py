"""`ctr199 fmt`: one canonical layout, idempotent, and never a change to what a file says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.fmt import format_text
from ctr199.models import Task
from ctr199.store import load_fast, render_task

from .conftest import SHIPPED, make_data_dir

runner = CliRunner()

CANONICAL = """\
# Ghi chú: nhiệm vụ bổ sung
id: 1
group: 5
title: Tuyến đường tốc độ cao kết nối Đông - Tây thành phố Hải Phòng
output: 'Khởi công: giai đoạn 1'
deadline: Trong năm 2026
lead:
  - Sở Xây dựng
partners:
  - Các sở, ngành, địa phương, đơn vị liên quan
authority: UBND thành phố
status: in_progress
completed_on:
completed_milestones: []
log:
  - date: 2026-03-02
    status: in_progress
    note: Đã giao Ban QLDA lập hồ sơ
    ref: Công văn số 5/SXD
"""

# The same task as a person might type it: other indentation, keys out of order, quotes where
# none are needed, a flow list, NFD text, CRLF line ends and no final newline.
HAND_WRITTEN = """\
# Ghi chú: nhiệm vụ bổ sung
---
group: 5
id: 1
title: "Tuyến đường tốc độ cao kết nối Đông - Tây thành phố Hải Phòng"
deadline: Trong năm 2026
output: 'Khởi công: giai đoạn 1'
partners: ["Các sở, ngành, địa phương, đơn vị liên quan"]
lead:
    -   Sở Xây dựng
status: in_progress
authority: UBND thành phố
completed_on:
completed_milestones: []
log:
    - {status: in_progress, date: 2026-03-02, ref: "Công văn số 5/SXD", note: Đã giao Ban QLDA lập hồ sơ}"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_shipped_data_is_already_canonical(shipped_copy: Path) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in shipped_copy.rglob("*.yaml")}
    check = runner.invoke(app, ["fmt", "--check", str(shipped_copy)])
    assert check.exit_code == 0, check.output
    assert "Đã kiểm tra 78 tệp: đều đúng bố cục chuẩn." in check.output
    assert runner.invoke(app, ["fmt", str(shipped_copy)]).exit_code == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in shipped_copy.rglob("*.yaml")} == before


def test_hand_written_file_becomes_the_canonical_one(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    nfd = unicodedata.normalize("NFD", HAND_WRITTEN).replace("\n", "\r\n")
    path = _write(root / "tasks" / "001.yaml", nfd)

    check = runner.invoke(app, ["fmt", "--check", str(root)])
    assert check.exit_code == 1
    assert "cần định dạng lại: " in check.output and "tasks/001.yaml" in check.output
    assert path.read_bytes() == nfd.encode("utf-8"), "--check writes nothing"

    assert runner.invoke(app, ["fmt", str(root)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == CANONICAL
    again = runner.invoke(app, ["fmt", "--check", str(root)])
    assert again.exit_code == 0, again.output


def test_canonical_layout_is_what_the_tool_writes() -> None:
    task = Task.model_validate(load_fast(Path("001.yaml"), CANONICAL))
    body = CANONICAL.split("\n", 1)[1]  # without the comment
    assert render_task(task) == body
    assert format_text(body, Path("tasks/001.yaml"), key_order=Task) == body


def test_comments_are_kept_and_a_file_that_would_change_meaning_is_left_alone(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    commented = _write(root / "tasks" / "001.yaml", CANONICAL.replace("lead:\n", "lead:  # cơ quan chủ trì\n", 1))
    # A plain `yes` is a boolean to the fast loader but a string to ruamel: formatting would change it.
    ambiguous = _write(
        root / "tasks" / "002.yaml", CANONICAL.replace("id: 1", "id: 2").replace("ref: Công văn số 5/SXD", "ref: yes")
    )
    before = ambiguous.read_bytes()
    result = runner.invoke(app, ["fmt", str(root)])
    assert result.exit_code == 1
    assert "002.yaml" in result.stderr and "đổi giá trị" in result.stderr
    assert ambiguous.read_bytes() == before
    assert "lead:  # cơ quan chủ trì\n" in commented.read_text(encoding="utf-8")


def test_unreadable_file_is_reported_with_its_position(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root / "tasks" / "001.yaml", "id: 1\ntitle: 'không đóng\n")
    result = runner.invoke(app, ["fmt", "--check", str(root)])
    assert result.exit_code == 1
    assert "tasks/001.yaml:2:" in result.stderr


def test_yaml_that_is_not_data_is_ignored(tmp_path: Path) -> None:
    workflow = _write(tmp_path / ".github" / "workflows" / "ci.yml", "on: [push]\njobs: {}")
    result = runner.invoke(app, ["fmt", "--check", str(workflow)])
    assert result.exit_code == 0
    assert "Đã kiểm tra 0 tệp" in result.output


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẠẢÃàáạảãệềếểễ :#-'\"/,.;!?%&*[]{}|>@`\\\n0123456789")
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(title=_TEXT.filter(lambda t: t.strip() != ""), note=_TEXT, ref=_TEXT)
@example(title="yes", note="12:30", ref="~")
@example(title="2026-03-12", note="null", ref="0x1F")
@example(title="- a", note="a: b", ref="#x")
@example(title=" lead", note="trail ", ref="dòng 1\n\n dòng 2\n")
def test_any_text_round_trips_and_formatting_is_idempotent(title: str, note: str, ref: str) -> None:
    document = CANONICAL.split("\n", 1)[1]
    task = Task.model_validate(load_fast(Path("001.yaml"), document))
    entry = task.log[0].model_copy(update={"note": note, "ref": ref})
    task = task.model_copy(update={"title": title, "log": [entry]})
    path = Path("tasks/001.yaml")
    once = format_text(render_task(task), path, key_order=Task)
    assert format_text(once, path, key_order=Task) == once
    read = Task.model_validate(load_fast(path, once))
    assert (read.title, read.log[0].note, read.log[0].ref) == (title, note, ref)


def test_shipped_data_dir_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SHIPPED / "tasks")
    result = runner.invoke(app, ["fmt", "--check"])
    assert result.exit_code == 0 and "78 tệp" in result.output
