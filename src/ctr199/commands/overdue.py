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
    select_tasks,
)
from ctr199.commands._items import ItemColumn, milestone_table
from ctr199.output import Column, OutputFormat, render_table, vn_date, write_records

if TYPE_CHECKING:
    from ctr199.query import Filters, Item


def register(app: typer.Typer) -> None:
    app.command(
        "overdue",
        cls=AgencyCompletion,
        help=(
            "Các nhiệm vụ (mốc) chưa hoàn thành quá hạn tính đến một ngày, quá hạn lâu nhất xếp trước. "
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
    from ctr199.payload import ITEM_CSV_FIELDS, item_payload
    from ctr199.query import FilterSpec, overdue_items

    day = resolve_as_of(as_of)
    spec = FilterSpec(agency=agency, role=role, group=group, search=search)
    loaded, filters, states = select_tasks(data_dir, day, spec)
    items = overdue_items(states)
    write_records(
        items, output_format, item_payload, ITEM_CSV_FIELDS, lambda: show_table(items, filters, day, show_all=show_all)
    )
    finish(loaded)


def show_table(items: list[Item], filters: Filters, day: date, *, show_all: bool) -> None:
    from ctr199.text import shorten

    whose = f" — {filters.agency.name} ({filters.role.label})" if filters.agency else ""
    if not items:
        typer.echo(f"Không có nhiệm vụ quá hạn tính đến ngày {vn_date(day)}{whose}.")
        return
    tail: list[ItemColumn] = [
        (Column("Thời hạn", max_width=30), lambda item: shorten(item.state.record.task.deadline, 30)),
        (Column("Hạn"), lambda item: vn_date(item.milestone.due)),
        (Column("Quá hạn (ngày)", "right"), lambda item: str(item.days_overdue)),
    ]
    title = f"Nhiệm vụ quá hạn tính đến ngày {vn_date(day)}{whose}"
    render_table(milestone_table(items, tail, title=title, noun="mốc quá hạn", style="red"), show_all=show_all)
    tasks = len({item.state.task_id for item in items})
    typer.echo(f"Tổng: {len(items)} mốc quá hạn của {tasks} nhiệm vụ.")
