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
        return Decimal(sign + cleaned)
    except InvalidOperation:
        raise NumberFormatError(f'"{text}" không phải là số') from None


def format_number(value: Decimal, places: int | None = None) -> str:
    """Vietnamese rendering: 194935.654 → "194.935,654"; integers without decimals."""
    text = f"{value:.{places}f}" if places is not None else format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
