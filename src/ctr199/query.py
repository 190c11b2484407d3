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
        found = parse_categories(text)
        if len(found) != 1:
            raise ValueError(f'"{text}" chỉ nhiều trạng thái; chọn một: ' + _known_categories())
        return next(iter(found))


CATEGORY_LABELS = {
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.ON_TRACK: "Đang thực hiện trong hạn",
    Category.OVERDUE: "Đang thực hiện quá hạn",
    Category.NO_DEADLINE: "Không thời hạn",
}
# Short names staff type. "quá hạn" alone means still open and late, as in the Office's reports.
_ALIASES = {
    Category.DONE_ON_TIME: ("dung_han", "hoan_thanh_dung_han", "on_time"),
    Category.DONE_LATE: ("hoan_thanh_tre", "hoan_thanh_tre_han"),
    Category.ON_TRACK: ("trong_han",),
    Category.OVERDUE: ("qua_han", "tre_han"),
    Category.NO_DEADLINE: ("thuong_xuyen", "ongoing", "khong_han", "khong_thoi_han"),
}
DONE_CATEGORIES = frozenset({Category.DONE_ON_TIME, Category.DONE_LATE})
OPEN_CATEGORIES = frozenset({Category.ON_TRACK, Category.OVERDUE})
# Names for several categories at once.
_GROUP_ALIASES = {
    "done": DONE_CATEGORIES,
    "hoan_thanh": DONE_CATEGORIES,
    "da_hoan_thanh": DONE_CATEGORIES,
    "open": OPEN_CATEGORIES,
    "dang_thuc_hien": OPEN_CATEGORIES,
    "chua_hoan_thanh": OPEN_CATEGORIES,
}


def _status_key(text: str) -> str:
    return "_".join(fold(text).replace("-", " ").replace("_", " ").split())


def _known_categories() -> str:
    return "; ".join(f"{c.value} ({c.label})" for c in Category) + "; done / open (nhiều trạng thái)"


def parse_categories(text: str) -> frozenset[Category]:
    """The categories `text` names: one (key, Vietnamese name, short alias) or a group ("done", "open")."""
    wanted = _status_key(text)
    if wanted in _GROUP_ALIASES:
        return _GROUP_ALIASES[wanted]
    for category in Category:
        if wanted in (category.value, _status_key(category.label), *_ALIASES[category]):
            return frozenset({category})
    raise ValueError(f'không có trạng thái "{text}"; dùng: {_known_categories()}')


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

    @property
    def label(self) -> str:
        return {"lead": "chủ trì", "partner": "phối hợp", "any": "chủ trì hoặc phối hợp"}[self.value]


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


class FilterError(ValueError):
    """An option value that names nothing (unknown agency, bad quarter, no such group): a usage error."""


@dataclass(frozen=True)
class FilterSpec:
    """The filter options as typed by a user (`list`, and every command offering "the same filters as list")."""

    agency: str | None = None
    role: str = Role.LEAD.value
    quarter: str | None = None
    month: str | None = None
    year: int | None = None
    group: int | None = None
    status: tuple[str, ...] = ()
    authority: str | None = None
    due_before: str | None = None
    due_after: str | None = None
    search: str | None = None


def build_filters(spec: FilterSpec, programme: Programme) -> Filters:
    """Turn typed options into `Filters`; raise `FilterError` naming the option at fault.

    Period options (quarter, month, year, due-before, due-after) all bound milestone due dates and
    combine by intersection: `--quarter II/2026 --month 5/2026` means a milestone due in May 2026.
    """
    registry = programme.registry
    try:
        role = Role(spec.role.strip().lower())
    except ValueError:
        raise FilterError(f'--role: không có vai trò "{spec.role}"; dùng: lead, partner hoặc any') from None
    agency = _agency_option("--agency", spec.agency, registry)
    authority = _agency_option("--authority", spec.authority, registry)
    if spec.group is not None and programme.groups and programme.group(spec.group) is None:
        known = ", ".join(str(g.id) for g in programme.groups)
        raise FilterError(f"--group: không có nhóm {spec.group}; các nhóm: {known}")
    categories: frozenset[Category] = frozenset()
    for text in spec.status:
        for part in (p for p in text.split(",") if p.strip()):
            try:
                categories |= parse_categories(part)
            except ValueError as exc:
                raise FilterError(f"--status: {exc}") from None
    lows: list[date] = []
    highs: list[date] = []
    for option, period in (("--quarter", spec.quarter), ("--month", spec.month)):
        if period is not None:
            low, high = _period_option(option, period)
            lows.append(low)
            highs.append(high)
    if spec.year is not None:
        from ctr199.deadline import MAX_YEAR, MIN_YEAR

        if not MIN_YEAR <= spec.year <= MAX_YEAR:
            raise FilterError(f"--year: năm {spec.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
        lows.append(date(spec.year, 1, 1))
        highs.append(date(spec.year, 12, 31))
    if spec.due_after is not None:
        lows.append(_date_option("--due-after", spec.due_after))
    if spec.due_before is not None:
        highs.append(_date_option("--due-before", spec.due_before))
    return Filters(
        agency=agency,
        role=role,
        group=spec.group,
        categories=categories,
        authority=authority,
        due_from=max(lows) if lows else None,
        due_to=min(highs) if highs else None,
        search=(spec.search or "").strip(),
    )


def _agency_option(option: str, text: str | None, registry: Registry) -> Agency | None:
    if text is None:
        return None
    try:
        return registry.resolve(text)
    except AgencyLookupError as exc:
        raise FilterError(f"{option}: {exc}") from None


def _period_option(option: str, text: str) -> tuple[date, date]:
    # The deadline grammar loads only for period options: cached runs otherwise never need it.
    from ctr199.deadline import DeadlineError, parse_month, parse_quarter

    parse = parse_quarter if option == "--quarter" else parse_month
    try:
        return parse(text)
    except DeadlineError as exc:
        raise FilterError(f"{option}: {exc}") from None


def _date_option(option: str, text: str) -> date:
    from ctr199.deadline import DeadlineError, parse_date

    try:
        return parse_date(text)
    except DeadlineError as exc:
        raise FilterError(f"{option}: {exc}") from None


def leads_of(record: TaskRecord, registry: Registry) -> list[Agency]:
    return [agency for agency in (registry.find(lead) for lead in record.task.lead) if agency is not None]


def lead_names(record: TaskRecord, registry: Registry) -> list[str]:
    """A task's lead agencies by their registry names, each once; the text as written when none is in the registry."""
    return list(dict.fromkeys([agency.name for agency in leads_of(record, registry)] or record.task.lead))


def authorities_of(record: TaskRecord, registry: Registry) -> list[Agency]:
    if not record.task.authority:
        return []
    try:
        return registry.resolve_authority(record.task.authority)
    except AgencyLookupError:
        return []


def involves(record: TaskRecord, agency: Agency, role: Role, registry: Registry) -> bool:
    """Whether `agency` leads (or partners, per `role`) the task."""
    if role in (Role.LEAD, Role.ANY) and any(_same(lead, agency) for lead in leads_of(record, registry)):
        return True
    if role in (Role.PARTNER, Role.ANY):
        return any(
            _same(registry.find(partner), agency) or registry.mentions(agency, partner)
            for partner in record.task.partners
        )
    return False


def _same(found: Agency | None, agency: Agency) -> bool:
    return found is not None and found.code == agency.code


def record_matches(record: TaskRecord, filters: Filters, registry: Registry) -> bool:
    """Every filter that does not need the task's status (so tasks can be left out before judging them)."""
    task = record.task
    if filters.ids and task.id not in filters.ids:
        return False
    if filters.group is not None and task.group != filters.group:
        return False
    if filters.agency is not None and not involves(record, filters.agency, filters.role, registry):
        return False
    if filters.authority is not None and all(
        a.code != filters.authority.code for a in authorities_of(record, registry)
    ):
        return False
    if filters.due_from is not None or filters.due_to is not None:
        low, high = filters.due_from or date.min, filters.due_to or date.max
        if not any(m.due is not None and not m.ongoing and low <= m.due <= high for m in record.milestones):
            return False
    if filters.search:
        needle = fold(filters.search)
        if needle not in fold(f"{task.title} {task.output}"):
            return False
    return True


def select(programme: Programme, filters: Filters, as_of: date, soon_days: int = DEFAULT_SOON_DAYS) -> list[TaskState]:
    """Tasks that pass every filter, judged as of `as_of`, in programme order."""
    registry = programme.registry
    states = (
        classify(record, as_of, soon_days) for record in programme.tasks if record_matches(record, filters, registry)
    )
    return [state for state in states if not filters.categories or state.category in filters.categories]


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


UNKNOWN_LEAD = "(chưa rõ)"


def summarise(states: list[TaskState], registry: Registry) -> Summary:
    """Counts per category; a task with two leads counts once for each of them."""
    summary = Summary()
    for state in states:
        summary.total += 1
        summary.overall[state.category] += 1
        summary.by_group.setdefault(state.record.task.group, Counter())[state.category] += 1
        for name in lead_names(state.record, registry) or [UNKNOWN_LEAD]:
            summary.by_lead.setdefault(name, Counter())[state.category] += 1
    summary.by_group = dict(sorted(summary.by_group.items()))
    # Busiest agencies first; ties in registry order, names outside the registry last.
    order = {agency.name: index for index, agency in enumerate(registry.agencies)}
    summary.by_lead = dict(
        sorted(
            summary.by_lead.items(),
            key=lambda item: (-item[1].total(), order.get(item[0], len(order)), item[0]),
        )
    )
    return summary


# ---------------------------------------------------------------- the registry, with workloads


@dataclass(frozen=True)
class AgencyLoad:
    """An agency of the registry and how many tasks it leads and partners."""

    agency: Agency
    leads: int
    partners: int


def agency_loads(programme: Programme) -> list[AgencyLoad]:
    """Every agency of the registry, in registry order, with its task counts."""
    registry = programme.registry
    return [
        AgencyLoad(
            agency,
            sum(involves(record, agency, Role.LEAD, registry) for record in programme.tasks),
            sum(involves(record, agency, Role.PARTNER, registry) for record in programme.tasks),
        )
        for agency in registry.agencies
    ]


def complete_agency_name(registry: Registry, incomplete: str) -> list[Agency]:
    """Agencies whose name, alias or code starts with what was typed (accents optional), then those containing it.

    For shell completion: typing "So Xay" proposes "Sở Xây dựng". Generic phrases are left out.
    """
    key = fold(incomplete)
    starts: dict[str, Agency] = {}
    contains: dict[str, Agency] = {}
    for agency in registry.agencies:
        if agency.generic:
            continue
        names = [fold(name) for name in (agency.name, *agency.aliases)] + [agency.code.casefold()]
        if any(name.startswith(key) for name in names):
            starts[agency.code] = agency
        elif any(key in name for name in names):
            contains[agency.code] = agency
    return [*starts.values(), *contains.values()]
