"""`ctr199 indicator set|show` and `ctr199 indicators` through the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.store import load_fast

from .conftest import FIXTURES, make_data_dir

runner = CliRunner()


def _fixture(tmp_path: Path) -> Path:
    return make_data_dir(tmp_path / "data", FIXTURES / "valid" / "indicator-actuals")


def test_set_records_and_judges(shipped_copy: Path) -> None:
    result = runner.invoke(
        app,
        [
            "indicator",
            "set",
            "5.noi-dia",
            "--period",
            "9 tháng/2026",
            "--value",
            "80.000,5",
            "--estimate",
            "--source",
            "Báo cáo 245/BC-UBND",
            "--unit",
            "tỷ đồng",
            "--date",
            "05/10/2026",
            "--data",
            str(shipped_copy),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Đã ghi 5.noi-dia" in result.output and "9 tháng/2026: 80.000,5 tỷ đồng (ước tính)" in result.output
    assert "77.374,5 tỷ đồng → vượt" in result.output  # 3/4 of 103.166
    text = (shipped_copy / "indicators.yaml").read_text(encoding="utf-8")
    assert "          - period: 2026-9M\n            value: 80000.5\n            estimate: true\n" in text


def test_negative_growth_is_a_value_not_an_option(shipped_copy: Path) -> None:
    args = ["indicator", "set", "1.nong-lam-thuy-san", "-p", "2026-Q1", "-v", "-2,5", "--date", "2026-04-05"]
    result = runner.invoke(app, [*args, "-d", str(shipped_copy)])
    assert result.exit_code == 0, result.output
    assert "-2,5%" in result.output and "chưa đạt" in result.output


def test_refusals_exit_codes_and_nothing_written(shipped_copy: Path) -> None:
    path = shipped_copy / "indicators.yaml"
    base = ["indicator", "set", "--data", str(shipped_copy), "--date", "2026-10-05"]
    ok = runner.invoke(app, [*base, "7", "--period", "2026-09", "--value", "39,2"])
    assert ok.exit_code == 0, ok.output
    before = path.read_bytes()
    cases = {
        ("7", "--period", "2026-09", "--value", "39,2", "--unit", "triệu USD"): 2,
        ("99", "--period", "2026-09", "--value", "1"): 2,
        ("5.khac", "--period", "2026-09", "--value", "1"): 2,
        ("7", "--period", "2026-Q5", "--value", "1"): 2,
        ("7", "--period", "2026-09", "--value", "9,8,7"): 2,
        ("7", "--period", "2026-09", "--value", "40"): 1,  # already recorded: needs --replace
    }
    for args, code in cases.items():
        result = runner.invoke(app, [*base, *args])
        assert result.exit_code == code, (args, result.output)
        assert result.output.startswith("Lỗi: ") and "Traceback" not in result.output
        assert path.read_bytes() == before, args
    # The recording date is --date; --as-of, the reference date of every other command, is not taken here.
    for args in (("--as-of", "2026-10-05"), ("--date", "31/02/2026")):
        result = runner.invoke(
            app, ["indicator", "set", "-d", str(shipped_copy), "7", "-p", "2026-08", "-v", "1", *args]
        )
        assert result.exit_code == 2 and result.output.startswith(
            f"Lỗi: {'không có tùy chọn --as-of' if args[0] == '--as-of' else '--date: '}"
        )
        assert path.read_bytes() == before, args
    replaced = runner.invoke(app, [*base, "7", "--period", "2026-09", "--value", "40", "--replace"])
    assert replaced.exit_code == 0 and "Thay cho số đã ghi trước: 39,2 tỷ USD" in replaced.output


def test_indicators_table_json_csv(tmp_path: Path) -> None:
    root = _fixture(tmp_path)
    table = runner.invoke(app, ["indicators", "--data", str(root), "--as-of", "28/11/2026"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0] == "CÁC CHỈ TIÊU CHỦ YẾU — số liệu đến ngày 28/11/2026"
    assert lines[2].split() == [
        "Mã",
        "Chỉ",
        "tiêu",
        "Mục",
        "tiêu",
        "Phấn",
        "đấu",
        "Thực",
        "hiện",
        "Kỳ",
        "%",
        "KH",
        "năm",
        "Đánh",
        "giá",
    ]
    exports = next(line for line in lines if line.startswith("7 "))
    assert "52 tỷ USD" in exports and "39,2 tỷ USD" in exports and "Tháng 9/2026" in exports
    assert "75,4%" in exports and exports.endswith("vượt")
    assert next(line for line in lines if line.startswith("14.dti")).endswith("đạt mức phấn đấu")
    assert next(line for line in lines if line.startswith("22.rat-nghiem-trong")).endswith("chưa có số liệu")
    assert "1 đạt mức phấn đấu, 1 vượt, 2 đạt, 3 chưa đạt, 1 chưa có số liệu" in lines[-1]

    payload = json.loads(
        runner.invoke(app, ["indicators", "-d", str(root), "--as-of", "2026-11-28", "-f", "json"]).output
    )
    assert payload["as_of"] == "2026-11-28"
    fdi = next(row for row in payload["targets"] if row["ref"] == "12")
    assert (fdi["value"], fdi["period"], fdi["verdict"], fdi["verdict_label"]) == ("3", "2026-Q3", "met", "đạt")
    assert (fdi["expected"], fdi["recorded_on"]) == ("2.85", "2026-10-15")

    output = runner.invoke(app, ["indicators", "-d", str(root), "--as-of", "2026-11-28", "-f", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 8 and rows[0]["ref"] == "1" and rows[0]["estimate"] == "true"
    assert rows[0]["value"] == "12.6" and rows[0]["value_text"] == "12,6%"


def test_indicators_as_of_leaves_out_later_figures(tmp_path: Path) -> None:
    root = _fixture(tmp_path)
    result = runner.invoke(app, ["indicators", "-d", str(root), "--as-of", "2026-06-30", "-f", "json"])
    verdicts = {row["ref"]: row["verdict"] for row in json.loads(result.output)["targets"]}
    assert verdicts["7"] == verdicts["12"] == verdicts["1"] == "no_data"
    assert verdicts["14.dti"] == "stretch"  # recorded 20/05/2026


def test_indicators_usage_and_data_errors(tmp_path: Path) -> None:
    root = _fixture(tmp_path)
    assert runner.invoke(app, ["indicators", "-d", str(root), "-f", "xml"]).exit_code == 2
    assert runner.invoke(app, ["indicators", "-d", str(root), "--as-of", "31/02/2026"]).exit_code == 2
    path = root / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 3\n", "value: ba\n"), encoding="utf-8")
    broken = runner.invoke(app, ["indicators", "-d", str(root)])
    assert broken.exit_code == 1 and "indicators.yaml:" in broken.output and "error[schema]" in broken.output


def test_show_lists_every_figure(tmp_path: Path) -> None:
    root = _fixture(tmp_path)
    result = runner.invoke(app, ["indicator", "show", "7", "-d", str(root), "--as-of", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert "Chỉ tiêu 7: Kim ngạch xuất khẩu" in result.output
    assert "→ Tháng 9/2026: 38,5 tỷ USD (ước tính, ghi ngày 25/09/2026)" in result.output
    assert "Tháng 9/2026: 39,2 tỷ USD (chính thức, ghi ngày 12/10/2026, chưa tính đến ngày 01/10/2026)" in result.output
    assert runner.invoke(app, ["indicator", "show", "99", "-d", str(root)]).exit_code == 2


def test_help_is_vietnamese() -> None:
    result = runner.invoke(app, ["indicator", "--help"])
    assert result.exit_code == 0 and "set" in result.output and "show" in result.output
    assert "Ghi số liệu" in runner.invoke(app, ["indicator", "set", "--help"]).output
    assert "chỉ tiêu chủ yếu" in runner.invoke(app, ["--help"]).output


def test_a_source_yaml_would_misread_keeps_the_file_in_fmt_layout(shipped_copy: Path) -> None:
    sources = ["Sở Tài chính: báo cáo nhanh", "BC #12", "- ước", "yes", "2026-10-05"]
    for number, source in enumerate(sources, start=1):
        args = ["indicator", "set", "7", "-p", f"2026-0{number}", "-v", "1", "--source", source, "--date", "2026-10-05"]
        result = runner.invoke(app, [*args, "-d", str(shipped_copy)])
        assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["fmt", "--check", str(shipped_copy)])
    assert check.exit_code == 0, check.output
    [indicator] = [i for i in load_fast(shipped_copy / "indicators.yaml")["indicators"] if i["id"] == 7]
    assert [actual["source"] for actual in indicator["targets"][0]["actuals"]] == sources
