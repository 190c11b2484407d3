"""`import-appendix` on a second programme (a Government-style table: another column order, Roman
sections, tasks numbered "1."), in every source format; and the rules for columns and sections."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook
from typer.testing import CliRunner

from ctr199.appendix import AppendixError, ParsedAppendix, read_appendix
from ctr199.cli import app

from .conftest import FIXTURES

runner = CliRunner()
GOVERNMENT = FIXTURES / "programmes" / "chinh-phu-2027" / "phu-luc.md"


def government_table() -> tuple[list[str], list[list[str]]]:
    """The fixture's heading lines and table rows (header first), read with plain string methods."""
    heading: list[str] = []
    rows: list[list[str]] = []
    for line in GOVERNMENT.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            cells = [cell.strip().replace("<br>", "\n") for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= {"-"} for cell in cells):
                rows.append(cells)
        elif not rows and line.strip():
            heading.append(line.lstrip("# ").strip())
    return heading, rows


def _is_section(cells: list[str]) -> bool:
    return not any(cells[2:])


def write_docx(path: Path) -> None:
    """Heading paragraphs, then one table: section titles merged across columns, a lead written once
    and merged down over the rows that share it, list paragraphs in a cell."""
    heading, rows = government_table()
    document = Document()
    for line in heading:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(rows[0]))
    previous: Any = None
    for cells in rows:
        row = table.add_row()
        if _is_section(cells):
            row.cells[0].text = cells[0]
            merged = row.cells[1].merge(row.cells[-1])
            merged.text = cells[1]
            previous = None
            continue
        for index, value in enumerate(cells):
            lines = value.split("\n")
            row.cells[index].text = lines[0]
            for line in lines[1:]:
                row.cells[index].add_paragraph(line)
        if previous is not None and previous[1] == cells[2]:  # the same lead as the row above: merge down
            previous[0].merge(row.cells[2]).text = cells[2]
        previous = (row.cells[2], cells[2])
    document.save(str(path))


def write_xlsx(path: Path) -> None:
    heading, rows = government_table()
    workbook = Workbook()
    sheet = workbook.active
    for line in heading:
        sheet.append([line])
    first_table_row = sheet.max_row + 1
    for cells in rows:
        sheet.append(cells)
    for offset, cells in enumerate(rows):
        number = first_table_row + offset
        if _is_section(cells):
            sheet.merge_cells(start_row=number, start_column=2, end_row=number, end_column=len(cells))
        elif offset + 1 < len(rows) and rows[offset + 1][2] == cells[2] and not _is_section(rows[offset + 1]):
            sheet.cell(row=number + 1, column=3).value = None
            sheet.merge_cells(start_row=number, start_column=3, end_row=number + 1, end_column=3)
    workbook.save(str(path))


def write_delimited(path: Path, delimiter: str) -> None:
    heading, rows = government_table()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for line in heading:
            writer.writerow([line])
        writer.writerows(rows)


def government_sources(folder: Path) -> dict[str, Path]:
    sources = {"md": GOVERNMENT}
    sources["docx"] = folder / "phu-luc.docx"
    write_docx(sources["docx"])
    sources["xlsx"] = folder / "phu-luc.xlsx"
    write_xlsx(sources["xlsx"])
    sources["csv"] = folder / "phu-luc.csv"
    write_delimited(sources["csv"], ",")
    sources["tsv"] = folder / "phu-luc.tsv"
    write_delimited(sources["tsv"], "\t")
    return sources


def _content(parsed: ParsedAppendix) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return [task.model_dump() for task in parsed.tasks], [group.model_dump() for group in parsed.groups]


def test_the_same_table_gives_the_same_tasks_from_every_format(tmp_path: Path) -> None:
    sources = government_sources(tmp_path)
    parsed = {kind: read_appendix(path) for kind, path in sources.items()}
    for kind, result in parsed.items():
        assert result.problems == [], kind
        assert _content(result) == _content(parsed["md"]), kind
        assert [c.columns for c in result.columns] == [parsed["md"].columns[0].columns], kind

    md = parsed["md"]
    assert [task.id for task in md.tasks] == list(range(1, 21))
    assert [(g.id, g.title, g.subgroups) for g in md.groups] == [
        (1, "HOÀN THIỆN THỂ CHẾ, CẢI THIỆN MÔI TRƯỜNG KINH DOANH", []),
        (2, "PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ VÀ CHUYỂN ĐỔI SỐ", []),
        (3, "PHÁT TRIỂN VĂN HÓA, XÃ HỘI; BẢO ĐẢM QUỐC PHÒNG, AN NINH", []),
    ]
    tasks = {task.id: task for task in md.tasks}
    assert [tasks[n].group for n in (1, 7, 8, 13, 14, 20)] == [1, 1, 2, 2, 3, 3]
    assert tasks[2].lead == ["Bộ Tài chính", "Bộ Công Thương"]
    assert tasks[5].lead == ["Văn phòng Chính phủ", "Bộ Công an"]
    assert tasks[8].lead == ["Bộ Khoa học và Công nghệ", "các địa phương"]
    assert tasks[14].lead == ["Bộ Văn hóa, Thể thao và Du lịch"]
    assert tasks[3].title == "Xây dựng Luật sửa đổi Luật Đất đai"  # footnote mark gone
    assert tasks[11].lead == ["Bộ Tài chính"]  # stray space gone
    assert tasks[4].partners == ["Bộ Công an", "Bộ Khoa học và Công nghệ"]  # two paragraphs, two items
    assert tasks[10].lead == ["Bộ Khoa học và Công nghệ"]  # merged down in Word and Excel
    assert (tasks[1].output, tasks[1].deadline, tasks[1].authority) == ("Nghị định của Chính phủ", "Quý II/2027", "")
    assert "CHƯƠNG TRÌNH HÀNH ĐỘNG" in md.preamble and "CHƯƠNG TRÌNH HÀNH ĐỘNG" in parsed["docx"].preamble


def test_the_run_prints_the_column_mapping(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.xlsx"
    write_xlsx(source)
    result = runner.invoke(app, ["import-appendix", str(source), "--out", str(tmp_path / "data" / "tasks")])
    assert result.exit_code == 0, result.output
    assert (
        'STT ← cột 1 "TT"; Nhiệm vụ ← cột 2 "Tên nhiệm vụ"; Kết quả/Sản phẩm ← cột 5 "Kết quả"; '
        'Thời hạn ← cột 6 "Thời gian hoàn thành"; Cơ quan chủ trì ← cột 3 "Cơ quan chủ trì"; '
        'Cơ quan phối hợp ← cột 4 "Cơ quan phối hợp"; Thẩm quyền: không có'
    ) in result.stdout
    assert "Đã đọc 20 nhiệm vụ, 3 nhóm" in result.stdout


# ---------------------------------------------------------------- columns and sections, in text form


def _parse(tmp_path: Path, text: str, name: str = "a.md") -> ParsedAppendix:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return read_appendix(source)


def _md(*rows: str) -> str:
    return "\n".join(rows) + "\n"


HEADER = "| Số TT | Nội dung nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Sản phẩm | Tiến độ | Cấp trình |"


def test_roman_groups_with_arabic_subsections(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        _md(
            HEADER,
            "| I. | Thể chế | | | | | |",
            "| 1 | Lĩnh vực tài chính | | | | | |",
            "| (1) | Việc một | Bộ Tài chính | | Nghị định | Năm 2027 | Chính phủ |",
            "| 2 | Lĩnh vực tư pháp | | | | | |",
            "| (2) | Việc hai | Bộ Tư pháp | | Luật | Năm 2027 | Quốc hội |",
            "| II. | Xã hội | | | | | |",
            "| (3) | Việc ba | Bộ Y tế | | Đề án | Năm 2027 | Thủ tướng Chính phủ |",
        ),
    )
    assert parsed.problems == []
    assert [(g.id, g.title, [(s.key, s.title) for s in g.subgroups]) for g in parsed.groups] == [
        (1, "Thể chế", [("1", "Lĩnh vực tài chính"), ("2", "Lĩnh vực tư pháp")]),
        (2, "Xã hội", []),
    ]
    assert [(t.id, t.group, t.subgroup, t.authority) for t in parsed.tasks] == [
        (1, 1, "1", "Chính phủ"),
        (2, 1, "2", "Quốc hội"),
        (3, 2, None, "Thủ tướng Chính phủ"),
    ]


def test_letter_sections_and_a_third_level_is_reported(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        _md(
            HEADER,
            "| A. | Phần một | | | | | |",
            "| I. | Mục một | | | | | |",
            "| 1. | Tiểu mục | | | | | |",
            "| 1) | Việc một | Bộ Tài chính | | Nghị định | Năm 2027 | |",
        ),
    )
    assert [str(p) for p in parsed.problems] == [
        'dòng 4: mục 1 là cấp thứ ba (sau nhóm "A." và tiểu mục "I."); groups.yaml chỉ có hai cấp nên mục '
        "này không được lưu, các nhiệm vụ dưới nó thuộc tiểu mục đang có"
    ]
    assert [(t.id, t.group, t.subgroup) for t in parsed.tasks] == [(1, 1, "I")]


def test_a_title_only_row_is_not_guessed_when_tasks_are_numbered_like_sections(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        _md(
            HEADER,
            "| I. | Thể chế | | | | | |",
            "| 1. | Việc một | Bộ Tài chính | | Nghị định | Năm 2027 | |",
            "| 2. | Việc hai, chưa điền các ô | | | | | |",
            "| (3) | Việc ba | Bộ Tài chính | | Nghị định | Năm 2027 | |",
        ),
    )
    assert [t.id for t in parsed.tasks] == [1]
    messages = [str(p) for p in parsed.problems]
    assert messages[0].startswith('dòng 4: hàng "2. Việc hai, chưa điền các ô" chỉ có tên, không có ô nào khác')
    assert messages[1] == 'dòng 5: nhiệm vụ (3) đánh số khác kiểu "1." của các nhiệm vụ trong bảng'


def test_bold_marks_footnotes_and_columns_in_any_order(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        _md(
            "| Thời hạn | Cơ quan chủ trì | STT | Nhiệm vụ |",
            "| --- | :---: | ---: | --- |",
            "| | | **1** | **Nhóm một** |",
            "| Quý II/2027 | Sở  Tài chính² | (1) | **Việc** một  |",
        ),
    )
    assert parsed.problems == []
    task = parsed.tasks[0]
    assert (task.title, task.lead, task.deadline, task.output) == ("Việc một", ["Sở Tài chính"], "Quý II/2027", "")
    assert (
        parsed.columns[0]
        .describe()
        .startswith('STT ← cột 3 "STT"; Nhiệm vụ ← cột 4 "Nhiệm vụ"; Kết quả/Sản phẩm: không có')
    )


def test_an_unknown_heading_is_reported_never_guessed(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        "TT,Tên nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành,Ghi chú\n"
        "I.,Nhóm một,,,\n"
        "1.,Việc một,Bộ Tài chính,Năm 2027,Đã có dự thảo\n"
        "2.,Việc hai,Bộ Tư pháp,Năm 2027,\n",
        "a.csv",
    )
    assert [t.id for t in parsed.tasks] == [1, 2]
    assert 'cột 5 "Ghi chú": không nhận ra, không đọc' in parsed.columns[0].describe()
    assert [str(p) for p in parsed.problems] == [
        'dòng 1: cột 5 "Ghi chú" không phải cột nào của nhiệm vụ; 1 ô có nội dung không được nhập '
        "(đổi tiêu đề cột nếu đó là một cột của Phụ lục, hoặc xóa cột)"
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("TT;Kết quả;Sản phẩm;Tên nhiệm vụ", 'cột 2 "Kết quả" và cột 3 "Sản phẩm" cùng là cột Kết quả/Sản phẩm'),
        ("TT;Việc cần làm;Thời hạn", 'không thấy cột Nhiệm vụ (tên nhiệm vụ); không nhận ra: "Việc cần làm"'),
    ],
)
def test_a_header_that_cannot_be_used_stops_the_import(tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(AppendixError, match=re.escape(message)):
        _parse(tmp_path, header + "\n1.;Việc;Năm 2027;\n", "a.csv")


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"])
def test_a_damaged_workbook_is_one_line_and_exit_1(tmp_path: Path, part: str) -> None:
    import zipfile

    whole = tmp_path / "whole.xlsx"
    write_xlsx(whole)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            target.writestr(item, b"<broken" if item.filename == part else source.read(item))
    result = runner.invoke(app, ["import-appendix", str(damaged), "--out", str(tmp_path / "data" / "tasks")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: không mở được damaged.xlsx như tệp Excel .xlsx")
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('1.,"Việc một,Bộ Tài chính,Năm 2027', 'dòng 3: không đọc được tệp CSV: dấu ngoặc kép (") mở ô mà không đóng'),
        ('1.,"Việc" một,Bộ Tài chính,Năm 2027', "dòng 3: không đọc được tệp CSV: sau dấu ngoặc kép"),
    ],
)
def test_a_quote_left_open_in_csv_stops_the_import(tmp_path: Path, row: str, message: str) -> None:
    """Read loosely, the open quote would make one cell of every row after it: a silent loss."""
    text = f"TT,Tên nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\nI.,Nhóm,,\n{row}\n2.,Việc hai,Bộ Tư pháp,Năm 2027\n"
    with pytest.raises(AppendixError, match=re.escape(message)):
        _parse(tmp_path, text, "a.csv")


def test_a_letterhead_table_above_the_heading_in_word(tmp_path: Path) -> None:
    """Vietnamese documents often set the letterhead as a table: the heading under it still counts."""
    from ctr199.scaffold import heading_title

    document = Document()
    letterhead = document.add_table(rows=1, cols=2)
    letterhead.rows[0].cells[0].text = "BỘ TÀI CHÍNH"
    letterhead.rows[0].cells[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai Nghị quyết số 57-NQ/TW năm 2027")
    table = document.add_table(rows=3, cols=4)
    rows = [
        ("STT", "Nhiệm vụ", "Thời hạn", "Cơ quan chủ trì"),
        ("I.", "Nhóm", "", ""),
        ("1.", "Việc", "Năm 2027", "Vụ A"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Nơi nhận: như trên.")  # below the table: not part of the heading
    source = tmp_path / "ke-hoach.docx"
    document.save(str(source))
    parsed = read_appendix(source)
    assert (parsed.problems, [t.id for t in parsed.tasks]) == ([], [1])
    assert heading_title(parsed.preamble) == "Kế hoạch triển khai Nghị quyết số 57-NQ/TW năm 2027"
    assert "Nơi nhận: như trên." not in parsed.preamble


def test_excel_unicode_text_utf16_reads_like_utf8(tmp_path: Path) -> None:
    utf8 = tmp_path / "phu-luc.tsv"
    write_delimited(utf8, "\t")
    utf16 = tmp_path / "phu-luc-unicode.txt"
    utf16.write_bytes(utf8.read_bytes().decode("utf-8").encode("utf-16"))
    assert _content(read_appendix(utf16)) == _content(read_appendix(utf8))


def test_a_header_of_two_rows(tmp_path: Path) -> None:
    """ "Cơ quan thực hiện" merged over "Chủ trì" | "Phối hợp", as Government appendices often have it."""
    document = Document()
    table = document.add_table(rows=4, cols=6)
    top = ("TT", "Tên nhiệm vụ", "Cơ quan thực hiện", "", "Sản phẩm", "Thời hạn")
    for cell, value in zip(table.rows[0].cells, top, strict=True):
        cell.text = value
    table.rows[0].cells[2].merge(table.rows[0].cells[3]).text = "Cơ quan thực hiện"
    for index in (0, 1, 4, 5):  # merged down over the second header row
        table.rows[0].cells[index].merge(table.rows[1].cells[index])
    table.rows[1].cells[2].text = "Chủ trì"
    table.rows[1].cells[3].text = "Phối hợp"
    for row, values in zip(
        table.rows[2:],
        [("I.", "Nhóm", "", "", "", ""), ("1.", "Việc", "Bộ Tài chính", "Bộ Tư pháp", "Nghị định", "Năm 2027")],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    source = tmp_path / "a.docx"
    document.save(str(source))
    parsed = read_appendix(source)
    assert parsed.problems == []
    task = parsed.tasks[0]
    assert (task.lead, task.partners, task.output, task.deadline) == (
        ["Bộ Tài chính"],
        ["Bộ Tư pháp"],
        "Nghị định",
        "Năm 2027",
    )
    assert len(parsed.columns) == 1
    assert 'Cơ quan chủ trì ← cột 3 "Cơ quan thực hiện / Chủ trì"' in parsed.columns[0].describe()
    assert "không nhận ra" not in parsed.columns[0].describe()


def test_text_under_a_column_without_heading_is_reported(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        _md(
            "| TT | Tên nhiệm vụ | | Thời hạn |",
            "| I. | Nhóm | | |",
            "| 1. | Việc | Bộ Tài chính | Năm 2027 |",
        ),
    )
    assert [str(p) for p in parsed.problems] == [
        "dòng 1: cột 3 không có tiêu đề; 1 ô có nội dung không được nhập "
        "(đổi tiêu đề cột nếu đó là một cột của Phụ lục, hoặc xóa cột)"
    ]
