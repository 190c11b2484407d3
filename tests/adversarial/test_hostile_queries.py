"""Query commands on a data tree holding broken and hostile files.

Each command must answer exactly as it does without those files, name every file it left out
on stderr (file:line:col and why), exit 1, never run anything a file asks for, and change nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ..conftest import SHIPPED, tree_digest
from .common import AS_OF, BILLION_LAUGHS, GOOD, error_line, invoke, run_process, write

TITLE = "title: Tuyến đường tốc độ cao kết nối Đông - Tây thành phố Hải Phòng"
# name → content; each keeps its whole file out of the programme.
HOSTILE_FILES: dict[str, str | bytes] = {
    "080.yaml": "id: 80\ntitle: [chưa đóng\n",
    "081.yaml": "- 1\n- 2\n",
    "082.yaml": BILLION_LAUGHS,
    "083.yaml": "id: 83\ntitle: !!python/object/apply:os.system ['touch pwned']\n",
    "084.yaml": GOOD.replace("id: 1", "id: 84").encode("cp1258", errors="replace"),
    "085.yaml": GOOD.replace("id: 1", "id: 85").replace(TITLE, 'title: "\\e[31mTuyến đường đỏ\\e[0m"'),
    "086.yaml": GOOD.replace("id: 1", "id: 36"),  # the number of a real task
    "087.yaml": GOOD.replace("id: 1", "id: 87") + "# " + "x" * 1_100_000 + "\n",
}
SKIPPED = [
    "Bỏ qua data/tasks/080.yaml:2:8: YAML sai cú pháp: dấu [ mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)",
    "Bỏ qua data/tasks/081.yaml:1:1: tệp nhiệm vụ đang là một danh sách; cần một bảng khóa: giá trị "
    "(xem ctr199 schema)",
    "Bỏ qua data/tasks/082.yaml:1:4: không dùng neo/bí danh YAML (&, *) trong tệp dữ liệu; viết giá trị trực tiếp",
    "Bỏ qua data/tasks/083.yaml:2:8: thẻ YAML tag:yaml.org,2002:python/object/apply:os.system không được phép "
    "(chỉ dùng YAML thuần: chuỗi, số, ngày, danh sách, bảng)",
    "Bỏ qua data/tasks/084.yaml:3:14: byte 0xf0 không phải UTF-8; lưu lại tệp với mã hóa UTF-8 "
    "(không dùng Windows-1258/Latin-1)",
    "Bỏ qua data/tasks/085.yaml:3:8: 'title': có ký tự điều khiển U+001B (không in được, thường do dán từ Word/Excel); "
    "xóa ký tự này",
    "Bỏ qua data/tasks/086.yaml:1:5: số thứ tự 36 đã dùng ở data/tasks/036.yaml; mỗi nhiệm vụ một số",
    "Bỏ qua data/tasks/087.yaml:1:1: tệp quá lớn (1,100,363 byte; tối đa 1,000,000)",
    # 086 also has the wrong name for task 36: nine errors in eight files.
    "Cảnh báo: dữ liệu có 9 lỗi nên kết quả có thể thiếu; chạy `ctr199 validate` để xem chi tiết.",
]


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    """(clean, broken): the shipped data, and the same plus the hostile files, each under its own `data/`."""
    clean = tmp_path / "clean"
    broken = tmp_path / "broken"
    shutil.copytree(SHIPPED, clean / "data")
    shutil.copytree(SHIPPED, broken / "data")
    for name, content in HOSTILE_FILES.items():
        write(broken / "data" / "tasks" / name, content)
    return clean, broken


QUERIES = [
    ["overdue"],
    ["overdue", "-f", "json"],
    ["overdue", "-f", "csv", "--agency", "Sở Xây dựng"],
    ["list"],
    ["list", "-f", "json"],
    ["list", "-f", "csv", "--quarter", "II/2026"],
    ["upcoming", "-f", "json", "--within", "60"],
    ["show", "36"],
    ["show", "36", "-f", "json"],
    ["summary"],
    ["summary", "-f", "json"],
    ["export", "-f", "csv"],
    ["export", "-f", "json", "--group", "5"],
]


@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_query_answers_for_the_good_files_and_names_every_skipped_one(
    trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    clean, broken = trees
    monkeypatch.chdir(clean)
    expected = invoke(*args, "-d", "data", "--as-of", AS_OF)
    assert expected.exit_code == 0, expected.stderr
    monkeypatch.chdir(broken)
    before = tree_digest(broken)
    result = invoke(*args, "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == expected.stdout
    assert result.stderr.splitlines() == SKIPPED
    assert tree_digest(broken) == before
    assert not (broken / "pwned").exists()


def test_agencies_counts_only_the_good_files(trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    clean, broken = trees
    monkeypatch.chdir(clean)
    expected = invoke("agencies", "-f", "json", "-d", "data")
    monkeypatch.chdir(broken)
    before = tree_digest(broken)
    result = invoke("agencies", "-f", "json", "-d", "data")
    assert (result.exit_code, result.stdout) == (1, expected.stdout)
    assert result.stderr.splitlines() == SKIPPED
    assert tree_digest(broken) == before


@pytest.mark.parametrize("kind", ["xlsx", "ics"])
def test_export_files_hold_only_the_good_tasks(
    trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    clean, broken = trees
    monkeypatch.chdir(clean)
    assert invoke("export", "-o", f"out.{kind}", "-d", "data", "--as-of", AS_OF).exit_code == 0
    monkeypatch.chdir(broken)
    before = tree_digest(broken / "data")
    result = invoke("export", "-o", f"out.{kind}", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == f"Đã ghi out.{kind} ({kind}).\n"
    assert result.stderr.splitlines() == SKIPPED
    assert tree_digest(broken / "data") == before
    if kind == "ics":  # stamped with --as-of, never the clock: byte-identical
        assert (broken / "out.ics").read_bytes() == (clean / "out.ics").read_bytes()
    else:
        sheets = [load_workbook(root / "out.xlsx").worksheets for root in (clean, broken)]
        assert [[list(row) for row in s.iter_rows(values_only=True)] for s in sheets[0]] == [
            [list(row) for row in s.iter_rows(values_only=True)] for s in sheets[1]
        ]


def test_show_of_a_broken_task_names_its_file(trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, broken = trees
    monkeypatch.chdir(broken)
    result = invoke("show", "80", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert error_line(result) == (
        "Lỗi: nhiệm vụ số 80 không đọc được: data/tasks/080.yaml:2:8: "
        "YAML sai cú pháp: dấu [ mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)"
    )


_UNKNOWN = 'Lỗi: --agency: không tìm thấy cơ quan "xyz". Xem danh sách bằng lệnh: ctr199 agencies'
_AMBIGUOUS = (
    'Lỗi: --agency: "Sở" khớp nhiều cơ quan: Sở Tài chính (STC); Sở Công Thương (SCT); Sở Văn hóa, Thể thao và '
    "Du lịch (SVHTTDL); Sở Nông nghiệp và Môi trường (SNNMT); Sở Nội vụ (SNV); Sở Tư pháp (STP); Sở Khoa học và "
    "Công nghệ (SKHCN); Sở Xây dựng (SXD); Sở Giáo dục và Đào tạo (SGDDT); Sở Y tế (SYT); Sở Ngoại vụ (SNGV). "
    "Gõ đầy đủ hơn hoặc dùng mã."
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overdue", "--agency", "xyz"], _UNKNOWN),
        (["list", "--agency", "xyz"], _UNKNOWN),
        (["upcoming", "--agency", "xyz"], _UNKNOWN),
        (["summary", "--agency", "xyz"], _UNKNOWN),
        (["export", "-f", "csv", "--agency", "xyz"], _UNKNOWN),
        (["overdue", "--agency", "Sở"], _AMBIGUOUS),
        (["list", "--agency", "Sở"], _AMBIGUOUS),
        (["show", "9999"], "Lỗi: không có nhiệm vụ số 9999 (có 75 nhiệm vụ, số 1–75)"),
        (
            ["list", "--quarter", "Quý V/2026"],
            'Lỗi: --quarter: không hiểu quý "Quý V/2026": quý V không có, quý chỉ từ I đến IV; '
            'dùng dạng "Quý II/2026", "quý 2 năm 2026", "II/2026", "Q2/2026" hoặc "2026-Q2"',
        ),
        (
            ["list", "--month", "13/2026"],
            'Lỗi: --month: không hiểu tháng "13/2026": tháng 13 không có, tháng chỉ từ 1 đến 12; '
            'dùng dạng "Tháng 3/2026", "tháng 3 năm 2026", "3/2026" hoặc "2026-03"',
        ),
        (
            ["list", "--due-before", "31/02/2026"],
            'Lỗi: --due-before: không hiểu ngày "31/02/2026": ngày 31/2/2026 không có trên lịch; '
            'dùng dạng "30/6/2026", "30/06/2026" hoặc "2026-06-30"',
        ),
        (["list", "--year", "1800"], "Lỗi: --year: năm 1800 nằm ngoài khoảng 2000–2100"),
        (["list", "--group", "abc"], "Lỗi: --group: cần một số nguyên, đang là 'abc' (xem: ctr199 list --help)"),
        (["overdue", "--group", "12"], "Lỗi: --group: không có nhóm 12; các nhóm: 1, 2, 3, 4, 5, 6, 7, 8, 9"),
        (["list", "--role", "boss"], 'Lỗi: --role: không có vai trò "boss"; dùng: lead, partner hoặc any'),
        (
            ["summary", "--format", "pdf"],
            "Lỗi: --format: không có lựa chọn 'pdf'; dùng một trong: table, json, csv (xem: ctr199 summary --help)",
        ),
        (
            ["list", "--as-of", "31/02/2026"],
            'Lỗi: --as-of: không hiểu ngày "31/02/2026": ngày 31/2/2026 không có trên lịch; '
            'dùng dạng "30/6/2026", "30/06/2026" hoặc "2026-06-30"',
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_usage_errors_on_a_broken_tree_are_one_vietnamese_line(
    trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    _, broken = trees
    monkeypatch.chdir(broken)
    before = tree_digest(broken)
    extra = [] if "--as-of" in args else ["--as-of", AS_OF]
    result = invoke(*args, "-d", "data", *extra)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result) == message
    assert tree_digest(broken) == before


def test_a_real_process_prints_no_traceback(trees: tuple[Path, Path]) -> None:
    _, broken = trees
    before = tree_digest(broken)
    answered = run_process("overdue", "-d", "data", "--as-of", AS_OF, "-f", "json", cwd=broken)
    assert answered.returncode == 1
    assert answered.stderr.splitlines() == SKIPPED
    assert answered.stdout.startswith("[\n")
    refused = run_process("list", "--group", "abc", "-d", "data", cwd=broken)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == "Lỗi: --group: cần một số nguyên, đang là 'abc' (xem: python -m ctr199 list --help)\n"
    missing = run_process("show", "80", "-d", "data", "--as-of", AS_OF, cwd=broken)
    assert missing.returncode == 1 and missing.stderr.startswith("Lỗi: nhiệm vụ số 80 không đọc được: ")
    assert missing.stderr.count("\n") == 1
    assert tree_digest(broken) == before
    assert not (broken / "pwned").exists()
