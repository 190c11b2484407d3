"""Rendering documents from templates: Markdown and HTML with Jinja2, Word with docxtpl.

Where the built-in templates are: the `templates/` folder at the root of the source tree
(found next to `src/` in a checkout or an editable install), or, in a normal install, the
same files installed as data under `<prefix>/share/ctr199/templates/` (`~/.local/share/…` for
`pip install --user`). The repository keeps one copy of each template; `pyproject.toml` ships
that folder as data files.

Built-in templates are trusted and rendered with a normal environment; a template passed
by path is rendered in Jinja's sandbox, with a loader that can read only its own folder.
Every environment uses `StrictUndefined`, so a missing variable is an error, reported in one
line naming the template, the line and the variable (`TemplateFailure`).
"""

from __future__ import annotations

import io
import os
import re
import sys
import types
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment
from ctr199.text import shorten

if TYPE_CHECKING:
    from ctr199.models import LetterheadSpec, ProgrammeFile

TEMPLATES = "templates"
_MARKER = "brief.md"  # a built-in template every templates folder has


class Format(StrEnum):
    md = "md"
    docx = "docx"
    html = "html"


@dataclass(frozen=True)
class Picture:
    """An image in a Word document's data (PNG bytes, drawn `width_mm` wide): becomes a docxtpl InlineImage."""

    png: bytes
    width_mm: float


class TemplateFailure(Exception):
    """A template that cannot be rendered; the message is one line for the user."""


class TemplateChoiceError(ValueError):
    """A `--template` that names neither a built-in letterhead nor a usable file (usage error)."""


@dataclass(frozen=True)
class Letterhead:
    """The letterhead a document is made with: its key in programme.yaml and what it says there.

    `layout` names the built-in Word layout (`state`: two-line national motto under a rule; `party`:
    the Party's one-line motto and the star under the issuer), whatever the office calls the letterhead.
    """

    key: str
    spec: LetterheadSpec

    @property
    def layout(self) -> str:
        return self.spec.layout


@dataclass(frozen=True)
class Template:
    """A template file to render, and how far to trust it."""

    path: Path
    format: Format
    letterhead: Letterhead
    builtin: bool

    @property
    def name(self) -> str:
        return self.path.name if self.builtin else str(self.path)


def builtin_dir() -> Path:
    """The folder of the built-in templates (source checkout first, then the installed data)."""
    import site

    checkout = Path(__file__).resolve().parents[2] / TEMPLATES
    installed = [Path(base) / "share" / "ctr199" / TEMPLATES for base in (sys.prefix, site.USER_BASE or "")]
    for folder in (checkout, *installed):
        if (folder / _MARKER).is_file():
            return folder
    raise TemplateFailure(f"không tìm thấy thư mục mẫu (đã tìm {checkout} và {installed[0]}); cài lại ctr199")


def builtin_file(document: str, output: Format, letterhead: str) -> str:
    """File name of a built-in template: Word files carry their letterhead, text templates take it as data."""
    return f"{document}-{letterhead}.docx" if output is Format.docx else f"{document}.{output.value}"


def format_of(path: Path) -> Format | None:
    """The output format a file name implies, if any."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return Format.docx
    if suffix in (".html", ".htm"):
        return Format.html
    if suffix in (".md", ".markdown"):
        return Format.md
    return None


def choose_template(document: str, output: Format, spec: str | None, programme: ProgrammeFile) -> Template:
    """`--template`: empty for the programme's default letterhead, a letterhead's key, else a template file."""
    key = (spec or programme.default_letterhead).strip().lower()
    if key in programme.letterheads:
        head = Letterhead(key, programme.letterheads[key])
        path = builtin_dir() / builtin_file(document, output, head.layout)
        if not path.is_file():
            raise TemplateChoiceError(f"không có mẫu {path.name} cho định dạng {output.value}")
        return Template(path, output, head, builtin=True)
    path = Path(spec or "")
    if not path.is_file():
        names = ", ".join(programme.letterheads)
        raise TemplateChoiceError(
            f'không có tệp mẫu "{spec}" (dùng tên một tiêu đề trong programme.yaml: {names}; '
            "hoặc đường dẫn tới một tệp mẫu)"
        )
    is_docx = path.suffix.lower() == ".docx"
    if is_docx != (output is Format.docx):
        raise TemplateChoiceError(
            f"mẫu {path.name} không dùng được cho định dạng {output.value}: mẫu Word (.docx) chỉ dùng với --format docx"
        )
    default = programme.default_letterhead
    return Template(path.resolve(), output, Letterhead(default, programme.letterheads[default]), builtin=False)


# ---------------------------------------------------------------- Jinja environments


def md_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return re.sub(r"\s+", " ", str(value)).replace("|", "\\|").strip()


# A document symbol: "57-NQ/TW", "12/BC-UB", "3456/QĐ-UBND", "/BC-UB" of an empty number line — words and
# digits joined by "-" and "/", with both joints and a capital letter. A line must not break at its hyphen.
_SYMBOL = re.compile(r"[-/]?\w+(?:[-/]\w+)+")
NB_HYPHEN = "\u2011"  # NON-BREAKING HYPHEN
# Inside a run, between two pieces of its text: Word's own non-breaking hyphen.
_WORD_NB_HYPHEN = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'


def _is_symbol(token: str) -> bool:
    return "-" in token and "/" in token and any(ch.isupper() for ch in token)


def nobreak(value: Any) -> Any:
    """Text whose document symbols keep together: each hyphen inside one becomes U+2011 (for Markdown
    and HTML). Other values, text without a symbol and markup a template marked safe (an inline SVG
    chart, whose ids and path data hold hyphens) are returned unchanged."""
    if not isinstance(value, str) or "-" not in value or "/" not in value or hasattr(value, "__html__"):
        return value
    return _SYMBOL.sub(lambda m: m[0].replace("-", NB_HYPHEN) if _is_symbol(m[0]) else m[0], value)


def nobreak_word(value: Any) -> Any:
    """The same for Word: the text escaped for XML, each hyphen of a symbol a `w:noBreakHyphen`.

    Liberation Serif, which stands in for Times New Roman where it is missing, has no U+2011 glyph,
    so Word's own non-breaking hyphen (drawn with the font's hyphen) is used instead of the character.
    The value sits inside a `w:t` of a run, which may hold several pieces of text and the hyphen between.
    """
    from markupsafe import Markup, escape

    if isinstance(value, Markup):
        return value
    text = nobreak(value)
    if not isinstance(text, str) or NB_HYPHEN not in text:
        return value
    return Markup(escape(text).replace(NB_HYPHEN, Markup(_WORD_NB_HYPHEN)))


def environment(template: Template, *, autoescape: bool, word: bool = False) -> Environment:
    """The environment for `template`: sandboxed, and limited to its own folder, unless built in.

    Every `{{ … }}` goes through `nobreak` (Word: `nobreak_word`) as Jinja's `finalize`, so the
    document symbols of any value, in built-in and own templates alike, never break across lines;
    the data keep their ordinary hyphens. The filter `nobreak` does the same for text a template builds.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    kind = Environment if template.builtin else SandboxedEnvironment
    env = kind(
        loader=FileSystemLoader(template.path.parent),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape,
        keep_trailing_newline=True,
        finalize=nobreak_word if word else nobreak,
    )
    env.filters["md_cell"] = md_cell
    env.filters["nobreak"] = nobreak
    return env


def context_for(template: Template, data: dict[str, Any]) -> dict[str, Any]:
    """What a template sees: the document data plus the letterhead (text templates draw it themselves)."""
    head = template.letterhead
    return {**data, "letterhead": {"key": head.key, **head.spec.model_dump(mode="json")}}


def render(template: Template, data: dict[str, Any]) -> str | bytes:
    """The document: text for Markdown and HTML, the bytes of a .docx for Word."""
    return render_docx(template, data) if template.format is Format.docx else render_text(template, data)


def render_text(template: Template, data: dict[str, Any]) -> str:
    """Render a Markdown or HTML template (HTML with autoescape)."""
    env = environment(template, autoescape=template.format is Format.html)
    try:
        compiled = env.get_template(template.path.name)
        return compiled.render(context_for(template, data))
    except Exception as exc:  # a template is code: any error in it is the template's, reported in one line
        raise TemplateFailure(describe_error(exc, template)) from None


def render_docx(template: Template, data: dict[str, Any]) -> bytes:
    """Render a Word template with docxtpl, escaping every value so `&`, `<`, `>` stay text."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template.path))
    env = environment(template, autoescape=True, word=True)
    try:
        context = _pictures(context_for(template, data), document)
        document.render(context, jinja_env=env, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except Exception as exc:  # as above: the template's own error, never a traceback
        raise TemplateFailure(describe_error(exc, template, docx_lines=_docx_lines(document))) from None
    return buffer.getvalue()


def _pictures(value: Any, document: Any) -> Any:
    """`value` with every `Picture` in it turned into an image of `document`."""
    if isinstance(value, Picture):
        from docx.shared import Mm
        from docxtpl import InlineImage

        return InlineImage(document, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {key: _pictures(item, document) for key, item in value.items()}
    if isinstance(value, list):
        return [_pictures(item, document) for item in value]
    return value


def _docx_lines(document: Any) -> list[str]:
    """The text of each line docxtpl hands to Jinja (one per paragraph), to quote where an error sits."""
    try:
        xml = document.patch_xml(document.get_xml())
    except Exception:
        return []
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    return [re.sub(r"<[^>]+>", "", line) for line in xml.splitlines()]


# ---------------------------------------------------------------- errors in one line


def describe_error(exc: BaseException, template: Template, *, docx_lines: list[str] | None = None) -> str:
    """One line for the user: 'mẫu brief.md, dòng 12: biến "x" không có trong dữ liệu' and the like."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    line = getattr(exc, "lineno", None) if isinstance(exc, TemplateSyntaxError) else _template_line(exc, template)
    where = f"mẫu {template.name}"
    if line is not None:
        where += f", dòng {line}"
        if docx_lines and 0 < line <= len(docx_lines) and docx_lines[line - 1].strip():
            where += f" («{shorten(docx_lines[line - 1], 70)}»)"
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, UndefinedError):
        return f"{where}: {_undefined(message)}"
    if isinstance(exc, TemplateSyntaxError):
        return f"{where}: lỗi cú pháp Jinja: {message}"
    if isinstance(exc, TemplateNotFound):
        return f'{where}: không đọc được mẫu "{exc.name}" (mẫu chỉ được dùng tệp trong thư mục của nó)'
    if isinstance(exc, SecurityError):
        return f"{where}: thao tác không được phép trong mẫu: {message}"
    return f"{where}: {type(exc).__name__}: {message}"


_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTR = re.compile(r"has no attribute '([^']+)'$")


def _undefined(message: str) -> str:
    if match := _UNDEFINED_NAME.match(message):
        return f'biến "{match[1]}" không có trong dữ liệu'
    if match := _UNDEFINED_ATTR.search(message):
        return f'biến "{match[1]}" không có trong dữ liệu'
    return f"biến không có trong dữ liệu: {message}"


def _template_line(exc: BaseException, template: Template) -> int | None:
    """The template line where `exc` was raised: the last traceback frame Jinja mapped to a template."""
    folder = str(template.path.parent)
    line = None
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == "<template>" or filename.startswith(folder + os.sep):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
