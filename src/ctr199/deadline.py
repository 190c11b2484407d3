"""Turn a free-text Vietnamese "Thời hạn" cell into dated milestones.

A phrase such as "Khởi công Quý I năm 2026; Hoàn thành trong năm 2028" becomes one
milestone per period it names, each due on the last day of that period.
"""

import calendar
import functools
import re
import unicodedata
from datetime import date
from typing import NamedTuple

from ctr199.models import Milestone  # defined with the other models; imported from here too
from ctr199.text import TONE_MARKS, nfc

__all__ = [
    "MAX_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "DeadlineError",
    "Milestone",
    "month_end",
    "parse_date",
    "parse_deadline",
    "parse_month",
    "parse_quarter",
    "quarter_end",
]

MIN_YEAR = 2000
MAX_YEAR = 2100
# A real cell is a line or two; the cap keeps every regex pass cheap on pasted junk.
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
    """Text that is not a deadline; ``phrase`` holds it, ``str()`` says what forms work."""

    def __init__(
        self,
        phrase: str,
        reason: str = "",
        *,
        what: str = "thời hạn",
        forms: str = _DEADLINE_FORMS,
    ) -> None:
        self.phrase = phrase
        self.reason = reason
        detail = f": {reason}; " if reason else ": "
        message = f'không hiểu {what} "{_shown(phrase)}"{detail}dùng dạng {forms}'
        super().__init__(" ".join(message.split()))


class _Bad(Exception):
    """A recognised form with an impossible value; carries the Vietnamese reason."""


# ---------------------------------------------------------------------------
# Matching key

# Old and new orthography put the tone on different letters of these pairs
# ("hoá"/"hóa", "thuỷ"/"thủy", "qúy"/"quý"); the key always puts it on the second.
_TONE_PAIRS = {"o": "ae", "u": "y"}


def _nfc(text: str) -> str:
    """NFC ``text`` with invisible format characters (zero-width space, soft hyphen) as spaces."""
    # Cells pasted from Word or Excel carry them between "Quý" and "II"; a space keeps
    # the words apart and the text index-aligned with its key.
    return "".join(" " if unicodedata.category(char) == "Cf" else char for char in nfc(text))


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    # The key must stay index-aligned with the text so spans map back to labels.
    return lowered if len(lowered) == 1 else char


def _fold(text: str) -> str:
    """Matching key of NFC ``text``: same length, casefolded, tone placement fixed."""
    chars = [_fold_char(char) for char in text]
    for i in range(len(chars) - 1):
        parts = unicodedata.normalize("NFD", chars[i])
        if len(parts) == 2 and parts[1] in TONE_MARKS and chars[i + 1] in _TONE_PAIRS.get(parts[0], ""):
            chars[i] = parts[0]
            chars[i + 1] = unicodedata.normalize("NFC", chars[i + 1] + parts[1])
    return "".join(chars)


# ---------------------------------------------------------------------------
# Period forms. Every quantifier is either bounded or over one character class
# followed by a fixed token, so matching stays linear-ish on any input.
# Patterns are kept as text and compiled on first use: compiling the whole grammar
# takes ~5 ms, which a command that only reads `--as-of` should not pay.

_QUY = "(?:quý|quy)"
_THANG = "(?:tháng|thang)"
_NAM = "(?:năm|nam)"
_D2 = "[0-9]{1,2}"
_D4 = "[0-9]{4}"
_SEP = rf"(?:\s*[/-]\s*|\s*,?\s*{_NAM}\s+|\s+)"
_NB = "(?<![0-9])"
_NA = "(?![0-9])"

_FORMS = {
    "iso": rf"{_NB}(?P<iso_y>{_D4})-(?P<iso_m>{_D2})-(?P<iso_d>{_D2}){_NA}",
    "dmy": (rf"{_NB}(?P<dmy_d>{_D2})(?P<dmy_sep>[/.-])(?P<dmy_m>{_D2})(?P=dmy_sep)(?P<dmy_y>{_D4}){_NA}"),
    # "30 tháng 6 năm 2026"
    "vd": (
        rf"{_NB}(?P<vd_d>{_D2})\s*{_THANG}\s*(?P<vd_m>{_D2})"
        rf"(?:\s*,?\s*{_NAM}\s+|\s*/\s*)(?P<vd_y>{_D4}){_NA}"
    ),
    # "6 tháng đầu năm 2026", "6 tháng cuối năm 2026"
    "half": (
        rf"{_NB}(?P<half_n>{_D2})\s*{_THANG}\s+(?P<half_w>đầu|cuối|dau|cuoi)\s+{_NAM}\s+"
        rf"(?P<half_y>{_D4}){_NA}"
    ),
    # "Phân đầu" is a common typo of "Phấn đấu" and must not read as "đầu năm".
    "part": (
        rf"(?<!phân\s)(?<!phấn\s)(?<!phan\s)\b(?P<part_w>đầu|giữa|cuối|dau|giua|cuoi)\s+{_NAM}\s+"
        rf"(?P<part_y>{_D4}){_NA}"
    ),
    "quy": rf"\b{_QUY}\s*(?P<quy_n>[ivx]+|{_D2}){_SEP}(?P<quy_y>{_D4}){_NA}",
    "q": rf"\bq(?P<q_n>{_D2})(?:\s*[/-]\s*|\s+)(?P<q_y>{_D4}){_NA}",
    "yq": rf"{_NB}(?P<yq_y>{_D4})\s*-\s*q(?P<yq_n>{_D2})\b",
    "thang": rf"\b{_THANG}\s*(?P<thang_m>{_D2}){_SEP}(?P<thang_y>{_D4}){_NA}",
    "ym": rf"{_NB}(?P<ym_y>{_D4})-(?P<ym_m>0[1-9]|1[0-2]){_NA}",
    "my": rf"(?<![0-9/.])(?P<my_m>{_D2})/(?P<my_y>{_D4}){_NA}",
    "year": rf"{_NB}(?P<year_y>{_D4}){_NA}",
}
_PERIOD = "|".join(f"(?P<{name}>{body})" for name, body in _FORMS.items())
_ROMAN_QUARTER = rf"(?P<rq>(?P<rq_n>[ivx]+){_SEP}(?P<rq_y>{_D4}))"
_QUARTER_KINDS = frozenset({"quy", "q", "yq", "rq"})
_MONTH_KINDS = frozenset({"thang", "ym", "my"})
_DATE_KINDS = frozenset({"iso", "dmy", "vd"})

# Text between two periods that makes them one range: "2026 - 2030", "từ năm 2026 đến năm 2030".
_RANGE_GAP = rf"\s*(?:-|–|—|~|đến|tới|den|toi)(?:\s+(?:hết|het))?\s*(?:{_NAM}\s*)?"
# A quarter or month left over after matching means a typo such as "Quý /2026" or no year.
_DANGLING = rf"\b(?:{_QUY}|{_THANG})\s*(?:(?P<slash>/)|[ivx]+\b|[0-9]+)"
_STRONG_ONGOING = r"\b(?:thường|thuong)\s+(?:xuyên|xuyen)\b"
_WEAK_ONGOING = r"\b(?:liên\s+tục|định\s+kỳ|(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần|ngày))\b"
# Open-ended periods: "từ năm 2026", "năm 2026 trở đi", "2026 và các năm tiếp theo".
_FROM = rf"(?:^|\W)(?:kể\s+)?từ(?:\s+(?:{_NAM}|ngày))?\s*$"
_ONWARDS = r"\s*,?\s*(?:(?:và\s+)?(?:các|những)\s+năm\s+(?:tiếp\s+theo|sau(?:\s+đó)?)|trở\s+(?:đi|về\s+sau))(?!\w)"
_SEGMENT_SPLIT = r"[;\n\r]"

_EDGE_PUNCT = frozenset(" \t\r\n\u00a0-–—•*+.,;:·…")
_EDGE_WORDS = (
    r"(?:đến|tới|hết|trong|vào|trước|ngày|năm|từ|kể\s+từ|và|khoảng|thời\s+hạn|giai\s+đoạn"
    r"|sau\s+đó|đồng\s+thời|chậm\s+nhất|muộn\s+nhất|trễ\s+nhất)"
)
_LEAD_WORD = rf"{_EDGE_WORDS}(?!\w)"
_TRAIL_WORD = rf"(?<!\w){_EDGE_WORDS}$"

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.cache
def _spec_regex(kinds: frozenset[str]) -> re.Pattern[str]:
    """The period forms of `kinds` alone, in grammar order: reading a date need not compile the quarter forms."""
    return re.compile("|".join(f"(?P<{name}>{body})" for name, body in _FORMS.items() if name in kinds))


class _Period(NamedTuple):
    first: date
    last: date
    start: int
    end: int
    is_range: bool = False
    open_ended: bool = False


# ---------------------------------------------------------------------------
# Calendar helpers


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Bad(f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
    return year


def _check_month(month: int) -> int:
    if not 1 <= month <= 12:
        raise _Bad(f"tháng {month} không có, tháng chỉ từ 1 đến 12")
    return month


def _check_quarter(raw: str) -> int:
    number = int(raw) if raw.isdigit() else _ROMAN.get(raw)
    if number is None or not 1 <= number <= 4:
        raise _Bad(f"quý {raw.upper()} không có, quý chỉ từ I đến IV")
    return number


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    _check_year(year)
    _check_month(month)
    return date(year, month, 1), _last_day(year, month)


def _quarter_bounds(year: int, raw: str) -> tuple[date, date]:
    _check_year(year)
    quarter = _check_quarter(raw)
    return date(year, 3 * quarter - 2, 1), _last_day(year, 3 * quarter)


def _day_bounds(year: int, month: int, day: int) -> tuple[date, date]:
    _check_year(year)
    try:
        when = date(year, month, day)
    except ValueError:
        raise _Bad(f"ngày {day}/{month}/{year} không có trên lịch") from None
    return when, when


def quarter_end(year: int, quarter: int) -> date:
    """Last day of ``quarter`` (1–4) of ``year``."""
    try:
        return _quarter_bounds(year, str(quarter))[1]
    except _Bad as exc:
        raise DeadlineError(f"Quý {quarter}/{year}", str(exc), what="quý", forms=_QUARTER_FORMS) from None


def month_end(year: int, month: int) -> date:
    """Last day of ``month`` (1–12) of ``year``."""
    try:
        return _month_bounds(year, month)[1]
    except _Bad as exc:
        raise DeadlineError(f"Tháng {month}/{year}", str(exc), what="tháng", forms=_MONTH_FORMS) from None


def _bounds(match: re.Match[str]) -> tuple[date, date]:
    """First and last day of the period ``match`` names; ``_Bad`` if it cannot exist."""
    kind = match.lastgroup
    group = match.group
    if kind == "iso":
        return _day_bounds(int(group("iso_y")), int(group("iso_m")), int(group("iso_d")))
    if kind == "dmy":
        return _day_bounds(int(group("dmy_y")), int(group("dmy_m")), int(group("dmy_d")))
    if kind == "vd":
        return _day_bounds(int(group("vd_y")), int(group("vd_m")), int(group("vd_d")))
    if kind == "half":
        year = _check_year(int(group("half_y")))
        months = int(group("half_n"))
        if not 1 <= months <= 12:
            raise _Bad(f"{months} tháng không hợp lệ, chỉ từ 1 đến 12 tháng")
        if group("half_w") in ("đầu", "dau"):
            return date(year, 1, 1), _last_day(year, months)
        return date(year, 13 - months, 1), date(year, 12, 31)
    if kind == "part":
        year = _check_year(int(group("part_y")))
        if group("part_w") not in ("cuối", "cuoi"):
            # "Đầu/giữa năm" names no end date; guessing one would invent a deadline.
            raise _Bad(f'"{group("part_w")} năm {year}" không có ngày hết hạn rõ ràng; ghi rõ như "Quý I/{year}"')
        return date(year, 1, 1), date(year, 12, 31)
    if kind in _QUARTER_KINDS:
        return _quarter_bounds(int(group(f"{kind}_y")), group(f"{kind}_n"))
    if kind in _MONTH_KINDS:
        return _month_bounds(int(group(f"{kind}_y")), int(group(f"{kind}_m")))
    year = _check_year(int(group("year_y")))
    return date(year, 1, 1), date(year, 12, 31)


# ---------------------------------------------------------------------------
# Labels


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


# ---------------------------------------------------------------------------
# Segments


def _periods(orig: str, key: str, *, check_dangling: bool) -> list[_Period]:
    """Validated periods of one segment, "A - B" ranges merged into one."""
    found: list[_Period] = []
    previous_end = 0
    for match in _compiled(_PERIOD).finditer(key):
        if check_dangling:
            _refuse_dangling(orig, key, previous_end, match.start())
        first, last = _bounds(match)
        period = _Period(first, last, match.start(), match.end())
        if found and _compiled(_RANGE_GAP).fullmatch(key, found[-1].end, period.start):
            before = found[-1]
            if period.first < before.first:
                span = " ".join(orig[before.start : period.end].split())
                raise _Bad(f'khoảng "{span}" bị ngược, mốc sau sớm hơn mốc trước')
            last = max(before.last, period.last)
            found[-1] = _Period(before.first, last, before.start, period.end, is_range=True)
        else:
            found.append(period)
        previous_end = match.end()
    if check_dangling:
        _refuse_dangling(orig, key, previous_end, len(key))
    return [_mark_open_ended(key, found, i) for i in range(len(found))]


def _mark_open_ended(key: str, periods: list[_Period], i: int) -> _Period:
    period = periods[i]
    before = key[periods[i - 1].end if i else 0 : period.start]
    after = key[period.end : periods[i + 1].start if i + 1 < len(periods) else len(key)]
    onwards = _compiled(_ONWARDS).match(after)
    if onwards is not None:
        # Swallow "trở đi" so it does not end up as the next milestone's label.
        return period._replace(end=period.end + onwards.end(), open_ended=True)
    # "từ 2026 đến 2030" was merged into a range and so has an end.
    if not period.is_range and _compiled(_FROM).search(before):
        return period._replace(open_ended=True)
    return period


def _refuse_dangling(orig: str, key: str, start: int, end: int) -> None:
    dangling = _compiled(_DANGLING).search(key, start, end)
    if dangling is None:
        return
    # Quote the writer's own spelling ("Quý /", "tháng 6") so they can find it in the cell.
    piece = " ".join(orig[dangling.start() : dangling.end()].split())
    missing = "thiếu số quý hoặc tháng" if dangling.group("slash") else "thiếu năm (4 chữ số)"
    raise _Bad(f'"{piece}" {missing}')


def _split_ongoing(key: str) -> list[tuple[int, int]]:
    """Cut "… Quý I/2026 … và thường xuyên …" before the ongoing part."""
    marker = _compiled(_STRONG_ONGOING).search(key)
    if marker is not None and marker.start() > 0 and _compiled(_PERIOD).search(key, 0, marker.start()):
        return [(0, marker.start()), (marker.start(), len(key))]
    return [(0, len(key))]


def _segment(orig: str, key: str, *, only: bool) -> list[Milestone]:
    strong = _compiled(_STRONG_ONGOING).search(key) is not None
    periods = _periods(orig, key, check_dangling=not strong)
    if strong or (not periods and _compiled(_WEAK_ONGOING).search(key)):
        return [Milestone(label=_light(orig), due=None, ongoing=True)]
    if not periods:
        # The whole phrase already names itself in the message; a part needs pointing at.
        raise _Bad("" if only else f'phần "{_light(orig)}" không có mốc thời gian')

    count = len(periods)
    starts = [p.start for p in periods] + [len(key)]
    ends = [0] + [p.end for p in periods]
    labels: list[str]
    if _clean(orig, key, 0, periods[0].start):
        # Words come before each period: "Khởi công Quý I/2026; Hoàn thành 2028".
        labels = [_clean(orig, key, ends[i], starts[i]) for i in range(count)]
        if _clean(orig, key, periods[-1].end, len(key)):
            # Words after the last period qualify it ("… Quý II/2026 đối với bến 7-8").
            tail = _light(orig[periods[-1].end :])
            labels[-1] = _light(orig) if count == 1 else f"{labels[-1]} {tail}".strip()
    else:
        # The period leads: "Quý I năm 2026 cơ bản hoàn thành".
        labels = [_clean(orig, key, ends[i + 1], starts[i + 1]) for i in range(count)]

    milestones = []
    for i, period in enumerate(periods):
        label = labels[i]
        if not label:
            label = _light(orig) if count == 1 else " ".join(orig[period.start : period.end].split())
        due = None if period.open_ended else period.last
        milestones.append(Milestone(label=label, due=due, ongoing=period.open_ended))
    return milestones


def parse_deadline(text: str) -> list[Milestone]:
    """Milestones named by a "Thời hạn" cell; [] for a blank cell.

    Raises DeadlineError for anything that is not a deadline.
    """
    if not isinstance(text, str):
        raise DeadlineError(repr(text), "không phải văn bản")
    if len(text) > MAX_LENGTH:
        raise DeadlineError(text, f"dài quá {MAX_LENGTH} ký tự")
    orig = _nfc(text)
    key = _fold(orig)
    spans: list[tuple[int, int]] = []
    start = 0
    for separator in _compiled(_SEGMENT_SPLIT).finditer(key):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(key)))
    spans = [(start, end) for start, end in spans if _light(orig[start:end])]
    milestones: list[Milestone] = []
    try:
        for start, end in spans:
            for head, tail in _split_ongoing(key[start:end]):
                milestones.extend(
                    _segment(
                        orig[start + head : start + tail],
                        key[start + head : start + tail],
                        only=len(spans) == 1,
                    )
                )
    except _Bad as exc:
        raise DeadlineError(text, str(exc)) from None
    return milestones


def _spec_match(spec: str, kinds: frozenset[str], what: str, forms: str) -> tuple[date, date]:
    if not isinstance(spec, str) or len(spec) > MAX_LENGTH:
        raise DeadlineError(str(spec)[:MAX_LENGTH], what=what, forms=forms)
    key = _fold(_nfc(spec)).strip()
    if kinds is _DATE_KINDS:
        key = re.sub(r"^(?:ngày|ngay)\s+", "", key)
    match = _spec_regex(kinds).fullmatch(key)
    if match is None and kinds is _QUARTER_KINDS:
        match = _compiled(_ROMAN_QUARTER).fullmatch(key)
    if match is None or match.lastgroup not in kinds:
        raise DeadlineError(spec, what=what, forms=forms)
    try:
        return _bounds(match)
    except _Bad as exc:
        raise DeadlineError(spec, str(exc), what=what, forms=forms) from None


def parse_quarter(spec: str) -> tuple[date, date]:
    """First and last day of a quarter written "Quý II/2026", "II/2026", "Q2/2026" or "2026-Q2"."""
    return _spec_match(spec, _QUARTER_KINDS, "quý", _QUARTER_FORMS)


def parse_month(spec: str) -> tuple[date, date]:
    """First and last day of a month written "Tháng 3/2026", "3/2026" or "2026-03"."""
    return _spec_match(spec, _MONTH_KINDS, "tháng", _MONTH_FORMS)


def parse_date(spec: str) -> date:
    """A day written "30/6/2026", "30/06/2026" or "2026-06-30"."""
    plain = _plain_iso_day(spec)
    return plain if plain is not None else _spec_match(spec, _DATE_KINDS, "ngày", _DATE_FORMS)[0]


def _plain_iso_day(spec: str) -> date | None:
    """Exactly "2026-07-01", as scripts and `--as-of` mostly give it, read without compiling the grammar.

    None for anything else, valid or not: the grammar reads the other forms and explains mistakes.
    """
    if not (isinstance(spec, str) and len(spec) == 10 and spec[4] == spec[7] == "-"):
        return None
    digits = spec[:4] + spec[5:7] + spec[8:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    year = int(spec[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, int(spec[5:7]), int(spec[8:]))
    except ValueError:
        return None
