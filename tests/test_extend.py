"""`ctr199 extend`: approved extensions (gia hạn) — judgement by date, refusals, checks, and every output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.loading import load_programme
from ctr199.models import Extension, Status
from ctr199.programme import TaskRecord
from ctr199.query import Category, classify

from .brief_helpers import docx_text, parse_html
from .conftest import SHIPPED, read_task
from .gitrepo import data_repo, git

runner = CliRunner()
AS_OF = "2026-07-01"
REF = "Văn bản số 123/UBND-XD"
SENTENCE = f"Thời hạn ban đầu: Tháng 5/2026; gia hạn đến Quý I/2027 theo {REF} (10/06/2026)"


def _invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _extend_37(data: Path) -> None:
    """Task 37 (Tháng 5/2026, due 31/05/2026) extended on 10/06/2026 to Quý I/2027."""
    code, out, err = _invoke(
        "extend", "37", "--to", "Quý I/2027", "--ref", REF, "--date", "10/6/2026", "-d", data, "--as-of", AS_OF
    )
    assert (code, err) == (0, ""), err
    assert out == (
        "Đã ghi gia hạn nhiệm vụ (37): hạn 31/05/2026 → Quý I/2027 (31/03/2027) từ ngày 10/06/2026; "
        "thời hạn ban đầu: Tháng 5/2026 (31/05/2026).\n"
    )


@pytest.fixture
def extended(tmp_path: Path) -> Path:
    data = Path(shutil.copytree(SHIPPED, tmp_path / "data"))
    _extend_37(data)
    return data


def _record(data: Path, number: int, as_of: date = date(2027, 12, 31)) -> TaskRecord:
    programme, _ = load_programme(data, as_of=as_of, use_cache=False)
    record = programme.task(number)
    assert record is not None
    return record


# ---------------------------------------------------------------- the file and the diff


def test_extend_adds_only_the_extension_lines_and_stays_canonical(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    _extend_37(data)
    diff = git(data.parent, "diff", "--unified=0", "--no-color")
    added = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert added == [
        "+extensions:",
        "+  - milestone: 1",
        "+    to: Quý I/2027",
        "+    date: 2026-06-10",
        f"+    ref: {REF}",
    ]
    assert read_task(data, 37).extensions == [Extension(milestone=1, to="Quý I/2027", date=date(2026, 6, 10), ref=REF)]
    assert read_task(data, 37).deadline == "Tháng 5/2026"  # the original stays
    code, out, _ = _invoke("fmt", "--check", data)
    assert code == 0, out
    _, report = load_programme(data, as_of=date(2026, 7, 1), use_cache=False)
    assert not report.errors


def test_shipped_data_stays_canonical_and_has_no_extensions_key() -> None:
    code, out, _ = _invoke("fmt", "--check", SHIPPED)
    assert code == 0, out
    assert all("extensions" not in path.read_text(encoding="utf-8") for path in (SHIPPED / "tasks").glob("*.yaml"))


# ---------------------------------------------------------------- judgement as of a date


@pytest.mark.parametrize(
    ("as_of", "category", "due", "days_overdue"),
    [
        (date(2026, 5, 31), Category.ON_TRACK, date(2026, 5, 31), 0),
        (date(2026, 6, 9), Category.OVERDUE, date(2026, 5, 31), 9),  # before the extension: the original counts
        (date(2026, 6, 10), Category.ON_TRACK, date(2027, 3, 31), 0),  # from its date: the new deadline
        (date(2027, 3, 31), Category.ON_TRACK, date(2027, 3, 31), 0),
        (date(2027, 4, 2), Category.OVERDUE, date(2027, 3, 31), 2),
    ],
)
def test_category_changes_on_the_extension_date(
    extended: Path, as_of: date, category: Category, due: date, days_overdue: int
) -> None:
    state = classify(_record(extended, 37), as_of)
    milestone = state.milestones[0]
    assert (state.category, milestone.due, milestone.days_overdue) == (category, due, days_overdue)
    assert milestone.original_due == date(2026, 5, 31)
    assert milestone.extended is (as_of >= date(2026, 6, 10))
    assert milestone.extension_text == (SENTENCE if as_of >= date(2026, 6, 10) else "")


def test_overdue_command_before_and_after_the_extension(extended: Path) -> None:
    before = _invoke("overdue", "-f", "json", "-d", extended, "--as-of", "2026-06-09")
    # The extension is dated after that as-of date: later history, left out without an error (validate refuses it).
    assert before[0] == 0 and "extension-future" not in before[1] + before[2]
    assert 37 in [row["id"] for row in json.loads(before[1])]
    code, out, _ = _invoke("overdue", "-f", "json", "-d", extended, "--as-of", "2026-06-10")
    assert code == 0 and 37 not in [row["id"] for row in json.loads(out)]
    code, out, _ = _invoke("validate", extended, "--as-of", "2026-06-09")
    assert code == 1 and "error[extension-future]" in out


def test_completion_is_judged_by_the_deadline_in_force_when_it_was_completed(extended: Path) -> None:
    record = _record(extended, 37)
    done = record.task.model_copy(update={"status": Status.DONE, "completed_on": date(2026, 7, 15)})
    state = classify(TaskRecord(done, record.path, record.milestones), date(2026, 8, 1))
    assert state.category is Category.DONE_ON_TIME and state.milestones[0].due == date(2027, 3, 31)
    # Completed before the extension was approved: late by the original deadline, whatever came later.
    early = done.model_copy(update={"completed_on": date(2026, 6, 5)})
    state = classify(TaskRecord(early, record.path, record.milestones), date(2026, 8, 1))
    assert state.category is Category.DONE_LATE
    assert state.milestones[0].due == date(2026, 5, 31) and not state.milestones[0].extended


def test_one_milestone_of_several(tmp_path: Path) -> None:
    data = Path(shutil.copytree(SHIPPED, tmp_path / "data"))
    code, out, err = _invoke(
        "extend", "65", "--milestone", "1", "--to", "Quý III/2026", "--ref", "Thông báo số 45/TB-UBND",
        "--note", "Chờ ý kiến Bộ Tài chính", "--date", "2026-06-20", "-d", data, "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    assert "nhiệm vụ (65), mốc 1: hạn 31/03/2026 → Quý III/2026 (30/09/2026)" in out
    state = classify(_record(data, 65), date(2026, 7, 1))
    first, second = state.milestones
    assert (first.category, first.due, first.original_due) == (Category.ON_TRACK, date(2026, 9, 30), date(2026, 3, 31))
    assert first.extension_text == (
        "Thời hạn ban đầu của mốc 1 (Khởi công): 31/03/2026; "
        "gia hạn đến Quý III/2026 theo Thông báo số 45/TB-UBND (20/06/2026)"
    )
    assert not second.extended and second.due == date(2028, 12, 31)
    assert read_task(data, 65).extensions[0].note == "Chờ ý kiến Bộ Tài chính"


def test_a_second_extension_replaces_the_first_from_its_date(extended: Path) -> None:
    code, _, err = _invoke(
        "extend", "37", "--to", "Quý II/2027", "--ref", "Văn bản số 9/UBND", "--date", "2027-03-20",
        "-d", extended, "--as-of", "2027-03-25",
    )  # fmt: skip
    assert code == 0, err
    record = _record(extended, 37)
    assert classify(record, date(2027, 3, 19)).milestones[0].due == date(2027, 3, 31)
    latest = classify(record, date(2027, 4, 10)).milestones[0]
    assert latest.due == date(2027, 6, 30) and len(latest.extensions) == 2
    assert latest.extension_text.endswith("gia hạn đến Quý II/2027 theo Văn bản số 9/UBND (20/03/2027)")


def test_due_date_filters_see_the_deadline_in_force(extended: Path) -> None:
    def ids(*args: str) -> list[int]:
        code, out, _ = _invoke("list", "-f", "json", "-d", extended, "--as-of", AS_OF, *args)
        assert code == 0
        return [row["id"] for row in json.loads(out)]

    assert 37 in ids("--quarter", "I/2027")
    assert 37 not in ids("--month", "5/2026")


# ---------------------------------------------------------------- refusals


def _snapshot(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        (["37", "--to", "Tháng 4/2026", "--ref", REF], 1, "không muộn hơn thời hạn hiện tại"),
        (["37", "--to", "31/5/2026", "--ref", REF], 1, "(31/05/2026) không muộn hơn"),
        (["37", "--to", "Quý I/2027"], 1, "--ref: gia hạn cần văn bản cho phép"),
        (["37", "--to", "Quý I/2027", "--ref", "  "], 1, "--ref"),
        (["37", "--to", "Quý I/2027", "--ref", REF, "--date", "2026-07-02"], 1, "sau ngày đối chiếu 01/07/2026"),
        (["99", "--to", "Quý I/2027", "--ref", REF], 2, "không có nhiệm vụ số 99"),
        (["37", "--milestone", "2", "--to", "Quý I/2027", "--ref", REF], 2, "không có mốc 2"),
        (["65", "--to", "Quý I/2027", "--ref", REF], 2, "có 2 mốc; chọn mốc cần gia hạn"),
        (["37", "--to", "sớm nhất có thể", "--ref", REF], 2, "--to: không hiểu thời hạn"),
        (["37", "--to", "Quý I/2027; Quý II/2027", "--ref", REF], 2, "gồm 2 mốc"),
        (["37", "--to", "Thường xuyên", "--ref", REF], 2, "không có ngày hạn"),
        (["31", "--to", "Quý I/2027", "--ref", REF], 1, "chưa xác định được mốc nào"),
        (["37", "--to", "Quý I/2027", "--ref", "Văn bản\x07"], 2, "ký tự điều khiển"),
    ],
)
def test_refused_extension_leaves_every_byte(tmp_path: Path, args: list[str], code: int, reason: str) -> None:
    data = data_repo(tmp_path)
    before = _snapshot(data)
    exit_code, out, err = _invoke("extend", *args, "-d", data, "--as-of", AS_OF)
    assert exit_code == code, err
    assert out == ""
    assert err.startswith("Lỗi: ") and err.count("\n") == 1, err
    assert reason in err
    assert _snapshot(data) == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ["--to", "Quý IV/2026", "--date", "2026-06-20"],
            "không muộn hơn thời hạn hiện tại của nhiệm vụ (37) (31/03/2027)",
        ),
        (["--to", "Quý II/2027", "--date", "2026-06-01"], "đã có gia hạn ngày 10/06/2026, sau ngày 01/06/2026"),
    ],
)
def test_refused_against_an_earlier_extension(extended: Path, args: list[str], reason: str) -> None:
    before = _snapshot(extended)
    code, _, err = _invoke("extend", "37", "--ref", "Văn bản số 2", *args, "-d", extended, "--as-of", AS_OF)
    assert code == 1 and reason in err, err
    assert _snapshot(extended) == before


def test_done_milestone_is_not_extended(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    assert _invoke("done", "37", "--date", "2026-06-05", "-d", data, "--as-of", AS_OF)[0] == 0
    before = _snapshot(data)
    code, _, err = _invoke("extend", "37", "--to", "Quý I/2027", "--ref", REF, "-d", data, "--as-of", AS_OF)
    assert code == 1 and "đã hoàn thành ngày 05/06/2026" in err
    assert _snapshot(data) == before


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    before = _snapshot(data)
    code, out, _ = _invoke(
        "extend", "37", "--to", "Quý I/2027", "--ref", REF, "--dry-run", "-d", data, "--as-of", AS_OF
    )
    assert code == 0 and "+extensions:" in out and out.rstrip().endswith("(31/05/2026).")
    assert out.splitlines()[-1].startswith("Sẽ ghi gia hạn nhiệm vụ (37)")
    assert _snapshot(data) == before


# ---------------------------------------------------------------- checks on hand-written files


def test_checks_report_bad_extensions_with_their_codes(tmp_path: Path) -> None:
    data = Path(shutil.copytree(SHIPPED, tmp_path / "data"))
    path = data / "tasks" / "065.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "extensions:\n"
        + "  - milestone: 3\n    to: Quý I/2027\n    date: 2026-06-01\n    ref: VB 1\n"
        + "  - milestone: 1\n    to: sớm\n    date: 2026-06-01\n    ref: VB 2\n"
        + "  - milestone: 1\n    to: Quý II/2026\n    date: 2026-06-02\n    ref: VB 3\n"
        + "  - milestone: 1\n    to: Tháng 2/2026\n    date: 2026-06-03\n    ref: VB 4\n"
        + "  - milestone: 2\n    to: Năm 2029\n    date: 2026-08-01\n    ref: VB 5\n",
        encoding="utf-8",
    )
    _, report = load_programme(data, as_of=date(2026, 7, 1), use_cache=False)
    found = [(f.code, f.line) for f in report.errors]
    assert found == [
        ("extension-milestone", 16),
        ("extension-period", 21),
        ("extension-not-later", 29),
        ("extension-future", 34),
    ], [str(f) for f in report.errors]
    # Only the valid one (Quý II/2026 from 02/06/2026) is in force: the one that is not later is ignored.
    state = classify(_record(data, 65, date(2026, 8, 1)), date(2026, 7, 1))
    assert state.milestones[0].due == date(2026, 6, 30)
    assert [extension.ref for extension in state.milestones[0].extensions] == ["VB 3"]
    code, out, _ = _invoke("validate", data, "--as-of", AS_OF)
    assert code == 1 and "065.yaml:29:9: error[extension-not-later]" in out


def test_schema_refuses_an_extension_without_ref(tmp_path: Path) -> None:
    data = Path(shutil.copytree(SHIPPED, tmp_path / "data"))
    path = data / "tasks" / "037.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "extensions:\n  - milestone: 1\n    to: Quý I/2027\n    date: 2026-06-01\n",
        encoding="utf-8",
    )
    _, report = load_programme(data, as_of=date(2026, 7, 1), use_cache=False)
    assert [(f.code, "extensions.0.ref" in f.message) for f in report.errors] == [("schema", True)]


# ---------------------------------------------------------------- every output says so


def test_show_says_so(extended: Path) -> None:
    code, out, _ = _invoke("show", "37", "-d", extended, "--as-of", AS_OF)
    assert code == 0
    assert f"Gia hạn                  {SENTENCE}" in out
    assert "31/03/2027 (gia hạn; ban đầu 31/05/2026)" in out
    assert "Tháng 5/2026 (31/05/2026)  Quý I/2027   31/03/2027  Văn bản số 123/UBND-XD" in out
    detail = json.loads(_invoke("show", "37", "-f", "json", "-d", extended, "--as-of", AS_OF)[1])
    assert detail["deadline"] == "Tháng 5/2026" and detail["extension"] == SENTENCE
    assert detail["extensions"] == [
        {
            "milestone": 1,
            "original": "Tháng 5/2026",
            "original_due": "2026-05-31",
            "date": "2026-06-10",
            "to": "Quý I/2027",
            "due": "2027-03-31",
            "ref": REF,
            "note": "",
        }
    ]
    assert detail["milestones"][0]["original_due"] == "2026-05-31" and detail["milestones"][0]["due"] == "2027-03-31"


def test_list_says_so(extended: Path) -> None:
    code, out, _ = _invoke("list", "--agency", "SXD", "--all", "-d", extended, "--as-of", AS_OF)
    assert code == 0
    line = next(line for line in out.splitlines() if line.lstrip().startswith("37 "))
    assert "Tháng 5/2026" in line and "31/03/2027" in line and line.endswith(SENTENCE)
    rows = list(csv.DictReader(io.StringIO(_invoke("list", "-f", "csv", "-d", extended, "--as-of", AS_OF)[1])))
    row = next(row for row in rows if row["id"] == "37")
    assert (row["deadline"], row["due"], row["extension"]) == ("Tháng 5/2026", "2027-03-31", SENTENCE)
    assert "(gia hạn; hạn ban đầu 2026-05-31)" in row["milestones"]
    assert next(row for row in rows if row["id"] == "36")["extension"] == ""


def test_overdue_and_upcoming_say_so(extended: Path) -> None:
    code, out, _ = _invoke("overdue", "--agency", "SXD", "-d", extended, "--as-of", "2027-04-02")
    assert code == 0
    assert "Gia hạn" in out.splitlines()[1]
    line = next(line for line in out.splitlines() if line.lstrip().startswith("37 "))
    assert "31/03/2027" in line and line.endswith(SENTENCE)
    code, out, _ = _invoke("upcoming", "-f", "json", "-d", extended, "--as-of", "2027-03-20")
    item = next(row for row in json.loads(out) if row["id"] == 37)
    assert (item["due"], item["days_left"], item["extension"]) == ("2027-03-31", 11, SENTENCE)
    code, out, _ = _invoke("upcoming", "-f", "csv", "-d", extended, "--as-of", "2027-03-20")
    assert SENTENCE in out


def test_exports_say_so(extended: Path, tmp_path: Path) -> None:
    def export(*args: str) -> bytes:
        result = runner.invoke(app, ["export", "-d", str(extended), "--as-of", AS_OF, *args])
        assert result.exit_code == 0, result.output
        return result.stdout_bytes

    tasks = list(csv.DictReader(io.StringIO(export("-f", "csv").decode("utf-8-sig"))))
    row = next(row for row in tasks if row["STT"] == "37")
    assert (row["Thời hạn"], row["Hạn"], row["Gia hạn"]) == ("Tháng 5/2026", "2027-03-31", SENTENCE)
    milestones = list(csv.DictReader(io.StringIO(export("-f", "csv", "--milestones").decode("utf-8-sig"))))
    assert next(row for row in milestones if row["STT"] == "37")["Gia hạn"] == SENTENCE

    task = next(t for t in json.loads(export("-f", "json"))["tasks"] if t["id"] == 37)
    assert task["deadline"] == "Tháng 5/2026" and task["extension"] == SENTENCE
    assert task["milestones"][0]["original_due"] == "2026-05-31"
    assert task["milestones"][0]["extensions"][0] == {
        "date": "2026-06-10",
        "to": "Quý I/2027",
        "due": "2027-03-31",
        "ref": REF,
        "note": "",
    }

    target = tmp_path / "nhiem-vu.xlsx"
    export("-o", str(target))
    sheet = load_workbook(target)["Nhiệm vụ"]
    header = [cell.value for cell in sheet[1]]
    row_37 = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == 37)
    assert row_37[header.index("Thời hạn")] == "Tháng 5/2026" and row_37[header.index("Gia hạn")] == SENTENCE

    export("-o", str(tmp_path / "lich.ics"))
    calendar = (tmp_path / "lich.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    event = next(part for part in calendar.split("BEGIN:VEVENT") if "nhiem-vu-037-moc-1" in part)
    assert "DTSTART;VALUE=DATE:20270331" in event and "(gia hạn)" in event
    assert "Thời hạn ban đầu: Tháng 5/2026\\; gia hạn đến Quý I/2027" in event


def test_brief_says_so_in_every_format(extended: Path, tmp_path: Path) -> None:
    texts = {}
    for kind in ("md", "html", "docx"):
        target = tmp_path / f"bao-cao.{kind}"
        code, _, err = _invoke("brief", "-f", kind, "-o", target, "-d", extended, "--as-of", "2027-03-20")
        assert code == 0, err
        texts[kind] = docx_text(target) if kind == "docx" else target.read_text(encoding="utf-8")
    texts["html"] = parse_html(texts["html"]).visible_text()
    assert "123/UBND\u2011XD" in texts["md"] and "123/UBND\u2011XD" in texts["html"]  # the symbol never breaks
    for kind, text in texts.items():
        text = text.replace("\u2011", "-")  # a non-breaking hyphen reads as a hyphen
        assert "được gia hạn thời hạn (1)" in text, kind
        assert "Tháng 5/2026" in text and "31/05/2026" in text and "Quý I/2027" in text, kind
        assert f"{REF} (ngày 10/06/2026)" in text, kind
        assert SENTENCE in text, kind  # the upcoming row (due 31/03/2027) carries the whole sentence


def test_brief_without_extensions_has_no_extension_section(tmp_path: Path) -> None:
    data = Path(shutil.copytree(SHIPPED, tmp_path / "data"))
    target = tmp_path / "bao-cao.md"
    assert _invoke("brief", "-f", "md", "-o", target, "-d", data, "--as-of", AS_OF)[0] == 0
    assert "gia hạn" not in target.read_text(encoding="utf-8")


def test_reminder_letter_says_so(extended: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cong-van"
    code, _, err = _invoke("remind", "-o", folder, "-f", "md", "-d", extended, "--as-of", "2027-03-20")
    assert code == 0, err
    letter = next(path for path in folder.iterdir() if "so-xay-dung" in path.name)
    text = letter.read_text(encoding="utf-8")
    assert SENTENCE.replace("123/UBND-XD", "123/UBND\u2011XD") in text  # the symbol never breaks


def test_changes_describes_an_extension(tmp_path: Path) -> None:
    data = data_repo(tmp_path)
    _extend_37(data)
    git(data.parent, "commit", "-qam", "gia hạn 37", when="2026-07-01T09:00:00+07:00")
    code, out, _ = _invoke("changes", "--since", "2026-06-25", "--until", "2026-07-02", "-d", data)
    assert code == 0, out
    assert f"Gia hạn: (trống) → mốc 1 gia hạn đến Quý I/2027 (10/06/2026, {REF})" in out


def test_a_cached_load_judges_the_same(extended: Path) -> None:
    path = extended / "tasks" / "037.yaml"
    past = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(past, past))  # old enough to be cached
    states = []
    for _ in range(2):  # the first run fills the cache, the second reads the task from it
        programme, report = load_programme(extended, as_of=date(2026, 7, 1), use_cache=True)
        assert not report.errors
        record = programme.task(37)
        assert record is not None
        states.append(classify(record, date(2026, 7, 1)))
    assert states[0] == states[1]
    assert states[1].milestones[0].extension_text == SENTENCE


def test_forms_show_the_deadline_in_force_and_say_it_was_extended(extended: Path, tmp_path: Path) -> None:
    """An agency reports against the extended deadline; the form says what the original was."""
    out = tmp_path / "phieu"
    code, _, err = _invoke("forms", "-o", str(out), "--agency", "SXD", "-d", str(extended), "--as-of", "2026-07-01")
    assert code == 0, err
    sheet = load_workbook(out / "phieu-bao-cao-so-xay-dung.xlsx").worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert rows[37][3] == "Tháng 5/2026 — Thời hạn ban đầu: Tháng 5/2026; gia hạn đến Quý I/2027 theo " + REF + (
        " (10/06/2026)"
    )
    assert rows[37][4].date() == date(2027, 3, 31)
    before = tmp_path / "truoc"  # a form made before the extension was approved shows the original deadline
    code, _, err = _invoke("forms", "-o", str(before), "--agency", "SXD", "-d", str(extended), "--as-of", "2026-06-01")
    assert code == 0, err
    sheet = load_workbook(before / "phieu-bao-cao-so-xay-dung.xlsx").worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert (rows[37][3], rows[37][4].date()) == ("Tháng 5/2026", date(2026, 5, 31))
