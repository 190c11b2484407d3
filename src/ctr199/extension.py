"""Approved deadline extensions (gia hạn): the due date in force on a date, and how outputs say so.

An extension (`models.Extension`) names a milestone, the new deadline as the approving document
words it (`to`, read with the deadline grammar), the date it was approved and the document. From
that date on the milestone is judged against the new deadline; before it, against the original.
Nothing here reads the clock: the date is always a parameter ("no hidden clock").

Recording one is `edit.extend_task`; the rules a file must satisfy are in `checks`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date

from ctr199.models import Extension, Task

_FORMS = 'ghi một thời hạn có ngày, ví dụ "Quý I/2027", "Tháng 3/2027" hoặc "31/3/2027"'


class PeriodError(ValueError):
    """An extension's `to` that is not exactly one dated deadline."""


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> date | str:
    from ctr199.deadline import DeadlineError, parse_deadline

    shown = " ".join(text.split())
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    try:
        milestones = parse_deadline(text)
    except DeadlineError as exc:
        # The grammar's own message lists forms such as "Thường xuyên", which an extension cannot be.
        reason = getattr(exc, "reason", "")
        return f'không hiểu thời hạn gia hạn "{shown}"{": " + reason if reason else ""}; {_FORMS}'
    if len(milestones) != 1:
        return f'thời hạn gia hạn "{shown}" gồm {len(milestones)} mốc; {_FORMS}'
    only = milestones[0]
    if only.due is None or only.ongoing:
        return f'thời hạn gia hạn "{shown}" không có ngày hạn; {_FORMS}'
    return only.due


def new_due(text: str) -> date:
    """The due date `text` ("Quý I/2027", "31/3/2027") means; `PeriodError` unless exactly one dated milestone."""
    found = _parsed(text)
    if isinstance(found, str):
        raise PeriodError(found)
    return found


def _due_or_none(text: str) -> date | None:
    found = _parsed(text)
    return found if isinstance(found, date) else None


def in_force(task: Task, number: int, original: date | None, on: date) -> tuple[date | None, tuple[Extension, ...]]:
    """The due date of milestone `number` in force on `on`, and the extensions that made it so (date order).

    The latest extension of that milestone dated on or before `on` wins (same date: the later in the
    file); extensions dated later are ignored, as are ones whose `to` cannot be read or does not move
    the deadline later (`checks` reports those). A milestone without a due date (ongoing) has none to extend.
    """
    if not task.extensions or original is None:
        return original, ()
    chain = sorted(
        (item for item in enumerate(task.extensions) if item[1].milestone == number and item[1].date <= on),
        key=lambda item: (item[1].date, item[0]),
    )
    due = original
    used: list[Extension] = []
    for _, extension in chain:
        extended = _due_or_none(extension.to)
        if extended is not None and extended > due:  # one that does not move it later is an error `checks` reports
            due = extended
            used.append(extension)
    return due, tuple(used)


def describe(original: str, extensions: Sequence[Extension]) -> str:
    """`original` ("Thời hạn ban đầu: Tháng 5/2026") followed by each extension in force, in date order:
    "…; gia hạn đến Quý I/2027 theo Văn bản số 12/UBND-XD (20/05/2026)"."""
    if not extensions:
        return ""
    parts = [original]
    for extension in extensions:
        ref = " ".join(extension.ref.split())
        parts.append(f"gia hạn đến {extension.to} theo {ref} ({extension.date:%d/%m/%Y})")
    return "; ".join(parts)
