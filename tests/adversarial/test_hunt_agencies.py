"""Agency names typed in `new`: a code, in any case, is stored as the agency's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from .common import invoke


@pytest.mark.parametrize("typed", ["SXD", "sxd", " Sxd "])
def test_a_code_typed_for_lead_or_partner_is_stored_as_the_name(data: Path, typed: str) -> None:
    result = invoke(
        "new", "--title", "Việc thử", "--group", "1", "--deadline", "Quý IV/2026", "--lead", typed,
        "--partner", typed, "--as-of", "2026-12-01", "--dry-run", "-d", str(data),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "lead:\n  - Sở Xây dựng\n" in result.output
    assert "partners:\n  - Sở Xây dựng\n" in result.output


def test_an_alias_spelled_right_is_kept_as_written(data: Path) -> None:
    result = invoke(
        "new", "--title", "Việc thử", "--group", "1", "--deadline", "Quý IV/2026", "--lead", "Sở VHTTDL",
        "--as-of", "2026-12-01", "--dry-run", "-d", str(data),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "lead:\n  - Sở VHTTDL\n" in result.output
