"""`ctr199 upcoming`: milestones falling due soon."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

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
    from ctr199.query import Item

WithinOption = Annotated[
    int,
    typer.Option("--within", "-w", min=0, metavar="SỐ-NGÀY", help="Số ngày tính từ ngày đối chiếu (tính cả ngày đó)."),
]


def register(app: typer.Typer) -> None:
    app.command(
        "upcoming",
        cls=AgencyCompletion,
        help="Các mốc chưa hoàn thành sắp đến hạn (trong N ngày tới), gần hạn nhất trước.",
    )(upcoming)


def upcoming(
    within: WithinOption = 14,
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
    from ctr199.query import FilterSpec, select, upcoming_items

    day = resolve_as_of(as_of)
    loaded = load(data_dir, day)
    filters = make_filters(loaded.programme, FilterSpec(agency=agency, role=role, group=group, search=search))
    items = upcoming_items(select(loaded.programme, filters, day), within)
    if output_format is OutputFormat.json:
        write_json([item_payload(item) for item in items])
    elif output_format is OutputFormat.csv:
        write_csv((csv_row(item_payload(item), ITEM_CSV_FIELDS) for item in items), ITEM_CSV_FIELDS)
    else:
        show_table(items, day, within, show_all=show_all)
    finish(loaded)


def show_table(items: list[Item], day: date, within: int, *, show_all: bool) -> None:
    from ctr199.text import shorten

    if not items:
        typer.echo(f"Không có mốc nào đến hạn trong {within} ngày kể từ ngày {vn_date(day)}.")
        return
    several = any(len(item.state.milestones) > 1 for item in items)
    columns = [
        Column("STT", "right"),
        Column("Nhiệm vụ", max_width=TITLE_WIDTH),
        *([Column("Mốc", max_width=30)] if several else []),
        Column("Chủ trì", max_width=30),
        Column("Hạn"),
        Column("Còn (ngày)", "right"),
    ]
    table = Table(columns, title=f"Mốc đến hạn trong {within} ngày kể từ ngày {vn_date(day)}", noun="mốc")
    for item in items:
        task = item.state.record.task
        label = [item.milestone.label if len(item.state.milestones) > 1 else ""] if several else []
        table.add(
            str(task.id),
            shorten(task.title, TITLE_WIDTH),
            *label,
            "; ".join(task.lead),
            vn_date(item.milestone.due),
            str(item.days_left),
            style="yellow",
        )
    render_table(table, show_all=show_all)
    typer.echo(f"Tổng: {len(items)} mốc.")
