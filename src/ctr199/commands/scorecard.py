"""`ctr199 scorecard`: per lead agency, tasks done on time, late, in time and overdue, ranked."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import AsOfOption, DataOption, resolve_as_of
from ctr199.commands._filters import finish, select_tasks
from ctr199.output import Column, Table, render_table, vn_date, write_csv, write_json, write_lines

if TYPE_CHECKING:
    from datetime import date

    from ctr199.scorecard import ScoreRow


class ScorecardFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


FormatOption = Annotated[
    ScorecardFormat,
    typer.Option(
        "--format", "-f", help="table (bảng cho người đọc) | json | csv | md (Markdown).", case_sensitive=False
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "scorecard",
        help=(
            "Bảng xếp hạng cơ quan chủ trì tính đến một ngày: số nhiệm vụ, hoàn thành đúng hạn, quá hạn, "
            "chưa hoàn thành trong hạn, quá hạn, tổng số ngày quá hạn, tỷ lệ đúng hạn và thứ hạng."
        ),
    )(scorecard)


def scorecard(
    as_of: AsOfOption = None,
    output_format: FormatOption = ScorecardFormat.table,
    data_dir: DataOption = None,
) -> None:
    from ctr199.query import FilterSpec
    from ctr199.scorecard import SCORECARD_FIELDS, markdown, score_payload
    from ctr199.scorecard import scorecard as build

    day = resolve_as_of(as_of)
    loaded, _, states = select_tasks(data_dir, day, FilterSpec())
    rows = build(states, loaded.programme.registry)
    if output_format is ScorecardFormat.json:
        write_json({"as_of": day.isoformat(), "agencies": [score_payload(row) for row in rows]})
    elif output_format is ScorecardFormat.csv:
        from ctr199.payload import csv_row

        write_csv((csv_row(score_payload(row), SCORECARD_FIELDS) for row in rows), SCORECARD_FIELDS)
    elif output_format is ScorecardFormat.md:
        typer.echo(markdown(rows, _title(day)), nl=False)
    else:
        show_table(rows, day)
    finish(loaded)


def _title(day: date) -> str:
    return f"Xếp hạng cơ quan chủ trì tính đến ngày {vn_date(day)}"


def show_table(rows: list[ScoreRow], day: date) -> None:
    from ctr199.scorecard import SCORECARD_HEADERS, SCORECARD_LEGEND, score_cells

    if not rows:
        typer.echo("Không có nhiệm vụ nào.")
        return
    table = Table(
        [
            Column(header, "left" if key == "agency" else "right", max_width=40 if key == "agency" else 12)
            for key, header in SCORECARD_HEADERS.items()
        ],
        title=_title(day),
        noun="cơ quan",
    )
    for row in rows:
        table.add(*score_cells(row), style="red" if row.overdue else "")
    render_table(table, show_all=True)
    write_lines([SCORECARD_LEGEND])
    unranked = [row for row in rows if row.note]
    if unranked:
        write_lines(["Không xếp hạng: " + "; ".join(f"{row.agency} ({row.note})" for row in unranked) + "."])
