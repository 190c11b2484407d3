"""Hostile and broken task files: each gets one located message, exit 1, no traceback, no change on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import cpu_limit, make_data_dir, tree_digest
from .common import AS_OF, BILLION_LAUGHS, GOOD, invoke, write


def _validate(root: Path, *extra: str) -> tuple[int, str]:
    before = tree_digest(root)
    result = invoke("validate", str(root), "--as-of", AS_OF, *extra)
    assert tree_digest(root) == before, "validate must never change a file"
    return result.exit_code, result.output


def _write(root: Path, content: bytes | str, name: str = "001.yaml") -> Path:
    return write(root / "tasks" / name, content)


@pytest.mark.parametrize(
    ("content", "location", "fragment"),
    [
        pytest.param("id: 1\ntitle: [chưa đóng\n", "001.yaml:2:", "YAML sai cú pháp", id="syntax"),
        pytest.param(GOOD.replace("  - Sở Xây dựng", "\t- Sở Xây dựng"), "001.yaml:7:1:", "TAB", id="tab"),
        pytest.param(GOOD + "title: Lặp\n", "001.yaml:15:1:", 'khóa "title" bị lặp', id="duplicate-key"),
        pytest.param(GOOD.replace("group: 5", "group: [5]"), "001.yaml:2:", "'group' cần một số nguyên", id="type"),
        pytest.param(GOOD + "ghi_chu: x\n", "001.yaml:15:1:", "trường lạ 'ghi_chu'", id="unknown-key"),
        pytest.param("", "001.yaml:1:1:", "rỗng", id="empty"),
        pytest.param("# chỉ có chú thích\n", "001.yaml:1:1:", "rỗng", id="comment-only"),
        pytest.param("- 1\n- 2\n", "001.yaml:1:1:", "danh sách", id="list"),
        pytest.param("xin chào\n", "001.yaml:1:1:", "giá trị đơn", id="scalar"),
        pytest.param(GOOD.encode("cp1258", errors="replace"), "001.yaml:3:", "UTF-8", id="cp1258"),
        pytest.param(b"id: 1\ntitle: Ph\xf2ng\n", "001.yaml:2:", "UTF-8", id="latin1"),
        pytest.param(
            "id: 1\ntitle: !!python/object/apply:os.system ['touch pwned']\n",
            "001.yaml:2:",
            "không được phép",
            id="python-tag",
        ),
        pytest.param("id: 1\ntitle: !ruby/object x\n", "001.yaml:2:", "không được phép", id="custom-tag"),
        pytest.param(BILLION_LAUGHS, "001.yaml:1:", "neo/bí danh", id="billion-laughs"),
        pytest.param("[" * 5000 + "]" * 5000 + "\n", "001.yaml:1:", "", id="deep-nesting"),
        pytest.param(
            GOOD.replace("log: []", "log:\n  - date: 2026-03-01 10:00\n    status: in_progress"),
            "001.yaml:",
            "ngày",
            id="datetime",
        ),
    ],
)
def test_broken_file_is_reported_with_location(
    tmp_path: Path, content: bytes | str, location: str, fragment: str
) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, content)
    code, output = _validate(root)
    assert code == 1, output
    error_lines = [line for line in output.splitlines() if ": error[" in line]
    assert len(error_lines) >= 1
    assert any(location in line and fragment in line for line in error_lines), output
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_file_is_one_line_per_problem(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, GOOD + "ghi_chu: x\n")
    _, output = _validate(root)
    finding = next(line for line in output.splitlines() if "error[" in line)
    assert finding.count("\n") == 0 and "tasks/001.yaml:15:1: error[schema]" in finding


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("\ufeff" + GOOD, id="utf8-bom"),
        pytest.param(GOOD.replace("\n", "\r\n"), id="crlf"),
    ],
)
def test_tolerated_encodings_validate_cleanly(tmp_path: Path, content: str) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, content)
    code, output = _validate(root)
    assert code == 0, output


def test_nfd_text_is_accepted_and_normalised(tmp_path: Path) -> None:
    import unicodedata

    from ctr199.loading import load_programme

    root = make_data_dir(tmp_path / "data")
    _write(root, unicodedata.normalize("NFD", GOOD))
    code, _ = _validate(root)
    assert code == 0
    from datetime import date

    programme, _ = load_programme(root, as_of=date(2026, 11, 28))
    title = programme.tasks[0].task.title
    assert unicodedata.is_normalized("NFC", title) and title.startswith("Tuyến đường")


def test_ten_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, GOOD + "# " + "x" * 10_000_000 + "\n")
    with cpu_limit(5):
        code, output = _validate(root)
    assert code == 1 and "tệp quá lớn" in output


def test_endless_file_is_refused_after_reading_past_the_limit(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    (root / "groups.yaml").unlink()
    (root / "groups.yaml").symlink_to("/dev/zero")  # no size, no end: only the first 1 MB is read
    with cpu_limit(5):
        code, output = _validate(root)
    assert code == 1 and "tệp quá lớn (hơn 1,000,000 byte; tối đa 1,000,000)" in output


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, "id: [\n", "001.yaml")
    _write(root, GOOD.replace("id: 1", "id: 2"), "002.yaml")
    _write(root, GOOD.replace("id: 1", "id: 3").replace("Sở Xây dựng", "Sở Xây dưng"), "003.yaml")
    code, output = _validate(root)
    assert code == 1
    assert "001.yaml:2:1: error[yaml-syntax]" in output
    assert "003.yaml:7:5: error[unknown-agency]" in output
    assert "002.yaml" not in output


@pytest.mark.parametrize(
    ("deadline", "fragment", "col"),
    [
        ("sắp tới", "sắp tới", 11),  # no word to point at: the value's start
        ("Quý V/2026", "Quý V/2026", 16),  # the refused word, inside the quotes: "V"
        ("Tháng 13/2026", "Tháng 13/2026", 18),
        ("31/02/2026", "31/02/2026", 12),
        ("Năm 1890", "1890", 16),
        ("Năm 2999", "2999", 16),
        ("2030-2026", "2030-2026", 12),
    ],
)
def test_bad_deadline_in_file_is_a_located_error(tmp_path: Path, deadline: str, fragment: str, col: int) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, GOOD.replace("deadline: Trong năm 2026", f"deadline: '{deadline}'"))
    code, output = _validate(root)
    assert code == 1
    located = f"001.yaml:5:{col}: error[deadline]"
    assert any(located in line and fragment in line for line in output.splitlines()), output


@pytest.mark.parametrize("as_of", ["31/02/2026", "2026-13-01", "hôm qua", "1800-01-01"])
def test_bad_as_of_is_a_usage_error(tmp_path: Path, as_of: str) -> None:
    root = make_data_dir(tmp_path / "data")
    _write(root, GOOD)
    assert invoke("validate", str(root), "--as-of", as_of).exit_code == 2  # invoke: and no traceback


def test_thousand_broken_files_all_counted_in_bounded_time(tmp_path: Path) -> None:
    root = make_data_dir(tmp_path / "data")
    for number in range(1, 1001):
        _write(root, f"id: {number}\ntitle: [\n", f"{number:04d}.yaml")
    with cpu_limit(30):
        code, output = _validate(root)
    assert code == 1
    assert "… và 800 phát hiện khác" in output
    assert "1000 lỗi" in output
