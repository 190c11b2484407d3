"""The milestone-row table of `overdue` and `upcoming`.

Each command supplies only what differs: the columns after "Chủ trì", the title and the row style.
When a milestone's deadline was extended, a last column "Gia hạn" gives the original and the extension.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ctr199.output import TITLE_WIDTH, Column, Table

if TYPE_CHECKING:
    from ctr199.query import Item

# A column after "Chủ trì" and how to fill it for one milestone.
ItemColumn = tuple[Column, Callable[["Item"], str]]


def milestone_table(items: list[Item], tail: Sequence[ItemColumn], *, title: str, noun: str, style: str) -> Table:
    """STT, task, milestone (only when some task in `items` has several), lead agencies, then `tail`."""
    from ctr199.text import shorten

    several = any(len(item.state.milestones) > 1 for item in items)
    extended = any(item.milestone.extended for item in items)
    columns = [
        Column("STT", "right"),
        Column("Nhiệm vụ", max_width=TITLE_WIDTH),
        *([Column("Mốc", max_width=30)] if several else []),
        Column("Chủ trì", max_width=30),
        *(column for column, _ in tail),
        *([Column("Gia hạn", max_width=50)] if extended else []),
    ]
    table = Table(columns, title=title, noun=noun)
    for item in items:
        task = item.state.record.task
        label = [item.milestone.label if len(item.state.milestones) > 1 else ""] if several else []
        table.add(
            str(task.id),
            shorten(task.title, TITLE_WIDTH),
            *label,
            "; ".join(task.lead),
            *(cell(item) for _, cell in tail),
            *([item.milestone.extension_text] if extended else []),
            style=style,
        )
    return table
