"""How the command line speaks: its help, and how a run ends when the command line is wrong.

Typer (its bundled click) writes help and reports a bad option in English ("Usage: … Options: …
Show this message and exit.", "Error: Invalid value for '--group'…"); staff read Vietnamese.
`Commands` is the group class of the app. Every command under it writes its help with
`VietnameseHelpFormatter` (headings, placeholders, "[mặc định: …]", "[bắt buộc]") and converts its
values with `ctr199.params` (not typer's pydantic adapters). The group reports usage mistakes,
command-line text that is not UTF-8, and a file the system will not let us read or write, as one
Vietnamese line on stderr, with the exit codes of `ctr199.cli`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer
from typer._click import exceptions as click_errors  # typer 0.29 bundles click; pinned below 0.30
from typer._click.core import Command, Context, Parameter
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

# ---------------------------------------------------------------- help, in Vietnamese

# What click and typer write in every help page, and ours.
_HEADINGS = {"Usage": "Cách dùng", "Options": "Tùy chọn", "Arguments": "Tham số", "Commands": "Lệnh"}
_USAGE_PIECES = (("[OPTIONS]", "[TÙY-CHỌN]"), ("COMMAND [ARGS]...", "LỆNH [THAM-SỐ]..."))
_HELP_TEXTS = {
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Install completion for the current shell.": (
        "Cài tính năng tự hoàn thành lệnh (phím Tab) cho trình dòng lệnh đang dùng."
    ),
    "Show completion for the current shell, to copy it or customize the installation.": (
        "In đoạn mã tự hoàn thành lệnh cho trình dòng lệnh đang dùng, để tự chép hoặc chỉnh khi cài."
    ),
    # the same options when typer is told not to detect the shell (a value names it)
    "Install completion for the specified shell.": "Cài tính năng tự hoàn thành lệnh cho trình dòng lệnh đã chọn.",
    "Show completion for the specified shell, to copy it or customize the installation.": (
        "In đoạn mã tự hoàn thành lệnh cho trình dòng lệnh đã chọn, để tự chép hoặc chỉnh khi cài."
    ),
}
# The value placeholder typer writes from a parameter's type, when the parameter names none.
_TYPE_PLACEHOLDERS = {
    "str": "CHUỖI",
    "int": "SỐ",
    "int range": "SỐ",
    "float": "SỐ",
    "float range": "SỐ",
    "path": "ĐƯỜNG-DẪN",
    "datetime": "NGÀY-GIỜ",
    "uuid": "MÃ",
}
_TYPE = re.compile(r"<([^<>]+)>")
_EXTRA = re.compile(r"(?:^|  )\[([^\[\]]*)\]$")  # typer's "  [default: x; x>=0; required]" at the end
_RANGES = (  # typer's "x>=1", "x<=9", "1<=x<=9"
    (re.compile(r"x>=(\S+)"), "≥ {}"),
    (re.compile(r"x<=(\S+)"), "≤ {}"),
    (re.compile(r"(\S+)<=x<=(\S+)"), "từ {} đến {}"),
)


class VietnameseHelpFormatter(HelpFormatter):
    """Click's help layout with Vietnamese headings, placeholders and notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in _USAGE_PIECES:
            args = args.replace(english, vietnamese)
        super().write_usage(prog, args, f"{_HEADINGS['Usage']}: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(_term(term), _help(text)) for term, text in rows], col_max, col_spacing)


class CommandContext(Context):
    """The context of every ctr199 command: its help in Vietnamese, its values converted by `ctr199.params`.

    typer would convert each value through pydantic, importing it (~100 ms a run, issue #18);
    the parameters this command reads (its help option too, which click makes for the context)
    get ctr199's conversion instead, where it is certain to give typer's answer.
    """

    formatter_class = VietnameseHelpFormatter

    def __init__(self, command: Command, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        from ctr199.params import install

        install(command.get_params(self))


def _term(term: str) -> str:
    """ "--as-of <str>" → "--as-of CHUỖI"; an argument ("STT <int range>") keeps its own name only."""
    argument = not term.startswith("-")

    def placeholder(match: re.Match[str]) -> str:
        kind = match.group(1)
        element = re.fullmatch(r"list\[(.*)\]", kind)
        if element:
            kind = element.group(1).lower()
        if "|" in kind:  # choices: the codes themselves
            return kind
        return "" if argument else _TYPE_PLACEHOLDERS.get(kind, match.group(0))

    return _TYPE.sub(placeholder, term).rstrip()


def _help(text: str) -> str:
    text = _HELP_TEXTS.get(text, text)
    extra = _EXTRA.search(text)
    if extra is None:
        return text
    notes = "; ".join(_note(note) for note in extra.group(1).split("; "))
    return f"{text[: extra.start(1) - 1]}[{notes}]"


def _note(note: str) -> str:
    """One of typer's notes after an option's help, in Vietnamese."""
    key, _, value = note.partition(": ")
    if key == "default":
        return f"mặc định: {value}"
    if key == "env var":
        return f"biến môi trường: {value}"
    if note == "required":
        return "bắt buộc"
    if note == "(dynamic)":
        return "tính khi chạy"
    for pattern, words in _RANGES:
        bounds = pattern.fullmatch(note)
        if bounds:
            return words.format(*bounds.groups())
    return note


def _use_our_context(command: Command) -> None:
    """Give `command` and every command under it `CommandContext` (Vietnamese help, ctr199's value conversion)."""
    command.context_class = CommandContext
    for sub in getattr(command, "commands", {}).values():
        _use_our_context(sub)


def _install_completion(ctx: Context, param: Parameter, value: Any) -> Any:
    """typer's `--install-completion`, saying what it did in Vietnamese."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    typer.echo(f"Đã cài tự hoàn thành lệnh cho {shell} vào {path}; mở lại cửa sổ dòng lệnh để bắt đầu dùng.")
    sys.exit(0)


class Commands(TyperGroup):
    """The top-level command group: help in Vietnamese; failures end in one Vietnamese line, never a traceback."""

    context_class = CommandContext

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _use_our_context(self)

    def add_command(self, cmd: Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        _use_our_context(cmd)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from ctr199.errors import EXIT_FINDINGS, Ctr199Error

        for param in self.params:  # typer adds its completion options after building the group
            if "--install-completion" in param.opts:
                param.callback = _install_completion
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
    if message == "Missing command.":
        return f"thiếu lệnh{hint}"
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
    """What the value should be, from the error behind typer's message (see `_value_errors`)."""
    errors = _value_errors(exc.__cause__)
    if not errors:
        return "giá trị không hợp lệ"
    error = errors[0]
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


def _value_errors(cause: BaseException | None) -> list[Any]:
    """The errors behind a refused value, in pydantic's shape.

    ctr199's own conversion (`ctr199.params`) raises from a `Refusal`; typer's, where it still
    converts a value, from pydantic's `ValidationError`.
    """
    from ctr199.params import Refusal

    if isinstance(cause, Refusal):
        return cause.errors()
    pydantic = sys.modules.get("pydantic")  # a ValidationError comes with pydantic loaded: never load it to ask
    if pydantic is not None and isinstance(cause, pydantic.ValidationError):
        return list(cause.errors())
    return []
