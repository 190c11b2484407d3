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
    select_tasks,
)
from ctr199.commands._items import ItemColumn, milestone_table
from ctr199.output import Column, OutputFormat, render_table, vn_date, write_records

if TYPE_CHECKING:
    from ctr199.query import Item

WithinOption = Annotated[
    int | None,
    typer.Option(
        "--within",
        "-w",
        min=0,
        metavar="SỐ-NGÀY",
        help="Số ngày tính từ ngày đối chiếu, tính cả ngày đó (mặc định: soon_days của programme.yaml).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "upcoming",
        cls=AgencyCompletion,
        help="Các mốc chưa hoàn thành sắp đến hạn (trong N ngày tới), gần hạn nhất xếp trước.",
    )(upcoming)


def upcoming(
    within: WithinOption = None,
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
    from ctr199.query import DEFAULT_SOON_DAYS, FilterSpec, upcoming_items

    day = resolve_as_of(as_of)
    spec = FilterSpec(agency=agency, role=role, group=group, search=search)
    loaded, _, states = select_tasks(data_dir, day, spec)
    if within is None:
        info = loaded.programme.info
        within = info.soon_days if info is not None else DEFAULT_SOON_DAYS
    items = upcoming_items(states, within)
    write_records(
        items, output_format, item_payload, ITEM_CSV_FIELDS, lambda: show_table(items, day, within, show_all=show_all)
    )
    finish(loaded)


def show_table(items: list[Item], day: date, within: int, *, show_all: bool) -> None:
    if not items:
        typer.echo(f"Không có mốc nào đến hạn trong {within} ngày kể từ ngày {vn_date(day)}.")
        return
    tail: list[ItemColumn] = [
        (Column("Hạn"), lambda item: vn_date(item.milestone.due)),
        (Column("Còn (ngày)", "right"), lambda item: str(item.days_left)),
    ]
    title = f"Mốc đến hạn trong {within} ngày kể từ ngày {vn_date(day)}"
    render_table(milestone_table(items, tail, title=title, noun="mốc", style="yellow"), show_all=show_all)
    typer.echo(f"Tổng: {len(items)} mốc.")
