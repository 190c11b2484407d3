"""`ctr199 deadline "TEXT"`: how the deadline grammar reads a "Thời hạn" phrase, milestone by milestone."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, fail

if TYPE_CHECKING:
    from ctr199.deadline import DeadlineError, Reading


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command(
        "deadline",
        help=(
            "Cho biết một thời hạn được hiểu thế nào: mỗi mốc với nhãn, kỳ, hạn và các chữ tạo ra nó; "
            "thời hạn không hiểu được thì chỉ ra chữ sai (mã thoát 1)."
        ),
    )(deadline)


def deadline(
    text: Annotated[
        str, typer.Argument(metavar="THỜI-HẠN", help='Thời hạn, ví dụ "Khởi công Quý I/2026; Hoàn thành 2028".')
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="NĂM",
            help='Năm của chương trình, cho thời hạn định kỳ ("Hằng quý"); mặc định: năm ghi trong programme.yaml '
            "của thư mục dữ liệu gần nhất, nếu có.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="table | json (mặc định: table).")
    ] = ExplainFormat.table,
) -> None:
    from ctr199.deadline import MAX_YEAR, MIN_YEAR, DeadlineError, read_deadline

    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        fail(f"--year {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
    if year is None:
        year = _programme_year()
    try:
        readings = read_deadline(text, year=year)
    except DeadlineError as exc:
        _refused(exc, output_format)
        raise typer.Exit(EXIT_FINDINGS) from None
    if output_format is ExplainFormat.json:
        from ctr199.output import write_json

        write_json({"text": text, "year": year, "milestones": [_payload(r) for r in readings], "error": None})
        return
    _table(readings)


def _programme_year() -> int | None:
    """The year of the nearest data folder's programme.yaml; None without one (or when it cannot be read)."""
    from ctr199.errors import DataError
    from ctr199.loading import find_data_dir, programme_year

    found = find_data_dir()
    if found is None:
        return None
    try:
        return programme_year(found)
    except DataError:
        return None


def _payload(reading: Reading) -> dict[str, object]:
    milestone = reading.milestone
    return {
        "label": milestone.label,
        "period": reading.period,
        "due": milestone.due.isoformat() if milestone.due else None,
        "ongoing": milestone.ongoing,
        "rule": reading.rule,
        "words": reading.words,
        "start": reading.start,
        "end": reading.end,
        "canonical": reading.canonical,
    }


def _table(readings: list[Reading]) -> None:
    from ctr199.output import Column, Table, render_table, vn_date

    if not readings:
        typer.echo("Ô trống: không có mốc nào.")
        return
    table = Table(
        [
            Column("Mốc", "right"),
            Column("Nhãn", max_width=40),
            Column("Kỳ"),
            Column("Hạn"),
            Column("Cách hiểu", max_width=36),
            Column("Từ chữ", max_width=30),
        ],
        title="Cách đọc thời hạn",
        noun="mốc",
    )
    for number, reading in enumerate(readings, 1):
        due = vn_date(reading.milestone.due) or "không có hạn"
        table.add(str(number), reading.milestone.label, reading.period or "—", due, reading.rule, reading.words)
    render_table(table, show_all=True)


def _refused(exc: DeadlineError, output_format: ExplainFormat) -> None:
    from ctr199.cli import error_line

    if output_format is ExplainFormat.json:
        from ctr199.output import write_json

        error = {"message": str(exc), "word": exc.word, "offset": exc.offset, "length": exc.length, "hint": exc.hint}
        write_json({"text": exc.phrase, "milestones": [], "error": error})
        return
    typer.echo(error_line(str(exc)), err=True)
    for line in caret_lines(exc):
        typer.echo(line, err=True)


def caret_lines(exc: DeadlineError) -> list[str]:
    """The line of the phrase holding the refused word, and a line of ^ under the word."""
    from ctr199.deadline import _nfc
    from ctr199.output import display_width
    from ctr199.text import visible

    if exc.offset is None:
        return []
    text = _nfc(exc.phrase)
    line_start = text.rfind("\n", 0, exc.offset) + 1
    line_end = text.find("\n", exc.offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    column = exc.offset - line_start
    word_end = min(column + max(exc.length, 1), len(line))
    shown = visible(line, one_line=True)
    if shown != line:  # control characters drawn as escapes: columns no longer match; point at the start
        return [f"  {shown}", "  ^"]
    pad = display_width(line[:column])
    return [f"  {line}", "  " + " " * pad + "^" * max(display_width(line[column:word_end]), 1)]
