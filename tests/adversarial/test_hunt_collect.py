"""`ctr199 collect` on forms filled the way agencies really fill them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ..conftest import read_task, tree_digest
from ..test_forms import SENT, SXD, collect, fill, line_of, run


@pytest.fixture
def forms(shipped_copy: Path, tmp_path: Path) -> Path:
    """Every agency's form, made on SENT from a copy of the shipped data."""
    code, out = run("forms", "-o", tmp_path / "phieu", "--as-of", SENT, "--data", shipped_copy)
    assert code == 0, out
    return tmp_path / "phieu"


@pytest.mark.parametrize("status", ["ĐÃ HOÀN THÀNH", "da hoan thanh", "Hoàn thành", " Đã hoàn thành "])
def test_a_status_typed_another_way_is_read(forms: Path, shipped_copy: Path, status: str) -> None:
    form = forms / SXD
    line = line_of(form, 30)
    fill(form, {f"F{line}": status, f"G{line}": "20.11.2026"})
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert read_task(shipped_copy, 30).completed_on == date(2026, 11, 20)


@pytest.mark.parametrize("typed", ["20/11/26", "2026/11/20", "11/20/2026"])
def test_a_date_without_its_century_or_in_another_order_is_refused(
    forms: Path,
    shipped_copy: Path,
    typed: str,
) -> None:
    form = forms / SXD
    line = line_of(form, 30)
    fill(form, {f"F{line}": "Đã hoàn thành", f"G{line}": typed})
    before = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form)
    assert code == 1, out
    assert f"G{line}" in out
    assert tree_digest(shipped_copy) == before


def test_two_forms_of_one_agency_that_disagree_are_refused(
    forms: Path,
    shipped_copy: Path,
    tmp_path: Path,
) -> None:
    form = forms / SXD
    line = line_of(form, 30)
    copy = tmp_path / "ban-sao.xlsx"
    shutil.copy(form, copy)
    fill(form, {f"F{line}": "Đã hoàn thành", f"G{line}": "20/11/2026"})
    fill(copy, {f"F{line}": "Đang thực hiện"})
    before = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form, copy)
    assert code == 1, out
    assert tree_digest(shipped_copy) == before


def test_the_extension_request_column_is_text_so_a_month_stays_a_month(forms: Path, shipped_copy: Path) -> None:
    # With a date format, Excel stores "6/2027" typed there as the date 01/06/2027: a request "to June
    # 2027" was recorded as due 01/06/2027. As text it stays what was typed and reads as 30/06/2027.
    from openpyxl import load_workbook

    from ctr199.forms import HEADINGS, SHEET

    form = forms / SXD
    line = line_of(form, 32)
    column = HEADINGS.index("Đề nghị gia hạn đến") + 1
    assert load_workbook(form)[SHEET].cell(row=line, column=column).number_format == "@"
    fill(form, {f"F{line}": "Đang thực hiện", f"K{line}": "6/2027", f"L{line}": "Chờ thẩm định"})
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert read_task(shipped_copy, 32).requests[0].requested_to == "6/2027"
