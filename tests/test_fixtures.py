"""Fixture folders become test cases: valid/* must pass, invalid/* must report what expected.txt says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctr199.loading import load_programme
from ctr199.programme import Programme
from ctr199.report import Report, Severity

from .conftest import AS_OF, FIXTURES, make_data_dir

_EXPECTED = re.compile(
    r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+)\[(?P<code>[\w-]+)\] (?P<text>.+)$"
)


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.is_dir())


def _expected(case: Path) -> list[re.Match[str]]:
    file = case / "expected.txt"
    if not file.exists():
        return []
    lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    matches = [_EXPECTED.match(line) for line in lines]
    assert all(matches), f"malformed expected.txt in {case.name}"
    return [m for m in matches if m]


def _assert_reported(case: Path, tmp_path: Path) -> tuple[Programme, Report]:
    """Check `case` and assert it reports exactly what its expected.txt lists; return what was loaded."""
    root = make_data_dir(tmp_path / "data", case)
    programme, report = load_programme(root, as_of=AS_OF)
    expected = _expected(case)
    for want in expected:
        hits = [
            f
            for f in report.findings
            if f.path.endswith(want["path"])
            and (f.line, f.col) == (int(want["line"]), int(want["col"]))
            and f.severity.value == want["severity"]
            and f.code == want["code"]
            and want["text"] in f.message
        ]
        assert hits, f"{case.name}: expected {want.group(0)!r}; got:\n" + "\n".join(map(str, report.findings))
    # Nothing but what is expected: a case tests one thing.
    assert len(report.findings) == len(expected), "\n".join(map(str, report.findings))
    return programme, report


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case_has_no_errors(case: Path, tmp_path: Path) -> None:
    programme, report = _assert_reported(case, tmp_path)
    assert not report.errors
    assert programme.tasks, "a valid case loads its tasks"


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_reports_located_error(case: Path, tmp_path: Path) -> None:
    assert any(m["severity"] == Severity.ERROR.value for m in _expected(case))
    _assert_reported(case, tmp_path)
