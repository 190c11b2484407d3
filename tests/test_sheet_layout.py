"""`ctr199.sheet_layout`: print-ready sheets (A4 landscape, widths that keep ≥ 9 pt, row heights that fit)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from ctr199.export import render_xlsx
from ctr199.loading import load_programme
from ctr199.query import Filters, select
from ctr199.sheet_layout import (
    DIGIT_PT,
    FONT_NAME,
    LINE_PT,
    MARGIN_SIDE_IN,
    MIN_PRINT_PT,
    PAGE_WIDTH_IN,
    cell_text,
    fit_widths,
    lines_needed,
    longest_word,
    max_total_width,
    print_ready,
    use_document_font,
)

from .conftest import SHIPPED

AS_OF = date(2026, 11, 28)


def test_the_width_budget_keeps_nine_points_when_fitted_to_an_a4_landscape_page() -> None:
    printable_pt = (PAGE_WIDTH_IN - 2 * MARGIN_SIDE_IN) * 72  # 784 pt
    scale = printable_pt / (max_total_width() * DIGIT_PT)
    assert 11 * scale >= MIN_PRINT_PT + 0.3  # room for the spreadsheet's own rounding
    assert max_total_width() == 165


def test_lines_needed_wraps_words_and_keeps_line_breaks() -> None:
    assert lines_needed("", 10) == 1
    assert lines_needed("Sở Tài chính", 30) == 1
    assert lines_needed("Sở Tài chính", 8) == 2  # "Sở Tài" / "chính"
    assert lines_needed("Sở Tài chính\nSở Nội vụ", 30) == 2
    assert lines_needed("x" * 25, 11) == 3  # a word wider than the cell is broken: 10 + 10 + 5
    long = "Xây dựng cơ chế điều tiết ngân sách; phân cấp nguồn thu, nhiệm vụ chi " * 3
    assert lines_needed(long, 20) > lines_needed(long, 40) > lines_needed(long, 80)


def test_fit_widths_takes_room_from_the_widest_columns_never_below_a_word() -> None:
    cells = [["STT", "Nhiệm vụ", "Trạng thái"], ["1", "Một nhiệm vụ dài " * 20, "quá hạn"]]
    widths = fit_widths([5, 150, 40], cells, bold_rows=1, limit=100)
    assert sum(widths) <= 100
    assert widths == [6, 54, 40]  # "STT" in bold needs 6; the widest column gave up the room
    for column, width in enumerate(widths):
        assert width >= max(longest_word(row[column]) for row in cells)
    # Words alone wider than the limit are kept whole.
    assert fit_widths([3, 3], [["Thườngxuyên", "Thườngxuyên"]], limit=4) == [13.0, 13.0]


def test_print_ready_sets_up_an_a4_landscape_page() -> None:
    workbook = Workbook()
    use_document_font(workbook)
    sheet = workbook.active
    sheet.append(["STT", "Nhiệm vụ"])
    sheet.append([1, "Một hai ba bốn năm sáu bảy tám chín mười " * 4])
    widths = print_ready(sheet, [5, 20], title="Tiêu đề")
    stream = io.BytesIO()
    workbook.save(stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"
    assert sheet.row_dimensions[2].height >= lines_needed(str(sheet["B2"].value), widths[1]) * LINE_PT >= 4 * LINE_PT
    assert sheet["A1"].font.b and sheet["A1"].font.name == FONT_NAME
    assert "Tiêu đề" in sheet.oddHeader.center.text


def test_the_export_prints_legibly(tmp_path: Path) -> None:
    programme, _ = load_programme(SHIPPED, as_of=AS_OF)
    data = render_xlsx(select(programme, Filters(), AS_OF), AS_OF, programme.identity)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook._fonts[0].name == FONT_NAME  # the default font: no Calibri (no Carlito) needed
    for sheet in workbook.worksheets:
        columns = sheet.max_column
        widths = [sheet.column_dimensions[get_column_letter(n)].width for n in range(1, columns + 1)]
        assert sum(widths) <= max_total_width(), sheet.title
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
        for number, row in enumerate(sheet.iter_rows(), start=1):
            height = sheet.row_dimensions[number].height
            for cell, width in zip(row, widths, strict=True):
                text = cell_text(cell.value)
                # No word wider than its column, so none is cut; every wrapped line has room.
                assert longest_word(text) <= width, (sheet.title, cell.coordinate, text)
                assert height >= lines_needed(text, width, bold=number == 1) * LINE_PT, cell.coordinate
