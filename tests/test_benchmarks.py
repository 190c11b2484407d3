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
    failing = run.Bench("c", "exit 2", 0, [sys.executable, "-c", "raise SystemExit(2)"], runs=2, warmup=0)
    timings = run.interleaved([quick, once, failing], env)
    assert [len(timings["a"].times), len(timings["b"].times)] == [3, 1]
    assert all(0 < t < 30 for t in timings["a"].times) and 0 < timings["a"].cpu < 30
    assert timings["a"].exit_codes == [0, 0, 0] and timings["c"].exit_codes == [2, 2]
    small = run.peak_memory([sys.executable, "-c", "raise SystemExit(3)"], env)
    big = run.peak_memory([sys.executable, "-c", "b = bytearray(80_000_000); b[::4096] = b'x' * len(b[::4096])"], env)
    crash = run.peak_memory([sys.executable, "-c", "raise RuntimeError('boom')"], env)
    assert (small.exit_code, small.crashed) == (3, False)
    assert (crash.exit_code, crash.crashed) == (1, True)  # exit code 1, as for data errors: the traceback tells
    assert big.peak_kb - small.peak_kb > 60_000  # KiB: the 80 MB the second command touched
    assert 0 < big.wall < 30


def test_a_slow_command_is_timed_in_its_memory_run() -> None:
    env = run.child_env()
    slow = run.Bench("s", "python -c pass", 0, [sys.executable, "-c", "pass"], runs=2, warmup=0, peak_timed=True)
    once = run.Bench("o", "python -c pass", 0, [sys.executable, "-c", "pass"], runs=1, warmup=0, peak_timed=True)
    results = {r.bench.key: r for r in run.measure_all([slow, once], env, None)}
    assert [len(results["s"].times), len(results["o"].times)] == [2, 1]
    assert results["o"].ran and results["o"].cpu > 0


def _result(key: str, size: int, seconds: float, peak_kb: int = 50_000, exit_code: int = 0) -> run.Result:
    times = [seconds, seconds * 1.1, seconds * 0.9]
    return run.Result(run.Bench(key, key, size, ["x"], 1, 0), times, seconds * 0.8, peak_kb, exit_code)


def test_runner_table_and_targets() -> None:
    results = [
        _result("floor", 0, 0.2),
        _result("overdue-75", 75, 0.23),
        _result("overdue-10000", 10_000, 0.9),
        _result("taskwarrior-10000", 10_000, 1.0, peak_kb=400_000),  # not ctr199's memory
        _result("overdue-cold-10000", 10_000, 2.5),
        _result("validate-edited-10000", 10_000, 1.2),
        _result("scorecard-10000", 10_000, 0.8, peak_kb=160_000),
        _result("brief-md-10000", 10_000, 1.5, exit_code=2),  # fast, but failed
        _result("overdue-100000", 100_000, 9.9),
        _result("validate-100000", 100_000, 11.0, exit_code=1),  # data errors: still ran
    ]
    text = run.table(results)
    assert "| overdue-75 | 75 | 230 ms | 207 ms – 253 ms | 184 ms |" in text and "| 1.15 |" in text
    assert "| brief-md-10000 (mã thoát 2) | 10 000 |" in text
    lines = run.verdicts({r.bench.key: r for r in results}).splitlines()
    verdicts = [line for line in lines if line[:4] in ("- ✓ ", "- ✗ ", "- ? ")]
    assert len(verdicts) == len(run.targets()) == 10

    def verdict(start: str) -> str:
        return next(line for line in verdicts if line[4:].startswith(start))

    taskwarrior = verdict("10 000: overdue --agency")
    assert taskwarrior.startswith("- ✓") and "0.90× Taskwarrior (900 ms ÷ 1.00 s)" in taskwarrior
    assert "≤ 1.0×: đạt" in taskwarrior
    assert verdict("10 000: overdue --no-cache").startswith("- ✓")
    assert verdict("10 000: validate sau khi sửa").startswith("- ✗") and "1.33× overdue" in verdict("10 000: validate")
    assert verdict("10 000: brief").startswith("- ✗") and "lệnh lỗi" in verdict("10 000: brief")
    assert verdict("10 000: scorecard").startswith("- ✓")
    assert verdict("75 nhiệm vụ: collect").startswith("- ?")
    memory = verdict("10 000: bộ nhớ")
    assert memory.startswith("- ✗") and "156 MB" in memory and "scorecard-10000" in memory
    assert verdict("75 nhiệm vụ: overdue").startswith("- ✗") and "1.15× sàn" in verdict("75 nhiệm vụ: overdue")
    assert verdict("100 000: validate").startswith("- ?")  # no validate-10000 to compare with
    overdue = verdict("100 000: overdue")
    assert overdue.startswith("- ✓") and "11.00× 10 000" in overdue
    assert "Đạt / held: 4/10, chưa đo / not measured: 2." in lines


def test_taskwarrior_gets_one_task_per_milestone_overdue_as_ctr199_counts(generated: Path) -> None:
    import json
    from datetime import date, datetime, timedelta

    from ctr199.query import Category, classify

    today = date(2026, 12, 3)
    items = [json.loads(line) for line in run._taskwarrior_json(generated, 200, today).splitlines()]
    programme, _ = load_programme(generated, as_of=DEFAULT_AS_OF, use_cache=False)
    states = [classify(record, DEFAULT_AS_OF) for record in programme.tasks]
    assert len(items) == sum(max(len(state.milestones), 1) for state in states)
    assert len({item["uuid"] for item in items}) == len(items)
    now = datetime.combine(today, datetime.min.time()).astimezone()  # Taskwarrior's "now" at the start of today
    overdue = [
        item
        for item in items
        if item["status"] == "pending"
        and "due" in item
        and datetime.strptime(item["due"] + "+0000", "%Y%m%dT%H%M%SZ%z") < now
    ]
    milestones = [m for state in states for m in state.milestones if m.category is Category.OVERDUE]
    assert milestones and len(overdue) == len(milestones)
    # Due on the as-of date, not overdue for ctr199: for Taskwarrior, due at the end of "today", local time.
    local = datetime.strptime(run._tw_time(today, end_of_day=True) + "+0000", "%Y%m%dT%H%M%SZ%z").astimezone()
    assert (local.date(), local.hour, local.minute) == (today, 23, 59)
    assert timedelta(0) < local - now < timedelta(days=1)


def test_forms_cycle_prepares_30_forms_that_collect_cleanly(tmp_path: Path) -> None:
    import subprocess

    from benchmarks import forms_cycle

    folder = tmp_path / "forms"
    assert forms_cycle.prepare(folder) == 30
    done = subprocess.run(forms_cycle.collect_argv(folder), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "vào 74 tệp nhiệm vụ" in done.stdout
    assert (SHIPPED / "tasks" / "030.yaml").read_text(encoding="utf-8").endswith("log: []\n")  # shipped data untouched
