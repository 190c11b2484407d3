"""`ctr199 collect` on forms filled the way agencies really fill them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ..conftest import read_task, tree_digest
from ..test_forms import SXD, collect, fill, line_of, sent  # noqa: F401  (the fixture)


@pytest.mark.parametrize("status", ["ĐÃ HOÀN THÀNH", "da hoan thanh", "Hoàn thành", " Đã hoàn thành "])
def test_a_status_typed_another_way_is_read(sent: Path, shipped_copy: Path, status: str) -> None:  # noqa: F811
    form = sent / SXD
    line = line_of(form, 30)
    fill(form, {f"F{line}": status, f"G{line}": "20.11.2026"})
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert read_task(shipped_copy, 30).completed_on == date(2026, 11, 20)


@pytest.mark.parametrize("typed", ["20/11/26", "2026/11/20", "11/20/2026"])
def test_a_date_without_its_century_or_in_another_order_is_refused(
    sent: Path,
    shipped_copy: Path,
    typed: str,  # noqa: F811
) -> None:
    form = sent / SXD
    line = line_of(form, 30)
    fill(form, {f"F{line}": "Đã hoàn thành", f"G{line}": typed})
    before = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form)
    assert code == 1, out
    assert f"G{line}" in out
    assert tree_digest(shipped_copy) == before


def test_two_forms_of_one_agency_that_disagree_are_refused(
    sent: Path,
    shipped_copy: Path,
    tmp_path: Path,  # noqa: F811
) -> None:
    form = sent / SXD
    line = line_of(form, 30)
    copy = tmp_path / "ban-sao.xlsx"
    shutil.copy(form, copy)
    fill(form, {f"F{line}": "Đã hoàn thành", f"G{line}": "20/11/2026"})
    fill(copy, {f"F{line}": "Đang thực hiện"})
    before = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form, copy)
    assert code == 1, out
    assert tree_digest(shipped_copy) == before
