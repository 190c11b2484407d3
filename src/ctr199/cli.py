"""Command-line entry point. Commands live in `ctr199.commands`, one module each.

Kept thin: each command parses options, calls one core function, formats the result.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ctr199 import __version__
from ctr199.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Ctr199Error, error_line
from ctr199.usage import Commands

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "error_line", "fail", "main"]

_app = typer.Typer(
    name="ctr199",
    help=(
        "Theo dõi việc thực hiện một chương trình, kế hoạch hành động: mỗi nhiệm vụ một tệp YAML trong git; "
        "tên chương trình, năm và tiêu đề văn bản lấy từ data/programme.yaml.\n\n"
        "Mã thoát: 0 = ổn; 1 = dữ liệu có lỗi/phát hiện; 2 = dùng lệnh sai."
    ),
    no_args_is_help=True,
    add_completion=True,
    cls=Commands,  # click's usage errors, undecodable arguments and refused files: one Vietnamese line
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Stop the command with a one-line Vietnamese error; `Commands` prints it and exits with `code`."""
    raise Ctr199Error(message, code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ctr199 {__version__}")
        raise typer.Exit()


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Đọc lại mọi tệp, không dùng bộ nhớ đệm kết quả kiểm tra (biến môi trường CTR199_NO_CACHE=1).",
    ),
]


@_app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="In phiên bản rồi thoát."),
    ] = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Theo dõi việc thực hiện một chương trình hành động (dữ liệu YAML trong git)."""
    if no_cache:  # for every command of this run, however it loads the data
        from ctr199 import cache

        cache.set_enabled(False)
        ctx.call_on_close(lambda: cache.set_enabled(None))


# ---------------------------------------------------------------- options shared by commands

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        metavar="THƯ-MỤC",
        envvar="CTR199_DATA",
        help="Thư mục dữ liệu (chứa tasks/). Mặc định: tìm data/ từ thư mục hiện tại trở lên.",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="NGÀY",
        help="Ngày đối chiếu YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: hôm nay).",
        show_default=False,
    ),
]


def resolve_data_dir(given: Path | None) -> Path:
    """The data directory to use, or a usage error saying how to name one (see `ctr199.loading`)."""
    from ctr199.loading import resolve_data_dir as resolve

    return resolve(given)


def resolve_as_of(text: str | None) -> date:
    """The `--as-of` date; today's date only when the option is not given."""
    return option_date("--as-of", text) or date.today()


def option_date(option: str, text: str | None) -> date | None:
    """A date option (2026-07-01 or 01/07/2026), None when not given; a bad date is a usage error naming `option`."""
    if text is None:
        return None
    from ctr199.models import plain_iso_day

    plain = plain_iso_day(text)
    if plain is not None:
        return plain
    from ctr199.deadline import DeadlineError, parse_date

    try:
        return parse_date(text)
    except DeadlineError as exc:
        fail(f"{option}: {exc}")


def main() -> None:
    """Console-script entry point."""
    # One command runs for a moment, and what it loads holds no reference cycles: the cyclic
    # collector would only scan the tens of thousands of loaded objects again and again
    # (a third of the run time for 10,000 tasks). Memory is still freed by reference counting.
    gc.disable()
    # At exit the interpreter runs the collector once more over everything still alive, ~30 ms
    # after typer's start-up, moments before the system reclaims the whole process anyway.
    # Freezing skips that pass; objects are still released by reference counting, and nothing
    # ctr199 keeps needs the collector to be finalised (files are written and closed explicitly).
    atexit.register(gc.freeze)
    # pydantic looks up plugins through every installed package's entry points (~10 ms a run);
    # ctr199 uses none. Set the variable yourself to have them loaded.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from ctr199.commands import register_for

    register_for(_app, sys.argv[1:])
    _app()


def __getattr__(name: str) -> typer.Typer:
    """`ctr199.cli.app`: the application with every command (for tests, docs and embedding)."""
    if name == "app":
        from ctr199.commands import register_all

        register_all(_app)
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
