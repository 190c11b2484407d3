"""Work shared with forked processes, so that checking thousands of files uses every core.

Checking a task file (libyaml's parse, then the schema and the file's own rules) takes ~0.25 ms of
CPU; a province tree of 10,000 files is checked whole on the first run, after an upgrade of ctr199
(the cache is keyed on its code) and with `--no-cache`. The loading layer gives each child a share
of the files and checks the first share itself meanwhile; a child sends back what the cache would
have kept (plain values, `marshal`ed), so the parent takes a child's results as it takes cached ones.

Only where `fork` is safe and cheap (Linux, no other thread running); elsewhere, or when a child
fails in any way, the files are checked in the parent as before — nothing is lost, it is slower.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def usable_cores() -> int:
    """The cores this process may run on (1 where forking is not used)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return 1  # a child of a process with threads may inherit a held lock
    try:
        return len(os.sched_getaffinity(0))
    except OSError:
        return 1


class Children:
    """The children started by `start`; `result(i)` waits for child i's value, None if it failed."""

    def __init__(self) -> None:
        self._running: list[tuple[int, int] | None] = []  # (pid, read end), None once collected
        self._results: list[Any] = []

    def result(self, index: int) -> Any:
        running = self._running[index]
        if running is not None:
            self._running[index] = None
            pid, read_end = running
            self._results[index] = _received(pid, read_end)
        return self._results[index]

    def close(self) -> None:
        """Collect every child still running (its result unused)."""
        for index in range(len(self._running)):
            self.result(index)


# A child's message: its length (8 bytes, little-endian), then the value `marshal`ed. Its exit
# status is not enough: where SIGCHLD is ignored the system reaps the child and nobody learns it.
_LENGTH = 8


def _received(pid: int, read_end: int) -> Any:
    """Child `pid`'s value, read whole from its pipe; None if it sent none, or not all of it."""
    try:
        with os.fdopen(read_end, "rb") as pipe:
            message = pipe.read()
    except OSError:
        message = b""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored): the message alone tells
        status = 0
    length = int.from_bytes(message[:_LENGTH], "little")
    if status != 0 or len(message) < _LENGTH or len(message) - _LENGTH != length:
        return None
    try:
        return marshal.loads(message[_LENGTH:])
    except (EOFError, ValueError, TypeError):
        return None


def start(work: Callable[[T], Any], shares: Sequence[T]) -> Children:
    """Run `work(share)` for each share in a child process; its value must be `marshal`-able.

    A share whose child cannot be started (no pipe, no process left: limits of the system) gets
    None, as does a child that fails: the caller does that share itself.
    """
    children = Children()
    for share in shares:
        try:
            read_end, write_end = os.pipe()
        except OSError:
            read_end = -1
        pid = -1
        if read_end >= 0:
            try:
                pid = os.fork()
            except OSError:
                os.close(read_end)
                os.close(write_end)
        if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
            status = 1
            try:
                os.close(read_end)
                for running in children._running:  # the pipes of earlier children are theirs to close
                    if running is not None:
                        os.close(running[1])
                payload = marshal.dumps(work(share))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(len(payload).to_bytes(_LENGTH, "little") + payload)
                status = 0
            except BaseException:  # whatever it was, the parent checks the share itself
                pass
            finally:
                os._exit(status)
        if pid > 0:
            os.close(write_end)
            children._running.append((pid, read_end))
        else:
            children._running.append(None)  # not started: its result stays None
        children._results.append(None)
    return children
