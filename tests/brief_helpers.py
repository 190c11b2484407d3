"""Shared by the brief and reminder tests: the fixture tree, and readers for the three output formats.

tests/fixtures/brief/ holds nine appendix tasks (texts as shipped) with invented demo progress and
four indicators with invented figures; as of 28/11/2026 (ISO week 2026-W48) it gives:
done on time (5), done late (2), on track (33, 46 - due 30/11), overdue (18, 36, 37, 65 milestone 1)
and no deadline (43); four log entries fall inside the week.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from ctr199.cli import app

from .conftest import AS_OF, FIXTURES, make_data_dir

BRIEF_FIXTURE = FIXTURES / "brief"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
OVERDUE = {
    "(36)": "Dự án tuyến đường bộ cao tốc Ninh Bình - Hải Phòng (CT.08)",
    "(37)": "Dự án Cảng Nam Đồ sơn (Bên khởi động)",
    "(18)": "Sơ kết 01 năm triển khai thực hiện vận hành mô hình cấp uỷ",
    "(65)": "Hoàn thành và đưa vào vận hành Dự án đầu tư xây dựng nhà máy xử lý rác thải Seraphin Hải Dương",
}
W48 = ["--as-of", AS_OF.isoformat()]  # the fixture's reference day, in ISO week 2026-W48
runner = CliRunner()
VOID = {"meta", "br", "link", "img", "hr", "input", "area", "base", "col", "source", "wbr"}


def brief_data(target: Path) -> Path:
    return make_data_dir(target / "data", BRIEF_FIXTURE)


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


class StrictHTML(HTMLParser):
    """html.parser with a check that every element is closed in order; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title") and "svg" not in self.stack:
            self._skip += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        if tag in ("style", "title") and "svg" not in self.stack:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def visible_text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def parse_html(source: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(source)
    parser.close()
    assert parser.stack == [], f"unclosed elements: {parser.stack}"
    return parser


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a .docx as rows of cell texts."""
    document = Document(str(path))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def docx_text(path: Path) -> str:
    """All text of the main document, one line per paragraph (table cells included)."""
    body = Document(str(path)).element.body
    hyphen = qn("w:noBreakHyphen")  # Word's non-breaking hyphen, read as the "-" it shows

    def text(paragraph: Any) -> str:
        return "".join("-" if node.tag == hyphen else node.text or "" for node in paragraph.iter(qn("w:t"), hyphen))

    return "\n".join(text(p) for p in body.iter(qn("w:p")))
