"""`ctr199 agencies`: the agency registry, with how many tasks each agency leads and partners."""

from __future__ import annotations

import typer

from ctr199.cli import DataOption
from ctr199.commands._filters import FormatOption, finish, load
from ctr199.output import Column, OutputFormat, Table, render_table, write_csv, write_json


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

    from ctr199.payload import AGENCY_CSV_FIELDS, agency_payload, csv_row
    from ctr199.query import agency_loads
    from ctr199.text import shorten

    # The registry and the counts do not depend on a date; today only dates the data check.
    loaded = load(data_dir, date.today())
    loads = agency_loads(loaded.programme)
    if output_format is OutputFormat.json:
        write_json([agency_payload(entry) for entry in loads])
    elif output_format is OutputFormat.csv:
        write_csv((csv_row(agency_payload(entry), AGENCY_CSV_FIELDS) for entry in loads), AGENCY_CSV_FIELDS)
    else:
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
    finish(loaded)
