"""The deadline grammar against its fixture tables: every phrase of tests/fixtures/deadlines.tsv, the 75
shipped cells pinned, and properties of every accepted phrase."""

import calendar
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctr199.deadline import DeadlineError, Milestone, _accounted, read_deadline

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


# --- `validate` points at the word, `ctr199 deadline` explains a phrase


@pytest.mark.parametrize(
    ("written", "word_col"),
    [
        ("deadline: Khởi công Quý I/2026; Hoàn thành Quý V/2027", 48),
        ("deadline: 'It''s Quý V/2027'", 22),
        ('deadline: "Xong Quý V/2027"', 21),
        ("deadline: >-\n  Khởi công Quý I/2026;\n  hoàn thành Quý V/2027", 11),  # folded: the value's start
    ],
)
def test_validate_reports_the_refused_word_at_its_column(shipped_copy: Path, written: str, word_col: int) -> None:
    import re

    from typer.testing import CliRunner

    from ctr199.cli import app

    path = shipped_copy / "tasks" / "001.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("deadline:"))
    path.write_text(re.sub(r"^deadline: .*$", lambda _: written, text, flags=re.M), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(shipped_copy), "--as-of", "2026-11-28"])
    assert result.exit_code == 1
    assert f"tasks/001.yaml:{line}:{word_col}: error[deadline]:" in result.output, result.output
    assert "quý V không có" in result.output


def test_deadline_command_explains_each_milestone() -> None:
    from typer.testing import CliRunner

    from ctr199.cli import app

    result = CliRunner().invoke(app, ["deadline", "Khởi công trước Quý III/2026; Hoàn thành cuối năm 2027"])
    assert result.exit_code == 0, result.output
    for cell in ("Khởi công", "Quý III/2026", "30/06/2026", "trước Quý III/2026", "31/12/2027", "cuối năm 2027"):
        assert cell in result.output


def test_deadline_command_json_and_year() -> None:
    import json

    from typer.testing import CliRunner

    from ctr199.cli import app

    result = CliRunner().invoke(app, ["deadline", "Báo cáo hằng quý", "--year", "2027", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [m["due"] for m in data["milestones"]] == ["2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31"]
    assert data["milestones"][0]["label"] == "Báo cáo (Quý I/2027)" and data["error"] is None


def test_deadline_command_refusal_points_at_the_word() -> None:
    import json

    from typer.testing import CliRunner

    from ctr199.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["deadline", "Khởi công Quý I/2026; Hoàn thành Quý V/2027"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Lỗi: không hiểu thời hạn") and '"Quý IV/2026"' in lines[0]
    assert lines[1] == "  Khởi công Quý I/2026; Hoàn thành Quý V/2027"
    assert lines[2] == "  " + " " * lines[1][2:].index("V/2027") + "^"
    data = json.loads(runner.invoke(app, ["deadline", "Đầu năm 2026", "-f", "json"]).output)
    assert data["error"]["word"] == "Đầu năm 2026" and data["error"]["offset"] == 0
    assert runner.invoke(app, ["deadline", "Năm 2026", "--year", "1999"]).exit_code == 2


# --- properties

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
SPELLED = {1: "một", 2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín", 10: "mười"}
SPELLED |= {11: "mười một", 12: "mười hai"}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def periods(draw: st.DrawFn) -> tuple[str, date]:
    """A period written in one of its accepted spellings, and the last day it names."""
    year = draw(st.integers(2000, 2100))
    kind = draw(st.sampled_from(["quarter", "month", "day", "year", "half", "week"]))
    if kind == "quarter":
        q = draw(st.integers(1, 4))
        forms = [
            f"Quý {ROMAN[q]}/{year}",
            f"quí {q}/{year}",
            f"quý {q} năm {year}",
            f"Q{q}/{year}",
            f"Q{ROMAN[q]}/{year}",
            f"Q.{q}/{year}",
            f"Q{q}.{year}",
            f"{year}-Q{q}",
            f"{year}Q{q}",
            f"{ROMAN[q]}/{year}",
            f"quý {SPELLED[q]} năm {year}",
        ]
        return draw(st.sampled_from(forms)), _month_end(year, 3 * q)
    if kind == "month":
        m = draw(st.integers(1, 12))
        forms = [
            f"Tháng {m}/{year}",
            f"tháng {m} năm {year}",
            f"{m}/{year}",
            f"{m:02d}/{year}",
            f"T{m}/{year}",
            f"{m}.{year}",
            f"{m}-{year}",
            f"{year}-{m:02d}",
            f"Tháng {SPELLED[m]}/{year}",
        ]
        return draw(st.sampled_from(forms)), _month_end(year, m)
    if kind == "day":
        day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
        d, m = day.day, day.month
        forms = [
            f"{d}/{m}/{year}",
            f"{d:02d}/{m:02d}/{year}",
            f"{d}.{m}.{year}",
            f"{d}-{m}-{year}",
            day.isoformat(),
            f"ngày {d} tháng {m} năm {year}",
            f"ngày {d}/{m}/{year}",
            f"{d}/{m} năm {year}",
        ]
        return draw(st.sampled_from(forms)), day
    if kind == "half":
        h = draw(st.integers(1, 2))
        forms = [
            f"H{h}/{year}",
            f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}",
            f"nửa {'đầu' if h == 1 else 'cuối'} năm {year}",
        ]
        return draw(st.sampled_from(forms)), _month_end(year, 6 * h)
    if kind == "week":
        weeks = date(year, 12, 28).isocalendar()[1]
        w = draw(st.integers(1, weeks))
        return draw(st.sampled_from([f"Tuần {w}/{year}", f"tuần {w} năm {year}"])), date.fromisocalendar(year, w, 7)
    return draw(st.sampled_from([f"Năm {year}", f"năm {year}", f"Trong năm {year}", f"{year}"])), date(year, 12, 31)


LABELS = [
    "",
    "Khởi công",
    "Hoàn thành",
    "Ban hành Đề án",
    "Trình HĐND thành phố",
    "Hoàn thành 2000 căn nhà ở",
    "Đợt 2",
    "Theo Thông tư 05/2026/TT-BXD,",
    "Hoàn thành bến 9-12",
    "Phân đầu khởi công",
    "- Xây dựng hồ sơ:",
]
TAILS = [
    "",
    ".",
    " cơ bản hoàn thành",
    ", đối với dự án nhóm A",
    " (đợt 1)",
    " theo Kế hoạch số 218/KH-UBND ngày 26/8/2025",
]


@settings(max_examples=400, deadline=None)
@given(periods(), st.sampled_from(LABELS), st.sampled_from(TAILS))
def test_junk_around_a_period_never_changes_its_date(period: tuple[str, date], label: str, tail: str) -> None:
    written, last = period
    if written.isdigit() and tail.startswith(" "):
        tail = ""  # "2026 cơ bản…": a bare number before a word is a quantity (refused: no period)
    readings = read_deadline(f"{label} {written}{tail}".strip())
    assert [r.milestone.due for r in readings] == [last]


@settings(max_examples=300, deadline=None)
@given(st.lists(periods(), min_size=1, max_size=4), st.sampled_from(LABELS[1:5]))
def test_canonical_text_reads_back_to_the_same_dates(parts: list[tuple[str, date]], label: str) -> None:
    readings = read_deadline("; ".join(f"{label} {written}" for written, _ in parts))
    assert [r.milestone.due for r in readings] == [last for _, last in parts]
    again = read_deadline("; ".join(r.canonical for r in readings))
    assert [r.milestone.due for r in again] == [r.milestone.due for r in readings]


_ACCEPTED = [r for r in TABLE if not r[1].startswith("✗")]


@pytest.mark.parametrize(("phrase", "year"), [(r[0], r[2]) for r in _ACCEPTED], ids=lambda v: v[:40])
def test_fixture_canonical_round_trip(phrase: str, year: str) -> None:
    readings = read_deadline(phrase.replace("\\n", "\n"), year=int(year) if year else None)
    again = read_deadline("; ".join(r.canonical for r in readings))
    assert [(r.milestone.due, r.milestone.ongoing) for r in again] == [
        (r.milestone.due, r.milestone.ongoing) for r in readings
    ]


_PERIOD_WORD = re.compile(r"(?i)\b(?:năm|quý|quí|tháng|tuần|ngày)\b|\d+")
_PIECES = [
    "Quý",
    "quý",
    "II",
    "IV",
    "Tháng",
    "tháng",
    "năm",
    "Năm",
    "ngày",
    "tuần",
    "Q2",
    "H1",
    "2026",
    "2027",
    "1999",
    "6",
    "15",
    "3",
    "12",
    "/",
    "-",
    ".",
    ",",
    ";",
    "và",
    "hoặc",
    "đến",
    "trước",
    "sau",
    "từ",
    "đầu",
    "cuối",
    "Khởi công",
    "hoàn thành",
    "căn",
    "km",
    "bến",
    "Đợt",
    "Thông tư",
    "số",
    "05/2026/TT-BXD",
    "thường xuyên",
    "hằng quý",
    "2026-2030",
    "6/2026",
    "15/8/2026",
    "15/8",
    "mười",
    "ba",
    "trong",
    "giai đoạn",
]


def _assert_accounted(text: str, year: int | None) -> None:
    try:
        readings = read_deadline(text, year=year)
    except DeadlineError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    years = {int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", text)} | ({year} if year else set())
    for reading in readings:
        due = reading.milestone.due
        # a due date falls in a year the words name, or the one before ("trước năm 2027"), or just
        # after (ISO week 53 of 2026 ends on 3/1/2027)
        assert due is None or {due.year, due.year + 1, due.year - 1} & years, (text, reading)
        assert due is None or due.year in years or due.year + 1 in years or due.month == 1, (text, reading)
    spans = [(r.start, r.end) for r in readings] + [(a, b) for a, b, _ in _accounted(text, year=year)]
    for match in _PERIOD_WORD.finditer(text):
        inside = any(a <= match.start() and match.end() <= b for a, b in spans)
        assert inside, f"{match.group()!r} at {match.start()} in {text!r} is in no period, citation or quantity"


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=9), st.sampled_from([" ", "", " "]))
def test_every_digit_group_and_period_word_is_accounted_for(pieces: list[str], glue: str) -> None:
    _assert_accounted(glue.join(pieces), 2026)


# Phrases whose period words are ordinary words of a compound ("gỗ quý", "Việt Nam") are checked by the table.
_PLAIN_WORDS = [r for r in _ACCEPTED if not re.search(r"(?i)ngày càng|gỗ quý|quý báu|việt nam", r[0])]


@pytest.mark.parametrize(("phrase", "year"), [(r[0], r[2]) for r in _PLAIN_WORDS], ids=lambda v: v[:40])
def test_fixture_phrases_account_for_every_number(phrase: str, year: str) -> None:
    _assert_accounted(phrase.replace("\\n", "\n"), int(year) if year else None)


def _readme_section() -> str:
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("### Thời hạn → mốc / Deadlines")
    return text[start : text.index("\n### ", start + 10)]


def test_readme_meanings_table_is_what_the_grammar_does() -> None:
    """The README meanings table: each `phrase` → dd/mm/yyyy reads so; the examples of a refused row are refused."""
    rows = [line for line in _readme_section().splitlines() if line.startswith("| ")]
    checked = 0
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        if len(cells) != 3:
            continue
        _, meaning, example = cells
        if "**refused" in meaning:
            for phrase in re.findall(r"`([^`]+)`", example):
                with pytest.raises(DeadlineError):
                    read_deadline(phrase)
                checked += 1
            continue
        for phrase, shown in re.findall(r"`([^`]+)` → (\d\d/\d\d/\d{4})", example):
            due = date(int(shown[6:]), int(shown[3:5]), int(shown[:2]))
            assert read_deadline(phrase)[0].milestone.due == due, phrase
            checked += 1
    assert checked >= 15


def test_readme_forms_table_is_what_the_grammar_does() -> None:
    """Every spelling in the README's forms table is read to the due date its row gives (rows with one date)."""
    checked = 0
    for line in _readme_section().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        single = re.fullmatch(r"(?:its Sunday, )?(\d\d/\d\d/\d{4})", cells[2]) if len(cells) == 3 else None
        if single is None:
            continue
        shown = single.group(1)
        due = date(int(shown[6:]), int(shown[3:5]), int(shown[:2]))
        for phrase in re.findall(r"`([^`]+)`", cells[1]):
            assert [r.milestone.due for r in read_deadline(phrase)] == [due], phrase
            checked += 1
    assert checked >= 30


# --- the measurement: a period word × a number written several ways × a separator

_NUMBERS = {
    n: [str(n), f"{n:02d}", SPELLED.get(n, "")] + ([ROMAN[n], "ⅠⅡⅢⅣ"[n - 1]] if 1 <= n <= 4 else []) for n in range(14)
}
_NUMBERS[5] += ["V"]
_NUMBERS[13] += ["mười ba", "XIII"]
_PREFIXES = {
    "quarter": ["Quý ", "Quí ", "quý", "Q", "Q ", "Q.", "QUÝ "],
    "month": ["Tháng ", "tháng", "T", "THÁNG "],
    "half": ["H", "Nửa "],
    "week": ["Tuần "],
    "year": ["Năm "],
}
_SEPARATORS = ["/", "-", ".", " năm ", ", năm ", " ", " / ", "/năm "]


def _period_end(kind: str, n: int, year: int) -> date | None:
    if kind == "quarter" and 1 <= n <= 4:
        return _month_end(year, 3 * n)
    if kind == "month" and 1 <= n <= 12:
        return _month_end(year, n)
    if kind == "half" and n in (1, 2):
        return _month_end(year, 6 * n)
    if kind == "week" and 1 <= n <= 52:
        return date.fromisocalendar(year, n, 7)
    return None


def test_period_word_number_separator_grid_reads_right_or_refuses() -> None:
    """Every combination is read to the end of the period its words name, or refused; never another date."""
    year = 2026
    tried = read = 0
    for kind, prefixes in _PREFIXES.items():
        for n, spellings in _NUMBERS.items():
            expected = _period_end(kind, n, year)
            for prefix in prefixes:
                for number in filter(None, spellings):
                    for sep in _SEPARATORS:
                        phrase = f"{prefix}{number}{sep}{year}"
                        tried += 1
                        try:
                            dues = [r.milestone.due for r in read_deadline(phrase)]
                        except DeadlineError:
                            continue
                        read += 1
                        assert dues == [expected], f"{phrase!r} read as {dues}, its words name {expected}"
    assert tried > 2500
    assert read > 600  # the usual spellings are understood, not only refused


def test_day_grid_reads_right_or_refuses() -> None:
    """Days written with every separator pair, valid and impossible: the day itself, or refused."""
    tried = read = 0
    for year in (2026, 2028):
        for d in (0, 1, 9, 15, 29, 30, 31, 32):
            for m in (0, 1, 2, 6, 9, 12, 13):
                try:
                    expected: date | None = date(year, m, d)
                except ValueError:
                    expected = None
                for first, second in [(a, b) for a in "/.- " for b in "/.- "]:
                    for prefix in ("", "ngày ", "Trước ngày ", "chậm nhất ", "Hoàn thành trước "):
                        for day, month in ((str(d), str(m)), (f"{d:02d}", f"{m:02d}")):
                            phrase = f"{prefix}{day}{first}{month}{second}{year}"
                            tried += 1
                            try:
                                dues = [r.milestone.due for r in read_deadline(phrase)]
                            except DeadlineError:
                                continue
                            read += 1
                            assert expected is not None and first == second, f"{phrase!r} read as {dues}"
                            assert dues == [expected], f"{phrase!r} read as {dues}, its words name {expected}"
    assert tried > 8000 and read > 300


def test_range_and_list_grid_reads_right_or_refuses() -> None:
    """Month and quarter ranges and lists of every pair, in order or not: the right ends, or refused."""
    read = 0
    for word, top, last_month in (("Tháng", 12, lambda n: n), ("Quý", 4, lambda n: 3 * n)):
        for a in range(0, top + 2):
            for b in range(0, top + 2):
                valid = 1 <= a <= top and 1 <= b <= top
                for joined, ranged in (("-", True), (" - ", True), (" đến ", True), (", ", False), (" và ", False)):
                    phrase = f"{word} {a}{joined}{b}/2026"
                    try:
                        dues = [r.milestone.due for r in read_deadline(phrase)]
                    except DeadlineError:
                        continue
                    read += 1
                    assert valid, f"{phrase!r} read as {dues}"
                    if ranged:
                        assert a <= b and dues == [_month_end(2026, last_month(b))], f"{phrase!r} read as {dues}"
                    else:
                        assert dues == [_month_end(2026, last_month(a)), _month_end(2026, last_month(b))], phrase
    assert read > 150
