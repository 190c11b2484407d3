from __future__ import annotations

from decimal import Decimal

import pytest

from ctr199.numbers import NumberFormatError, format_number, number_readings, parse_number
from ctr199.text import shorten


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7.944,5", "7944.5"),
        ("194.935,654", "194935.654"),
        ("9,8", "9.8"),
        ("9.8", "9.8"),
        ("60.195", "60195"),
        ("363.000", "363000"),
        ("0,795", "0.795"),
        ("-2,5", "-2.5"),
        ("15,16%", "15.16"),
        ("1,234,567", "1234567"),
    ],
)
def test_parse_vietnamese_numbers_exactly(text: str, value: str) -> None:
    parsed = parse_number(text)
    assert parsed == Decimal(value)
    assert str(parsed) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "9..8", "--1", "1e99999"])
def test_rejects_non_numbers(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_format_number_vietnamese() -> None:
    assert format_number(Decimal("194935.654")) == "194.935,654"
    assert format_number(Decimal("363000")) == "363.000"
    assert format_number(Decimal("13")) == "13"
    assert format_number(Decimal("7944.5"), 2) == "7.944,50"


def test_shorten_cuts_at_word_boundary() -> None:
    assert shorten("Sở Xây dựng", 40) == "Sở Xây dựng"
    cut = shorten("Xây dựng cơ chế điều tiết ngân sách; phân cấp nguồn thu, nhiệm vụ chi", 30)
    assert len(cut) <= 30 and cut.endswith("…") and not cut.endswith(" …")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("0.795", ["0.795"]),
        ("13.000", ["13000", "13.000"]),  # the Vietnamese reading first
        ("1,234", ["1.234", "1234"]),
        ("7,944.5", ["7944.5"]),
        ("7.944,5", ["7944.5"]),
        ("1.234.567", ["1234567"]),
        ("1,234,567", ["1234567"]),
        ("9,8", ["9.8"]),
        ("9.80", ["9.80"]),
        ("1,2340", ["1.2340"]),
        ("-2,5", ["-2.5"]),
    ],
)
def test_number_readings_under_both_conventions(text: str, values: list[str]) -> None:
    assert [r.value for r in number_readings(text)] == [Decimal(v) for v in values]


@pytest.mark.parametrize("text", ["1.2.3", "7.944,5,5", "1,23.4", "12.34.567", "0.795.000"])
def test_malformed_groupings_are_not_numbers(text: str) -> None:
    with pytest.raises(NumberFormatError):
        number_readings(text)
