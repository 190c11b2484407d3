"""How the values written on the command line become Python values, without pydantic.

typer 0.29 converts every parameter value through a pydantic `TypeAdapter` (`typer._adapters`),
built the first time the parameter is processed, even for an option that is not given. Importing
pydantic and building those adapters costs ~100 ms of a ~250 ms `ctr199 overdue` (issue #18),
more than the command's own work. ctr199's parameters use a handful of plain types: str, int
(with `min`/`max`), bool, Path, Enum, and lists of str or Path. `LightParam` converts those
the way typer's adapters do, value for value and refusal for refusal (tests/test_params.py
compares the two on every parameter of every command).

Where it is not certain to give typer's answer it does not guess: an annotation or option it does
not know (a `parser`, `clamp`, a `path_type`, a file type, …) keeps typer's own conversion, and an
unusual value (bytes, a float, a string with a NUL or an undecodable byte, a number of thousands
of digits, …) is handed to typer's conversion, built then as before: slower, never different.

A refused value raises click's `BadParameter`, with typer's English message, from a `Refusal`
that describes the error the way pydantic's `ValidationError.errors()` would; `ctr199.usage`
words either in Vietnamese.

`install` puts it in place: `ctr199.usage.CommandContext`, the context of every ctr199 command,
calls it for the parameters of its command. It sets typer's private `_runtime_param`, which
`_TyperParameter.get_runtime_param` only builds while it is None (typer is pinned below 0.30).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Final, get_args, get_origin

from typer._click.core import Context, Parameter
from typer._click.exceptions import BadParameter
from typer._click.utils import format_filename
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._display import get_error_msg
from typer._param_types import coerce_cli_choice, path_type_name
from typer.core import _TyperParameter
from typer.models import ParameterInfo

__all__ = ["LightParam", "Refusal", "install", "light_param"]


class _Unsure:
    """What a converter returns for a value it cannot convert with certainty: typer's conversion decides."""


UNSURE: Final = _Unsure()

# value, the parameter's options, the parameter, the context → the value, or UNSURE
Converter = Callable[[Any, ParameterInfo, _TyperParameter, Context], Any]


class Refusal(Exception):
    """A value refused, described as pydantic would have described it behind typer's message.

    `errors()` has the shape of pydantic's `ValidationError.errors()` (type, msg, input, ctx),
    so `ctr199.usage` reads one as the other; `kind` is pydantic's error type.
    """

    def __init__(self, kind: str, message: str, given: Any, context: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.given = given
        self.context = context

    def errors(self) -> list[dict[str, Any]]:
        error: dict[str, Any] = {"type": self.kind, "loc": (), "msg": self.message, "input": self.given}
        if self.context is not None:
            error["ctx"] = self.context
        return [error]


@dataclass(frozen=True)
class LightParam(RuntimeParam):
    """typer's runtime conversion for one parameter, done by `convert` instead of a pydantic adapter.

    `RuntimeParam.coerce` (typer's) still handles a missing value and the shape of a repeated
    option; this converts one given value.
    """

    descriptor: TypeDescriptor
    convert: Converter

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        try:
            converted = self.convert(value, self.parameter_info, param, ctx)
        except Refusal as refusal:
            raise BadParameter(get_error_msg(refusal), ctx=ctx, param=param) from refusal
        if converted is UNSURE:
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
        return converted


def install(params: Iterable[Parameter]) -> None:
    """Give each of `params` a `LightParam` where it can do typer's work (typer builds its own for the others)."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            param._runtime_param = light_param(param.type_descriptor)


def light_param(descriptor: TypeDescriptor) -> LightParam | None:
    """The conversion for a parameter of this type, or None when only typer's own is certain to be right."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.file_annotation is not None:
        return None
    annotation = descriptor.annotation
    origin: Any = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        convert = _each(_str) if item is str else _each(_path) if item is Path and _plain_path(info) else None
    else:
        convert = _converter(annotation, info)
    if convert is None:
        return None
    return LightParam(parameter_info=info, annotation=annotation, descriptor=descriptor, convert=convert)


def _converter(annotation: Any, info: ParameterInfo) -> Converter | None:
    """typer's `build_leaf_adapter`, for the types ctr199 uses."""
    if annotation is str:
        return _str
    if annotation is bool:
        return _bool
    if annotation is int:
        bounds = (info.min, info.max)
        if info.clamp or any(bound is not None and type(bound) is not int for bound in bounds):
            return None
        if info.min is not None and info.max is not None and info.min > info.max:
            return None
        return _int
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(tuple(annotation))
    if annotation is Path and _plain_path(info):
        return _path
    return None


def _plain_path(info: ParameterInfo) -> bool:
    # path_type (str, bytes, another class) and allow_dash ("-") change typer's answer: left to typer
    return info.path_type is None and not info.allow_dash


_SURROGATE = re.compile("[\ud800-\udfff]")


def _decodable(text: str) -> bool:
    """False for text with an undecodable byte (a lone surrogate), which pydantic refuses in its own way."""
    return _SURROGATE.search(text) is None


# ---------------------------------------------------------------- the conversions


def _str(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
    # typer: str(value), then pydantic's str, which keeps a str as it is (lone surrogates too)
    return value if type(value) is str else UNSURE


# What pydantic trims around a number (Rust's `str::trim`: Unicode White_Space). Python's
# `str.strip()` would also take U+001C–U+001F, which pydantic keeps (and so refuses the number).
_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)
# The usual spellings of an int, which pydantic reads as Python would: ASCII digits, a sign,
# underscores between digits ("1_000"), a fraction of zeros ("12.0", not "12." or "12.5").
_INT = re.compile(r"([+-]?[0-9]+(?:_[0-9]+)*)(?:\.0+)?")
# What pydantic never reads as an int: text without an ASCII digit ("abc", "", "١٢"), with
# anything but digits, signs, underscores and a dot ("1e3", "12a", "1 2"), or with a fraction
# other than zeros ("12.5", "12."). Other spellings are left to it: it takes some that Python
# would not ("0-1" is -1, "0__1" is 1).
_NOT_INT = re.compile(r"[^0-9]*|.*[^0-9+\-_.].*|[^.]*\.(?!0+\Z).*", re.DOTALL)
_LONGEST_INT = 4000  # pydantic refuses numbers beyond 4,300 characters with another error


def _int(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
    if type(value) is int:  # a default
        number = value
    elif type(value) is str and len(value) <= _LONGEST_INT and _decodable(value):
        text = value.strip(_WHITESPACE)
        spelled = _INT.fullmatch(text)
        if spelled is not None:
            number = int(spelled.group(1))
        elif _NOT_INT.fullmatch(text):
            raise Refusal("int_parsing", "Input should be a valid integer, unable to parse string as an integer", value)
        else:
            return UNSURE
    else:
        return UNSURE
    if info.min is not None and number < info.min:
        message = f"Input should be greater than or equal to {info.min}"
        raise Refusal("greater_than_equal", message, value, {"ge": info.min})
    if info.max is not None and number > info.max:
        raise Refusal("less_than_equal", f"Input should be less than or equal to {info.max}", value, {"le": info.max})
    return number


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _bool(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
    if type(value) is bool:
        return value
    if type(value) is not str or not _decodable(value):
        return UNSURE
    word = value.strip()  # typer strips (Python's whitespace), then pydantic reads the word
    if not word:
        return False  # typer: an empty value is False
    if word.isascii() and word.lower() in _TRUE:
        return True
    if word.isascii() and word.lower() in _FALSE:
        return False
    raise Refusal("bool_parsing", "Input should be a valid boolean, unable to interpret input", word)


def _choice(choices: tuple[Enum, ...]) -> Converter:
    """An Enum parameter: typer's own matching (`coerce_cli_choice`), and the message pydantic makes of its refusal."""

    def choose(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
        if not isinstance(value, Enum) and not (type(value) is str and _decodable(value)):
            return UNSURE
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError as exc:
            raise Refusal("value_error", f"Value error, {exc}", value, {"error": exc}) from None

    return choose


def _path(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
    """typer's `coerce_cli_path` for a `Path` parameter (no path_type, no allow_dash), the same checks and messages."""
    if isinstance(value, Path):
        path = value
    elif type(value) is str and "\0" not in value:  # typer (pydantic) reports a NUL its own way
        path = Path(value)  # what pydantic makes of a str: "a//b/" is Path("a/b"), "" is Path(".")
    else:
        return UNSURE
    if info.resolve_path:
        path = Path(os.path.realpath(path))
    label = path_type_name(info)
    try:
        mode = path.stat().st_mode
    except OSError:
        if not info.exists:
            return path
        raise BadParameter(f"{label} {format_filename(value)!r} does not exist.", ctx=ctx, param=param) from None
    shown = repr(format_filename(value))
    if not info.file_okay and stat.S_ISREG(mode):
        raise BadParameter(f"{label} {shown} is a file.", ctx=ctx, param=param)
    if not info.dir_okay and stat.S_ISDIR(mode):
        raise BadParameter(f"{label} {shown} is a directory.", ctx=ctx, param=param)
    if info.readable and not os.access(path, os.R_OK):
        raise BadParameter(f"{label} {shown} is not readable.", ctx=ctx, param=param)
    if info.writable and not os.access(path, os.W_OK):
        raise BadParameter(f"{label} {shown} is not writable.", ctx=ctx, param=param)
    return path


def _each(convert: Converter) -> Converter:
    """A repeated option or argument (`list[…]`): every value, in order."""

    def convert_each(value: Any, info: ParameterInfo, param: _TyperParameter, ctx: Context) -> Any:
        if not isinstance(value, (list, tuple)):
            return UNSURE
        converted = []
        for item in value:
            try:
                one = convert(item, info, param, ctx)
            except Refusal:
                return UNSURE  # typer reports an item's error as one about the whole list: let it word it
            if one is UNSURE:
                return UNSURE
            converted.append(one)
        return converted

    return convert_each
