"""Worksheets that print legibly on A4 (`print_ready`), for every workbook ctr199 writes.

`print_ready(sheet, widths, header_rows=…)` gives a filled openpyxl sheet:
- A4 landscape (paperSize 9), narrow margins, fitted to one page wide and as many pages tall as needed;
- column widths that keep the printed text at `MIN_PRINT_PT` or more once fitted to the page width:
  a column is never narrower than its longest word (so no word is cut), and the widest text columns
  give up room until the total fits `max_total_width()`;
- row heights that fit the wrapped text (openpyxl does not autofit: the lines of each cell are
  estimated from the column width and the text, by wrapping words as a spreadsheet does);
- header rows bold, repeated on every printed page, frozen on screen, with an autofilter.

The font is Times New Roman (Liberation Serif, metric-compatible, where it is not installed), set
as the workbook's default with `use_document_font`, so widths measured in digits mean the same
everywhere and no other font (Calibri, hence Carlito) is needed.

Widths are in Excel's unit, the width of the digit "0" of the default font (5.5 pt at 11 pt).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

FONT_NAME = "Times New Roman"
FONT_SIZE = 11  # points
MIN_PRINT_PT = 9  # the smallest printed size fitting to the page width may give
PAPER_A4 = 9  # SpreadsheetML paperSize code
PAGE_WIDTH_IN = 297 / 25.4  # A4 landscape
MARGIN_SIDE_IN = 0.4
MARGIN_TOP_IN = 0.6
MARGIN_HEADER_IN = 0.3
# The unit of column widths: the "0" of Times New Roman 11 pt is 0.5 em = 5.5 pt wide. LibreOffice
# prints one unit as 5.5 pt; Excel rounds it to 7 px (5.25 pt). The wider is the safe side.
DIGIT_PT = 5.5
# Where text wraps, Excel is the narrower: a column of width w is w × 7 px wide (its digit rounded to 7 px)
# less 5 px of padding, while the text's digit is really 7.33 px (0.5 em of 11 pt at 96 dpi).
# LibreOffice wraps later (5.5 pt per unit, hardly any padding), so its rows show some room to spare.
EXCEL_DIGIT_PX = 7
EXCEL_PADDING_PX = 5
TEXT_DIGIT_PX = FONT_SIZE * 0.5 * 96 / 72
LINE_PT = 13.5  # one line of 11 pt text: Times New Roman's line is 1.15 em = 12.65 pt, plus room
ROW_PADDING_PT = 3.0
MAX_ROW_PT = 409.0  # Excel's limit
SCALE_MARGIN = 0.045  # room for the spreadsheet's fitting, so the printed text stays ≥ MIN_PRINT_PT
MAX_WORD_WIDTH = 40.0  # a "word" longer than this (a URL) is left to wrap inside the cell


def max_total_width(font_size: float = FONT_SIZE) -> float:
    """The widest a sheet may be (sum of column widths) so that fitting it to the page keeps ≥ MIN_PRINT_PT."""
    printable_pt = (PAGE_WIDTH_IN - 2 * MARGIN_SIDE_IN) * 72
    # 9/11 = 81.8%, but spreadsheets do not fit exactly: LibreOffice searches the scale in steps and
    # printed a sheet of 168 units (85% in theory) at 81.7%, 8.99 pt. Whole widths and 4.5% of room
    # (165 units) printed at 85%.
    min_scale = MIN_PRINT_PT / font_size + SCALE_MARGIN
    return float(math.floor(printable_pt / min_scale / DIGIT_PT))


def text_width(text: str) -> float:
    """The width of `text` in digit widths: capitals and wide letters count more, spaces and dots less."""
    width = 0.0
    for char in text:
        if char == " ":
            width += 0.5
        elif char in ".,;:'!|iljtfr()[]/-":
            width += 0.6
        elif char in "mwMW":
            width += 1.5
        elif char.isupper():
            width += 1.35
        elif char.isdigit():
            width += 1.0
        else:
            width += 0.95  # measured on printed Vietnamese text in Liberation Serif
    return width


def lines_needed(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes in a wrapped cell `width` digits wide (words wrap, explicit line breaks kept)."""
    room = max((width * EXCEL_DIGIT_PX - EXCEL_PADDING_PX) / TEXT_DIGIT_PX, 1.0)
    factor = 1.1 if bold else 1.0
    space = text_width(" ") * factor
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            size = text_width(word) * factor
            needed = size if used == 0 else used + space + size
            if needed <= room:
                used = needed
                continue
            if used > 0:
                lines += 1
            # A word wider than the cell is broken across lines.
            extra = math.ceil(size / room) - 1 if size > room else 0
            lines += extra
            used = size - extra * room
        total += lines
    return total


def longest_word(text: str) -> float:
    return max((text_width(word) for word in text.split()), default=0.0)


def fit_widths(
    preferred: Sequence[float], cells: Sequence[Sequence[str]], *, bold_rows: int = 0, limit: float | None = None
) -> list[float]:
    """Column widths: at least each column's longest word (capped at MAX_WORD_WIDTH), at most `limit` in all.

    `cells` are the rows of text (the first `bold_rows` are bold headers). Room is taken from the widest
    columns first, never below their longest word; a sheet whose words alone exceed `limit` keeps them.
    """
    limit = max_total_width() if limit is None else limit
    floors = [0.0] * len(preferred)
    for index, row in enumerate(cells):
        factor = 1.1 if index < bold_rows else 1.0
        for column, text in enumerate(row[: len(preferred)]):
            word = min(longest_word(text) * factor, MAX_WORD_WIDTH) * TEXT_DIGIT_PX / EXCEL_DIGIT_PX
            word += EXCEL_PADDING_PX / EXCEL_DIGIT_PX
            floors[column] = max(floors[column], word)
    # Whole widths: LibreOffice fits fractional ones less tightly.
    floors = [float(math.ceil(floor)) for floor in floors]
    widths = [max(float(math.ceil(width)), floor) for width, floor in zip(preferred, floors, strict=True)]
    while sum(widths) > limit:
        slack = [(width - floor, column) for column, (width, floor) in enumerate(zip(widths, floors, strict=True))]
        room, column = max(slack)
        if room < 1:
            break
        widths[column] -= 1
    return widths


def use_document_font(workbook: Any) -> None:
    """Make Times New Roman the workbook's default font (the Normal style and unstyled cells)."""
    from openpyxl.styles import Font

    font = Font(name=FONT_NAME, size=FONT_SIZE, family=1)
    workbook._named_styles["Normal"].font = font
    workbook._fonts[0] = font


def cell_text(value: object) -> str:
    """What a cell shows, for measuring: dates as dd/mm/yyyy."""
    from datetime import date

    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def print_ready(sheet: Any, preferred: Sequence[float], *, header_rows: int = 1, title: str = "") -> list[float]:
    """Lay out a filled sheet for A4 printing and the screen (see the module's docstring); returns the widths."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = len(preferred)
    rows = [[cell_text(cell.value) for cell in row[:columns]] for row in sheet.iter_rows(max_col=columns)]
    widths = fit_widths(preferred, rows, bold_rows=header_rows)
    header_font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    for index, row in enumerate(sheet.iter_rows(max_col=columns)):
        header = index < header_rows
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if header:
                cell.font, cell.alignment = header_font, header_alignment
            lines = max(lines, lines_needed(cell_text(cell.value), width, bold=header))
        sheet.row_dimensions[index + 1].height = min(lines * LINE_PT + ROW_PADDING_PT, MAX_ROW_PT)

    last = get_column_letter(columns)
    sheet.freeze_panes = f"A{header_rows + 1}"
    sheet.auto_filter.ref = f"A{header_rows}:{last}{max(sheet.max_row, header_rows + 1)}"
    sheet.print_title_rows = f"1:{header_rows}"
    setup = sheet.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    margins = sheet.page_margins
    margins.left = margins.right = MARGIN_SIDE_IN
    margins.top = margins.bottom = MARGIN_TOP_IN
    margins.header = margins.footer = MARGIN_HEADER_IN
    sheet.print_options.horizontalCentered = True
    if title:
        sheet.oddHeader.center.text = title
        sheet.oddHeader.center.font = f"{FONT_NAME},Regular"
        sheet.oddHeader.center.size = FONT_SIZE
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = f"{FONT_NAME},Regular"
    sheet.oddFooter.center.size = FONT_SIZE
    return widths
