"""`ctr199 brief`: the template data, the three formats, periods, filters and writing files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import types
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from typer.testing import CliRunner

import ctr199.brief as brief_module
from ctr199.brief import (
    BriefError,
    BriefRequest,
    IndicatorRow,
    RecordedChange,
    build_brief,
    choose_period,
    iso_week,
    latest_actual,
    parse_week,
    period_end,
    place_date,
    read_recommendations,
)
from ctr199.cli import app
from ctr199.models import Actual, Target
from ctr199.programme import load_programme
from ctr199.templating import Format, builtin_dir, choose_template, render_text

from .brief_helpers import OVERDUE, SNAPSHOTS, brief_data, docx_tables, docx_text, parse_html
from .conftest import AS_OF, FIXTURES, ROOT, make_data_dir

runner = CliRunner()
W48 = ["--as-of", AS_OF.isoformat()]


@pytest.fixture(autouse=True)
def without_optional_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Briefs here are built without git history and indicator judgements, whether or not those
    modules are installed, so that the expected output is fixed; the adapters have their own tests."""
    monkeypatch.setattr(brief_module, "_optional_module", lambda name: None)


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# ---------------------------------------------------------------- Markdown


def test_markdown_snapshot(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    recommendations = tmp_path / "kien-nghi.txt"
    recommendations.write_text(
        "- Sở Xây dựng báo cáo tiến độ Dự án Cảng Nam Đồ Sơn\n\n2. Bổ sung số liệu chỉ tiêu tháng 11\n", "utf-8"
    )
    code, output = run(
        "brief",
        "-d",
        root,
        *W48,
        "--recommendations-file",
        recommendations,
        "--recommendation",
        "Họp giao ban ngày 01/12",
    )
    assert code == 0, output
    snapshot = SNAPSHOTS / "brief-2026-W48.md"
    if os.environ.get("CTR199_UPDATE_SNAPSHOTS"):
        snapshot.write_text(output, encoding="utf-8")
    assert output == snapshot.read_text(encoding="utf-8")


def test_markdown_content_is_what_the_fixture_implies(tmp_path: Path) -> None:
    code, output = run("brief", "-d", brief_data(tmp_path), *W48)
    assert code == 0, output
    assert "Tuần 48/2026 (từ 23/11/2026 đến 29/11/2026)" in output
    assert "Tổng số nhiệm vụ theo dõi: **9**" in output
    assert "- Đang thực hiện quá hạn: 4 nhiệm vụ (44,4%)" in output
    assert "| **Tổng cộng** | **9** | **1** | **1** | **2** | **4** | **1** |" in output
    # Overdue grouped by lead agency, most items first, each with its appendix number and days late.
    assert (
        output.index("### Sở Xây dựng (2)") < output.index("### Sở Nội vụ (1)") < output.index("### Sở Tài chính (1)")
    )
    assert "| (65) | Hoàn thành và đưa vào vận hành" in output and "*Mốc 1: Khởi công* | 31/03/2026 | 242 |" in output
    assert "| (37) | Dự án Cảng Nam Đồ sơn (Bên khởi động) | 31/05/2026 | 181 |" in output
    # Due within 14 days, and the four log entries dated in the week (not the one of 01/06/2026).
    assert "| (46) |" in output and "| 30/11/2026 | 2 |" in output
    assert output.count("/11/2026 | (") == 4 and "Đang lập hồ sơ dự án" not in output
    assert "| 4 | Chỉ số sản xuất công nghiệp (IIP) | ≥ 15,5% | 16% | 14,8% (Tháng 10/2026) |" in output
    assert "(Chưa có kiến nghị.)" in output


def test_period_options(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    code, output = run("brief", "-d", root, *W48, "--week", "2026-W47")
    assert code == 0 and "Tuần 47/2026 (từ 16/11/2026 đến 22/11/2026)" in output
    assert "Không có cập nhật nào trong kỳ." in output
    code, output = run("brief", "-d", root, *W48, "--from", "01/06/2026", "--to", "2026-11-23")
    assert code == 0 and "Từ 01/06/2026 đến 23/11/2026" in output
    assert "Đang lập hồ sơ dự án" in output and "Đã trình thẩm định" not in output
    code, output = run("brief", "-d", root, *W48, "--from", "2026-11-24")
    assert code == 0 and "Từ 24/11/2026 đến 28/11/2026" in output
    for bad in (
        ["--week", "2026-W48", "--from", "2026-11-01"],
        ["--week", "2027-W53"],
        ["--week", "48"],
        ["--to", "2026-11-01"],
        ["--from", "2026-11-20", "--to", "2026-11-01"],
        ["--from", "31/02/2026"],
    ):
        code, output = run("brief", "-d", root, *W48, *bad)
        assert code == 2, (bad, output)
        assert output.startswith("Lỗi: ")


def test_iso_weeks_and_place_date() -> None:
    assert iso_week(date(2026, 1, 1)).model_dump() == {
        "start": date(2025, 12, 29),
        "end": date(2026, 1, 4),
        "week": "2026-W01",
    }
    assert parse_week("2026-w53").end == date(2027, 1, 3)  # 2026 has 53 ISO weeks
    with pytest.raises(BriefError):
        parse_week("2027-W53")
    assert choose_period(AS_OF, week=None, start=None, end=None).week == "2026-W48"
    # Decree 30: leading zero for days below 10 and for January and February only.
    assert place_date(date(2026, 2, 5)) == "Hải Phòng, ngày 05 tháng 02 năm 2026"
    assert place_date(date(2026, 3, 9)) == "Hải Phòng, ngày 09 tháng 3 năm 2026"
    assert place_date(AS_OF) == "Hải Phòng, ngày 28 tháng 11 năm 2026"


def test_filters_by_agency_and_group(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    code, output = run("brief", "-d", root, *W48, "--agency", "so xay dung")
    assert code == 0, output
    assert "phạm vi: cơ quan chủ trì Sở Xây dựng" in output
    assert "Tổng số nhiệm vụ theo dõi: **3**" in output  # 33, 36, 37
    assert "### Sở Xây dựng (2)" in output and "Sở Nội vụ" not in output and "(46)" not in output
    code, output = run("brief", "-d", root, *W48, "--group", "3")
    assert code == 0 and "Tổng số nhiệm vụ theo dõi: **1**" in output and "| (18) |" in output
    assert run("brief", "-d", root, *W48, "--agency", "Sở Không Có")[0] == 2
    assert run("brief", "-d", root, *W48, "--group", "42")[0] == 2


def test_broken_data_is_refused(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data", FIXTURES / "invalid" / "unknown-agency")
    code, output = run("brief", "-d", root, *W48)
    assert code == 1 and "ctr199 validate" in output


def test_recommendations_file_format() -> None:
    text = "Kiến nghị:\n- một\n  * hai\n\n3) ba\n10. mười & <b>\n"
    assert read_recommendations(text) == ["Kiến nghị:", "một", "hai", "ba", "mười & <b>"]


def test_latest_actual_is_the_latest_period_known_on_the_date() -> None:
    target = Target(
        key="grdp",
        name="GRDP",
        kind="growth",
        unit="%",
        target=Decimal(13),
        actuals=[
            Actual(period="2026-Q3", value=Decimal("9.5"), recorded_on=date(2026, 10, 10)),
            Actual(period="2026-H1", value=Decimal("8.0")),
            Actual(period="2026-10", value=Decimal("9.9"), recorded_on=date(2026, 11, 30)),
        ],
    )
    latest = latest_actual(target, AS_OF)
    assert latest is not None and latest.value == Decimal("9.5")
    assert period_end("2026-9M") == date(2026, 9, 30) and period_end("2026-Q4") == date(2026, 12, 31)
    assert period_end("2026-2M") == date(2026, 2, 28) and period_end("2026-H1") == date(2026, 6, 30)


def test_optional_inputs_plug_into_every_template(tmp_path: Path) -> None:
    """Git changes and judged indicators are optional inputs; given, every format shows them."""
    programme, _ = load_programme(brief_data(tmp_path), as_of=AS_OF)
    change = RecordedChange(
        date="24/11/2026",
        date_iso=date(2026, 11, 24),
        number="(37)",
        task_id=37,
        title="Dự án Cảng Nam Đồ sơn (Bên khởi động)",
        summary="trạng thái: Chưa thực hiện → Đang thực hiện",
        author="Nguyễn Văn A",
        commit="abc1234",
    )
    judged = IndicatorRow(
        number=4,
        indicator="IIP",
        name="Chỉ số sản xuất công nghiệp (IIP)",
        unit="%",
        target="≥ 15,5%",
        stretch="16%",
        latest="14,8%",
        latest_period="Tháng 10/2026",
        judgement="Chậm so với kế hoạch",
    )
    request = BriefRequest(period=iso_week(AS_OF), as_of=AS_OF)
    data = build_brief(programme, request, recorded_changes=[change], indicator_rows=[judged]).model_dump(mode="json")
    assert data["indicators_judged"] is True
    markdown = render_text(choose_template("brief", Format.md, None), data)
    assert "| 24/11/2026 | (37) | Dự án Cảng Nam Đồ sơn (Bên khởi động) | trạng thái: Chưa thực hiện → Đang" in markdown
    assert "| Đánh giá |" in markdown and "| Chậm so với kế hoạch |" in markdown
    html = parse_html(render_text(choose_template("brief", Format.html, None), data)).visible_text()
    assert "Nguyễn Văn A" in html and "Chậm so với kế hoạch" in html
    without = build_brief(programme, request, recorded_changes=[]).model_dump(mode="json")
    assert "Không có thay đổi dữ liệu nào trong kỳ." in render_text(choose_template("brief", Format.md, None), without)


# ---------------------------------------------------------------- adapters to ctr199.history and ctr199.indicators


def _fake_history(report: object | None) -> types.ModuleType:
    """Stands in for ctr199.history with the same names: collect_changes, describe, HistoryError."""
    module = types.ModuleType("ctr199.history")

    class HistoryError(Exception):
        pass

    def collect_changes(data_dir: Path, *, since: date, until: date | None = None) -> object:
        module.calls.append((data_dir, since, until))  # type: ignore[attr-defined]
        if report is None:
            raise HistoryError("không phải kho git")
        return report

    def describe(change: SimpleNamespace) -> str:
        return f"Trạng thái: {change.before} → {change.after}"

    module.calls = []  # type: ignore[attr-defined]
    module.HistoryError = HistoryError  # type: ignore[attr-defined]
    module.collect_changes = collect_changes  # type: ignore[attr-defined]
    module.describe = describe  # type: ignore[attr-defined]
    return module


def _commit(day: int, author: str, sha: str) -> SimpleNamespace:
    when = datetime(2026, 11, day, 16, 30, tzinfo=timezone(timedelta(hours=7)))
    return SimpleNamespace(date=when, author=author, short=sha)


def _use(monkeypatch: pytest.MonkeyPatch, **modules: types.ModuleType) -> None:
    monkeypatch.setattr(brief_module, "_optional_module", lambda name: modules.get(name.rsplit(".", 1)[-1]))


def test_git_changes_of_the_period_come_from_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = SimpleNamespace(
        tasks=[
            SimpleNamespace(
                task_id=18,
                title="Sơ kết 01 năm",
                changes=[SimpleNamespace(commit=_commit(25, "Trần B", "bbbbbbb"), before="A & <B>", after="C")],
            ),
            SimpleNamespace(
                task_id=37,
                title="Dự án Cảng Nam Đồ sơn (Bên khởi động)",
                changes=[SimpleNamespace(commit=_commit(24, "Nguyễn Văn A", "aaaaaaa"), before="X", after="Y")],
            ),
        ]
    )
    history = _fake_history(report)
    _use(monkeypatch, history=history)
    root = brief_data(tmp_path)
    code, output = run("brief", "-d", root, *W48)
    assert code == 0, output
    assert history.calls == [(root, date(2026, 11, 23), date(2026, 11, 29))]  # type: ignore[attr-defined]
    first = "| 24/11/2026 | (37) | Dự án Cảng Nam Đồ sơn (Bên khởi động) | Trạng thái: X → Y (Nguyễn Văn A) |"
    second = "| 25/11/2026 | (18) | Sơ kết 01 năm | Trạng thái: A & <B> → C (Trần B) |"
    assert output.index(first) < output.index(second)
    code, output = run("brief", "-d", root, *W48, "--agency", "Sở Xây dựng")
    assert first in output and "(18)" not in output  # narrowed briefs show their own tasks' changes
    out = tmp_path / "b.html"
    assert run("brief", "-d", root, *W48, "-o", out)[0] == 0
    assert "Trạng thái: A &amp; &lt;B&gt; → C" in out.read_text(encoding="utf-8")

    _use(monkeypatch, history=_fake_history(None))  # HistoryError: not a git repository, no git…
    code, output = run("brief", "-d", root, *W48)
    assert code == 0 and "Chưa có thông tin từ lịch sử git của thư mục dữ liệu." in output


def test_indicator_judgements_come_from_indicators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def row(verdict: str, label: str, expected: str = "", **fields: object) -> SimpleNamespace:
        base = {
            "indicator_id": 4,
            "indicator_name": "Chỉ số sản xuất công nghiệp",
            "name": "Chỉ số sản xuất công nghiệp (IIP)",
            "unit": "%",
            "target_text": "15,5%",
            "stretch_text": "16%",
            "value_text": "14,8%",
            "period_label": "Tháng 10/2026",
            "estimate": True,
        }
        base.update(fields)
        return SimpleNamespace(
            verdict=SimpleNamespace(value=verdict), verdict_label=label, expected_text=expected, **base
        )

    module = types.ModuleType("ctr199.indicators")
    seen: list[tuple[object, date]] = []

    def indicator_rows(indicators: object, as_of: date) -> list[SimpleNamespace]:
        seen.append((indicators, as_of))
        return [
            row("below", "chưa đạt"),
            row("met", "đạt", "39 tỷ USD", indicator_id=7, name="Kim ngạch xuất khẩu", target_text="52 tỷ USD"),
            row("no_data", "chưa có số liệu", indicator_id=8, name="Hàng hóa qua cảng", value_text="", period_label=""),
        ]

    module.indicator_rows = indicator_rows  # type: ignore[attr-defined]
    _use(monkeypatch, indicators=module)
    code, output = run("brief", "-d", brief_data(tmp_path), *W48)
    assert code == 0, output
    assert len(seen) == 1 and seen[0][1] == AS_OF and len(seen[0][0]) == 4  # type: ignore[arg-type]
    assert "| Thực hiện (số liệu mới nhất) | Đánh giá |" in output
    assert (
        "| 4 | Chỉ số sản xuất công nghiệp (IIP) | 15,5% | 16% | 14,8% (Tháng 10/2026, ước tính) | Chưa đạt |" in output
    )
    assert (
        "| 7 | Kim ngạch xuất khẩu | 52 tỷ USD | 16% | 14,8% (Tháng 10/2026, ước tính) | Đạt (kế hoạch lũy kế" in output
    )
    assert "| 8 | Hàng hóa qua cảng | 15,5% | 16% | Chưa có số liệu |  |" in output


def test_optional_module_absent_or_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real lookup, not the autouse stand-in
    assert brief_module._optional_module("ctr199.no_such_module") is None
    (tmp_path / "needs_missing.py").write_text("import no_such_dependency_ctr199\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):  # a module that exists but cannot import is a real error
        brief_module._optional_module("needs_missing")


# ---------------------------------------------------------------- Word


def _assert_decree_30_layout(path: Path) -> None:
    document = Document(str(path))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)

    # Word stores margins in twips (1/1440 inch): 15 mm is 850 twips, 14.99 mm.
    def within(value: int, low: float, high: float) -> bool:
        return Mm(low - 0.05) <= value <= Mm(high + 0.05)

    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    for paragraph in document.paragraphs:  # no run overrides the body font
        for run in paragraph.runs:
            assert run.font.name in (None, "Times New Roman")
    text = docx_text(path)
    assert "Hải Phòng, ngày 28 tháng 11 năm 2026" in text
    assert "{{" not in text and "{%" not in text
    data_tables = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert data_tables
    for table in data_tables:  # header rows repeat on every page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_state_template(tmp_path: Path) -> None:
    out = tmp_path / "brief.docx"
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "-o", out)
    assert code == 0 and "Đã ghi báo cáo" in output
    _assert_decree_30_layout(out)
    text = docx_text(out)
    assert "UBND THÀNH PHỐ HẢI PHÒNG" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text and "ĐẢNG CỘNG SẢN" not in text
    rows = [row for table in docx_tables(out) for row in table]
    for number, title in OVERDUE.items():
        assert any(row[0] == number and row[1].startswith(title) for row in rows), number
    assert ["(37)", "Dự án Cảng Nam Đồ sơn (Bên khởi động)", "31/05/2026", "181"] in rows
    assert any(row[0].startswith("Sở Xây dựng (2 nhiệm vụ)") for row in rows)
    assert ["Tổng cộng", "9", "1", "1", "2", "4", "1"] in rows


def test_docx_party_template(tmp_path: Path) -> None:
    out = tmp_path / "party.docx"
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "--template", "party", "-o", out)
    assert code == 0, output
    _assert_decree_30_layout(out)
    text = docx_text(out)
    assert "THÀNH ỦY HẢI PHÒNG" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CỘNG HÒA" not in text


def test_docx_without_output_is_named_and_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = brief_data(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, output = run("brief", "-d", root, *W48, "--format", "docx")
    expected = work / "bao-cao-tuan-2026-W48.docx"
    assert code == 0 and str(expected) in output and expected.is_file()
    before = expected.read_bytes()
    code, output = run("brief", "-d", root, *W48, "-f", "docx", "--recommendation", "khác")
    assert code == 2 and "--force" in output and expected.read_bytes() == before
    code, output = run("brief", "-d", root, *W48, "-f", "docx", "--agency", "SXD")
    assert code == 0 and (work / "bao-cao-tuan-2026-W48-so-xay-dung.docx").is_file()
    code, _ = run("brief", "-d", root, *W48, "-f", "docx", "--force", "--recommendation", "khác")
    assert code == 0 and "khác" in docx_text(expected)


def test_output_file_refused_unless_forced(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    out = tmp_path / "brief.md"
    out.write_text("bản cũ\n", encoding="utf-8")
    code, output = run("brief", "-d", root, *W48, "-o", out)
    assert code == 2 and "--force" in output and out.read_text(encoding="utf-8") == "bản cũ\n"
    code, output = run("brief", "-d", root, *W48, "-o", out, "--force")
    assert code == 0 and out.read_text(encoding="utf-8").startswith("UBND THÀNH PHỐ HẢI PHÒNG")
    assert run("brief", "-d", root, *W48, "-o", tmp_path / "missing" / "b.md")[0] == 2
    assert run("brief", "-d", root, *W48, "-f", "pdf")[0] == 2


# ---------------------------------------------------------------- HTML


def test_html_page(tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "-o", out)  # format from the file name
    assert code == 0, output
    source = out.read_text(encoding="utf-8")
    page = parse_html(source)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "style" in tags
    assert not any(
        value and "http" in value for _, attrs in page.tags for key, value in attrs.items() if key != "xmlns"
    )
    text = page.visible_text()
    for number in OVERDUE:
        assert number in text
    assert "Dự án Cảng Nam Đồ sơn (Bên khởi động) 31/05/2026 181" in text
    assert "Tổng cộng 9 1 1 2 4 1" in text
    # The chart: one bar segment per non-zero category of each group, with its count as a tooltip.
    bars = [attrs for tag, attrs in page.tags if tag == "rect" and attrs.get("height") == "18"]
    assert len(bars) == 8
    assert "Nhóm 5 — Đang thực hiện quá hạn: 2" in text
    assert "@page { size: A4" in source


# ---------------------------------------------------------------- escaping


def _escape_fixture(tmp_path: Path) -> Path:
    root = brief_data(tmp_path)
    task = root / "tasks" / "036.yaml"
    text = task.read_text(encoding="utf-8")
    text = text.replace(
        text.splitlines()[2], "title: 'Cầu \"Văn Úc 2\" & nút giao <CT.08> > 50% ''gói A'''"
    )  # YAML single quotes: '' is one quote
    task.write_text(text, encoding="utf-8")
    return root


TRICKY = "Cầu \"Văn Úc 2\" & nút giao <CT.08> > 50% 'gói A'"
TRICKY_NOTE = 'Hoàn thành GPMB 80% & bàn giao mặt bằng đợt 1 cho nhà thầu "A<B>"'
TRICKY_ADVICE = '<script>alert("x")</script> & <b>đậm</b>'


def test_special_characters_in_markdown(tmp_path: Path) -> None:
    code, output = run("brief", "-d", _escape_fixture(tmp_path), *W48, "--recommendation", TRICKY_ADVICE)
    assert code == 0, output
    assert f"| (36) | {TRICKY} | 30/06/2026 | 151 |" in output
    assert TRICKY_NOTE in output and f"1. {TRICKY_ADVICE}" in output


def test_special_characters_in_html(tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    code, _ = run("brief", "-d", _escape_fixture(tmp_path), *W48, "--recommendation", TRICKY_ADVICE, "-o", out)
    assert code == 0
    source = out.read_text(encoding="utf-8")
    page = parse_html(source)
    assert "script" not in [tag for tag, _ in page.tags] and "b" not in [tag for tag, _ in page.tags]
    text = page.visible_text()
    assert TRICKY in text and TRICKY_NOTE in text and TRICKY_ADVICE in text
    assert "&lt;CT.08&gt;" in source and "&amp;" in source


def test_special_characters_in_docx(tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    code, output = run("brief", "-d", _escape_fixture(tmp_path), *W48, "--recommendation", TRICKY_ADVICE, "-o", out)
    assert code == 0, output
    rows = [row for table in docx_tables(out) for row in table]
    assert ["(36)", TRICKY, "30/06/2026", "151"] in rows
    text = docx_text(out)
    assert TRICKY_NOTE in text and f"1. {TRICKY_ADVICE}" in text


# ---------------------------------------------------------------- user templates


def test_user_template_renders_in_a_sandbox(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "ngan.md").write_text(
        "{{ period.label }}: {{ counts.by_key.overdue }} quá hạn\n{% include 'chan.md' %}", "utf-8"
    )
    (folder / "chan.md").write_text("{{ letterhead.office }}\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", folder / "ngan.md")
    assert code == 0, output
    assert output == "Tuần 48/2026 (từ 23/11/2026 đến 29/11/2026): 4 quá hạn\nVĂN PHÒNG\n"

    (tmp_path / "bi-mat.txt").write_text("secret", "utf-8")
    (folder / "ra-ngoai.md").write_text("{% include '../bi-mat.txt' %}\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", folder / "ra-ngoai.md")
    assert code == 1 and "secret" not in output and "bi-mat.txt" in output
    (folder / "hack.md").write_text("{{ counts.__class__.__mro__ }}\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", folder / "hack.md")
    assert code == 1 and "không được phép" in output and "<class" not in output


def test_template_with_undefined_variable_fails_clearly(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    template = tmp_path / "sai.md"
    template.write_text("# Báo cáo\n\nTổng: {{ counts.total }}\nQuá hạn: {{ so_qua_han }}\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", template)
    assert code == 1
    assert output.strip() == f'Lỗi: mẫu {template}, dòng 4: biến "so_qua_han" không có trong dữ liệu'

    template.write_text("{% for g in groups %}\n{{ g.tieu_de }}\n{% endfor %}\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", template)
    assert code == 1 and f'mẫu {template}, dòng 2: biến "tieu_de" không có trong dữ liệu' in output

    template.write_text("a\n{% if counts.total %}\nb\n", "utf-8")
    code, output = run("brief", "-d", root, *W48, "--template", template)
    assert code == 1 and f"mẫu {template}, dòng 3: lỗi cú pháp Jinja" in output
    assert len(output.strip().splitlines()) == 1


def test_docx_user_template_with_undefined_variable(tmp_path: Path) -> None:
    template = tmp_path / "mau.docx"
    document = Document()
    document.add_paragraph("Báo cáo {{ period.label }}")
    document.add_paragraph("Số việc: {{ so_viec }}")
    document.save(str(template))
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "--template", template, "-o", tmp_path / "x.docx")
    assert code == 1 and not (tmp_path / "x.docx").exists()
    assert f"mẫu {template}, dòng " in output and "«Số việc: {{ so_viec }}»" in output
    assert 'biến "so_viec" không có trong dữ liệu' in output
    # A Word template needs Word output, and a missing template file is a usage error.
    assert run("brief", "-d", brief_data(tmp_path / "b"), *W48, "--template", template, "-f", "md")[0] == 2
    assert run("brief", "-d", brief_data(tmp_path / "c"), *W48, "--template", tmp_path / "none.md")[0] == 2


# ---------------------------------------------------------------- templates on disk


def test_builtin_templates_are_in_templates_and_shipped_as_data() -> None:
    assert builtin_dir() == ROOT / "templates"
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["data-files"]
    patterns = shipped["share/ctr199/templates"]
    files = sorted(p.name for p in (ROOT / "templates").iterdir())
    assert all(any(Path(f"templates/{name}").match(pattern) for pattern in patterns) for name in files)
    assert {"brief.md", "brief.html", "brief-state.docx", "brief-party.docx", "remind.md"} <= set(files)
    assert {"remind-state.docx", "remind-party.docx"} <= set(files)


def test_docx_templates_are_reproducible_from_the_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_docx_templates.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    built = sorted(tmp_path.glob("*.docx"))
    assert len(built) == 4
    for path in built:
        assert path.read_bytes() == (ROOT / "templates" / path.name).read_bytes(), (
            f"templates/{path.name} differs from the script's output: run scripts/make_docx_templates.py"
        )


# ---------------------------------------------------------------- LibreOffice (optional)


@pytest.mark.optional
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "brief.docx"
    assert run("brief", "-d", brief_data(tmp_path), *W48, "-o", out)[0] == 0
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "brief.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    import re

    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert 2 <= pages <= 6, pages
