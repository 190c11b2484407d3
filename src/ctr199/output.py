"""Output for people and for scripts: tables, JSON and CSV.

Tables are rich tables on a terminal and plain aligned text otherwise (piped, redirected, or
NO_COLOR set), so scripts and `grep` see no colour codes or box-drawing. Only the stdlib is
imported here; rich is imported inside `render_table`, and only for a terminal; json and csv
only when asked for.

Result files (`-o` of export, brief, remind) are written by `write_output`, which is also the one
place that refuses to replace an existing file without `--force`.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NamedTuple, TextIO, TypeVar

from ctr199.text import visible

PAGE_ROWS = 30
TITLE_WIDTH = 60

R = TypeVar("R")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def vn_date(day: date | None) -> str:
    """A date as staff write it: 30/06/2026; empty for none."""
    return day.strftime("%d/%m/%Y") if day else ""


def appendix_number(task_id: int) -> str:
    """A task's number as the programme's appendix writes it: "(36)"."""
    return f"({task_id})"


class Column(NamedTuple):
    header: str
    justify: Literal["left", "right"] = "left"
    max_width: int | None = None  # on a terminal, longer cells wrap


@dataclass
class Table:
    columns: Sequence[Column]
    rows: list[Sequence[str]] = field(default_factory=list)
    title: str = ""
    # A rich style per row (e.g. "red" for overdue); ignored in plain output.
    row_styles: list[str] = field(default_factory=list)
    # What a row is, for the "… và N nhiệm vụ khác" line.
    noun: str = "nhiệm vụ"

    def add(self, *cells: str, style: str = "") -> None:
        self.rows.append(cells)
        self.row_styles.append(style)


def styled(stream: TextIO) -> bool:
    """Whether to draw a rich table: a terminal, unless NO_COLOR is set (FORCE_COLOR forces it)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render_table(table: Table, *, show_all: bool = False, limit: int = PAGE_ROWS, stream: TextIO | None = None) -> None:
    """Print `table`, capped to `limit` rows unless `show_all`, with a line saying how many were left out."""
    out = stream if stream is not None else sys.stdout
    rows = table.rows if show_all or len(table.rows) <= limit else table.rows[:limit]
    hidden = len(table.rows) - len(rows)
    more = f"… và {hidden} {table.noun} khác (dùng --all để xem tất cả)" if hidden else ""
    if styled(out):
        _render_rich(table, rows, more, out)
    else:
        out.write(plain_table(table, rows))
        if more:
            out.write(more + "\n")


def plain_table(table: Table, rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned with spaces, one line per row, no trailing blanks."""
    cells = [[_one_line(c.header) for c in table.columns], *[[_one_line(cell) for cell in row] for row in rows]]
    widths = [max(display_width(line[i]) for line in cells) for i in range(len(table.columns))]
    rule = ["-" * width for width in widths]
    lines = [visible(table.title)] if table.title else []
    for line in (cells[0], rule, *cells[1:]):
        padded = []
        for cell, width, column in zip(line, widths, table.columns, strict=True):
            gap = " " * (width - display_width(cell))
            padded.append(gap + cell if column.justify == "right" else cell + gap)
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _render_rich(table: Table, rows: Sequence[Sequence[str]], more: str, out: TextIO) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    console = Console(file=out, force_terminal=True, highlight=False, emoji=False)
    # Cells are Text, never markup: a title such as "[bold red]x[/]" is shown as typed.
    rich_table = RichTable(
        title=Text(visible(table.title)) if table.title else None,
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        caption=more or None,
        caption_justify="left",
    )
    for column in table.columns:
        rich_table.add_column(Text(column.header), justify=column.justify, max_width=column.max_width, overflow="fold")
    for index, row in enumerate(rows):
        style = table.row_styles[index] if index < len(table.row_styles) else ""
        rich_table.add_row(*(Text(visible(cell)) for cell in row), style=style or None)
    console.print(rich_table)


def write_lines(lines: Iterable[str], stream: TextIO | None = None) -> None:
    out = stream if stream is not None else sys.stdout
    for line in lines:
        out.write(visible(line) + "\n")


def write_json(data: Any, stream: TextIO | None = None) -> None:
    """UTF-8 JSON (Vietnamese letters as they are, not \\u escapes), indented."""
    import json  # here: most runs print a table

    out = stream if stream is not None else sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_csv(rows: Iterable[Mapping[str, str]], fields: Sequence[str], stream: TextIO | None = None) -> None:
    """CSV with a header row; cells must already be text (see `payload.csv_row`)."""
    import csv

    out = stream if stream is not None else sys.stdout
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)


def write_records(
    records: Sequence[R],
    output_format: OutputFormat,
    payload: Callable[[R], Mapping[str, Any]],
    csv_fields: Sequence[str],
    show_table: Callable[[], None],
) -> None:
    """`records` as JSON or CSV for scripts (both from `payload`), or drawn by `show_table` for people."""
    from ctr199.payload import csv_row

    if output_format is OutputFormat.json:
        write_json([payload(record) for record in records])
    elif output_format is OutputFormat.csv:
        write_csv((csv_row(payload(record), csv_fields) for record in records), csv_fields)
    else:
        show_table()


def display_width(text: str) -> int:
    """Terminal columns `text` takes: combining marks take none, wide (CJK) characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _one_line(text: str) -> str:
    return visible(" ".join(text.split()))


# ---------------------------------------------------------------- result files


def refuse_existing(paths: Sequence[Path], *, force: bool) -> None:
    """Stop, before anything is written, when a result file exists and `--force` was not given.

    A usage error (exit 2): the user must choose `--force` or another `-o`.
    """
    from ctr199.cli import fail

    existing = [path for path in paths if path.exists()]
    if existing and not force:
        which = f"tệp {existing[0]}" if len(existing) == 1 else f"{len(existing)} tệp (ví dụ {existing[0]})"
        fail(f"{which} đã có; dùng --force để ghi đè hoặc chọn -o khác")


def check_output(path: Path, *, force: bool) -> None:
    """Stop (exit 2) unless `path` can take a result file: no folder, no file unless `force`, its folder exists."""
    from ctr199.cli import fail

    if path.is_dir():
        fail(f"{path} là một thư mục; -o cần tên tệp")
    refuse_existing([path], force=force)
    if not path.parent.is_dir():
        fail(f"không có thư mục {path.parent}")


def write_output(path: Path, content: str | bytes, *, force: bool) -> None:
    """Write a result file atomically (`store.atomic_write`) after `check_output`; exit 1 if the system refuses."""
    from ctr199.cli import EXIT_FINDINGS, fail
    from ctr199.store import atomic_write

    check_output(path, force=force)
    try:
        atomic_write(path, content)
    except OSError as exc:
        fail(f"không ghi được {path}: {exc.strerror or exc}", EXIT_FINDINGS)


# What a spreadsheet may take as the start of a formula (OWASP "CSV injection"), full-width forms included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A pattern, not compiled here: output is imported on every run, neutralise only by CSV and xlsx.
_SIGNED_NUMBER = r"[-+]\d+(?:[.,]\d+)*%?"


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character gets a "'" before it.

    A bare signed number ("-2,5", "+3%") is left alone: it is a number, not a formula.
    """
    if text.startswith(_FORMULA_START) and not re.fullmatch(_SIGNED_NUMBER, text):
        return f"'{text}"
    return text
