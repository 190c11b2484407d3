"""The documents as printed: Word and Excel through LibreOffice, HTML through Chromium, checked as PDF.

Each check needs tools that `make test` does not install (`.ci/run` does, on Debian, as root):
LibreOffice (soffice), Chromium, poppler-utils (pdfinfo, pdffonts, pdftotext) and a Times New Roman
or the metric-compatible Liberation Serif with Vietnamese letters (fonts-liberation2). Without them
the checks are skipped, marked `optional`, with the reason in pytest's summary (-ra).

What is checked, on the brief fixture (tests/fixtures/brief) as of 28/11/2026:
- page size A4 (the Excel sheets in landscape) and a page count within bounds;
- every font embedded, and only Times New Roman or Liberation Serif (a fallback font such as
  DejaVu means a letter the document's font lacks);
- no word cut across lines: every word pdftotext reads is a word of the document (a column narrower
  than a word would print "Khôn" / "g");
- the Excel sheets print at 9 pt or more once fitted to the page width.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from .brief_helpers import W48, brief_data, parse_html, run

POPPLER = ("pdfinfo", "pdffonts", "pdftotext")
CHROMIUM = next((name for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)
DOCUMENT_FONTS = re.compile(
    r"^(?:[A-Z]{6}\+)?(?:LiberationSerif|TimesNewRoman(?:PS)?)(?:-[A-Za-z]+|,[A-Za-z]+)?(?:MT)?$"
)
A4 = (595.3, 841.9)  # points
# Dates as the documents write them; at 11 pt in Times New Roman "31/12/2026" is 50.1 pt wide.
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATE_WIDTH_11PT = 50.11
# Punctuation pdftotext keeps on a word's edges; words split at hyphens and slashes may break there.
EDGES = "\"'“”‘’.,;:!?()[]{}…*-–—+•"


def _document_font() -> bool:
    """Whether Times New Roman, or Liberation Serif, with Vietnamese letters is installed (fontconfig)."""
    if shutil.which("fc-list") is None:
        return False
    for family in ("Times New Roman", "Liberation Serif"):
        listed = subprocess.run(["fc-list", f"{family}:lang=vi"], capture_output=True, text=True, check=False)
        if listed.stdout.strip():
            return True
    return False


needs_font = pytest.mark.skipif(
    not _document_font(),
    reason="no Times New Roman or Liberation Serif with Vietnamese letters (apt-get install fonts-liberation2): "
    "the PDF document checks would measure a fallback font",
)
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils (pdfinfo, pdffonts, pdftotext) is not installed: the PDF document checks need it",
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: the Word and Excel PDF checks need it "
    "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)",
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: the HTML print check needs it (apt-get install chromium)"
)


# ---------------------------------------------------------------- converting and reading PDF


def soffice_pdf(source: Path, tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            *("soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"),
            *("--outdir", str(tmp_path / "pdf"), str(source)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = tmp_path / "pdf" / (source.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    return pdf


def chromium_pdf(source: Path, tmp_path: Path) -> Path:
    assert CHROMIUM is not None
    pdf = tmp_path / (source.stem + ".pdf")
    done = subprocess.run(
        [
            *(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"),
            *(f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--print-to-pdf={pdf}", source.as_uri()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    return pdf


def _tool(*args: str | Path) -> str:
    done = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """The size of every page, in points."""
    info = _tool("pdfinfo", "-f", "1", "-l", "9999", pdf)
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name, embedded) for every font of the PDF."""
    lines = _tool("pdffonts", pdf).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object ID: "emb" is the fifth field from the end.
        found.append((parts[0], parts[-5] == "yes"))
    return found


def pdf_words(pdf: Path) -> list[tuple[str, float]]:
    """Every word pdftotext reads, with its width in points."""
    return [(word, right - left) for word, left, right in word_boxes(pdf)]


def word_boxes(pdf: Path) -> list[tuple[str, float, float]]:
    """Every word pdftotext reads, with its left and right edges in points."""
    xml = _tool("pdftotext", "-bbox", pdf, "-")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)
    return [(html.unescape(text), float(left), float(right)) for left, right, text in words]


def vocabulary(text: str) -> set[str]:
    """The words of the document's text, and their parts at hyphens and slashes (where a line may break)."""
    words: set[str] = set()
    for word in text.split():
        parts = re.split(r"(?<=[-/])", word)
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                stripped = "".join(parts[start:end]).strip(EDGES)
                if stripped:
                    words.add(stripped)
    return words


def cut_words(pdf: Path, text: str) -> list[str]:
    """Words of the PDF that are not words of the document: pieces of a word cut across lines."""
    known = vocabulary(text)
    cut = []
    for word, _ in pdf_words(pdf):
        stripped = word.strip(EDGES)
        if stripped and stripped not in known and not re.fullmatch(r"[\d/]+", stripped):
            cut.append(word)
    return cut


def check_pages(pdf: Path, low: int, high: int, *, landscape: bool = False) -> None:
    sizes = page_sizes(pdf)
    assert low <= len(sizes) <= high, f"{pdf.name}: {len(sizes)} pages, expected {low}–{high}"
    expected = tuple(reversed(A4)) if landscape else A4
    for number, (width, height) in enumerate(sizes, start=1):
        assert abs(width - expected[0]) < 1.5 and abs(height - expected[1]) < 1.5, f"page {number}: {width}×{height}"


def check_fonts(pdf: Path) -> None:
    found = fonts(pdf)
    assert found, "no font in the PDF"
    assert all(embedded for _, embedded in found), f"fonts not embedded: {[n for n, e in found if not e]}"
    others = sorted({name for name, _ in found if not DOCUMENT_FONTS.match(name)})
    assert not others, f"fonts other than Times New Roman / Liberation Serif (a letter missing?): {others}"


# ---------------------------------------------------------------- the documents


@pytest.mark.optional
@needs_font
@needs_poppler
@needs_soffice
def test_word_brief_prints_on_a4(tmp_path: Path) -> None:
    docx = tmp_path / "out" / "bao-cao.docx"
    docx.parent.mkdir()
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "-o", docx)
    assert code == 0, output
    pdf = soffice_pdf(docx, tmp_path)
    check_pages(pdf, 2, 8)
    check_fonts(pdf)
    document = Document(str(docx))
    text = [p.text for p in document.paragraphs]
    text += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert cut_words(pdf, "\n".join(text)) == []


@pytest.mark.optional
@needs_font
@needs_poppler
@needs_soffice
def test_excel_export_prints_on_a4_at_nine_points_or_more(tmp_path: Path) -> None:
    xlsx = tmp_path / "out" / "nhiem-vu.xlsx"
    xlsx.parent.mkdir()
    code, output = run("export", "-d", brief_data(tmp_path), *W48, "-o", xlsx)
    assert code == 0, output
    pdf = soffice_pdf(xlsx, tmp_path)
    check_pages(pdf, 2, 10, landscape=True)
    check_fonts(pdf)
    workbook = load_workbook(xlsx)
    text = [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    text += [sheet.oddHeader.center.text or "" for sheet in workbook] + ["Trang"]  # the page header and footer
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if hasattr(cell.value, "strftime"):
                    text.append(cell.value.strftime("%d/%m/%Y"))
    assert cut_words(pdf, "\n".join(text)) == []
    dates = [width for word, width in pdf_words(pdf) if DATE.match(word)]
    assert dates, "no date printed"
    smallest = min(dates) / DATE_WIDTH_11PT * 11
    assert smallest >= 9 - 0.05, f"the sheets print at {smallest:.2f} pt"


@pytest.mark.optional
@needs_font
@needs_poppler
@needs_chromium
def test_html_brief_prints_on_a4_with_a_page_per_section(tmp_path: Path) -> None:
    page = tmp_path / "out" / "bao-cao.html"
    page.parent.mkdir()
    code, output = run("brief", "-d", brief_data(tmp_path), *W48, "-o", page)
    assert code == 0, output
    pdf = chromium_pdf(page, tmp_path)
    # The change-and-trend block with its chart, then six sections, each from II on starting a page.
    check_pages(pdf, 6, 16)
    check_fonts(pdf)
    assert cut_words(pdf, parse_html(page.read_text("utf-8")).visible_text()) == []
    # No table wider than the page (a column squeezed by unbreakable cells pushes the others out):
    # every word within the page's margins (15 mm on the right, 30 mm on the left).
    for word, left, right in word_boxes(pdf):
        assert left >= 30 / 25.4 * 72 - 2 and right <= A4[0] - 15 / 25.4 * 72 + 2, (word, left, right)
    layout = _tool("pdftotext", "-layout", pdf, "-")
    # Long cells are not squeezed by unbreakable ones: the ranking's agency names keep to one line.
    for name in ("Sở Công Thương", "Sở Tài chính", "Sở Xây dựng", "Sở Giáo dục và Đào tạo", "Ban QLDA liên quan"):
        assert re.search(rf"^\s*\S+\s+{name}\s+\d", layout, re.M), f"{name} is wrapped in the ranking"
    pages = [" ".join(text.split()) for text in layout.split("\f")]
    headings = [" ".join(h.split()) for h in re.findall(r"<h2>(.*?)</h2>", page.read_text("utf-8"), re.S)]
    assert len(headings) >= 6, headings
    for heading in headings[1:]:
        assert any(text.startswith(heading) for text in pages), f"{heading} does not begin a page"
