"""`ctr199 summary`: how the programme stands — counts per category, overall, per group, per lead agency."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

import typer

from ctr199.cli import AsOfOption, DataOption, resolve_as_of
from ctr199.commands._filters import (
    AgencyCompletion,
    AgencyOption,
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
from ctr199.output import Column, OutputFormat, Table, render_table, vn_date, write_csv, write_json, write_lines

if TYPE_CHECKING:
    from ctr199.models import Group
    from ctr199.query import Category, Summary

# Column headers in the Office's report style; HT = hoàn thành.
SHORT_HEADERS = {
    "done_on_time": "Đã HT đúng hạn",
    "done_late": "Đã HT quá hạn",
    "on_track": "Chưa HT trong hạn",
    "overdue": "Chưa HT quá hạn",
    "no_deadline": "Không thời hạn",
}
NOT_STARTED_HEADER = "Chưa triển khai"
LEGEND = (
    "HT = hoàn thành. Chưa triển khai: nhiệm vụ chưa hoàn thành mà chưa ghi tiến độ nào "
    "(đã tính trong số chưa hoàn thành)."
)


def register(app: typer.Typer) -> None:
    app.command(
        "summary",
        cls=AgencyCompletion,
        help="Tổng hợp số nhiệm vụ theo trạng thái: toàn chương trình, theo nhóm, theo cơ quan chủ trì. "
        "Nhận cùng bộ lọc như lệnh list.",
    )(summary)


def summary(
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
    data_dir: DataOption = None,
) -> None:
    from ctr199.payload import SUMMARY_CSV_FIELDS, csv_row, summary_payload, summary_rows
    from ctr199.query import FilterSpec, summarise

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
    programme = loaded.programme
    result = summarise(states, programme.registry)
    if output_format is OutputFormat.json:
        write_json(summary_payload(result, programme.groups, day))
    elif output_format is OutputFormat.csv:
        rows = summary_rows(summary_payload(result, programme.groups, day))
        write_csv((csv_row(row, SUMMARY_CSV_FIELDS) for row in rows), SUMMARY_CSV_FIELDS)
    else:
        show_tables(result, programme.groups, day)
    finish(loaded)


def show_tables(result: Summary, groups: list[Group], day: date) -> None:
    from decimal import Decimal

    from ctr199.numbers import format_number
    from ctr199.query import NOT_STARTED_LABEL, OPEN_CATEGORIES, Category
    from ctr199.text import shorten

    if not result.total:
        typer.echo(f"Không có nhiệm vụ nào thỏa điều kiện lọc (tính đến ngày {vn_date(day)}).")
        return
    overall = Table(
        [Column("Trạng thái"), Column("Số nhiệm vụ", "right"), Column("Tỷ lệ", "right")],
        title=f"Tình hình thực hiện tính đến ngày {vn_date(day)}: {result.total} nhiệm vụ",
    )
    for category in Category:
        count = result.overall[category]
        share = format_number(Decimal(100 * count) / result.total, places=1)
        overall.add(category.label, str(count), f"{share}%")
        if category in OPEN_CATEGORIES:
            overall.add(f"– trong đó {NOT_STARTED_LABEL}", str(result.not_started[category]), "")
    render_table(overall, show_all=True)

    titles = {group.id: group.title for group in groups}
    write_lines([""])
    by_group = _counts_table("Nhóm", "Theo nhóm nhiệm vụ")
    for number, counts in result.by_group.items():
        idle = result.not_started_by_group[number]
        by_group.add(shorten(f"{number}. {titles.get(number, '')}", 50), *_count_cells(counts, idle))
    render_table(by_group, show_all=True)

    write_lines([""])
    by_lead = _counts_table("Cơ quan chủ trì", "Theo cơ quan chủ trì (nhiệm vụ có hai cơ quan chủ trì tính cho cả hai)")
    for name, counts in result.by_lead.items():
        by_lead.add(name, *_count_cells(counts, result.not_started_by_lead[name]))
    render_table(by_lead, show_all=True)
    write_lines([LEGEND])


def _counts_table(first: str, title: str) -> Table:
    from ctr199.query import Category

    return Table(
        [
            Column(first, max_width=50),
            Column("Tổng", "right"),
            *(Column(SHORT_HEADERS[c.value], "right") for c in Category),
            Column(NOT_STARTED_HEADER, "right"),
        ],
        title=title,
        noun="dòng",
    )


def _count_cells(counts: Counter[Category], not_started: int) -> list[str]:
    from ctr199.query import Category

    return [str(counts.total()), *(str(counts[c]) for c in Category), str(not_started)]
