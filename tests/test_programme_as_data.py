"""Nothing of one programme lives in code: its identity comes from data/programme.yaml."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ctr199.models import ProgrammeFile
from ctr199.store import load_fast
from ctr199.text import fold

from .conftest import ROOT, SHIPPED

# The shipped programme's identity, plus words that name its place or its documents in any spelling.
_INFO = ProgrammeFile.model_validate(load_fast(SHIPPED / "programme.yaml"))
_SYMBOLS = re.findall(r"\d+(?:/\d{4})?[-/][A-ZĐ][A-ZĐ0-9]*(?:/[A-Z0-9]+)?", _INFO.title)  # 199-KL/TW, 244/2025/QH15
_FORBIDDEN = sorted(
    {
        _INFO.place,
        _INFO.issued_by,
        _INFO.code,
        _INFO.title,
        *_SYMBOLS,
        *(
            re.sub(r"^(UBND|THÀNH ỦY|TỈNH ỦY)\s+(THÀNH PHỐ|TỈNH)?\s*", "", head.parent_body)
            for head in _INFO.letterheads.values()
        ),
    }
    - {""}
)


def _texts() -> list[tuple[str, str]]:
    """(where, text) for every source file, script, template and the words inside the Word templates."""
    found: list[tuple[str, str]] = []
    for folder in ("src/ctr199", "scripts", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            where = str(path.relative_to(ROOT))
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as document:
                    for name in document.namelist():
                        if name.endswith(".xml"):
                            text = re.sub(r"<[^>]+>", "", document.read(name).decode("utf-8"))
                            found.append((f"{where}:{name}", text))
            elif path.suffix in (".py", ".md", ".html", ".txt", ".j2", ".css"):
                found.append((where, path.read_text(encoding="utf-8")))
    return found


def test_the_forbidden_words_are_the_programmes() -> None:
    assert {"Hải Phòng", "199-KL/TW", "244/2025/QH15"} <= set(_FORBIDDEN)


@pytest.mark.parametrize("word", _FORBIDDEN)
def test_no_programme_specific_text_in_code_or_templates(word: str) -> None:
    wanted = fold(word)
    hits = [where for where, text in _texts() if wanted in fold(text)]
    assert not hits, f'"{word}" (from data/programme.yaml) is written in {hits}: take it from the data instead'


def test_shipped_programme_file_is_valid_and_names_both_letterheads() -> None:
    assert _INFO.year == 2026
    assert set(_INFO.letterheads) == {"state", "party"}
    assert _INFO.default_letterhead == "state"
    assert _INFO.letterheads["party"].layout == "party"


def test_documents_take_identity_from_programme_yaml(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ctr199.cli import app

    from .conftest import make_data_dir

    root = make_data_dir(tmp_path / "data")
    (root / "indicators.yaml").write_text("indicators: []\n", encoding="utf-8")
    text = (root / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace("place: Hải Phòng", "place: Cần Thơ").replace("year: 2026", "year: 2027")
    text = text.replace("signer_name: ''", "signer_name: Trần Văn Bình", 1)
    text = text.replace("UBND THÀNH PHỐ HẢI PHÒNG", "UBND THÀNH PHỐ CẦN THƠ")
    text = text.replace("      - Như trên;\n", "      - Như trên;\n      - Sở Tài chính (để phối hợp);\n", 1)
    (root / "programme.yaml").write_text(text, encoding="utf-8")
    task = "id: 1\ngroup: 1\ntitle: Việc thử\ndeadline: Quý I/2027\nlead:\n  - Sở Xây dựng\n"
    (root / "tasks" / "001.yaml").write_text(task, encoding="utf-8")
    runner = CliRunner()
    letters = tmp_path / "cv"
    result = runner.invoke(app, ["remind", "-d", str(root), "--as-of", "2027-04-02", "-f", "md", "-o", str(letters)])
    assert result.exit_code == 0, result.output
    letter = (letters / "don-doc-so-xay-dung.md").read_text(encoding="utf-8")
    assert "UBND THÀNH PHỐ CẦN THƠ — VĂN PHÒNG" in letter
    assert "Cần Thơ, ngày 02 tháng 4 năm 2027" in letter
    assert "- Sở Tài chính (để phối hợp);" in letter
    assert "**Trần Văn Bình**" in letter
    assert "năm 2027" in letter and "Hải Phòng" not in letter


def test_periodic_deadlines_are_read_in_the_programmes_year(tmp_path: Path) -> None:
    """ "Hằng quý" means the four quarters of programme.yaml's `year`; a new year is read again, cache or not."""
    from ctr199.loading import load_programme

    from .conftest import make_data_dir

    root = make_data_dir(tmp_path / "data")
    task = "id: 1\ngroup: 1\ntitle: Báo cáo định kỳ\ndeadline: Hằng quý\nlead:\n  - Sở Tài chính\n"
    (root / "tasks" / "001.yaml").write_text(task, encoding="utf-8")
    programme, report = load_programme(root, as_of=date(2026, 7, 1))
    assert not report.errors, report.findings
    assert [m.due for m in programme.tasks[0].milestones] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]
    text = (root / "programme.yaml").read_text(encoding="utf-8").replace("year: 2026", "year: 2027")
    (root / "programme.yaml").write_text(text, encoding="utf-8")
    programme, report = load_programme(root, as_of=date(2027, 7, 1))  # the task file itself is unchanged
    assert programme.tasks[0].milestones[0].due == date(2027, 3, 31)
