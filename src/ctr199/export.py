"""Tasks and milestones as spreadsheets (xlsx, csv), JSON and an iCalendar feed.

Rows come from `query.select`, so an export shows exactly what `list` shows for the same
filters and date. Spreadsheet cells that a spreadsheet could run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ctr199.output import appendix_number
from ctr199.payload import LIST_SEPARATOR, csv_cell, task_payload
from ctr199.programme import Programme
from ctr199.query import Filters, MilestoneState, TaskState, select
from ctr199.text import neutralise, shorten, strip_marks

if TYPE_CHECKING:
    from ctr199.models import ProgrammeFile

TASK_SHEET = "Nhiệm vụ"
MILESTONE_SHEET = "Mốc thời hạn"

Cell = str | int | date | list[str] | None
Row = dict[str, Cell]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    ICS = "ics"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int  # preferred xlsx width in digits; `workbook.print_ready` fits the total to an A4 page


TASK_COLUMNS = (
    # The appendix's own columns, in its order, then what tracking adds.
    Column("id", "STT", 5),
    Column("title", "Nhiệm vụ", 42),
    Column("output", "Kết quả/Sản phẩm", 26),
    Column("deadline", "Thời hạn", 15),
    Column("lead", "Cơ quan chủ trì", 18),
    Column("partners", "Cơ quan, đơn vị phối hợp", 24),
    Column("authority", "Thẩm quyền", 14),
    Column("group", "Nhóm", 6),
    Column("due", "Hạn", 12),
    Column("status", "Trạng thái", 15),
    Column("days_overdue", "Số ngày quá hạn", 8),
    Column("extension", "Gia hạn", 24),
)
MILESTONE_COLUMNS = (
    Column("id", "STT", 5),
    Column("milestone", "Mốc", 5),
    Column("title", "Nhiệm vụ", 50),
    Column("label", "Mốc thời hạn", 30),
    Column("due", "Hạn", 12),
    Column("lead", "Cơ quan chủ trì", 22),
    Column("status", "Trạng thái", 18),
    Column("done_on", "Ngày hoàn thành", 12),
    Column("days_overdue", "Số ngày quá hạn", 8),
    Column("extension", "Gia hạn", 24),
)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: list[Row]


def task_rows(states: Sequence[TaskState]) -> list[Row]:
    """One row per task: the appendix row, its next due date and its status as of the date."""
    rows: list[Row] = []
    for state in states:
        task = state.record.task
        rows.append(
            {
                "id": task.id,
                "title": task.title,
                "output": task.output,
                "deadline": task.deadline,
                "lead": list(task.lead),
                "partners": list(task.partners),
                "authority": task.authority,
                "group": task.group,
                "due": state.next_due,
                "status": state.category.label,
                "days_overdue": state.days_overdue,
                "extension": state.extension_text,
            }
        )
    return rows


def milestone_rows(states: Sequence[TaskState]) -> list[Row]:
    """One row per milestone of every task (ongoing ones included, with no due date)."""
    return [
        {
            "id": state.task_id,
            "milestone": milestone.number,
            "title": state.record.task.title,
            "label": milestone.label,
            "due": milestone.due,
            "lead": list(state.record.task.lead),
            "status": milestone.category.label,
            "done_on": milestone.done_on,
            "days_overdue": milestone.days_overdue,
            "extension": milestone.extension_text,
        }
        for state in states
        for milestone in state.milestones
    ]


def tables(states: Sequence[TaskState]) -> tuple[Table, Table]:
    return (
        Table(TASK_SHEET, TASK_COLUMNS, task_rows(states)),
        Table(MILESTONE_SHEET, MILESTONE_COLUMNS, milestone_rows(states)),
    )


# ---------------------------------------------------------------- one entry point


def export(
    programme: Programme, filters: Filters, as_of: date, output_format: ExportFormat, *, milestones: bool = False
) -> bytes:
    """The tasks passing `filters`, judged as of `as_of`, as a file of `output_format`.

    `milestones` picks the milestone table instead of the task table for CSV (one table per file);
    xlsx has both as sheets, JSON nests milestones in their task, ICS is milestones only.
    """
    states = select(programme, filters, as_of)
    if output_format is ExportFormat.XLSX:
        return render_xlsx(states, as_of, programme.identity)
    if output_format is ExportFormat.CSV:
        task_table, milestone_table = tables(states)
        return render_csv(milestone_table if milestones else task_table)
    if output_format is ExportFormat.JSON:
        return render_json(states, as_of)
    return render_ics(states, as_of, programme.identity)


# ---------------------------------------------------------------- csv


def render_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Vietnamese), ISO dates, lists joined by "; "."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([column.header for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(row[column.key]) for column in table.columns])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- json


def render_json(states: Sequence[TaskState], as_of: date) -> bytes:
    """Tasks with their milestones nested: the records of `ctr199 list --format json` (`payload.task_payload`)."""
    payload = {"as_of": as_of.isoformat(), "tasks": [task_payload(state) for state in states]}
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- xlsx


def render_xlsx(states: Sequence[TaskState], as_of: date, info: ProgrammeFile) -> bytes:
    """A workbook with a task sheet and a milestone sheet, ready to filter, sort and print."""
    from openpyxl import Workbook

    from ctr199.sheet_layout import use_document_font

    workbook = Workbook()
    use_document_font(workbook)
    workbook.properties.title = f"{info.short_title} — tình hình đến {as_of:%d/%m/%Y}"
    for index, table in enumerate(tables(states)):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        _fill_sheet(sheet, table, as_of)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _fill_sheet(sheet: Any, table: Table, as_of: date) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment

    from ctr199.sheet_layout import print_ready

    sheet.title = table.name
    sheet.append([column.header for column in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_value(row[column.key], ILLEGAL_CHARACTERS_RE) for column in table.columns])
    body_alignment = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = centred if isinstance(cell.value, date | int) else body_alignment
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    # Printed: A4 landscape, as wide as the page (text ≥ 9 pt), header row on every page, the date on top.
    print_ready(
        sheet, [column.width for column in table.columns], title=f"{table.name} — tình hình đến {as_of:%d/%m/%Y}"
    )


def _xlsx_value(value: Cell, illegal: Any) -> str | int | date | None:
    if isinstance(value, list):
        value = "\n".join(value)  # one agency per line in a wrapped cell
    if isinstance(value, str):
        return neutralise(illegal.sub("", value))
    return value


# ---------------------------------------------------------------- ics


def render_ics(states: Sequence[TaskState], as_of: date, info: ProgrammeFile) -> bytes:
    """One all-day event per dated milestone; ongoing milestones have no date and no event.

    UIDs depend only on programme, task and milestone, so a re-exported calendar updates the
    events a subscriber already has; DTSTAMP is the --as-of date, never the clock.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//ctr199//{strip_marks(info.short_title)}//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Nhiệm vụ {info.short_title} ({info.place} {info.year})")
    stamp = datetime.combine(as_of, time(0, 0), tzinfo=UTC)
    for state in states:
        for milestone in state.milestones:
            if milestone.due is None or milestone.ongoing:
                continue
            event = Event()
            event.add("uid", event_uid(info.code, state.task_id, milestone.number))
            event.add("dtstamp", stamp)
            event.add("dtstart", milestone.due)
            event.add("dtend", milestone.due + timedelta(days=1))
            event.add("summary", event_summary(state, milestone))
            event.add("description", _event_description(state, milestone))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def event_uid(programme_code: str, task_id: int, milestone: int) -> str:
    """Stable across exports; the programme's code keeps two programmes' events apart in one calendar."""
    return f"{programme_code}-nhiem-vu-{task_id:03d}-moc-{milestone}@ctr199"


def event_summary(state: TaskState, milestone: MilestoneState) -> str:
    """ "(36) Dự án tuyến đường bộ cao tốc… — Sở Xây dựng"; the milestone's name first when there are several."""
    task = state.record.task
    step = f"{milestone.label}: " if len(state.milestones) > 1 else ""
    step += "(gia hạn) " if milestone.extended else ""
    leads = LIST_SEPARATOR.join(task.lead) or "(chưa rõ cơ quan chủ trì)"
    return f"{appendix_number(task.id)} {step}{shorten(task.title, 90)} — {leads}"


def _event_description(state: TaskState, milestone: MilestoneState) -> str:
    task = state.record.task
    lines = [
        f"Nhiệm vụ ({task.id}): {task.title}",
        f"Kết quả/Sản phẩm: {task.output}",
        f"Thời hạn: {task.deadline}",
    ]
    if len(state.milestones) > 1:
        lines.append(f"Mốc {milestone.number}/{len(state.milestones)}: {milestone.label}")
    if milestone.extended:
        lines.append(milestone.extension_text)
    lines += [
        f"Cơ quan chủ trì: {LIST_SEPARATOR.join(task.lead)}",
        f"Cơ quan, đơn vị phối hợp: {LIST_SEPARATOR.join(task.partners)}",
        f"Thẩm quyền: {task.authority}",
        f"Trạng thái đến {state.as_of:%d/%m/%Y}: {milestone.category.label}",
    ]
    return "\n".join(lines)
