"""`ctr199 import-appendix`: the seed's text and a Word table become the project's task files."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from typer.testing import CliRunner

from ctr199.appendix import parse_appendix_docx, read_appendix
from ctr199.cli import app
from ctr199.models import GroupsFile
from ctr199.store import load_fast

from .conftest import APPENDIX_COLUMNS, SEED, SHIPPED, read_task, tree_digest

runner = CliRunner()


def _import(*args: str) -> Any:
    return runner.invoke(app, ["import-appendix", *args])


def _data_root(tmp_path: Path) -> Path:
    """A data folder holding only the programme's identity and agency registry, as for a new programme."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copy(SHIPPED / "agencies.yaml", root / "agencies.yaml")
    shutil.copy(SHIPPED / "programme.yaml", root / "programme.yaml")
    return root


# ---------------------------------------------------------------- the seed's tab-separated appendix


def test_seed_appendix_reproduces_shipped_tasks_byte_for_byte(tmp_path: Path) -> None:
    root = _data_root(tmp_path)
    result = _import(str(SEED), "--out", str(root / "tasks"))
    assert result.exit_code == 0, result.output
    assert "75 nhiệm vụ, 9 nhóm" in result.output and "75 tệp mới" in result.output
    assert tree_digest(root / "tasks") == tree_digest(SHIPPED / "tasks")
    assert (root / "groups.yaml").read_bytes() == (SHIPPED / "groups.yaml").read_bytes()
    checked = runner.invoke(app, ["validate", str(root), "--as-of", "2026-11-28"])
    assert checked.exit_code == 0, checked.output
    assert "75 nhiệm vụ" in checked.output and "0 lỗi" in checked.output


def test_reimport_leaves_identical_files_alone(tmp_path: Path) -> None:
    root = _data_root(tmp_path)
    assert _import(str(SEED), "--out", str(root / "tasks")).exit_code == 0
    again = _import(str(SEED), "--out", str(root / "tasks"))
    assert again.exit_code == 0, again.output
    assert "0 tệp mới, 0 tệp ghi đè, 75 tệp giữ nguyên" in again.output


def test_refuses_to_overwrite_and_then_writes_nothing(tmp_path: Path) -> None:
    root = _data_root(tmp_path)
    tasks = root / "tasks"
    tasks.mkdir()
    edited = SHIPPED.joinpath("tasks", "005.yaml").read_text(encoding="utf-8").replace("not_started", "in_progress")
    (tasks / "005.yaml").write_text(edited, encoding="utf-8")
    before = tree_digest(root)

    refused = _import(str(SEED), "--out", str(tasks))
    assert refused.exit_code == 1
    assert "005.yaml" in refused.stderr and "--force" in refused.stderr
    assert tree_digest(root) == before  # not even the 74 new files, nor groups.yaml

    forced = _import(str(SEED), "--out", str(tasks), "--force")
    assert forced.exit_code == 0, forced.output
    assert "74 tệp mới, 1 tệp ghi đè" in forced.output
    assert (tasks / "005.yaml").read_bytes() == (SHIPPED / "tasks" / "005.yaml").read_bytes()


def test_files_the_appendix_does_not_have_are_listed_not_deleted(tmp_path: Path) -> None:
    root = _data_root(tmp_path)
    (root / "tasks").mkdir()
    extra = root / "tasks" / "076.yaml"
    extra.write_text("id: 76\n", encoding="utf-8")
    result = _import(str(SEED), "--out", str(root / "tasks"))
    assert result.exit_code == 0, result.output
    assert "còn tệp không có trong Phụ lục này (không xóa): 076.yaml" in result.output
    assert extra.read_text(encoding="utf-8") == "id: 76\n"


def test_a_different_groups_file_is_refused_too(tmp_path: Path) -> None:
    root = _data_root(tmp_path)
    (root / "groups.yaml").write_text("groups:\n  - id: 1\n    title: Nhóm khác\n", encoding="utf-8")
    result = _import(str(SEED), "--out", str(root / "tasks"))
    assert result.exit_code == 1
    assert "groups.yaml" in result.stderr
    assert not (root / "tasks").exists()


def test_unreadable_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("(40)\t"))
    lines[number] = lines[number].replace("(40)", "40 bis", 1)
    source = tmp_path / "appendix.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    root = _data_root(tmp_path)

    result = _import(str(source), "--out", str(root / "tasks"))
    assert result.exit_code == 1
    assert f"appendix.txt: dòng {number + 1}: không đọc được hàng: 40 bis" in result.stderr
    assert "1 hàng không đọc được" in result.stderr
    written = sorted(p.name for p in (root / "tasks").iterdir())
    assert len(written) == 74 and "040.yaml" not in written


def test_row_problems_in_the_text_form(tmp_path: Path) -> None:
    row = "\t".join(["(1)", "Nhiệm vụ", "", "Năm 2026", "Sở Tài chính", "", "UBND thành phố"])
    text = "\n".join(
        [
            "\t".join(APPENDIX_COLUMNS),
            row,  # before any group
            "1\tNhóm một",
            row,
            row,  # the same number again
            "\t".join(["(2)", "", "", "Năm 2026", "Sở Tài chính", "", ""]),  # no title
        ]
    )
    source = tmp_path / "a.txt"
    source.write_text(text, encoding="utf-8")
    parsed = read_appendix(source)
    assert [t.id for t in parsed.tasks] == [1]
    assert [str(p) for p in parsed.problems] == [
        "dòng 2: nhiệm vụ (1) nằm trước nhóm đầu tiên",
        "dòng 5: nhiệm vụ (1) lặp lại (đã có ở dòng 4)",
        "dòng 6: nhiệm vụ (2): tên nhiệm vụ (title) không được để trống",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "lưu lại dạng .docx"),
        (b"PK\x03\x04 not really a zip", "không mở được"),
        (b"STT\tNhi\xea\xf2m v\xf9\n", "không phải văn bản UTF-8"),
        ("Chỉ có chữ, không có bảng.\n".encode(), 'cần hàng tiêu đề bắt đầu bằng "STT"'),
    ],
)
def test_unreadable_sources_exit_1_without_writing(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "phu-luc.docx"
    source.write_bytes(content)
    result = _import(str(source), "--out", str(tmp_path / "data" / "tasks"))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "data").exists()


def test_damaged_word_document_exits_1(tmp_path: Path) -> None:
    whole = tmp_path / "whole.docx"
    Document().save(str(whole))
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = b"<w:document><broken" if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    result = _import(str(damaged), "--out", str(tmp_path / "tasks"))
    assert result.exit_code == 1
    assert "không mở được damaged.docx" in result.stderr and "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _import(str(tmp_path / "missing.docx"), "--out", str(tmp_path)).exit_code == 2
    assert _import(str(SEED)).exit_code == 2
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    assert _import(str(SEED), "--out", str(not_a_folder)).exit_code == 2


# ---------------------------------------------------------------- a Word table


def _fill(cells: Any, values: tuple[str, ...]) -> None:
    for cell, value in zip(cells, values, strict=True):
        cell.text = value


def _mark_header(row: Any) -> None:
    """Word's "Repeat as header row at the top of each page"."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _merged(row: Any, first: int, last: int, text: str) -> None:
    cell = row.cells[first].merge(row.cells[last])
    cell.text = text


def build_docx(path: Path) -> None:
    """An appendix as Word has it: header marked to repeat and also repeated by hand after a
    page break, a column-number row, group rows merged across columns, a sub-group row, list
    paragraphs in partner cells, a lead cell merged down two rows, and a second table."""
    document = Document()
    document.add_paragraph("PHỤ LỤC NHIỆM VỤ")
    table = document.add_table(rows=0, cols=7)
    header = table.add_row()
    _fill(header.cells, APPENDIX_COLUMNS)
    _mark_header(header)
    _fill(table.add_row().cells, tuple(f"({n})" for n in range(1, 8)))

    group = table.add_row()
    group.cells[0].text = "1"
    _merged(group, 1, 6, "Tiếp tục ưu tiên thúc đẩy tăng trưởng; tăng cường kỷ cương thu, chi ngân sách")
    _merged(table.add_row(), 0, 6, "a) Tăng cường kỷ luật, kỷ cương tài chính - ngân sách nhà nước")

    first = table.add_row()
    _fill(
        first.cells,
        ("(1)", "Xây dựng cơ chế điều tiết ngân sách & phân cấp <nguồn thu>", "Nghị quyết", "Năm 2026", "", "", ""),
    )
    partners = first.cells[5]
    partners.text = "Thuế thành phố"
    partners.add_paragraph("Các sở, ngành, địa phương", style="List Bullet")
    first.cells[6].text = "Hội đồng nhân dân thành phố"
    second = table.add_row()
    _fill(second.cells, ("(2)", "Kế hoạch đầu tư công trung hạn", "Nghị quyết", "Tháng 3/2026", "", "", ""))
    second.cells[5].text = "- Các sở, ban, ngành có liên quan: Xây dựng,"
    second.cells[5].add_paragraph("Nội vụ, Công Thương")
    second.cells[5].add_paragraph("- UBND cấp xã")
    second.cells[6].text = "UBND thành phố"
    lead = first.cells[4].merge(second.cells[4])  # one lead written once for two tasks
    lead.text = "Sở Tài chính"

    _fill(table.add_row().cells, APPENDIX_COLUMNS)  # repeated by hand after a page break
    third = table.add_row()
    _fill(
        third.cells,
        ("(3)", "Dự án đường sắt", "Bàn giao mặt bằng", "- Khởi công Quý I năm 2026;", "Sở Xây dựng", "", ""),
    )
    third.cells[3].add_paragraph("- Hoàn thành trong năm 2028.")
    third.cells[4].add_paragraph("Ban QLDA liên quan")
    third.cells[5].text = "Các sở, ban, ngành, địa phương liên quan"
    _fill(table.add_row().cells, ("", "Ghi chú: số liệu tạm tính", "", "", "", "", ""))

    document.add_page_break()
    continued = document.add_table(rows=0, cols=7)
    _fill(continued.add_row().cells, APPENDIX_COLUMNS)
    _merged(continued.add_row(), 0, 6, "2. Tiếp tục thể chế hoá các cơ chế đặc thù")
    _fill(
        continued.add_row().cells,
        ("(4)", "Triển khai cơ chế đặc thù", "Quyết định", "2026-2030", "Sở Tài chính", "", "UBND thành phố"),
    )
    document.save(str(path))


def test_docx_table_is_read_like_the_text(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.docx"
    build_docx(source)
    parsed = parse_appendix_docx(source)
    assert [str(p) for p in parsed.problems] == ["bảng 1, hàng 9: không đọc được hàng: Ghi chú: số liệu tạm tính"]
    assert [(g.id, g.title, [s.key for s in g.subgroups]) for g in parsed.groups] == [
        (1, "Tiếp tục ưu tiên thúc đẩy tăng trưởng; tăng cường kỷ cương thu, chi ngân sách", ["a"]),
        (2, "Tiếp tục thể chế hoá các cơ chế đặc thù", []),
    ]
    tasks = {task.id: task for task in parsed.tasks}
    assert sorted(tasks) == [1, 2, 3, 4]
    assert tasks[1].title == "Xây dựng cơ chế điều tiết ngân sách & phân cấp <nguồn thu>"
    assert (tasks[1].group, tasks[1].subgroup, tasks[4].group, tasks[4].subgroup) == (1, "a", 2, None)
    assert tasks[1].partners == ["Thuế thành phố", "Các sở, ngành, địa phương"]
    assert tasks[2].partners == ["Các sở, ban, ngành có liên quan: Xây dựng, Nội vụ, Công Thương", "UBND cấp xã"]
    assert tasks[1].lead == tasks[2].lead == ["Sở Tài chính"]
    assert tasks[3].lead == ["Sở Xây dựng", "Ban QLDA liên quan"]
    assert tasks[3].deadline == "- Khởi công Quý I năm 2026; - Hoàn thành trong năm 2028."
    assert tasks[3].authority == "" and tasks[3].partners == ["Các sở, ban, ngành, địa phương liên quan"]


def test_docx_import_writes_files_that_validate(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.docx"
    build_docx(source)
    root = _data_root(tmp_path)
    result = _import(str(source), "--out", str(root / "tasks"))
    assert result.exit_code == 1  # the note row could not be read
    assert "phu-luc.docx: bảng 1, hàng 9: không đọc được hàng" in result.stderr
    assert sorted(p.name for p in (root / "tasks").iterdir()) == ["001.yaml", "002.yaml", "003.yaml", "004.yaml"]
    task = read_task(root, 3)
    assert task.lead == ["Sở Xây dựng", "Ban QLDA liên quan"]
    groups = GroupsFile.model_validate(load_fast(root / "groups.yaml")).groups
    assert [g.id for g in groups] == [1, 2]
    checked = runner.invoke(app, ["validate", str(root), "--as-of", "2026-11-28"])
    assert checked.exit_code == 0, checked.output
    assert "4 nhiệm vụ" in checked.output and "0 lỗi" in checked.output
    milestones = runner.invoke(app, ["export", "-f", "json", "-d", str(root), "--as-of", "2026-01-15"])
    assert '"label": "Khởi công"' in milestones.stdout and '"due": "2028-12-31"' in milestones.stdout


def _plain(cell: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def test_seed_appendix_typed_into_word_gives_the_shipped_files(tmp_path: Path) -> None:
    """The seed's table as a Word table (headers repeated per page, merged group rows, list
    paragraphs in cells) imports to the same bytes as the text form."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("STT\t"))
    document = Document()
    table = document.add_table(rows=0, cols=7)
    for line in lines[start:]:
        if "\t" not in line:
            continue
        cells = [*line.split("\t"), *[""] * 7][:7]
        texts = [_plain(cell) for cell in cells]
        filled = [i for i, text in enumerate(texts) if text]
        row = table.add_row()
        if filled == [0, 1] and texts[0].rstrip(".").isdigit():
            row.cells[0].text = texts[0]
            _merged(row, 1, 6, texts[1])
        elif len(filled) == 1:
            _merged(row, 0, 6, texts[filled[0]])
        else:
            for cell, raw, text in zip(row.cells, cells, texts, strict=True):
                items = [_plain(item) for item in re.findall(r"<li>(.*?)</li>", raw)]
                cell.text = items[0] if items else text
                for item in items[1:]:
                    cell.add_paragraph(item)
    source = tmp_path / "phu-luc.docx"
    document.save(str(source))
    assert sum(1 for row in table.rows if row.cells[0].text == "STT") > 10

    root = _data_root(tmp_path)
    result = _import(str(source), "--out", str(root / "tasks"))
    assert result.exit_code == 0, result.output
    assert tree_digest(root / "tasks") == tree_digest(SHIPPED / "tasks")
    assert (root / "groups.yaml").read_bytes() == (SHIPPED / "groups.yaml").read_bytes()


def test_docx_with_a_task_above_its_group_reports_the_row(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=2, cols=7)
    _fill(table.rows[0].cells, APPENDIX_COLUMNS)
    _fill(table.rows[1].cells, ("(1)", "Nhiệm vụ", "", "Năm 2026", "Sở Tài chính", "", ""))
    source = tmp_path / "a.docx"
    document.save(str(source))
    assert [str(p) for p in parse_appendix_docx(source).problems] == [
        "bảng 1, hàng 2: nhiệm vụ (1) nằm trước nhóm đầu tiên"
    ]
