"""The shipped data against the programme's source text, read here independently of the importer."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest

from ctr199.models import IndicatorsFile, Task
from ctr199.numbers import format_number
from ctr199.store import DataDir, load_fast

from .conftest import SEED, SHIPPED


def _source_rows() -> dict[int, list[str]]:
    assert SEED.exists(), f"the programme's source text is missing: {SEED} (set CTR199_SEED)"
    rows: dict[int, list[str]] = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\((\d+)\)\t", line)
        if match:
            cells = line.split("\t")
            rows[int(match.group(1))] = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
    return rows


def _shipped_tasks() -> dict[int, Task]:
    data = DataDir(SHIPPED)
    return {task.id: task for task in (Task.model_validate(load_fast(p)) for p in data.task_files())}


ROWS = _source_rows()
TASKS = _shipped_tasks()


def test_seventy_five_tasks_one_file_each() -> None:
    assert sorted(ROWS) == list(range(1, 76))
    assert sorted(TASKS) == list(range(1, 76))
    assert [p.name for p in DataDir(SHIPPED).task_files()] == [f"{n:03d}.yaml" for n in range(1, 76)]


@pytest.mark.parametrize("number", range(1, 76))
def test_task_matches_source_row(number: int) -> None:
    task, cells = TASKS[number], ROWS[number]
    assert task.title == cells[1]
    assert task.output == cells[2]
    assert task.deadline == cells[3]
    assert task.authority == cells[6]
    # Leads: the cell's names, in order, separated by ";" or ",".
    assert re.sub(r"\s*[;,]\s*", "|", cells[4]) == "|".join(task.lead) or "; ".join(task.lead) == cells[4]
    # Partners: every item is text of the cell, in order, and together they cover it.
    position = 0
    for item in task.partners:
        found = cells[5].find(item, position)
        assert found >= 0, item
        position = found + len(item)
    assert re.sub(r"[\s\-;]", "", cells[5]) == re.sub(r"[\s\-;]", "", "".join(task.partners))


def test_all_text_is_nfc() -> None:
    for path in SHIPPED.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path


def test_source_gaps_stay_empty() -> None:
    assert TASKS[31].deadline == ""
    assert [n for n, t in TASKS.items() if not t.authority] == [33, 47, 67]
    assert TASKS[33].lead == ["Sở Xây dựng", "Ban QLDA liên quan"]
    assert len(TASKS[19].partners) == 3


def test_no_invented_progress() -> None:
    for task in TASKS.values():
        assert task.status.value == "not_started"
        assert task.completed_on is None and task.log == [] and task.completed_milestones == []


def test_groups_and_subgroups() -> None:
    assert sorted({t.group for t in TASKS.values()}) == list(range(1, 10))
    assert {t.id: t.subgroup for t in TASKS.values() if t.group == 1} == {
        n: ("a" if n <= 3 else "b") for n in range(1, 16)
    }
    assert all(t.subgroup is None for t in TASKS.values() if t.group != 1)
    assert [t.id for t in TASKS.values() if t.group == 9] == list(range(70, 76))


def _source_indicators() -> dict[int, str]:
    found = {}
    for line in SEED.read_text(encoding="utf-8").splitlines()[:80]:
        match = re.match(r"^\((\d+)\) (.+)$", line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def test_indicators_match_source() -> None:
    source = _source_indicators()
    indicators = IndicatorsFile.model_validate(load_fast(SHIPPED / "indicators.yaml")).indicators
    assert [i.id for i in indicators] == list(range(1, 23)) == sorted(source)
    for indicator in indicators:
        assert indicator.text == source[indicator.id]
        for target in indicator.targets:
            for value in (target.target, target.target_max, target.stretch):
                if value is not None:
                    written = format_number(value)
                    # "08-10 đơn vị" writes 8 with a leading zero.
                    assert written in indicator.text or f"0{written}" in indicator.text, (indicator.id, written)


@pytest.mark.parametrize(
    ("number", "key", "target"),
    [
        (2, "usd", Decimal("7944.5")),
        (5, "tong", Decimal("194935.654")),
        (5, "noi-dia", Decimal("103166")),
        (5, "xuat-nhap-khau", Decimal("84200")),
        (13, "dang-hoat-dong", Decimal("60195")),
        (17, "hdi", Decimal("0.795")),
        (18, "nha-o-xa-hoi", Decimal("7135")),
    ],
)
def test_vietnamese_numbers_decoded_exactly(number: int, key: str, target: Decimal) -> None:
    indicators = IndicatorsFile.model_validate(load_fast(SHIPPED / "indicators.yaml")).indicators
    found = next(t for t in indicators[number - 1].targets if t.key == key)
    assert found.target == target
    assert str(found.target) == str(target)


def test_indicator_structure() -> None:
    indicators = {i.id: i for i in IndicatorsFile.model_validate(load_fast(SHIPPED / "indicators.yaml")).indicators}
    iip = indicators[4].targets[0]
    assert (iip.target, iip.stretch) == (Decimal("15.5"), Decimal("16"))
    fdi = indicators[12].targets[0]
    assert (fdi.comparator, fdi.target, fdi.target_max) == ("range", Decimal("3.8"), Decimal("4.3"))
    militia = indicators[21].targets[0]
    assert (militia.comparator, militia.target, militia.target_max) == ("range", 8, 10)
    assert {t.comparator for t in indicators[22].targets} == {"above"}
    assert all((t.kind, t.target, t.stretch) == ("rank", 5, 3) for t in indicators[14].targets)
    assert len(indicators[1].targets) == 5 and len(indicators[5].targets) == 3
