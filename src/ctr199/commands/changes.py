"""`ctr199 changes`: what changed in the task data over a window of git history."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from ctr199.cli import EXIT_USAGE, AsOfOption, DataOption, fail, resolve_as_of, resolve_data_dir

WEEK_DAYS = 7


class ChangesFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


def register(app: typer.Typer) -> None:
    app.command(
        "changes",
        help="Liệt kê thay đổi dữ liệu theo từng nhiệm vụ trong một khoảng lịch sử git (trạng thái, nhật ký, trường).",
    )(changes)


def changes(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="NGÀY|PHIÊN-BẢN",
            help="Từ ngày (2026-11-20 hoặc 20/11/2026, tính cả ngày đó) hoặc từ phiên bản git "
            "(không tính phiên bản đó). Mặc định: 7 ngày tính đến --as-of.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="NGÀY|PHIÊN-BẢN",
            help="Đến ngày (tính cả ngày đó) hoặc phiên bản git. Mặc định: hiện tại (HEAD).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ChangesFormat, typer.Option("--format", "-f", help="table | json | md (Markdown cho báo cáo tuần).")
    ] = ChangesFormat.table,
    data: DataOption = None,
    as_of: AsOfOption = None,
) -> None:
    from ctr199.history import Bound, HistoryError, collect_changes, parse_bound, render_markdown, render_table

    root = resolve_data_dir(data)
    end: Bound | None = parse_bound(until) if until is not None else None
    if since is not None:
        start = parse_bound(since)
        if end is None and as_of is not None:  # nothing committed after the day asked about
            end = resolve_as_of(as_of)
    else:  # the week ending on --until (a day) or --as-of
        reference = end if isinstance(end, date) else resolve_as_of(as_of)
        start, end = reference - timedelta(days=WEEK_DAYS - 1), end or reference
    try:
        report = collect_changes(root, since=start, until=end)
    except HistoryError as exc:
        fail(str(exc), EXIT_USAGE)
    if output_format is ChangesFormat.json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        from ctr199.text import visible

        # Commit authors and subjects are anyone's text: no escape sequence reaches the terminal.
        typer.echo(visible(render_markdown(report) if output_format is ChangesFormat.md else render_table(report)))
