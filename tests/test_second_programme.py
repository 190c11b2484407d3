"""A second programme, tracked end to end without touching code: init → validate → overdue → brief
(md, docx, html) → remind → export. Its documents carry its own title, place and letterhead and
nothing of the shipped programme's."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.models import ProgrammeFile
from ctr199.store import load_fast

from .conftest import SHIPPED
from .test_appendix_formats import GOVERNMENT

runner = CliRunner()
AS_OF = "2027-07-15"
SHIPPED_INFO = ProgrammeFile.model_validate(load_fast(SHIPPED / "programme.yaml"))
# What must never appear in another programme's documents: the shipped programme's place and documents.
FOREIGN = ("Hải Phòng", "HẢI PHÒNG", "199-KL", "244/2025", SHIPPED_INFO.code, SHIPPED_INFO.short_title)

# The office fills in what `init` could not know: its letterhead, signer and recipients.
LETTERHEAD = {
    "letterheads.state.parent_body": "BỘ KẾ HOẠCH VÀ ĐẦU TƯ",
    "letterheads.state.issuer": "VĂN PHÒNG BỘ",
    "letterheads.state.brief_number": "Số:        /BC-VPB",
    "letterheads.state.letter_number": "Số:        /VPB-TH",
    "letterheads.state.signer_title": "CHÁNH VĂN PHÒNG BỘ",
    "letterheads.state.signer_name": "Lê Thị Hoa",
}


def _run(*args: str) -> object:
    result = runner.invoke(app, [*args, "--as-of", AS_OF])
    return result


def _fill(programme_file: Path) -> None:
    """What staff type into programme.yaml after `init`: every [CẦN ĐIỀN: …] line replaced."""
    lines = []
    section: list[str] = []
    for line in programme_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            lines.append(line)
            continue
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":", 1)[0]
        section = [*section[: indent // 2], key]
        dotted = ".".join(section)
        if dotted in LETTERHEAD:
            line = f"{' ' * indent}{key}: '{LETTERHEAD[dotted]}'"
        elif "CẦN ĐIỀN" in line and line.strip().startswith("- "):
            line = f"{' ' * indent}- 'Bộ trưởng (để báo cáo);'"
        lines.append(line)
    programme_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not [line for line in lines if "CẦN ĐIỀN" in line and not line.startswith("#")]


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as document:
        xml = "".join(document.read(name).decode("utf-8") for name in document.namelist() if name.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml.replace("<w:noBreakHyphen/>", "-"))  # Word's non-breaking hyphen, as shown


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(variable, "Văn phòng Bộ")
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(variable, "vpb@example.invalid")
    root = tmp_path / "ctr-chinh-phu-2027"
    made = runner.invoke(
        app, ["init", str(root), "--from", str(GOVERNMENT), "--issued-by", "Chính phủ", "--place", "Hà Nội"]
    )
    assert made.exit_code == 0, made.output
    _fill(root / "data" / "programme.yaml")
    return root


def test_documents_of_a_second_programme_are_its_own(repo: Path, tmp_path: Path) -> None:
    data = str(repo / "data")
    info = ProgrammeFile.model_validate(load_fast(repo / "data" / "programme.yaml"))
    assert info.year == 2027 and info.place == "Hà Nội"

    checked = _run("validate", data)
    assert checked.exit_code == 0, checked.output

    overdue = _run("overdue", "-d", data, "--agency", "bo tai chinh", "-f", "json")
    assert overdue.exit_code == 0, overdue.output
    # Quý II/2027 (task 1) and Tháng 6/2027 (tasks 2 and 11) are late on 15/07/2027.
    assert [(row["id"], row["due"]) for row in json.loads(overdue.stdout)] == [
        (1, "2027-06-30"),
        (2, "2027-06-30"),
        (11, "2027-06-30"),
    ]

    documents = {}
    for fmt in ("md", "html", "docx"):
        target = tmp_path / f"bao-cao.{fmt}"
        result = _run("brief", "-d", data, "-o", str(target))
        assert result.exit_code == 0, result.output
        documents[fmt] = _docx_text(target) if fmt == "docx" else target.read_text(encoding="utf-8")
    letters = tmp_path / "cong-van"
    reminded = _run("remind", "-d", data, "-o", str(letters))
    assert reminded.exit_code == 0, reminded.output
    for letter in sorted(letters.glob("*.docx")):
        documents[letter.name] = _docx_text(letter)
    assert any(name.startswith("don-doc-bo-tai-chinh") for name in documents)

    calendar = tmp_path / "lich.ics"
    assert _run("export", "-d", data, "-f", "ics", "-o", str(calendar)).exit_code == 0
    documents["ics"] = calendar.read_text(encoding="utf-8")
    workbook = tmp_path / "nhiem-vu.xlsx"
    assert _run("export", "-d", data, "-o", str(workbook)).exit_code == 0
    documents["xlsx"] = _docx_text(workbook)  # the workbook's XML, shared strings included
    exported = json.loads(_run("export", "-d", data, "-f", "json").stdout)
    assert len(exported["tasks"]) == 20

    for name, text in documents.items():
        for foreign in FOREIGN:
            assert foreign not in text, f"{name} carries {foreign!r} of the shipped programme"
    for fmt in ("md", "html", "docx"):
        text = documents[fmt]
        assert info.title in re.sub(r"\s+", " ", text), fmt
        assert "Hà Nội, ngày 15 tháng 7 năm 2027" in text, fmt
        assert "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" in text and "VĂN PHÒNG BỘ" in text, fmt
    assert "Số:        /BC-VPB" in documents["docx"] and "Lê Thị Hoa" in documents["docx"]
    letter = documents[next(name for name in documents if name.startswith("don-doc-bo-tai-chinh"))]
    assert "Số:        /VPB-TH" in letter and "CHÁNH VĂN PHÒNG BỘ" in letter and "Lê Thị Hoa" in letter
    assert "Bộ trưởng (để báo cáo);" in documents["docx"] and "Bộ trưởng (để báo cáo);" in documents["html"]
    assert f"{info.code}-nhiem-vu-001-moc-1@ctr199" in documents["ics"]


def test_documents_wait_until_the_office_fills_in_its_letterhead(tmp_path: Path) -> None:
    """Right after `init`, validate warns about each placeholder and no official document is made from them."""
    root = tmp_path / "moi"
    assert runner.invoke(app, ["init", str(root), "--from", str(GOVERNMENT)]).exit_code == 0
    data = str(root / "data")
    checked = _run("validate", data)
    assert checked.exit_code == 0, checked.output  # warnings only: CI of a fresh repository passes
    assert "warning[programme-placeholder]: 'letterheads.state.issuer' còn chỗ [CẦN ĐIỀN: …]" in checked.stdout
    assert _run("validate", data, "--strict").exit_code == 1
    refused = _run("brief", "-d", data, "-o", str(tmp_path / "b.docx"))
    assert refused.exit_code == 1
    assert "programme.yaml còn chỗ [CẦN ĐIỀN: …] ở issued_by, place, letterheads.state.parent_body" in refused.output
    assert not (tmp_path / "b.docx").exists()
    assert _run("overdue", "-d", data).exit_code == 0  # queries answer meanwhile
