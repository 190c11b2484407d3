"""`import-appendix` with a hostile tab-separated file: no crash, a message per bad row, nothing bad written."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ..conftest import APPENDIX_COLUMNS, SHIPPED, cpu_limit, read_task
from .common import invoke, run_process, write

HEADER = "\t".join(APPENDIX_COLUMNS) + "\n"
GROUP = "1\tNhóm một\t\t\t\t\t\n"


def _row(
    title: str = "Việc một",
    output: str = "Nghị quyết",
    lead: str = "Sở Xây dựng",
    number: str = "(1)",
    rest: str = "",
) -> str:
    return f"{number}\t{title}\t{output}\tNăm 2026\t{lead}\tCác sở, ngành\tUBND thành phố{rest}\n"


def _import(tmp_path: Path, text: str | bytes) -> tuple[Any, Path]:
    source = write(tmp_path / "phu-luc.tsv", text)
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    shutil.copy(SHIPPED / "agencies.yaml", data / "agencies.yaml")
    shutil.copy(SHIPPED / "programme.yaml", data / "programme.yaml")
    return invoke("import-appendix", str(source), "--out", str(data / "tasks")), data


def _validates(data: Path) -> None:
    checked = invoke("validate", str(data), "--as-of", "2026-11-28")
    assert checked.exit_code == 0, checked.stdout


def test_formula_cells_are_kept_as_text(tmp_path: Path) -> None:
    """Stored as typed (the data is text); `export` neutralises them (see test_output_safety)."""
    result, data = _import(tmp_path, HEADER + GROUP + _row(title='=HYPERLINK("http://x.invalid","bấm")', output="+1+2"))
    assert result.exit_code == 0, result.stderr
    task = read_task(data, 1)
    assert (task.title, task.output) == ('=HYPERLINK("http://x.invalid","bấm")', "+1+2")
    _validates(data)


def test_html_and_script_tags_are_stripped(tmp_path: Path) -> None:
    row = _row(
        title="<script>alert(1)</script>Việc <img src=x onerror=alert(2)>một", output="<b>Nghị</b> &lt;quyết&gt;"
    )
    result, data = _import(tmp_path, HEADER + GROUP + row)
    assert result.exit_code == 0, result.stderr
    task = read_task(data, 1)
    assert (task.title, task.output) == ("alert(1) Việc một", "Nghị <quyết>")
    assert "<script" not in (data / "tasks" / "001.yaml").read_text(encoding="utf-8")
    _validates(data)


def test_ten_thousand_columns_are_one_message(tmp_path: Path) -> None:
    with cpu_limit(10):
        result, data = _import(tmp_path, HEADER + GROUP + _row(rest="\tthừa" * 10_000))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'phu-luc.tsv'}: dòng 3: hàng có hơn 7 cột; phần thừa không được đọc: thừa")
    assert len(lines[0]) < 250, "the message quotes the extra cells, capped"
    assert lines[1:] == ["1 hàng không đọc được (xem ở trên); bổ sung các nhiệm vụ đó bằng tay."]
    assert read_task(data, 1).title == "Việc một"


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        pytest.param("Việc\x00một", "Việcmột", id="nul"),
        pytest.param("Việc\x1b[31m một\x1b[0m", "Việc[31m một[0m", id="ansi-escape"),
        pytest.param("Việc một\x07", "Việc một", id="word-cell-end"),
        pytest.param("Việc\x0bmột", "Việc một", id="word-line-break"),
        pytest.param("Hải\x1ePhòng", "Hải-Phòng", id="word-non-breaking-hyphen"),
        pytest.param("Việc &#27;[2J một", "Việc [2J một", id="escaped-control"),
    ],
)
def test_control_characters_never_reach_a_data_file(tmp_path: Path, cell: str, stored: str) -> None:
    result, data = _import(tmp_path, HEADER + GROUP + _row(title=cell))
    assert result.exit_code == 0, result.stderr
    assert read_task(data, 1).title == stored
    assert result.stderr == ""
    _validates(data)


def test_a_form_feed_does_not_split_a_row(tmp_path: Path) -> None:
    """str.splitlines() would end the row at \\x0c and import half of it as a task."""
    result, data = _import(tmp_path, HEADER + GROUP + _row(output="Nghị\x0cquyết"))
    assert (result.exit_code, result.stderr) == (0, "")
    task = read_task(data, 1)
    assert (task.output, task.deadline, task.lead) == ("Nghị quyết", "Năm 2026", ["Sở Xây dựng"])


def test_a_five_megabyte_line_is_refused_quickly(tmp_path: Path) -> None:
    with cpu_limit(10):
        result, data = _import(tmp_path, HEADER + GROUP + _row(title="x" * 5_000_000) + _row(number="(2)"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'phu-luc.tsv'}: dòng 3: nhiệm vụ (1) quá dài (5,000,076 byte; tệp nhiệm vụ tối đa 1,000,000)",
        "1 hàng không đọc được (xem ở trên); bổ sung các nhiệm vụ đó bằng tay.",
    ]
    assert sorted(p.name for p in (data / "tasks").iterdir()) == ["002.yaml"]
    _validates(data)


def test_a_five_megabyte_line_without_tabs_is_ignored(tmp_path: Path) -> None:
    with cpu_limit(10):
        result, data = _import(tmp_path, HEADER + GROUP + _row() + "y" * 5_000_000 + "\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert read_task(data, 1).title == "Việc một"


@pytest.mark.parametrize("number", ["(99999)", "(" + "9" * 5000 + ")", "9" * 5000])
def test_absurd_numbers_are_a_row_problem(tmp_path: Path, number: str) -> None:
    result, data = _import(tmp_path, HEADER + GROUP + _row(number=number) + _row(number="(2)"))
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'phu-luc.tsv'}: dòng 3: không đọc được hàng: ")
    assert sorted(p.name for p in (data / "tasks").iterdir()) == ["002.yaml"]


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.tsv"
    source.write_text(HEADER + GROUP + _row(title="\x00" * 10 + "=cmd|' /C calc'!A0", rest="\tx" * 3), encoding="utf-8")
    (tmp_path / "data" / "tasks").mkdir(parents=True)
    done = run_process("import-appendix", str(source), "--out", "data/tasks", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"{source}: dòng 3: hàng có hơn 7 cột; phần thừa không được đọc: x; x; x"
    assert read_task(tmp_path / "data", 1).title == "=cmd|' /C calc'!A0"
