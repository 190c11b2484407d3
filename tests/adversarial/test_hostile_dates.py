"""Impossible, out-of-range and odd dates in every date field: one located `date` finding, never a traceback.

Each broken value leaves its own file out; every command still answers from the other files and
exits 1. The YAML readers keep such a value as written (`UnreadDate`) for the checks to name.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctr199.loading import load_programme as check_programme
from ctr199.models import UnreadDate, parse_day
from ctr199.store import YamlError, load_fast, load_roundtrip

from ..conftest import SHIPPED, make_data_dir, tree_digest
from ..gitrepo import commit, data_repo
from .common import AS_OF, error_line, invoke

# ---------------------------------------------------------------- where a date goes, and what is put there

# field → (file, how to put the value in the text, line and column where the value then sits)
Inject = Callable[[str, str], str]


def _replace(old: str, new: str) -> Inject:
    def inject(text: str, value: str) -> str:
        assert old in text
        return text.replace(old, new.format(value=value), 1)

    return inject


FIELDS: dict[str, tuple[str, Inject, int, int]] = {
    "completed_on": ("tasks/036.yaml", _replace("completed_on:\n", "completed_on: {value}\n"), 12, 15),
    "completed_milestones.date": (
        "tasks/065.yaml",
        _replace("completed_milestones: []\n", "completed_milestones:\n  - milestone: 1\n    date: {value}\n"),
        15,
        11,
    ),
    "log.date": (
        "tasks/036.yaml",
        _replace("log: []\n", "log:\n  - date: {value}\n    status: in_progress\n"),
        15,
        11,
    ),
    "milestones.due": (
        "tasks/036.yaml",
        _replace(
            "deadline: Quý II/2026\n", "deadline: Quý II/2026\nmilestones:\n  - label: Quý II\n    due: {value}\n"
        ),
        8,
        10,
    ),
    "extensions.date": (
        "tasks/036.yaml",
        _replace(
            "log: []\n",
            "log: []\nextensions:\n  - milestone: 1\n    to: Quý III/2026\n    date: {value}\n    ref: QĐ 1\n",
        ),
        18,
        11,
    ),
    "indicators.recorded_on": (
        "indicators.yaml",
        _replace(
            "        actuals: []\n",
            "        actuals:\n          - period: 2026-01\n            value: 1\n            recorded_on: {value}\n",
        ),
        20,
        26,
    ),
}

IMPOSSIBLE = ["2026-02-30", "2026-06-31", "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"]
OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "0000-01-01"]
ODD = [
    "31/13/2026",
    "30/02/2026",
    "29/02/2026",
    "00/01/2026",
    "15/03/26",
    "2026/03/15",
    "15.03.2026",
    "20260315",
    "46096",
    "2026-03-15T10:30:00",
    "2026-03-15 10:30:00+07:00",
    "'2026-02-30'",
    '"31/06/2026"',
    "hôm qua",
    "true",
    "12:30",
]
BAD_DATES = IMPOSSIBLE + OUT_OF_RANGE + ODD


def _shown(value: str) -> str:
    return value.strip("'\"")


def _small_data(tmp_path: Path) -> Path:
    """Registry, groups, programme, two tasks and the indicators: enough for every date field, quick to check."""
    root = make_data_dir(tmp_path / "data")
    for name in ("036.yaml", "065.yaml"):
        shutil.copy(SHIPPED / "tasks" / name, root / "tasks" / name)
    shutil.copy(SHIPPED / "indicators.yaml", root / "indicators.yaml")
    return root


def _inject(root: Path, field: str, value: str) -> Path:
    name, inject, _, _ = FIELDS[field]
    path = root / name
    path.write_text(inject(path.read_text(encoding="utf-8"), value), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_bad_date_is_one_located_date_finding(tmp_path: Path, field: str, value: str) -> None:
    root = _small_data(tmp_path)
    _inject(root, field, value)
    name, _, line, col = FIELDS[field]
    programme, report = check_programme(root, as_of=date(2026, 11, 28), use_cache=False)
    errors = [str(f) for f in report.errors]
    assert len(errors) == 1, errors
    finding = report.errors[0]
    assert (finding.path.endswith(name), finding.line, finding.col, finding.code) == (True, line, col, "date"), errors
    assert _shown(value) in finding.message, errors
    assert any(fix in finding.message for fix in ("sửa", "viết", "chỉ ghi ngày")), errors
    # The file with the bad date is left out; the others are read.
    loaded = {record.id for record in programme.tasks}
    assert loaded == ({36, 65} - ({36} if name == "tasks/036.yaml" else {65} if name == "tasks/065.yaml" else set()))
    assert (not programme.indicators) == (name == "indicators.yaml")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2026-02-30",
            "'completed_on': ngày \"2026-02-30\" không có thật (tháng 2/2026 chỉ có 28 ngày); "
            "sửa thành ngày đúng, viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)",
        ),
        (
            "31/13/2026",
            "'completed_on': ngày \"31/13/2026\" không có thật (không có tháng 13; tháng từ 1 đến 12); "
            "sửa thành ngày đúng, viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)",
        ),
        ("9999-12-31", "'completed_on': ngày \"9999-12-31\" có năm 9999, ngoài khoảng 2000–2100; sửa lại năm cho đúng"),
        ("0001-01-01", "'completed_on': ngày \"0001-01-01\" có năm 1, ngoài khoảng 2000–2100; sửa lại năm cho đúng"),
        (
            "15.03.2026",
            "'completed_on': \"15.03.2026\" không phải một ngày; "
            "viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)",
        ),
        (
            "12:30",
            "'completed_on': \"12:30\" không phải một ngày; viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)",
        ),
        ("2026-03-15T10:30:00", "'completed_on': \"2026-03-15T10:30:00\" có kèm giờ; chỉ ghi ngày, ví dụ 2026-03-15"),
    ],
)
def test_date_finding_says_the_value_and_the_fix(data: Path, value: str, message: str) -> None:
    _inject(data, "completed_on", value)
    before = tree_digest(data)
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [f"data/tasks/036.yaml:12:15: error[date]: {message}"]
    assert tree_digest(data) == before


# ---------------------------------------------------------------- every read command, on the shipped data

_DATED = ["--as-of", AS_OF]
READ_COMMANDS: list[list[str]] = [
    ["validate", "data", *_DATED],
    ["list", "-d", "data", "--all", *_DATED],
    ["list", "-d", "data", "--all", "--format", "json", *_DATED],
    ["overdue", "-d", "data", *_DATED],
    ["upcoming", "-d", "data", "--within", "60", *_DATED],
    ["summary", "-d", "data", *_DATED],
    ["show", "1", "-d", "data", *_DATED],
    ["agencies", "-d", "data"],
    ["export", "-d", "data", "--format", "csv", "-o", "out/nhiem-vu.csv", *_DATED],
    ["export", "-d", "data", "--format", "ics", "-o", "out/lich.ics", *_DATED],
    ["brief", "-d", "data", "-o", "out/bao-cao.md", *_DATED],
    ["remind", "-d", "data", "-o", "out/cong-van", *_DATED],
    ["indicators", "-d", "data", *_DATED],
    ["indicator", "show", "7", "-d", "data", *_DATED],
    ["fmt", "--check", "data"],
]

# One field per case, each with a different kind of bad value; agencies.yaml has no date field, so
# an impossible date goes where a name is expected.
COMMAND_CASES = [
    ("completed_on", "2026-02-30"),
    ("completed_milestones.date", "2026-06-31"),
    ("log.date", "2026-02-29"),
    ("milestones.due", "2026-04-31"),
    ("indicators.recorded_on", "2026-02-29"),
    ("agencies", "2026-02-30"),
]


def _inject_shipped(data: Path, field: str, value: str) -> tuple[str, int]:
    """Put `value` in `field` of the shipped copy; the file and how many tasks the queries should still see."""
    if field == "agencies":
        path = data / "agencies.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    aliases: []\n", f"    aliases:\n      - {value}\n", 1), encoding="utf-8")
        return "agencies.yaml", 75
    name, _, _, _ = FIELDS[field]
    _inject(data, field, value)
    return name, 75 if not name.startswith("tasks/") else 74


@pytest.mark.parametrize(("field", "value"), COMMAND_CASES, ids=[f for f, _ in COMMAND_CASES])
def test_every_read_command_answers_from_the_other_files(data: Path, field: str, value: str) -> None:
    import json

    (data.parent / "out").mkdir()
    name, tasks = _inject_shipped(data, field, value)
    for args in READ_COMMANDS:
        result = invoke(*args)
        # The indicator commands read indicators.yaml alone: a broken task file does not concern them.
        concerned = args[0] not in ("indicators", "indicator") or name == "indicators.yaml"
        assert result.exit_code == (1 if concerned else 0), (args, result.output)
        output = result.output
        assert "Traceback" not in output and "ValueError" not in output, (args, output)
        if args[0] in ("validate", "brief", "remind", "fmt") or (concerned and args[0].startswith("indicator")):
            # These name the file and the value (brief and remind refuse until it is fixed).
            assert f"{name}:" in output and _shown(value) in output, (args, output)
        if "json" in args:
            assert len(json.loads(result.stdout)) == tasks
    assert "ngày" in invoke("validate", "data", "--as-of", AS_OF).output


def test_changes_reads_a_history_holding_a_bad_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = data_repo(tmp_path)
    repo = data.parent
    _inject(data, "completed_on", "2026-02-30")
    commit(repo, "Ghi nhầm ngày", when="2026-11-20T09:00:00+07:00")
    monkeypatch.chdir(repo)
    result = invoke("changes", "--since", "2026-11-15", "--until", "2026-11-28")
    assert result.exit_code in (0, 1), result.output
    # The history shows what was written, as written.
    assert "Sửa Ngày hoàn thành: (trống) → 2026-02-30" in result.output


# ---------------------------------------------------------------- the readers themselves


def test_fast_reader_keeps_an_impossible_date_as_written() -> None:
    data = load_fast(Path("x.yaml"), "a: 2026-02-30\nb: 2026-02-28\nc: '2026-02-30'\n")
    assert data == {"a": UnreadDate("2026-02-30"), "b": date(2026, 2, 28), "c": "2026-02-30"}


def test_round_trip_reader_refuses_an_impossible_date_with_its_place() -> None:
    with pytest.raises(YamlError) as caught:
        load_roundtrip(Path("x.yaml"), "a: 1\nlog:\n  - date: 2026-06-31\n")
    error = caught.value
    assert (error.code, error.line, error.col) == ("date", 3, 11)
    assert error.message.startswith('ngày "2026-06-31" không có thật (tháng 6/2026 chỉ có 30 ngày)')


def test_a_text_field_holding_an_impossible_date_says_to_quote_it(tmp_path: Path) -> None:
    root = _small_data(tmp_path)
    path = root / "tasks" / "036.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("output: Khởi công dự án", "output: 2026-02-30"))
    _, report = check_programme(root, as_of=date(2026, 11, 28), use_cache=False)
    assert [str(f).split("036.yaml:", 1)[1] for f in report.errors] == [
        "4:9: error[date]: 'output': ngày \"2026-02-30\" không có thật (tháng 2/2026 chỉ có 28 ngày); sửa thành "
        "ngày đúng, viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026); nếu đây là chữ chứ không phải "
        "ngày, đặt trong dấu nháy: '2026-02-30'"
    ]


def test_cached_run_reports_the_same_date_finding(tmp_path: Path) -> None:
    root = _small_data(tmp_path)
    path = _inject(root, "log.date", "2026-02-30")
    import os

    old = 1_700_000_000  # an old mtime, so the cache keeps the entry (fresh files are not cached)
    os.utime(path, (old, old))
    first = [str(f) for f in check_programme(root, as_of=date(2026, 11, 28), use_cache=True)[1].findings]
    second = [str(f) for f in check_programme(root, as_of=date(2026, 11, 28), use_cache=True)[1].findings]
    assert first == second and any("error[date]" in line for line in first)


def test_bad_date_refuses_update_and_writes_nothing(data: Path) -> None:
    _inject(data, "log.date", "2026-02-30")
    before = tree_digest(data)
    result = invoke("update", "36", "-s", "in_progress", "--date", "2026-03-02", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert error_line(result) == (
        "Lỗi: tệp đang có lỗi, sửa tay trước (ctr199 validate): data/tasks/036.yaml:15:11: 'log.0.date': "
        'ngày "2026-02-30" không có thật (tháng 2/2026 chỉ có 28 ngày); sửa thành ngày đúng, '
        "viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)"
    )
    assert tree_digest(data) == before


def test_bad_date_refuses_fmt_and_writes_nothing(data: Path) -> None:
    _inject(data, "completed_on", "2026-06-31")
    before = tree_digest(data)
    result = invoke("fmt", "data")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'data/tasks/036.yaml:12:15: lỗi: ngày "2026-06-31" không có thật (tháng 6/2026 chỉ có 30 ngày); '
        "sửa thành ngày đúng, viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)"
    ]
    assert tree_digest(data) == before


def test_bad_recorded_on_refuses_indicator_set(data: Path) -> None:
    _inject(data, "indicators.recorded_on", "2026-02-29")
    before = tree_digest(data)
    result = invoke("indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "--date", "2026-03-02", "-d", "data")
    assert result.exit_code == 1
    assert error_line(result).startswith(
        "Lỗi: data/indicators.yaml:20:26: error[date]: 'indicators.0.targets.0.actuals.0.recorded_on': "
        'ngày "2026-02-29" không có thật (tháng 2/2026 chỉ có 28 ngày)'
    )
    assert tree_digest(data) == before


# ---------------------------------------------------------------- any date at all (property)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    year=st.integers(0, 9999),
    month=st.integers(0, 99),
    day=st.integers(0, 99),
    form=st.sampled_from(
        ["{y:04d}-{m:02d}-{d:02d}", "{d}/{m}/{y:04d}", "'{y:04d}-{m:02d}-{d:02d}'", "{d:02d}/{m:02d}/{y}"]
    ),
)
def test_any_written_date_is_read_or_refused_never_crashes(year: int, month: int, day: int, form: str) -> None:
    text = form.format(y=year, m=month, d=day)
    try:
        expected: date | None = date(year, month, day) if 2000 <= year <= 2100 else None
    except ValueError:
        expected = None
    with tempfile.TemporaryDirectory() as folder:
        root = make_data_dir(Path(folder) / "data")
        shutil.copy(SHIPPED / "tasks" / "036.yaml", root / "tasks" / "036.yaml")
        _inject(root, "log.date", text)
        programme, report = check_programme(root, as_of=date(2100, 12, 31), use_cache=False)
    codes = [f.code for f in report.errors]
    if expected is None:
        assert codes == ["date"] and not programme.tasks
    else:
        assert codes == [] and programme.tasks[0].task.log[0].date == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-15", date(2026, 3, 15)),
        ("15/3/2026", date(2026, 3, 15)),
        (" 05/03/2026 ", date(2026, 3, 5)),
        (date(2026, 3, 15), date(2026, 3, 15)),
        (UnreadDate("2026-03-15"), date(2026, 3, 15)),
    ],
)
def test_parse_day_reads_the_two_forms(value: object, expected: date) -> None:
    assert parse_day(value) == expected
