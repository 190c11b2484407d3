"""`ctr199 export`: xlsx, csv, json and ics from the same selection as the query commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.export import neutralise

from .conftest import APPENDIX_COLUMNS, FIXTURES, make_data_dir, tree_digest

runner = CliRunner()
AS_OF = "2026-11-28"
# A task whose cells a spreadsheet would run as formulas, to prove they are neutralised.
HOSTILE_TASK = """\
id: 4
group: 5
title: '=HYPERLINK("http://example.invalid","bấm vào đây")'
output: '- Các sở thực hiện; - báo cáo'
deadline: Tháng 6/2026
lead:
  - Sở Xây dựng
partners:
  - '@SUM(A1:A2)'
  - '+Sở Tài chính'
authority: UBND thành phố
"""


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    root = make_data_dir(tmp_path / "data", FIXTURES / "valid" / "progress")
    (root / "tasks" / "004.yaml").write_text(HOSTILE_TASK, encoding="utf-8")
    return root


def _export(root: Path, *args: str, as_of: str = AS_OF) -> Any:
    return runner.invoke(app, ["export", "-d", str(root), "--as-of", as_of, *args])


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+84 912", "'+84 912"),
        ("- Các sở, ban, ngành", "'- Các sở, ban, ngành"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1", "'＝1"),
        ("Sở Xây dựng", "Sở Xây dựng"),
        ("2026 - 2030", "2026 - 2030"),
        ("", ""),
    ],
)
def test_neutralise(text: str, shown: str) -> None:
    assert neutralise(text) == shown


# ---------------------------------------------------------------- csv and json


def test_csv_of_the_shipped_data(shipped_copy: Path) -> None:
    result = _export(shipped_copy, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout_bytes)
    assert rows[0] == [*APPENDIX_COLUMNS, "Nhóm", "Hạn", "Trạng thái", "Số ngày quá hạn", "Gia hạn"]
    by_id = {int(row[0]): row for row in rows[1:]}
    assert sorted(by_id) == list(range(1, 76))
    assert by_id[2][3:5] == ["Tháng 3/2026", "Sở Tài chính"]
    assert by_id[2][8:] == [
        "2026-03-31",
        "Chưa hoàn thành quá hạn",
        str((date(2026, 11, 28) - date(2026, 3, 31)).days),
        "",  # no extension
    ]
    assert by_id[33][4] == "Sở Xây dựng; Ban QLDA liên quan"
    assert by_id[49][2].startswith("'- Được UNESCO vinh danh")  # readable, and no formula
    assert by_id[31][3] == "" and by_id[31][8] == "" and by_id[31][9] == "Không thời hạn"


def test_csv_milestones_and_filters(progress: Path) -> None:
    result = _export(progress, "-f", "csv", "--milestones")
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout_bytes)
    assert rows[0] == [
        "STT",
        "Mốc",
        "Nhiệm vụ",
        "Mốc thời hạn",
        "Hạn",
        "Cơ quan chủ trì",
        "Trạng thái",
        "Ngày hoàn thành",
        "Số ngày quá hạn",
        "Gia hạn",
    ]
    assert [(row[0], row[1], row[3], row[4], row[6], row[7]) for row in rows[1:]] == [
        ("1", "1", "Trong năm 2026", "2026-12-31", "Đã hoàn thành đúng hạn", "2026-05-20"),
        ("2", "1", "Khởi công", "2026-03-31", "Đã hoàn thành đúng hạn", "2026-03-15"),
        ("2", "2", "Hoàn thành", "2028-12-31", "Chưa hoàn thành trong hạn", ""),
        ("3", "1", "Báo cáo", "2026-09-30", "Chưa hoàn thành quá hạn", ""),
        ("4", "1", "Tháng 6/2026", "2026-06-30", "Chưa hoàn thành quá hạn", ""),
    ]
    hostile = _csv_rows(_export(progress, "-f", "csv", "--status", "overdue").stdout_bytes)
    assert [row[0] for row in hostile[1:]] == ["3", "4"]
    assert hostile[2][1].startswith("'=HYPERLINK(")
    assert hostile[2][2] == "'- Các sở thực hiện; - báo cáo"
    assert hostile[2][5] == "'@SUM(A1:A2); +Sở Tài chính"
    quarter = _csv_rows(_export(progress, "-f", "csv", "--quarter", "Quý I/2026").stdout_bytes)
    assert [row[0] for row in quarter[1:]] == ["2"]


def test_json_nests_milestones_with_iso_dates(progress: Path) -> None:
    result = _export(progress, "-f", "json", "--group", "5", "--agency", "so xay dung")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["as_of"] == AS_OF
    tasks = {task["id"]: task for task in payload["tasks"]}
    assert sorted(tasks) == [1, 2, 3, 4]
    two = tasks[2]
    assert (two["due"], two["status"], two["status_label"]) == ("2028-12-31", "on_track", "Chưa hoàn thành trong hạn")
    assert [(m["number"], m["label"], m["due"], m["done_on"]) for m in two["milestones"]] == [
        (1, "Khởi công", "2026-03-31", "2026-03-15"),
        (2, "Hoàn thành", "2028-12-31", None),
    ]
    assert tasks[4]["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet: kept as is
    assert tasks[3]["days_overdue"] == (date(2026, 11, 28) - date(2026, 9, 30)).days


def test_the_filters_of_list(shipped_copy: Path) -> None:
    def ids(*args: str) -> list[int]:
        result = _export(shipped_copy, "-f", "json", *args)
        assert result.exit_code == 0, result.output
        return [task["id"] for task in json.loads(result.stdout)["tasks"]]

    def listed(*args: str) -> list[int]:
        result = runner.invoke(app, ["list", "-d", str(shipped_copy), "--as-of", AS_OF, "-f", "json", *args])
        assert result.exit_code == 0, result.output
        return [task["id"] for task in json.loads(result.stdout)]

    assert ids("--search", "unesco") == [48, 49]
    assert ids("--agency", "Sở Tài chính", "--role", "partner") == [60]
    for args in (
        ("--authority", "HĐND", "--month", "3/2026"),
        ("--year", "2027"),
        ("--due-after", "1/12/2026", "--due-before", "31/12/2026", "--group", "6"),
        ("--status", "overdue", "--agency", "SXD"),
    ):
        found = ids(*args)
        assert found and found == listed(*args), args


def test_filters_match_the_query_status_model(shipped_copy: Path) -> None:
    overdue = json.loads(_export(shipped_copy, "-f", "json", "--status", "qua han").stdout)["tasks"]
    assert overdue and all(task["status"] == "overdue" and task["days_overdue"] > 0 for task in overdue)
    everything = json.loads(_export(shipped_copy, "-f", "json").stdout)["tasks"]
    assert {t["id"] for t in overdue} == {t["id"] for t in everything if t["status"] == "overdue"}


# ---------------------------------------------------------------- xlsx


def test_xlsx_workbook(progress: Path, tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.xlsx"
    result = _export(progress, "-o", str(target))  # the format from the file name
    assert result.exit_code == 0, result.output
    assert f"Đã ghi {target}" in result.output
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Nhiệm vụ", "Mốc thời hạn"]
    tasks, milestones = workbook["Nhiệm vụ"], workbook["Mốc thời hạn"]

    header = [cell.value for cell in tasks[1]]
    assert header[:7] == list(APPENDIX_COLUMNS)
    assert all(cell.font.b for cell in tasks[1])
    assert tasks.freeze_panes == "A2" and tasks.auto_filter.ref == "A1:L5"
    assert tasks.max_row == 5 and milestones.max_row == 6
    assert tasks.column_dimensions["B"].width > tasks.column_dimensions["A"].width

    due = tasks.cell(row=2, column=header.index("Hạn") + 1)
    assert due.is_date and due.value == datetime(2026, 12, 31) and due.number_format == "DD/MM/YYYY"
    assert tasks.cell(row=2, column=2).alignment.wrap_text
    assert tasks.cell(row=2, column=1).value == 1  # numbers stay numbers

    hostile = list(tasks[5])
    assert all(cell.data_type != "f" for cell in hostile)
    assert hostile[1].value.startswith("'=HYPERLINK(") and hostile[2].value.startswith("'- Các sở")
    assert hostile[5].value == "'@SUM(A1:A2)\n+Sở Tài chính"

    done = [cell.value for cell in milestones[2]]
    assert done[:2] == [1, 1] and done[6] == "Đã hoàn thành đúng hạn" and done[7] == datetime(2026, 5, 20)
    assert milestones.cell(row=2, column=8).number_format == "DD/MM/YYYY"


def test_xlsx_without_output_gets_a_dated_name_and_is_never_overwritten(
    progress: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = _export(progress, "-f", "xlsx")
    assert first.exit_code == 0, first.output
    made = tmp_path / f"ctr199-{AS_OF}.xlsx"
    assert made.exists() and f"Đã ghi {made.name}" in first.output
    before = made.read_bytes()
    again = _export(progress, "-f", "xlsx", "--status", "overdue")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert made.read_bytes() == before
    forced = _export(progress, "-f", "xlsx", "--status", "overdue", "--force")
    assert forced.exit_code == 0
    assert load_workbook(made)["Nhiệm vụ"].max_row == 3


def test_output_file_refused_unless_force(progress: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("giữ nguyên", encoding="utf-8")
    refused = _export(progress, "-o", str(target))
    assert refused.exit_code == 2 and target.read_text(encoding="utf-8") == "giữ nguyên"
    forced = _export(progress, "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert _csv_rows(target.read_bytes())[1][0] == "1"


# ---------------------------------------------------------------- ics


def _calendar(root: Path, tmp_path: Path, *args: str, as_of: str = AS_OF) -> Any:
    target = tmp_path / f"lich-{as_of}.ics"
    result = _export(root, "-f", "ics", "-o", str(target), *args, as_of=as_of)
    assert result.exit_code == 0, result.output
    return Calendar.from_ical(target.read_bytes())


def test_ics_one_all_day_event_per_dated_milestone(shipped_copy: Path, tmp_path: Path) -> None:
    calendar = _calendar(shipped_copy, tmp_path)
    events = list(calendar.walk("VEVENT"))
    as_json = json.loads(_export(shipped_copy, "-f", "json").stdout)["tasks"]
    dated = [(t["id"], m["number"], m["due"]) for t in as_json for m in t["milestones"] if m["due"]]
    ongoing = [(t["id"], m["number"]) for t in as_json for m in t["milestones"] if m["ongoing"]]
    assert ongoing and len(events) == len(dated)
    assert {(str(e["uid"]), e.decoded("dtstart").isoformat()) for e in events} == {
        (f"ctr199-hai-phong-2026-nhiem-vu-{task:03d}-moc-{number}@ctr199", due) for task, number, due in dated
    }
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and (end - start).days == 1  # all-day
        assert event.decoded("dtstamp") == datetime(2026, 11, 28, tzinfo=event.decoded("dtstamp").tzinfo)
    by_uid = {str(e["uid"]): e for e in events}
    assert str(by_uid["ctr199-hai-phong-2026-nhiem-vu-036-moc-1@ctr199"]["summary"]).startswith("(36) Dự án tuyến")
    assert str(by_uid["ctr199-hai-phong-2026-nhiem-vu-036-moc-1@ctr199"]["summary"]).endswith("— Sở Xây dựng")
    assert str(by_uid["ctr199-hai-phong-2026-nhiem-vu-065-moc-2@ctr199"]["summary"]).startswith("(65) Hoàn thành: ")
    description = str(by_uid["ctr199-hai-phong-2026-nhiem-vu-065-moc-2@ctr199"]["description"])
    assert "Mốc 2/2: Hoàn thành" in description and "Cơ quan chủ trì: Sở Tài chính" in description


def test_ics_uids_stable_and_stamp_from_as_of(progress: Path, tmp_path: Path) -> None:
    early = _calendar(progress, tmp_path, as_of="2026-01-10")
    late = _calendar(progress, tmp_path, as_of="2026-11-28")
    uids = [str(e["uid"]) for e in early.walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in late.walk("VEVENT")] and len(set(uids)) == len(uids) == 5
    assert {e.decoded("dtstamp").date() for e in early.walk("VEVENT")} == {date(2026, 1, 10)}
    again = tmp_path / "again.ics"
    _export(progress, "-f", "ics", "-o", str(again), as_of="2026-11-28")
    assert again.read_bytes() == (tmp_path / "lich-2026-11-28.ics").read_bytes()  # no hidden clock


def test_ics_respects_filters(shipped_copy: Path, tmp_path: Path) -> None:
    events = list(_calendar(shipped_copy, tmp_path, "--agency", "Sở Y tế").walk("VEVENT"))
    assert events and all(str(e["summary"]).endswith("— Sở Y tế") for e in events)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "pdf"], 'không có định dạng "pdf"'),
        ([], "chọn định dạng"),
        (["-o", "x.txt"], "chọn định dạng"),
        (["-f", "csv", "-o", "x.xlsx"], "có đuôi .xlsx nhưng --format là csv"),
        (["-f", "xlsx", "--milestones"], "--milestones chỉ dùng với --format csv"),
        (["-f", "csv", "--agency", "Sở Không Có"], "--agency"),
        (["-f", "csv", "--status", "lạ"], "--status"),
        (["-f", "csv", "--quarter", "Quý V/2026"], "--quarter"),
        (["-f", "csv", "--group", "12"], "không có nhóm 12"),
        (["-f", "csv", "-o", "/không/có/thư-mục/x.csv"], "không có thư mục"),
    ],
)
def test_usage_errors_exit_2(shipped_copy: Path, args: list[str], message: str) -> None:
    result = _export(shipped_copy, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_broken_data_still_exports_but_exits_1(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data", FIXTURES / "valid" / "progress")
    (root / "tasks" / "009.yaml").write_text("id: [\n", encoding="utf-8")
    result = _export(root, "-f", "csv")
    assert result.exit_code == 1
    assert "dữ liệu có 1 lỗi" in result.stderr
    assert len(_csv_rows(result.stdout_bytes)) == 4


def test_export_does_not_touch_the_data(shipped_copy: Path, tmp_path: Path) -> None:
    before = tree_digest(shipped_copy)
    assert _export(shipped_copy, "-o", str(tmp_path / "a.xlsx")).exit_code == 0
    assert tree_digest(shipped_copy) == before
