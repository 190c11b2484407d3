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

    def find(self, text: str) -> Agency | None:
        """The agency whose code, name or alias equals `text` once folded; None otherwise."""
        return self._exact.get(fold(text))

    def find_spelled(self, text: str) -> Agency | None:
        """Like `find`, but the letters and tones must be right (only case, form and tone placement may differ)."""
        return self._spelled.get(spelling_key(text))

    def resolve(self, text: str) -> Agency:
        """Resolve what a user typed: exact, then unique prefix, then unique word match."""
        if not fold(text):
            raise AgencyLookupError(text, [], ambiguous=False)
        exact = self.find(text)
        if exact is not None:
            return exact
        key = fold(text)
        for candidates in (
            {a.code: a for name, a in self._names.items() if name.startswith(key)},
            {a.code: a for name, a in self._names.items() if _contains_words(name, key)},
        ):
            if len(candidates) == 1:
                return next(iter(candidates.values()))
            if candidates:
                raise AgencyLookupError(text, list(candidates.values()), ambiguous=True)
        raise AgencyLookupError(text, self.suggest(text), ambiguous=False)

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
        """Whether `text` (e.g. a partner cell) names `agency`, as whole words."""
        haystack = f" {fold(text)} "
        return any(_contains_words(haystack, fold(name)) for name in (agency.name, *agency.aliases) if len(name) > 4)


def _contains_words(haystack: str, needle: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])", haystack) is not None


def load_registry(path: Path) -> Registry:
    """Read and validate the registry file (raising on error: callers report it)."""
    from ctr199.store import load_fast

    return Registry(AgenciesFile.model_validate(load_fast(path)).agencies)
