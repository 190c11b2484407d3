"""Build the Word templates in templates/ (brief and reminder letter, state and Party letterheads).

    python scripts/make_docx_templates.py            # rewrite templates/*.docx
    python scripts/make_docx_templates.py --out DIR  # write them elsewhere (the tests compare)

The .docx files are binary, so they are generated from this script rather than edited by hand:
a change to the layout is a reviewable diff here, and the output is byte-for-byte reproducible
(fixed zip timestamps and document properties). An office that wants its own letterhead can
open a generated file in Word, edit it, and pass it with `--template PATH`.

Layout per Decree 30/2020/NĐ-CP (Appendix I): A4, Times New Roman, body 14 pt, margins top and
bottom 20 mm, left 30 mm, right 15 mm; the issuing body top left and the national motto (or
"ĐẢNG CỘNG SẢN VIỆT NAM") top right, each with a short rule beneath; the place-and-date line in
italics; page numbers centred in the top margin from page 2; table header rows repeat on every page.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from ctr199.brief import CATEGORY_SHORT
from ctr199.query import Category

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
LEFT_W, RIGHT_W = 68, TEXT_W - 68
FIXED_TIME = datetime(2026, 1, 1)
LAYOUTS = ("state", "party")  # the built-in Word layouts a letterhead of programme.yaml names

BODY, HEADING, CELL, CELL_HEAD = "Nội dung", "Đề mục", "Bảng", "Bảng - đầu cột"


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None


Text = str | Run | Sequence[str | Run]


# ---------------------------------------------------------------- document and styles


def new_document(title: str) -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    _styles(document)
    _page_numbers(document)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "ctr199", "ctr199"
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1
    return document


def _font(style_font: object, size: float, *, bold: bool = False) -> None:
    font = style_font  # docx.text.font.Font
    font.name = FONT  # type: ignore[attr-defined]
    font.size = Pt(size)  # type: ignore[attr-defined]
    font.bold = bold  # type: ignore[attr-defined]


def _all_scripts(style: object) -> None:
    """Times New Roman for every script slot, so Vietnamese never falls back to another font."""
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)


def _styles(document: DocumentObject) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _font(normal.font, BODY_PT)
    _all_scripts(normal)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    body = styles.add_style(BODY, WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Mm(10)
    body.paragraph_format.space_before = Pt(6)
    body.paragraph_format.line_spacing = 1.15

    heading = styles.add_style(HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = body
    heading.font.bold = True
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(12)

    cell = styles.add_style(CELL, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _font(cell.font, TABLE_PT)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)

    cell_head = styles.add_style(CELL_HEAD, WD_STYLE_TYPE.PARAGRAPH)
    cell_head.base_style = cell
    cell_head.font.bold = True
    cell_head.font.size = Pt(12)
    cell_head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_numbers(document: DocumentObject) -> None:
    """Page number centred in the top margin, from the second page (Decree 30)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# ---------------------------------------------------------------- paragraphs


def _runs(text: Text) -> list[Run]:
    if isinstance(text, str):
        return [Run(text)]
    if isinstance(text, Run):
        return [text]
    return [Run(part) if isinstance(part, str) else part for part in text]


def write(paragraph: Paragraph, text: Text) -> Paragraph:
    for part in _runs(text):
        run = paragraph.add_run(part.text)
        run.bold = part.bold or None
        run.italic = part.italic or None
        run.underline = part.underline or None
        if part.size is not None:
            run.font.size = Pt(part.size)
    return paragraph


def para(
    document: DocumentObject | _Cell,
    text: Text = "",
    style: str = BODY,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
) -> Paragraph:
    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if not indent:
        paragraph.paragraph_format.first_line_indent = Mm(0)
    return write(paragraph, text)


def tag(document: DocumentObject | _Cell, jinja: str) -> None:
    """A paragraph holding only a docxtpl `{%p … %}` tag: the paragraph disappears when rendered."""
    para(document, "{%p " + jinja + " %}", "Normal")


def first_paragraph(cell: _Cell, text: Text, style: str = CELL, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    return write(paragraph, text)


def rule(container: DocumentObject | _Cell, width: float, length: float) -> None:
    """A short centred line under a heading (a bottom border on an indented paragraph), `width` wide in all."""
    paragraph = container.add_paragraph(style="Normal")
    side = Mm((width - length) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# ---------------------------------------------------------------- tables


def _fixed_widths(table: Table, widths: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _row_property(row: object, name: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement(name)
    tr_pr.append(element)


def data_table(document: DocumentObject, headers: Sequence[str], widths: Sequence[float]) -> Table:
    """A bordered table whose first row is a header repeated on every page."""
    table: Table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        first_paragraph(cell, header, CELL_HEAD)
    _row_property(table.rows[0], "w:tblHeader")
    _row_property(table.rows[0], "w:cantSplit")
    _fixed_widths(table, widths)
    return table


def new_row(table: Table) -> _Row:
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]  # unannotated in python-docx
    return row


def loop_row(table: Table, jinja: str) -> None:
    """A row holding a docxtpl `{%tr … %}` tag: the row itself disappears when rendered."""
    row = new_row(table)
    first_paragraph(row.cells[0], "{%tr " + jinja + " %}")


def data_row(table: Table, cells: Sequence[Text], *, centred: Sequence[int] = (), bold: bool = False) -> list[_Cell]:
    row = new_row(table)
    _row_property(row, "w:cantSplit")
    for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        runs = [Run(r.text, bold=bold or r.bold, italic=r.italic) for r in _runs(text)]
        first_paragraph(cell, runs, align=WD_ALIGN_PARAGRAPH.CENTER if index in centred else None)
    return list(row.cells)


def merged_row(table: Table, text: Text) -> None:
    row = new_row(table)
    _row_property(row, "w:cantSplit")
    merged = row.cells[0].merge(row.cells[-1])
    first_paragraph(merged, text)


def borderless(document: DocumentObject, widths: Sequence[float]) -> list[_Cell]:
    table = document.add_table(rows=1, cols=len(widths))
    _fixed_widths(table, widths)
    return list(table.rows[0].cells)


# ---------------------------------------------------------------- shared blocks


def letterhead(document: DocumentObject, layout: str, *, number: str, subject: str = "") -> None:
    """Issuing body (left) and motto (right), each with a rule; number, subject and place-and-date below.

    The words come from the letterhead of programme.yaml (`letterhead.*`); the layout only draws them.
    """
    left, right = borderless(document, (LEFT_W, RIGHT_W))
    centre = WD_ALIGN_PARAGRAPH.CENTER
    first_paragraph(left, Run("{{ letterhead.parent_body }}", size=12), "Normal", centre)
    para(left, Run("{{ letterhead.issuer }}", bold=True, size=12), "Normal", align=centre)
    if layout == "party":
        para(left, Run("*", size=13), "Normal", align=centre)
    else:
        rule(left, LEFT_W, 22)
    para(left, Run(number, size=13), "Normal", align=centre).paragraph_format.space_before = Pt(6)
    if subject:
        para(left, Run(subject, size=12), "Normal", align=centre)

    # The state motto's first line is set smaller than the second (Decree 30); the Party's single line is not.
    motto_size = 12 if layout == "state" else 14
    first_paragraph(right, Run("{{ letterhead.motto[0] }}", bold=True, size=motto_size), "Normal", centre)
    para(right, "{%p for line in letterhead.motto[1:] %}", "Normal", align=centre)
    para(right, Run("{{ line }}", bold=True, size=14), "Normal", align=centre)
    para(right, "{%p endfor %}", "Normal", align=centre)
    rule(right, RIGHT_W, 60 if layout == "state" else 62)
    date_line = para(right, Run("{{ place_date }}", italic=True), "Normal", align=centre)
    date_line.paragraph_format.space_before = Pt(6)


def signature(document: DocumentObject, recipients: str) -> None:
    """ "Nơi nhận" (the letterhead's list named `recipients`) on the left, the signer on the right."""
    para(document, "").paragraph_format.keep_with_next = True
    left, right = borderless(document, (80, TEXT_W - 80))
    _row_property(document.tables[-1].rows[0], "w:cantSplit")  # "Nơi nhận" and the signer on one page
    first_paragraph(left, Run("Nơi nhận:", bold=True, italic=True, size=12), "Normal")
    para(left, "{%p for r in letterhead." + recipients + " %}", "Normal")
    para(left, Run("- {{ r }}", size=11), "Normal")
    para(left, "{%p endfor %}", "Normal")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    first_paragraph(right, Run("{{ letterhead.signer_title }}", bold=True), "Normal", centre)
    para(right, "{%p if letterhead.signer_name %}", "Normal", align=centre)
    for _ in range(3):  # room for the signature and the seal
        para(right, "", "Normal", align=centre)
    para(right, Run("{{ letterhead.signer_name }}", bold=True), "Normal", align=centre)
    para(right, "{%p endif %}", "Normal", align=centre)


def items_table(document: DocumentObject, last_header: str) -> Table:
    """STT, task (with its milestone when it has several), due date and a number of days."""
    return data_table(document, ("STT", "Nhiệm vụ", "Thời hạn", last_header), (16, 98, 26, 25))


def item_rows(table: Table, loop: str, last_value: str) -> None:
    """One row of an `items_table` per item of `loop`."""
    loop_row(table, loop)
    cells = data_row(table, ("{{ i.number }}", "{{ i.title }}", "{{ i.due }}", last_value), centred=(0, 2, 3))
    optional_line(cells[1], "i.milestone")
    optional_line(cells[1], "i.extension")
    loop_row(table, "endfor")


def changes_table(document: DocumentObject, loop: str, last_header: str, last_value: str) -> None:
    """Date, STT, task and what changed: one row per change."""
    table = data_table(document, ("Ngày", "STT", "Nhiệm vụ", last_header), (26, 16, 58, 65))
    loop_row(table, loop)
    data_row(table, ("{{ c.date }}", "{{ c.number }}", "{{ c.title }}", last_value), centred=(0, 1))
    loop_row(table, "endfor")


def optional_line(cell: _Cell, value: str, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """`value` in italics on a line of its own under the cell's text; no line when it is empty."""
    para(cell, "{%p if " + value + " %}", CELL, indent=False)
    para(cell, Run("{{ " + value + " }}", italic=True), CELL, align=align, indent=False)
    para(cell, "{%p endif %}", CELL, indent=False)


def heading(document: DocumentObject, text: str) -> None:
    para(document, text, HEADING)


def lead_in(document: DocumentObject, text: Text) -> Paragraph:
    """A sub-heading or the sentence that introduces a table: kept on the page of what follows."""
    paragraph = para(document, text)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


# ---------------------------------------------------------------- the weekly brief

RANKED_KEYS = (Category.DONE_ON_TIME, Category.DONE_LATE, Category.ON_TRACK, Category.OVERDUE)


def scorecard_table(document: DocumentObject) -> None:
    """The ranking of lead agencies that opens the section on overdue work (`ctr199 scorecard`)."""
    tag(document, "if scorecard")
    lead_in(document, "Xếp hạng cơ quan chủ trì:")
    headers = ("Hạng", "Cơ quan chủ trì", "Tổng số", *[CATEGORY_SHORT[key] for key in RANKED_KEYS])
    table = data_table(document, (*headers, "Tổng số ngày quá hạn", "Tỷ lệ đúng hạn"), (15, 37, 15, *[16] * 4, 17, 17))
    loop_row(table, "for s in scorecard")
    data_row(
        table,
        (
            "{{ s.rank }}",
            "{{ s.agency }}",
            "{{ s.led }}",
            *["{{ s.by_key." + key.value + " }}" for key in RANKED_KEYS],
            "{{ s.days_overdue }}",
            "{{ s.rate }}",
        ),
        centred=(0, *range(2, 9)),
    )
    loop_row(table, "endfor")
    para(document, Run("{{ scorecard_legend }}", italic=True, size=12))
    tag(document, "endif")


def trend_block(document: DocumentObject) -> None:
    """What changed over the week (counts then and now, tasks completed, newly overdue) and the weekly chart."""
    heading(document, "THAY ĐỔI SO VỚI TUẦN TRƯỚC")
    table = data_table(
        document,
        ("Trạng thái", "Ngày {{ trend.before }}", "Ngày {{ as_of }}", "Tăng (+), giảm (−)"),
        (75, 30, 30, 30),
    )
    loop_row(table, "for c in trend.changes")
    data_row(table, ("{{ c.label }}", "{{ c.before }}", "{{ c.now }}", "{{ c.change }}"), centred=(1, 2, 3))
    loop_row(table, "endfor")
    for key, intro, date_text in (
        ("completed", "Nhiệm vụ hoàn thành trong tuần", "hoàn thành ngày"),
        ("newly_overdue", "Nhiệm vụ mới quá hạn trong tuần", "hạn"),
    ):
        tag(document, f"if trend.{key}")
        para(document, intro + " ({{ trend." + key + "|length }}):")
        tag(document, f"for t in trend.{key}")
        para(
            document,
            "- {{ t.number }} {{ t.title }} — {{ t.leads }}{% if t.date %} (" + date_text + " {{ t.date }}){% endif %}"
            "{{ '.' if loop.last else ';' }}",
        )
        tag(document, "endfor")
        tag(document, "else")
        para(document, "Không có " + intro[0].lower() + intro[1:] + ".")
        tag(document, "endif")
    tag(document, "if trend.chart")
    para(document, "{{ trend.chart }}", "Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(
        document,
        Run(
            "Số nhiệm vụ theo trạng thái cuối mỗi tuần, từ {{ trend.weeks[0].date }} đến {{ trend.weeks[-1].date }}",
            italic=True,
            size=12,
        ),
        "Normal",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    tag(document, "endif")


def brief(layout: str) -> DocumentObject:
    document = new_document("Báo cáo tuần")
    letterhead(document, layout, number="{{ letterhead.brief_number }}")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    para(document, "")
    para(document, Run("BÁO CÁO", bold=True), "Normal", align=centre)
    para(document, Run("Tình hình thực hiện {{ programme }}", bold=True), "Normal", align=centre)
    para(document, Run("{{ period.label }}", bold=True), "Normal", align=centre)
    para(
        document,
        Run("(Số liệu tính đến ngày {{ as_of }}{% if scope %}; phạm vi: {{ scope }}{% endif %})", italic=True),
        "Normal",
        align=centre,
    )
    rule(document, TEXT_W, 40)

    trend_block(document)

    heading(document, "I. KẾT QUẢ CHUNG")
    para(document, "Tổng số nhiệm vụ theo dõi: {{ counts.total }}, trong đó:")
    tag(document, "for c in counts.categories")
    para(
        document,
        "- {{ c.label }}: {{ c.count }} nhiệm vụ ({{ c.percent }})"
        "{{ ', trong đó chưa triển khai: %d' % c.not_started if c.not_started is not none else '' }}"
        "{{ '.' if loop.last else ';' }}",
    )
    tag(document, "endfor")
    lead_in(document, "Kết quả theo nhóm nhiệm vụ:")
    keys = [category.value for category in CATEGORY_SHORT]
    # The group column holds each group's full title, wrapped; the counts need little room.
    table = data_table(document, ("Nhóm nhiệm vụ", "Tổng số", *CATEGORY_SHORT.values()), (65, 15, *[17] * 5))
    loop_row(table, "for g in groups")
    data_row(
        table,
        ("{{ g.id }}. {{ g.title }}", "{{ g.total }}", *["{{ g.by_key." + key + " }}" for key in keys]),
        centred=range(1, 7),
    )
    loop_row(table, "endfor")
    data_row(
        table,
        ("Tổng cộng", "{{ counts.total }}", *["{{ counts.by_key." + key + " }}" for key in keys]),
        centred=range(1, 7),
        bold=True,
    )
    para(document, Run("Ghi chú: HT = hoàn thành.", italic=True))
    tag(document, "if extensions")
    lead_in(
        document,
        "Nhiệm vụ (mốc nhiệm vụ) được gia hạn thời hạn ({{ extensions|length }}); "
        "từ ngày gia hạn, nhiệm vụ được đánh giá theo thời hạn mới:",
    )
    table = data_table(
        document,
        ("STT", "Nhiệm vụ", "Thời hạn ban đầu", "Gia hạn đến", "Văn bản cho phép gia hạn"),
        (14, 46, 32, 32, 41),
    )
    loop_row(table, "for e in extensions")
    cells = data_row(
        table,
        (
            "{{ e.number }}",
            "{{ e.title }}",
            "{{ e.original }}",
            "{{ e.to }}",
            "{{ e.ref }} (ngày {{ e.date }}){% if e.note %}: {{ e.note }}{% endif %}",
        ),
        centred=(0, 2, 3),
    )
    optional_line(cells[1], "e.milestone")
    for cell, value in ((cells[2], "e.original_due"), (cells[3], "e.due")):  # the date on a line of its own
        para(cell, "{{ " + value + " }}", CELL, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    loop_row(table, "endfor")
    tag(document, "endif")

    heading(document, "II. NHIỆM VỤ CHƯA HOÀN THÀNH QUÁ HẠN")
    scorecard_table(document)
    tag(document, "if overdue")
    lead_in(
        document,
        "Có {{ overdue_count }} nhiệm vụ (mốc nhiệm vụ) đã quá thời hạn mà chưa hoàn thành, theo cơ quan chủ trì:",
    )
    table = items_table(document, "Số ngày quá hạn")
    loop_row(table, "for a in overdue")
    merged_row(table, Run("{{ a.agency }} ({{ a.tasks|length }} nhiệm vụ)", bold=True))
    item_rows(table, "for i in a.tasks", "{{ i.days_overdue }}")
    loop_row(table, "endfor")
    tag(document, "else")
    para(document, "Không có nhiệm vụ quá hạn.")
    tag(document, "endif")

    heading(document, "III. NHIỆM VỤ ĐẾN HẠN TRONG {{ soon_days }} NGÀY TỚI")
    tag(document, "if upcoming")
    table = data_table(
        document, ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Còn lại (ngày)"), (16, 66, 35, 26, 22)
    )
    loop_row(table, "for i in upcoming")
    cells = data_row(
        table,
        ("{{ i.number }}", "{{ i.title }}", "{{ i.leads }}", "{{ i.due }}", "{{ i.days_left }}"),
        centred=(0, 3, 4),
    )
    optional_line(cells[1], "i.milestone")
    optional_line(cells[1], "i.extension")
    loop_row(table, "endfor")
    tag(document, "else")
    para(document, "Không có nhiệm vụ đến hạn trong {{ soon_days }} ngày tới.")
    tag(document, "endif")

    heading(document, "IV. TIẾN ĐỘ TRONG KỲ")
    lead_in(document, Run("1. Cập nhật trong nhật ký tiến độ", italic=True, bold=True))
    tag(document, "if log_changes")
    changes_table(
        document,
        "for c in log_changes",
        "Nội dung cập nhật",
        "{{ c.status }}{% if c.milestone %} ({{ c.milestone }}){% endif %}"
        "{% if c.note %}: {{ c.note }}{% endif %}{% if c.ref %} ({{ c.ref }}){% endif %}",
    )
    tag(document, "else")
    para(document, "Không có cập nhật nào trong kỳ.")
    tag(document, "endif")
    lead_in(document, Run("2. Thay đổi dữ liệu ghi nhận trong lịch sử git", italic=True, bold=True))
    tag(document, "if recorded_changes is none")
    para(document, "Chưa có thông tin từ lịch sử git của thư mục dữ liệu.")
    tag(document, "elif recorded_changes")
    changes_table(
        document,
        "for c in recorded_changes",
        "Thay đổi",
        "{{ c.summary }}{% if c.author %} ({{ c.author }}){% endif %}",
    )
    tag(document, "else")
    para(document, "Không có thay đổi dữ liệu nào trong kỳ.")
    tag(document, "endif")
    tag(document, "if requests")
    lead_in(document, Run("3. Đề nghị gia hạn của các cơ quan (chờ xem xét)", italic=True, bold=True))
    changes_table(
        document,
        "for c in requests",
        "Đề nghị",
        "{% if c.milestone %}{{ c.milestone }}: {% endif %}gia hạn đến {{ c.requested_to }}"
        "{% if c.reason %} — {{ c.reason }}{% endif %}",
    )
    tag(document, "endif")

    heading(document, "V. CÁC CHỈ TIÊU CHỦ YẾU")
    tag(document, "if indicators_reported")
    table = data_table(
        document, ("STT", "Chỉ tiêu", "Kế hoạch", "Phấn đấu", "Thực hiện (số liệu mới nhất)"), (13, 67, 30, 20, 35)
    )
    loop_row(table, "for r in indicators_reported")
    cells = data_row(
        table,
        (
            "{{ r.code }}",
            "{{ r.label }}",
            "{{ r.target }}",
            "{{ r.stretch }}",
            "{{ r.latest }} ({{ r.latest_period }})",
        ),
        centred=(0, 2, 3, 4),
    )
    optional_line(cells[4], "r.judgement", WD_ALIGN_PARAGRAPH.CENTER)
    loop_row(table, "endfor")
    tag(document, "endif")
    tag(document, "if indicators_missing")
    para(document, "{{ indicators_missing }}")
    tag(document, "endif")
    tag(document, "if indicators_legend")
    para(document, Run("{{ indicators_legend }}", italic=True, size=12))
    tag(document, "endif")

    heading(document, "VI. KIẾN NGHỊ")
    tag(document, "for r in recommendations")
    para(document, "{{ loop.index }}. {{ r }}")
    tag(document, "else")
    para(document, Run("(Chưa có kiến nghị.)", italic=True))
    tag(document, "endfor")

    signature(document, "brief_recipients")
    return document


# ---------------------------------------------------------------- the reminder letter


def reminder(layout: str) -> DocumentObject:
    document = new_document("Công văn đôn đốc thực hiện nhiệm vụ")
    letterhead(
        document,
        layout,
        number="{{ letterhead.letter_number }}",
        subject="V/v đôn đốc thực hiện nhiệm vụ theo {{ short_title }} năm {{ year }}",
    )
    para(document, "")
    para(document, ["Kính gửi: ", "{{ agency }}."], "Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(document, "")
    para(
        document,
        "Thực hiện {{ programme }}, Văn phòng theo dõi, tổng hợp tình hình thực hiện nhiệm vụ của các cơ quan. "
        "Tính đến ngày {{ as_of }}, {{ agency }} còn các nhiệm vụ được giao chủ trì sau đây "
        "cần khẩn trương hoàn thành:",
    )
    tag(document, "if overdue")
    lead_in(document, Run("1. Nhiệm vụ đã quá thời hạn ({{ overdue|length }}):", bold=True))
    item_rows(items_table(document, "Số ngày quá hạn"), "for i in overdue", "{{ i.days_overdue }}")
    tag(document, "endif")
    tag(document, "if upcoming")
    lead_in(
        document,
        Run(
            "{{ 2 if overdue else 1 }}. Nhiệm vụ đến hạn trong {{ soon_days }} ngày tới ({{ upcoming|length }}):",
            bold=True,
        ),
    )
    item_rows(items_table(document, "Còn lại (ngày)"), "for i in upcoming", "{{ i.days_left }}")
    tag(document, "endif")
    para(
        document,
        "Văn phòng đề nghị {{ agency }} chỉ đạo thực hiện các nhiệm vụ nêu trên; báo cáo kết quả thực hiện, "
        "khó khăn, vướng mắc (nếu có) bằng văn bản về Văn phòng trước ngày {{ reply_by }} để tổng hợp, "
        "báo cáo {{ leadership }}./.",
    ).paragraph_format.keep_with_next = True  # the request and the signature on one page
    signature(document, "letter_recipients")
    return document


# ---------------------------------------------------------------- reproducible files


def reproducible_bytes(document: DocumentObject) -> bytes:
    """The .docx with fixed zip timestamps, so regenerating an unchanged template changes no byte."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for layout in LAYOUTS:
        for name, make in (("brief", brief), ("remind", reminder)):
            path = folder / f"{name}-{layout}.docx"
            path.write_bytes(reproducible_bytes(make(layout)))
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "templates", help="folder to write into (default: templates/)"
    )
    args = parser.parse_args()
    for path in build_all(args.out):
        print(path)


if __name__ == "__main__":
    main()
