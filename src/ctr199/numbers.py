"""Vietnamese number format: "." groups thousands and "," marks decimals ("7.944,5" = 7944.5)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


class NumberFormatError(ValueError):
    """Text that is not a number in Vietnamese or plain decimal notation."""


class Reading(NamedTuple):
    """One meaning of a figure's text: its value and the convention that gives it."""

    value: Decimal
    convention: str  # "" when the text has one reading only


THOUSANDS_DOT = "dấu chấm ngăn cách hàng nghìn"
THOUSANDS_COMMA = "dấu phẩy ngăn cách hàng nghìn"
DECIMAL_DOT = "dấu chấm thập phân"
DECIMAL_COMMA = "dấu phẩy thập phân"
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_PLAIN = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")


def parse_number(text: str) -> Decimal:
    """Exact value of "7.944,5", "7,944.5", "194.935,654", "9,8", "9.8", "60.195", "-2,5" or "1e3".

    Where the text has two readings ("1.234": 1,234 or 1234) the Vietnamese one is returned (a
    dot groups thousands, a comma marks decimals); callers that can tell which one is meant use
    `number_readings`.
    """
    return number_readings(text)[0].value


def number_readings(text: str) -> tuple[Reading, ...]:
    """Every value `text` can mean under either separator convention, the Vietnamese one first.

    A separator written twice ("1.234.567"), or both separators ("7.944,5", "7,944.5", the last
    one marking decimals), leave one reading; a single separator followed by exactly three digits
    ("13.000", "1,234") leaves two — decimals, or thousands. "0.795" has one: no thousands group
    starts with 0.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    sign = ""
    if cleaned[:1] in ("+", "-"):
        sign, cleaned = cleaned[0], cleaned[1:]
    candidates: list[tuple[str, str]] = []
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        decimal_mark = "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        if cleaned.count(decimal_mark) == 1 and _GROUPED.fullmatch(whole) and fraction.isdigit():
            candidates.append((whole.replace("." if decimal_mark == "," else ",", "") + "." + fraction, ""))
    elif dots + commas == 0:
        candidates.append((cleaned, ""))
    else:
        mark = "." if dots else ","
        grouped = _GROUPED.fullmatch(cleaned) is not None
        as_decimal = (cleaned.replace(",", "."), DECIMAL_DOT if mark == "." else DECIMAL_COMMA)
        as_thousands = (cleaned.replace(mark, ""), THOUSANDS_DOT if mark == "." else THOUSANDS_COMMA)
        if dots + commas > 1:
            candidates.append(as_thousands if grouped else ("", ""))
        elif grouped:
            # The Vietnamese reading first: a dot groups thousands, a comma marks decimals.
            candidates.extend([as_thousands, as_decimal] if mark == "." else [as_decimal, as_thousands])
        else:
            candidates.append((as_decimal[0], ""))
    readings = tuple(Reading(_exact(text, sign + plain), convention) for plain, convention in candidates)
    if not readings:
        raise NumberFormatError(f'"{text}" không phải là số (ví dụ hợp lệ: 9,8 · 7.944,5 · 9.8)')
    return readings


def _exact(text: str, plain: str) -> Decimal:
    if not _PLAIN.fullmatch(plain.lstrip("+-")):
        raise NumberFormatError(f'"{text}" không phải là số (ví dụ hợp lệ: 9,8 · 7.944,5 · 9.8)')
    try:
        number = Decimal(plain)
    except InvalidOperation:
        raise NumberFormatError(f'"{text}" không phải là số') from None
    problem = number_problem(number)
    if problem:
        raise NumberFormatError(f'"{text}": {problem}')
    return number


# Every figure of the programme fits well within these; beyond them decimal arithmetic (28 digits)
# would round or fail, and "-0" would be shown as a negative zero.
MAX_WHOLE_DIGITS = 18
MAX_DIGITS = 28


def number_problem(value: Decimal) -> str | None:
    """Why `value` cannot be a recorded figure (not finite, too large, too many digits, -0), or None."""
    if not value.is_finite():
        return "không phải là số hữu hạn"
    if value.is_zero():
        return "số 0 không có dấu âm; ghi 0" if value.is_signed() else None
    if value.adjusted() >= MAX_WHOLE_DIGITS:
        return f"số quá lớn (tối đa {MAX_WHOLE_DIGITS} chữ số phần nguyên)"
    significant = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    if len(significant) > MAX_DIGITS or value.adjusted() < -MAX_DIGITS:
        return f"quá nhiều chữ số (tối đa {MAX_DIGITS} chữ số có nghĩa)"
    return None


def format_number(value: Decimal, places: int | None = None) -> str:
    """Vietnamese rendering: 194935.654 → "194.935,654"; integers without decimals."""
    text = f"{value:.{places}f}" if places is not None else format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
