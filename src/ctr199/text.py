"""Vietnamese text normalisation: NFC for storage, accent folding for matching."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ carry no combining mark, so NFD alone would keep them apart from d/D.
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Return `text` in NFC, the one form stored in data files."""
    return unicodedata.normalize("NFC", text)


# Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts colour and cursor
# sequences, CR overwrites the line) and the direction overrides and isolates that reorder what
# follows them ("Trojan Source"). TAB and LF are ordinary white space.
_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What data files may not hold: control characters (invisible, and pasted from Word or Excel by
# accident) and lone surrogates (undecodable bytes). TAB and LF stay allowed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` safe to print on a terminal: controls and direction overrides written as \\x1b, \\u202e.

    With `one_line`, a line break is written as \\n too (a message must stay one line, whatever it quotes).
    """
    shown = _UNSHOWN.sub(lambda match: _escaped(match.group()), text)
    return shown.replace("\n", "\\n") if one_line else shown


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def without_controls(text: str) -> str:
    """`text` without the characters a data file may not hold (see `forbidden_char`)."""
    return _FORBIDDEN.sub("", text)


def forbidden_char(text: str) -> str | None:
    """A description of the first character `text` may not carry in a data file, or None."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "có byte không phải UTF-8; gõ lại đoạn chữ này"
    return f"có ký tự điều khiển U+{code:04X} (không in được, thường do dán từ Word/Excel); xóa ký tự này"


@functools.lru_cache(maxsize=4096)  # the same agency names are folded for every task
def fold(text: str) -> str:
    """Key for matching: no case, no diacritics, one space between words.

    Removing every combining mark also makes old and new tone placement
    ("hoá" / "hóa") and NFC / NFD input equal.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def strip_marks(text: str) -> str:
    """The text in plain ASCII letters, case kept ("Kế hoạch số 12/KH" → "Ke hoach so 12/KH")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def ascii_slug(text: str, max_words: int = 6) -> str:
    """A short ASCII file-name-safe slug, e.g. for export file names."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words[:max_words])


def shorten(text: str, width: int) -> str:
    """Cut `text` to `width` characters at a word boundary, marking the cut with '…'."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"


# Tone marks (as opposed to the vowel marks ˆ ˘ ʼ, which change the letter itself).
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.lru_cache(maxsize=4096)
def spelling_key(text: str) -> str:
    """Key that keeps every letter and tone but not where the tone sits, nor case or form.

    "hoá" and "hóa" (old and new placement) give one key; "dựng" and "dưng" do not.
    Used where a typo must not pass silently, e.g. agency names in data files.
    """
    words = []
    for word in unicodedata.normalize("NFD", _SPACES.sub(" ", text).strip().casefold()).split(" "):
        tones = "".join(ch for ch in word if ch in TONE_MARKS)
        words.append("".join(ch for ch in word if ch not in TONE_MARKS) + tones)
    return unicodedata.normalize("NFC", " ".join(words))


# What a spreadsheet may take as the start of a formula (OWASP "CSV injection"), full-width forms included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A pattern, not compiled here: output is imported on every run, neutralise only by CSV and xlsx.
_SIGNED_NUMBER = r"[-+]\d+(?:[.,]\d+)*%?"


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character gets a "'" before it.

    A bare signed number ("-2,5", "+3%") is left alone: it is a number, not a formula.
    """
    if text.startswith(_FORMULA_START) and not re.fullmatch(_SIGNED_NUMBER, text):
        return f"'{text}"
    return text
