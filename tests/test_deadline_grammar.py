"""The deadline grammar against its fixture tables: every phrase of tests/fixtures/deadlines.tsv, the 75
shipped cells pinned, and properties of every accepted phrase."""

from datetime import date
from pathlib import Path

import pytest

from ctr199.deadline import DeadlineError, Milestone, read_deadline

FIXTURES = Path(__file__).parent / "fixtures"
ONGOING = "thường xuyên"


def _rows(name: str) -> list[list[str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _expected(cell: str) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for item in cell.split(" | ") if cell else []:
        label, _, due = item.rpartition("→")
        out.append((label.strip() or None, due.strip()))
    return out


def _shown(milestone: Milestone) -> str:
    return ONGOING if milestone.due is None else milestone.due.isoformat()


TABLE = _rows("deadlines.tsv")


def test_the_table_is_large_and_has_no_duplicates() -> None:
    keys = [(row[0], row[2]) for row in TABLE]
    assert len(TABLE) >= 400
    assert len(set(keys)) == len(keys), [k for k in keys if keys.count(k) > 1][:5]


@pytest.mark.parametrize(("phrase", "expected", "year"), [(r[0], r[1], r[2]) for r in TABLE], ids=lambda v: v[:40])
def test_fixture_phrase(phrase: str, expected: str, year: str) -> None:
    text = phrase.replace("\\n", "\n")
    programme_year = int(year) if year else None
    if expected.startswith("✗"):
        word = expected[1:].strip()
        with pytest.raises(DeadlineError) as caught:
            read_deadline(text, year=programme_year)
        error = caught.value
        assert error.word == word, f"refused at {error.word!r}, expected {word!r}: {error}"
        if word:
            assert error.offset is not None
            assert text[error.offset : error.offset + error.length] == word
        assert "\n" not in str(error)
        return
    readings = read_deadline(text, year=programme_year)
    got = [(r.milestone.label, _shown(r.milestone)) for r in readings]
    want = _expected(expected)
    assert [due for _, due in got] == [due for _, due in want], got
    for (label, _), (wanted, _) in zip(got, want, strict=True):
        if wanted is not None:
            assert label == wanted


SHIPPED = _rows("deadlines-shipped.tsv")


def test_all_75_shipped_cells_are_pinned() -> None:
    assert len(SHIPPED) == 75
    files = sorted(path.name for path in (Path(__file__).parent.parent / "data" / "tasks").glob("*.yaml"))
    assert [row[0] for row in SHIPPED] == files


@pytest.mark.parametrize(("name", "cell", "milestones"), [tuple(r) for r in SHIPPED], ids=lambda v: v[:20])
def test_shipped_cell_keeps_its_milestones(name: str, cell: str, milestones: str) -> None:
    from ctr199.store import load_fast

    task = load_fast(Path(__file__).parent.parent / "data" / "tasks" / name)
    assert task["deadline"] == cell  # the pin is of the data as shipped
    got = [f"{m.label} → {_shown(m)}" for r in read_deadline(cell) for m in [r.milestone]]
    assert " | ".join(got) == milestones


def test_periodic_marker_without_a_year_names_the_programme_year() -> None:
    with pytest.raises(DeadlineError) as caught:
        read_deadline("Báo cáo hằng quý")
    assert "programme.yaml" in str(caught.value) and "năm của chương trình" in str(caught.value)
    assert caught.value.word == "hằng quý"


def test_error_carries_offset_word_and_hint() -> None:
    with pytest.raises(DeadlineError) as caught:
        read_deadline("Khởi công Quý I/2026; Hoàn thành Quý V/2027")
    error = caught.value
    assert (error.offset, error.length, error.word) == (error.phrase.index("V/2027"), 1, "V")
    assert error.hint == '"Quý IV/2026"'
    assert '"Quý IV/2026"' in str(error)


def test_readings_explain_each_milestone() -> None:
    first, second = read_deadline("Khởi công trước Quý III/2026; hoàn thành cuối năm 2027")
    assert first.milestone == Milestone(label="Khởi công", due=date(2026, 6, 30))
    assert first.period == "Quý III/2026" and first.words == "trước Quý III/2026" and "kỳ trước" in first.rule
    assert first.canonical == "30/06/2026"
    assert second.milestone.due == date(2027, 12, 31) and second.words == "cuối năm 2027"
