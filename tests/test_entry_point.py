"""The console-script entry point in a real process: what it sets up for a run, and that output survives the exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SHIPPED


def _run(code: str, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CTR199_NO_CACHE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_exit_skips_the_collectors_last_pass() -> None:
    # A handler registered before main() runs after main's own (atexit is last in, first out).
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "sys.argv = ['ctr199', 'validate', 'data', '--as-of', '2026-07-01']\n"
        "from ctr199.cli import main\n"
        "main()\n"
    )
    done = _run(code, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "frozen at exit: True" in done.stderr
    assert "Dữ liệu hợp lệ" in done.stdout


def test_piped_output_is_complete_after_the_exit_shortcut(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ctr199", "list", "--data", str(SHIPPED), "--as-of", "2026-07-01", "--format", "json"],
        cwd=tmp_path,
        env={**os.environ, "CTR199_NO_CACHE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    tasks = json.loads(done.stdout)
    assert [task["id"] for task in tasks] == list(range(1, 76))
