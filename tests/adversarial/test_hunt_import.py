"""`import-appendix` on tables as staff make them: a row whose STT is not a task number names that cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctr199.appendix import read_appendix

HEADER = "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn |\n| I | Nhóm một | | |\n"


@pytest.mark.parametrize(
    ("number", "shown"),
    [("1.1", '"1.1"'), ("I.1", '"I.1"'), ("-", '"-"'), ("", "trống"), ("1a", '"1a"')],
)
def test_a_task_row_whose_stt_is_no_task_number_names_the_stt(tmp_path: Path, number: str, shown: str) -> None:
    source = tmp_path / "phu-luc.md"
    source.write_text(HEADER + f"| {number} | Việc một | Sở Tài chính | Quý II/2026 |\n", encoding="utf-8")
    parsed = read_appendix(source)
    assert parsed.tasks == []
    [problem] = [str(p) for p in parsed.problems]
    assert problem.startswith("dòng 3: không đọc được hàng: "), problem
    assert f"ô STT {shown} không phải số thứ tự nhiệm vụ" in problem, problem


def test_stt_written_stt_and_an_empty_trailing_column_are_read(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.md"
    source.write_text(
        "| Stt | Nhiệm vụ | Cơ quan chủ trì | Thời hạn | |\n| I | Nhóm | | | |\n"
        "| 1 | Việc một | Sở Tài chính | Quý II/2026 | |\n",
        encoding="utf-8",
    )
    parsed = read_appendix(source)
    assert parsed.problems == []
    assert [(t.id, t.title, t.lead, t.deadline) for t in parsed.tasks] == [
        (1, "Việc một", ["Sở Tài chính"], "Quý II/2026")
    ]
