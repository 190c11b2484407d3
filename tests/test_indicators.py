"""Judging key indicators against their targets, and recording figures in indicators.yaml."""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from ctr199.indicator_edit import RefusedEdit, record_actual
from ctr199.indicators import (
    IndicatorUsageError,
    PeriodError,
    Verdict,
    indicator_rows,
    judge,
    latest_actual,
    parse_period,
    resolve_ref,
)
from ctr199.loading import load_indicators
from ctr199.models import PERIOD_PATTERN, Actual, IndicatorsFile, Target
from ctr199.store import load_fast

from .conftest import SHIPPED

SHIPPED_INDICATORS = {i.id: i for i in IndicatorsFile.model_validate(load_fast(SHIPPED / "indicators.yaml")).indicators}
LATE = date(2027, 3, 1)


def shipped(ref: str) -> Target:
    return resolve_ref(list(SHIPPED_INDICATORS.values()), ref).target


def with_figures(target: Target, *actuals: Actual) -> Target:
    return target.model_copy(update={"actuals": list(actuals)})


def fig(period: str, value: str, *, estimate: bool = False, recorded_on: date | None = None) -> Actual:
    return Actual(period=period, value=Decimal(value), estimate=estimate, recorded_on=recorded_on)


def verdict(ref: str, period: str, value: str) -> Verdict:
    return judge(with_figures(shipped(ref), fig(period, value)), LATE).verdict


# ---------------------------------------------------------------- the shipped data


def test_shipped_data_carries_no_figures() -> None:
    targets = [t for i in SHIPPED_INDICATORS.values() for t in i.targets]
    assert len(SHIPPED_INDICATORS) == 22 and len(targets) == 37
    assert all(t.actuals == [] for t in targets)
    rows = indicator_rows(SHIPPED_INDICATORS.values(), date(2026, 11, 28))
    assert {row.verdict for row in rows} == {Verdict.NO_DATA}
    assert {row.verdict_label for row in rows} == {"chưa có số liệu"}


# ---------------------------------------------------------------- every kind of target


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,4", Verdict.BELOW),
        ("12,5", Verdict.MET),
        ("13", Verdict.MET),
        ("13,5", Verdict.MET),
        ("13,6", Verdict.EXCEEDED),
    ],
)
def test_growth_about_a_target_allows_half_a_point(value: str, expected: Verdict) -> None:
    from ctr199.numbers import parse_number

    assert verdict("1.grdp", "2026-9M", str(parse_number(value))) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15.4", Verdict.BELOW), ("15.5", Verdict.MET), ("15.8", Verdict.EXCEEDED), ("16", Verdict.STRETCH)],
)
def test_growth_at_least_with_stretch(value: str, expected: Verdict) -> None:
    assert verdict("4.iip", "2026-9M", value) is expected


@pytest.mark.parametrize(
    ("value", "expected"), [("30.9", Verdict.BELOW), ("31", Verdict.MET), ("31.2", Verdict.EXCEEDED)]
)
def test_share_at_least(value: str, expected: Verdict) -> None:
    assert verdict("3", "2026", value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("197.5", Verdict.BELOW), ("197.6", Verdict.MET), ("205.6", Verdict.MET), ("205.7", Verdict.EXCEEDED)],
)
def test_level_about_a_target_allows_two_percent(value: str, expected: Verdict) -> None:
    assert verdict("2.vnd", "2026", value) is expected  # khoảng 201,6 triệu đồng/người: 197,568…205,632


@pytest.mark.parametrize(
    ("period", "value", "expected"),
    [
        ("2026-09", "39", Verdict.MET),  # 9/12 of 52
        ("2026-09", "38.9", Verdict.BELOW),
        ("2026-09", "39.2", Verdict.EXCEEDED),
        ("2026-9M", "39", Verdict.MET),
        ("2026-Q2", "26", Verdict.MET),  # 2/4
        ("2026-H1", "25.9", Verdict.BELOW),
        ("2026-Q1", "13.1", Verdict.EXCEEDED),
        ("2026", "52", Verdict.MET),
        ("2026", "51.99", Verdict.BELOW),
    ],
)
def test_cumulative_level_against_pro_rata_target(period: str, value: str, expected: Verdict) -> None:
    assert verdict("7", period, value) is expected


def test_pro_rata_is_exact_not_floating_point() -> None:
    # 194.935,654 × 9/12 = 146.201,7405 exactly: equal is "đạt", one ten-thousandth less is not.
    assert verdict("5.tong", "2026-9M", "146201.7405") is Verdict.MET
    assert verdict("5.tong", "2026-9M", "146201.7404") is Verdict.BELOW
    judgement = judge(with_figures(shipped("5.tong"), fig("2026-9M", "146201.7405")), LATE)
    assert judgement.expected == Decimal("146201.741") and judgement.attainment == Decimal("75")
    assert "kế hoạch đến hết kỳ (3/4 năm): 146.201,741 tỷ đồng" in judgement.explanation


@pytest.mark.parametrize(("value", "expected"), [("3567", Verdict.BELOW), ("3568", Verdict.EXCEEDED)])
def test_cumulative_count(value: str, expected: Verdict) -> None:
    assert verdict("18", "2026-H1", value) is expected  # half of 7.135 căn is 3.567,5


@pytest.mark.parametrize(
    ("period", "value", "expected"),
    [
        ("2026", "3.7", Verdict.BELOW),
        ("2026", "3.8", Verdict.MET),
        ("2026", "4.3", Verdict.MET),
        ("2026", "4.31", Verdict.EXCEEDED),
        ("2026-9M", "2.84", Verdict.BELOW),  # 3/4 of the range: 2,85–3,225
        ("2026-9M", "2.85", Verdict.MET),
        ("2026-9M", "3.225", Verdict.MET),
        ("2026-9M", "3.23", Verdict.EXCEEDED),
    ],
)
def test_range(period: str, value: str, expected: Verdict) -> None:
    assert verdict("12", period, value) is expected


def test_range_of_units() -> None:
    assert [verdict("21", "2026", n) for n in ("7", "8", "10", "11")] == [
        Verdict.BELOW,
        Verdict.MET,
        Verdict.MET,
        Verdict.EXCEEDED,
    ]


@pytest.mark.parametrize(("value", "expected"), [("74", Verdict.BELOW), ("75", Verdict.BELOW), ("75.01", Verdict.MET)])
def test_threshold_above_is_strict(value: str, expected: Verdict) -> None:
    assert verdict("22.cac-loai-toi-pham", "2026-9M", value) is expected


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        ("7", Verdict.BELOW),
        ("6", Verdict.BELOW),
        ("5", Verdict.MET),
        ("4", Verdict.MET),
        ("3", Verdict.STRETCH),
        ("1", Verdict.STRETCH),
    ],
)
def test_rank_top_five_stretch_top_three(rank: str, expected: Verdict) -> None:
    assert verdict("14.pci", "2025", rank) is expected


def test_labels_are_vietnamese() -> None:
    assert [v.label for v in (Verdict.BELOW, Verdict.MET, Verdict.EXCEEDED, Verdict.STRETCH, Verdict.NO_DATA)] == [
        "chưa đạt",
        "đạt",
        "vượt",
        "đạt mức phấn đấu",
        "chưa có số liệu",
    ]


# ---------------------------------------------------------------- which figure counts on a date


def test_figure_counts_from_the_day_it_was_recorded() -> None:
    target = with_figures(shipped("7"), fig("2026-09", "39.2", recorded_on=date(2026, 10, 12)))
    assert judge(target, date(2026, 10, 11)).verdict is Verdict.NO_DATA
    assert judge(target, date(2026, 10, 12)).verdict is Verdict.EXCEEDED


def test_without_a_recording_day_a_figure_counts_from_the_end_of_its_period() -> None:
    target = with_figures(shipped("7"), fig("2026-Q3", "39.2"))
    assert latest_actual(target, date(2026, 9, 29)) is None
    assert latest_actual(target, date(2026, 9, 30)) is not None


def test_official_figure_preferred_over_estimate_of_the_same_period() -> None:
    estimate = fig("2026-09", "38.5", estimate=True, recorded_on=date(2026, 9, 25))
    official = fig("2026-09", "39.2", recorded_on=date(2026, 10, 12))
    target = with_figures(shipped("7"), official, estimate)
    assert latest_actual(target, date(2026, 10, 1)) == estimate
    assert judge(target, date(2026, 10, 1)).verdict is Verdict.BELOW
    assert latest_actual(target, date(2026, 10, 20)) == official


def test_latest_period_wins_even_as_an_estimate() -> None:
    official = fig("2026-9M", "39", recorded_on=date(2026, 10, 5))
    later = fig("2026-10", "43.5", estimate=True, recorded_on=date(2026, 10, 28))
    target = with_figures(shipped("7"), later, official)
    assert latest_actual(target, date(2026, 11, 1)) == later
    # For the same end, the longer period (9 months) rather than September alone.
    growth = with_figures(shipped("4.iip"), fig("2026-9M", "15.2"), fig("2026-09", "17"))
    assert latest_actual(growth, LATE) == fig("2026-9M", "15.2")


# ---------------------------------------------------------------- periods and references


@pytest.mark.parametrize(
    ("text", "code", "label", "share"),
    [
        ("2026-09", "2026-09", "Tháng 9/2026", (3, 4)),
        ("2026-9", "2026-09", "Tháng 9/2026", (3, 4)),
        ("2026-q3", "2026-Q3", "Quý III/2026", (3, 4)),
        ("2026-H1", "2026-H1", "6 tháng/2026", (1, 2)),
        ("2026-6M", "2026-H1", "6 tháng/2026", (1, 2)),
        ("2026-9M", "2026-9M", "9 tháng/2026", (3, 4)),
        ("2026-11m", "2026-11M", "11 tháng/2026", (11, 12)),
        ("2026-12M", "2026", "Năm 2026", (1, 1)),
        ("2026", "2026", "Năm 2026", (1, 1)),
        ("Quý III/2026", "2026-Q3", "Quý III/2026", (3, 4)),
        ("Tháng 9/2026", "2026-09", "Tháng 9/2026", (3, 4)),
        ("9 tháng/2026", "2026-9M", "9 tháng/2026", (3, 4)),
        ("6 tháng đầu năm 2026", "2026-H1", "6 tháng/2026", (1, 2)),
        ("năm 2026", "2026", "Năm 2026", (1, 1)),
    ],
)
def test_parse_period(text: str, code: str, label: str, share: tuple[int, int]) -> None:
    period = parse_period(text)
    assert (period.code, period.label) == (code, label)
    assert (period.share_of_year.numerator, period.share_of_year.denominator) == share
    Actual(period=period.code, value=Decimal(1))  # every canonical code is valid data


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-H2", "1999", "quý 3", "abc", "2026-13M"])
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_stored_period_spellings() -> None:
    assert Actual(period=2026, value=Decimal(1)).period == "2026"  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Actual(period="2026-6M", value=Decimal(1))  # written 2026-H1
    # Editors checking against `ctr199 schema indicators` see the same rule.
    schema = IndicatorsFile.model_json_schema()["$defs"]["Actual"]["properties"]["period"]
    assert schema["pattern"] == PERIOD_PATTERN


def test_resolve_reference() -> None:
    indicators = list(SHIPPED_INDICATORS.values())
    assert resolve_ref(indicators, "5").target.key == "tong"
    assert resolve_ref(indicators, "5.2").target.key == "noi-dia"
    assert resolve_ref(indicators, "5.nội-địa").target.key == "noi-dia"
    assert resolve_ref(indicators, "7.xuat-khau").code == "7"
    with pytest.raises(IndicatorUsageError, match=r"có: 5\.tong .*5\.noi-dia .*5\.xuat-nhap-khau"):
        resolve_ref(indicators, "5.4")
    with pytest.raises(IndicatorUsageError, match="không có chỉ tiêu số 23; các chỉ tiêu: 1–22"):
        resolve_ref(indicators, "23")
    with pytest.raises(IndicatorUsageError, match="không phải mã chỉ tiêu"):
        resolve_ref(indicators, "GRDP")


# ---------------------------------------------------------------- recording figures


def _diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    return removed, added


def test_record_changes_only_the_added_lines(shipped_copy: Path) -> None:
    path = shipped_copy / "indicators.yaml"
    before = path.read_text(encoding="utf-8")
    result = record_actual(
        shipped_copy, "7", "2026-09", "39,2", estimate=True, source="Báo cáo 245/BC-UBND", as_of=date(2026, 10, 5)
    )
    after = path.read_text(encoding="utf-8")
    removed, added = _diff(before, after)
    assert removed == ["        actuals: []"]
    assert added == [
        "        actuals:",
        "          - period: 2026-09",
        "            value: 39.2",
        "            estimate: true",
        "            source: Báo cáo 245/BC-UBND",
        "            recorded_on: 2026-10-05",
    ]
    assert result.ref == "7" and result.judgement.verdict is Verdict.EXCEEDED
    # A second figure of the same target: only its own lines are added, in period order.
    before = after
    record_actual(shipped_copy, "7", "2026-H1", "25", as_of=date(2026, 7, 10))
    removed, added = _diff(before, path.read_text(encoding="utf-8"))
    assert removed == [] and added[0] == "          - period: 2026-H1" and len(added) == 4
    figures = resolve_ref(load_indicators(shipped_copy), "7").target.actuals
    assert [a.period for a in figures] == ["2026-H1", "2026-09"]


@pytest.mark.parametrize(
    ("ref", "text", "value"),
    [
        ("5.tong", "194.935,654", "194935.654"),
        ("2.usd", "7.944,5", "7944.5"),
        ("1.grdp", "9,8", "9.8"),
        ("1", "9.8", "9.8"),
    ],
)
def test_vietnamese_numbers_stored_exactly(shipped_copy: Path, ref: str, text: str, value: str) -> None:
    record_actual(shipped_copy, ref, "2026", text, as_of=date(2026, 12, 31))
    indicators = load_indicators(shipped_copy)
    found = resolve_ref(indicators, ref)
    stored = found.target.actuals[0].value
    assert stored == Decimal(value) and str(stored) == value
    row = next(row for row in indicator_rows(indicators, LATE) if row.ref == found.code)
    assert row.as_dict()["value"] == value
    assert row.value_text.startswith(text.replace("9.8", "9,8") + ("%" if found.target.unit == "%" else " "))


def test_long_numbers_survive_the_float_reader(shipped_copy: Path) -> None:
    record_actual(shipped_copy, "6", "2026", "12.345.678.901.234.567,1", as_of=date(2026, 12, 31))
    stored = resolve_ref(load_indicators(shipped_copy), "6").target.actuals[0].value
    assert stored == Decimal("12345678901234567.1")
    assert "value: '12345678901234567.1'" in (shipped_copy / "indicators.yaml").read_text(encoding="utf-8")


def test_text_that_yaml_would_misread_is_quoted(shipped_copy: Path) -> None:
    record_actual(shipped_copy, "3", "2026", "30", source="yes", as_of=date(2026, 12, 31))
    assert resolve_ref(load_indicators(shipped_copy), "3").target.actuals[0].source == "yes"


@pytest.mark.parametrize(
    ("ref", "period", "value", "unit", "message"),
    [
        ("7", "2026-09", "39,2", "triệu USD", 'đơn vị "triệu USD" không khớp chỉ tiêu 7'),
        ("23", "2026-09", "1", None, "không có chỉ tiêu số 23"),
        ("5.thu-khac", "2026-09", "1", None, "5.noi-dia"),
        ("7", "2026-13", "1", None, "--period"),
        ("7", "2026-09", "ba mươi", None, "--value"),
        ("7", "2026-09", "-1", None, "không được âm"),
        ("3", "2026", "120", None, "tỷ lệ phải từ 0 đến 100%"),
        ("14.dti", "2026", "2,5", None, "thứ hạng phải là số nguyên"),
        ("14.dti", "2026", "35", None, "thứ hạng phải là số nguyên từ 1 đến 34"),
        ("14.pci", "2025", "4", None, "--period: kỳ Năm 2025 ngoài năm 2026 của các mục tiêu"),
        ("1", "2026-09", "120", None, "tốc độ tăng phải từ -100% đến 100%"),
        ("17", "2026", "1,2", None, "chỉ số phải từ 0 đến 1"),
        ("18", "2026-H1", "10,5", None, "số nguyên không âm"),
        ("7", "2026-11", "1", None, "trước khi kỳ Tháng 11/2026 bắt đầu"),
    ],
)
def test_refused_requests_write_nothing(
    shipped_copy: Path, ref: str, period: str, value: str, unit: str | None, message: str
) -> None:
    path = shipped_copy / "indicators.yaml"
    before = path.read_bytes()
    with pytest.raises(IndicatorUsageError, match=message):
        record_actual(shipped_copy, ref, period, value, unit=unit, as_of=date(2026, 10, 5))
    assert path.read_bytes() == before
    assert sorted(p.name for p in shipped_copy.iterdir()) == [
        "agencies.yaml",
        "groups.yaml",
        "indicators.yaml",
        "programme.yaml",
        "source",
        "tasks",
    ]


def test_matching_unit_is_accepted(shipped_copy: Path) -> None:
    record_actual(shipped_copy, "5.noi-dia", "2026-Q3", "80.000", unit="tỷ đồng", as_of=date(2026, 10, 5))
    record_actual(shipped_copy, "17", "2026", "0,79", unit="", as_of=date(2026, 10, 5))


def test_same_period_needs_replace(shipped_copy: Path) -> None:
    path = shipped_copy / "indicators.yaml"
    record_actual(shipped_copy, "7", "2026-09", "39,2", source="Báo cáo 1", as_of=date(2026, 10, 5))
    before = path.read_bytes()
    with pytest.raises(RefusedEdit, match=r"đã có số chính thức kỳ Tháng 9/2026: 39,2 tỷ USD.*--replace"):
        record_actual(shipped_copy, "7", "2026-09", "39,4", as_of=date(2026, 10, 6))
    assert path.read_bytes() == before
    # An estimate of the same period is another figure, kept beside the official one.
    kept = record_actual(shipped_copy, "7", "2026-09", "38", estimate=True, as_of=date(2026, 10, 6))
    assert kept.official_exists and kept.judgement.actual is not None and kept.judgement.actual.value == Decimal("39.2")
    before_text = path.read_text(encoding="utf-8")
    replaced = record_actual(
        shipped_copy, "7", "2026-09", "39,4", source="Báo cáo 2", as_of=date(2026, 10, 7), replace=True
    )
    assert replaced.replaced is not None and replaced.replaced.value == Decimal("39.2")
    removed, added = _diff(before_text, path.read_text(encoding="utf-8"))
    assert removed == [
        "            value: 39.2",
        "            source: Báo cáo 1",
        "            recorded_on: 2026-10-05",
    ]
    assert added == ["            value: 39.4", "            source: Báo cáo 2", "            recorded_on: 2026-10-07"]


def test_broken_file_is_refused_untouched(shipped_copy: Path) -> None:
    path = shipped_copy / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target: 52", "target: năm mươi hai"), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(RefusedEdit, match=r"indicators\.yaml:\d+:\d+: error\[schema\]"):
        record_actual(shipped_copy, "7", "2026-09", "39,2", as_of=date(2026, 10, 5))
    assert path.read_bytes() == before


def test_recorded_data_validates(shipped_copy: Path) -> None:
    from ctr199.loading import load_programme

    record_actual(shipped_copy, "14.pci", "2026", "4", as_of=date(2026, 4, 10))
    record_actual(shipped_copy, "21", "2026-Q3", "6", as_of=date(2026, 10, 5))
    _, report = load_programme(shipped_copy, as_of=date(2026, 11, 28))
    assert not report.errors
    _, early = load_programme(shipped_copy, as_of=date(2026, 10, 1))
    assert [f.code for f in early.errors] == ["log-future"]


def test_rows_for_the_brief(tmp_path: Path) -> None:
    from .conftest import FIXTURES, make_data_dir

    root = make_data_dir(tmp_path / "data", FIXTURES / "valid" / "indicator-actuals")
    rows = {row.ref: row for row in indicator_rows(load_indicators(root), date(2026, 11, 28))}
    assert {ref: row.verdict for ref, row in rows.items()} == {
        "1": Verdict.MET,  # 12,6% in 9 months, about 13% ± 0,5
        "7": Verdict.EXCEEDED,  # 39,2 official > 39 (9/12 of 52)
        "12": Verdict.MET,  # 3 within 2,85–3,225 by Q3
        "14.dti": Verdict.STRETCH,
        "14.pci": Verdict.BELOW,
        "18": Verdict.BELOW,  # 3.000 < 3.567,5
        "22.cac-loai-toi-pham": Verdict.BELOW,  # exactly 75 is not above 75%
        "22.rat-nghiem-trong": Verdict.NO_DATA,
    }
    exports = rows["7"]
    assert (exports.value_text, exports.period_label, exports.estimate) == ("39,2 tỷ USD", "Tháng 9/2026", False)
    assert (exports.target_text, exports.expected_text, exports.attainment) == (
        "52 tỷ USD",
        "39 tỷ USD",
        Decimal("75.4"),
    )
    assert rows["12"].target_text == "từ 3,8 đến 4,3 tỷ USD" and rows["12"].expected_text == "từ 2,85 đến 3,225 tỷ USD"
    assert (rows["14.dti"].target_text, rows["14.dti"].stretch_text, rows["14.dti"].value_text) == (
        "top 5",
        "top 3",
        "hạng 2",
    )
    assert rows["1"].estimate and rows["1"].target_text == "khoảng 13%"
    assert rows["22.cac-loai-toi-pham"].target_text == "trên 75%"
    # Before the official export figure was recorded, the estimate of September counted.
    early = {row.ref: row for row in indicator_rows(load_indicators(root), date(2026, 10, 1))}
    assert (early["7"].value, early["7"].estimate, early["7"].verdict) == (Decimal("38.5"), True, Verdict.BELOW)
    assert early["22.cac-loai-toi-pham"].verdict is Verdict.NO_DATA
