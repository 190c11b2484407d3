"""Ten thousand tasks, made from the shapes of the shipped ones: validated and queried without error."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from ..conftest import SHIPPED, cpu_limit, tree_digest
from .common import AS_OF, invoke

COUNT = 10_000


def test_ten_thousand_tasks_validate_and_query(tmp_path: Path) -> None:
    shapes = [path.read_text(encoding="utf-8") for path in sorted((SHIPPED / "tasks").glob("*.yaml"))]
    root = tmp_path / "data"
    (root / "tasks").mkdir(parents=True)
    for name in ("agencies.yaml", "groups.yaml", "indicators.yaml", "programme.yaml"):
        shutil.copy(SHIPPED / name, root / name)
    for number in range(1, COUNT + 1):
        text = re.sub(r"^id: \d+$", f"id: {number}", shapes[(number - 1) % len(shapes)], count=1, flags=re.M)
        (root / "tasks" / f"{number:05d}.yaml").write_text(text, encoding="utf-8")
    # What each shape contributes, from the shipped data itself.
    shipped = json.loads(invoke("overdue", "-f", "json", "-d", str(SHIPPED), "--as-of", AS_OF).stdout)
    overdue_per_shape = Counter(item["id"] for item in shipped)
    before = tree_digest(root)
    with cpu_limit(150):  # generous: about 10 s a command on a small machine
        checked = invoke("validate", str(root), "--as-of", AS_OF)
        assert checked.exit_code == 0, checked.stdout[-2000:]
        assert f"{COUNT} nhiệm vụ, 22 chỉ tiêu — 0 lỗi" in checked.stdout.splitlines()[-1]

        overdue = invoke("overdue", "-f", "json", "-d", str(root), "--as-of", AS_OF)
        assert (overdue.exit_code, overdue.stderr) == (0, "")
        expected = sum(overdue_per_shape[(number - 1) % len(shapes) + 1] for number in range(1, COUNT + 1))
        assert len(json.loads(overdue.stdout)) == expected > 0

        listed = invoke("list", "-f", "json", "-d", str(root), "--as-of", AS_OF)
        assert (listed.exit_code, listed.stderr) == (0, "")
        assert [task["id"] for task in json.loads(listed.stdout)] == list(range(1, COUNT + 1))
    assert tree_digest(root) == before
