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


@functools.lru_cache(maxsize=4096)  # the same agency names are folded for every task
def fold(text: str) -> str:
    """Key for matching: no case, no diacritics, one space between words.

    Removing every combining mark also makes old and new tone placement
    ("hoá" / "hóa") and NFC / NFD input equal.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold().translate(_FOLD_TABLE)).strip()


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
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.lru_cache(maxsize=4096)
def spelling_key(text: str) -> str:
    """Key that keeps every letter and tone but not where the tone sits, nor case or form.

    "hoá" and "hóa" (old and new placement) give one key; "dựng" and "dưng" do not.
    Used where a typo must not pass silently, e.g. agency names in data files.
    """
    words = []
    for word in unicodedata.normalize("NFD", _SPACES.sub(" ", text).strip().casefold()).split(" "):
        tones = "".join(ch for ch in word if ch in _TONES)
        words.append("".join(ch for ch in word if ch not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(words))
