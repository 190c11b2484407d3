"""The agency registry and name matching that forgives case, accents and spelling variants."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from ctr199.models import AgenciesFile, Agency
from ctr199.text import fold, spelling_key

# Separators inside one authority cell: "HĐND/UBND thành phố", "HĐND, UBND thành phố".
_AUTHORITY_SPLIT = re.compile(r"\s*[/,;]\s*")
_SHARED_TAIL = re.compile(r"\s+(thành phố|TP)$", re.IGNORECASE)


class AgencyLookupError(LookupError):
    """A name that matches no agency, or several."""

    def __init__(self, query: str, candidates: list[Agency], *, ambiguous: bool):
        self.query = query
        self.candidates = candidates
        self.ambiguous = ambiguous
        names = "; ".join(f"{a.name} ({a.code})" for a in candidates)
        if ambiguous:
            message = f'"{query}" khớp nhiều cơ quan: {names}. Gõ đầy đủ hơn hoặc dùng mã.'
        elif candidates:
            message = f'không tìm thấy cơ quan "{query}". Có phải: {names}?'
        else:
            message = f'không tìm thấy cơ quan "{query}". Xem danh sách bằng lệnh: ctr199 agencies'
        super().__init__(message)


class Registry:
    """Lookup over the agencies of `data/agencies.yaml`."""

    def __init__(self, agencies: Iterable[Agency]):
        self.agencies = list(agencies)
        self._exact: dict[str, Agency] = {}
        self._spelled: dict[str, Agency] = {}
        for agency in self.agencies:
            for key in (agency.code, agency.name, *agency.aliases):
                self._exact.setdefault(fold(key), agency)
                self._spelled.setdefault(spelling_key(key), agency)
        self._names: dict[str, Agency] = {
            fold(name): agency for agency in self.agencies for name in (agency.name, *agency.aliases)
        }
        self._words = [(words_of(name), agency) for name, agency in self._names.items()]
        self._partners: dict[str, tuple[Agency, ...]] = {}
        self._found: dict[tuple[str, ...], list[Agency]] = {}

    def find(self, text: str) -> Agency | None:
        """The agency whose code, name or alias equals `text` once folded; None otherwise."""
        return self._exact.get(fold(text))

    def find_all(self, names: tuple[str, ...]) -> list[Agency]:
        """The agencies `find` gives for `names`, those it knows, in order; worked out once for each list
        of names (thousands of tasks share a few dozen lists of lead agencies). Do not change the list."""
        found = self._found.get(names)
        if found is None:
            found = self._found[names] = [agency for agency in map(self.find, names) if agency is not None]
        return found

    def find_spelled(self, text: str) -> Agency | None:
        """Like `find`, but the letters and tones must be right (only case, form and tone placement may differ)."""
        return self._spelled.get(spelling_key(text))

    def resolve(self, text: str) -> Agency:
        """Resolve what a user typed: equal after folding, else an unambiguous whole-word prefix.

        "so xay" is a prefix of the words of "Sở Xây dựng" and of no other name: it names Sở Xây dựng.
        "Công" begins "Công an thành phố" but is also a word of "Sở Công Thương": both are listed
        (ambiguous). Words found inside one name only ("nội vụ") are offered, never taken.
        """
        key = words_of(text)
        if not key:
            raise AgencyLookupError(text, [], ambiguous=False)
        exact = self.find(text)
        if exact is not None:
            return exact
        prefixed: dict[str, Agency] = {}
        inside: dict[str, Agency] = {}
        for words, agency in self._words:
            if words[: len(key)] == key:
                prefixed.setdefault(agency.code, agency)
            if words[: len(key)] == key or (not agency.generic and _has_run(words, key)):
                inside.setdefault(agency.code, agency)
        if len(inside) > 1:
            order = {a.code: i for i, a in enumerate(self.agencies)}
            candidates = sorted(inside.values(), key=lambda a: (a.code not in prefixed, order[a.code]))
            raise AgencyLookupError(text, candidates, ambiguous=True)
        if len(prefixed) == 1:
            return next(iter(prefixed.values()))
        raise AgencyLookupError(text, list(inside.values()) or self.suggest(text), ambiguous=False)

    def starting_with(self, text: str) -> list[Agency]:
        """The specific agencies with a name or alias whose first words are the words of `text` (and more).

        Generic phrases are left out: the start of one ("Các sở") is itself a generic phrase.
        """
        key = words_of(text)
        found = {
            a.code: a
            for words, a in self._words
            if key and not a.generic and len(words) > len(key) and words[: len(key)] == key
        }
        return list(found.values())

    def suggest(self, text: str, limit: int = 3) -> list[Agency]:
        """The closest agencies by spelling, for "did you mean" messages."""
        close = difflib.get_close_matches(fold(text), list(self._names), n=limit * 3, cutoff=0.5)
        seen: dict[str, Agency] = {}
        for name in close:
            seen.setdefault(self._names[name].code, self._names[name])
        return list(seen.values())[:limit]

    def resolve_authority(self, text: str, *, strict: bool = False) -> list[Agency]:
        """Agencies named by one authority cell, which may name two ("HĐND/UBND thành phố").

        `strict` demands correct spelling (data validation); otherwise accents may be missing.
        """
        find = self.find_spelled if strict else self.find
        whole = find(text)
        if whole is not None:
            return [whole]
        parts = [p for p in _AUTHORITY_SPLIT.split(text.strip()) if p]
        tail = _SHARED_TAIL.search(parts[-1]) if parts else None
        found: list[Agency] = []
        for part in parts:
            agency = find(part)
            if agency is None and tail is not None:
                agency = find(part + tail.group(0))  # "HĐND" of "HĐND, UBND thành phố"
            if agency is None:
                raise AgencyLookupError(part, self.suggest(part), ambiguous=False)
            found.append(agency)
        return found

    def mentions(self, agency: Agency, text: str) -> bool:
        """Whether `text` (e.g. a partner cell) names `agency` (see `partners_in`)."""
        return any(found.code == agency.code for found in self.partners_in(text))

    def partners_in(self, text: str) -> tuple[Agency, ...]:
        """The agencies a partner cell names, in the order written; the cell itself stays as written.

        A name counts where it stands as whole words and is not part of a longer name ("UBND thành
        phố" inside "Văn phòng UBND thành phố" is the office, not the committee). A list after a
        colon ("Các sở: Kế hoạch và Đầu tư, Xây dựng") names "Sở Kế hoạch và Đầu tư", "Sở Xây dựng"
        where the registry has them. Nothing else is inferred.
        """
        cached = self._partners.get(text)
        if cached is None:
            cached = self._partners[text] = self._partners_in(text)
        return cached

    def _partners_in(self, text: str) -> tuple[Agency, ...]:
        whole = self.find(text)
        if whole is not None:
            return (whole,)
        folded = fold(text)
        spans: list[tuple[int, int, Agency]] = []
        for name, agency in self._names.items():
            if len(name) <= _SHORT:
                # "UBND" alone is an item of the cell, never the first word of "UBND cấp xã".
                pattern = rf"(?:^|(?<=[;,:]) ?){re.escape(name)}(?= ?(?:[;,.(]|$))"
            else:
                pattern = rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])"
            spans.extend((m.start(), m.end(), agency) for m in re.finditer(pattern, folded))
        spans.extend(self._listed(folded))
        taken: list[tuple[int, int, Agency]] = []
        for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):  # longest first
            if not any(span[0] < end and start < span[1] for start, end, _ in taken):
                taken.append(span)
        found: dict[str, Agency] = {}
        for _, _, agency in sorted(taken, key=lambda s: s[0]):
            found.setdefault(agency.code, agency)
        return tuple(found.values())

    def _listed(self, folded: str) -> list[tuple[int, int, Agency]]:
        """Agencies of lists such as "các sở: nong nghiep va moi truong, xay dung" (folded text)."""
        spans = []
        for colon in _LIST_HEAD.finditer(folded):
            nouns = [part.split(" ")[0] for part in colon.group("nouns").split(", ") if part]
            position = colon.end()
            for item in _LIST_ITEM.finditer(folded, position):
                if item.start() != position:
                    break
                position = item.end()
                name = item.group("name")
                hits = {a.code: a for a in (self._exact.get(f"{noun} {name}") for noun in nouns) if a is not None}
                direct = self._exact.get(name)
                if direct is not None:
                    hits.setdefault(direct.code, direct)
                if len(hits) == 1:
                    spans.append((item.start("name"), item.end("name"), next(iter(hits.values()))))
                if item.group("end") != ",":
                    break
        return spans


# A folded list head "cac so:" / "cac so, ban, nganh co lien quan:" and its comma-separated items
# (each item up to a comma, a semicolon, a bracket or the end; a bracketed remark is skipped).
_LIST_HEAD = re.compile(r"(?<![a-z0-9])cac (?P<nouns>[a-z]+(?: [a-z]+)*(?:, [a-z]+(?: [a-z]+)*)*) ?: ?")
_LIST_ITEM = re.compile(r" ?(?P<name>[^,;:()]+?) ?(?:\([^()]*\) ?)?(?P<end>,|;|\.?$)")
# Names this short ("UBND", "HĐND") count only as a whole item of a cell.
_SHORT = 4


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a name: "Sở KH&CN" → ("so", "kh", "cn")."""
    return tuple(_WORD.findall(fold(text)))


_WORD = re.compile(r"[a-z0-9]+")


def _has_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


def load_registry(path: Path) -> Registry:
    """Read and validate the registry file (raising on error: callers report it)."""
    from ctr199.store import load_fast

    return Registry(AgenciesFile.model_validate(load_fast(path)).agencies)
