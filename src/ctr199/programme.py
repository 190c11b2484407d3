"""The whole programme in memory: tasks with their milestones, groups, agencies, indicators."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from ctr199.agencies import Registry
from ctr199.models import Group, Indicator, Milestone, Task
from ctr199.report import Report


def milestones_of(task: Task) -> list[Milestone]:
    """The milestones a task must meet: its explicit override, else the parsed deadline text.

    An unparseable deadline yields no milestones here; `checks` reports it.
    """
    if task.milestones is not None:
        return [Milestone(label=m.label, due=m.due, ongoing=m.ongoing or m.due is None) for m in task.milestones]
    from ctr199.deadline import DeadlineError, parse_deadline

    try:
        return parse_deadline(task.deadline)
    except DeadlineError:
        return []


class TaskRecord(NamedTuple):
    """A task as loaded: the model, the file it came from, and its milestones."""

    task: Task
    path: Path
    milestones: tuple[Milestone, ...]

    @classmethod
    def of(cls, task: Task, path: Path) -> TaskRecord:
        return cls(task, path, tuple(milestones_of(task)))

    @property
    def id(self) -> int:
        return self.task.id


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


def load_programme(root: Path, *, as_of: date, use_cache: bool | None = None) -> tuple[Programme, Report]:
    """Load and check every file under `root`; bad files are reported, never fatal.

    Unchanged files come from the cache of checked files unless `use_cache` is False (None follows
    `ctr199 --no-cache` and `CTR199_NO_CACHE`).
    """
    from ctr199.checks import check_programme

    return check_programme(root, as_of=as_of, use_cache=use_cache)
