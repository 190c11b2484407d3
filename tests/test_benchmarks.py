"""The benchmark tools: a deterministic generator of valid data, and the runner's measuring helpers."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from benchmarks import edit_one, run
from benchmarks.generate import DEFAULT_AS_OF, generate

from ctr199.loading import load_programme
from ctr199.models import AgenciesFile, Status
from ctr199.store import DataDir, load_fast

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(200, tmp_path_factory.mktemp("gen") / "n200")


def test_generator_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = generate(200, tmp_path / "again")
    other = generate(30, tmp_path / "other", seed=7)
    files = DataDir(generated).task_files()
    assert len(files) == 200
    assert all(path.read_bytes() == (again / "tasks" / path.name).read_bytes() for path in files)
    assert any(path.read_bytes() != (other / "tasks" / path.name).read_bytes() for path in files[:30])


def test_generated_data_validates_and_looks_like_the_real_thing(generated: Path) -> None:
    programme, report = load_programme(generated, as_of=DEFAULT_AS_OF)
    assert not report.errors, "\n".join(map(str, report.errors))
    assert len(programme.tasks) == 200
    statuses = Counter(record.task.status for record in programme.tasks)
    assert set(statuses) == set(Status)
    assert sum(len(record.task.log) for record in programme.tasks) > 100
    assert any(len(record.milestones) > 1 for record in programme.tasks)
    assert any(record.task.completed_milestones for record in programme.tasks)
    agencies = AgenciesFile.model_validate(load_fast(SHIPPED / "agencies.yaml")).agencies
    names = {agency.name for agency in agencies}
    assert all(lead in names for record in programme.tasks for lead in record.task.lead)
    titles = {record.task.title for record in programme.tasks}
    assert len(titles) > 150  # varied, not the 75 appendix rows repeated
    assert any("phường" in title or "xã" in title for title in titles)


def test_generator_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("giữ lại", encoding="utf-8")
    with pytest.raises(SystemExit):
        generate(5, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").exists()


def test_edit_one_changes_a_file_and_keeps_it_valid(tmp_path: Path) -> None:
    root = generate(20, tmp_path / "n20")
    path = edit_one.edit(root)
    assert path.read_text(encoding="utf-8").count(edit_one.MARKER) == 1
    _, report = load_programme(root, as_of=DEFAULT_AS_OF, use_cache=False)
    assert not report.errors
    edit_one.edit(root)
    assert edit_one.MARKER not in path.read_text(encoding="utf-8")


def test_runner_times_and_reports_peak_memory_and_exit_code() -> None:
    env = run.child_env()
    quick = run.Bench("a", "python -c pass", 0, [sys.executable, "-c", "pass"], runs=3, warmup=1)
    once = run.Bench("b", "python -c pass", 0, [sys.executable, "-c", "pass"], runs=1, warmup=0)
    timings = run.interleaved([quick, once], env)
    assert [len(timings["a"][0]), len(timings["b"][0])] == [3, 1]
    assert all(0 < t < 30 for t in timings["a"][0]) and 0 < timings["a"][1] < 30
    small, code = run.peak_memory([sys.executable, "-c", "raise SystemExit(3)"], env)
    big, _ = run.peak_memory(
        [sys.executable, "-c", "b = bytearray(80_000_000); b[::4096] = b'x' * len(b[::4096])"], env
    )
    assert code == 3
    assert big - small > 60_000  # KiB: the 80 MB the second command touched


def test_runner_table_and_targets() -> None:
    def result(key: str, size: int, seconds: float, peak_kb: int = 50_000) -> run.Result:
        times = [seconds, seconds * 1.1, seconds * 0.9]
        return run.Result(run.Bench(key, key, size, ["x"], 1, 0), times, seconds * 0.8, peak_kb, 0)

    results = [
        result("floor", 0, 0.2),
        result("overdue-75", 75, 0.23),
        result("overdue-10000", 10_000, 0.9),
        result("validate-cold-10000", 10_000, 4.0, peak_kb=400_000),
    ]
    text = run.table(results)
    assert "| overdue-75 | 75 | 230 ms | 207 ms – 253 ms | 184 ms |" in text and "| 1.15 |" in text
    verdicts = run.verdicts({r.bench.key: r for r in results}).splitlines()
    assert verdicts[0].startswith("- ✓ 75 nhiệm vụ") and "1.15×" in verdicts[0]
    assert verdicts[1].startswith("- ✗ 10 000: overdue (có cache)")
    assert "chưa đo" in verdicts[2]
    assert verdicts[3].startswith("- ✓ 10 000: validate không cache")
    assert verdicts[5].startswith("- ✗ 10 000: bộ nhớ đỉnh") and "391 MB" in verdicts[5]
