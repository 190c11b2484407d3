"""`ctr199 scorecard`: per lead agency counts, the on-time rate and the ranking, on the brief fixture.

Expected values are worked out by hand from tests/fixtures/brief as of 28/11/2026 (see brief_helpers):
- Sở Công Thương: (5) done on time (26/11, due 31/12)                          → 1/1 = 100%, rank 1
- Sở Nội vụ: (18) overdue since 30/06 → 151 days                               → 0/1, 1 overdue, 151 days, rank 2
- Sở Tài chính: (2) done late, (46) in time, (65) milestone 1 overdue since 31/03 → 242 days
                                                                               → 0/2, 1 overdue, 242 days, rank 3
- Sở Xây dựng: (33) in time, (36) overdue 151 days, (37) overdue since 31/05 → 181 days
                                                                               → 0/2, 2 overdue, 332 days, rank 4
- Sở Giáo dục và Đào tạo: (43) no deadline → nothing due, not ranked
- Ban QLDA liên quan (co-lead of 33, a generic phrase in the registry): not ranked
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from ctr199.brief import CATEGORY_SHORT
from ctr199.loading import load_programme
from ctr199.query import Category, Filters, select
from ctr199.scorecard import GENERIC, NOT_DUE, UNREGISTERED, scorecard

from .brief_helpers import W48, brief_data, docx_tables, parse_html, run

# agency: (rank, led, done on time, done late, in time, overdue, no deadline, days overdue, rate)
EXPECTED = {
    "Sở Công Thương": (1, 1, 1, 0, 0, 0, 0, 0, 100.0),
    "Sở Nội vụ": (2, 1, 0, 0, 0, 1, 0, 151, 0.0),
    "Sở Tài chính": (3, 3, 0, 1, 1, 1, 0, 242, 0.0),
    "Sở Xây dựng": (4, 3, 0, 0, 1, 2, 0, 332, 0.0),
    "Sở Giáo dục và Đào tạo": (None, 1, 0, 0, 0, 0, 1, 0, None),
    "Ban QLDA liên quan": (None, 1, 0, 0, 1, 0, 0, 0, None),
}
FIELDS = ("rank", "led", "done_on_time", "done_late", "on_track", "overdue", "no_deadline", "days_overdue")


def _json(root: Path, *args: str) -> list[dict[str, object]]:
    code, output = run("scorecard", "-d", root, *args, "--format", "json")
    assert code == 0, output
    agencies: list[dict[str, object]] = json.loads(output)["agencies"]
    return agencies


def test_numbers_on_the_fixture_match_the_hand_count(tmp_path: Path) -> None:
    rows = _json(brief_data(tmp_path), *W48)
    assert [row["agency"] for row in rows] == list(EXPECTED)
    for row in rows:
        expected = EXPECTED[str(row["agency"])]
        assert tuple(row[name] for name in FIELDS) == expected[:8], row["agency"]
        assert row["on_time_rate"] == expected[8], row["agency"]
    notes = {row["agency"]: row["note"] for row in rows}
    assert notes["Sở Giáo dục và Đào tạo"] == NOT_DUE
    assert notes["Ban QLDA liên quan"] == GENERIC
    assert all(not notes[name] for name in list(EXPECTED)[:4])


def test_an_earlier_date_counts_only_what_was_due_and_done_by_then(tmp_path: Path) -> None:
    # 15/04/2026: (2) was done on 10/04 after its March deadline (late); (65) milestone 1 overdue 15 days;
    # (5), (18), (36), (37), (46) and (33) are not yet due.
    rows = {row["agency"]: row for row in _json(brief_data(tmp_path), "--as-of", "2026-04-15")}
    finance = rows["Sở Tài chính"]
    assert (finance["done_late"], finance["overdue"], finance["days_overdue"], finance["on_track"]) == (1, 1, 15, 1)
    assert finance["rank"] == 1 and finance["on_time_rate"] == 0.0
    assert rows["Sở Xây dựng"]["rank"] is None and rows["Sở Xây dựng"]["note"] == NOT_DUE
    assert rows["Sở Công Thương"]["on_track"] == 1 and rows["Sở Công Thương"]["rank"] is None


def test_ties_share_a_rank_and_the_next_rank_is_skipped(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    # (37) moves to Sở Công Thương: 1 on time + 1 overdue → 50%, rank 1. Sở Xây dựng keeps (33) and (36):
    # 0/1, 1 overdue, 151 days — the same as Sở Nội vụ, so both are 2nd; Sở Tài chính is 4th.
    path = root / "tasks" / "037.yaml"
    path.write_text(path.read_text("utf-8").replace("  - Sở Xây dựng\n", "  - Sở Công Thương\n", 1), "utf-8")
    day = date(2026, 11, 28)
    programme, _ = load_programme(root, as_of=day)
    rows = scorecard(select(programme, Filters(), day), programme.registry)
    ranked = [(row.rank, row.agency, row.rate_text) for row in rows if row.rank is not None]
    assert ranked == [
        (1, "Sở Công Thương", "50%"),
        (2, "Sở Nội vụ", "0%"),
        (2, "Sở Xây dựng", "0%"),
        (4, "Sở Tài chính", "0%"),
    ]


def test_table_csv_and_markdown(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    code, table = run("scorecard", "-d", root, *W48)
    assert code == 0, table
    assert "Xếp hạng cơ quan chủ trì tính đến ngày 28/11/2026" in table
    assert "Tỷ lệ đúng hạn = số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ đã đến hạn" in table
    assert "Ban QLDA liên quan (cụm từ chung, không xếp hạng)" in table
    code, text = run("scorecard", "-d", root, *W48, "--format", "csv")
    assert code == 0, text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["rank"] for row in rows] == ["1", "2", "3", "4", "", ""]
    assert rows[3]["agency"] == "Sở Xây dựng" and rows[3]["days_overdue"] == "332"
    code, md = run("scorecard", "-d", root, *W48, "--format", "md")
    assert code == 0, md
    assert "| 3 | Sở Tài chính | 3 | 0 | 1 | 1 | 1 | 0 | 242 | 0% |" in md
    assert "- Sở Giáo dục và Đào tạo: chưa có nhiệm vụ đến hạn." in md


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("scorecard", "-d", brief_data(tmp_path), *W48, "--format", "xlsx")
    assert code == 2, output


def test_leads_outside_the_registry_are_listed_but_not_ranked(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    path = root / "tasks" / "005.yaml"
    path.write_text(path.read_text("utf-8").replace("  - Sở Công Thương\n", "  - Phòng Thử Nghiệm\n", 1), "utf-8")
    day = date(2026, 11, 28)
    programme, _ = load_programme(root, as_of=day)
    rows = {row.agency: row for row in scorecard(select(programme, Filters(), day), programme.registry)}
    outside = rows["Phòng Thử Nghiệm"]
    assert (outside.rank, outside.done_on_time, outside.note) == (None, 1, UNREGISTERED)
    assert "Sở Công Thương" not in rows and rows["Sở Nội vụ"].rank == 1


def test_the_ranking_opens_the_overdue_section_in_every_format(tmp_path: Path) -> None:
    root = brief_data(tmp_path)
    code, md = run("brief", "-d", root, *W48)
    assert code == 0, md
    section = md.split("## II.", 1)[1].split("## III.", 1)[0]
    assert section.index("Xếp hạng cơ quan chủ trì") < section.index("Có 4 nhiệm vụ")
    assert "| 2 | Sở Nội vụ | 1 | 0 | 0 | 0 | 1 | 151 | 0% |" in section
    assert "Không xếp hạng: Sở Giáo dục và Đào tạo (chưa có nhiệm vụ đến hạn)" in section

    page = tmp_path / "b.html"
    assert run("brief", "-d", root, *W48, "-o", page)[0] == 0
    text = parse_html(page.read_text("utf-8")).visible_text()
    assert "1 Sở Công Thương 1 1 0 0 0 0 100%" in text and "4 Sở Xây dựng 3 0 0 1 2 332 0%" in text

    docx = tmp_path / "b.docx"
    assert run("brief", "-d", root, *W48, "-o", docx)[0] == 0
    ranking = next(table for table in docx_tables(docx) if table[0][0] == "Hạng")
    assert ranking[0][1:] == [
        "Cơ quan chủ trì",
        "Tổng số",
        *(CATEGORY_SHORT[c] for c in (Category.DONE_ON_TIME, Category.DONE_LATE, Category.ON_TRACK, Category.OVERDUE)),
        "Tổng số ngày quá hạn",
        "Tỷ lệ đúng hạn",
    ]
    assert ranking[3] == ["3", "Sở Tài chính", "3", "0", "1", "1", "1", "242", "0%"]
    assert [row[0] for row in ranking[1:]] == ["1", "2", "3", "4", "—", "—"]
