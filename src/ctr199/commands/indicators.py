"""`ctr199 indicators`: the key indicators with their latest figures and whether each target is met."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import AsOfOption, DataOption, resolve_as_of, resolve_data_dir
from ctr199.output import OutputFormat

if TYPE_CHECKING:
    from ctr199.indicators import IndicatorRow


HEADERS = ("Mã", "Chỉ tiêu", "Mục tiêu", "Phấn đấu", "Thực hiện", "Kỳ", "% KH năm", "Đánh giá")
NAME_WIDTH = 60


def register(app: typer.Typer) -> None:
    app.command(
        "indicators",
        help=(
            "Bảng các chỉ tiêu chủ yếu: mục tiêu, mức phấn đấu, số liệu mới nhất và đánh giá "
            "(đạt / chưa đạt / vượt). Chỉ tiêu cộng dồn so với kế hoạch năm theo tỷ lệ thời gian."
        ),
    )(indicators)


def indicators(
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table (bảng) | json | csv.")
    ] = OutputFormat.table,
) -> None:
    from ctr199.indicators import indicator_rows
    from ctr199.loading import load_indicators

    root = resolve_data_dir(data)
    day = resolve_as_of(as_of)
    rows = indicator_rows(load_indicators(root), day)  # a broken file: IndicatorDataError, exit 1
    if output_format is OutputFormat.json:
        import json

        payload = {"as_of": day.isoformat(), "targets": [row.as_dict() for row in rows]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif output_format is OutputFormat.csv:
        typer.echo(render_csv(rows), nl=False)
    elif sys.stdout.isatty():
        print_rich(rows, day)
    else:
        typer.echo(render_plain(rows, day))


def render_csv(rows: list[IndicatorRow]) -> str:
    import csv
    import io

    stream = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        record = {name: _csv_cell(value) for name, value in row.as_dict().items()}
        if writer is None:
            writer = csv.DictWriter(stream, fieldnames=list(record), lineterminator="\n")
            writer.writeheader()
        writer.writerow(record)
    return stream.getvalue()


def _csv_cell(value: object) -> object:
    from ctr199.text import neutralise

    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value) if isinstance(value, str) else value


def table_cells(rows: list[IndicatorRow]) -> list[tuple[str | None, tuple[str, ...]]]:
    """(verdict code, cells) per table line; an indicator with several targets first gets a heading line (None)."""
    from ctr199.text import shorten

    lines: list[tuple[str | None, tuple[str, ...]]] = []
    for row in rows:
        if not row.single and row.key == _first_key(rows, row.indicator_id):
            heading = (str(row.indicator_id), shorten(row.indicator_name, NAME_WIDTH))
            lines.append((None, heading + ("",) * (len(HEADERS) - len(heading))))
        name = row.indicator_name if row.single else f"– {row.name}"
        period = f"{row.period_label} (ước)" if row.estimate else row.period_label
        cells = (
            row.ref,
            shorten(name, NAME_WIDTH),
            row.target_text,
            row.stretch_text,
            row.value_text,
            period,
            _percent(row),
            row.verdict_label,
        )
        lines.append((row.verdict.value, cells))
    return lines


def _first_key(rows: list[IndicatorRow], indicator_id: int) -> str:
    return next(row.key for row in rows if row.indicator_id == indicator_id)


def _percent(row: IndicatorRow) -> str:
    from ctr199.numbers import format_number

    return f"{format_number(row.attainment)}%" if row.attainment is not None else ""


def summary(rows: list[IndicatorRow], day: date) -> str:
    from ctr199.indicators import Verdict

    counts = Counter(row.verdict for row in rows)
    order = (Verdict.STRETCH, Verdict.EXCEEDED, Verdict.MET, Verdict.BELOW, Verdict.NO_DATA, Verdict.NO_TARGET)
    parts = [f"{counts[v]} {v.label}" for v in order if counts[v]]
    indicators = len({row.indicator_id for row in rows})
    return (
        f"Đến ngày {day:%d/%m/%Y}: {indicators} chỉ tiêu, {len(rows)} mục tiêu — {', '.join(parts)}. "
        "Chỉ tiêu cộng dồn so với kế hoạch năm theo tỷ lệ thời gian (hết tháng m: m/12)."
    )


def render_plain(rows: list[IndicatorRow], day: date) -> str:
    lines = [cells for _, cells in table_cells(rows)]
    widths = [max(len(cells[i]) for cells in (HEADERS, *lines)) for i in range(len(HEADERS))]

    def aligned(cells: tuple[str, ...]) -> str:
        return "  ".join(text.ljust(width) for text, width in zip(cells, widths, strict=True)).rstrip()

    out = [f"CÁC CHỈ TIÊU CHỦ YẾU — số liệu đến ngày {day:%d/%m/%Y}", "", aligned(HEADERS)]
    out.append("  ".join("-" * width for width in widths))
    out.extend(aligned(cells) for cells in lines)
    out.extend(["", summary(rows, day)])
    return "\n".join(out)


_STYLES = {
    "stretch": "bold green",
    "exceeded": "green",
    "met": "green",
    "below": "red",
    "no_data": "dim",
    "no_target": "yellow",
}


def print_rich(rows: list[IndicatorRow], day: date) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Các chỉ tiêu chủ yếu — số liệu đến ngày {day:%d/%m/%Y}", show_lines=False)
    for header in HEADERS:
        table.add_column(header, justify="right" if header in ("Thực hiện", "% KH năm") else "left")
    for verdict, cells in table_cells(rows):
        escaped = [_escape(text) for text in cells]
        if verdict is None:
            table.add_row(escaped[0], f"[bold]{escaped[1]}[/bold]")
            continue
        style = _STYLES[verdict]
        table.add_row(*escaped[:-1], f"[{style}]{escaped[-1]}[/{style}]")
    console = Console()
    console.print(table)
    console.print(summary(rows, day), highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
