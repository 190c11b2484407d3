"""ctr199's conversion of command-line values (`ctr199.params`) against typer's own, through pydantic.

typer converts every value through a pydantic TypeAdapter; ctr199 converts its parameters
itself so that a run does not import pydantic (issue #18). For every parameter of every command
and every value of a table, both must answer the same: the same value, or the same refusal (the
same English message from typer, the same Vietnamese line from `ctr199.usage`).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pytest
import typer
import typer.main
from typer._click.core import Command, Context
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
from typer.core import _TyperParameter
from typer.models import ArgumentInfo, FileText, OptionInfo, ParameterInfo

from ctr199.cli import app
from ctr199.params import _WHITESPACE, LightParam, light_param
from ctr199.usage import usage_message

from .conftest import ROOT


def _commands(command: Command, path: str) -> Iterator[tuple[str, Command]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, f"{path} {name}")


def _parameters() -> list[tuple[str, Command, _TyperParameter]]:
    """Every parameter of every command, the help options (made for a context) included."""
    found = []
    for path, command in _commands(typer.main.get_command(app), "ctr199"):
        for param in command.get_params(Context(command)):
            assert isinstance(param, _TyperParameter), f"{path} {param.name}"
            found.append((path, command, param))
    return found


PARAMETERS = _parameters()

# Written on a command line (or in an environment variable) for any kind of parameter.
TEXTS = [
    *["12", "-1", "0", "1", "7", "100", "101", "1944", "1945", "2100", "2101", "+3", "-0", "0012", "9" * 30],
    *["abc", "", " ", " 7 ", "\t7\n", "\u30007", "\x1c7", "1_000", "1__0", "_1", "1_", "0-1", "0__1", "+-1"],
    *["١٢", "１２", "12.0", "12.00", "12.5", "12.", ".0", "1e3", "0x10", "1 2", "١_٢"],
    *["true", "no", "maybe", " YES ", "On", "ｙｅｓ"],
    *["-", "table", "TABLE", " table", "json", "Json", "csv", "xml", "text", "md", "task", "TASK", "docx"],
    *["Sở Xây dựng", "a\0b", "\udcff", "~", "a//b/", "./data/"],
]
# Given by typer itself: defaults, and values of other kinds.
OTHERS: list[Any] = [None, 12, 0, True, False, 1.5, 12.0, b"12", Path("x"), ("a", "b")]


def _values(param: _TyperParameter, tmp: Path) -> list[Any]:
    existing_file = tmp / "file.yaml"
    existing_file.write_text("x", encoding="utf-8")
    paths = [str(existing_file), str(tmp), str(tmp / "missing"), f"{tmp}//file.yaml", f"{existing_file}/"]
    choices = param.type_descriptor.choices or ()
    spelled = [
        spelling for choice in choices for spelling in (str(choice.value), str(choice.value).upper(), choice.name)
    ]
    texts = [*TEXTS, *paths, *spelled]
    if param.multiple or param.nargs == -1:
        return [(), "abc", *[(text,) for text in texts], ("a", "b"), [paths[0], "x"], ("a\0b", "x"), ("x", b"y")]
    return [*texts, *OTHERS, *choices, param.default]


def _outcome(runtime: RuntimeParam, param: _TyperParameter, ctx: Context, value: Any) -> tuple[Any, ...]:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return ("refused", exc.message, usage_message(exc))
    except Exception as exc:  # the same unexpected error, if any
        return ("raised", type(exc), str(exc))
    return ("value", type(result), repr(result))


@pytest.mark.parametrize(("path", "command", "param"), PARAMETERS, ids=[f"{p} {x.name}" for p, _, x in PARAMETERS])
def test_every_parameter_converts_as_typer_does(
    path: str, command: Command, param: _TyperParameter, tmp_path: Path
) -> None:
    ours = light_param(param.type_descriptor)
    assert ours is not None, f"{path} {param.name}: teach ctr199.params its type, or typer imports pydantic"
    theirs = build_runtime_param(param.type_descriptor)
    ctx = Context(command, info_name=path.split()[-1])
    for value in _values(param, tmp_path):
        expected = _outcome(theirs, param, ctx, value)
        assert _outcome(ours, param, ctx, value) == expected, f"{path} {param.name} given {value!r}"


def _light_and_typer(annotation: Any, info: ParameterInfo) -> tuple[LightParam, RuntimeParam]:
    descriptor = resolve_type_descriptor(annotation, info)
    ours = light_param(descriptor)
    assert ours is not None
    return ours, build_runtime_param(descriptor)


def _same(annotation: Any, info: ParameterInfo, values: list[Any]) -> None:
    ours, theirs = _light_and_typer(annotation, info)
    param = typer.main.get_command(app).params[0]  # any parameter: it only names the option in messages
    assert isinstance(param, _TyperParameter)
    ctx = Context(typer.main.get_command(app), info_name="ctr199")
    for value in values:
        assert _outcome(ours, param, ctx, value) == _outcome(theirs, param, ctx, value), repr(value)


# Every string of up to four characters from these: signs, underscores, dots, digits (Arabic-Indic
# too), letters, a space and a separator pydantic does not trim.
SPELLINGS = ["".join(chars) for n in range(5) for chars in itertools.product("019_.+- e١\x1c", repeat=n)]


@pytest.mark.parametrize("info", [OptionInfo(), OptionInfo(min=1, max=100), ArgumentInfo(min=1)], ids=repr)
def test_every_short_spelling_of_an_int_is_read_as_pydantic_reads_it(info: ParameterInfo) -> None:
    _same(int, info, SPELLINGS)


def test_the_blanks_around_a_number_are_the_ones_pydantic_trims() -> None:
    blanks = {chr(code) for code in range(0x3001) if chr(code).isspace() or chr(code) in _WHITESPACE}
    blanks |= {"\u180e", "\u200b", "\ufeff", "\u2060"}  # look blank, are not whitespace to pydantic
    _same(int, OptionInfo(), [spelling for blank in sorted(blanks) for spelling in (f"{blank}7", f"7{blank}")])


def test_yes_and_no_are_read_as_pydantic_reads_them() -> None:
    words = ["".join(chars) for n in range(4) for chars in itertools.product("tyesnofalu10 \u3000", repeat=n)]
    _same(bool, OptionInfo(), [*words, "TRUE", "False", "OFF", "ｙｅｓ", "\x1cyes", "yes\0", True, False, 0, 1, 2])


class Colour(Enum):
    red = "red"
    dark_blue = "Dark-Blue"


@pytest.mark.parametrize("case_sensitive", [True, False])
def test_choices_are_matched_as_typer_matches_them(case_sensitive: bool) -> None:
    values = ["red", "RED", "Red", "dark-blue", "Dark-Blue", "dark_blue", "blue", "", " red", *Colour]
    _same(Colour, OptionInfo(case_sensitive=case_sensitive), values)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"exists": True},
        {"exists": True, "file_okay": False},
        {"exists": True, "dir_okay": False},
        {"resolve_path": True},
        {"writable": True},
    ],
    ids=repr,
)
def test_paths_are_checked_as_typer_checks_them(
    options: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "file.yaml")
    texts = ["file.yaml", ".", "missing", "", "file.yaml/", ".//file.yaml", "link", "sub/../file.yaml", "a\0b", "-"]
    values = [*texts, *[str(tmp_path / text) for text in texts], Path("file.yaml"), tmp_path, b"file.yaml"]
    _same(Path, OptionInfo(**options), values)
    _same(list[Path], OptionInfo(**options), [(value,) for value in values] + [("file.yaml", "missing", "a\0b")])


@pytest.mark.parametrize(
    ("annotation", "info"),
    [
        (float, OptionInfo()),
        (datetime, OptionInfo()),
        (Literal["a", "b"], OptionInfo()),
        (tuple[str, int], OptionInfo()),
        (list[int], OptionInfo()),
        (FileText, OptionInfo()),
        (str, OptionInfo(parser=str.upper)),
        (int, OptionInfo(min=1, max=9, clamp=True)),
        (int, OptionInfo(min=0.5)),
        (int, OptionInfo(min=9, max=1)),
        (Path, OptionInfo(path_type=str)),
        (Path, OptionInfo(allow_dash=True)),
    ],
    ids=repr,
)
def test_what_it_does_not_know_is_left_to_typer(annotation: Any, info: ParameterInfo) -> None:
    assert light_param(resolve_type_descriptor(annotation, info)) is None


def _run(*args: str) -> str:
    """`ctr199 …` in a fresh interpreter; the modules loaded then, after its stderr and exit code."""
    code = (
        "import sys\n"
        "from ctr199.cli import main\n"
        f"sys.argv = ['ctr199', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    print('exit', stop.code, file=sys.stderr)\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr


def test_a_query_does_not_build_typers_pydantic_conversion() -> None:
    # Only typer's adapters here: ctr199's own models still import pydantic while they are being
    # made free of it; the full list of what `overdue` imports is checked with them.
    stderr = _run("overdue", "--agency", "Sở Xây dựng", "--data", str(ROOT / "data"), "--as-of", "2026-07-01")
    *_, code, modules = stderr.splitlines()
    assert code == "exit 0"
    assert "typer._adapters" not in modules.split()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overdue", "--group", "abc"], "Lỗi: --group: cần một số nguyên, đang là 'abc' (xem: ctr199 overdue --help)"),
        (["overdue", "--group", "١٢"], "Lỗi: --group: cần một số nguyên, đang là '١٢' (xem: ctr199 overdue --help)"),
        (["update", "0", "-s", "done"], "Lỗi: STT: cần ≥ 1, đang là '0' (xem: ctr199 update --help)"),
        (["init", "x", "--year", "2101"], "Lỗi: --year: cần ≤ 2100, đang là '2101' (xem: ctr199 init --help)"),
        (
            ["overdue", "--format", "xml"],
            "Lỗi: --format: không có lựa chọn 'xml'; dùng một trong: table, json, csv (xem: ctr199 overdue --help)",
        ),
    ],
)
def test_a_refused_value_is_worded_without_pydantic(args: list[str], message: str) -> None:
    *lines, code, modules = _run(*args).splitlines()
    assert (lines, code) == ([message], "exit 2")
    assert "pydantic" not in modules.split()
