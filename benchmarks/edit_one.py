"""Edit one task file of a data directory, as a member of staff would between two runs.

Used as the "prepare" step of the re-validation benchmark: the title gains or loses a marker (so
the content and size change), and the file's time is set a few seconds back, as for an edit saved
a moment before the command is run (a file changed within the last 2 s is never cached).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ctr199.models import Task
from ctr199.store import DataDir, load_fast, render_task

MARKER = " (đã sửa)"


def edit(root: Path) -> Path:
    """Toggle a marker at the end of the title of the middle task file; return its path."""
    files = DataDir(root).task_files()
    path = files[len(files) // 2]
    task = Task.model_validate(load_fast(path))
    title = task.title.removesuffix(MARKER) if task.title.endswith(MARKER) else task.title + MARKER
    path.write_text(render_task(task.model_copy(update={"title": title})), encoding="utf-8")
    saved = time.time() - 10
    os.utime(path, (saved, saved))
    return path


if __name__ == "__main__":
    edit(Path(sys.argv[1]))
