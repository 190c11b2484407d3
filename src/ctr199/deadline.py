"""Turn a free-text Vietnamese "Thời hạn" cell into dated milestones, by a grammar.

A phrase such as "Khởi công Quý I năm 2026; Hoàn thành trong năm 2028" becomes one milestone
per period it names, each due on the last day of that period. Every word of the cell is
accounted for: it is part of a period, a qualifier or connector of one, an ongoing or periodic
marker, a document citation, a quantity, or label text (what the milestone is). A period word or a
digit group that is none of these is refused, pointing at it; nothing falls back to a year's end.

The language, in EBNF over the tokens of `_tokens` (words, digit groups, single punctuation marks;
"glued" = no space before). Words match without case, NFD/NFC or old/new tone placement.

    cell        = part { (";" | NEWLINE) part } ;          (* not a NEWLINE that wraps a phrase: _continues *)
    part        = { item } ;                            (* labels, then anchors, in any order *)
    item        = refused | ongoing | periodic | due | citation | quantity | label-word ;
    refused     = "hoặc" next to a due | ("lùi" | "điều chỉnh" | "dời" | "chuyển" | "gia hạn")
                  ("sang" | "đến" | "tới") due ;
    ongoing     = ("thường xuyên" | "liên tục" | "hằng ngày" | "hằng tuần" | "định kỳ")
                  { "," ongoing } [ ("trong" | "suốt") due ] ;   (* the due is its scope, no date *)
    periodic    = ("hằng" | "hàng" | "định kỳ" ["hằng"] | "mỗi") ("năm" | "quý" | "tháng")
                | "định kỳ" N "tháng" | N "tháng" ("/" | "một" | "1") "lần" ;  (* N divides 12; needs the year *)
    due         = { qualifier } list [ onwards ] ;
    qualifier   = "trong" | "vào" | "đến" | "tới" | "hết" | "khoảng" | "giai đoạn" | "cuối"
                | "chậm nhất" | "muộn nhất" | "trễ nhất" | "là"
                | "trước" | "sau" | "từ" | "kể từ" | "bắt đầu từ"
                | ("thượng" | "trung" | "hạ") "tuần"
                | ("đầu" | "giữa") ;                    (* refused: names no day *)
    onwards     = "trở đi" | "trở về sau" | ["và"] ("các" | "những") "năm" ("tiếp theo" | "sau") ;
    list        = range { ("," | "và" | "&") range } ;    (* a yearless item takes the next item's year, unless
                                                           that puts it after that item; a bare year after a
                                                           shorter period is refused *)
    range       = period [ ("-" | "đến" ["hết"] | "tới" ["hết"]) (period | number-of-the-same-kind) ] ;
    period      = day | week | month | quarter | half | year ;
    day         = ["ngày"] D "/" M "/" Y | D "." M "." Y | D "-" M "-" Y | Y "-" MM "-" DD
                | ["ngày"] D "/" M "năm" Y | "ngày" D "tháng" M ("năm" | "/") Y ;
    week        = "tuần" N [("/" | "năm") Y] | Y "-W" N ;
    month       = "tháng" M [("/" | "-" | "." | "năm") Y] | "T" M ("/" | "-" | ".") Y
                | M ("/" | "-" | ".") Y | Y "-" MM ;
    quarter     = ("quý" | "quí") Q [("/" | "-" | "." | "năm") Y] | "Q" ["."] Q ["/" | "-" | "." | "năm"] Y
                | Y ["-"] "Q" Q | ROMAN-Q "/" Y ;
    half        = N "tháng" ("đầu" | "cuối") "năm" [Y] | "nửa" ("đầu" | "cuối" | "sau") "năm" [Y]
                | "H" ("1" | "2") [("/" | "-" | "." | "năm")] Y ;
    year        = ["năm"] Y ;                           (* a bare Y followed by a noun is a quantity *)
    citation    = (DOC-TYPE ["số"] | "số") SYMBOL ["ngày" day]      (* "Thông tư 05/2026/TT-BXD" *)
                | ("Luật" | "Bộ luật" | "Pháp lệnh") NAME ["năm"] Y ;  (* "Luật Đất đai 2024" *)
    quantity    = NUMBER ["%"] NOUN                     (* "2000 căn", "09 km", "100%" *)
                | NOUN NUMBER ;                         (* "bến 7-8"; before a period word only after
                                                           an ordinal noun: "Đợt 2 tháng 9/2026" *)

D, M, N are 1–2 digits (M and N also spelled out: "một" … "mười hai", "tư"), Q is 1–4 as digits,
Roman (I–IV, also Ⅰ–Ⅳ) or spelled out, Y is four digits from MIN_YEAR to MAX_YEAR. The meaning of each
qualifier (which day a milestone is due) is the table "Thời hạn → mốc" in README.md.
"""

import calendar
import functools
import re
import unicodedata
from datetime import date, timedelta
from typing import NamedTuple

from ctr199.models import Milestone, plain_iso_day  # Milestone: defined with the other models, imported from here too
from ctr199.text import TONE_MARKS, nfc

__all__ = [
    "MAX_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "DeadlineError",
    "Milestone",
    "Reading",
    "month_end",
    "parse_date",
    "parse_deadline",
    "parse_month",
    "parse_quarter",
    "quarter_end",
    "read_deadline",
]

MIN_YEAR = 2000
MAX_YEAR = 2100
# A real cell is a line or two; the cap keeps every pass cheap on pasted junk.
MAX_LENGTH = 500

_DEADLINE_FORMS = '"Quý II/2026", "Tháng 3/2026", "Năm 2026", "30/6/2026" hoặc "Thường xuyên"'
_QUARTER_FORMS = '"Quý II/2026", "quý 2 năm 2026", "II/2026", "Q2/2026" hoặc "2026-Q2"'
_MONTH_FORMS = '"Tháng 3/2026", "tháng 3 năm 2026", "3/2026" hoặc "2026-03"'
_DATE_FORMS = '"30/6/2026", "30/06/2026" hoặc "2026-06-30"'
_SHOWN_WIDTH = 80


def _shown(text: str) -> str:
    one_line = " ".join(nfc(text).split())
    if len(one_line) <= _SHOWN_WIDTH:
        return one_line
    return one_line[: _SHOWN_WIDTH - 1] + "…"


class DeadlineError(ValueError):
    """Text that is not a deadline.

    ``phrase`` holds it; ``offset``/``length`` the word refused (characters into the NFC phrase;
    None when the phrase as a whole is not a deadline); ``word`` that word; ``hint`` the nearest
    accepted form. ``str()`` says it all in one Vietnamese line.
    """

    def __init__(
        self,
        phrase: str,
        reason: str = "",
        *,
        what: str = "thời hạn",
        forms: str = _DEADLINE_FORMS,
        offset: int | None = None,
        length: int = 0,
        hint: str = "",
    ) -> None:
        self.phrase = phrase
        self.reason = reason
        self.offset = offset
        self.length = length
        self.hint = hint or forms
        self.word = _nfc(phrase)[offset : offset + length] if offset is not None else ""
        detail = f": {reason}; " if reason else ": "
        advice = f"dùng dạng {self.hint}" if self.hint.startswith('"') else self.hint
        message = f'không hiểu {what} "{_shown(phrase)}"{detail}{advice}'
        super().__init__(" ".join(message.split()))


class _Bad(Exception):
    """A refusal inside the parser: the reason, the token span refused, and the nearest form."""

    def __init__(self, reason: str, start: int | None = None, end: int | None = None, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.start = start
        self.end = end
        self.hint = hint


# ---------------------------------------------------------------------------
# Matching key

# Old and new orthography put the tone on different letters of these pairs
# ("hoá"/"hóa", "thuỷ"/"thủy", "qúy"/"quý"); the key always puts it on the second.
_TONE_PAIRS = {"o": "ae", "u": "y"}


# The format characters (Unicode category Cf, as of Unicode 14) as one class: a regex is faster
# than asking unicodedata about every character of every cell.
_FORMAT_CHARS = (
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled on first use: a run that reads no deadline pays nothing for them."""
    return re.compile(pattern)


def _nfc(text: str) -> str:
    """NFC ``text`` with invisible format characters (zero-width space, soft hyphen) as spaces."""
    # Cells pasted from Word or Excel carry them between "Quý" and "II"; a space keeps
    # the words apart and the text index-aligned with its key.
    return _compiled(_FORMAT_CHARS).sub(" ", nfc(text))


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    # The key must stay index-aligned with the text so spans map back to labels.
    return lowered if len(lowered) == 1 else char


# A toned "o"/"u" before the letter that carries the tone in the new orthography.
_OLD_TONE = "[òóõỏọ](?=[ae])|[ùúũủụ](?=y)"


def _fold(text: str) -> str:
    """Matching key of NFC ``text``: same length, casefolded, tone placement fixed."""
    lowered = text.lower()
    if len(lowered) == len(text) and _compiled(_OLD_TONE).search(lowered) is None:
        return lowered  # the common case; lower() and casefold() differ on no Vietnamese letter
    chars = [_fold_char(char) for char in text]
    for i in range(len(chars) - 1):
        parts = unicodedata.normalize("NFD", chars[i])
        if len(parts) == 2 and parts[1] in TONE_MARKS and chars[i + 1] in _TONE_PAIRS.get(parts[0], ""):
            chars[i] = parts[0]
            chars[i + 1] = unicodedata.normalize("NFC", chars[i + 1] + parts[1])
    return "".join(chars)


@functools.lru_cache(maxsize=4096)
def _plain(word: str) -> str:
    """``word`` without Vietnamese accents ("tháng" → "thang", "đầu" → "dau")."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


# ---------------------------------------------------------------------------
# Tokens

_TOKEN = r"[^\W\d_]+|\d+|\S"
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "．": ".", "／": "/"})
# Punctuation that may touch the end of a period ("2026," "2027." "(Quý II/2026)").
_CLOSERS = frozenset(",;:.)]}\"'”’…!?")
_OPENERS = frozenset("([{\"'“‘")


class _Tok(NamedTuple):
    kind: str  # "w" word, "n" digits, "p" one punctuation mark
    text: str  # the word's key (NFKC: "Ⅱ" → "ii"), the digits, or the mark ("–" → "-")
    plain: str  # the word without accents
    start: int  # offsets into the NFC cell
    end: int
    glued: bool  # no space between this token and the one before


@functools.lru_cache(maxsize=4096)
def _lexeme(raw: str) -> tuple[str, str, str]:
    """Kind, key and accent-free key of one token as matched by _TOKEN."""
    first = raw[0]
    if first.isdecimal():
        digits = raw if raw.isascii() else "".join(str(unicodedata.decimal(ch)) for ch in raw)
        return "n", digits, digits
    if first.isalpha() or unicodedata.category(first) == "Nl":
        text = unicodedata.normalize("NFKC", raw).casefold()  # "Ⅱ" (a letter-number) → "ii"
        return "w", text, _plain(text)
    mark = raw.translate(_DASHES)
    return "p", mark, mark


def _tokens(key: str) -> list[_Tok]:
    toks: list[_Tok] = []
    previous_end = -1
    for match in _compiled(_TOKEN).finditer(key):
        start, end = match.span()
        kind, text, plain = _lexeme(match.group())
        toks.append(_Tok(kind, text, plain, start, end, start == previous_end))
        previous_end = end
    return toks


# ---------------------------------------------------------------------------
# Vocabulary

# Period words: a word among these that is not part of a period (or of a marker, citation or
# a known compound) is refused. Without accents they count only before a number ("thang 6/2026"),
# so "Việt Nam" and "quy hoạch" stay label text.
_PERIOD_WORDS = frozenset({"năm", "quý", "quí", "tháng", "tuần", "ngày"})
_PERIOD_PREFIXES = tuple(sorted(_PERIOD_WORDS))
_PERIOD_PLAIN = frozenset({"nam", "quy", "qui", "thang", "tuan", "ngay"})
_LETTER_PERIODS = frozenset({"q", "h", "t"})
_NAM_PLACES = frozenset({"việt", "miền", "hà", "quảng", "phía", "phương", "hướng"})
# Compounds where a period word is an ordinary word.
_COMPOUNDS = frozenset(
    {
        ("ngày", "càng"),
        ("quý", "báu"),
        ("quý", "hiếm"),
        ("quý", "giá"),
        ("quý", "vị"),
        ("quý", "khách"),
        ("đá", "quý"),
        ("loại", "quý"),
        ("gỗ", "quý"),
        ("năm", "châu"),
        ("ngày", "đêm"),
        ("đêm", "ngày"),
        ("ngày", "công"),
        ("ngày", "hội"),
        ("ngày", "lễ"),
    }
)
_SPELLED = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
_SPELLED_PLAIN = frozenset({"mot", "hai", "ba", "bon", "tu", "nam", "sau", "bay", "tam", "chin", "muoi"})
_AFTER_TEN = {
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "lăm": 5,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
}
_ROMAN_RE = frozenset("ivx")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_QUARTER_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# Words that carry a due expression or connect periods, never label text next to a period.
_QUALIFIER_WORDS = frozenset(
    {
        "trong",
        "vào",
        "đến",
        "tới",
        "hết",
        "khoảng",
        "cuối",
        "chậm",
        "muộn",
        "trễ",
        "nhất",
        "là",
        "trước",
        "sau",
        "từ",
        "kể",
        "đầu",
        "giữa",
        "và",
        "hoặc",
        "thượng",
        "trung",
        "hạ",
    }
)
_DOC_TYPES = (
    ("thông", "tư"),
    ("nghị", "quyết"),
    ("nghị", "định"),
    ("quyết", "định"),
    ("kế", "hoạch"),
    ("công", "văn"),
    ("chỉ", "thị"),
    ("kết", "luận"),
    ("thông", "báo"),
    ("văn", "bản"),
    ("tờ", "trình"),
    ("hướng", "dẫn"),
    ("pháp", "lệnh"),
    ("luật",),
    ("bộ", "luật"),
    ("chương", "trình"),
    ("đề", "án"),
    ("báo", "cáo"),
)
_DOC_FIRST = frozenset({doc[0] for doc in _DOC_TYPES} | {"số"})
# Nouns that number what follows them ("Đợt 2 tháng 9/2026" is batch 2 in September).
_ORDINAL_NOUNS = frozenset(
    {"đợt", "lần", "bước", "kỳ", "phần", "bến", "gói", "lô", "tuyến", "khu", "số", "mục", "phân", "nhóm", "tập"}
)
_PERIOD_HINTS = {
    "năm": '"Năm 2026"',
    "quý": '"Quý II/2026"',
    "quí": '"Quý II/2026"',
    "tháng": '"Tháng 3/2026"',
    "tuần": '"Tuần 12/2026"',
    "ngày": '"ngày 30/6/2026"',
    "q": '"Q2/2026"',
    "h": '"H1/2026"',
    "t": '"T6/2026"',
    "nửa": '"nửa đầu năm 2026"',
}
_CHANGE_FIRST = frozenset({"lùi", "điều", "dời", "chuyển", "gia", "lui"})
_PERIODIC_FIRST = frozenset({"định", "hằng", "hàng", "mỗi"})
_ONGOING_FIRST = frozenset({"thường", "liên", "hằng", "hàng", "định"})
_EXTENSION_HINT = (
    "giữ thời hạn gốc, ghi thời hạn đã gia hạn vào trường 'milestones' (label, due) "
    "và ghi văn bản cho gia hạn vào nhật ký"
)


# ---------------------------------------------------------------------------
# Calendar


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _roman(text: str) -> int | None:
    if not text or len(text) > 5 or not _ROMAN_RE.issuperset(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        total += -value if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > value else value
    return total


class _Period(NamedTuple):
    """A calendar period the words name: its kind and number, first and last day."""

    kind: str  # day, week, month, quarter, half, months, year, range
    first: date
    last: date
    canonical: str  # the same period in the README's first form ("Quý II/2026")


def _year_period(year: int) -> _Period:
    return _Period("year", date(year, 1, 1), date(year, 12, 31), f"Năm {year}")


def _quarter_period(year: int, quarter: int) -> _Period:
    return _Period(
        "quarter",
        date(year, 3 * quarter - 2, 1),
        _last_day(year, 3 * quarter),
        f"Quý {_QUARTER_ROMAN[quarter]}/{year}",
    )


def _month_period(year: int, month: int) -> _Period:
    return _Period("month", date(year, month, 1), _last_day(year, month), f"Tháng {month}/{year}")


def _day_period(when: date) -> _Period:
    return _Period("day", when, when, f"{when:%d/%m/%Y}")


def quarter_end(year: int, quarter: int) -> date:
    """Last day of ``quarter`` (1–4) of ``year``."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= quarter <= 4):
        reason = f"quý {quarter} không có" if MIN_YEAR <= year <= MAX_YEAR else _year_range_reason(year)
        raise DeadlineError(f"Quý {quarter}/{year}", reason, what="quý", forms=_QUARTER_FORMS)
    return _last_day(year, 3 * quarter)


def month_end(year: int, month: int) -> date:
    """Last day of ``month`` (1–12) of ``year``."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        reason = f"tháng {month} không có" if MIN_YEAR <= year <= MAX_YEAR else _year_range_reason(year)
        raise DeadlineError(f"Tháng {month}/{year}", reason, what="tháng", forms=_MONTH_FORMS)
    return _last_day(year, month)


def _year_range_reason(year: int) -> str:
    return f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}"


# ---------------------------------------------------------------------------
# Readings


class Reading(NamedTuple):
    """One milestone and how it was read: what `ctr199 deadline` shows."""

    milestone: Milestone
    period: str  # the period in canonical words ("Quý II/2026"), "" for an ongoing milestone
    rule: str  # the meaning applied ("hết quý", "trước quý: ngày cuối của kỳ trước", "thường xuyên"…)
    words: str  # the words of the cell the date came from
    start: int  # their offsets in the NFC cell
    end: int
    canonical: str  # text that reads back to the same due date ("Quý II/2026", "30/06/2026", "Thường xuyên")


class _Due(NamedTuple):
    """What one period of a due expression makes: its due date (None: never overdue) and why."""

    period: _Period | None
    due: date | None
    rule: str
    canonical: str


class _Anchor(NamedTuple):
    """A run of tokens that makes milestones: a due expression, an ongoing or a periodic marker."""

    start: int  # token indices
    end: int
    dues: list[_Due]
    ongoing_label: bool  # an ongoing marker: its own words belong in its label


# A yearless period while parsing: the kind, its number(s), and where it was written.
class _Partial(NamedTuple):
    kind: str
    number: int  # month, quarter, half, week, n-months; 0 for year/day
    year: int | None
    start: int
    end: int
    period: _Period | None = None  # already complete (days, years, ISO forms)


# ---------------------------------------------------------------------------
# The parser


class _Parser:
    def __init__(self, text: str, key: str, toks: list[_Tok], year: int | None) -> None:
        self.text = text
        self.key = key
        self.toks = toks
        self.n = len(toks)
        # Character spans read as label text that hold numbers: citations, symbols, quantities.
        self.accounted: list[tuple[int, int, str]] = []
        self.year = year

    # --- token helpers -------------------------------------------------

    def word(self, i: int, *texts: str) -> bool:
        """Token i is one of the words ``texts`` (accents required)."""
        return i < self.n and self.toks[i].kind == "w" and self.toks[i].text in texts

    def words(self, i: int, phrase: tuple[str, ...]) -> int | None:
        """Index after the words ``phrase`` starting at i, or None."""
        toks, n = self.toks, self.n
        for offset, wanted in enumerate(phrase):
            j = i + offset
            if j >= n or toks[j].text != wanted or toks[j].kind != "w":
                return None
        return i + len(phrase)

    def plain(self, i: int, *texts: str) -> bool:
        """Token i is one of ``texts`` written with or without accents."""
        return i < self.n and self.toks[i].kind == "w" and self.toks[i].plain in texts

    def punct(self, i: int, *marks: str) -> bool:
        return i < self.n and self.toks[i].kind == "p" and self.toks[i].text in marks

    def digits(self, i: int, *, size: tuple[int, int] = (1, 2)) -> int | None:
        if i < self.n and self.toks[i].kind == "n" and size[0] <= len(self.toks[i].text) <= size[1]:
            return int(self.toks[i].text)
        return None

    def glued(self, i: int) -> bool:
        return i < self.n and self.toks[i].glued

    def boundary(self, i: int) -> bool:
        """A period may end before token i: at the end, a space, or closing punctuation."""
        if i >= self.n or not self.toks[i].glued:
            return True
        tok = self.toks[i]
        if tok.kind != "p" or tok.text not in _CLOSERS:
            return False
        after = i + 1
        return after >= self.n or not self.toks[after].glued or self.toks[after].kind == "p"

    def starts_free(self, i: int) -> bool:
        """A period may start at token i: not glued to a word or number before it."""
        if not self.glued(i):
            return True
        before = self.toks[i - 1]
        return before.kind == "p" and before.text not in "/-."

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens [start, end)."""
        return self.toks[start].start, self.toks[end - 1].end

    def source(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return " ".join(self.text[a:b].split())

    def bad(self, reason: str, start: int, end: int | None = None, hint: str = "") -> _Bad:
        return _Bad(reason, start, end if end is not None else start + 1, hint)

    def is_period_word(self, i: int) -> bool:
        if i >= self.n or self.toks[i].kind != "w":
            return False
        tok = self.toks[i]
        if tok.text in _PERIOD_WORDS or tok.text.startswith(_PERIOD_PREFIXES):
            return True  # "quýmột": a period word glued to its number, a typo to point at, not a label
        if tok.text in _LETTER_PERIODS:
            return True
        if tok.text == "nửa" and (self.is_number_like_at(i + 1) or self.spelled_follows(i + 1)):
            return True  # "Nửa 1 năm 2026": not a form; "nửa đầu năm 2026" is
        letter, rest = tok.text[0], tok.text[1:]
        if letter in "qht" and (rest in _SPELLED or _roman(rest) is not None):
            # "Qmột", "HII", "TI/2026": a letter period glued to a number word; "ti vi", "thai" are words
            if letter != "t" or (rest in _SPELLED and tok.text != "thai"):
                return True
            return self.year_sep(i + 1) is not None or self.digits(i + 1, size=(4, 4)) is not None
        if i > 0 and tok.plain == "nam" and self.toks[i - 1].text in _NAM_PLACES:
            return False
        if tok.text == "ngay" and self.word(i + 1, "sau", "trong", "khi"):
            return False  # "Ngay sau khi …": "immediately", not "ngày sáu" typed without accents
        if tok.plain in ("thang", "quy", "qui", "tuan", "ngay") and self.plain(i + 1, *_SPELLED_PLAIN):
            return True  # "thang muoi hai": a month spelled without accents is not read, and not skipped
        return tok.plain in _PERIOD_PLAIN and i + 1 < self.n and self.is_number_like(i + 1)

    def is_number_like(self, i: int) -> bool:
        tok = self.toks[i]
        return tok.kind == "n" or (tok.kind == "w" and _roman(tok.text) is not None)

    def is_label_word(self, i: int) -> bool:
        if i >= self.n or self.toks[i].kind != "w":
            return False
        tok = self.toks[i]
        if tok.text in _QUALIFIER_WORDS or tok.text in _PERIOD_WORDS or tok.text in _LETTER_PERIODS:
            return False
        return not (tok.plain in _PERIOD_PLAIN and i + 1 < self.n and self.is_number_like(i + 1))

    # --- numbers -------------------------------------------------------

    def year_at(self, i: int) -> int | None:
        """A four-digit year at token i (refused outside MIN_YEAR–MAX_YEAR)."""
        value = self.digits(i, size=(4, 4))
        if value is None:
            return None
        if not MIN_YEAR <= value <= MAX_YEAR:
            raise self.bad(_year_range_reason(value), i, hint=f'"Năm 2026" (năm từ {MIN_YEAR} đến {MAX_YEAR})')
        return value

    def is_quantity_noun(self, i: int) -> bool:
        """A label word after a space at i: what a number before it counts ("1500 căn")."""
        return i < self.n and not self.toks[i].glued and self.is_label_word(i) and not self.starts_marker(i)

    def spelled(self, i: int) -> tuple[int, int] | None:
        """A number spelled out ("ba", "mười hai") at i: (value, next index)."""
        if i >= self.n or self.toks[i].kind != "w" or self.toks[i].text not in _SPELLED:
            return None
        value = _SPELLED[self.toks[i].text]
        # "tháng mười năm 2026" is October: "mười năm" before a year is not fifteen
        year_next = self.word(i + 1, "năm") and self.digits(i + 2, size=(4, 4)) is not None
        if value == 10 and self.word(i + 1, *_AFTER_TEN) and not year_next:
            return 10 + _AFTER_TEN[self.toks[i + 1].text], i + 2
        return value, i + 1

    def number(self, i: int, *, roman: bool = False) -> tuple[int, int] | None:
        """A month/quarter number at i: digits, spelled out, or (for quarters) Roman."""
        value = self.digits(i)
        if value is not None:
            return value, i + 1
        if roman and i < self.n and self.toks[i].kind == "w":
            value = _roman(self.toks[i].text)
            if value is not None:
                return value, i + 1
        spelled = self.spelled(i)
        if spelled is not None:
            value, after = spelled
            # "tháng năm 2026": "năm" is the year's word, not five.
            if self.toks[i].text == "năm" and self.digits(after, size=(4, 4)) is not None:
                return None
            return spelled
        return None

    def short_year(self, i: int) -> None:
        """Refuse a two-digit year ("Tháng 6/26"): the century is not guessed."""
        two_digits = self.glued(i + 1) and self.digits(i + 1, size=(2, 2)) is not None
        if self.punct(i, "/", ".") and two_digits and self.boundary(i + 2) and not self.punct(i + 2, "/", "."):
            written = self.toks[i + 1].text
            raise self.bad(f'năm "{written}" cần đủ 4 chữ số', i + 1, hint=f'"20{written}"')

    def year_sep(self, i: int, *, dash: bool = True) -> int | None:
        """Index after a separator between a number and its year: "/", "-", ".", "năm", ", năm"."""
        if self.punct(i, "/"):
            return i + 1
        if self.punct(i, "-", ".") and self.glued(i) and dash:
            return i + 1
        if self.plain(i, "nam") and not self.glued(i):
            return i + 1
        if self.punct(i, ",") and self.plain(i + 1, "nam"):
            return i + 2
        return None

    def trailing_year(self, i: int, *, dash: bool = True) -> tuple[int | None, int]:
        """An optional "/2026" or " năm 2026" at i: (year or None, next index)."""
        self.short_year(i)
        j = self.year_sep(i, dash=dash)
        if j is not None:
            year = self.year_at(j)
            if year is not None:
                return year, j + 1
        return None, i

    # --- periods -------------------------------------------------------

    def period(self, i: int) -> _Partial | None:
        """One period starting at token i, possibly without its year; None if none starts here."""
        if i >= self.n:
            return None
        tok = self.toks[i]
        if tok.kind == "n":
            return self.numeric_period(i)
        if tok.kind != "w":
            return None
        text, plain = tok.text, tok.plain
        if not self.is_number_like_at(i + 1) and plain in _PERIOD_PLAIN and not self.spelled_follows(i + 1):
            return None  # "quý báu", "ngày càng", "tháng" alone: refused or kept by the caller
        if plain == "nam" and text != "năm" and i > 0 and self.toks[i - 1].text in _NAM_PLACES:
            return None  # "Việt Nam", "Quảng Nam"
        if plain in ("quy", "qui") and (text in ("quý", "quí") or self.is_number_like_at(i + 1)):
            return self.quarter_word(i)
        if plain == "thang" and (text == "tháng" or self.is_number_like_at(i + 1)):
            return self.month_word(i)
        if plain == "nam" and (text == "năm" or self.is_number_like_at(i + 1)):
            year = self.year_at(i + 1)
            if year is not None:
                return _Partial("year", 0, year, i, i + 2, period=_year_period(year))
            return None
        if plain == "ngay" and (text == "ngày" or self.is_number_like_at(i + 1)):
            return self.day_words(i)
        if plain == "tuan" and (text == "tuần" or self.is_number_like_at(i + 1)):
            return self.week_word(i)
        if text == "nửa" and self.word(i + 1, "đầu", "cuối", "sau") and self.plain(i + 2, "nam"):
            year, after = self.optional_year(i + 3)
            half = 1 if self.toks[i + 1].text == "đầu" else 2
            return _Partial("half", half, year, i, after)
        if text in _SPELLED and self.plain(i + 1, "thang") and self.word(i + 2, "đầu", "cuối"):
            value = _SPELLED[text]
            return self.months_of_year(i, value, i + 1)
        if _roman(text) is not None and self.punct(i + 1, "/", "-") and self.glued(i + 1):
            return self.roman_quarter(i)
        return self.letter_period(i)

    def spelled_follows(self, i: int) -> bool:
        return i < self.n and self.toks[i].kind == "w" and self.toks[i].text in _SPELLED

    def is_number_like_at(self, i: int) -> bool:
        return i < self.n and self.is_number_like(i)

    def optional_year(self, i: int) -> tuple[int | None, int]:
        year = self.year_at(i)
        return (year, i + 1) if year is not None else (None, i)

    def quarter_word(self, i: int) -> _Partial:
        got = self.number(i + 1, roman=True)
        if got is None:
            raise self.bad(f'sau "{self.toks[i].text}" cần số quý (I–IV)', i, hint='"Quý II/2026"')
        value, after = got
        if not 1 <= value <= 4:
            raise self.bad(
                f"quý {self.source(i + 1, after)} không có, quý chỉ từ I đến IV", i + 1, after, '"Quý IV/2026"'
            )
        year, after = self.trailing_year(after)
        return _Partial("quarter", value, year, i, after)

    def roman_quarter(self, i: int) -> _Partial | None:
        value = _roman(self.toks[i].text)
        year = self.year_at(i + 2) if self.punct(i + 1, "/") else None
        if value is None or year is None:
            return None
        if not 1 <= value <= 4:
            raise self.bad(f"quý {self.toks[i].text.upper()} không có, quý chỉ từ I đến IV", i, hint='"IV/2026"')
        return _Partial("quarter", value, year, i, i + 3)

    def month_word(self, i: int) -> _Partial | None:
        got = self.number(i + 1)
        if got is None:
            raise self.bad(f'sau "{self.toks[i].text}" cần số tháng (1–12)', i, hint='"Tháng 3/2026"')
        value, after = got
        if self.word(after, "đầu", "cuối"):  # "tháng 6 đầu năm" is not a form; "6 tháng đầu năm" is
            raise self.bad(f'"{self.source(i, after + 1)}" không rõ', i, after + 1, '"6 tháng đầu năm 2026"')
        if not 1 <= value <= 12:
            raise self.bad(
                f"tháng {self.source(i + 1, after)} không có, tháng chỉ từ 1 đến 12", i + 1, after, '"Tháng 12/2026"'
            )
        year, after = self.trailing_year(after)
        return _Partial("month", value, year, i, after)

    def week_word(self, i: int) -> _Partial:
        value = self.digits(i + 1)
        if value is None:
            raise self.bad(f'sau "{self.toks[i].text}" cần số tuần (1–53)', i, hint='"Tuần 12/2026"')
        year, after = self.trailing_year(i + 2)
        if not 1 <= value <= 53:
            raise self.bad(f"tuần {value} không có, tuần chỉ từ 1 đến 53", i + 1, hint='"Tuần 12/2026"')
        return _Partial("week", value, year, i, after)

    def day_words(self, i: int) -> _Partial:
        """ "ngày 15/8/2026", "ngày 15 tháng 8 năm 2026", "ngày 15/8 năm 2026"."""
        j = i + 1
        if j < self.n and self.toks[j].kind == "n":
            numeric = self.numeric_period(j, after_ngay=True)
            if numeric is not None and numeric.kind == "day":
                return numeric._replace(start=i)
            day = self.digits(j)
            if day is not None and self.plain(j + 1, "thang"):
                got = self.number(j + 2)
                if got is not None:
                    month, after = got
                    year, after = self.trailing_year(after, dash=False)
                    if year is None:
                        raise self.bad("ngày thiếu năm", i, after, f'"ngày {day} tháng {month} năm 2026"')
                    return self.make_day(year, month, day, i, after)
        raise self.bad('"ngày" cần một ngày đủ ngày, tháng, năm', i, hint='"ngày 30/6/2026"')

    def make_day(self, year: int, month: int, day: int, start: int, end: int) -> _Partial:
        try:
            when = date(year, month, day)
        except ValueError:
            raise self.bad(f"ngày {day}/{month}/{year} không có trên lịch", start, end, '"30/6/2026"') from None
        return _Partial("day", 0, year, start, end, period=_day_period(when))

    def months_of_year(self, i: int, months: int, tang: int) -> _Partial:
        """ "6 tháng đầu năm 2026" (tang is the index of "tháng")."""
        which = self.toks[tang + 1].text
        if not self.plain(tang + 2, "nam"):
            raise self.bad(f'"{self.source(i, tang + 2)}" cần "năm"', i, tang + 2, f'"{months} tháng {which} năm 2026"')
        if not 1 <= months <= 12:
            raise self.bad(f"{months} tháng không hợp lệ, chỉ từ 1 đến 12 tháng", i, hint='"6 tháng đầu năm 2026"')
        year, after = self.optional_year(tang + 3)
        return _Partial("months", months if which == "đầu" else -months, year, i, after)

    def letter_period(self, i: int) -> _Partial | None:
        """ "Q2/2026", "QII/2026", "Q.2/2026", "Q 2/2026", "T6/2026", "H1/2026"."""
        text = self.toks[i].text
        letter, rest = text[0], text[1:]
        if letter not in "qth":
            return None
        j = i + 1
        if rest:
            value = _roman(rest) if letter == "q" else None
            if value is None:
                return None
        else:
            if self.punct(j, ".") and self.glued(j):
                j += 1
            if j >= self.n or (self.toks[j].glued is False and letter == "t"):
                return None
            got = self.digits(j)
            if got is None and letter == "q" and j < self.n and self.toks[j].kind == "w":
                got = _roman(self.toks[j].text)
            if got is None:
                return None
            value, j = got, j + 1
        sep = self.year_sep(j)
        if sep is None and not self.glued(j):
            sep = j  # "Q2 2026"
        year = self.year_at(sep) if sep is not None else None
        if year is None:
            raise self.bad(f'"{self.source(i, j)}" thiếu năm', i, j, _PERIOD_HINTS[letter])
        after = sep + 1 if sep is not None else j
        if letter == "q":
            if not 1 <= value <= 4:
                raise self.bad(f"quý {value} không có, quý chỉ từ 1 đến 4", i, j, '"Q4/2026"')
            return _Partial("quarter", value, year, i, after)
        if letter == "h":
            if value not in (1, 2):
                raise self.bad(f"H{value} không có, nửa năm chỉ H1 hoặc H2", i, j, '"H1/2026"')
            return _Partial("half", value, year, i, after)
        if not 1 <= value <= 12:
            raise self.bad(f"tháng {value} không có, tháng chỉ từ 1 đến 12", i, j, '"T12/2026"')
        return _Partial("month", value, year, i, after)

    def numeric_period(self, i: int, *, after_ngay: bool = False) -> _Partial | None:
        """Periods that start with digits: dates, "6/2026", "2026-Q2", "2026", "6 tháng đầu năm"."""
        toks = self.toks
        first = toks[i].text
        if len(first) == 4 and not MIN_YEAR <= int(first) <= MAX_YEAR and self.is_quantity_noun(i + 1):
            return None  # "1500 căn": a quantity, not a year out of range
        if len(first) == 4:
            year = self.year_at(i)
            assert year is not None
            if self.punct(i + 1, "-") and self.glued(i + 1) and self.glued(i + 2):
                nxt = i + 2
                if toks[nxt].kind == "n" and len(toks[nxt].text) == 2:  # 2026-06, 2026-06-15
                    month = int(toks[nxt].text)
                    if self.punct(nxt + 1, "-") and self.glued(nxt + 1) and self.digits(nxt + 2) is not None:
                        if len(toks[nxt + 2].text) == 2:
                            return self.make_day(year, month, int(toks[nxt + 2].text), i, nxt + 3)
                        return None
                    if not 1 <= month <= 12:
                        raise self.bad(f"tháng {month} không có, tháng chỉ từ 1 đến 12", nxt, hint='"2026-12"')
                    return _Partial("month", month, year, i, nxt + 1)
                if toks[nxt].kind == "w" and toks[nxt].text in ("q", "w") and self.digits(nxt + 1) is not None:
                    return self.iso_suffix(year, toks[nxt].text, int(toks[nxt + 1].text), i, nxt + 2)
                if toks[nxt].kind == "w" and toks[nxt].text[0] in "qw" and toks[nxt].text[1:].isdigit():
                    return None
            if (
                self.glued(i + 1)
                and toks[i + 1].kind == "w"
                and toks[i + 1].text == "q"
                and self.digits(i + 2) is not None
            ):
                return self.iso_suffix(year, "q", int(toks[i + 2].text), i, i + 3)  # 2026Q2
            return _Partial("year", 0, year, i, i + 1, period=_year_period(year))
        if len(first) > 2:
            return None
        value = int(first)
        # "15/8/2026", "15.8.2026", "15-8-2026", "15/8 năm 2026"
        if (
            self.punct(i + 1, "/", ".", "-")
            and self.glued(i + 1)
            and self.digits(i + 2) is not None
            and self.glued(i + 2)
        ):
            sep = toks[i + 1].text
            second = int(toks[i + 2].text)
            if self.punct(i + 3, sep) and self.glued(i + 3) and self.glued(i + 4):
                year = self.year_at(i + 4)
                if year is not None:
                    return self.make_day(year, second, value, i, i + 5)
                return None
            if sep == "/" and self.boundary(i + 3):
                year, after = self.trailing_year(i + 3, dash=False)
                if year is not None and after > i + 3:
                    return self.make_day(year, second, value, i, after)
                if second > 12:
                    self.short_year(i + 1)
                if self.year_at(i + 2) is None:
                    return _Partial("dayless", second, None, i, i + 3)
            return None
        # "6/2026", "6.2026", "6-2026"
        if self.punct(i + 1, "/", ".", "-") and self.glued(i + 1) and self.glued(i + 2):
            year = self.year_at(i + 2)
            if year is not None:
                if after_ngay:
                    return None
                if not 1 <= value <= 12:
                    raise self.bad(f"tháng {value} không có, tháng chỉ từ 1 đến 12", i, hint='"12/2026"')
                return _Partial("month", value, year, i, i + 3)
            return None
        if self.plain(i + 1, "thang") and self.word(i + 2, "đầu", "cuối"):
            return self.months_of_year(i, value, i + 1)
        return None

    def iso_suffix(self, year: int, letter: str, value: int, start: int, end: int) -> _Partial:
        if letter == "q":
            if not 1 <= value <= 4:
                raise self.bad(f"quý {value} không có, quý chỉ từ 1 đến 4", start, end, '"2026-Q4"')
            return _Partial("quarter", value, year, start, end)
        if not 1 <= value <= 53:
            raise self.bad(f"tuần {value} không có, tuần chỉ từ 1 đến 53", start, end, '"2026-W12"')
        return _Partial("week", value, year, start, end)

    def complete(self, part: _Partial, year: int | None = None) -> _Period:
        """The calendar period of ``part``, its year given by ``year`` when it wrote none."""
        if part.period is not None:
            return part.period
        if part.kind == "dayless":
            raise self.bad("ngày thiếu năm", part.start, part.end, '"30/6/2026"')
        year = part.year if part.year is not None else year
        if year is None:
            written = self.source(part.start, part.end)
            after = part.end + 1 if self.punct(part.end, ",") else part.end
            if self.word(after, "hoặc"):
                raise self.bad(
                    '"hoặc" giữa hai thời hạn không cho biết mốc nào; chọn một mốc', after, hint='"Quý II/2026"'
                )
            raise self.bad(f'"{written}" thiếu năm', part.start, part.end, f'"{written}/2026"')
        number = part.number
        if part.kind == "quarter":
            return _quarter_period(year, number)
        if part.kind == "month":
            return _month_period(year, number)
        if part.kind == "half":
            first_month = 1 if number == 1 else 7
            label = f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}"
            return _Period("half", date(year, first_month, 1), _last_day(year, first_month + 5), label)
        if part.kind == "months":
            months = abs(number)
            if number > 0:
                return _Period("months", date(year, 1, 1), _last_day(year, months), f"{months} tháng đầu năm {year}")
            return _Period("months", date(year, 13 - months, 1), date(year, 12, 31), f"{months} tháng cuối năm {year}")
        if part.kind == "week":
            try:
                first = date.fromisocalendar(year, number, 1)
            except ValueError:
                raise self.bad(f"năm {year} không có tuần {number}", part.start, part.end, '"Tuần 52/2026"') from None
            return _Period("week", first, first + timedelta(days=6), f"Tuần {number}/{year}")
        return _year_period(year)

    # --- lists and ranges ----------------------------------------------

    def continuation(self, i: int, kind: str) -> _Partial | None:
        """A bare number continuing a list or range of ``kind``: "Tháng 3, 6, 9/2026", "Quý II-III/2026"."""
        if kind not in ("month", "quarter"):
            return None
        got = self.number(i, roman=kind == "quarter")
        if got is None:
            return None
        value, after = got
        limit = 12 if kind == "month" else 4
        if not 1 <= value <= limit:
            what = "tháng" if kind == "month" else "quý"
            raise self.bad(f"{what} {self.source(i, after)} không có", i, after, _PERIOD_HINTS[what])
        year, after = self.trailing_year(after)
        return _Partial(kind, value, year, i, after)

    def refuse_dangling(self, i: int, last: _Partial) -> None:
        """Refuse a bare month or quarter number after a dated one: "Quý III/2026, IV", "Quý IV/2026 - I".

        Which year is it in? Left as label text it silently dropped a milestone.
        """
        if last.year is None or last.kind not in ("month", "quarter") or i >= self.n:
            return
        if self.toks[i].kind == "n" and len(self.toks[i].text) > 2:
            return
        try:
            got = self.continuation(i, last.kind)
        except _Bad:
            return
        if got is None or got.year is not None or not (got.end >= self.n or self.toks[got.end].kind == "p"):
            return
        written = self.source(i, got.end)
        kind = "quý" if last.kind == "quarter" else "tháng"
        raise self.bad(
            f'"{written}" sau "{self.source(last.start, last.end)}" không ghi năm; ghi rõ {kind} của năm nào',
            i,
            got.end,
            f'"{self.same_period(got, str(last.year if got.number > last.number else last.year + 1))}"',
        )

    def range_sep(self, i: int) -> int | None:
        if self.punct(i, "-", "~"):
            return i + 1
        if self.word(i, "đến", "tới"):
            return i + 2 if self.word(i + 1, "hết") else i + 1
        return None

    def range_or_period(self, i: int) -> tuple[list[_Partial], int] | None:
        first = self.period(i)
        if first is None:
            return None
        items = [first]
        j = self.range_sep(first.end)
        if j is not None:
            # "Quý II-III/2026", "Tháng 5-6/2026": a bare number continues a yearless period of its kind.
            second = self.continuation(j, first.kind) if first.year is None else None
            if second is None:
                second = self.period(j)
                if (
                    second is not None
                    and first.year is None
                    and first.period is None
                    and second.kind != first.kind
                    and self.toks[j - 1].kind == "p"
                ):
                    # "Tháng 11 - 2026": Nov 2026 or Nov–Dec 2026? Only "từ tháng 3 đến hết năm 2026" says.
                    written = self.source(first.start, first.end)
                    raise self.bad(f'"{written}" thiếu năm', first.start, first.end, f'"{written}/2026"')
            if second is None:
                self.refuse_dangling(j, first)
            if second is not None:
                items.append(second)
                k = self.range_sep(second.end)
                if k is not None and self.punct(second.end, "-") and self.period(k) is not None:
                    raise self.bad("một khoảng chỉ có hai đầu mút", second.end, k, '"2026 - 2030"')
        return items, items[-1].end

    def due_list(self, i: int) -> tuple[list[list[_Partial]], int] | None:
        """list = range {("," | "và" | "&") range}: each inner list is one range (or one period)."""
        got = self.range_or_period(i)
        if got is None:
            return None
        ranges, j = [got[0]], got[1]
        while j < self.n:
            k = None
            if self.punct(j, ",", "&") or self.word(j, "và"):
                k = j + 1
            if k is None:
                break
            nxt = self.range_or_period(k)
            last = ranges[-1][-1]
            if nxt is None and last.year is None:
                cont = self.continuation(k, last.kind)
                if cont is not None:
                    nxt = ([cont], cont.end)
            if nxt is None:
                self.refuse_dangling(k, last)
                break
            first = nxt[0][0]
            if first.kind == "year" and self.toks[first.start].kind == "n" and last.kind != "year":
                # "Quý II năm 2026 và 2027": the whole year 2027, or Quý II/2027 too?
                shown = self.source(first.start, first.end)
                raise self.bad(
                    f'"{shown}" sau "{self.source(last.start, last.end)}" không rõ là cả năm {shown} '
                    "hay cùng kỳ đó của năm ấy; ghi rõ",
                    first.start,
                    first.end,
                    f'"năm {shown}" hoặc "{self.same_period(last, shown)}"',
                )
            ranges.append(nxt[0])
            j = nxt[1]
        return ranges, j

    def same_period(self, part: _Partial, year: str) -> str:
        """``part`` written again for ``year``, as a hint: "Quý II/2027", "Tháng 6/2027"."""
        if part.kind == "quarter" and part.number in _QUARTER_ROMAN:
            return f"Quý {_QUARTER_ROMAN[part.number]}/{year}"
        if part.kind == "month":
            return f"Tháng {part.number}/{year}"
        return f"{_KIND_NAMES.get(part.kind, 'kỳ').capitalize()} …/{year}"

    def resolve(self, ranges: list[list[_Partial]]) -> list[tuple[_Period, _Period | None, int, int]]:
        """Fill yearless items from the next item of the same kind (or a range's end); check ranges."""
        flat = [part for group in ranges for part in group]
        out: list[tuple[_Period, _Period | None, int, int]] = []
        for group in ranges:
            periods = []
            for part in group:
                year = None
                if part.year is None and part.period is None:
                    index = flat.index(part)
                    later = flat[index + 1 :]
                    in_range = group[group.index(part) + 1 :]
                    source = next((p for p in in_range if p.year is not None), None)
                    if source is None:
                        source = next((p for p in later if p.year is not None and p.kind == part.kind), None)
                    year = source.year if source is not None else None
                    if source is not None and source.year is not None and source not in in_range:
                        # "Tháng 12 và tháng 1/2027": December 2027 would come after the month it
                        # borrowed its year from; the writer most likely meant another year.
                        borrowed, lender = self.complete(part, year), self.complete(source)
                        if borrowed.first > lender.last:
                            written = self.source(part.start, part.end)
                            lent = self.source(source.start, source.end)
                            raise self.bad(
                                f'"{written}" không ghi năm; theo năm {year} của "{lent}" thì lại sau mốc đó',
                                part.start,
                                part.end,
                                f'"{written}/{source.year - 1}"',
                            )
                periods.append(self.complete(part, year))
            if len(periods) == 2:
                first, second = periods
                if second.last < first.last:
                    raise self.bad(
                        f'khoảng "{self.source(group[0].start, group[1].end)}" bị ngược, mốc sau sớm hơn mốc trước',
                        group[0].start,
                        group[1].end,
                        '"2026 - 2030"',
                    )
                out.append((first, second, group[0].start, group[1].end))
            else:
                out.append((periods[0], None, group[0].start, group[0].end))
        return out

    # --- due expressions -----------------------------------------------

    def qualifiers(self, i: int) -> tuple[str, int, int | None]:
        """The meaning of the qualifier words at i, the index after them, and where a second meaning
        contradicted the first ("trước thượng tuần", "trước cuối năm"), if one did."""
        mode, j, clash = "end", i, None
        while j < self.n and self.toks[j].kind == "w":
            text = self.toks[j].text
            if text in ("chậm", "muộn", "trễ") and self.word(j + 1, "nhất"):
                mode, j = ("by" if mode == "end" else mode), j + 2
                continue
            if text in ("trong", "vào", "hết", "khoảng", "là", "suốt", "đến", "tới"):
                j += 1
                continue
            if self.words(j, ("giai", "đoạn")) is not None:
                j += 2
                continue
            meaning, width = self.qualifier(j)
            if meaning is None:
                break
            if mode in _STRONG_MODES and clash is None:
                clash = j
            mode, j = (meaning if mode not in _STRONG_MODES else mode), j + width
        return mode, j, clash

    def qualifier(self, j: int) -> tuple[str | None, int]:
        """A qualifier that gives the due date its meaning at j, and its number of words."""
        text = self.toks[j].text
        if text == "cuối":
            return "last", 1
        if text == "trước" and not self.word(j + 1, "hết", "khi", "đó", "mắt", "tiên"):
            return "before", 1
        if text == "sau" and not self.word(j + 1, "khi", "đó", "này"):
            return "after", 1
        if text == "từ":
            return "from", 1
        if text == "kể" and self.word(j + 1, "từ"):
            return "from", 2
        if text == "bắt" and self.word(j + 1, "đầu") and self.word(j + 2, "từ"):
            return "from", 3
        if text in ("thượng", "trung", "hạ") and self.word(j + 1, "tuần"):
            return {"thượng": "dekad1", "trung": "dekad2", "hạ": "dekad3"}[text], 2
        if text in ("đầu", "giữa") and self.is_period_word(j + 1):
            return "vague", 1
        return None, 0

    def due(self, i: int) -> tuple[list[_Due], int] | None:
        """due = {qualifier} list [onwards], starting at token i; None if no period follows."""
        if not self.starts_free(i):
            return None
        mode, j, clash = self.qualifiers(i)
        if mode == "vague":
            word = self.toks[j - 1].text
            got = self.due_list(j)
            end = got[1] if got is not None else j + 1
            example = self.vague_hint(j)
            raise self.bad(
                f'"{self.source(j - 1, end)}" không có ngày hết hạn rõ ràng ("{word}" có thể là bất kỳ ngày nào)',
                j - 1,
                end,
                example,
            )
        got = self.due_list(j)
        if got is None:
            return None
        ranges, end = got
        if not self.boundary(end):
            return None
        if clash is not None:
            raise self.bad(
                f'"{self.source(i, j)}": hai từ chỉ thời hạn trái nghĩa nhau; giữ một', clash, j, '"Trước Quý III/2026"'
            )
        if mode in ("before", "after") and any(len(group) > 1 for group in ranges):
            word = self.toks[j - 1].text
            reason = f'"{self.source(i, end)}": "{word}" với một khoảng không rõ ràng; ghi một mốc'
            raise self.bad(reason, i, end, '"Trước Quý III/2026"')
        only = ranges[0][0]
        if (
            j == i
            and len(ranges) == 1
            and len(ranges[0]) == 1
            and only.kind == "year"
            and only.end == only.start + 1
            and self.is_label_word(end)
            and not self.starts_marker(end)
        ):
            return None  # "2000 căn": a bare number before a noun is a quantity
        resolved = self.resolve(ranges)
        # "từ tháng 3 đến hết năm 2026" is a range after "từ": due at its end.
        onwards = self.onwards(end)
        if onwards is not None:
            end, mode = onwards, "after" if mode in ("end", "from") else mode
        return self.meanings(mode, resolved, i, j), end

    def vague_hint(self, j: int) -> str:
        try:
            got = self.due_list(j)
        except _Bad:
            got = None
        if got is not None:
            first = got[0][0][0]
            try:
                period = self.complete(first, first.year)
            except _Bad:
                period = None
            if period is not None:
                if period.kind == "year":
                    return f'"Quý I/{period.first.year}" hoặc "Tháng 3/{period.first.year}"'
                if period.kind == "quarter":
                    return f'"Tháng {period.first.month}/{period.first.year}"'
                if period.kind == "month":
                    return (
                        f'"10/{period.first.month}/{period.first.year}" hoặc "thượng tuần {period.canonical.lower()}"'
                    )
        return '"Quý I/2026" hoặc "Tháng 3/2026"'

    def onwards(self, i: int) -> int | None:
        j = i + 1 if self.punct(i, ",") else i
        for phrase in (("trở", "đi"), ("trở", "về", "sau")):
            end = self.words(j, phrase)
            if end is not None:
                return end
        k = j + 1 if self.word(j, "và") else j
        if self.word(k, "các", "những") and self.plain(k + 1, "nam"):
            end = self.words(k + 2, ("tiếp", "theo"))
            if end is None and self.word(k + 2, "sau"):
                end = k + 3
                end = k + 4 if self.word(end, "đó") else end
            return end
        return None

    def meanings(
        self, mode: str, resolved: list[tuple[_Period, _Period | None, int, int]], start: int, body: int
    ) -> list[_Due]:
        dues: list[_Due] = []
        if mode in ("before", "after") and len(resolved) > 1:
            word = self.toks[start].text if start < body else ""
            raise self.bad(
                f'"{word}" với nhiều mốc không rõ ràng; tách thành từng mốc', start, body, '"Trước Quý III/2026"'
            )
        for first, second, _a, _b in resolved:
            last = second or first
            canonical = last.canonical if second is None else f"{first.canonical} - {last.canonical}"
            if mode in ("end", "by", "last"):
                rule = "hết khoảng" if second else f"hết {_KIND_NAMES[last.kind]}"
                dues.append(
                    _Due(
                        _Period("range", first.first, last.last, canonical) if second else first,
                        last.last,
                        rule,
                        canonical,
                    )
                )
            elif mode == "before":
                if first.kind == "day":
                    dues.append(_Due(first, first.last, "trước ngày: chính ngày đó", f"{first.last:%d/%m/%Y}"))
                else:
                    when = first.first - timedelta(days=1)
                    dues.append(
                        _Due(
                            first, when, f"trước {_KIND_NAMES[first.kind]}: ngày cuối của kỳ trước", f"{when:%d/%m/%Y}"
                        )
                    )
            elif mode in ("after", "from"):
                if mode == "from" and second is not None:
                    dues.append(
                        _Due(_Period("range", first.first, last.last, canonical), last.last, "hết khoảng", canonical)
                    )
                else:
                    word = "Sau" if mode == "after" else "Từ"
                    rule = (
                        "sau: không có hạn, không bao giờ quá hạn"
                        if mode == "after"
                        else "từ: không có hạn, không bao giờ quá hạn"
                    )
                    dues.append(_Due(first, None, rule, f"{word} {canonical[0].lower()}{canonical[1:]}"))
            else:  # dekads
                if first.kind != "month" or second is not None:
                    raise self.bad(
                        f'"{self.source(start, body)}" chỉ dùng với một tháng',
                        start,
                        body,
                        '"thượng tuần tháng 3/2026"',
                    )
                day = {"dekad1": 10, "dekad2": 20}.get(mode, first.last.day)
                when = first.first.replace(day=day)
                name = {
                    "dekad1": "thượng tuần: ngày 10",
                    "dekad2": "trung tuần: ngày 20",
                    "dekad3": "hạ tuần: ngày cuối tháng",
                }[mode]
                dues.append(_Due(first, when, name, f"{when:%d/%m/%Y}"))
        return dues

    # --- markers, citations, quantities --------------------------------

    def ongoing(self, i: int) -> int | None:
        """Index after an ongoing marker at i ("thường xuyên", "liên tục", "hằng ngày", "định kỳ")."""
        if i >= self.n or self.toks[i].text not in _ONGOING_FIRST:
            return None
        for phrase in (
            ("thường", "xuyên"),
            ("liên", "tục"),
            ("hằng", "ngày"),
            ("hàng", "ngày"),
            ("hằng", "tuần"),
            ("hàng", "tuần"),
        ):
            end = self.words(i, phrase)
            if end is not None:
                return end
        if self.words(i, ("định", "kỳ")) is not None and not self.periodic(i):
            return i + 2
        return None

    def periodic(self, i: int) -> tuple[int, int] | None:
        """(months per period, index after) for "hằng quý", "định kỳ 6 tháng", "hằng năm"…"""
        if i >= self.n or self.toks[i].text not in _PERIODIC_FIRST:
            return None
        j = i
        if self.words(j, ("định", "kỳ")) is not None:
            j += 2
            every = self.digits(j)
            if every is None and j < self.n and self.toks[j].text in _SPELLED:
                every = _SPELLED[self.toks[j].text]
            if every is not None and self.plain(j + 1, "thang"):
                return every, j + 2
        if self.word(j, "hằng", "hàng", "mỗi"):
            j += 1
        elif j == i:
            return None
        if self.word(j, "năm"):
            return 12, j + 1
        if self.word(j, "quý", "quí"):
            return 3, j + 1
        if self.word(j, "tháng"):
            return 1, j + 1
        return None

    def per_times(self, i: int) -> tuple[int, int] | None:
        """(months per period, index after) for "6 tháng/lần", "3 tháng một lần" (= "định kỳ N tháng")."""
        every = self.digits(i)
        if every is None or not self.word(i + 1, "tháng"):
            return None
        j = i + 2
        if self.punct(j, "/") or self.word(j, "một") or self.digits(j) == 1:
            j += 1
        else:
            return None
        return (every, j + 1) if self.word(j, "lần") and self.boundary(j + 1) else None

    def periodic_dues(self, every: int, start: int, end: int, written_year: int | None = None) -> list[_Due]:
        written = self.source(start, end)
        if every not in (1, 2, 3, 4, 6, 12):
            raise self.bad(f'"{written}": {every} tháng không chia đều một năm', start, end, '"Định kỳ 6 tháng"')
        if self.year is None and written_year is None:
            raise self.bad(
                f'thời hạn định kỳ "{written}" cần năm của chương trình (trường year trong programme.yaml)',
                start,
                end,
                'ghi rõ các mốc, ví dụ "Quý I, II, III, IV/2026"',
            )
        year = written_year if written_year is not None else self.year
        assert year is not None
        dues = []
        for last_month in range(every, 13, every):
            if every == 12:
                period = _year_period(year)
            elif every == 3:
                period = _quarter_period(year, last_month // 3)
            elif every == 1:
                period = _month_period(year, last_month)
            else:
                first = date(year, last_month - every + 1, 1)
                name = (
                    f"Tháng {first.month}-{last_month}/{year}"
                    if every != 6
                    else f"6 tháng {'đầu' if last_month == 6 else 'cuối'} năm {year}"
                )
                period = _Period("months", first, _last_day(year, last_month), name)
            dues.append(_Due(period, period.last, f"định kỳ: hết mỗi kỳ trong năm {year}", period.canonical))
        return dues

    def citation(self, i: int) -> int | None:
        """Index after a document citation at i: "Thông tư 05/2026/TT-BXD", "Kế hoạch số 218/KH-UBND ngày 26/8/2025"."""
        j = None
        if self.toks[i].text not in _DOC_FIRST:
            return None
        for doc in _DOC_TYPES:
            j = self.words(i, doc)
            if j is not None:
                break
        if j is None:
            j = i if self.word(i, "số") else None
        if j is None:
            return None
        numbered = self.word(j, "số")
        if numbered:
            j += 1
        elif self.toks[i].text in ("luật", "pháp", "bộ"):
            named = self.law_name(j)
            if named is not None:
                return named
        end = self.group_end(j)
        if end == j:
            return None
        if not numbered and not self.is_symbol(j, end):
            return None
        if not numbered:
            try:
                period = self.due(j)
            except _Bad:
                period = None
            if period is not None:
                return None  # "Báo cáo QII/2026": a period after the document's name, not its symbol
        if self.word(end, "ngày"):
            try:
                day = self.day_words(end)
            except _Bad:
                day = None
            if day is not None:
                return day.end
        return end

    def law_name(self, j: int) -> int | None:
        """End of "Đất đai 2024" after "Luật": a law is named with its year, which is no deadline."""
        k = j
        while k < j + 5 and self.is_label_word(k) and not self.starts_marker(k):
            k += 1
        if k == j:
            return None
        if self.word(k, "năm"):
            k += 1
        if self.digits(k, size=(4, 4)) is not None and self.boundary(k + 1):
            return k + 1
        return None

    def group_end(self, i: int) -> int:
        """End of the glued run of tokens at i that holds a number ("05/2026/TT-BXD"), or i."""
        j = i
        has_number = False
        while j < self.n and (j == i or self.toks[j].glued) and not (j > i and self.boundary(j)):
            has_number = has_number or self.toks[j].kind == "n"
            j += 1
        return j if has_number else i

    def is_symbol(self, i: int, end: int) -> bool:
        """A document symbol: numbers glued to letters by "/" or "-" ("88/2026/QH15", "57-NQ/TW")."""
        texts = [tok.text for tok in self.toks[i:end]]
        has_sep = any(t in ("/", "-") for t in texts)
        has_letters = any(tok.kind == "w" and len(tok.text) >= 2 for tok in self.toks[i:end])
        return has_sep and has_letters

    def quantity(self, i: int, part_start: int) -> int | None:
        """Index after a quantity or number label at i: "2000 căn", "bến 7-8", "Đợt 2", "100%", "1." bullets."""
        j = i
        while j < self.n and (j == i or self.toks[j].glued):
            tok = self.toks[j]
            if tok.kind == "n" or (
                tok.kind == "p" and tok.text in ".,-" and self.glued(j + 1) and self.toks[j + 1].kind == "n"
            ):
                j += 1
                continue
            break
        if self.punct(j, "%") and self.glued(j):
            return j + 1
        if not self.boundary(j) and not self.punct(j, ")"):
            return None
        if i == part_start and self.punct(j, ".", ")") and self.glued(j):
            return j + 1  # "1. Khởi công …"
        numbers = [tok for tok in self.toks[i:j] if tok.kind == "n"]
        year_like = len(numbers) == 1 and len(numbers[0].text) == 4 and MIN_YEAR <= int(numbers[0].text) <= MAX_YEAR
        follows = j
        while self.punct(follows, ")") and follows < self.n:
            follows += 1
        if self.is_label_word(follows) and not self.starts_marker(follows):
            return j  # "2000 căn", "09 km"
        before = i - 1
        if (
            before >= part_start
            and self.is_label_word(before)
            and not year_like
            and not any(len(t.text) > 3 for t in numbers)
        ):
            if self.is_period_word(follows) and self.toks[before].text not in _ORDINAL_NOUNS:
                return None  # "Hoàn thành 15 tháng 8": a day without "ngày" — refused, not guessed
            return j  # "bến 7-8", "Đợt 2"
        return None

    def starts_marker(self, i: int) -> bool:
        return self.ongoing(i) is not None or self.periodic(i) is not None

    # --- a part --------------------------------------------------------

    def refuse_changes(self, i: int) -> None:
        if self.toks[i].text not in _CHANGE_FIRST:
            return
        for verb in (("lùi",), ("điều", "chỉnh"), ("dời",), ("chuyển",), ("gia", "hạn"), ("lui",)):
            j = self.words(i, verb)
            if j is not None and self.word(j, "sang", "đến", "tới", "lại", "xuống"):
                k = j + 1
                try:
                    got = self.due(k)
                except _Bad:
                    got = None
                if got is not None:
                    raise self.bad(
                        f'"{self.source(i, got[1])}" là thời hạn đã điều chỉnh, không đọc thành mốc',
                        i,
                        j + 1,
                        _EXTENSION_HINT,
                    )

    def part(self, a: int, b: int) -> list[_Anchor]:
        """part = {item}: the anchors of tokens [a, b); every other token is label text or refused."""
        anchors: list[_Anchor] = []
        unattached: int | None = None  # a "trước"/"sau" left in the label text
        i = a
        saved_n = self.n
        self.n = b
        try:
            while i < b:
                tok = self.toks[i]
                if tok.kind == "w":
                    if tok.text == "hoặc":
                        self.refuse_or(i, anchors, a)
                        i += 1
                        continue
                    self.refuse_changes(i)
                    end = self.ongoing(i)
                    if end is not None:
                        anchors.append(self.ongoing_anchor(i, end))
                        i = anchors[-1].end
                        continue
                    every = self.periodic(i)
                    if every is not None:
                        # "Hằng quý năm 2026": the year written wins over the programme's
                        k = every[1] + 1 if self.word(every[1], "trong") else every[1]
                        year = self.year_at(k + 1) if self.word(k, "năm") else None
                        end = k + 2 if year is not None and self.boundary(k + 2) else every[1]
                        dues = self.periodic_dues(every[0], i, every[1], year if end > every[1] else None)
                        anchors.append(_Anchor(i, end, dues, ongoing_label=False))
                        i = end
                        continue
                got = self.due(i) if tok.kind != "p" or tok.text in _OPENERS else None
                if got is not None:
                    anchors.append(_Anchor(i, got[1], got[0], ongoing_label=False))
                    i = got[1]
                    continue
                if tok.kind == "w":
                    cited = self.citation(i)
                    if cited is not None:
                        self.account(i, cited, "citation")
                        i = cited
                        continue
                    if self.is_period_word(i) and not self.compound(i):
                        raise self.period_word_error(i, anchors)
                    if self.is_symbol(i, self.group_end(i)):
                        self.account(i, self.group_end(i), "citation")
                        i = self.group_end(i)
                        continue
                    if self.plain(i, "am") and self.plain(i + 1, "lich"):
                        # "Ngày 15 tháng 7 năm 2026 âm lịch" is late August: a lunar date read as a
                        # solar one would be weeks early.
                        raise self.bad(
                            "ngày theo âm lịch; thời hạn phải ghi theo dương lịch", i, i + 2, '"ngày 27/8/2026"'
                        )
                    if unattached is None and self.unattached_relation(i):
                        unattached = i
                    i += 1
                    continue
                if tok.kind == "n":
                    every = self.per_times(i)
                    if every is not None:
                        dues = self.periodic_dues(every[0], i, every[1])
                        anchors.append(_Anchor(i, every[1], dues, ongoing_label=False))
                        i = every[1]
                        continue
                    if self.glued(i) and i > a and self.toks[i - 1].kind == "w":
                        # digits glued to a word: "QH15", "Đợt2"; the run is a symbol or a label
                        end = max(self.group_end(i), i + 1)
                        self.account(i, end, "symbol")
                        i = end
                        continue
                    symbol_end = self.group_end(i)
                    if self.is_symbol(i, symbol_end):  # "123/QĐ-UBND": a document's symbol, not a date
                        self.account(i, symbol_end, "citation")
                        i = symbol_end
                        continue
                    qty = self.quantity(i, a)
                    if qty is not None:
                        self.account(i, qty, "quantity")
                        i = qty
                        continue
                    raise self.number_error(i)
                i += 1
            anchors = self.periodic_from_start(anchors)
            if unattached is not None and any(due.due is not None for anchor in anchors for due in anchor.dues):
                # "Trước Tết Nguyên đán 2027", "Trước kỳ họp HĐND cuối năm 2026": the deadline is
                # relative to an event the text does not date; the period alone would be a later date.
                word = self.source(unattached, unattached + 1)
                before = self.qualifier(unattached)[0] == "before"
                raise self.bad(
                    f'"{word}" gắn với một sự kiện không có ngày, không gắn với mốc nào; ghi rõ mốc',
                    unattached,
                    hint='"Trước 31/1/2027" hoặc "Quý I/2027"' if before else '"Quý I/2027"',
                )
        finally:
            self.n = saved_n
        return anchors

    def periodic_from_start(self, anchors: list[_Anchor]) -> list[_Anchor]:
        """Periodic milestones start where the part says the work starts: "Hằng quý, từ Quý II/2026" (or
        "từ tháng 6 đến tháng 12/2026, hằng tháng") has no earlier milestone, overdue before the work began."""
        starts = [
            due.period.first
            for anchor in anchors
            for due in anchor.dues
            if due.period is not None
            and ((due.due is None and due.rule.startswith(("từ:", "sau:"))) or due.rule == "hết khoảng")
        ]
        if not starts:
            return anchors
        start = min(starts)
        kept: list[_Anchor] = []
        for anchor in anchors:
            if any(due.rule.startswith("định kỳ") for due in anchor.dues):
                dues = [due for due in anchor.dues if due.period is None or due.period.last >= start]
                if not dues:
                    raise self.bad(
                        f'"{self.source(anchor.start, anchor.end)}": mọi kỳ đều trước mốc bắt đầu; ghi rõ các mốc',
                        anchor.start,
                        anchor.end,
                        '"Quý II, III, IV/2026"',
                    )
                anchor = anchor._replace(dues=dues)
            kept.append(anchor)
        return kept

    def unattached_relation(self, i: int) -> bool:
        """ "trước"/"sau" that read as before/after something but were not part of a due."""
        meaning, _ = self.qualifier(i)
        if meaning not in ("before", "after"):
            return False
        # "trước sau như một": an idiom, not a relation in time
        return not (self.word(i + 1, "sau") or self.word(i - 1, "trước"))

    def account(self, start: int, end: int, kind: str) -> None:
        self.accounted.append((self.toks[start].start, self.toks[end - 1].end, kind))

    def compound(self, i: int) -> bool:
        tok = self.toks[i].text
        after = self.toks[i + 1].text if i + 1 < self.n and self.toks[i + 1].kind == "w" else ""
        before = self.toks[i - 1].text if i > 0 and self.toks[i - 1].kind == "w" else ""
        if (tok, after) in _COMPOUNDS or (before, tok) in _COMPOUNDS:
            return True
        # "Q", "H" alone are period words only before a number or a year
        if tok in _LETTER_PERIODS:
            numbered = self.is_number_like_at(i + 1) or self.spelled_follows(i + 1) or self.punct(i + 1, ".", "/")
            return not numbered
        # "các năm", "hằng năm" handled as markers; "năm học 2026-2027" is refused below
        return False

    def ongoing_anchor(self, i: int, end: int) -> _Anchor:
        # "thường xuyên, liên tục": one marker
        while True:
            k = end + 1 if self.punct(end, ",") else end
            k = k + 1 if self.word(k, "và") else k
            nxt = self.ongoing(k)
            if nxt is None:
                break
            end = nxt
        # "Thường xuyên trong năm 2026": the period is the scope of the ongoing work, no due date.
        if self.word(end, "trong", "suốt"):
            got = self.due(end)
            if got is not None:
                end = got[1]
        return _Anchor(i, end, [_Due(None, None, "thường xuyên: không có hạn", "Thường xuyên")], ongoing_label=True)

    def refuse_or(self, i: int, anchors: list[_Anchor], a: int) -> None:
        before = i - 1
        while before >= a and self.toks[before].kind == "p":
            before -= 1
        next_due = None
        try:
            next_due = self.due(i + 1)
        except _Bad:
            next_due = None
        if (anchors and anchors[-1].end - 1 == before and not anchors[-1].ongoing_label) or next_due is not None:
            raise self.bad('"hoặc" giữa hai thời hạn không cho biết mốc nào; chọn một mốc', i, hint='"Quý II/2026"')

    def period_word_error(self, i: int, anchors: list[_Anchor]) -> _Bad:
        tok = self.toks[i]
        key = _hint_key(tok.text, tok.plain)
        hint = _PERIOD_HINTS.get(key, _DEADLINE_FORMS)
        if tok.text in ("năm",) and self.word(i + 1, "học"):
            return self.bad('"năm học" không phải năm dương lịch; ghi rõ mốc', i, i + 2, '"Tháng 5/2027"')
        if i > 0 and self.toks[i - 1].kind == "n" and not (anchors and anchors[-1].end == i):
            return self.bad(
                f'"{self.source(i - 1, i + 1)}" là một khoảng thời gian, không phải mốc; ghi rõ mốc', i - 1, i + 1, hint
            )
        return self.bad(f'"{self.source(i, i + 1)}" không thuộc mốc thời gian nào', i, hint=hint)

    def number_error(self, i: int) -> _Bad:
        end = max(self.group_end(i), i + 1)
        written = self.source(i, end)
        if self.plain(end, "thang", "nam", "ngay", "tuan", "quy"):
            word = self.toks[end].text
            if word == "tháng" and self.digits(i) is not None and self.number(end + 1) is not None:
                return self.bad(
                    f'số "{written}" trước "tháng" không rõ là ngày hay số thứ tự',
                    i,
                    end,
                    f'"ngày {written} tháng …" hoặc "Đợt {written}, tháng …"',
                )
            return self.bad(
                f'"{written} {word}" là một khoảng thời gian, không phải mốc; ghi rõ mốc',
                i,
                end + 1,
                _PERIOD_HINTS.get(word, _DEADLINE_FORMS),
            )
        if "/" in written or "." in written or "-" in written:
            return self.bad(
                f'"{written}" không phải ngày, tháng hay quý có năm', i, end, '"30/6/2026", "6/2026" hoặc "Quý II/2026"'
            )
        if len(written) == 4 and written.isdigit():
            return self.bad(
                f'số "{written}" đứng một mình không rõ là năm hay số lượng',
                i,
                end,
                f'"năm {written}" hoặc kèm đơn vị ("{written} căn")',
            )
        return self.bad(
            f'số "{written}" không thuộc mốc thời gian nào', i, end, '"năm 2026" hoặc kèm đơn vị ("2000 căn")'
        )


# Qualifiers that decide the due date; two of them on one period contradict each other.
_STRONG_MODES = frozenset({"before", "after", "from", "dekad1", "dekad2", "dekad3", "vague", "last"})


def _hint_key(text: str, plain: str) -> str:
    """The period word a refused word is (or starts with), for its hint: "quýmột" → "quý", "T0" → "t"."""
    if text in _PERIOD_HINTS:
        return text
    unaccented = {"quy": "quý", "qui": "quý", "thang": "tháng", "nam": "năm", "ngay": "ngày", "tuan": "tuần"}
    if plain in unaccented:
        return unaccented[plain]
    return next((word for word in _PERIOD_PREFIXES if text.startswith(word)), text[:1])


_KIND_NAMES = {
    "day": "ngày",
    "week": "tuần",
    "month": "tháng",
    "quarter": "quý",
    "half": "nửa năm",
    "months": "các tháng",
    "year": "năm",
    "range": "khoảng",
}


# ---------------------------------------------------------------------------
# Labels (unchanged from the regex parser: the shipped labels stay the same)

_EDGE_PUNCT = frozenset(" \t\r\n\u00a0-–—•*+.,;:·…")
_EDGE_WORDS = (
    r"(?:đến|tới|hết|trong|vào|trước|ngày|năm|từ|kể\s+từ|và|khoảng|thời\s+hạn|giai\s+đoạn(?!\s+(?:\d+|[ivx]+)(?!\w))"
    r"|sau\s+đó|đồng\s+thời|chậm\s+nhất|muộn\s+nhất|trễ\s+nhất)"
)
_LEAD_WORD = rf"{_EDGE_WORDS}(?!\w)"
_TRAIL_WORD = rf"(?<!\w){_EDGE_WORDS}$"


def _light(text: str) -> str:
    """``text`` without bullets and edge punctuation, one space between words."""
    start, end = 0, len(text)
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return " ".join(text[start:end].split())


def _clean(orig: str, key: str, start: int, end: int) -> str:
    """Label from ``orig[start:end]`` without edge punctuation and connecting words."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and key[start] in _EDGE_PUNCT:
            start += 1
        while end > start and key[end - 1] in _EDGE_PUNCT:
            end -= 1
        lead = _compiled(_LEAD_WORD).match(key, start, end)
        if lead is not None:
            start, changed = lead.end(), True
        trail = _compiled(_TRAIL_WORD).search(key[start:end])
        if trail is not None:
            end, changed = start + trail.start(), True
    return " ".join(orig[start:end].split())


def _balanced(label: str) -> str:
    """``label`` without a bracket left open or closed at its edges ("(", ") kết quả"); "" if no word is left."""
    pairs = {"(": ")", "[": "]"}
    previous = None
    while label and label != previous:
        previous = label
        first, last = label[0], label[-1]
        if first in pairs.values() or (first in pairs and label.count(first) > label.count(pairs[first])):
            label = label[1:].strip()
        elif last in pairs or any(last == close and label.count(close) > label.count(o) for o, close in pairs.items()):
            label = label[:-1].strip()
    return label if any(ch.isalnum() for ch in label) else ""


def _labels(parser: _Parser, anchors: list[_Anchor], a: int, b: int) -> list[str]:
    """One label per anchor, from the words before or after it (as the regex parser did)."""
    toks = parser.toks
    orig, key = parser.text, parser.key
    part_start = toks[a].start
    part_end = toks[b - 1].end
    spans = [(toks[x.start].start, toks[x.end - 1].end) for x in anchors]
    count = len(anchors)
    starts = [s for s, _ in spans] + [part_end]
    ends = [part_start] + [e for _, e in spans]
    whole = _light(orig[part_start:part_end])
    labels: list[str]
    # "Quý I/2026 và hoàn thành trước 30/6/2026": words after "và" name the next milestone.
    forward = count > 1 and _compiled(r"[\s(),;:.-]*và(?!\w)").match(key, spans[0][1], spans[1][0]) is not None
    if forward or _clean(orig, key, part_start, spans[0][0]):
        labels = []
        for index, anchor in enumerate(anchors):
            if anchor.ongoing_label:
                labels.append(_clean(orig, key, ends[index], spans[index][1]))
            else:
                labels.append(_clean(orig, key, ends[index], starts[index]))
        if _clean(orig, key, spans[-1][1], part_end):
            tail = _light(orig[spans[-1][1] : part_end])
            labels[-1] = whole if count == 1 else f"{labels[-1]} {tail}".strip()
    else:
        labels = []
        for index, anchor in enumerate(anchors):
            if anchor.ongoing_label:
                labels.append(_clean(orig, key, spans[index][0], starts[index + 1]))
            else:
                labels.append(_clean(orig, key, ends[index + 1], starts[index + 1]))
    for index, label in enumerate(labels):
        label = labels[index] = _balanced(label)
        if not label:
            labels[index] = whole if count == 1 else " ".join(orig[spans[index][0] : spans[index][1]].split())
    return labels


# ---------------------------------------------------------------------------
# Entry points


# A line ending in one of these, or the next starting with one, goes on: the break wraps a phrase
# ("Quý I/2026 -⏎Quý II/2026", "Từ tháng 6/2026⏎đến tháng 12/2026"), it does not start a new part.
# A line starting with "-" or "+" is a bullet: a new part ("Năm 2026⏎- Năm 2027" is two years, no range).
_LINE_JOINERS = frozenset({"-", ",", "&", "/", "và", "đến", "tới", "từ", "hoặc"})
_LINE_CONTINUERS = frozenset({",", "và", "đến", "tới", "hoặc"})


def _continues(before: _Tok, after: _Tok) -> bool:
    return before.text in _LINE_JOINERS or after.text in _LINE_CONTINUERS


def _split_parts(toks: list[_Tok], key: str) -> list[tuple[int, int]]:
    """Token ranges of the parts: split at ";" and at line breaks."""
    parts: list[tuple[int, int]] = []
    start = 0
    for index, tok in enumerate(toks):
        gap = key[toks[index - 1].end : tok.start] if index else ""
        newline = "\n" in gap or "\r" in gap
        if tok.kind == "p" and tok.text == ";":
            parts.append((start, index))
            start = index + 1
        elif newline and index > start and not _continues(toks[index - 1], tok):
            parts.append((start, index))
            start = index
    parts.append((start, len(toks)))
    return [(a, b) for a, b in parts if any(t.kind != "p" for t in toks[a:b])]


def read_deadline(text: str, *, year: int | None = None) -> list[Reading]:
    """How a "Thời hạn" cell reads: one Reading per milestone; [] for a blank cell.

    ``year`` is the programme's year, needed by periodic markers ("Hằng quý"). Raises
    DeadlineError, with the offset of the word refused, for anything that is not a deadline.
    """
    if not isinstance(text, str):
        raise DeadlineError(repr(text), "không phải văn bản")
    if len(text) > MAX_LENGTH:
        raise DeadlineError(text, f"dài quá {MAX_LENGTH} ký tự")
    orig = _nfc(text)
    key = _fold(orig)
    toks = _tokens(key)
    parser = _Parser(orig, key, toks, year)
    parts = _split_parts(toks, key)
    readings: list[Reading] = []
    try:
        for a, b in parts:
            anchors = parser.part(a, b)
            if not anchors:
                if len(parts) == 1:
                    raise _Bad("")
                words = _light(orig[toks[a].start : toks[b - 1].end])
                raise _Bad(f'phần "{words}" không có mốc thời gian', a, b)
            labels = _labels(parser, anchors, a, b)
            for anchor, label in zip(anchors, labels, strict=True):
                start, end = parser.span(anchor.start, anchor.end)
                words = " ".join(orig[start:end].split())
                many = len(anchor.dues) > 1
                for due in anchor.dues:
                    shown = (
                        f"{label} ({due.canonical})" if many and label != words else (due.canonical if many else label)
                    )
                    ongoing = due.due is None
                    milestone = Milestone(label=shown, due=due.due, ongoing=ongoing)
                    period = due.period.canonical if due.period is not None else ""
                    readings.append(Reading(milestone, period, due.rule, words, start, end, due.canonical))
    except _Bad as exc:
        offset = length = None
        if exc.start is not None:
            end_tok = exc.end if exc.end is not None else exc.start + 1
            end_tok = min(max(end_tok, exc.start + 1), len(toks))
            offset = toks[exc.start].start
            length = toks[end_tok - 1].end - offset
        raise DeadlineError(text, exc.reason, offset=offset, length=length or 0, hint=exc.hint) from None
    return readings


def _accounted(text: str, *, year: int | None = None) -> list[tuple[int, int, str]]:
    """Spans of an accepted cell read as citations, symbols or quantities (for the grammar's tests)."""
    orig = _nfc(text)
    key = _fold(orig)
    toks = _tokens(key)
    parser = _Parser(orig, key, toks, year)
    for a, b in _split_parts(toks, key):
        parser.part(a, b)
    return parser.accounted


def parse_deadline(text: str, *, year: int | None = None) -> list[Milestone]:
    """Milestones named by a "Thời hạn" cell; [] for a blank cell.

    ``year`` (the programme's year) is needed only by periodic markers such as "Hằng quý".
    Raises DeadlineError for anything that is not a deadline.
    """
    if not isinstance(text, str):
        read_deadline(text, year=year)  # refuses it, saying why
    return list(_milestones_of(text, year))


@functools.lru_cache(maxsize=4096)
def _milestones_of(text: str, year: int | None) -> tuple[Milestone, ...]:
    # Read once per text and year: a programme's tasks share a few hundred deadline texts ("Quý II/2026",
    # "Thường xuyên"), and checking 10,000 files read each again. Milestones are frozen; a refusal
    # (DeadlineError) is not kept, so it is raised afresh each time.
    return tuple(reading.milestone for reading in read_deadline(text, year=year))


# ---------------------------------------------------------------------------
# Single periods (command-line options)

_QUARTER_KINDS = frozenset({"quarter"})
_MONTH_KINDS = frozenset({"month"})
_DATE_KINDS = frozenset({"day"})


def _spec_match(spec: str, kinds: frozenset[str], what: str, forms: str) -> tuple[date, date]:
    """First and last day of ``spec``, exactly one period of ``kinds`` and nothing else."""
    if not isinstance(spec, str) or len(spec) > MAX_LENGTH:
        raise DeadlineError(str(spec)[:MAX_LENGTH], what=what, forms=forms)
    orig = _nfc(spec)
    key = _fold(orig)
    toks = _tokens(key)
    parser = _Parser(orig, key, toks, None)
    try:
        part = parser.period(0) if toks else None
        if part is None and kinds is _QUARTER_KINDS and toks and toks[0].kind == "w":
            part = parser.roman_quarter(0)
        if part is None or part.kind not in kinds or part.end != len(toks):
            raise DeadlineError(spec, what=what, forms=forms)
        period = parser.complete(part)
    except _Bad as exc:
        raise DeadlineError(spec, exc.reason, what=what, forms=forms) from None
    return period.first, period.last


def parse_quarter(spec: str) -> tuple[date, date]:
    """First and last day of a quarter written "Quý II/2026", "II/2026", "Q2/2026" or "2026-Q2"."""
    return _spec_match(spec, _QUARTER_KINDS, "quý", _QUARTER_FORMS)


def parse_month(spec: str) -> tuple[date, date]:
    """First and last day of a month written "Tháng 3/2026", "3/2026" or "2026-03"."""
    return _spec_match(spec, _MONTH_KINDS, "tháng", _MONTH_FORMS)


def parse_date(spec: str) -> date:
    """A day written "30/6/2026", "30/06/2026" or "2026-06-30"."""
    plain = plain_iso_day(spec)
    return plain if plain is not None else _spec_match(spec, _DATE_KINDS, "ngày", _DATE_FORMS)[0]
