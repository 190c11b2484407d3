"""Status of tasks and milestones as of a date, and the filters the query commands share.

Categories follow the Government Office's task-tracking reports. Nothing here reads the
clock: every function takes `as_of`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ctr199.agencies import AgencyLookupError, Registry
from ctr199.models import Agency, Status
from ctr199.programme import Programme, TaskRecord
from ctr199.text import fold

DEFAULT_SOON_DAYS = 14


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    ON_TRACK = "on_track"
    OVERDUE = "overdue"
    NO_DEADLINE = "no_deadline"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Category:
        """A category from its key, its Vietnamese name or a short alias, ignoring case and accents."""
        wanted = fold(text).replace("-", "_").replace(" ", "_")
        for category in cls:
            if wanted in (category.value, fold(category.label).replace(" ", "_"), *_ALIASES.get(category, ())):
                return category
        known = "; ".join(f"{c.value} ({c.label})" for c in cls)
        raise ValueError(f'không có trạng thái "{text}"; dùng: {known}')


CATEGORY_LABELS = {
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.ON_TRACK: "Đang thực hiện trong hạn",
    Category.OVERDUE: "Đang thực hiện quá hạn",
    Category.NO_DEADLINE: "Không thời hạn",
}
_ALIASES = {
    Category.DONE_ON_TIME: ("dung_han", "on_time", "done"),
    Category.DONE_LATE: ("hoan_thanh_tre", "late"),
    Category.ON_TRACK: ("trong_han", "open", "in_progress"),
    Category.OVERDUE: ("qua_han", "tre_han", "late_open"),
    Category.NO_DEADLINE: ("thuong_xuyen", "ongoing", "khong_han"),
}
DONE_CATEGORIES = frozenset({Category.DONE_ON_TIME, Category.DONE_LATE})


@dataclass(frozen=True)
class MilestoneState:
    """One milestone of a task, judged as of a date."""

    number: int
    label: str
    due: date | None
    ongoing: bool
    done_on: date | None
    category: Category
    days_overdue: int = 0
    due_soon: bool = False

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class TaskState:
    """A task and its milestones, judged as of a date."""

    record: TaskRecord
    category: Category
    milestones: tuple[MilestoneState, ...]
    as_of: date

    @property
    def task_id(self) -> int:
        return self.record.id

    @property
    def days_overdue(self) -> int:
        return max((m.days_overdue for m in self.milestones), default=0)

    @property
    def due_soon(self) -> bool:
        return any(m.due_soon for m in self.milestones)

    @property
    def next_due(self) -> date | None:
        """The earliest due date still open; when all are met, the last one."""
        open_dues = [m.due for m in self.milestones if m.due and not m.done]
        if open_dues:
            return min(open_dues)
        dues = [m.due for m in self.milestones if m.due]
        return max(dues) if dues else None


def milestone_done_on(record: TaskRecord, number: int, as_of: date) -> date | None:
    """When milestone `number` was met, counting only what was reported by `as_of`."""
    task = record.task
    done_on = next((m.date for m in task.completed_milestones if m.milestone == number), None)
    if done_on is None and task.status is Status.DONE:
        done_on = task.completed_on
    if done_on is not None and done_on > as_of:
        return None
    return done_on


def classify(record: TaskRecord, as_of: date, soon_days: int = DEFAULT_SOON_DAYS) -> TaskState:
    """Judge every milestone of a task, then the task: overdue if any is, done when all are."""
    states = []
    for number, milestone in enumerate(record.milestones, start=1):
        done_on = milestone_done_on(record, number, as_of)
        due = None if milestone.ongoing else milestone.due
        days_overdue = 0
        soon = False
        if due is None:
            category = Category.DONE_ON_TIME if done_on else Category.NO_DEADLINE
        elif done_on is not None:
            category = Category.DONE_ON_TIME if done_on <= due else Category.DONE_LATE
        elif as_of > due:
            category, days_overdue = Category.OVERDUE, (as_of - due).days
        else:
            category, soon = Category.ON_TRACK, (due - as_of).days <= soon_days
        states.append(
            MilestoneState(number, milestone.label, due, milestone.ongoing, done_on, category, days_overdue, soon)
        )
    return TaskState(record, _task_category(record, states, as_of), tuple(states), as_of)


def _task_category(record: TaskRecord, states: list[MilestoneState], as_of: date) -> Category:
    task = record.task
    if not states:
        done = task.status is Status.DONE and task.completed_on is not None and task.completed_on <= as_of
        return Category.DONE_ON_TIME if done else Category.NO_DEADLINE
    categories = {state.category for state in states}
    if Category.OVERDUE in categories:
        return Category.OVERDUE
    if all(state.done for state in states):
        return Category.DONE_LATE if Category.DONE_LATE in categories else Category.DONE_ON_TIME
    if Category.ON_TRACK in categories:
        return Category.ON_TRACK
    return Category.NO_DEADLINE


# ---------------------------------------------------------------- filters


class Role(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    ANY = "any"


@dataclass(frozen=True)
class Filters:
    """Conditions that all must hold (AND). Dates bound milestone due dates, inclusive."""

    agency: Agency | None = None
    role: Role = Role.LEAD
    group: int | None = None
    categories: frozenset[Category] = frozenset()
    authority: Agency | None = None
    due_from: date | None = None
    due_to: date | None = None
    search: str = ""
    ids: frozenset[int] = field(default_factory=frozenset)


def leads_of(record: TaskRecord, registry: Registry) -> list[Agency]:
    return [agency for agency in (registry.find(lead) for lead in record.task.lead) if agency is not None]


def authorities_of(record: TaskRecord, registry: Registry) -> list[Agency]:
    if not record.task.authority:
        return []
    try:
        return registry.resolve_authority(record.task.authority)
    except AgencyLookupError:
        return []


def involves(record: TaskRecord, agency: Agency, role: Role, registry: Registry) -> bool:
    """Whether `agency` leads (or partners, per `role`) the task."""
    if role in (Role.LEAD, Role.ANY) and any(a.code == agency.code for a in leads_of(record, registry)):
        return True
    if role in (Role.PARTNER, Role.ANY):
        return any(
            registry.find(partner) is agency or registry.mentions(agency, partner) for partner in record.task.partners
        )
    return False


def matches(state: TaskState, filters: Filters, registry: Registry) -> bool:
    record = state.record
    task = record.task
    if filters.ids and task.id not in filters.ids:
        return False
    if filters.group is not None and task.group != filters.group:
        return False
    if filters.categories and state.category not in filters.categories:
        return False
    if filters.agency is not None and not involves(record, filters.agency, filters.role, registry):
        return False
    if filters.authority is not None and all(
        a.code != filters.authority.code for a in authorities_of(record, registry)
    ):
        return False
    if filters.due_from is not None or filters.due_to is not None:
        low, high = filters.due_from or date.min, filters.due_to or date.max
        if not any(m.due is not None and low <= m.due <= high for m in state.milestones):
            return False
    if filters.search:
        needle = fold(filters.search)
        if needle not in fold(f"{task.title} {task.output}"):
            return False
    return True


def select(programme: Programme, filters: Filters, as_of: date, soon_days: int = DEFAULT_SOON_DAYS) -> list[TaskState]:
    """Tasks that pass every filter, judged as of `as_of`, in programme order."""
    states = (classify(record, as_of, soon_days) for record in programme.tasks)
    return [state for state in states if matches(state, filters, programme.registry)]


# ---------------------------------------------------------------- overdue, upcoming, summary


@dataclass(frozen=True)
class Item:
    """One milestone of one task: a row of the overdue and upcoming lists."""

    state: TaskState
    milestone: MilestoneState

    @property
    def days_overdue(self) -> int:
        return self.milestone.days_overdue

    @property
    def days_left(self) -> int:
        due = self.milestone.due
        return (due - self.state.as_of).days if due else 0


def overdue_items(states: list[TaskState]) -> list[Item]:
    """Every overdue milestone, most overdue first."""
    items = [Item(s, m) for s in states for m in s.milestones if m.category is Category.OVERDUE]
    return sorted(items, key=lambda item: (-item.days_overdue, item.state.task_id, item.milestone.number))


def upcoming_items(states: list[TaskState], within_days: int) -> list[Item]:
    """Open milestones due within `within_days` of the date (today included), soonest first."""
    items = [
        Item(s, m)
        for s in states
        for m in s.milestones
        if m.category is Category.ON_TRACK and m.due is not None and (m.due - s.as_of).days <= within_days
    ]
    return sorted(items, key=lambda item: (item.days_left, item.state.task_id, item.milestone.number))


@dataclass
class Summary:
    """Counts per category: overall, per group and per lead agency."""

    overall: Counter[Category] = field(default_factory=Counter)
    by_group: dict[int, Counter[Category]] = field(default_factory=dict)
    by_lead: dict[str, Counter[Category]] = field(default_factory=dict)
    total: int = 0


def summarise(states: list[TaskState], registry: Registry) -> Summary:
    summary = Summary()
    for state in states:
        summary.total += 1
        summary.overall[state.category] += 1
        summary.by_group.setdefault(state.record.task.group, Counter())[state.category] += 1
        leads = leads_of(state.record, registry)
        names = [a.name for a in leads] or state.record.task.lead or ["(chưa rõ)"]
        for name in names:
            summary.by_lead.setdefault(name, Counter())[state.category] += 1
    summary.by_group = dict(sorted(summary.by_group.items()))
    return summary
