"""Vietnamese number format: "." groups thousands and "," marks decimals ("7.944,5" = 7944.5)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_VN_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_EN_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3}){2,}$")


class NumberFormatError(ValueError):
    """Text that is not a number in Vietnamese or plain decimal notation."""


def parse_number(text: str) -> Decimal:
    """Exact value of "7.944,5", "194.935,654", "9,8", "9.8", "60.195", "-2,5" or "1e3".

    A dot followed by groups of exactly three digits and no comma is a thousands
    separator, as Vietnamese documents write it ("7.500" = 7500).
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    sign = ""
    if cleaned[:1] in ("+", "-"):
        sign, cleaned = cleaned[0], cleaned[1:]
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", "") if _EN_THOUSANDS.match(cleaned) else cleaned.replace(",", ".")
    elif _VN_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", cleaned):
        raise NumberFormatError(f'"{text}" không phải là số (ví dụ hợp lệ: 9,8 · 7.944,5 · 9.8)')
    try:
        number = Decimal(sign + cleaned)
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
