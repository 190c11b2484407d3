"""`ctr199 remind`: one reminder letter per lead agency with overdue or imminent tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Mm

from ctr199.brief import build_reminders
from ctr199.loading import load_programme

from .brief_helpers import W48, brief_data, docx_tables, docx_text, run


def test_one_markdown_letter_per_lead_agency(tmp_path: Path) -> None:
    out = tmp_path / "cong-van"
    code, output = run("remind", "-d", brief_data(tmp_path), *W48, "--format", "md", "-o", out)
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "don-doc-so-noi-vu.md",
        "don-doc-so-tai-chinh.md",
        "don-doc-so-xay-dung.md",
    ]
    assert "Đã soạn 3 công văn đôn đốc" in output
    letter = (out / "don-doc-so-tai-chinh.md").read_text(encoding="utf-8")
    assert "**Kính gửi: Sở Tài chính.**" in letter
    assert "Sở Tài chính còn các nhiệm vụ được giao chủ trì sau đây cần khẩn trương hoàn thành:" in letter
    assert "**1. Nhiệm vụ đã quá thời hạn (1):**" in letter and "| (65) |" in letter and "| 242 |" in letter
    assert "**2. Nhiệm vụ đến hạn trong 14 ngày tới (1):**" in letter and "| (46) |" in letter
    assert "trước ngày 05/12/2026" in letter  # 7 days after --as-of
    assert "Hải Phòng, ngày 28 tháng 11 năm 2026" in letter
    construction = (out / "don-doc-so-xay-dung.md").read_text(encoding="utf-8")
    assert "| (37) |" in construction and "| (36) |" in construction and "(65)" not in construction
    assert "đến hạn trong 14 ngày" not in construction


def test_reply_by_and_agency_options(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    out = tmp_path / "out"
    code, output = run("remind", "-d", root, *W48, "-f", "md", "-o", out, "--agency", "STC", "--reply-by", "10/12/2026")
    assert code == 0, output
    assert [p.name for p in out.iterdir()] == ["don-doc-so-tai-chinh.md"]
    assert "trước ngày 10/12/2026" in (out / "don-doc-so-tai-chinh.md").read_text(encoding="utf-8")
    assert run("remind", "-d", root, *W48, "-o", tmp_path / "x", "--reply-by", "2026-11-01")[0] == 2
    assert run("remind", "-d", root, *W48, "-o", tmp_path / "x", "--agency", "không có")[0] == 2
    assert run("remind", "-d", root, *W48, "-o", tmp_path / "x", "--format", "html")[0] == 2
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert run("remind", "-d", root, *W48, "-o", tmp_path / "file")[0] == 2


def test_existing_letters_are_not_overwritten(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    kept = out / "don-doc-so-xay-dung.md"
    kept.write_text("bản đã sửa tay\n", encoding="utf-8")
    code, output = run("remind", "-d", root, *W48, "-f", "md", "-o", out)
    assert code == 2 and "--force" in output
    assert [p.name for p in out.iterdir()] == [kept.name]  # nothing written at all
    assert kept.read_text(encoding="utf-8") == "bản đã sửa tay\n"
    assert run("remind", "-d", root, *W48, "-f", "md", "-o", out, "--force")[0] == 0
    assert "Kính gửi: Sở Xây dựng." in kept.read_text(encoding="utf-8")


def test_word_letters_follow_decree_30(tmp_path: Path) -> None:
    out = tmp_path / "docx"
    code, output = run("remind", "-d", brief_data(tmp_path), *W48, "-o", out, "--template", "party")
    assert code == 0, output
    letter = out / "don-doc-so-xay-dung.docx"
    section = Document(str(letter)).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.left_margin - Mm(30)) < Mm(0.1)
    text = docx_text(letter)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "THÀNH ỦY HẢI PHÒNG" in text
    assert "Kính gửi: Sở Xây dựng." in text and "V/v đôn đốc thực hiện nhiệm vụ" in text
    rows = [row for table in docx_tables(letter) for row in table]
    assert ["(37)", "Dự án Cảng Nam Đồ sơn (Bên khởi động)", "31/05/2026", "181"] in rows


def test_generic_leads_get_no_letter(tmp_path: Path) -> None:
    """Task 33 is led by Sở Xây dựng and "Ban QLDA liên quan" (generic): only the former is written to."""
    programme, _ = load_programme(brief_data(tmp_path), as_of=date(2026, 12, 20))
    letters = build_reminders(programme, date(2026, 12, 20))
    by_agency = {letter.agency: letter for letter in letters}
    assert "Ban QLDA liên quan" not in by_agency
    assert [item.number for item in by_agency["Sở Xây dựng"].upcoming] == ["(33)"]
    assert by_agency["Sở Xây dựng"].upcoming[0].days_left == 11


def test_nothing_to_remind(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    for task in (root / "tasks").glob("*.yaml"):
        if task.name not in ("005.yaml", "043.yaml"):
            task.unlink()
    out = tmp_path / "out"
    code, output = run("remind", "-d", root, *W48, "-o", out)
    assert code == 0 and "không soạn công văn" in output and not out.exists()
