"""`ctr199 list`: tasks that pass every filter given (the filters combine with AND)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from ctr199.cli import AsOfOption, DataOption, resolve_as_of
from ctr199.commands._filters import (
    AgencyCompletion,
    AgencyOption,
    AllOption,
    AuthorityOption,
    DueAfterOption,
    DueBeforeOption,
    FormatOption,
    GroupOption,
    MonthOption,
    QuarterOption,
    RoleOption,
    SearchOption,
    StatusOption,
    YearOption,
    finish,
    select_tasks,
)
from ctr199.output import TITLE_WIDTH, Column, OutputFormat, Table, render_table, vn_date, write_records

if TYPE_CHECKING:
    from ctr199.query import TaskState


def register(app: typer.Typer) -> None:
    app.command(
        "list",
        cls=AgencyCompletion,
        help=(
            "Danh sách nhiệm vụ theo bộ lọc (các bộ lọc kết hợp với nhau: phải thỏa tất cả). "
            "Bộ lọc thời gian chọn nhiệm vụ có ít nhất một mốc đến hạn trong khoảng đó."
        ),
    )(list_tasks)


def list_tasks(
    agency: AgencyOption = None,
    role: RoleOption = "lead",
    quarter: QuarterOption = None,
    month: MonthOption = None,
    year: YearOption = None,
    group: GroupOption = None,
    status: StatusOption = None,
    authority: AuthorityOption = None,
    due_before: DueBeforeOption = None,
    due_after: DueAfterOption = None,
    search: SearchOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.table,
    show_all: AllOption = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.payload import TASK_CSV_FIELDS, task_payload
    from ctr199.query import FilterSpec

    day = resolve_as_of(as_of)
    spec = FilterSpec(
        agency=agency,
        role=role,
        quarter=quarter,
        month=month,
        year=year,
        group=group,
        status=tuple(status or ()),
        authority=authority,
        due_before=due_before,
        due_after=due_after,
        search=search,
    )
    loaded, _, states = select_tasks(data_dir, day, spec)
    write_records(
        states, output_format, task_payload, TASK_CSV_FIELDS, lambda: show_table(states, day, show_all=show_all)
    )
    finish(loaded)


def show_table(states: list[TaskState], day: date, *, show_all: bool) -> None:
    from collections import Counter

    from ctr199.query import Category
    from ctr199.text import shorten

    if not states:
        typer.echo(f"Không có nhiệm vụ nào thỏa điều kiện lọc (tính đến ngày {vn_date(day)}).")
        return
    extended = any(state.extension_text for state in states)
    table = Table(
        [
            Column("STT", "right"),
            Column("Nhiệm vụ", max_width=TITLE_WIDTH),
            Column("Chủ trì", max_width=30),
            Column("Thời hạn", max_width=30),
            Column("Hạn"),
            Column("Trạng thái", max_width=34),
            *([Column("Gia hạn", max_width=50)] if extended else []),
        ],
        title=f"Danh sách nhiệm vụ tính đến ngày {vn_date(day)}",
    )
    for state in states:
        task = state.record.task
        table.add(
            str(task.id),
            shorten(task.title, TITLE_WIDTH),
            "; ".join(task.lead),
            shorten(task.deadline, 30),
            vn_date(state.next_due),
            status_text(state),
            *([state.extension_text] if extended else []),
            style=STATUS_STYLES.get(state.category, "yellow" if state.due_soon else ""),
        )
    render_table(table, show_all=show_all)
    counts = Counter(state.category for state in states)
    parts = ", ".join(f"{counts[c]} {c.label.lower()}" for c in Category if counts[c])
    typer.echo(f"Tổng: {len(states)} nhiệm vụ — {parts}.")


def status_text(state: TaskState) -> str:
    """The category label, with days overdue or a "sắp đến hạn" flag where it applies."""
    from ctr199.query import Category

    if state.category is Category.OVERDUE:
        return f"{state.category.label} ({state.days_overdue} ngày)"
    if state.due_soon:
        return f"{state.category.label}, sắp đến hạn"
    return state.category.label


STATUS_STYLES = {"overdue": "red", "done_on_time": "green", "done_late": "green"}
