"""`ctr199 brief`: the template data, the three formats, periods, filters and writing files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from ctr199.brief import (
    BriefError,
    BriefRequest,
    RecordedChange,
    build_brief,
    choose_period,
    iso_week,
    parse_week,
    place_date,
    read_recommendations,
)
from ctr199.cli import app
from ctr199.loading import load_programme
from ctr199.models import Actual, Indicator, Target
from ctr199.templating import Format, builtin_dir, choose_template, render_text

from .brief_helpers import OVERDUE, SNAPSHOTS, W48, brief_data, docx_tables, docx_text, parse_html, run, runner
from .conftest import AS_OF, FIXTURES, ROOT, make_data_dir
from .gitrepo import commit, data_repo
from .test_cli_query import complete_in_bash


@pytest.fixture(autouse=True)
def outside_any_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixture trees in tmp_path are not in git even when the temporary folder sits inside a checkout:
    git stops looking for a repository at tmp_path (repositories made inside it are still found)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


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
    assert "- Chưa hoàn thành quá hạn: 4 nhiệm vụ (44,4%)" in output
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
    # Indicators as `ctr199 indicators` judges them; the fixture is not in git, and the brief says so.
    # Only the targets with a figure have a row (numbered indicator.target); the others are one line.
    assert "| 4.1 | Chỉ số sản xuất công nghiệp (IIP) | 15,5% | 16% | 14,8% (Tháng 10/2026) | Chưa đạt |" in output
    assert (
        "| 1.1 | Tốc độ tăng trưởng GRDP so với năm 2025 | khoảng 13% |  | 12,1% (9 tháng/2026, ước tính) | Chưa đạt |"
        in output
    )
    assert "Khu vực Dịch vụ" not in output and "Chưa có số liệu |" not in output
    assert "\n9 mục tiêu chưa có số liệu: 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 3, 4.2, 4.3.\n" in output
    # Sendable as it is: number line, signer and recipients like the Word and HTML briefs; no symbol breaks.
    assert "\nSố:        /BC\u2011VP\n" in output and "Kết luận số 199\u2011KL/TW" in output
    assert output.endswith("*Nơi nhận:*\n- Lãnh đạo thành phố (để báo cáo);\n- Lưu: VT.\n\n**CHÁNH VĂN PHÒNG**\n")
    assert "Chưa có thông tin từ lịch sử git của thư mục dữ liệu." in output
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
    assert place_date(date(2026, 2, 5), "Hải Phòng") == "Hải Phòng, ngày 05 tháng 02 năm 2026"
    assert place_date(date(2026, 3, 9), "Hải Phòng") == "Hải Phòng, ngày 09 tháng 3 năm 2026"
    assert place_date(AS_OF, "Hải Phòng") == "Hải Phòng, ngày 28 tháng 11 năm 2026"


def test_filters_by_agency_and_group(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    code, output = run("brief", "-d", root, *W48, "--agency", "so xay dung")
    assert code == 0, output
    assert "phạm vi: cơ quan chủ trì Sở Xây dựng" in output
    assert "Tổng số nhiệm vụ theo dõi: **3**" in output  # 33, 36, 37
    assert "### Sở Xây dựng (2)" in output and "Sở Nội vụ" not in output and "(46)" not in output
    code, output = run("brief", "-d", root, *W48, "--group", "3")
    assert code == 0 and "Tổng số nhiệm vụ theo dõi: **1**" in output and "| (18) |" in output
    assert run("brief", "-d", root, *W48, "--group", "42")[0] == 2


def test_agency_errors_and_completion_are_those_of_the_query_commands(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    for typed, closest in (("Sở Xây dựg", "Có phải: Sở Xây dựng (SXD)"), ("Sở", "khớp nhiều cơ quan")):
        results = [
            runner.invoke(app, [*command, "-d", str(root), *W48, "--agency", typed])
            for command in (["overdue"], ["brief"], ["remind", "-o", str(tmp_path / "cong-van")])
        ]
        assert [result.exit_code for result in results] == [2, 2, 2]
        assert results[0].stderr.startswith("Lỗi: --agency: ") and closest in results[0].stderr
        assert results[1].stderr == results[0].stderr and results[2].stderr == results[0].stderr
    assert not (tmp_path / "cong-van").exists()
    assert complete_in_bash(root, "ctr199 brief --agency 'So Xay") == ["Sở Xây dựng"]
    assert complete_in_bash(root, "ctr199 remind --agency 'so tai") == ["Sở Tài chính"]


def test_broken_data_is_refused(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data", FIXTURES / "invalid" / "unknown-agency")
    code, output = run("brief", "-d", root, *W48)
    assert code == 1 and "ctr199 validate" in output


def test_recommendations_file_format() -> None:
    text = "Kiến nghị:\n- một\n  * hai\n\n3) ba\n10. mười & <b>\n"
    assert read_recommendations(text) == ["Kiến nghị:", "một", "hai", "ba", "mười & <b>"]


def test_recorded_changes_and_verdicts_reach_every_template(tmp_path: Path) -> None:
    programme, _ = load_programme(brief_data(tmp_path), as_of=AS_OF)
    change = RecordedChange(
        date="24/11/2026",
        date_iso=date(2026, 11, 24),
        number="(37)",
        task_id=37,
        title="Dự án Cảng Nam Đồ sơn (Bên khởi động)",
        summary="Trạng thái: Chưa thực hiện → Đang thực hiện & <b>",
        author="Nguyễn Văn A",
        commit="abc1234",
    )
    request = BriefRequest(period=iso_week(AS_OF), as_of=AS_OF)
    data = build_brief(programme, request, recorded_changes=[change]).model_dump(mode="json")
    markdown = render_text(choose_template("brief", Format.md, None, programme.identity), data)
    assert "| 24/11/2026 | (37) | Dự án Cảng Nam Đồ sơn (Bên khởi động) | Trạng thái: Chưa thực hiện → Đang" in markdown
    html_source = render_text(choose_template("brief", Format.html, None, programme.identity), data)
    assert "Đang thực hiện &amp; &lt;b&gt; (Nguyễn Văn A)" in html_source
    html = parse_html(html_source).visible_text()
    assert "Nguyễn Văn A" in html and "14,8% (Tháng 10/2026) Chưa đạt" in html
    without = build_brief(programme, request, recorded_changes=[]).model_dump(mode="json")
    assert "Không có thay đổi dữ liệu nào trong kỳ." in render_text(
        choose_template("brief", Format.md, None, programme.identity), without
    )


def test_cumulative_indicators_are_judged_against_the_plan_to_date(tmp_path: Path) -> None:
    """A year-to-date figure is compared with the share of the annual plan due by then, and the brief says which."""
    programme, _ = load_programme(brief_data(tmp_path), as_of=AS_OF)
    exports = Target(
        key="xuat-khau",
        name="Kim ngạch xuất khẩu",
        kind="level",
        unit="tỷ USD",
        comparator="at_least",
        target=Decimal(52),
        cumulative=True,
        actuals=[Actual(period="2026-9M", value=Decimal("39.2"), recorded_on=date(2026, 10, 8))],
    )
    programme.indicators.append(Indicator(id=7, name="Kim ngạch xuất khẩu", text="…", targets=[exports]))
    data = build_brief(programme, BriefRequest(period=iso_week(AS_OF), as_of=AS_OF)).model_dump(mode="json")
    row = data["indicators"][-1]
    assert (row["number"], row["target"], row["latest"], row["latest_period"]) == (
        7,
        "52 tỷ USD",
        "39,2 tỷ USD",
        "9 tháng/2026",
    )
    assert row["judgement"] == "Vượt (kế hoạch lũy kế đến hết kỳ: 39 tỷ USD)"  # 9/12 of 52
    on_the_day_before = build_brief(programme, BriefRequest(period=iso_week(AS_OF), as_of=date(2026, 10, 7)))
    assert on_the_day_before.indicators[-1].latest == "" and on_the_day_before.indicators[-1].judgement == ""


# ---------------------------------------------------------------- git history (a real repository)


def _git_section(brief: str) -> str:
    return brief[brief.index("### 2. Thay đổi dữ liệu") : brief.index("## V.")]


def _update(data: Path, *args: str) -> None:
    result = runner.invoke(app, [*args, "-d", str(data), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output


def test_changes_committed_during_the_week_are_in_the_brief(tmp_path: Path) -> None:
    data = data_repo(tmp_path)  # the shipped data, committed on 10/11/2026
    repo = data.parent
    _update(data, "update", "1", "-s", "in_progress", "--date", "2026-11-19")
    commit(repo, "Tiến độ nhiệm vụ 1", when="2026-11-20T17:00:00+07:00")  # week 47
    _update(data, "update", "36", "-s", "in_progress", "--date", "2026-11-24", "--note", "Đã khởi công")
    commit(repo, "Tiến độ nhiệm vụ 36", when="2026-11-25T08:30:00+07:00", author="Trần Văn Minh")  # week 48
    task_1 = data / "tasks" / "001.yaml"
    task_1.write_text(
        task_1.read_text(encoding="utf-8").replace("deadline: Năm 2026", "deadline: Quý IV/2026"), "utf-8"
    )
    commit(repo, "Sửa thời hạn nhiệm vụ 1", when="2026-11-30T10:00:00+07:00")  # week 49

    code, output = run("brief", "-d", data, *W48)
    assert code == 0, output
    changes = _git_section(output)
    title = "Dự án tuyến đường bộ cao tốc Ninh Bình - Hải Phòng (CT.08)"
    assert f"| 25/11/2026 | (36) | {title}" in changes
    # The task's changes of the week are one line: what changed, then who.
    assert (
        "| Trạng thái: Chưa thực hiện → Đang thực hiện; Nhật ký mới: 24/11/2026 Đang thực hiện — Đã khởi công"
        " (Trần Văn Minh) |" in changes
    )
    assert "(1)" not in changes and changes.count("| 25/11/2026 |") == 1
    # The progress log of the week shows the same update; task 1's (19/11) is a week earlier.
    assert "| 24/11/2026 | (36) |" in output and "19/11/2026" not in output

    code, output = run("brief", "-d", data, *W48, "--week", "2026-W47")
    changes = _git_section(output)
    assert code == 0 and "| 20/11/2026 | (1) |" in changes and "(Nguyễn Thị Lan) |" in changes
    assert "(36)" not in changes
    code, output = run("brief", "-d", data, *W48, "--agency", "Sở Tài chính")  # narrowed: its own tasks only
    assert code == 0 and "Không có thay đổi dữ liệu nào trong kỳ." in _git_section(output)
    out = tmp_path / "b.docx"
    assert run("brief", "-d", data, *W48, "-o", out)[0] == 0
    assert any(row[0] == "25/11/2026" and row[1] == "(36)" for table in docx_tables(out) for row in table)


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
        for text_run in paragraph.runs:
            assert text_run.font.name in (None, "Times New Roman")
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


def test_every_command_refuses_to_overwrite_alike(tmp_path: Path) -> None:
    """export, brief and remind: an existing -o file is a usage error (exit 2), left byte-identical."""
    root = brief_data(tmp_path)
    letters = tmp_path / "cong-van"
    letters.mkdir()
    targets = {
        "export": tmp_path / "nhiem-vu.csv",
        "brief": tmp_path / "bao-cao.docx",
        "remind": letters / "don-doc-so-xay-dung.docx",
    }
    for path in targets.values():
        path.write_bytes(b"ban cu")
    for command, path in targets.items():
        where = letters if command == "remind" else path
        result = runner.invoke(app, [command, "-d", str(root), *W48, "-o", str(where)])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr == f"Lỗi: tệp {path} đã có; dùng --force để ghi đè hoặc chọn -o khác\n"
        assert path.read_bytes() == b"ban cu"
    assert sorted(p.name for p in letters.iterdir()) == ["don-doc-so-xay-dung.docx"]  # no other letter either
    for command, path in targets.items():
        where = letters if command == "remind" else path
        assert run(command, "-d", root, *W48, "-o", where, "--force")[0] == 0, command
        assert path.read_bytes() != b"ban cu"
    code, output = run("export", "-d", root, *W48, "-o", letters, "-f", "csv")
    assert code == 2 and "là một thư mục" in output


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
        value and "http" in value
        for _, attrs in page.tags
        for key, value in attrs.items()
        if key.split(":")[0] != "xmlns"
    )
    text = page.visible_text()
    for number in OVERDUE:
        assert number in text
    assert "Dự án Cảng Nam Đồ sơn (Bên khởi động) 31/05/2026 181" in text
    assert "Tổng cộng 9 1 1 2 4 1" in text
    # The chart: one bar segment per non-zero category of each group, with its count as a tooltip.
    bars = [attrs for tag, attrs in page.tags if tag == "rect" and attrs.get("height") == "18"]
    assert len(bars) == 8
    assert "Nhóm 5 — Chưa hoàn thành quá hạn: 2" in text
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
    (folder / "chan.md").write_text("{{ letterhead.issuer }}\n", "utf-8")
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
