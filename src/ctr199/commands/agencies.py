"""`ctr199 agencies`: the agency registry, with how many tasks each agency leads and partners."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ctr199.cli import DataOption
from ctr199.commands._filters import FormatOption, finish, load
from ctr199.output import Column, OutputFormat, Table, render_table, write_records

if TYPE_CHECKING:
    from ctr199.query import AgencyLoad


def register(app: typer.Typer) -> None:
    app.command(
        "agencies",
        help="Danh mục cơ quan (tên chuẩn, mã, tên khác) và số nhiệm vụ mỗi cơ quan chủ trì, phối hợp.",
    )(agencies)


def agencies(
    output_format: FormatOption = OutputFormat.table,
    data_dir: DataOption = None,
) -> None:
    from datetime import date

    from ctr199.payload import AGENCY_CSV_FIELDS, agency_payload
    from ctr199.query import agency_loads

    # The registry and the counts do not depend on a date; today only dates the data check.
    loaded = load(data_dir, date.today())
    loads = agency_loads(loaded.programme)
    write_records(loads, output_format, agency_payload, AGENCY_CSV_FIELDS, lambda: show_table(loads))
    finish(loaded)


def show_table(loads: list[AgencyLoad]) -> None:
    from ctr199.text import shorten

    table = Table(
        [
            Column("Mã"),
            Column("Tên cơ quan", max_width=45),
            Column("Tên khác", max_width=45),
            Column("Chủ trì", "right"),
            Column("Phối hợp", "right"),
        ],
        title="Danh mục cơ quan",
        noun="cơ quan",
    )
    for entry in loads:
        agency = entry.agency
        name = f"{agency.name} (cụm từ chung)" if agency.generic else agency.name
        aliases = shorten("; ".join(agency.aliases), 45)
        table.add(agency.code, name, aliases, str(entry.leads), str(entry.partners))
    render_table(table, show_all=True)
    typer.echo(f"{len(loads)} cơ quan trong danh mục. Dùng tên, mã hoặc tên khác cho --agency.")
