"""Progress-report forms (phiếu báo cáo tiến độ): one workbook per lead agency, filled in and sent back.

A form lists the agency's open tasks (one row per open milestone of a task with several) with the
appendix's columns, locked, and the agency's own columns to fill in. A hidden sheet carries the
form's identity: the programme's code, the agency, the as-of date and a digest of each row's
appendix cells, so that `ctr199 collect` knows which task a row is and notices a changed row.

Nothing here reads the clock or the disk: `build_forms` takes the loaded programme, `render_form`
returns the workbook's bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from ctr199.errors import UsageError
from ctr199.models import Agency, ProgrammeFile, Status
from ctr199.output import vn_date
from ctr199.programme import Programme, TaskRecord
from ctr199.query import MilestoneState, classify, leads_of
from ctr199.text import ascii_slug, fold, neutralise, nfc

FORM_TITLE = "PHIẾU BÁO CÁO TIẾN ĐỘ THỰC HIỆN"
SHEET = "Phiếu báo cáo"
ID_SHEET = "ctr199"  # the hidden sheet with the form's identity
FORM_KIND = "ctr199-phieu-bao-cao/1"
# (heading, width in characters); the first five are the appendix's, locked; the rest the agency's.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 6),
    ("Nhiệm vụ", 44),
    ("Mốc", 18),
    ("Thời hạn", 16),
    ("Hạn", 11),
    ("Tình trạng", 16),
    ("Ngày hoàn thành", 12),
    ("Kết quả thực hiện", 34),
    ("Văn bản (số, ký hiệu)", 20),
    ("Khó khăn, vướng mắc", 26),
    ("Đề nghị gia hạn đến", 14),
    ("Lý do", 24),
)
HEADINGS = tuple(heading for heading, _ in COLUMNS)
APPENDIX_COLUMNS = 5
STATUS_CHOICES = ("Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành")
STATUS_OF_CHOICE = dict(zip(STATUS_CHOICES, (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE), strict=True))
HEADER_ROW = 7  # rows 1–6: title, programme, agency, dates, how to fill in, blank
NO_DUE = "Không thời hạn"


class FormRow(NamedTuple):
    """One open task (or one open milestone of a task with several) on a form."""

    task_id: int
    milestone: int | None  # None: the task itself (it has one milestone, or none)
    title: str
    milestone_label: str
    deadline: str
    due: date | None

    def appendix_cells(self) -> tuple[int, str, str, str, date | str]:
        """The five locked cells as written to the sheet."""
        return (
            self.task_id,
            neutralise(self.title),
            neutralise(self.milestone_label),
            neutralise(self.deadline),
            self.due if self.due is not None else NO_DUE,
        )


class Form(NamedTuple):
    programme_code: str
    programme_title: str
    agency: Agency
    as_of: date
    reply_by: date
    rows: list[FormRow]

    @property
    def file_name(self) -> str:
        return form_file_name(self.agency)


def form_file_name(agency: Agency) -> str:
    return f"phieu-bao-cao-{ascii_slug(agency.name, max_words=12) or agency.code.lower()}.xlsx"


class FormError(UsageError):
    """A request that cannot make forms (exit 2)."""


def cell_text(value: Any) -> str:
    """A cell as text for comparison: dates ISO, whole numbers without ".0", text NFC with LF line ends."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetime too: a date cell read back
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def row_digest(cells: tuple[Any, ...]) -> str:
    """SHA-256 of a row's appendix cells, as `cell_text` reads them."""
    joined = "\x1f".join(cell_text(value) for value in cells)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def open_rows(programme: Programme, as_of: date | None = None) -> dict[str, list[FormRow]]:
    """The open rows of every named lead agency (by code), in task and milestone order.

    With `as_of`, a milestone extended by then shows its new due date, and its deadline cell says so
    ("Tháng 5/2026 — Thời hạn ban đầu: …; gia hạn đến …"): the agency reports against the deadline in force.
    """
    rows: dict[str, list[FormRow]] = {}
    for record in sorted(programme.tasks, key=lambda r: r.id):
        task = record.task
        if task.status is Status.DONE:
            continue
        done = {item.milestone for item in task.completed_milestones}
        states = classify(record, as_of).milestones if as_of is not None else ()
        milestones = record.milestones
        if len(milestones) <= 1:
            items = [_form_row(record, states, None, "")]
        else:
            items = [
                _form_row(record, states, number, f"{number}. {m.label}")
                for number, m in enumerate(milestones, start=1)
                if number not in done
            ]
        codes = dict.fromkeys(lead.code for lead in leads_of(record, programme.registry) if not lead.generic)
        for code in codes:
            rows.setdefault(code, []).extend(items)
    return rows


def _form_row(record: TaskRecord, states: Sequence[MilestoneState], number: int | None, label: str) -> FormRow:
    """One row: milestone `number` (None: the task's only milestone, or none), with the due date in force."""
    task, index = record.task, (number or 1) - 1
    due = record.milestones[index].due if record.milestones else None
    deadline = task.deadline
    if index < len(states) and states[index].extended:
        due = states[index].due
        deadline = f"{task.deadline} — {states[index].extension_text}"
    return FormRow(task.id, number, task.title, label, deadline, due)


def build_forms(
    programme: Programme,
    info: ProgrammeFile,
    as_of: date,
    *,
    reply_by: date | None = None,
    agencies: list[Agency] | None = None,
) -> list[Form]:
    """A form for every named lead agency with open items (or for each of `agencies` that has some)."""
    reply_by = reply_by or as_of + timedelta(days=info.reply_days)
    if reply_by < as_of:
        raise FormError(f"--reply-by {vn_date(reply_by)} trước ngày đối chiếu {vn_date(as_of)}")
    rows = open_rows(programme, as_of)
    wanted = {agency.code for agency in agencies} if agencies is not None else set(rows)
    by_code = {agency.code: agency for agency in programme.registry.agencies}
    chosen = sorted((by_code[code] for code in wanted if code in rows), key=lambda agency: fold(agency.name))
    return [Form(info.code, info.title, agency, as_of, reply_by, rows[agency.code]) for agency in chosen]


# ---------------------------------------------------------------- the workbook


def render_form(form: Form) -> bytes:
    """The form as an .xlsx workbook."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    workbook.properties.title = f"{FORM_TITLE} — {form.agency.name}"
    workbook.properties.creator = "ctr199"
    sheet = workbook.active
    sheet.title = SHEET
    _header(sheet, form)
    _rows(sheet, form)
    _print_setup(sheet, form)
    _identity(workbook.create_sheet(ID_SHEET), form)
    # Sheets cannot be added, renamed or unhidden, nor the locked cells edited; no password: a
    # determined change is caught by the row digests anyway.
    workbook.security = WorkbookProtection(lockStructure=True)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _header(sheet: Any, form: Form) -> None:
    from openpyxl.styles import Alignment, Font

    last = len(COLUMNS)
    lines = [
        (FORM_TITLE, Font(bold=True, size=14), 22),
        (form.programme_title, Font(bold=True, size=12), 32),
        (f"Cơ quan báo cáo: {form.agency.name}", Font(bold=True, size=12), 18),
        (
            f"Tình hình tính đến ngày {vn_date(form.as_of)} — đề nghị gửi lại phiếu trước ngày "
            f"{vn_date(form.reply_by)}",
            Font(italic=True, size=11),
            18,
        ),
        (
            "Cách điền: chỉ điền các cột từ “Tình trạng” đến “Lý do”; không sửa các cột STT, Nhiệm vụ, Mốc, Thời hạn, "
            "Hạn. Ngày ghi dd/mm/yyyy. Dòng để trống là chưa có gì mới. “Đã hoàn thành” cần ngày hoàn thành; "
            "đề nghị gia hạn ghi thời hạn mới (ví dụ Quý I/2027 hoặc 31/03/2027) và lý do.",
            Font(size=10),
            42,
        ),
    ]
    for number, (text, font, height) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=neutralise(text))
        cell.font = font
        cell.alignment = Alignment(horizontal="center" if number <= 3 else "left", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=last)
        sheet.row_dimensions[number].height = height


def _rows(sheet: Any, form: Form) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    open_fill = PatternFill("solid", fgColor="FFF9DB")
    top = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")
    unlocked = Protection(locked=False)
    for number, (heading, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=number, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
        cell.fill = locked_fill if number <= APPENDIX_COLUMNS else open_fill
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    first = HEADER_ROW + 1
    for index, row in enumerate(form.rows):
        line = first + index
        for number, value in enumerate(row.appendix_cells(), start=1):
            cell = sheet.cell(row=line, column=number, value=value)
            cell.alignment = centred if number in (1, 5) else top
            cell.border = border
            cell.fill = locked_fill
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
        for number in range(APPENDIX_COLUMNS + 1, len(COLUMNS) + 1):
            cell = sheet.cell(row=line, column=number)
            cell.protection = unlocked
            cell.alignment = top
            cell.border = border
            if HEADINGS[number - 1] == "Ngày hoàn thành":
                cell.number_format = "DD/MM/YYYY"
            elif HEADINGS[number - 1] == "Đề nghị gia hạn đến":
                # Text: a date format made Excel turn "6/2027" (June) into the date 01/06/2027.
                cell.number_format = "@"
        sheet.row_dimensions[line].height = _row_height(row.appendix_cells())
    last = first + max(len(form.rows), 1) - 1
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Tình trạng",
        error="Chọn một trong: " + ", ".join(STATUS_CHOICES),
        promptTitle="Tình trạng",
        prompt="Chọn trong danh sách",
        showInputMessage=True,
    )
    status.add(f"F{first}:F{last}")
    done_on = DataValidation(
        type="date",
        operator="between",
        formula1=str(_serial(date(form.as_of.year - 5, 1, 1))),
        formula2=str(_serial(form.reply_by)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ngày hoàn thành",
        error=f"Ghi ngày dạng dd/mm/yyyy, không sau {vn_date(form.reply_by)}",
    )
    done_on.add(f"G{first}:G{last}")
    for validation in (status, done_on):
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"A{first}"
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # row heights may be changed to show long answers
    sheet.protection.formatColumns = False


def _serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _row_height(cells: tuple[Any, ...]) -> float:
    """Points for the wrapped text of the widest cell (about 1.15 characters per width unit)."""
    lines = 1
    for (_, width), value in zip(COLUMNS, cells, strict=False):
        text = value if isinstance(value, str) else ""
        per_line = max(int(width * 1.15), 1)
        count = sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))
        lines = max(lines, count)
    return max(15.0 * lines + 4, 30.0)


def _print_setup(sheet: Any, form: Form) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = f"{neutralise(form.agency.name)} — trang &P/&N"


def _identity(sheet: Any, form: Form) -> None:
    """The hidden sheet: what the form is, and which task each row is, with its digest."""
    sheet.sheet_state = "hidden"
    for key, value in (
        ("kind", FORM_KIND),
        ("programme", form.programme_code),
        ("agency_code", form.agency.code),
        ("agency", form.agency.name),
        ("as_of", form.as_of.isoformat()),
        ("reply_by", form.reply_by.isoformat()),
        ("sheet", SHEET),
        ("first_row", str(HEADER_ROW + 1)),
        ("rows", str(len(form.rows))),
    ):
        sheet.append([key, neutralise(value)])
    sheet.append(["row", "task", "milestone", "digest"])
    for index, row in enumerate(form.rows):
        milestone = "" if row.milestone is None else str(row.milestone)
        sheet.append([str(HEADER_ROW + 1 + index), str(row.task_id), milestone, row_digest(row.appendix_cells())])
    sheet.protection.sheet = True
