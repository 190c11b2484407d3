"""Every command, on hostile data and hostile options, speaks Vietnamese: no English fragment from
pydantic ("Input should be …"), Python ("month must be in 1..12") or click ("Usage:", "Error:")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctr199.commands import COMMANDS

from ..conftest import tree_digest
from .common import AS_OF, invoke

# English as pydantic, Python's date and number checks, click and repr() write it.
ENGLISH = re.compile(
    r"Input should|should be|must be|[Vv]alue error|Field required|Extra inputs|greater than|less than|"
    r"or equal|out of range|is not a|not a valid|\b[Ii]nvalid\b|Usage:|\bError:|Traceback|Try '|No such|"
    r"does not exist|\bexpected\b|\bMissing\b|\brequired\b|\bpermitted\b|datetime\.|Decimal\(|PosixPath\(|"
    r"\bday is\b|\bmonth must\b|\byear \d"
)


def _break(data: Path) -> None:
    """One hostile value in many files: wrong types, bounds, enums, impossible dates written as text."""

    def sub(name: str, old: str, new: str) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    sub("tasks/001.yaml", "status: not_started", "status: finished")
    sub("tasks/002.yaml", "id: 2", "id: -3")
    sub("tasks/003.yaml", "group: 1", "group: abc")
    sub("tasks/004.yaml", "completed_on:\n", "completed_on: '30/02/2026'\n")
    sub("tasks/005.yaml", "log: []", "log:\n  - date: '2026-13-01'\n    status: done")
    sub("tasks/006.yaml", "completed_milestones: []", "completed_milestones:\n  - milestone: 0\n    date: '2026-00-10'")
    sub("tasks/007.yaml", "status: not_started", "status: 12")
    sub("tasks/008.yaml", "log: []", "log:\n  - date: 2026-01-05\n    status: done\n    milestone: -1\n    extra: 1")
    sub("tasks/009.yaml", "log: []", "log:\n  - date: 'mai'\n    status: maybe")
    sub("tasks/010.yaml", "completed_on:\n", "completed_on: 2026-01-01T10:00:00\n")
    sub("tasks/011.yaml", "log: []", "log: 5")
    sub("tasks/012.yaml", "log: []", "log:\n  - 3")
    sub("tasks/013.yaml", "completed_on:\n", "completed_on: '32/01/2026'\n")
    sub("tasks/014.yaml", "completed_milestones: []", "completed_milestones: [{milestone: 1.5, date: 2026-01-01}]")
    sub("tasks/015.yaml", "deadline: ", "deadline: 12345 #")
    sub("programme.yaml", "year: 2026", "year: 1800")
    sub("indicators.yaml", "kind: growth", "kind: ratio")
    sub(
        "indicators.yaml",
        "actuals: []",
        "actuals:\n          - period: 2026-13\n            value: abc\n            recorded_on: '2026-02-31'",
    )
    sub("agencies.yaml", "    name: Sở Tài chính\n", "    name: Sở Tài chính\n    generic: maybe\n")
    sub("groups.yaml", "id: 1", "id: một")


_HOSTILE_OPTIONS = [
    # Options that are fine: only the data speaks.
    ["validate", "data"],
    ["list"],
    ["overdue"],
    ["upcoming"],
    ["summary"],
    ["agencies"],
    ["show", "2"],
    ["indicators"],
    ["indicator", "show", "1"],
    ["export", "--format", "json"],
    ["brief", "--format", "md"],
    # Hostile options too.
    ["validate", "data", "--as-of", "2026-02-30"],
    ["validate", "data", "--as-of", "31/13/2026"],
    ["validate", "data", "--format", "xml"],
    ["overdue", "--as-of", "2026-02-30"],
    ["overdue", "--agency", "Công"],
    ["overdue", "--role", "boss"],
    ["list", "--month", "13/2026"],
    ["list", "--quarter", "V/2026"],
    ["list", "--year", "abc"],
    ["list", "--group", "abc"],
    ["list", "--status", "finished"],
    ["list", "--due-before", "2026-02-30"],
    ["list", "--bogus"],
    ["upcoming", "--within", "-5"],
    ["upcoming", "--within", "abc"],
    ["show", "abc"],
    ["show", "999"],
    ["show"],
    ["summary", "--format", "xml"],
    ["agencies", "--format", "yaml"],
    ["schema", "foo"],
    ["indicators", "--as-of", "2026-13-01"],
    ["indicator", "set", "7", "-p", "2026-13", "-v", "1"],
    ["indicator", "set", "7", "-p", "2026-09", "-v", "abc"],
    ["indicator", "set", "7", "-p", "2026-09"],
    ["indicator", "show", "abc"],
    ["update", "36", "--status", "finished"],
    ["update", "36", "--status", "done", "--date", "2026-02-30"],
    ["update", "abc", "--status", "done"],
    ["done", "36", "--date", "31/13/2026"],
    ["new", "--title", "x", "--group", "abc", "--deadline", "Năm 2026", "--lead", "SXD"],
    ["new", "--title", "x", "--group", "5", "--deadline", "Năm 2026", "--lead", "Công"],
    ["new", "--title", "x", "--group", "5", "--deadline", "mai", "--lead", "SXD"],
    ["fmt", "--check"],
    ["changes", "--since", "2026-02-30"],
    ["changes", "--since", "2026-11-27", "--until", "2026-11-20"],
    ["changes", "--format", "xml"],
    ["export", "--format", "pdf"],
    ["export", "--format", "csv", "--month", "0/2026"],
    ["import-appendix", "khong-co.docx", "--out", "ra"],
    ["brief", "--week", "2026-W60"],
    ["brief", "--from", "2026-02-30"],
    ["brief", "--format", "pdf"],
    ["remind", "-o", "cong-van", "--reply-by", "2026-02-30"],
    ["remind", "-o", "cong-van", "--format", "pdf"],
    ["extend", "37", "--to", "Tháng mười ba/2027", "--ref", "Văn bản số 1"],
    ["extend", "37", "--to", "Quý I/2027", "--ref", "Văn bản số 1", "--date", "2026-02-30"],
    ["extend", "37", "--to", "Quý I/2027"],
    ["extend", "abc", "--to", "Quý I/2027", "--ref", "x"],
    ["init", "moi", "--from", "khong-co.docx"],
    ["init", "moi", "--from", "khong-co.docx", "--year", "abc"],
    ["deadline", "Tháng mười ba/2026"],
    ["deadline", "Hằng quý", "--year", "abc"],
    ["scorecard", "--format", "xml"],
    ["scorecard", "--as-of", "2026-02-30"],
    ["forms", "-o", "phieu", "--reply-by", "2026-02-30"],
    ["forms", "-o", "phieu", "--agency", "Công"],
    ["collect", "khong-co.xlsx"],
    ["collect", "phieu.xlsx", "--since", "31/13/2026"],
    ["merge-driver", "goc.yaml", "ta.yaml", "ho.yaml", "abc", "data/tasks/001.yaml"],
    ["merge-driver", "goc.yaml", "ta.yaml", "ho.yaml", "7", "data/tasks/001.yaml"],
]


def test_every_command_is_exercised() -> None:
    assert {args[0] for args in _HOSTILE_OPTIONS} == set(COMMANDS)


@pytest.mark.parametrize("args", _HOSTILE_OPTIONS, ids=lambda args: " ".join(args))
def test_hostile_input_gets_only_vietnamese(data: Path, args: list[str]) -> None:
    _break(data)
    extra = (
        []
        if "--as-of" in args or args[0] in ("schema", "fmt", "import-appendix", "agencies", "init", "deadline")
        else ["--as-of", AS_OF]
    )
    data_option = (
        [] if args[0] in ("schema", "validate", "fmt", "import-appendix", "init", "deadline") else ["-d", "data"]
    )
    before = tree_digest(data.parent)
    result = invoke(*args, *data_option, *extra)
    assert result.exit_code != 0, result.stdout
    assert tree_digest(data.parent) == before
    output = result.stdout + result.stderr
    leaks = sorted({m.group(0) for m in ENGLISH.finditer(output)})
    assert not leaks, f"{leaks}\n{output}"


def test_schema_messages_are_exact_vietnamese_lines(data: Path) -> None:
    _break(data)
    lines = invoke("validate", "data", "--as-of", AS_OF).stdout.splitlines()
    for expected in (
        "data/tasks/002.yaml:1:5: error[schema]: 'id' phải lớn hơn hoặc bằng 1, đang là -3",
        "data/tasks/004.yaml:13:15: error[date]: 'completed_on': ngày \"30/02/2026\" không có thật "
        "(tháng 2/2026 chỉ có 28 ngày); sửa thành ngày đúng, viết YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)",
        "data/tasks/007.yaml:12:9: error[schema]: 'status' không hợp lệ (12); "
        "cần là một trong: 'not_started', 'in_progress', 'done'",
        "data/tasks/010.yaml:13:15: error[date]: 'completed_on': \"2026-01-01T10:00:00\" có kèm giờ; "
        "chỉ ghi ngày, ví dụ 2026-01-01",
        "data/programme.yaml:7:7: error[schema]: 'year' phải lớn hơn hoặc bằng 1945, đang là 1800",
    ):
        assert expected in lines


def test_hostile_appendix_rows_get_only_vietnamese(tmp_path: Path) -> None:
    from ..conftest import APPENDIX_COLUMNS
    from .common import write

    header = "\t".join(APPENDIX_COLUMNS) + "\n" + "1\tNhóm một\t\t\t\t\t\n"
    rows = [
        "(0)\tViệc số không\tNghị quyết\tNăm 2026\tSở Xây dựng\tCác sở\tUBND thành phố\n",
        "(2)\tViệc\x1b[31m\tNghị quyết\tNăm 2026\tSở Xây dựng\tCác sở\tUBND thành phố\n",
        "(3)\t\tNghị quyết\tNăm 2026\tSở Xây dựng\tCác sở\tUBND thành phố\n",
    ]
    source = write(tmp_path / "phu-luc.tsv", header + "".join(rows))
    result = invoke("import-appendix", str(source), "--out", str(tmp_path / "ra"))
    output = result.stdout + result.stderr
    assert result.exit_code != 0, output
    assert not sorted({m.group(0) for m in ENGLISH.finditer(output)}), output
