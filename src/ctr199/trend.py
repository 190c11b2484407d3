"""Change and trend, computed from the recorded dates alone (no stored history).

- `week_on_week`: each category's count on the as-of date and seven days before, with the tasks
  completed and those newly overdue in between;
- `weekly_counts`: for every week since the programme's start, how many tasks were done, overdue
  and open in time at the week's end (the last point is the as-of date itself).

A task's category on a past day comes from `query.classify`, which counts only completions dated by
then and extensions in force then; nothing here reads the clock.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from ctr199.programme import Programme, TaskRecord
from ctr199.query import DONE_CATEGORIES, Category, TaskState, classify

WEEK = timedelta(days=7)


class WeekOnWeek(NamedTuple):
    """The categories on `as_of` and a week before, and what moved in between."""

    as_of: date
    before: date
    now: Counter[Category]
    then: Counter[Category]
    completed: list[TaskState]  # done on `as_of`, not done a week before (as judged on `as_of`)
    newly_overdue: list[TaskState]  # overdue on `as_of`, not overdue a week before


class WeekCount(NamedTuple):
    """The tasks done, overdue and open in time at the end of one week (`day`)."""

    day: date
    done: int
    overdue: int
    in_time: int


def week_on_week(records: Sequence[TaskRecord], as_of: date) -> WeekOnWeek:
    """The change over the seven days up to `as_of` among `records`."""
    before = as_of - WEEK
    now_states = [classify(record, as_of) for record in records]
    then_categories = [classify(record, before).category for record in records]
    completed = [
        state
        for state, then in zip(now_states, then_categories, strict=True)
        if state.category in DONE_CATEGORIES and then not in DONE_CATEGORIES
    ]
    overdue = [
        state
        for state, then in zip(now_states, then_categories, strict=True)
        if state.category is Category.OVERDUE and then is not Category.OVERDUE
    ]
    return WeekOnWeek(
        as_of,
        before,
        Counter(state.category for state in now_states),
        Counter(then_categories),
        completed,
        overdue,
    )


def programme_start(programme: Programme, records: Sequence[TaskRecord]) -> date | None:
    """The first day the trend covers: 1 January of the programme's year (programme.yaml), else the
    earliest due date or log entry of `records`; None when there is nothing dated at all."""
    if programme.info is not None:
        return date(programme.info.year, 1, 1)
    days = [m.due for record in records for m in record.milestones if m.due is not None]
    days += [entry.date for record in records for entry in record.task.log]
    return min(days, default=None)


def week_ends(start: date, as_of: date) -> list[date]:
    """The Sunday of every ISO week from the one holding `start` to the one before `as_of`'s, then `as_of`."""
    if start > as_of:
        return [as_of]
    day = start + timedelta(days=6 - start.weekday())
    days = []
    while day < as_of:
        days.append(day)
        day += WEEK
    return [*days, as_of]


def weekly_counts(records: Sequence[TaskRecord], days: Sequence[date]) -> list[WeekCount]:
    """Done, overdue and open-in-time counts of `records` on each of `days` (in date order)."""
    counters = [Counter[Category]() for _ in days]
    for record in records:
        for index, category in enumerate(categories_on(record, days)):
            counters[index][category] += 1
    return [
        WeekCount(
            day,
            counter[Category.DONE_ON_TIME] + counter[Category.DONE_LATE],
            counter[Category.OVERDUE],
            counter[Category.ON_TRACK],
        )
        for day, counter in zip(days, counters, strict=True)
    ]


def categories_on(record: TaskRecord, days: Sequence[date]) -> list[Category]:
    """The task's category on each of `days` (in date order), as `classify` judges it.

    A category changes only when a day passes one of the task's dates (a due date, extended or not, a
    completion, an extension's approval): `classify` is asked again only when the days since the last
    answer have passed one, so a year of weeks costs a few calls per task, not one per week.
    """
    marks = _change_days(record)
    result: list[Category] = []
    last: tuple[int, int] | None = None
    category = Category.NO_DEADLINE
    for day in days:
        # Which of the task's dates are before `day` and which on or before it decide every comparison
        # classify makes (due < day: overdue; done, approved on or before day).
        key = (bisect_left(marks, day), bisect_right(marks, day)) if marks is not None else None
        if key is None or key != last:
            category = classify(record, day).category
            last = key
        result.append(category)
    return result


def _change_days(record: TaskRecord) -> list[date] | None:
    """Every date the task's category may change on; None when an extension's new deadline cannot be read."""
    from ctr199.extension import PeriodError, new_due

    task = record.task
    marks = {milestone.due for milestone in record.milestones if milestone.due is not None}
    marks.update(item.date for item in task.completed_milestones)
    if task.completed_on is not None:
        marks.add(task.completed_on)
    for extension in task.extensions:
        try:
            marks.update((extension.date, new_due(extension.to)))
        except PeriodError:
            return None  # then every day is judged afresh
    return sorted(marks)
