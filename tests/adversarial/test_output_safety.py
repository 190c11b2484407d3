"""What the tool prints or writes must not act on whoever opens it.

Spreadsheet cells never start a formula (every CSV and the workbook); JSON and the calendar keep
the text exactly; tables show markup and control characters as typed, never interpreted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from ctr199.models import Task
from ctr199.store import WriteError, atomic_write, render_task

from ..conftest import SHIPPED, make_data_dir, tree_digest
from .common import invoke

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
SIGNED_NUMBER = re.compile(r"[-+]\d+(?:[.,]\d+)*%?")
TITLES = {
    1: '=HYPERLINK("http://x.invalid","bấm vào đây")',
    2: "\t=1+2 sau dấu TAB",
    3: "[bold red]đỏ[/] in đậm?",
    4: "kết thúc[/] sớm",
    5: 'Có "ngoặc", \\ gạch, dòng\u2028mới, 🎉, </script><script>alert(1)</script>',
    6: "abc\u202edcba đảo chiều",
    7: "- Các sở, ngành",
}
HOSTILE_CELLS = ("+1+2", "@SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "＝1", "=1")


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Valid data whose every text field starts like a formula or carries markup."""
    monkeypatch.chdir(tmp_path)
    root = make_data_dir(tmp_path / "data")
    for number, title in TITLES.items():
        task = Task(
            id=number,
            group=5,
            title=title,
            output=HOSTILE_CELLS[number % len(HOSTILE_CELLS)],
            deadline="Tháng 6/2026" if number % 2 else "Quý III/2026",
            lead=["Sở Xây dựng"],
            partners=list(HOSTILE_CELLS),
            authority="UBND thành phố",
        )
        (root / "tasks" / f"{number:03d}.yaml").write_text(render_task(task), encoding="utf-8")
    groups = root / "groups.yaml"
    group_5 = "  - id: 5\n    title: "
    groups.write_text(groups.read_text(encoding="utf-8").replace(group_5, group_5 + "=cmd|x "), encoding="utf-8")
    agencies = root / "agencies.yaml"
    registry = agencies.read_text(encoding="utf-8")
    alias = "  - code: SXD\n    name: Sở Xây dựng\n    aliases: []\n"
    assert alias in registry
    agencies.write_text(registry.replace(alias, alias.replace("[]", "['@SXD']")), encoding="utf-8")
    checked = invoke("validate", "data", "--as-of", "2026-11-28")
    assert checked.exit_code == 0, checked.stdout
    return root


def _neutral(cells: list[str]) -> None:
    for cell in cells:
        if cell.startswith(FORMULA_START):
            assert SIGNED_NUMBER.fullmatch(cell), f"cell {cell!r} would run as a formula"


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-f", "csv"],
        ["export", "-f", "csv", "--milestones"],
        ["list", "-f", "csv"],
        ["overdue", "-f", "csv"],
        ["upcoming", "-f", "csv", "--within", "100", "--as-of", "2026-05-01"],
        ["summary", "-f", "csv"],
        ["agencies", "-f", "csv"],
    ],
    ids=" ".join,
)
def test_every_csv_neutralises_formula_cells(hostile: Path, args: list[str]) -> None:
    dated = [] if "--as-of" in args or args[0] == "agencies" else ["--as-of", "2026-11-28"]
    result = invoke(*args, "-d", "data", *dated)
    assert result.exit_code == 0, result.stderr
    rows = _csv(result.stdout)
    assert len(rows) > 1
    cells = [cell for row in rows for cell in row]
    _neutral(cells)
    if args[0] in ("export", "list", "overdue", "upcoming"):
        assert f"'{TITLES[1]}" in cells and f"'{TITLES[7]}" in cells
    if args[0] == "summary":
        assert any(cell.startswith("'=cmd|x Tăng cường công tác") for cell in cells)
    if args[0] == "agencies":
        assert any(cell.startswith("'@SXD") for cell in cells)


def test_workbook_neutralises_every_sheet(hostile: Path) -> None:
    assert invoke("export", "-o", "ra.xlsx", "-d", "data", "--as-of", "2026-11-28").exit_code == 0
    workbook = load_workbook(hostile.parent / "ra.xlsx")
    for sheet in workbook.worksheets:
        texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
        _neutral(texts)
        assert f"'{TITLES[1]}" in texts
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row), "no formula cell"


def test_indicator_csv_neutralises_text_but_keeps_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = make_data_dir(tmp_path / "data")
    (data / "indicators.yaml").write_bytes((SHIPPED / "indicators.yaml").read_bytes())
    recorded = invoke(
        "indicator", "set", "1", "-p", "2026-Q1", "-v", "-2,5", "--source", "=HYPERLINK(\"x\")",
        "--date", "2026-04-10", "-d", "data",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.stderr
    result = invoke("indicators", "-f", "csv", "-d", "data", "--as-of", "2026-04-10")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    grdp = next(row for row in rows if row["ref"] == "1.grdp")
    assert (grdp["value"], grdp["source"]) == ("-2.5", '\'=HYPERLINK("x")')
    _neutral([cell for row in rows for cell in row.values()])


def _titles(payload: Any) -> list[str]:
    return sorted(item["title"] for item in payload)


def test_json_keeps_hostile_text_exactly_and_stays_valid(hostile: Path) -> None:
    expected = sorted(TITLES.values())
    listed = invoke("list", "-f", "json", "-d", "data", "--as-of", "2026-11-28")
    assert _titles(json.loads(listed.stdout)) == expected
    exported = invoke("export", "-f", "json", "-d", "data", "--as-of", "2026-11-28")
    assert _titles(json.loads(exported.stdout)["tasks"]) == expected
    overdue = invoke("overdue", "-f", "json", "-d", "data", "--as-of", "2026-11-28")
    assert set(_titles(json.loads(overdue.stdout))) == set(expected)
    shown = json.loads(invoke("show", "5", "-f", "json", "-d", "data", "--as-of", "2026-11-28").stdout)
    assert (shown["title"], shown["partners"]) == (TITLES[5], list(HOSTILE_CELLS))
    summary = json.loads(invoke("summary", "-f", "json", "-d", "data", "--as-of", "2026-11-28").stdout)
    assert summary["groups"][0]["title"].startswith("=cmd|x Tăng cường công tác")


def test_calendar_keeps_the_text(hostile: Path) -> None:
    assert invoke("export", "-o", "lich.ics", "-d", "data", "--as-of", "2026-11-28").exit_code == 0
    calendar = Calendar.from_ical((hostile.parent / "lich.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert any(f"Nhiệm vụ (5): {TITLES[5]}\n" in str(event["description"]) for event in events)
    assert any(str(event["summary"]).startswith(f"(1) {TITLES[1]}") for event in events)


def _table(*args: str, colour: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if colour:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", "300")  # wide enough that no title wraps
    result = invoke(*args, "-d", "data", "--as-of", "2026-11-28")
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "rich"])
def test_tables_print_markup_literally(hostile: Path, monkeypatch: pytest.MonkeyPatch, colour: bool) -> None:
    out = _table("list", "--all", colour=colour, monkeypatch=monkeypatch)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # the table's own colours, when on a terminal
    assert "[bold red]đỏ[/] in đậm?" in plain
    assert "kết thúc[/] sớm" in plain
    assert "abc\\u202edcba" in plain and "\u202e" not in out, "a direction override is shown, not obeyed"
    if colour:
        assert "\x1b[" in out, "the rich path really ran"
    else:
        assert "\x1b" not in out


def test_show_prints_text_and_file_name_literally(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (hostile / "tasks" / "006.yaml").rename(hostile / "tasks" / "006-\x1b[31mđỏ.yaml")
    for colour in (False, True):
        out = _table("show", "6", colour=colour, monkeypatch=monkeypatch)
        assert "Tệp" in out and "data/tasks/006-\\x1b[31mđỏ.yaml" in out
        assert "abc\\u202edcba đảo chiều" in out
        assert "\x1b[31mđỏ" not in out


def test_file_names_cannot_forge_findings_or_escape_sequences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = make_data_dir(tmp_path / "data")
    (root / "tasks" / "001-\x1b[2J.yaml").write_text("id: [\n", encoding="utf-8")
    (root / "tasks" / "002-a,b\n::error file=forged.yaml::forged.yaml").write_text("id: [\n", encoding="utf-8")
    before = tree_digest(root)
    text = invoke("validate", "data", "--as-of", "2026-11-28")
    lines = text.stdout.splitlines()
    assert "\x1b" not in text.stdout
    assert lines[0].startswith("data/tasks/001-\\x1b[2J.yaml:2:1: error[yaml-syntax]: ")
    assert lines[1].startswith("data/tasks/002-a,b\\n::error file=forged.yaml::forged.yaml:2:1: error[yaml-syntax]")
    github = invoke("validate", "data", "--as-of", "2026-11-28", "--format", "github")
    commands = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == 2
    assert commands[1].startswith("::error file=data/tasks/002-a%2Cb%0A%3A%3Aerror file=forged.yaml%3A%3Aforged.yaml,")
    listed = invoke("list", "-d", "data", "--as-of", "2026-11-28")
    assert listed.stderr.splitlines()[0].startswith("Bỏ qua data/tasks/001-\\x1b[2J.yaml:2:1: ")
    assert listed.stderr.splitlines()[1].startswith("Bỏ qua data/tasks/002-a,b\\n::error")
    assert tree_digest(root) == before


def test_history_from_hostile_commits_prints_literally(tmp_path: Path) -> None:
    """`changes` reads anyone's commits: hostile files are "unreadable" entries, authors print as typed."""
    from ..gitrepo import commit, data_repo

    data = data_repo(tmp_path)
    tasks = data / "tasks"
    (tasks / "036.yaml").write_text("a: &a [x, x, x]\nb: [*a, *a, *a]\n", encoding="utf-8")
    (tasks / "037.yaml").write_text("id: 37\ntitle: !!python/object/apply:os.system ['touch pwned']\n")
    (tasks / "038.yaml").write_bytes(b"id: 38\ntitle: Ph\xf2ng\n")
    commit(data.parent, "x\x1b[2J xóa màn hình", author="Kẻ\x1b[31m lạ")
    before = tree_digest(data)
    for output in ("table", "md"):
        result = invoke("changes", "--since", "2026-01-01", "-f", output, "-d", str(data), terminal=True)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "Kẻ\\x1b" in result.stdout  # the author, as typed (markdown also escapes its "[")
    shown = invoke("changes", "--since", "2026-01-01", "-f", "json", "-d", str(data))
    kinds = {task["task_id"]: {c["kind"] for c in task["changes"]} for task in json.loads(shown.stdout)["tasks"]}
    assert "unreadable" in kinds[36] and "unreadable" in kinds[37]
    assert "field" in kinds[38], "history decodes what it can (bad bytes as U+FFFD); validate is the gate"
    assert tree_digest(data) == before
    assert not (data.parent / "pwned").exists() and not Path("pwned").exists()


def _read_pipe_in_background(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    return reader, received


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "json"],
        ["brief", "--format", "md", "--force"],
    ],
)
def test_a_pipe_or_device_given_as_output_is_written_into_never_replaced(tmp_path: Path, args: list[str]) -> None:
    # As root, replacing `-o /dev/null` by a file broke every program on the machine that used it;
    # a named pipe stands for any device here (making one needs no privilege).
    data = make_data_dir(tmp_path / "data")
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader, received = _read_pipe_in_background(fifo)
    result = invoke(*args, "-o", str(fifo), "--data", str(data), "--as-of", "2026-07-01")
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(received) == 1 and received[0]
    if args[0] == "export":
        assert json.loads(received[0])["as_of"] == "2026-07-01"
    else:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in received[0].decode("utf-8")


def test_an_edit_never_puts_a_file_in_place_of_a_device(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="không phải một tệp thường"):
        atomic_write(fifo, "id: 1\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["pipe.yaml"]  # no temporary file left
