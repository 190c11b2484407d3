"""The query commands through typer's runner, on a fixture tree with progress and on the shipped data."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from ctr199.cli import app
from ctr199.commands._filters import complete_agency, complete_role

from .conftest import FIXTURES, ROOT, make_data_dir

DEMO = FIXTURES / "progress-demo"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("demo") / "data", DEMO)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("CTR199_DATA", raising=False)


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, [*args, "--data", str(data)], env=env)


def as_json(data: Path, *args: str) -> Any:
    result = run(data, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def listed(data: Path, *args: str) -> list[int]:
    return [item["id"] for item in as_json(data, "list", "--as-of", "2026-07-01", *args)]


# ---------------------------------------------------------------- overdue


def test_every_category_from_progress_marked_on_time_and_late(demo: Path) -> None:
    items = as_json(demo, "list", "--as-of", "01/07/2026")
    assert {item["id"]: item["status"] for item in items} == {
        1: "done_on_time",
        2: "done_late",
        3: "overdue",
        4: "no_deadline",
        5: "on_track",
        6: "overdue",
        7: "on_track",
        8: "overdue",
    }
    labels = {item["status"]: item["status_label"] for item in items}
    assert labels == {
        "done_on_time": "Đã hoàn thành đúng hạn",
        "done_late": "Đã hoàn thành quá hạn",
        "on_track": "Chưa hoàn thành trong hạn",
        "overdue": "Chưa hoàn thành quá hạn",
        "no_deadline": "Không thời hạn",
    }
    table = run(demo, "list", "--as-of", "01/07/2026")
    for label in labels.values():
        assert label in table.stdout
    assert "Tổng: 8 nhiệm vụ — 1 đã hoàn thành đúng hạn, 1 đã hoàn thành quá hạn" in table.stdout


def test_boundary_day(demo: Path) -> None:
    on_the_day = as_json(demo, "overdue", "--as-of", "30/06/2026")
    assert 3 not in [row["id"] for row in on_the_day]
    day_after = as_json(demo, "overdue", "--as-of", "2026-07-01")
    row = next(row for row in day_after if row["id"] == 3)
    assert (row["due"], row["days_overdue"]) == ("2026-06-30", 1)
    upcoming = as_json(demo, "upcoming", "--as-of", "30/06/2026", "--within", "0")
    assert [row["id"] for row in upcoming] == [3]


def test_overdue_table_one_row_per_overdue_milestone(demo: Path) -> None:
    result = run(demo, "overdue", "--as-of", "2026-07-01")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Nhiệm vụ quá hạn tính đến ngày 01/07/2026"
    assert " ".join(lines[1].split()) == "STT Nhiệm vụ Mốc Chủ trì Thời hạn Hạn Quá hạn (ngày)"
    rows = [line for line in lines[3:] if line[:3].strip().isdigit()]
    assert [row.split()[0] for row in rows] == ["6", "8", "8", "3"]
    assert "Trình đề án" in rows[1] and "31/03/2026" in rows[1] and rows[1].endswith(" 92")
    assert "Ban hành" in rows[2] and "31/05/2026" in rows[2] and rows[2].endswith(" 31")
    assert "Khởi công tuyến đường trục kết nối cảng" in rows[3] and rows[3].endswith(" 1")
    assert lines[-1] == "Tổng: 4 mốc quá hạn của 3 nhiệm vụ."


def test_overdue_json_rows(demo: Path) -> None:
    rows = as_json(demo, "overdue", "--as-of", "2026-07-01")
    assert [(r["id"], r["milestone"], r["days_overdue"]) for r in rows] == [
        (6, 1, 92),
        (8, 1, 92),
        (8, 2, 31),
        (3, 1, 1),
    ]
    assert rows[2]["milestone_label"] == "Ban hành"
    assert rows[2]["due"] == "2026-05-31"


def test_nothing_overdue_still_exits_0(demo: Path) -> None:
    result = run(demo, "overdue", "--as-of", "2026-03-31")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Không có nhiệm vụ quá hạn tính đến ngày 31/03/2026."
    assert as_json(demo, "overdue", "--as-of", "2026-03-31") == []


def test_overdue_for_one_agency(demo: Path) -> None:
    result = run(demo, "overdue", "--as-of", "2026-07-01", "--agency", "Sở Xây dựng")
    assert result.exit_code == 0
    assert "— Sở Xây dựng (chủ trì)" in result.stdout.splitlines()[0]
    assert "Tổng: 3 mốc quá hạn của 2 nhiệm vụ." in result.stdout
    none = run(demo, "overdue", "--as-of", "2026-07-01", "--agency", "Sở Y tế")
    assert none.stdout.strip() == "Không có nhiệm vụ quá hạn tính đến ngày 01/07/2026 — Sở Y tế (chủ trì)."


def test_overdue_csv(demo: Path) -> None:
    result = run(demo, "overdue", "--as-of", "2026-07-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["id"], row["milestone_label"], row["due"]) for row in rows][:2] == [
        ("6", "Khởi công", "2026-03-31"),
        ("8", "Trình đề án", "2026-03-31"),
    ]
    assert rows[1]["lead"] == "Sở Tài chính; Sở Xây dựng"


# ---------------------------------------------------------------- agency names


@pytest.mark.parametrize(
    "typed",
    [
        "Sở Xây dựng",
        "so xay dung",
        "SỞ XÂY DỰNG",
        unicodedata.normalize("NFD", "Sở Xây dựng"),
        "SXD",
        "So Xay",
    ],
)
def test_agency_spellings(demo: Path, typed: str) -> None:
    assert listed(demo, "--agency", typed) == [1, 3, 5, 8]


def test_agency_tone_placement_and_alias(demo: Path) -> None:
    assert listed(demo, "--agency", "Sở Văn hóa, Thể thao và Du lịch") == [6]
    assert listed(demo, "--agency", "Sở Văn hoá, Thể thao và Du lịch") == [6]
    assert listed(demo, "--agency", "Sở VHTTDL") == [6]
    assert listed(demo, "--agency", "sở kh&cn", "--role", "partner") == [8]


def test_unknown_agency_is_a_usage_error_listing_the_closest(demo: Path) -> None:
    result = run(demo, "overdue", "--agency", "Sở Xây dụng mới")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith('Lỗi: --agency: không tìm thấy cơ quan "Sở Xây dụng mới". Có phải: Sở Xây dựng')
    assert "Traceback" not in result.stderr


def test_ambiguous_agency_is_a_usage_error(demo: Path) -> None:
    result = run(demo, "list", "--agency", "Sở")
    assert result.exit_code == 2
    assert '"Sở" khớp nhiều cơ quan' in result.stderr
    assert "Sở Xây dựng (SXD)" in result.stderr and "Sở Tài chính (STC)" in result.stderr


def test_roles(demo: Path) -> None:
    assert listed(demo, "--agency", "SXD", "--role", "lead") == [1, 3, 5, 8]
    assert listed(demo, "--agency", "SXD", "--role", "partner") == [2, 7]
    assert listed(demo, "--agency", "SXD", "--role", "any") == [1, 2, 3, 5, 7, 8]
    bad = run(demo, "list", "--agency", "SXD", "--role", "boss")
    assert bad.exit_code == 2 and "--role" in bad.stderr


def test_agency_completion_folds_accents(demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ctx: Any = SimpleNamespace(params={"data_dir": demo})
    assert complete_agency(ctx, "So Xay")[0] == ("Sở Xây dựng", "SXD")
    assert complete_agency(ctx, "sxd") == [("Sở Xây dựng", "SXD")]
    # --data given as the repository folder, via the environment, or found from the working directory.
    assert complete_agency(SimpleNamespace(params={"data_dir": demo.parent}), "y te") == [("Sở Y tế", "SYT")]  # type: ignore[arg-type]
    monkeypatch.setenv("CTR199_DATA", str(demo))
    assert complete_agency(SimpleNamespace(params={}), "So Xay")[0][0] == "Sở Xây dựng"  # type: ignore[arg-type]
    monkeypatch.delenv("CTR199_DATA")
    monkeypatch.chdir(demo / "tasks")
    assert complete_agency(SimpleNamespace(params={}), "so noi")[0][0] == "Sở Nội vụ"  # type: ignore[arg-type]
    monkeypatch.chdir(tmp_path)
    assert complete_agency(SimpleNamespace(params={}), "So Xay") == []  # type: ignore[arg-type]
    assert complete_agency(SimpleNamespace(params={"data_dir": tmp_path}), "So") == []  # type: ignore[arg-type]
    assert [role for role, _ in complete_role("p")] == ["partner"]


def complete_in_bash(data: Path, words: str) -> list[str]:
    env = {"_CTR199_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "3", "CTR199_DATA": str(data)}
    result = runner.invoke(app, [], env=env, prog_name="ctr199")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_agency_completion_reaches_the_shell_without_accents(demo: Path) -> None:
    assert complete_in_bash(demo, "ctr199 overdue --agency 'So Xay") == ["Sở Xây dựng"]
    assert complete_in_bash(demo, "ctr199 list --agency sxd") == ["Sở Xây dựng"]
    assert complete_in_bash(demo, "ctr199 summary --authority hdnd") == ["Hội đồng nhân dân thành phố"]
    assert "Sở Y tế" in complete_in_bash(demo, "ctr199 upcoming --agency so")
    assert complete_in_bash(demo, "ctr199 list --role p") == ["partner"]


# ---------------------------------------------------------------- list filters


def test_period_filters(demo: Path) -> None:
    for quarter in ("II/2026", "Quý II/2026", "Q2/2026", "2026-Q2"):
        assert listed(demo, "--quarter", quarter) == [3, 8]
    assert listed(demo, "--month", "3/2026") == [1, 2, 5, 6, 8]
    assert listed(demo, "--month", "2026-05") == [8]
    assert listed(demo, "--year", "2028") == [5]
    assert listed(demo, "--due-after", "01/04/2026", "--due-before", "31/05/2026") == [8]
    bad = run(demo, "list", "--quarter", "Quý V/2026")
    assert bad.exit_code == 2 and bad.stderr.startswith("Lỗi: --quarter: không hiểu quý")
    assert run(demo, "list", "--month", "13/2026").exit_code == 2
    assert run(demo, "list", "--due-before", "31/02/2026").exit_code == 2


def test_status_group_authority_filters(demo: Path) -> None:
    assert listed(demo, "--status", "Đang thực hiện quá hạn") == [3, 6, 8]
    assert listed(demo, "--status", "qua han") == [3, 6, 8]
    assert listed(demo, "--status", "done", "--status", "thuong-xuyen") == [1, 2, 4]
    assert listed(demo, "--status", "on_track,done_late") == [2, 5, 7]
    assert listed(demo, "--group", "6") == [7, 8]
    assert listed(demo, "--authority", "HĐND") == [2, 6, 7]
    bad_group = run(demo, "list", "--group", "12")
    assert bad_group.exit_code == 2 and "--group: không có nhóm 12" in bad_group.stderr
    assert run(demo, "list", "--status", "nope").exit_code == 2


def test_search_ignores_accents_and_case(demo: Path) -> None:
    assert listed(demo, "--search", "ha tang so") == [8]
    assert listed(demo, "--search", "HẠ TẦNG SỐ") == [8]
    assert listed(demo, "--search", unicodedata.normalize("NFD", "hạ tầng")) == [8]
    assert listed(demo, "--search", "dat chuan") == [7]  # in "Kết quả/Sản phẩm"


def test_filters_combine(demo: Path) -> None:
    assert listed(demo, "--agency", "SXD", "--quarter", "I/2026") == [1, 5, 8]
    assert listed(demo, "--agency", "SXD", "--quarter", "I/2026", "--status", "quá hạn") == [8]
    assert listed(demo, "--agency", "SXD", "--role", "any", "--year", "2026", "--search", "benh vien") == [7]
    result = run(demo, "list", "--as-of", "2026-07-01", "--agency", "SXD", "--status", "overdue", "--group", "5")
    assert "Tổng: 1 nhiệm vụ — 1 chưa hoàn thành quá hạn." in result.stdout
    empty = run(demo, "list", "--agency", "SYT", "--status", "done")
    assert empty.exit_code == 0 and "Không có nhiệm vụ nào thỏa điều kiện lọc" in empty.stdout


def test_json_keys(demo: Path) -> None:
    item = next(i for i in as_json(demo, "list", "--as-of", "2026-07-01") if i["id"] == 5)
    assert {
        "id",
        "title",
        "group",
        "lead",
        "deadline",
        "milestones",
        "status",
        "status_label",
        "days_overdue",
    } <= (set(item))
    assert item["lead"] == ["Sở Xây dựng"]
    assert item["due"] == "2028-12-31"
    first = item["milestones"][0]
    assert {"number", "label", "due", "done", "done_on", "status"} <= set(first)
    assert (first["label"], first["due"], first["done"], first["done_on"], first["status"]) == (
        "Khởi công",
        "2026-03-31",
        True,
        "2026-04-10",
        "done_late",
    )


def test_csv_list(demo: Path) -> None:
    result = run(demo, "list", "--as-of", "2026-07-01", "--format", "csv", "--status", "overdue")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["3", "6", "8"]
    assert rows[2]["milestones"] == "1. Trình đề án: 2026-03-31; 2. Ban hành: 2026-05-31"
    assert rows[2]["status_label"] == "Chưa hoàn thành quá hạn"


# ---------------------------------------------------------------- output for people and pipes


def test_plain_output_when_not_a_terminal(demo: Path) -> None:
    result = run(demo, "overdue", "--as-of", "2026-07-01")
    assert "\x1b[" not in result.stdout
    assert not set("─━│┃┏┓┗┛") & set(result.stdout)


def test_colour_only_on_request_and_never_with_no_color(demo: Path) -> None:
    forced = run(demo, "overdue", "--as-of", "2026-07-01", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    no_color = run(demo, "overdue", "--as-of", "2026-07-01", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout
    assert no_color.stdout == run(demo, "overdue", "--as-of", "2026-07-01").stdout


def test_tables_show_a_page_unless_all(shipped_copy: Path) -> None:
    page = run(shipped_copy, "list", "--as-of", "2026-07-01")
    assert page.exit_code == 0
    assert "… và 45 nhiệm vụ khác (dùng --all để xem tất cả)" in page.stdout
    everything = run(shipped_copy, "list", "--as-of", "2026-07-01", "--all")
    assert "khác (dùng --all" not in everything.stdout
    rows = [line for line in everything.stdout.splitlines() if line[:3].strip().isdigit()]
    assert len(rows) == 75


def test_titles_are_shortened_in_tables_not_in_json(shipped_copy: Path) -> None:
    table = run(shipped_copy, "list", "--search", "kế hoạch đầu tư công trung hạn", "--as-of", "2026-07-01")
    assert "Xây dựng Nghị quyết về kế hoạch đầu tư công trung hạn của…" in table.stdout
    item = as_json(shipped_copy, "list", "--search", "kế hoạch đầu tư công trung hạn")[0]
    assert not item["title"].endswith("…") and len(item["title"]) > 60


def test_shipped_data_overdue_on_1_july(shipped_copy: Path) -> None:
    rows = as_json(shipped_copy, "overdue", "--as-of", "2026-07-01")
    assert len(rows) == 16
    assert rows[0]["days_overdue"] == 92 and rows[-1]["days_overdue"] == 1
    assert all(row["status"] == "overdue" for row in rows)


# ---------------------------------------------------------------- the other commands


def test_upcoming(demo: Path) -> None:
    result = run(demo, "upcoming", "--as-of", "2026-07-20")
    assert result.exit_code == 0
    assert "Mốc đến hạn trong 14 ngày kể từ ngày 20/07/2026" in result.stdout
    assert "Nâng cấp bệnh viện đa khoa tuyến thành phố" in result.stdout and "31/07/2026" in result.stdout
    assert [row["days_left"] for row in as_json(demo, "upcoming", "--as-of", "2026-07-20")] == [11]
    assert as_json(demo, "upcoming", "--as-of", "2026-07-20", "--within", "10") == []
    none = run(demo, "upcoming", "--as-of", "2026-07-20", "--within", "10")
    assert "Không có mốc nào đến hạn trong 10 ngày" in none.stdout
    assert run(demo, "upcoming", "--within", "-1").exit_code == 2


def test_show(demo: Path) -> None:
    result = run(demo, "show", "5", "--as-of", "2026-07-01")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Nhiệm vụ 5 (nhóm 5)\n")
    assert "Xây dựng cầu vượt sông Cấm" in out and "Công trình hoàn thành, đưa vào sử dụng" in out
    assert "Đánh giá đến 01/07/2026  Chưa hoàn thành trong hạn" in out
    milestone_rows = [line.split() for line in out.splitlines() if line.strip().startswith(("1  ", "2  "))]
    assert milestone_rows[0][:5] == ["1", "Khởi", "công", "31/03/2026", "10/04/2026"]
    assert "Đã hoàn thành quá hạn" in out and "31/12/2028" in out
    assert "Nhật ký tiến độ" in out and "10/04/2026  Đang thực hiện" in out and "Đã khởi công" in out
    detail = as_json(demo, "show", "2", "--as-of", "2026-07-01")
    assert detail["status"] == "done_late"
    assert detail["partners"] == ["Sở Xây dựng"]
    assert detail["log"][0] == {
        "date": "2026-04-15",
        "status": "done",
        "milestone": None,
        "note": "",
        "ref": "Nghị quyết số 12/NQ-HĐND",
    }


def test_show_unknown_task(demo: Path) -> None:
    result = run(demo, "show", "99")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Lỗi: không có nhiệm vụ số 99 (có 8 nhiệm vụ, số 1–8)"


def test_summary(demo: Path) -> None:
    payload = as_json(demo, "summary", "--as-of", "2026-07-01")
    assert payload["total"] == 8
    assert payload["overall"] == {
        "done_on_time": 1,
        "done_late": 1,
        "on_track": 2,
        "overdue": 3,
        "no_deadline": 1,
        "not_started": 1,
    }
    assert payload["not_started"] == {"on_track": 0, "overdue": 1}
    group_6 = next(g for g in payload["groups"] if g["group"] == 6)
    assert (group_6["total"], group_6["overdue"], group_6["on_track"]) == (2, 1, 1)
    assert payload["leads"][0] == {
        "agency": "Sở Xây dựng",
        "total": 4,
        "done_on_time": 1,
        "done_late": 0,
        "on_track": 1,
        "overdue": 2,
        "no_deadline": 0,
        "not_started": 0,
    }
    table = run(demo, "summary", "--as-of", "2026-07-01")
    assert "Tình hình thực hiện tính đến ngày 01/07/2026: 8 nhiệm vụ" in table.stdout
    lines = [" ".join(line.split()) for line in table.stdout.splitlines()]
    assert "Chưa hoàn thành quá hạn 3 37,5%" in lines
    overdue_row = lines.index("Chưa hoàn thành quá hạn 3 37,5%")
    assert lines[overdue_row + 1] == "– trong đó chưa triển khai 1"
    assert lines[overdue_row - 1] == "– trong đó chưa triển khai 0"
    assert "Chưa HT quá hạn Không thời hạn Chưa triển khai" in " ".join(lines)
    assert "Chưa triển khai: nhiệm vụ chưa hoàn thành mà chưa ghi tiến độ nào" in table.stdout
    filtered = as_json(demo, "summary", "--as-of", "2026-07-01", "--quarter", "II/2026")
    assert filtered["total"] == 2 and filtered["overall"]["overdue"] == 2
    rows = list(csv.DictReader(io.StringIO(run(demo, "summary", "--as-of", "2026-07-01", "-f", "csv").stdout)))
    assert (rows[0]["scope"], rows[0]["total"], rows[0]["overdue"], rows[0]["not_started"]) == (
        "overall",
        "8",
        "3",
        "1",
    )


def test_agencies(demo: Path) -> None:
    loads = {a["code"]: a for a in as_json(demo, "agencies")}
    assert (loads["SXD"]["leads"], loads["SXD"]["partners"]) == (4, 2)
    assert loads["CAC-CO-QUAN"]["generic"] is True
    table = run(demo, "agencies")
    assert "Sở Xây dựng" in table.stdout and "31 cơ quan trong danh mục" in table.stdout


# ---------------------------------------------------------------- data problems and start-up


def test_broken_file_answers_but_exits_1(demo: Path, tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data", DEMO)
    (root / "tasks" / "009.yaml").write_text("id: [\n", encoding="utf-8")
    result = run(root, "overdue", "--as-of", "2026-07-01", "--format", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 4
    assert "Cảnh báo: dữ liệu có 1 lỗi" in result.stderr and "ctr199 validate" in result.stderr


def test_reports_after_as_of_are_not_data_errors(demo: Path) -> None:
    result = run(demo, "list", "--as-of", "2026-03-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {item["status"] for item in json.loads(result.stdout)} == {"on_track", "no_deadline"}


def test_bad_as_of_and_format_are_usage_errors(demo: Path) -> None:
    assert run(demo, "overdue", "--as-of", "31/02/2026").exit_code == 2
    assert run(demo, "overdue", "--format", "xml").exit_code == 2
    assert run(demo, "show", "1", "--format", "csv").exit_code == 2


def test_rich_is_not_imported_for_help_or_piped_output(demo: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ctr199.cli import app\n"
        "runner = CliRunner()\n"
        "assert runner.invoke(app, ['--help']).exit_code == 0\n"
        "assert 'rich' not in sys.modules, 'help'\n"
        f"assert runner.invoke(app, ['overdue', '--data', {str(demo)!r}]).exit_code == 0\n"
        "assert 'rich' not in sys.modules, 'overdue'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_readme_usage_examples_are_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Cách dùng / Usage", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    examples = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    monkeypatch.chdir(ROOT)
    checked = 0
    for example in examples:
        command, _, shown = example.partition("\n")
        pipeline = [part.strip() for part in command.split("|")]
        words = shlex.split(pipeline[0].split(";")[0])
        assert words[0] == "ctr199"
        result = runner.invoke(app, words[1:])
        output = (result.stdout + result.stderr).replace("\r\n", "\n")
        if len(pipeline) == 2:
            lines = int(re.fullmatch(r"head -(\d+)", pipeline[1]).group(1))  # type: ignore[union-attr]
            output = "".join(output.splitlines(keepends=True)[:lines])
        if command.endswith('echo "exit $?"'):
            output += f"exit {result.exit_code}\n"
        assert output == shown.rstrip("\n") + "\n", command
        checked += 1
    assert checked >= 5


def test_list_and_export_describe_a_task_with_the_same_record(demo: Path) -> None:
    """One JSON record model: `list -f json` and `export -f json` agree key for key."""
    listed = {item["id"]: item for item in as_json(demo, "list", "--as-of", "2026-07-01")}
    exported = runner.invoke(app, ["export", "-d", str(demo), "-f", "json", "--as-of", "2026-07-01"])
    assert exported.exit_code == 0, exported.output
    tasks = json.loads(exported.stdout)["tasks"]
    assert tasks and all(task == listed[task["id"]] for task in tasks)


def test_agencies_are_printed_as_the_registry_names_them() -> None:
    """Task 52 was imported as "Sở Văn hoá, …"; the registry says "Sở Văn hóa, …": answers use the registry's."""
    data = str(ROOT / "data")
    verbatim, canonical = "Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"
    assert verbatim in (ROOT / "data" / "tasks" / "052.yaml").read_text(encoding="utf-8")
    outputs = [
        runner.invoke(app, ["show", "52", "-d", data, "--as-of", "2026-07-01"]).stdout,
        runner.invoke(app, ["list", "-d", data, "--as-of", "2026-07-01", "--quarter", "III/2026"]).stdout,
        runner.invoke(app, ["list", "-d", data, "--as-of", "2026-07-01", "-f", "json"]).stdout,
        runner.invoke(app, ["export", "-d", data, "--as-of", "2026-07-01", "-f", "csv"]).stdout,
        runner.invoke(app, ["summary", "-d", data, "--as-of", "2026-07-01"]).stdout,
    ]
    for output in outputs:
        assert canonical in output and verbatim not in output
