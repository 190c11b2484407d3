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
