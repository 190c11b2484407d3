"""How a run ends when the command line itself is wrong, or the operating system refuses a file.

Typer (its bundled click) reports a bad option in English over several lines ("Usage: … Error:
Invalid value for '--group'…"); staff read Vietnamese. `Commands` is the group class of the app:
it reports those mistakes, command-line text that is not UTF-8, and a file the system will not
let us read or write, as one Vietnamese line on stderr, with the exit codes of `ctr199.cli`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer
from typer._click import exceptions as click_errors  # typer 0.29 bundles click; pinned below 0.30
from typer.core import TyperGroup


class Commands(TyperGroup):
    """The top-level command group, whose failures end in one Vietnamese line, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from ctr199.errors import EXIT_FINDINGS, Ctr199Error

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        undecodable = next((arg for arg in argv if _has_surrogate(arg)), None)
        if undecodable is not None:
            _stop(f"tham số {_shown(undecodable)!r} có byte không phải UTF-8; gõ lại (terminal cần dùng UTF-8)")
        try:
            code = super().main(argv, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except Ctr199Error as exc:  # raised by ctr199 itself: the message and exit code it carries
            _stop(exc.message, exc.exit_code)
        except click_errors.ClickException as exc:
            _stop(usage_message(exc), exc.exit_code)
        except typer.Abort:
            _stop("đã dừng", EXIT_FINDINGS)
        except OSError as exc:
            _stop(os_message(exc), EXIT_FINDINGS)
        sys.exit(code if isinstance(code, int) else 0)


def _stop(message: str, code: int = 2) -> NoReturn:  # 2: EXIT_USAGE
    from ctr199.errors import error_line

    typer.echo(error_line(message), err=True)
    sys.exit(code)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _shown(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


def os_message(exc: OSError) -> str:
    from ctr199.store import WriteError, os_reason

    if isinstance(exc, WriteError):
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{os_reason(exc)}"


# ---------------------------------------------------------------- click's messages, in Vietnamese


def usage_message(exc: click_errors.ClickException) -> str:
    """One line saying what is wrong with the command line and where to read how to write it."""
    ctx = getattr(exc, "ctx", None)
    hint = f" (xem: {ctx.command_path} --help)" if ctx is not None else " (xem: ctr199 --help)"
    if isinstance(exc, click_errors.NoSuchOption):
        close = f"; có phải {', '.join(sorted(exc.possibilities))}?" if exc.possibilities else ""
        return f"không có tùy chọn {exc.option_name}{close}{hint}"
    if isinstance(exc, click_errors.MissingParameter):
        return f"thiếu {_label(exc.param)}{hint}"
    if isinstance(exc, click_errors.BadParameter):
        return f"{_label(exc.param)}: {_bad_value(exc)}{hint}"
    if isinstance(exc, click_errors.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"tùy chọn {exc.option_name} cần một giá trị{hint}"
        return f"tùy chọn {exc.option_name} không nhận giá trị{hint}"
    message = exc.format_message()
    command = re.match(r"No such command '([^']*)'\.(?: Did you mean '([^']*)'\?)?", message)
    if command:
        close = f"; có phải {command.group(2)!r}?" if command.group(2) else ""
        return f"không có lệnh {command.group(1)!r}{close}{hint}"
    extra = re.match(r"Got unexpected extra argument.*? \((.*)\)", message)
    if extra:
        return f"thừa tham số: {extra.group(1)}{hint}"
    return f"dùng lệnh sai: {message}{hint}"


def _label(param: Any) -> str:
    if param is None:
        return "tham số"
    long_names = [name for name in getattr(param, "opts", ()) if name.startswith("--")]
    if long_names and getattr(param, "param_type_name", "") == "option":
        return str(long_names[0])
    return str(getattr(param, "metavar", None) or param.name)


def _bad_value(exc: click_errors.BadParameter) -> str:
    """What the value should be, from the validation error behind typer's message."""
    from pydantic import ValidationError

    cause = exc.__cause__
    if not isinstance(cause, ValidationError) or not cause.errors():
        return f"giá trị không hợp lệ ({exc.message})"
    error = cause.errors()[0]
    given = error.get("input")
    kind = error["type"]
    if kind.startswith("int_"):
        return f"cần một số nguyên, đang là {given!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        limit = next(iter(error.get("ctx", {}).values()), "")
        return f"cần {bound} {limit}, đang là {given!r}"
    choices = getattr(getattr(exc.param, "type_descriptor", None), "choices", None)
    if choices:
        names = ", ".join(str(getattr(choice, "value", choice)) for choice in choices)
        return f"không có lựa chọn {given!r}; dùng một trong: {names}"
    return f"giá trị {given!r} không hợp lệ"
