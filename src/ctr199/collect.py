"""Returned progress forms back into the task files (`ctr199 collect`).

Every form is read (`workbook.open_workbook`: values only, hostile files refused), every row is
checked, and every row is applied to the task text in memory with the rules of `ctr199 update`
(`edit.apply_update`). Only when no file, sheet, row or cell has a problem is anything written:
all task files, each atomically, and on a failure midway the files already written are put back.
Collecting a form a second time adds nothing: each log entry and request it adds names the form
(`source`), and an entry of the same form, milestone and status is not added again.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ctr199.edit import (
    EditRefused,
    ProgressUpdate,
    add_request,
    apply_update,
    check_tree,
    checked_task_text,
    edit_programme,
)
from ctr199.errors import DataError
from ctr199.forms import (
    APPENDIX_COLUMNS,
    FORM_KIND,
    HEADER_ROW,
    HEADINGS,
    ID_SHEET,
    SHEET,
    cell_text,
    open_rows,
    row_digest,
)
from ctr199.models import Agency, ExtensionRequest, LogEntry, Status, Task
from ctr199.output import vn_date
from ctr199.programme import Programme, TaskRecord
from ctr199.query import leads_of
from ctr199.report import display_path
from ctr199.store import DataDir, atomic_write, unchanged_since_read
from ctr199.text import fold, forbidden_char
from ctr199.workbook import MAX_ROWS, SAVE_AS, WorkbookRefused, open_workbook

MAX_CELL = 4_000
_COLUMN_LETTERS = "ABCDEFGHIJKL"
# "Phiếu báo cáo Sở Xây dựng tính đến 23/11/2026, nhận 30/11/2026"
_SOURCE = re.compile(
    r"^Phiếu báo cáo (?P<agency>.+) tính đến (?P<as_of>\d\d/\d\d/\d{4}), nhận (?P<received>\d\d/\d\d/\d{4})$"
)
_TEXT_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")


class CollectRefused(DataError):
    """Nothing can be collected at all (the data itself is broken): exit 1."""


@dataclass
class Problem:
    """Why a form, or one row of it, cannot be applied; names the file, sheet, row and cell."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"trang “{self.sheet}”")
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.cell is not None:
            where.append(f"ô {self.cell}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class _Row:
    """One filled-in row, as the form says it (not yet checked against the task file)."""

    line: int
    task_id: int
    milestone: int | None
    status: Status | None
    on: date | None  # Ngày hoàn thành
    note: str
    ref: str
    requested_to: str
    reason: str


@dataclass
class FormReport:
    """One form: whose, of when, and what became of its rows."""

    path: Path
    agency: Agency | None = None
    as_of: date | None = None
    rows: list[_Row] = field(default_factory=list)
    applied: int = 0  # rows that add a log entry
    already: int = 0  # rows (or requests) this form had already brought
    requests: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        assert self.agency is not None and self.as_of is not None
        return f"Phiếu báo cáo {self.agency.name} tính đến {vn_date(self.as_of)}"


@dataclass
class TaskChange:
    """What collecting does to one task file."""

    task_id: int
    path: Path
    title: str
    before: str
    after: str
    status_before: Status
    status_after: Status
    entries: list[LogEntry] = field(default_factory=list)
    requests: list[ExtensionRequest] = field(default_factory=list)


@dataclass
class CollectResult:
    forms: list[FormReport]
    changes: list[TaskChange]
    since: date | None
    silent: list[Agency]  # lead agencies with open items that sent nothing since `since`
    written: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [problem for form in self.forms for problem in form.problems]


def source_of(label: str, received: date) -> str:
    return f"{label}, nhận {vn_date(received)}"


# ---------------------------------------------------------------- reading a form


def read_form(path: Path, report: FormReport, programme: Programme, as_of: date) -> None:
    """Fill `report` with the form's agency, date and filled-in rows, or with its problems."""
    name = display_path(path)
    try:
        workbook = open_workbook(path)
    except WorkbookRefused as exc:
        report.problems.append(Problem(name, str(exc)))
        return
    try:
        _read_workbook(workbook, name, report, programme, as_of)
    except Exception as exc:  # a damaged part found while the sheets stream in (bad XML, a missing part)
        report.rows.clear()
        report.problems.append(Problem(name, f"tệp .xlsx hỏng, không đọc được ({type(exc).__name__}); {SAVE_AS}"))
    finally:
        workbook.close()


def _read_workbook(workbook: Any, name: str, report: FormReport, programme: Programme, as_of: date) -> None:
    if ID_SHEET not in workbook.sheetnames:
        report.problems.append(
            Problem(name, "không phải phiếu báo cáo do ctr199 lập (thiếu trang ẩn “ctr199”); dùng đúng phiếu đã gửi")
        )
        return
    identity, rows = _identity(workbook[ID_SHEET], name, report)
    if identity is None:
        return
    info = programme.info
    if info is None or identity.get("programme") != info.code:
        mine = info.code if info is not None else "(chưa có programme.yaml)"
        report.problems.append(
            Problem(name, f"phiếu của chương trình khác (mã “{identity.get('programme')}”, không phải “{mine}”)")
        )
        return
    agency = next((a for a in programme.registry.agencies if a.code == identity.get("agency_code")), None)
    if agency is None:
        report.problems.append(
            Problem(name, f"cơ quan mã “{identity.get('agency_code')}” của phiếu không có trong agencies.yaml")
        )
        return
    try:
        form_as_of = date.fromisoformat(identity.get("as_of", ""))
        first_row = int(identity.get("first_row", ""))
    except ValueError:
        report.problems.append(Problem(name, "trang ẩn “ctr199” bị sửa (ngày hoặc dòng đầu không đọc được)"))
        return
    report.agency, report.as_of = agency, form_as_of
    if form_as_of > as_of:
        report.problems.append(
            Problem(name, f"phiếu tính đến {vn_date(form_as_of)}, sau ngày đối chiếu {vn_date(as_of)} (--as-of)")
        )
        return
    sheet_name = identity.get("sheet", "")
    if sheet_name not in workbook.sheetnames:
        report.problems.append(Problem(name, f"không thấy trang “{sheet_name}” của phiếu (trang bị đổi tên hoặc xóa)"))
        return
    _read_rows(workbook, workbook[sheet_name], name, sheet_name, first_row, rows, report)


def _identity(
    sheet: Any, name: str, report: FormReport
) -> tuple[dict[str, str] | None, list[tuple[int, int, int | None, str]]]:
    """The key/value lines of the hidden sheet, and its rows: (sheet row, task, milestone, digest)."""
    values: dict[str, str] = {}
    rows: list[tuple[int, int, int | None, str]] = []
    in_rows = False
    broken = Problem(
        name, "trang ẩn “ctr199” bị sửa; dùng đúng phiếu đã gửi hoặc lập phiếu mới (ctr199 forms)", ID_SHEET
    )
    for cells in sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 20, max_col=4):
        if any(getattr(cell, "data_type", "n") == "f" for cell in cells):
            report.problems.append(broken)
            return None, []
        texts = [cell_text(cell.value) for cell in cells] + [""] * (4 - len(cells))
        if not any(texts):
            continue
        if texts[0] == "row":
            in_rows = True
            continue
        if not in_rows:
            values[texts[0]] = texts[1] if len(texts) > 1 else ""
            continue
        try:
            rows.append((int(texts[0]), int(texts[1]), int(texts[2]) if texts[2] else None, texts[3]))
        except (ValueError, IndexError):
            report.problems.append(broken)
            return None, []
    if values.get("kind") != FORM_KIND or str(len(rows)) != values.get("rows"):
        report.problems.append(broken)
        return None, []
    return values, rows


def _read_rows(
    workbook: Any,
    sheet: Any,
    name: str,
    sheet_name: str,
    first_row: int,
    expected: list[tuple[int, int, int | None, str]],
    report: FormReport,
) -> None:
    width = len(HEADINGS)
    by_line = {line: (task_id, milestone, digest) for line, task_id, milestone, digest in expected}
    last_line = max(by_line, default=first_row - 1)
    epoch = getattr(workbook, "epoch", None)
    # Rows are parsed one at a time as the sheet's XML streams in; reading stops past the limit.
    for index, cells in enumerate(sheet.iter_rows(min_row=1, max_col=width), start=1):
        if index > MAX_ROWS:
            report.problems.append(
                Problem(name, f"phiếu có hơn {MAX_ROWS:,} dòng; không đọc".replace(",", "."), sheet_name)
            )
            report.rows.clear()
            return
        values = [cell.value for cell in cells] + [None] * (width - len(cells))
        types = [getattr(cell, "data_type", "n") for cell in cells] + ["n"] * (width - len(cells))

        def problem(message: str, column: int | None = None, line: int = index) -> None:
            cell = f"{_COLUMN_LETTERS[column]}{line}" if column is not None else None
            report.problems.append(Problem(name, message, sheet_name, line, cell))

        for column, kind in enumerate(types):
            if kind == "f":
                problem("ô chứa công thức; phiếu chỉ nhận giá trị — xóa công thức, gõ giá trị rồi gửi lại", column)
            elif kind == "e":
                problem(f"ô có lỗi Excel ({values[column]}); gõ lại giá trị", column)
        if index == HEADER_ROW:
            for column, heading in enumerate(HEADINGS):
                if cell_text(values[column]) != heading:
                    problem(f"tiêu đề cột phải là “{heading}” (phiếu bị sửa cấu trúc)", column)
            continue
        if index < first_row or any(kind in ("f", "e") for kind in types):
            continue
        if index not in by_line:
            if index > last_line and any(cell_text(v) for v in values):
                problem("dòng ngoài bảng của phiếu có dữ liệu; chỉ điền vào các dòng có nhiệm vụ")
            continue
        task_id, milestone, digest = by_line[index]
        if row_digest(tuple(values[:APPENDIX_COLUMNS])) != digest:
            problem(
                f"các ô STT, Nhiệm vụ, Mốc, Thời hạn, Hạn không còn như khi gửi phiếu (nhiệm vụ ({task_id})); "
                "không sửa các cột này — dùng phiếu gốc hoặc lập phiếu mới",
                0,
            )
            continue
        row = _row(values, index, task_id, milestone, epoch, problem)
        if row is not None:
            report.rows.append(row)


def _row(values: list[Any], line: int, task_id: int, milestone: int | None, epoch: Any, problem: Any) -> _Row | None:
    """The agency's cells of one row; None when they are empty (or when one is wrong: `problem` was told)."""
    texts: dict[int, str] = {}
    ok = True
    for column in range(APPENDIX_COLUMNS, len(HEADINGS)):
        value = values[column]
        if column in (6, 10) and isinstance(value, (date, datetime)):
            texts[column] = vn_date(value.date() if isinstance(value, datetime) else value)
            continue
        text = cell_text(value)
        bad = forbidden_char(text)
        if bad:
            problem(bad, column, line)
            ok = False
        elif len(text) > MAX_CELL:
            problem(f"ô dài {len(text)} ký tự (tối đa {MAX_CELL})", column, line)
            ok = False
        texts[column] = text
    if not ok or not any(texts.values()):
        return None
    status_text, done_text, result, ref, difficulty, requested_to, reason = (texts[c] for c in range(5, 12))
    status: Status | None = None
    if status_text:
        try:
            status = Status.parse(status_text)
        except ValueError:
            problem(
                f"“{status_text}” không phải tình trạng; chọn Chưa thực hiện, Đang thực hiện hoặc Đã hoàn thành",
                5,
                line,
            )
            return None
    elif done_text or result or ref or difficulty:
        problem(
            "chưa chọn Tình trạng cho dòng có nội dung; chọn Chưa thực hiện, Đang thực hiện hoặc Đã hoàn thành", 5, line
        )
        return None
    on: date | None = None
    if done_text:
        if status is not Status.DONE:
            problem("Ngày hoàn thành chỉ ghi khi Tình trạng là “Đã hoàn thành”", 6, line)
            return None
        on = _day(values[6], epoch)
        if on is None:
            problem(f"“{done_text}” không phải ngày; ghi dd/mm/yyyy, ví dụ 20/11/2026", 6, line)
            return None
    elif status is Status.DONE:
        problem("“Đã hoàn thành” cần Ngày hoàn thành (dd/mm/yyyy)", 6, line)
        return None
    if reason and not requested_to:
        problem("có Lý do nhưng chưa ghi Đề nghị gia hạn đến", 10, line)
        return None
    note = result
    if difficulty:
        note = f"{note}\nKhó khăn, vướng mắc: {difficulty}" if note else f"Khó khăn, vướng mắc: {difficulty}"
    return _Row(line, task_id, milestone, status, on, note, ref, requested_to, reason)


def _day(value: Any, epoch: Any) -> date | None:
    """A date cell, an Excel serial number or text "20/11/2026" / "2026-11-20"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not 1 <= value < 2_958_466:
            return None
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

        converted = from_excel(int(value), epoch or CALENDAR_WINDOWS_1900)
        return converted.date() if isinstance(converted, datetime) else None
    match = _TEXT_DATE.match(str(value).strip())
    if not match:
        return None
    try:
        if match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        return None


# ---------------------------------------------------------------- checking and applying


def collect_forms(
    programme: Programme, files: list[Path], *, as_of: date, since: date | None = None, write: bool = True
) -> CollectResult:
    """Read every form, check every row, and (when nothing is wrong and `write`) record them all.

    `programme` must be loaded from the data folder without errors. Nothing is written when any
    form has a problem (`CollectResult.problems`); `written` says whether the files were changed.
    """
    if programme.info is None:
        raise CollectRefused("thiếu hoặc hỏng programme.yaml; chạy ctr199 validate")
    reports = []
    seen: set[Path] = set()
    for path in files:
        report = FormReport(path)
        if path.resolve() in seen:
            report.problems.append(Problem(display_path(path), "tệp được nêu hai lần"))
        seen.add(path.resolve())
        if not report.problems:
            read_form(path, report, programme, as_of)
        reports.append(report)
    _refuse_older_forms(programme, reports)
    changes = _apply_all(programme, reports, as_of)
    problems = any(r.problems for r in reports)
    dated = [r.as_of for r in reports if r.as_of is not None]
    since = since or (max(dated) if dated else None)
    result = CollectResult(reports, [] if problems else changes, since, [])
    result.silent = _silent_agencies(programme, reports, changes, since)
    if write and not problems and changes:
        write_all(changes)
        result.written = True
    return result


def _collected_forms(task: Task) -> list[tuple[str, date, date]]:
    """(agency name, form as-of, received) of every form this task's log and requests name."""
    found = []
    for source in [entry.source for entry in task.log] + [request.source for request in task.requests]:
        match = _SOURCE.match(source)
        if match:
            found.append((match["agency"], _vn(match["as_of"]), _vn(match["received"])))
    return found


def _vn(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def _refuse_older_forms(programme: Programme, reports: list[FormReport]) -> None:
    """A form older than one already collected (or collected now) from the same agency is refused."""
    latest: dict[str, date] = {}
    for record in programme.tasks:
        for agency, form_as_of, _ in _collected_forms(record.task):
            key = fold(agency)
            latest[key] = max(latest.get(key, form_as_of), form_as_of)
    for report in reports:
        if report.agency is not None and report.as_of is not None and not report.problems:
            key = fold(report.agency.name)
            latest[key] = max(latest.get(key, report.as_of), report.as_of)
    for report in reports:
        if report.agency is None or report.as_of is None or report.problems:
            continue
        newest = latest[fold(report.agency.name)]
        if report.as_of < newest:
            report.rows.clear()
            report.problems.append(
                Problem(
                    display_path(report.path),
                    f"phiếu tính đến {vn_date(report.as_of)} cũ hơn phiếu tính đến {vn_date(newest)} của "
                    f"{report.agency.name} đã thu; chỉ thu phiếu mới nhất",
                )
            )


@dataclass
class _Pending:
    report: FormReport
    row: _Row
    on: date


def _apply_all(programme: Programme, reports: list[FormReport], as_of: date) -> list[TaskChange]:
    """Every row applied to its task's text in memory; problems go to the row's form."""
    context = edit_programme(programme.root)
    context_tasks = {record.id: record for record in programme.tasks}
    pending: dict[int, list[_Pending]] = {}
    for report in reports:
        for row in report.rows:
            record = context_tasks.get(row.task_id)
            name = display_path(report.path)
            if record is None:
                report.problems.append(
                    Problem(name, f"không có nhiệm vụ số {row.task_id} trong dữ liệu", SHEET, row.line, f"A{row.line}")
                )
                continue
            assert report.agency is not None
            if report.agency.code not in {lead.code for lead in leads_of(record, programme.registry)}:
                report.problems.append(
                    Problem(
                        name,
                        f"nhiệm vụ ({row.task_id}) không do {report.agency.name} chủ trì",
                        SHEET,
                        row.line,
                        f"A{row.line}",
                    )
                )
                continue
            if row.milestone is not None and row.milestone > len(record.milestones):
                report.problems.append(
                    Problem(
                        name, f"nhiệm vụ ({row.task_id}) không có mốc {row.milestone}", SHEET, row.line, f"C{row.line}"
                    )
                )
                continue
            pending.setdefault(row.task_id, []).append(_Pending(report, row, row.on or as_of))
    changes = []
    for task_id in sorted(pending):
        change = _apply_task(context, context_tasks[task_id], pending[task_id], as_of)
        if change is not None:
            changes.append(change)
    return changes


def _apply_task(context: Programme, record: TaskRecord, items: list[_Pending], as_of: date) -> TaskChange | None:
    path = DataDir(context.root).task_path(record.id)
    try:
        task, text, tree = checked_task_text(path, context, as_of)
    except EditRefused as exc:
        first = items[0]
        first.report.problems.append(Problem(display_path(first.report.path), exc.message, SHEET, first.row.line))
        return None
    before_text, before_task = text, task
    new_entries: list[LogEntry] = []
    new_requests: list[ExtensionRequest] = []
    items.sort(key=lambda p: (p.on, p.report.as_of or p.on, p.row.milestone or 0, p.row.line))
    for item in items:
        report, row = item.report, item.row
        assert report.as_of is not None
        name, sheet = display_path(report.path), SHEET
        label = report.label
        source = source_of(label, as_of)
        milestone = row.milestone if len(record.milestones) > 1 else None
        if row.status is not None:
            if _already(task, label, milestone, row.status):
                report.already += 1
            else:
                done_on = _done_on(task, milestone)
                if done_on is not None and row.status is not Status.DONE:
                    what = f"mốc {milestone}" if milestone is not None else f"nhiệm vụ ({task.id})"
                    report.problems.append(
                        Problem(
                            name,
                            f"{what} đã ghi hoàn thành ngày {vn_date(done_on)}; phiếu ghi “{row.status.label}” — "
                            "kiểm tra lại với cơ quan, sửa bằng ctr199 update nếu cần",
                            sheet,
                            row.line,
                            f"F{row.line}",
                        )
                    )
                    continue
                update = ProgressUpdate(task.id, row.status, item.on, milestone, row.note, row.ref, source)
                try:
                    task, _, _ = apply_update(path, tree, task, context, update, as_of=as_of, check=False)
                except EditRefused as exc:
                    cell = f"G{row.line}" if row.status is Status.DONE else f"F{row.line}"
                    report.problems.append(Problem(name, exc.message, sheet, row.line, cell))
                    continue
                report.applied += 1
        if row.requested_to:
            message = _request_problem(record, milestone, row.requested_to)
            if message:
                report.problems.append(Problem(name, message, sheet, row.line, f"K{row.line}"))
                continue
            if any(
                r.source.startswith(label + ",") and r.milestone == milestone and r.requested_to == row.requested_to
                for r in task.requests
            ):
                report.already += 1
                continue
            request = {
                "milestone": milestone,
                "requested_to": row.requested_to,
                "reason": row.reason,
                "received_on": as_of,
                "source": source,
            }
            try:
                task = add_request(tree, request)
            except EditRefused as exc:
                report.problems.append(Problem(name, exc.message, sheet, row.line, f"K{row.line}"))
                continue
            report.requests += 1
    if task == before_task:
        return None
    try:  # every row was planned with the rules of `update`; the whole result is checked once
        task, text = check_tree(path, tree, context, as_of=as_of, what=f"các dòng về nhiệm vụ ({task.id})")
    except EditRefused as exc:
        last = items[-1]
        last.report.problems.append(Problem(display_path(last.report.path), exc.message, SHEET, last.row.line))
        return None
    new_entries = task.log[len(before_task.log) :]
    new_requests = task.requests[len(before_task.requests) :]
    return TaskChange(
        task.id, path, task.title, before_text, text, before_task.status, task.status, new_entries, new_requests
    )


def _already(task: Task, label: str, milestone: int | None, status: Status) -> bool:
    return any(
        entry.source.startswith(label + ",") and entry.milestone == milestone and entry.status is status
        for entry in task.log
    )


def _done_on(task: Task, milestone: int | None) -> date | None:
    if milestone is None or task.status is Status.DONE:
        return task.completed_on if task.status is Status.DONE else None
    return next((item.date for item in task.completed_milestones if item.milestone == milestone), None)


def _request_problem(record: TaskRecord, milestone: int | None, requested_to: str) -> str | None:
    from ctr199.deadline import DeadlineError, parse_deadline

    try:
        parsed = parse_deadline(requested_to)
    except DeadlineError as exc:
        return f"Đề nghị gia hạn đến: {exc}"
    if len(parsed) != 1 or parsed[0].due is None:
        return f"Đề nghị gia hạn đến “{requested_to}”: ghi một thời hạn có ngày, ví dụ Quý I/2027 hoặc 31/03/2027"
    index = (milestone or 1) - 1
    current = record.milestones[index].due if index < len(record.milestones) else None
    if current is not None and parsed[0].due <= current:
        return (
            f"Đề nghị gia hạn đến “{requested_to}” ({vn_date(parsed[0].due)}) không sau hạn hiện tại {vn_date(current)}"
        )
    return None


def _silent_agencies(
    programme: Programme, reports: list[FormReport], changes: list[TaskChange], since: date | None
) -> list[Agency]:
    """Lead agencies with open items and no form received since `since` (this run's forms count)."""
    if since is None:
        return []
    heard: set[str] = {fold(r.agency.name) for r in reports if r.agency is not None}
    changed = {change.task_id for change in changes}
    for record in programme.tasks:
        if record.id in changed:
            continue
        for agency, _, received in _collected_forms(record.task):
            if received >= since:
                heard.add(fold(agency))
    by_code = {agency.code: agency for agency in programme.registry.agencies}
    open_codes = open_rows(programme)
    silent = [by_code[code] for code in open_codes if code in by_code and fold(by_code[code].name) not in heard]
    return sorted(silent, key=lambda agency: fold(agency.name))


def write_all(changes: list[TaskChange]) -> None:
    """Write every changed task file atomically; if one fails, put back those already written."""
    done: list[TaskChange] = []
    try:
        for change in changes:
            atomic_write(change.path, change.after, before_replace=functools.partial(_unchanged, change))
            done.append(change)
    except BaseException:
        for change in reversed(done):
            with contextlib.suppress(OSError):  # the first failure is the one to report
                atomic_write(change.path, change.before)
        raise


def _unchanged(change: TaskChange) -> None:
    """Refuse to replace a task file someone changed since it was read (`store.ChangedMeanwhile`)."""
    unchanged_since_read(change.path, change.before)
