"""Key indicators: absurd figures typed on the command line or written into indicators.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import tree_digest
from .common import error_line, invoke, run_process

_EXAMPLES = "(ví dụ hợp lệ: 9,8 · 7.944,5 · 9.8)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e999999", f'--value: "1e999999" không phải là số {_EXAMPLES}'),
        ("NaN", f'--value: "NaN" không phải là số {_EXAMPLES}'),
        ("Infinity", f'--value: "Infinity" không phải là số {_EXAMPLES}'),
        ("-Infinity", f'--value: "-Infinity" không phải là số {_EXAMPLES}'),
        ("1.2.3", f'--value: "1.2.3" không phải là số {_EXAMPLES}'),
        ("", f'--value: "" không phải là số {_EXAMPLES}'),
        ("-0", '--value: "-0": số 0 không có dấu âm; ghi 0'),
        ("-0,00", '--value: "-0,00": số 0 không có dấu âm; ghi 0'),
        ("1e999", '--value: "1e999": số quá lớn (tối đa 18 chữ số phần nguyên)'),
        ("1e300", '--value: "1e300": số quá lớn (tối đa 18 chữ số phần nguyên)'),
        ("1e-999", '--value: "1e-999": quá nhiều chữ số (tối đa 28 chữ số có nghĩa)'),
        ("0," + "1" * 40, f'--value: "0,{"1" * 40}": quá nhiều chữ số (tối đa 28 chữ số có nghĩa)'),
    ],
)
def test_absurd_value_is_refused_and_nothing_written(data: Path, value: str, message: str) -> None:
    before = tree_digest(data)
    result = invoke("indicator", "set", "7", "-p", "2026-01", "-v", value, "--date", "2026-03-02", "-d", "data")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result) == f"Lỗi: {message}"
    assert tree_digest(data) == before


def test_control_character_in_the_source_is_refused(data: Path) -> None:
    before = tree_digest(data)
    result = invoke(
        "indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "--source", "Báo cáo\x1b[8m ẩn",
        "--date", "2026-03-02", "-d", "data",
    )  # fmt: skip
    assert result.exit_code == 2
    assert error_line(result) == (
        "Lỗi: --source: có ký tự điều khiển U+001B (không in được, thường do dán từ Word/Excel); xóa ký tự này"
    )
    assert tree_digest(data) == before


def test_largest_allowed_figure_is_stored_exactly(data: Path) -> None:
    """The bound is not a cut: 18 whole digits and 28 significant digits still record exactly."""
    value = "123.456.789.012.345.678,9012345678"
    result = invoke("indicator", "set", "6", "-p", "2026", "-v", value, "--date", "2026-12-31", "-d", "data")
    assert result.exit_code == 0, result.stderr
    assert "value: '123456789012345678.9012345678'" in (data / "indicators.yaml").read_text(encoding="utf-8")
    assert invoke("validate", "data", "--as-of", "2026-12-31").exit_code == 0


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("1e5000", "giá trị số quá lớn (tối đa 18 chữ số phần nguyên)"),
        ("'1e400'", "giá trị số quá lớn (tối đa 18 chữ số phần nguyên)"),
        ("'-0'", "giá trị số 0 không có dấu âm; ghi 0"),
    ],
)
def test_absurd_value_in_the_file_is_a_located_error_for_every_command(data: Path, written: str, problem: str) -> None:
    path = data / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("actuals: []", f"actuals:\n          - period: 2026\n            value: {written}\n", 1),
        encoding="utf-8",
    )
    before = tree_digest(data)
    finding = f"data/indicators.yaml:19:20: error[indicator]: chỉ tiêu 1.grdp, kỳ 2026: {problem}"
    checked = invoke("validate", "data", "--as-of", "2026-11-28")
    assert checked.exit_code == 1
    assert [line for line in checked.stdout.splitlines() if "error[" in line] == [finding]
    refusal = f"Lỗi: {finding}; sửa rồi chạy lại (ctr199 validate để xem hết)"
    for args in (
        ["indicators", "-d", "data", "--as-of", "2026-11-28"],
        ["indicators", "-d", "data", "-f", "csv"],
        ["indicator", "show", "1", "-d", "data"],
        ["indicator", "set", "2", "-p", "2026", "-v", "5", "--date", "2026-11-28", "-d", "data"],
    ):
        result = invoke(*args)
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert error_line(result) == refusal, args
    shown = run_process("indicator", "show", "1", "-d", "data", cwd=data.parent)
    assert (shown.returncode, shown.stderr) == (1, refusal + "\n")
    assert tree_digest(data) == before


# ---------------------------------------------------------------- separators, bounds and the programme year

_SET = ("indicator", "set")


@pytest.mark.parametrize(
    ("ref", "value", "message"),
    [
        (
            "17",
            "1.234",
            '--value: "1.234" không hợp với chỉ tiêu 17 theo cách đọc nào: 1234 (dấu chấm ngăn cách hàng nghìn): '
            "chỉ số phải từ 0 đến 1; 1,234 (dấu chấm thập phân): chỉ số phải từ 0 đến 1",
        ),
        (
            "5",
            "1.234",
            '--value: "1.234" đọc được hai cách với chỉ tiêu 5.tong: 1234 (dấu chấm ngăn cách hàng nghìn) hoặc '
            "1,234 (dấu chấm thập phân); ghi 1234 hoặc 1,2340 cho rõ",
        ),
        (
            "5",
            "1,234",
            '--value: "1,234" đọc được hai cách với chỉ tiêu 5.tong: 1,234 (dấu phẩy thập phân) hoặc '
            "1234 (dấu phẩy ngăn cách hàng nghìn); ghi 1,2340 hoặc 1234 cho rõ",
        ),
        ("17", "1,2", "17 (Chỉ số phát triển con người (HDI)): chỉ số phải từ 0 đến 1, đang là 1,2"),
        (
            "1",
            "120",
            "1.grdp (Tốc độ tăng trưởng GRDP so với năm 2025): tốc độ tăng phải từ -100% đến 100%, đang là 120",
        ),
        (
            "1",
            "-100,5",
            "1.grdp (Tốc độ tăng trưởng GRDP so với năm 2025): tốc độ tăng phải từ -100% đến 100%, đang là -100,5",
        ),
        (
            "14.pci",
            "35",
            "14.pci (Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)): thứ hạng phải là số nguyên từ 1 đến 34 "
            "(số tỉnh, thành phố), đang là 35",
        ),
        ("3", "100,5", "3 (Tỷ trọng kinh tế số trong GRDP): tỷ lệ phải từ 0 đến 100%, đang là 100,5"),
    ],
)
def test_number_that_fits_no_reading_or_two_is_refused(data: Path, ref: str, value: str, message: str) -> None:
    before = tree_digest(data)
    result = invoke(*_SET, ref, "-p", "2026", "-v", value, "--date", "2026-12-20", "-d", "data")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result) == f"Lỗi: {message}"
    assert tree_digest(data) == before


@pytest.mark.parametrize(
    ("ref", "value", "stored", "note"),
    [
        ("17", "0.795", "0.795", None),  # no thousands group starts with 0
        ("2", "7,944.5", "7944.5", None),  # both separators: the last one marks decimals
        ("2", "7.944,5", "7944.5", None),
        (
            "1",
            "13.000",
            "13",
            'Lưu ý: "13.000" được đọc là 13% (dấu chấm thập phân); đọc là 13000 (dấu chấm ngăn cách hàng nghìn) '
            "thì tốc độ tăng phải từ -100% đến 100%.",
        ),
        (
            "13",
            "7.500",
            "7500",
            'Lưu ý: "7.500" được đọc là 7.500 doanh nghiệp (dấu chấm ngăn cách hàng nghìn); đọc là 7,5 (dấu chấm '
            "thập phân) thì số lượng (doanh nghiệp) phải là số nguyên không âm.",
        ),
        (
            "7",
            "39.200",
            "39.2",
            'Lưu ý: "39.200" được đọc là 39,2 tỷ USD (dấu chấm thập phân); đọc là 39200 (dấu chấm ngăn cách hàng '
            "nghìn) thì gấp 754 lần mục tiêu 52 tỷ USD.",
        ),
    ],
)
def test_number_read_by_the_target_when_one_reading_fits(
    data: Path, ref: str, value: str, stored: str, note: str | None
) -> None:
    result = invoke(*_SET, ref, "-p", "2026", "-v", value, "--date", "2026-12-20", "-d", "data")
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("Lưu ý: ")]
    assert notes == ([note] if note else [])
    assert f"            value: {stored}\n" in (data / "indicators.yaml").read_text(encoding="utf-8")


def test_period_outside_the_programme_year_is_refused(data: Path) -> None:
    before = tree_digest(data)
    result = invoke(*_SET, "14.pci", "-p", "2025", "-v", "4", "--date", "2026-05-20", "-d", "data")
    assert result.exit_code == 2
    assert error_line(result) == (
        "Lỗi: --period: kỳ Năm 2025 ngoài năm 2026 của các mục tiêu; chỉ ghi số liệu của năm 2026"
    )
    assert tree_digest(data) == before


def test_period_outside_the_programme_year_in_the_file_is_a_located_error(data: Path) -> None:
    path = data / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("actuals: []", "actuals:\n          - period: 2025-12\n            value: 12\n", 1),
        encoding="utf-8",
    )
    checked = invoke("validate", "data", "--as-of", "2026-11-28")
    assert checked.exit_code == 1
    assert (
        "data/indicators.yaml:18:21: error[indicator]: chỉ tiêu 1.grdp, kỳ 2025-12: "
        "kỳ Tháng 12/2025 ngoài năm 2026 của các mục tiêu; chỉ ghi số liệu của năm 2026"
    ) in checked.stdout.splitlines()
