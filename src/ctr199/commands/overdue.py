"""`ctr199 overdue`: what is late, and whose is it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from ctr199.cli import AsOfOption, DataOption, resolve_as_of
from ctr199.commands._filters import (
    AgencyCompletion,
    AgencyOption,
    AllOption,
    FormatOption,
    GroupOption,
    RoleOption,
    SearchOption,
    finish,
    load,
    make_filters,
)
from ctr199.output import TITLE_WIDTH, Column, OutputFormat, Table, render_table, vn_date, write_csv, write_json

if TYPE_CHECKING:
    from ctr199.query import Filters, Item


def register(app: typer.Typer) -> None:
    app.command(
        "overdue",
        cls=AgencyCompletion,
        help=(
            "Các nhiệm vụ (mốc) đang thực hiện quá hạn tính đến một ngày, quá hạn lâu nhất trước. "
            "Mỗi dòng là một mốc quá hạn. Mã thoát 0 dù có hay không có việc quá hạn."
        ),
    )(overdue)


def overdue(
    agency: AgencyOption = None,
    role: RoleOption = "lead",
    group: GroupOption = None,
    search: SearchOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.table,
    show_all: AllOption = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.payload import ITEM_CSV_FIELDS, csv_row, item_payload
    from ctr199.query import FilterSpec, overdue_items, select

    day = resolve_as_of(as_of)
    loaded = load(data_dir, day)
    filters = make_filters(loaded.programme, FilterSpec(agency=agency, role=role, group=group, search=search))
    items = overdue_items(select(loaded.programme, filters, day))
    if output_format is OutputFormat.json:
        write_json([item_payload(item) for item in items])
    elif output_format is OutputFormat.csv:
        write_csv((csv_row(item_payload(item), ITEM_CSV_FIELDS) for item in items), ITEM_CSV_FIELDS)
    else:
        show_table(items, filters, day, show_all=show_all)
    finish(loaded)


def show_table(items: list[Item], filters: Filters, day: date, *, show_all: bool) -> None:
    from ctr199.text import shorten

    whose = f" — {filters.agency.name} ({filters.role.label})" if filters.agency else ""
    if not items:
        typer.echo(f"Không có nhiệm vụ quá hạn tính đến ngày {vn_date(day)}{whose}.")
        return
    several = any(len(item.state.milestones) > 1 for item in items)
    columns = [
        Column("STT", "right"),
        Column("Nhiệm vụ", max_width=TITLE_WIDTH),
        *([Column("Mốc", max_width=30)] if several else []),
        Column("Chủ trì", max_width=30),
        Column("Thời hạn", max_width=30),
        Column("Hạn"),
        Column("Quá hạn (ngày)", "right"),
    ]
    table = Table(columns, title=f"Nhiệm vụ quá hạn tính đến ngày {vn_date(day)}{whose}", noun="mốc quá hạn")
    for item in items:
        task = item.state.record.task
        label = [item.milestone.label if len(item.state.milestones) > 1 else ""] if several else []
        table.add(
            str(task.id),
            shorten(task.title, TITLE_WIDTH),
            *label,
            "; ".join(task.lead),
            shorten(task.deadline, 30),
            vn_date(item.milestone.due),
            str(item.days_overdue),
            style="red",
        )
    render_table(table, show_all=show_all)
    tasks = len({item.state.task_id for item in items})
    typer.echo(f"Tổng: {len(items)} mốc quá hạn của {tasks} nhiệm vụ.")
