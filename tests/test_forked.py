"""Checking the uncached task files in child processes (`ctr199.forked`, `loading._CheckedApart`).

The promise: the programme and every finding are the same as when the parent checks every file
itself, broken files included, in the same order; a child that fails costs time, never a file;
what the children checked is cached as if the parent had checked it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ctr199 import forked, loading
from ctr199.loading import load_programme

AS_OF = date(2026, 7, 1)


@pytest.fixture
def tree(shipped_copy: Path) -> Path:
    """The shipped data, with broken and questionable files spread among the good ones."""
    tasks = shipped_copy / "tasks"
    first = (tasks / "001.yaml").read_text(encoding="utf-8")
    broken = {
        "005.yaml": "id: 5\ngroup: [1\n",  # YAML syntax
        "020.yaml": first.replace("id: 1\n", "id: 20\n").replace("title: ", "title: 12\nx: ", 1),  # schema
        "041.yaml": first,  # number 1 again
        "060.yaml": first.replace("id: 1\n", "id: 60\n").replace("Sở Tài chính", "Sở Không Có"),  # unknown agency
        "070.yaml": first.replace("id: 1\n", "id: 70\n").replace(
            "log: []", "log:\n  - date: 2026-09-01\n    status: in_progress\n"
        ),  # recorded after the as-of day
        "074.yaml": first.replace("id: 1\n", "id: 74\n").replace("completed_on:", "completed_on: 2026-02-30"),
    }
    for name, text in broken.items():
        (tasks / name).write_text(text, encoding="utf-8")
    return shipped_copy


def _outcome(root: Path, **options: Any) -> tuple[Any, ...]:
    programme, report = load_programme(root, as_of=AS_OF, **options)
    return (
        [record.task.model_dump() for record in programme.tasks],
        [record.milestones for record in programme.tasks],
        [finding.model_dump() for finding in report.findings],
        report.files_checked,
        report.tasks,
    )


def _share_with(monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    monkeypatch.setattr(forked, "usable_cores", lambda: cores)
    monkeypatch.setattr(loading, "FILES_PER_PROCESS", 10)


def test_children_check_alike_what_the_parent_checks_alone(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _share_with(monkeypatch, 1)
    alone = _outcome(tree, use_cache=False)
    codes = {finding["code"] for finding in alone[2]}
    assert {"yaml-syntax", "schema", "duplicate-id", "unknown-agency", "date"} <= codes, codes
    _share_with(monkeypatch, 4)
    assert _outcome(tree, use_cache=False) == alone


def test_the_shares_are_checked_by_other_processes(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _share_with(monkeypatch, 4)
    jobs = [(path.name, [0, 0, 0, index, 2026]) for index, path in enumerate(sorted((tree / "tasks").iterdir()))]
    apart = loading._CheckedApart.start(tree / "tasks", jobs)
    assert apart.children is not None
    assert len({child for child, _ in apart.places.values()}) == 3  # the parent checks the first share itself
    assert "001.yaml" not in apart.places and "075.yaml" in apart.places
    entry = apart.take("075.yaml")
    assert entry is not None and entry[0] == jobs[-1][1] and type(entry[1]) is bytes
    apart.close()


def test_a_failing_child_costs_time_not_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _share_with(monkeypatch, 1)
    alone = _outcome(tree, use_cache=False)

    def fail(folder: Path, share: list[Any]) -> Any:
        raise MemoryError  # in the child: it exits without an answer

    _share_with(monkeypatch, 4)
    monkeypatch.setattr(loading, "_check_share", fail)
    assert _outcome(tree, use_cache=False) == alone


def test_what_children_checked_is_cached(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (tree / "tasks").iterdir():  # not "just modified": such files are never cached
        os.utime(path, (1_700_000_000, 1_700_000_000))
    _share_with(monkeypatch, 1)
    alone = _outcome(tree, use_cache=False)
    _share_with(monkeypatch, 4)
    assert _outcome(tree) == alone  # cold: checked by the parent and three children, then cached

    def never(folder: Path, name: str, key: Any, report: Any) -> Any:
        raise AssertionError(f"{name} was checked again")

    monkeypatch.setattr(loading, "_check_task_file", never)
    assert _outcome(tree) == alone  # warm: every file from the cache


def test_forked_results_come_back_in_order_and_a_failure_as_none() -> None:
    def work(share: list[int]) -> Any:
        if share == [0]:
            raise ValueError("broken share")
        return [os.getpid(), [number * 2 for number in share]]

    children = forked.start(work, [[1, 2], [0], [3]])
    first, failed, last = children.result(0), children.result(1), children.result(2)
    assert failed is None
    assert first[1] == [2, 4] and last[1] == [6]
    assert os.getpid() not in (first[0], last[0]) and first[0] != last[0]
    children.close()


def test_children_are_heard_where_sigchld_is_ignored() -> None:
    """A program that starts ctr199 may ignore SIGCHLD (daemons, supervisors): the system then reaps
    the children itself, and only their messages say whether they finished."""
    import signal

    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        children = forked.start(lambda share: [number + 1 for number in share], [[1], [2, 3]])
        assert [children.result(0), children.result(1)] == [[2], [3, 4]]
    finally:
        signal.signal(signal.SIGCHLD, before)


def test_a_share_whose_child_cannot_start_is_checked_by_the_parent(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No process left (a container's limit) or no file descriptor left: slower, never wrong."""
    _share_with(monkeypatch, 1)
    alone = _outcome(tree, use_cache=False)
    _share_with(monkeypatch, 4)
    real_fork, forks = os.fork, []

    def fork_once() -> int:  # the first child starts, the next ones cannot
        if forks:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork_once)
    assert _outcome(tree, use_cache=False) == alone
    assert forks == [1]

    def no_pipe() -> tuple[int, int]:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    assert _outcome(tree, use_cache=False) == alone


def test_a_file_name_that_is_not_utf8_is_cached_like_any_other(shipped_copy: Path) -> None:
    odd = shipped_copy / "tasks" / os.fsdecode(b"091-\xff\xfe.yaml")  # a name from another system's encoding
    odd.write_bytes((shipped_copy / "tasks" / "010.yaml").read_bytes().replace(b"id: 10\n", b"id: 910\n"))
    os.utime(odd, (1_700_000_000, 1_700_000_000))
    cold = _outcome(shipped_copy)
    assert any(finding["code"] == "filename" for finding in cold[2])
    assert _outcome(shipped_copy) == cold
