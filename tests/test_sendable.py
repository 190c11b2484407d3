"""Documents the office can sign and send as they are (#17 item 5): full group titles, targets named
after their indicator and those without figures in one line, a compact git section, symbols that
never break, headings kept with what follows, the Markdown brief's number line and signature."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from markupsafe import Markup

from ctr199.brief import BriefRequest, build_brief, compact_changes, iso_week, target_label
from ctr199.history import Change, ChangeKind, ChangeReport, Commit, TaskChanges
from ctr199.loading import load_programme
from ctr199.models import LogEntry, Status
from ctr199.templating import NB_HYPHEN, nobreak, nobreak_word

from .brief_helpers import W48, docx_tables, docx_text, run
from .conftest import AS_OF, SHIPPED
from .gitrepo import commit, data_repo

# ---------------------------------------------------------------- symbols


def test_only_the_hyphens_of_document_symbols_become_non_breaking() -> None:
    text = (
        "Kết luận số 199-KL/TW; Số:   /BC-VP; Số   -BC/VPTU; giai đoạn 2026 - 2030; bến 7-8; Đề án/Kế hoạch; 26/8/2025"
    )
    assert nobreak(text) == (
        f"Kết luận số 199{NB_HYPHEN}KL/TW; Số:   /BC{NB_HYPHEN}VP; Số   {NB_HYPHEN}BC/VPTU; "
        "giai đoạn 2026 - 2030; bến 7-8; Đề án/Kế hoạch; 26/8/2025"
    )
    assert nobreak(12) == 12 and nobreak("Sở Xây dựng") == "Sở Xây dựng"


def test_word_gets_its_own_non_breaking_hyphen_and_the_rest_stays_escaped() -> None:
    word = nobreak_word("A & B theo 3456/QĐ-UBND")
    assert isinstance(word, Markup)
    assert str(word) == 'A &amp; B theo 3456/QĐ</w:t><w:noBreakHyphen/><w:t xml:space="preserve">UBND'
    assert nobreak_word("A & B") == "A & B"  # no symbol: escaped by the environment as before


# ---------------------------------------------------------------- indicators


def test_a_target_of_several_says_which_indicator_it_belongs_to() -> None:
    name = "Tỷ lệ thu gom, xử lý chất thải rắn sinh hoạt đảm bảo tiêu chuẩn, quy chuẩn"
    assert target_label(name, "Tại đô thị", single=False) == f"{name} – tại đô thị"
    assert target_label(name, "Tại đô thị", single=True) == "Tại đô thị"
    grdp = "GRDP bình quân đầu người (theo giá hiện hành)"
    assert (
        target_label(grdp, "GRDP bình quân đầu người (quy đổi)", single=False) == "GRDP bình quân đầu người (quy đổi)"
    )
    assert target_label("Các chỉ số", "PCI", single=False) == "Các chỉ số – PCI"  # an acronym keeps its capitals


def test_shipped_brief_numbers_targets_and_sums_up_those_without_figures() -> None:
    programme, _ = load_programme(SHIPPED, as_of=AS_OF)
    brief = build_brief(programme, BriefRequest(period=iso_week(AS_OF), as_of=AS_OF))
    by_code = {item.code: item for item in brief.indicators}
    assert by_code["19.1"].label.startswith("Tỷ lệ thu gom, xử lý chất thải rắn") and by_code["19.1"].label.endswith(
        "– tại đô thị"
    )
    assert by_code["3"].label == by_code["3"].name and "1" not in by_code
    assert brief.indicators_reported == []
    assert brief.indicators_missing.startswith("37 mục tiêu chưa có số liệu: 1.1, 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 3, ")
    assert brief.indicators_missing.endswith(", 21, 22.1, 22.2.")


# ---------------------------------------------------------------- the git section


def _commit(sha: str, day: int, author: str = "Lan") -> Commit:
    return Commit(sha=sha * 40, author=author, date=datetime(2026, 11, day, 9, tzinfo=UTC), subject="")


def test_a_task_s_week_is_one_line_and_reformatting_is_no_change() -> None:
    nfc = "Đề án phát triển"
    nfd = unicodedata.normalize("NFD", nfc)
    entry = LogEntry(date=date(2026, 11, 24), status=Status.IN_PROGRESS, note="Đã khởi công")
    a, b, c, d = _commit("a", 24), _commit("b", 25, "Minh"), _commit("c", 26), _commit("d", 30)
    changes = [
        Change(kind=ChangeKind.STATUS, commit=a, before=Status.NOT_STARTED, after=Status.IN_PROGRESS),
        Change(kind=ChangeKind.LOG_ADDED, commit=a, entry=entry),
        Change(kind=ChangeKind.STATUS, commit=b, before=Status.IN_PROGRESS, after=Status.DONE),
        Change(kind=ChangeKind.FIELD, commit=c, field="title", before=nfd, after=nfc),  # `fmt`: NFC
        Change(kind=ChangeKind.LOG_REMOVED, commit=c, entry=entry.model_copy(update={"note": "Đã  khởi công"})),
        Change(kind=ChangeKind.LOG_ADDED, commit=c, entry=entry),
        Change(kind=ChangeKind.FIELD, commit=d, field="deadline", before="Năm 2026", after="Quý IV/2026"),
    ]
    report = ChangeReport(
        since="", until="", commits=[], tasks=[TaskChanges(task_id=36, title=nfc, path="036.yaml", changes=changes)]
    )
    lines = compact_changes(report)
    assert [(line.date, line.number, line.author) for line in lines] == [
        ("24/11/2026, 25/11/2026", "(36)", "Lan, Minh"),  # week 48; commit c changed nothing a reader sees
        ("30/11/2026", "(36)", "Lan"),  # week 49
    ]
    assert lines[0].summary == (
        "Trạng thái: Chưa thực hiện → Hoàn thành; Nhật ký mới: 24/11/2026 Đang thực hiện — Đã khởi công"
    )
    assert lines[1].summary == "Sửa Thời hạn: Năm 2026 → Quý IV/2026"


def test_the_first_import_is_one_line(tmp_path: Path) -> None:
    data = data_repo(tmp_path)  # the shipped 75 tasks, committed on 10/11/2026 (week 46)
    task = data / "tasks" / "036.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("deadline:", "deadline: ", 1), encoding="utf-8")
    commit(data.parent, "fmt", when="2026-11-11T09:00:00+07:00")  # a layout change only
    code, output = run("brief", "-d", data, *W48, "--week", "2026-W46", "-f", "md")
    assert code == 0, output
    section = output[output.index("### 2. Thay đổi dữ liệu") : output.index("## V.")]
    assert section.count("\n| 10/11/2026 |") == 1 and "11/11/2026" not in section
    assert (
        "| 10/11/2026 |  | Danh mục 75 nhiệm vụ: (1)–(75) | Nhập danh mục: thêm 75 nhiệm vụ mới (Nguyễn Thị Lan) |"
        in section
    )


# ---------------------------------------------------------------- the documents


def test_word_brief_full_group_titles_unbroken_symbols_and_headings_kept_with_what_follows(tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    code, output = run("brief", "-d", SHIPPED, *W48, "-o", out)
    assert code == 0, output
    groups = next(table for table in docx_tables(out) if table and table[0][0] == "Nhóm nhiệm vụ")
    assert len(groups) == 11
    assert groups[1][0].startswith("1. Tiếp tục ưu tiên") and groups[1][0].endswith(
        "tăng cường kỷ cương thu, chi ngân sách"
    )
    assert not any("…" in row[0] for row in groups)
    text = docx_text(out)
    assert "Kết luận số 199-KL/TW" in text and "37 mục tiêu chưa có số liệu: 1.1, 1.2" in text
    document = Document(str(out))
    body = document.element.body
    assert body.xml.count("<w:noBreakHyphen/>") >= 2  # the title's 199-KL/TW and the number line's /BC-VP
    kept = {
        p.text
        for p in document.paragraphs
        if p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
    }
    for line in (
        "I. KẾT QUẢ CHUNG",
        "V. CÁC CHỈ TIÊU CHỦ YẾU",
        "Kết quả theo nhóm nhiệm vụ:",
        "1. Cập nhật trong nhật ký tiến độ",
        "2. Thay đổi dữ liệu ghi nhận trong lịch sử git",
        "Xếp hạng cơ quan chủ trì:",
    ):
        assert line in kept, line
    assert any(p.text.startswith("Có 23 nhiệm vụ") for p in document.paragraphs if p.paragraph_format.keep_with_next)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Nhóm nhiệm vụ")
    widths = [cell.width for cell in table.rows[0].cells]
    assert widths[0] >= 3 * widths[2]  # the titles have the room; the counts need little
    assert body.find(qn("w:tbl")) is not None


def test_html_and_markdown_briefs_of_the_shipped_data(tmp_path: Path) -> None:
    code, html = run("brief", "-d", SHIPPED, *W48, "-f", "html")
    assert code == 0, html
    assert f"199{NB_HYPHEN}KL/TW" in html and "199-KL/TW" not in html
    assert "tăng cường kỷ cương thu, chi ngân sách</td>" in html and "…" not in html
    assert '<p class="lead-in">Xếp hạng cơ quan chủ trì:</p>' in html
    code, md = run("brief", "-d", SHIPPED, *W48)
    assert code == 0 and "\nSố:        /BC\u2011VP\n" in md and md.rstrip().endswith("**CHÁNH VĂN PHÒNG**")
    assert "…" not in md and "Chưa có số liệu |" not in md
    # Every abbreviated heading has its note: HT under the tables by category and the ranking, STT and
    # the targets' numbers under the indicators.
    legend = "Ghi chú: STT = số thứ tự chỉ tiêu; chỉ tiêu có nhiều mục tiêu được đánh số thêm thứ tự mục tiêu (1.1 là"
    word = tmp_path / "b.docx"
    assert run("brief", "-d", SHIPPED, *W48, "-o", word)[0] == 0
    for text in (md, html, docx_text(word)):
        assert legend in text and text.count("HT = hoàn thành") >= 2


def test_letters_carry_unbroken_symbols_and_registry_names(tmp_path: Path) -> None:
    out = tmp_path / "cv"
    code, output = run("remind", "-d", SHIPPED, *W48, "-f", "md", "-o", out)
    assert code == 0, output
    letter = (out / "don-doc-so-van-hoa-the-thao-va-du-lich.md").read_text(encoding="utf-8")
    assert "\nSố:        /VP\u2011TH\n" in letter and "Kính gửi: Sở Văn hóa, Thể thao và Du lịch." in letter
    assert "Chương trình hành động 199\u2011KL/TW" in letter
