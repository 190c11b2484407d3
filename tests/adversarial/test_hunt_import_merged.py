"""An Excel appendix whose column has several cells merged down (the header, then a deadline shared by
two tasks): every merge counts, not only the first of its column."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ctr199.appendix import read_appendix


def test_a_deadline_merged_over_two_tasks_below_a_merged_header_reaches_both(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["STT", "Nhiệm vụ", "Cơ quan thực hiện", None, "Thời hạn"])
    sheet.append([None, None, "Chủ trì", "Phối hợp", None])
    for column in "ABE":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("C1:D1")
    sheet.append(["I", "Nhóm một", None, None, None])
    sheet.append([1, "Việc một", "Sở Tài chính", None, "Quý II/2026"])
    sheet.append([2, "Việc hai", "Sở Xây dựng", None, "Tháng 12/2026"])
    sheet.append([3, "Việc ba", None, None, None])
    sheet.merge_cells("E5:E6")  # one deadline for tasks 2 and 3
    sheet.merge_cells("C5:C6")  # and one lead agency
    source = tmp_path / "phu-luc.xlsx"
    workbook.save(source)
    parsed = read_appendix(source)
    assert parsed.problems == []
    # Task 3 was read with no deadline and no lead: only the header's merge of each column counted.
    assert [(t.id, t.lead, t.deadline) for t in parsed.tasks] == [
        (1, ["Sở Tài chính"], "Quý II/2026"),
        (2, ["Sở Xây dựng"], "Tháng 12/2026"),
        (3, ["Sở Xây dựng"], "Tháng 12/2026"),
    ]
