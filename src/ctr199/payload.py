"""Tasks, milestones and counts as plain data: the one data model of every JSON and CSV output.

Dates are ISO strings here; tables format them for people (dd/mm/yyyy) themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from ctr199.models import Group
from ctr199.query import OPEN_CATEGORIES, AgencyLoad, Category, Item, MilestoneState, Summary, TaskState
from ctr199.text import neutralise

Payload = dict[str, Any]

TASK_CSV_FIELDS = (
    "id",
    "group",
    "title",
    "lead",
    "deadline",
    "due",
    "status",
    "status_label",
    "days_overdue",
    "milestones",
    "extension",
)
ITEM_CSV_FIELDS = (
    "id",
    "group",
    "title",
    "milestone",
    "milestone_label",
    "lead",
    "deadline",
    "due",
    "days_overdue",
    "days_left",
    "status",
    "status_label",
    "extension",
)
AGENCY_CSV_FIELDS = ("code", "name", "aliases", "generic", "leads", "partners")
SUMMARY_CSV_FIELDS = ("scope", "key", "name", "total", *(c.value for c in Category), "not_started")
# How a list (agencies, milestones) is written in one CSV cell or one line.
LIST_SEPARATOR = "; "


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def milestone_payload(milestone: MilestoneState) -> Payload:
    return {
        "number": milestone.number,
        "label": milestone.label,
        "due": iso(milestone.due),
        "ongoing": milestone.ongoing,
        "done": milestone.done,
        "done_on": iso(milestone.done_on),
        "status": milestone.category.value,
        "status_label": milestone.category.label,
        "days_overdue": milestone.days_overdue,
        "original_due": iso(milestone.original_due),
        "extensions": extensions_payload(milestone),
        "extension": milestone.extension_text,
    }


def extensions_payload(milestone: MilestoneState) -> list[Payload]:
    """The approved extensions in force for a milestone, in date order: each with its new due date."""
    from ctr199.extension import new_due

    return [
        {
            "date": iso(extension.date),
            "to": extension.to,
            "due": iso(new_due(extension.to)),
            "ref": extension.ref,
            "note": extension.note,
        }
        for extension in milestone.extensions
    ]


def task_payload(state: TaskState) -> Payload:
    """A task as judged on `state.as_of`: the one record of `list`, `overdue`, `show` and `export` in JSON.

    The appendix columns keep the data files' keys; `due` is the next open due date (the last one once
    all are met); `status` is the computed category (the reported status is `show`'s `reported_status`).
    """
    task = state.record.task
    return {
        "id": task.id,
        "group": task.group,
        "subgroup": task.subgroup,
        "title": task.title,
        "output": task.output,
        "deadline": task.deadline,
        "lead": list(task.lead),
        "partners": list(task.partners),
        "authority": task.authority,
        "milestones": [milestone_payload(m) for m in state.milestones],
        "status": state.category.value,
        "status_label": state.category.label,
        "days_overdue": state.days_overdue,
        "due": iso(state.next_due),
        "due_soon": state.due_soon,
        "extension": state.extension_text,
    }


def item_payload(item: Item) -> Payload:
    """One row of `overdue`/`upcoming`: the task, with `due` and `days_overdue` of this milestone."""
    payload = task_payload(item.state)
    payload.update(
        milestone=item.milestone.number,
        milestone_label=item.milestone.label,
        due=iso(item.milestone.due),
        days_overdue=item.days_overdue,
        days_left=None if item.days_overdue else item.days_left,
        extension=item.milestone.extension_text,
    )
    return payload


def task_detail_payload(state: TaskState) -> Payload:
    """Everything `show` prints: the task payload plus the appendix columns and what staff reported."""
    task = state.record.task
    payload = task_payload(state)
    payload.update(
        reported_status=task.status.value,
        reported_status_label=task.status.label,
        completed_on=iso(task.completed_on),
        log=[
            {
                "date": iso(entry.date),
                "status": entry.status.value,
                "milestone": entry.milestone,
                "note": entry.note,
                "ref": entry.ref,
            }
            for entry in task.log
        ],
        extensions=[
            {"milestone": m.number, "original": m.original_text, "original_due": iso(m.original_due), **extension}
            for m in state.milestones
            for extension in extensions_payload(m)
        ],
        file=str(state.record.path),
        as_of=iso(state.as_of),
    )
    return payload


def counts_payload(counts: Counter[Category]) -> dict[str, int]:
    return {category.value: counts[category] for category in Category}


def summary_payload(summary: Summary, groups: Iterable[Group], as_of: date) -> Payload:
    titles = {group.id: group.title for group in groups}
    return {
        "as_of": iso(as_of),
        "total": summary.total,
        "overall": {**counts_payload(summary.overall), "not_started": summary.not_started.total()},
        # Of the open tasks (on_track, overdue), those nothing has been recorded for yet.
        "not_started": {c.value: summary.not_started[c] for c in Category if c in OPEN_CATEGORIES},
        "groups": [
            {
                "group": group,
                "title": titles.get(group, ""),
                "total": counts.total(),
                **counts_payload(counts),
                "not_started": summary.not_started_by_group[group],
            }
            for group, counts in summary.by_group.items()
        ],
        "leads": [
            {
                "agency": name,
                "total": counts.total(),
                **counts_payload(counts),
                "not_started": summary.not_started_by_lead[name],
            }
            for name, counts in summary.by_lead.items()
        ],
    }


def summary_rows(payload: Mapping[str, Any]) -> list[Payload]:
    """The summary as flat CSV rows: one overall row, then one per group and per lead agency."""
    rows: list[Payload] = [{"scope": "overall", "key": "", "name": "Toàn chương trình", **payload["overall"]}]
    rows[0]["total"] = payload["total"]
    rows += [{"scope": "group", "key": g["group"], "name": g["title"], **g} for g in payload["groups"]]
    rows += [{"scope": "lead", "key": "", "name": a["agency"], **a} for a in payload["leads"]]
    return rows


def agency_payload(load: AgencyLoad) -> Payload:
    agency = load.agency
    return {
        "code": agency.code,
        "name": agency.name,
        "aliases": list(agency.aliases),
        "generic": agency.generic,
        "leads": load.leads,
        "partners": load.partners,
    }


def milestones_text(milestones: Sequence[Mapping[str, Any]]) -> str:
    """Milestones in one CSV cell: "1. Khởi công: 2026-03-31 (hoàn thành 2026-03-15); 2. …"."""
    parts = []
    for m in milestones:
        due = m["due"] or "không thời hạn"
        done = f" (hoàn thành {m['done_on']})" if m["done_on"] else ""
        extended = f" (gia hạn; hạn ban đầu {m['original_due']})" if m.get("extensions") else ""
        parts.append(f"{m['number']}. {m['label']}: {due}{extended}{done}")
    return LIST_SEPARATOR.join(parts)


def csv_row(payload: Mapping[str, Any], fields: Sequence[str]) -> dict[str, str]:
    """`payload` flattened to text cells (`csv_cell`), with its milestones spelled out."""
    row = {}
    for name in fields:
        value = payload.get(name)
        if name == "milestones" and isinstance(value, list):
            row[name] = neutralise(milestones_text(value))
        else:
            row[name] = csv_cell(value)
    return row


def csv_cell(value: object) -> str:
    """One CSV cell: lists joined by "; ", dates ISO, None empty, booleans true/false.

    Text cells are neutralised, so a spreadsheet never runs one as a formula.
    """
    if isinstance(value, list):
        return neutralise(LIST_SEPARATOR.join(str(v) for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return "" if value is None else str(value)
