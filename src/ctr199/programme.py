"""The whole programme in memory: tasks with their milestones, groups, agencies, indicators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ctr199.agencies import Registry
from ctr199.models import Group, Indicator, Milestone, ProgrammeFile, Task


def milestones_of(task: Task, year: int | None = None) -> list[Milestone]:
    """The milestones a task must meet: its explicit override, else the parsed deadline text.

    `year` is the programme's (programme.yaml), for periodic deadlines ("Hằng quý"). An unparseable
    deadline yields no milestones here; `checks` reports it.
    """
    if task.milestones is not None:
        return [Milestone(label=m.label, due=m.due, ongoing=m.ongoing or m.due is None) for m in task.milestones]
    from ctr199.deadline import DeadlineError, parse_deadline

    try:
        return parse_deadline(task.deadline, year=year)
    except DeadlineError:
        return []


class TaskRecord:
    """A task as loaded: the record, the file it came from, and its milestones.

    A task taken from the cache is rebuilt only when its record or milestones are asked for:
    a query over 10,000 tasks needs the whole record of the few it answers with, and of the others
    only what `TaskHead` holds (its number, group, agencies and last recorded date).
    """

    __slots__ = ("_blob", "_folder", "_milestones", "_name", "_path", "_read", "_task", "head")

    def __init__(self, task: Task, path: Path, milestones: tuple[Milestone, ...] = ()) -> None:
        self._task: Task | None = task
        self._milestones = milestones
        self._read: Callable[[Path, str, bytes], tuple[Task, tuple[Milestone, ...]]] | None = None
        self._blob = b""
        self._path: Path | None = path
        self._folder: Path | None = None
        self._name = ""
        self.head = TaskHead.of(task)

    @classmethod
    def cached(
        cls,
        folder: Path,
        name: str,
        head: TaskHead,
        blob: bytes,
        read: Callable[[Path, str, bytes], tuple[Task, tuple[Milestone, ...]]],
    ) -> TaskRecord:
        """A task of the cache: file `name` in `folder`, its head, and its data (`blob`), which
        `read(folder, name, blob)` turns into the task and its milestones when they are first used."""
        record = cls.__new__(cls)
        record._task, record._milestones, record._read, record._blob, record.head = None, (), read, blob, head
        record._path, record._folder, record._name = None, folder, name
        return record

    @property
    def path(self) -> Path:
        if self._path is None:
            assert self._folder is not None  # a cached record always has its folder and name
            self._path = self._folder / self._name
        return self._path

    @classmethod
    def of(cls, task: Task, path: Path, year: int | None = None) -> TaskRecord:
        return cls(task, path, tuple(milestones_of(task, year)))

    def _load(self) -> Task:
        if self._task is None:
            assert self._read is not None and self._folder is not None  # so is every record without a task
            self._task, self._milestones = self._read(self._folder, self._name, self._blob)
            self._read, self._blob = None, b""
        return self._task

    @property
    def task(self) -> Task:
        return self._task if self._task is not None else self._load()

    @property
    def milestones(self) -> tuple[Milestone, ...]:
        if self._task is None:
            self._load()
        return self._milestones

    @property
    def id(self) -> int:
        return self.head.id

    def _replace(self, *, task: Task) -> TaskRecord:
        """The same file and milestones with another version of its task (as known on a date, respelled)."""
        return TaskRecord(task, self.path, self.milestones)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TaskRecord):
            return NotImplemented
        return (self.task, self.path, self.milestones) == (other.task, other.path, other.milestones)

    __hash__ = None  # type: ignore[assignment]  # compared by value, and its task may change

    def __repr__(self) -> str:
        return f"TaskRecord({self.path.name}, id={self.id})"


class TaskHead(NamedTuple):
    """What loading and filtering read of every task, kept apart so that a cached task need not be rebuilt."""

    id: int
    group: int
    subgroup: str | None
    lead: tuple[str, ...]
    authority: str
    last_recorded: date | None  # the latest date of anything recorded (log, completion, extension, request)

    @classmethod
    def of(cls, task: Task) -> TaskHead:
        return cls(task.id, task.group, task.subgroup, tuple(task.lead), task.authority, last_recorded(task))

    @property
    def names(self) -> tuple[object, ...]:
        """What the task names of the other files (group, subgroup, lead agencies, authority): the
        rules that check those links give the same answer for the same names."""
        return self[1:5]


# The lists of a task whose entries are dated, each with the field that dates an entry.
DATED_LISTS = (("log", "date"), ("completed_milestones", "date"), ("extensions", "date"), ("requests", "received_on"))


def recorded_dates(task: Task) -> Iterator[tuple[tuple[str | int, ...], date]]:
    """Every date of what was recorded of `task`, with its place in the file: the log's, the
    completion's, then those of completed milestones, extensions and requests. The one list of
    them: what a day "knows" (`task_known_on`) and what may not lie after it (`checks`) read it."""
    for field, dated_by in DATED_LISTS:
        for index, entry in enumerate(getattr(task, field)):
            yield (field, index, dated_by), getattr(entry, dated_by)
        if field == "log" and task.completed_on is not None:
            yield ("completed_on",), task.completed_on


def last_recorded(task: Task) -> date | None:
    """The latest date in what was recorded of `task`; None when nothing was (`recorded_dates`'
    dates, read without their places: every checked task file asks)."""
    days = [getattr(entry, dated_by) for field, dated_by in DATED_LISTS for entry in getattr(task, field)]
    if task.completed_on is not None:
        days.append(task.completed_on)
    return max(days, default=None)


class Programme:
    """Everything the query commands need; files that failed to load are left out (and reported).

    A plain class rather than a dataclass: it is defined on every run's start-up, and a dataclass
    costs ~0.5 ms to define on CPython 3.11 (see the records in `query`).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tasks: list[TaskRecord] = []
        self.groups: list[Group] = []
        self.registry = Registry([])
        self.indicators: list[Indicator] = []
        self.info: ProgrammeFile | None = None  # programme.yaml: title, year, letterheads (None when unreadable)

    @property
    def identity(self) -> ProgrammeFile:
        """programme.yaml, which every document needs (title, place, letterheads)."""
        if self.info is None:
            from ctr199.errors import DataError

            raise DataError(
                f"thiếu hoặc lỗi tệp {self.root / 'programme.yaml'} (tên chương trình, năm, tiêu đề văn bản); "
                "chạy ctr199 validate rồi sửa, hoặc tạo kho dữ liệu mới bằng ctr199 init"
            )
        return self.info

    @property
    def year(self) -> int | None:
        """The programme's year (periodic deadlines are read in it); None without programme.yaml."""
        return self.info.year if self.info is not None else None

    def task(self, task_id: int) -> TaskRecord | None:
        return next((record for record in self.tasks if record.id == task_id), None)

    def group(self, group_id: int) -> Group | None:
        return next((group for group in self.groups if group.id == group_id), None)


class RegistryNames:
    """A task record with every agency as the registry names it ("Văn hoá" → "Văn hóa", "SXD" → "Sở Xây
    dựng"), for answers and documents; names the registry does not know stay as written. Only the
    record in memory changes: the task file keeps the text as it was typed or imported."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.kept: set[str] = set()  # names printed as written: the registry's own, or unknown to it
        self.respelled: dict[str, str] = {}  # the others, with the registry's name

    def __call__(self, record: TaskRecord) -> TaskRecord:
        task = record.task
        kept, respelled = self.kept, self.respelled
        if kept.issuperset(task.lead) and kept.issuperset(task.partners):
            return record  # nearly every task, once its names have been seen
        for name in (*task.lead, *task.partners):
            if name not in kept and name not in respelled:
                agency = self.registry.find(name)
                if agency is None or agency.name == name:
                    kept.add(name)
                else:
                    respelled[name] = agency.name
        lead = list(dict.fromkeys(respelled.get(name, name) for name in task.lead))
        partners = list(dict.fromkeys(respelled.get(name, name) for name in task.partners))
        if lead == task.lead and partners == task.partners:
            return record
        return record._replace(task=task.model_copy(update={"lead": lead, "partners": partners}))


def use_registry_names(programme: Programme) -> None:
    """Every task of `programme` with its agencies as the registry names them (see `RegistryNames`)."""
    respell = RegistryNames(programme.registry)
    programme.tasks = [respell(record) for record in programme.tasks]


# ---------------------------------------------------------------- the programme as known on a date


def task_known_on(task: Task, day: date) -> Task:
    """`task` as it was recorded by `day`: log entries, completions, extensions and requests dated
    later are left out, and the status is the one the last entry kept gives (the task itself when
    nothing is later). What cannot be dated (title, deadline, agencies) stays as it is now."""
    later = {place[:2] for place, recorded in recorded_dates(task) if recorded > day}
    if not later:
        return task
    kept = {
        field: [entry for index, entry in enumerate(getattr(task, field)) if (field, index) not in later]
        for field, _ in DATED_LISTS
    }
    log = kept["log"]
    completed_on = None if ("completed_on",) in later else task.completed_on
    from ctr199.models import Status

    status = task.status
    if len(log) != len(task.log):
        # The latest entry kept (the later in the file on the same day); none kept: nothing reported yet.
        status = max(enumerate(log), key=lambda item: (item[1].date, item[0]))[1].status if log else Status.NOT_STARTED
    if status is Status.DONE and completed_on is None:
        status = Status.IN_PROGRESS  # completed later: open on `day`
    return task.model_copy(update={**kept, "completed_on": completed_on, "status": status})


def indicators_known_on(indicators: list[Indicator], day: date) -> list[Indicator]:
    """The indicators with the figures recorded after `day` left out (figures without a recording day stay)."""
    result = []
    for indicator in indicators:
        targets = []
        for target in indicator.targets:
            kept = [a for a in target.actuals if a.recorded_on is None or a.recorded_on <= day]
            targets.append(target if len(kept) == len(target.actuals) else target.model_copy(update={"actuals": kept}))
        changed = any(new is not old for new, old in zip(targets, indicator.targets, strict=True))
        result.append(indicator.model_copy(update={"targets": targets}) if changed else indicator)
    return result


def known_on(programme: Programme, day: date) -> Programme:
    """The programme as it was known on `day`: what was recorded after it left out (`task_known_on`,
    `indicators_known_on`). Every command answering for a date reads this, so a document made again
    for a past day equals the one made that day from the same data."""
    result = Programme(programme.root)
    result.groups, result.registry, result.info = programme.groups, programme.registry, programme.info
    result.indicators = indicators_known_on(programme.indicators, day)
    tasks = []
    for record in programme.tasks:
        recorded = record.head.last_recorded
        if recorded is None or recorded <= day:  # nothing later: the record as it is, not even rebuilt
            tasks.append(record)
            continue
        task = task_known_on(record.task, day)
        tasks.append(record if task is record.task else record._replace(task=task))
    result.tasks = tasks
    return result
