"""Reading a programme's appendix table (tab-separated text, as in the source) into tasks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ctr199.models import Group, Subgroup, Task
from ctr199.text import nfc

COLUMNS = 7  # STT, Nhiệm vụ, Kết quả/Sản phẩm, Thời hạn, Cơ quan chủ trì, phối hợp, Thẩm quyền
_TAG = re.compile(r"<[^>]+>")
_TASK_NO = re.compile(r"^\((\d+)\)$")
_GROUP_NO = re.compile(r"^(\d+)\.?$")
_SUBGROUP = re.compile(r"^([a-zđ])\)\s*(.+)$")
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
# "- A; - B" or "- A - B": a cell written as a bulleted list.
_DASH_ITEMS = re.compile(r"(?:^|;?\s+)-\s+")
# A second lead agency starts after ";" or after "," followed by an agency-type word.
_LEAD_SPLIT = re.compile(r"\s*;\s*|,\s*(?=(?:Sở|Ban|Bộ|UBND|Ủy ban|Công an|Văn phòng)\s)")


@dataclass
class ParsedAppendix:
    groups: list[Group] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def clean_cell(cell: str) -> str:
    """Cell text without markup, NFC, with single spaces."""
    text = html.unescape(_TAG.sub(" ", cell))
    return nfc(re.sub(r"\s+", " ", text).strip())


def split_list_cell(cell: str) -> list[str]:
    """A partners cell as a list: bullet items where the source has a list, else the whole cell."""
    items = _LIST_ITEM.findall(cell)
    if items:
        return [_strip_bullet(clean_cell(item)) for item in items if clean_cell(item)]
    text = clean_cell(cell)
    if not text:
        return []
    if text.startswith("- "):
        return [_strip_bullet(part) for part in _DASH_ITEMS.split(text) if part.strip()]
    return [text]


def _strip_bullet(text: str) -> str:
    return text.removeprefix("- ").strip().rstrip(";").strip()


def split_leads(cell: str) -> list[str]:
    """Lead agencies of one cell: "Sở Xây dựng; Ban QLDA liên quan" gives two."""
    text = clean_cell(cell)
    return [part.strip() for part in _LEAD_SPLIT.split(text) if part.strip()]


def parse_appendix_text(text: str) -> ParsedAppendix:
    """Parse the tab-separated appendix: group rows, sub-group rows, repeated headers, task rows."""
    result = ParsedAppendix()
    group: Group | None = None
    subgroup: str | None = None
    started = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" not in raw:
            continue
        cells = raw.split("\t")
        cells += [""] * (COLUMNS - len(cells))
        first = clean_cell(cells[0])
        filled = [i for i, c in enumerate(cells) if clean_cell(c)]
        if first == "STT":
            started = True
            continue
        if not started:
            continue
        task_no = _TASK_NO.match(first)
        if task_no:
            if group is None:
                result.problems.append((number, f"nhiệm vụ {first} nằm trước nhóm đầu tiên"))
                continue
            result.tasks.append(_task_from_cells(int(task_no.group(1)), group.id, subgroup, cells))
            continue
        group_no = _GROUP_NO.match(first)
        if group_no and filled == [0, 1]:
            if group is not None:
                result.groups.append(group)
            group = Group(id=int(group_no.group(1)), title=clean_cell(cells[1]))
            subgroup = None
            continue
        sub = _SUBGROUP.match(clean_cell(" ".join(cells))) if len(filled) == 1 else None
        if sub and group is not None:
            subgroup = sub.group(1)
            group = group.model_copy(
                update={"subgroups": [*group.subgroups, Subgroup(key=subgroup, title=sub.group(2))]}
            )
            continue
        if filled:
            result.problems.append((number, f"không đọc được dòng: {clean_cell(raw)[:80]}"))
    if group is not None:
        result.groups.append(group)
    return result


def _task_from_cells(task_id: int, group: int, subgroup: str | None, cells: list[str]) -> Task:
    return Task(
        id=task_id,
        group=group,
        subgroup=subgroup,
        title=clean_cell(cells[1]),
        output=clean_cell(cells[2]),
        deadline=clean_cell(cells[3]),
        lead=split_leads(cells[4]),
        partners=split_list_cell(cells[5]),
        authority=clean_cell(cells[6]),
    )
