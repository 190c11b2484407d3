"""Time whole ctr199 commands side by side with the floor (a typer "hello world") and Taskwarrior.

    make bench                                   # = python benchmarks/run.py --readme (75, 10,000, 100,000 tasks)
    python benchmarks/run.py --sizes 75,10000 --runs 5
    python benchmarks/run.py --readme            # also write the table into README.md (make bench does)
    python benchmarks/run.py --hyperfine         # time with hyperfine, one command after another

Each command runs as a whole process, as staff run it, in rounds that run every command once, so
that load from others on a shared machine falls on all commands alike (`--hyperfine` times each
command's runs back to back with hyperfine instead). The table shows the median (not the mean: the
machine may be busy), the spread, the mean CPU time, and the peak memory (RSS) of one more run. Data: the
shipped data for 75 tasks, generated trees (benchmarks/generate.py) in build/bench/ for more, made
once and kept. ctr199's cache goes to build/bench/, never the user's own. From 100,000 tasks on each
command runs 3 times after 1 warm-up, the run that measures memory being one of the 3.

Under the table: each target of issue #18 with its figure or ratio and whether it holds, then a check
that Taskwarrior, given the same milestones, finds as many overdue ones as ctr199 does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import forms_cycle
from benchmarks.generate import DEFAULT_AS_OF, STAMP, ensure

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "bench"
SHIPPED = REPO / "data"
AGENCY = "Sở Xây dựng"
AGENCY_CODE = "SXD"
AS_OF = DEFAULT_AS_OF
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
TEN_K = 10_000
HUNDRED_K = 100_000
BIG = HUNDRED_K  # from this size on, fewer runs: one command takes seconds to a minute
BIG_RUNS = 3
SLOW_RUNS = 3  # --no-cache commands from 10,000 tasks on
TW_DATA_VERSION = 2  # bump when _taskwarrior_json changes, so that Taskwarrior databases are imported again


@dataclass
class Bench:
    key: str
    label: str
    size: int
    argv: list[str]
    runs: int
    warmup: int
    prepare: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    # A slow command: the run that measures its memory is also one of its `runs` timed runs.
    peak_timed: bool = False

    @property
    def rounds(self) -> int:
        """How many times it runs in the interleaved rounds."""
        return self.runs - 1 if self.peak_timed else self.runs


@dataclass
class Result:
    bench: Bench
    times: list[float]
    cpu: float  # mean user + system seconds of a run: steadier than wall time on a busy machine
    peak_kb: int
    exit_code: int  # of the memory run, or the first of the timed runs that ended otherwise than 0 or 1
    crashed: bool = False  # a traceback on stderr, or killed by a signal

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def ran(self) -> bool:
        """Ended as ctr199 should (0 = fine, 1 = data errors or findings): no usage error (2), no crash."""
        return self.exit_code in (0, 1) and not self.crashed


class Timing(NamedTuple):
    times: list[float]
    cpu: float  # mean CPU seconds of a run
    exit_codes: list[int]


class PeakRun(NamedTuple):
    peak_kb: int
    exit_code: int
    crashed: bool
    wall: float
    cpu: float


# ---------------------------------------------------------------- running commands


def spawn(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run once: wall seconds, CPU (user + system) seconds and exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.returncode


# Reports the peak RSS of a command in KiB. Run in between because a child's peak counts the
# memory it had before exec, i.e. a copy of whoever forked it: a small process must do the forking.
_PEAK_HELPER = """
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_memory(argv: list[str], env: dict[str, str]) -> PeakRun:
    """One run: its peak RSS (KiB), exit code, whether it crashed, wall and CPU seconds. With GNU time
    when installed, else a small Python helper."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
            command = ["/usr/bin/time", "-o", out.name, "-f", "%M %x", *argv]
            done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            report = out.read()
        signalled = "terminated by signal" in report
    else:  # the helper's own few MB are the floor of what it can report
        helper = [sys.executable, "-c", _PEAK_HELPER, *argv]
        done = subprocess.run(helper, env=env, capture_output=True)
        report = done.stdout.decode()
        signalled = int(report.split()[-1]) < 0
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    words = report.split()
    # An uncaught exception also ends with exit code 1, as data errors do: its traceback tells them apart.
    crashed = signalled or b"Traceback (most recent call last)" in done.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return PeakRun(int(words[-2]), int(words[-1]), crashed, elapsed, cpu)


def with_hyperfine(bench: Bench, env: dict[str, str], hyperfine: str) -> Timing:
    if bench.rounds == 0:
        return Timing([], 0.0, [])
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "result.json"
        command = [hyperfine, "-N", "--style", "none", "-i", "--warmup", str(bench.warmup)]
        command += ["--runs", str(bench.rounds), "--export-json", str(export)]
        if bench.prepare:
            command += ["--prepare", shlex.join(bench.prepare)]
        subprocess.run([*command, shlex.join(bench.argv)], env=env, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(export.read_text(encoding="utf-8"))["results"][0]
        return Timing(result["times"], result["user"] + result["system"], result.get("exit_codes", []))


def prepared(bench: Bench, env: dict[str, str]) -> dict[str, str]:
    """Run the bench's prepare step, if it has one; the environment to run the bench in."""
    bench_env = {**env, **bench.env}
    if bench.prepare:
        subprocess.run(bench.prepare, env=bench_env, check=True)
    return bench_env


def interleaved(benches: list[Bench], env: dict[str, str]) -> dict[str, Timing]:
    """Timings in rounds, each round running every command once: on a shared machine a burst of
    load then falls on all commands alike instead of on whichever was being repeated."""
    for bench in benches:
        for _ in range(bench.warmup):
            spawn(bench.argv, prepared(bench, env))
    times: dict[str, list[float]] = {bench.key: [] for bench in benches}
    cpu: dict[str, list[float]] = {bench.key: [] for bench in benches}
    codes: dict[str, list[int]] = {bench.key: [] for bench in benches}
    for round_number in range(max((bench.rounds for bench in benches), default=0)):
        for bench in benches:
            if round_number < bench.rounds:
                elapsed, used, code = spawn(bench.argv, prepared(bench, env))
                times[bench.key].append(elapsed)
                cpu[bench.key].append(used)
                codes[bench.key].append(code)
    return {key: Timing(times[key], statistics.mean(cpu[key] or [0.0]), codes[key]) for key in times}


def measure_all(benches: list[Bench], env: dict[str, str], hyperfine: str | None) -> list[Result]:
    timings = {} if hyperfine else interleaved(benches, env)
    results = []
    for bench in benches:
        if hyperfine:
            print(f"Đo: {bench.label} ({bench.size or '—'}) …", file=sys.stderr)
        timing = with_hyperfine(bench, {**env, **bench.env}, hyperfine) if hyperfine else timings[bench.key]
        peak = peak_memory(bench.argv, prepared(bench, env))  # one more run, for its memory and exit code
        times, cpu = timing.times, timing.cpu
        if bench.peak_timed:  # that run counts among the timed ones
            times = [*times, peak.wall]
            cpu = (timing.cpu * len(timing.times) + peak.cpu) / len(times)
        code = next((c for c in timing.exit_codes if c not in (0, 1)), peak.exit_code)
        results.append(Result(bench, times, cpu, peak.peak_kb, code, peak.crashed))
    return results


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Let Python keep compiled modules (__pycache__), as on any normal install; some
    # sandboxes switch that off, which would add compile time to every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("CTR199_NO_CACHE", "CTR199_DATA", "TASKRC", "TASKDATA"):
        env.pop(name, None)
    # ctr199's cache goes under build/bench/; on Linux through XDG_CACHE_HOME, so that finding the
    # default cache folder (platformdirs) is timed too, as in every real run.
    for name in ("CTR199_CACHE_DIR", "XDG_CACHE_HOME"):
        env.pop(name, None)
    if sys.platform.startswith("linux"):
        env["XDG_CACHE_HOME"] = str(BUILD / "xdg-cache")
    else:
        env["CTR199_CACHE_DIR"] = str(BUILD / "cache")
    return env


# ---------------------------------------------------------------- what to run


def taskwarrior(root: Path, size: int, env: dict[str, str]) -> dict[str, str] | None:
    """TASKRC/TASKDATA of a Taskwarrior database holding the same milestones (imported once per day)."""
    if shutil.which("task") is None:
        return None
    folder = BUILD / f"taskwarrior-{size}"
    today = date.today()
    stamp = {"version": TW_DATA_VERSION, "size": size, "root": str(root), "today": today.isoformat()}
    stamp["tree"] = _tree_stamp(root)
    data = folder / "data"
    rc = folder / "taskrc"
    tw_env = {"TASKRC": str(rc), "TASKDATA": str(data)}
    try:
        if json.loads((folder / "stamp.json").read_text(encoding="utf-8")) == stamp:
            return tw_env
    except (OSError, ValueError):
        pass
    shutil.rmtree(folder, ignore_errors=True)
    data.mkdir(parents=True)
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\ncolor=off\nhooks=off\n", encoding="utf-8")
    source = folder / "tasks.json"
    print(f"Nhập {size} nhiệm vụ vào Taskwarrior …", file=sys.stderr)
    # In a process of its own: loading 100,000 tasks takes ~1 GB, which this one should not keep while timing.
    with ProcessPoolExecutor(1) as pool:
        source.write_text(pool.submit(_taskwarrior_json, root, size, today).result(), encoding="utf-8")
    subprocess.run(["task", "import", str(source)], env={**env, **tw_env}, check=True, capture_output=True)
    # The first command after an import moves completed tasks out of pending.data (Taskwarrior's gc):
    # done here, so that it is not part of any timed or warm-up run.
    subprocess.run(["task", "count"], env={**env, **tw_env}, check=True, capture_output=True)
    (folder / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return tw_env


def _tree_stamp(root: Path) -> str:
    stamp = root / STAMP
    return stamp.read_text(encoding="utf-8") if stamp.exists() else "shipped"


def _taskwarrior_json(root: Path, size: int, today: date) -> str:
    """The programme as Taskwarrior JSON, one task per milestone, as ctr199 judges it on AS_OF.

    Taskwarrior has one due date per task, ctr199 counts overdue milestones (a task may have several),
    so each milestone is a task of its own: due the date in force on AS_OF (after approved extensions),
    completed when ctr199 counts it met by then, tagged with the codes of every lead agency (a task may
    have two; `project` takes the first). Taskwarrior has no "as of" date: +OVERDUE means due before
    now, on the real clock. So dates move by (today - AS_OF), and each due date is the end of its day,
    local time (a due of 00:00 would already be overdue on its own day, which ctr199 never counts).
    The database is imported again on another day.
    """
    from ctr199.loading import load_programme
    from ctr199.query import Category, classify, leads_of

    programme, _ = load_programme(root, as_of=AS_OF, use_cache=False)  # not the user's cache
    shift = today - AS_OF
    lines = []
    for record in programme.tasks:
        state = classify(record, AS_OF)
        codes = [agency.code for agency in leads_of(record, programme.registry)] or ["KHAC"]
        several = len(state.milestones) > 1
        for milestone in state.milestones or [None]:
            number = milestone.number if milestone else 0
            item: dict[str, object] = {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ctr199-bench/{size}/{record.task.id}/{number}")),
                "description": f"{record.task.title} — mốc {number}: {milestone.label}"
                if milestone and several
                else record.task.title,
                "status": "pending",
                "entry": _tw_time(date(2026, 1, 1) + shift),
                "project": codes[0],
                "tags": codes,
            }
            if milestone is None:  # no milestone: done or not as the task is
                done = state.category in (Category.DONE_ON_TIME, Category.DONE_LATE)
                done_on = record.task.completed_on if done else None
            else:
                done_on = milestone.done_on
                if milestone.due is not None:
                    item["due"] = _tw_time(milestone.due + shift, end_of_day=True)
            if done_on is not None:
                item["status"] = "completed"
                item["end"] = _tw_time(done_on + shift)
            lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _tw_time(day: date, *, end_of_day: bool = False) -> str:
    """Midnight, or 23:59:59, of `day` in local time, as Taskwarrior's UTC timestamps."""
    moment = datetime.combine(day, clock(23, 59, 59) if end_of_day else clock(0, 0)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}"


def taskwarrior_version() -> str | None:
    if shutil.which("task") is None:
        return None
    done = subprocess.run(["task", "--version"], capture_output=True, text=True, env={"TASKRC": os.devnull})
    return done.stdout.strip() or "?"


def taskwarrior_argv() -> list[str]:
    return ["task", f"+{AGENCY_CODE}", "+OVERDUE", "list"]


def benches(sizes: list[int], runs: int, env: dict[str, str]) -> list[Bench]:
    python = sys.executable
    ctr199 = str(Path(python).parent / "ctr199")
    as_of = ["--as-of", AS_OF.isoformat()]
    hello = [python, str(REPO / "benchmarks" / "hello.py")]
    found = [
        Bench("floor", "typer hello-world (sàn / floor)", 0, hello, runs, 2),
        # Like for like: typer converts a given option value through pydantic, which the bare floor never does.
        Bench(
            "floor-option",
            "typer hello-world --name … (một tùy chọn / one option)",
            0,
            [*hello, "--name", "HP"],
            runs,
            2,
        ),
        # ctr199 turns the collector off while it runs and skips its last pass at exit (~30 ms);
        # against this row, what remains is ctr199's own work.
        Bench(
            "floor-gc",
            "typer hello-world, GC như ctr199 (same GC set-up as ctr199)",
            0,
            hello,
            runs,
            2,
            env={"BENCH_CTR199_GC": "1"},
        ),
    ]
    for size in sizes:
        root = SHIPPED if size == 75 else ensure(size, BUILD / f"n{size}")
        data = ["--data", str(root)]
        big = size >= BIG
        # From 100,000 tasks: 3 runs after 1 warm-up (which also fills the cache), the memory run among them.
        warm_runs, warmup = (min(runs, BIG_RUNS), 1) if big else (runs, 2)
        cold_runs = min(runs, SLOW_RUNS) if size >= TEN_K else runs
        overdue = [ctr199, "overdue", "--agency", AGENCY, *data, *as_of]
        label = f'ctr199 overdue --agency "{AGENCY}"'
        found.append(Bench(f"overdue-{size}", label, size, overdue, warm_runs, warmup, peak_timed=big))
        if TEN_K <= size < BIG:
            cold = [ctr199, "--no-cache", *overdue[1:]]
            found.append(Bench(f"overdue-cold-{size}", "… --no-cache", size, cold, cold_runs, 0))
        if not big:
            argv = [ctr199, "list", *data, *as_of, "--agency", AGENCY]
            found.append(Bench(f"list-{size}", "ctr199 list --agency …", size, argv, runs, 2))
            argv = [ctr199, "scorecard", *data, *as_of]
            found.append(Bench(f"scorecard-{size}", "ctr199 scorecard", size, argv, runs, 2))
            # The weekly brief in Markdown, from the cache, written to a file as staff would keep it.
            out = BUILD / f"bao-cao-tuan-{size}.md"
            argv = [ctr199, "brief", *data, *as_of, "--format", "md", "-o", str(out), "--force"]
            found.append(Bench(f"brief-md-{size}", "ctr199 brief --format md -o ….md", size, argv, runs, 2))
        if size == 75:  # the weekly brief in Word, nothing cached: the data checked and the chart drawn again
            out = BUILD / "bao-cao-tuan.docx"
            argv = [ctr199, "--no-cache", "brief", *data, *as_of, "-o", str(out), "--force"]
            found.append(Bench("brief-docx-75", "ctr199 --no-cache brief -o ….docx", size, argv, runs, 0))
        validate = [ctr199, "validate", str(root), *as_of]
        found.append(Bench(f"validate-{size}", "ctr199 validate", size, validate, warm_runs, warmup, peak_timed=big))
        # 100,000 tasks without the cache: about a minute, so once (the memory run).
        cold_validate = [ctr199, "--no-cache", *validate[1:]]
        found.append(
            Bench(
                f"validate-cold-{size}",
                "ctr199 --no-cache validate",
                size,
                cold_validate,
                1 if big else cold_runs,
                0,
                peak_timed=big,
            )
        )
        if 75 < size < BIG:  # never edit the shipped data
            edit = [python, str(REPO / "benchmarks" / "edit_one.py"), str(root)]
            found.append(
                Bench(f"validate-edited-{size}", "ctr199 validate, 1 tệp vừa sửa", size, validate, runs, 1, edit)
            )
        if size == 75:  # the weekly cycle with the agencies: forms out, 30 returned forms collected
            folder = BUILD / "forms"
            forms_cycle.prepare(folder)
            reset = [python, str(REPO / "benchmarks" / "forms_cycle.py"), "reset", str(folder)]
            found.append(Bench("forms-75", "ctr199 forms (mọi cơ quan)", size, forms_cycle.forms_argv(folder), runs, 1))
            found.append(
                Bench("collect-75", "ctr199 collect (30 phiếu)", size, forms_cycle.collect_argv(folder), runs, 0, reset)
            )
        tw_env = taskwarrior(root, size, env)
        if tw_env is not None:
            argv = taskwarrior_argv()
            found.append(
                Bench(
                    f"taskwarrior-{size}", shlex.join(argv), size, argv, warm_runs, warmup, env=tw_env, peak_timed=big
                )
            )
    return found


def overdue_counts(sizes: list[int], env: dict[str, str]) -> str:
    """How many overdue milestones ctr199 and Taskwarrior each find, for the agency and in all: they must agree."""
    ctr199 = str(Path(sys.executable).parent / "ctr199")
    lines = []
    for size in sizes:
        folder = BUILD / f"taskwarrior-{size}"
        if taskwarrior_version() is None or not (folder / "stamp.json").exists():
            continue
        root = SHIPPED if size == 75 else BUILD / f"n{size}"
        tw_env = {**env, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "data")}
        counts = []
        for ours, theirs in (
            (["--agency", AGENCY], [f"+{AGENCY_CODE}"]),
            ([], []),
        ):
            argv = [ctr199, "overdue", *ours, "--data", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"]
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
            counted = subprocess.run(["task", *theirs, "+OVERDUE", "count"], env=tw_env, capture_output=True, text=True)
            counts.append(
                (
                    len(json.loads(done.stdout)) if done.returncode == 0 else None,
                    int(counted.stdout) if counted.stdout.strip().isdigit() else None,
                )
            )
        same = all(ours == theirs and ours is not None for ours, theirs in counts)
        verdict = "khớp / same" if same else "KHÁC / DIFFERENT"
        imported = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))["today"]
        if imported != date.today().isoformat():
            verdict += f" (Taskwarrior nhập cho ngày {imported}, hôm nay đã khác)"
        (agency_ours, agency_theirs), (all_ours, all_theirs) = counts
        lines.append(
            f"{_count(size)}: {AGENCY_CODE} ctr199 {agency_ours}, Taskwarrior {agency_theirs}; "
            f"mọi cơ quan / all ctr199 {all_ours}, Taskwarrior {all_theirs} — {verdict}"
        )
    if not lines:
        return ""
    return (
        f"Kiểm tra / sanity: số mốc quá hạn tính đến {AS_OF:%d/%m/%Y} (ctr199 overdue [--agency …] --format json; "
        f"task [+{AGENCY_CODE}] +OVERDUE count): " + "; ".join(lines) + "."
    )


def _count(size: int) -> str:
    return f"{size:,}".replace(",", " ")


# ---------------------------------------------------------------- report

Check = Callable[[dict[str, Result]], tuple[bool, str]]


@dataclass
class Target:
    text: str
    keys: tuple[str, ...]  # the rows it needs: without them, "not measured"
    check: Check


def targets() -> list[Target]:
    """The targets of issue #18, each with the figure or ratio it is judged on."""
    ten, hundred = TEN_K, HUNDRED_K

    def ratio(top: str, bottom: str, limit: float, unit: str) -> Check:
        def check(results: dict[str, Result]) -> tuple[bool, str]:
            value = results[top].median / results[bottom].median
            shown = f"{value:.2f}× {unit} ({_ms(results[top].median)} ÷ {_ms(results[bottom].median)})"
            return value <= limit, shown

        return check

    def under(key: str, seconds: float) -> Check:
        return lambda results: (results[key].median <= seconds, _ms(results[key].median))

    def versus_taskwarrior(results: dict[str, Result]) -> tuple[bool, str]:
        ok, shown = ratio(f"overdue-{ten}", f"taskwarrior-{ten}", 1.2, "Taskwarrior")(results)
        value = results[f"overdue-{ten}"].median / results[f"taskwarrior-{ten}"].median
        stretch = "đạt / held" if value <= 1.0 else "chưa / not held"
        return ok, f"{shown}; mức phấn đấu / stretch ≤ 1.0×: {stretch}"

    def memory(results: dict[str, Result]) -> tuple[bool, str]:
        ours = [r for r in results.values() if r.bench.size == ten and not r.bench.key.startswith("taskwarrior")]
        top = max(ours, key=lambda r: r.peak_kb)
        return top.peak_kb <= 150 * 1024, f"{top.peak_kb / 1024:.0f} MB, lớn nhất / largest: {top.bench.label}"

    def linear(command: str) -> Check:
        def check(results: dict[str, Result]) -> tuple[bool, str]:
            big = results[f"{command}-{hundred}"]
            ok, shown = ratio(f"{command}-{hundred}", f"{command}-{ten}", 12, "10 000")(results)
            return ok and big.ran, f"{shown}, mã thoát / exit {big.exit_code}{', LỖI / CRASHED' if big.crashed else ''}"

        return check

    return [
        Target(
            "10 000: overdue --agency (có cache / warm) ≤ 1.2 × Taskwarrior",
            (f"overdue-{ten}", f"taskwarrior-{ten}"),
            versus_taskwarrior,
        ),
        Target("10 000: overdue --no-cache ≤ 3 s", (f"overdue-cold-{ten}",), under(f"overdue-cold-{ten}", 3)),
        Target(
            "10 000: validate sau khi sửa 1 tệp / after one edit ≤ 1.2 × overdue (có cache)",
            (f"validate-edited-{ten}", f"overdue-{ten}"),
            ratio(f"validate-edited-{ten}", f"overdue-{ten}", 1.2, "overdue"),
        ),
        Target("10 000: brief --format md ≤ 2 s", (f"brief-md-{ten}",), under(f"brief-md-{ten}", 2)),
        Target("10 000: scorecard ≤ 1 s", (f"scorecard-{ten}",), under(f"scorecard-{ten}", 1)),
        Target("75 nhiệm vụ: collect 30 phiếu / forms ≤ 3 s", ("collect-75",), under("collect-75", 3)),
        Target("10 000: bộ nhớ đỉnh / peak RSS, mọi lệnh ctr199 ≤ 150 MB", (f"overdue-{ten}",), memory),
        Target(
            "75 nhiệm vụ: overdue ≤ 1.0 × sàn typer / floor",
            ("overdue-75", "floor"),
            ratio("overdue-75", "floor", 1.0, "sàn"),
        ),
        Target(
            "100 000: validate chạy được / works, ≤ 12 × 10 000",
            (f"validate-{hundred}", f"validate-{ten}"),
            linear("validate"),
        ),
        Target(
            "100 000: overdue chạy được / works, ≤ 12 × 10 000",
            (f"overdue-{hundred}", f"overdue-{ten}"),
            linear("overdue"),
        ),
    ]


def informative(results: dict[str, Result]) -> list[str]:
    """Figures worth a look that #18 sets no target for (some were targets before it)."""
    lines = []

    def ratio(text: str, top: str, bottom: str) -> None:
        if top in results and bottom in results:
            value = results[top].median / results[bottom].median
            lines.append(f"- {text}: {value:.2f}× ({_ms(results[top].median)} ÷ {_ms(results[bottom].median)})")

    def figure(text: str, key: str) -> None:
        if key in results:
            lines.append(f"- {text}: {_ms(results[key].median)}")

    ratio("75 nhiệm vụ: overdue ÷ sàn GC như ctr199 / floor with ctr199's GC", "overdue-75", "floor-gc")
    ratio("75 nhiệm vụ: overdue ÷ Taskwarrior", "overdue-75", "taskwarrior-75")
    ratio("100 000: overdue ÷ Taskwarrior", f"overdue-{HUNDRED_K}", f"taskwarrior-{HUNDRED_K}")
    ratio("100 000 ÷ 10 000: Taskwarrior", f"taskwarrior-{HUNDRED_K}", f"taskwarrior-{TEN_K}")
    ratio("100 000 ÷ 10 000: validate --no-cache", f"validate-cold-{HUNDRED_K}", f"validate-cold-{TEN_K}")
    figure("10 000: validate --no-cache", f"validate-cold-{TEN_K}")
    figure("75 nhiệm vụ: forms cho mọi cơ quan / for every agency", "forms-75")
    figure("75 nhiệm vụ: brief docx --no-cache", "brief-docx-75")
    if lines:
        lines.insert(0, "Không phải chỉ tiêu / not targets:")
    return lines


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(results: list[Result]) -> str:
    floor = next((r.median for r in results if r.bench.key == "floor"), None)
    rows = [
        "| Lệnh / command | Nhiệm vụ | Trung vị / median | min – max | CPU | Bộ nhớ đỉnh / peak RSS | × sàn |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results:
        bench = result.bench
        ratio = f"{result.median / floor:.2f}" if floor else ""
        size = _count(bench.size) if bench.size else "—"
        failed = f" (mã thoát {result.exit_code})" if result.exit_code not in (0, 1) else ""
        failed += " (LỖI / CRASHED)" if result.crashed else ""
        rows.append(
            f"| {bench.label}{failed} | {size} | {_ms(result.median)} | {_ms(min(result.times))} – "
            f"{_ms(max(result.times))} | {_ms(result.cpu)} | {result.peak_kb / 1024:.0f} MB | {ratio} |"
        )
    return "\n".join(rows)


def verdicts(results: dict[str, Result]) -> str:
    lines = ["Chỉ tiêu / targets (#18):"]
    held = 0
    chosen = targets()
    for target in chosen:
        missing = [key for key in target.keys if key not in results]
        if missing:
            lines.append(f"- ? {target.text}: chưa đo / not measured ({', '.join(missing)})")
            continue
        ok, shown = target.check(results)
        broken = [results[key].bench.label for key in target.keys if not results[key].ran]
        if broken:  # a command that failed proves nothing, however fast
            ok, shown = False, f"{shown}; lệnh lỗi / failed: {', '.join(broken)}"
        held += ok
        lines.append(f"- {'✓' if ok else '✗'} {target.text}: {shown}")
    unmeasured = sum(line.startswith("- ?") for line in lines)
    lines.append(
        f"Đạt / held: {held}/{len(chosen)}" + (f", chưa đo / not measured: {unmeasured}." if unmeasured else ".")
    )
    extra = informative(results)
    return "\n".join(lines + ([""] if extra else []) + extra)


def conditions(hyperfine: str | None, runs: int, sizes: list[int], load: tuple[float, float, float]) -> str:
    runner = "hyperfine" if hyperfine else "các lệnh chạy xen kẽ từng vòng"
    if hyperfine:
        version = subprocess.run([hyperfine, "--version"], capture_output=True, text=True).stdout.strip()
        runner = version or runner
    tw = taskwarrior_version()
    taskwarrior_text = (
        f"Taskwarrior {tw} (mỗi mốc một việc, ngày dời để hôm nay là ngày đối chiếu)" if tw else "không có Taskwarrior"
    )
    counts = f"{runs} lần đo mỗi lệnh"
    if any(size >= TEN_K for size in sizes):
        counts += f" ({min(runs, SLOW_RUNS)} lần cho lệnh --no-cache từ 10 000 nhiệm vụ"
        if any(size >= BIG for size in sizes):
            counts += f"; {min(runs, BIG_RUNS)} lần, 1 lần chạy thử cho 100 000, validate --no-cache 1 lần"
        counts += ")"
    return (
        f"{datetime.now():%d/%m/%Y %H:%M}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} nhân CPU, tải trung bình lúc bắt đầu {load[0]:.2f}; {taskwarrior_text}; {runner}, "
        f"{counts}, ngày đối chiếu {AS_OF:%d/%m/%Y}."
    )


def write_readme(text: str) -> None:
    readme = REPO / "README.md"
    content = readme.read_text(encoding="utf-8")
    if README_START not in content or README_END not in content:
        raise SystemExit(f"README.md không có {README_START} … {README_END}")
    head, rest = content.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{text}\n{README_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Đo thời gian các lệnh ctr199 (cả tiến trình).")
    parser.add_argument("--sizes", default="75,10000,100000", help="số nhiệm vụ, cách nhau bằng dấu phẩy")
    parser.add_argument("--runs", type=int, default=10, help="số lần đo mỗi lệnh nhanh")
    parser.add_argument(
        "--hyperfine",
        action="store_true",
        help="đo bằng hyperfine (nếu có): các lần chạy một lệnh liền nhau; mặc định: chạy xen kẽ từng vòng",
    )
    parser.add_argument("--readme", action="store_true", help="ghi bảng kết quả vào README.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    hyperfine = shutil.which("hyperfine") if args.hyperfine else None
    env = child_env()
    load = os.getloadavg()
    chosen = benches(sizes, args.runs, env)
    if not hyperfine:
        print(f"Đo {len(chosen)} lệnh, {args.runs} vòng xen kẽ …", file=sys.stderr)
    started = time.perf_counter()
    results = measure_all(chosen, env, hyperfine)
    by_key = {result.bench.key: result for result in results}
    parts = [conditions(hyperfine, args.runs, sizes, load), table(results), verdicts(by_key)]
    text = "\n\n".join(part for part in [*parts, overdue_counts(sizes, env)] if part)
    print(f"Đo xong sau {time.perf_counter() - started:.0f} s.", file=sys.stderr)
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    if args.readme:
        write_readme(text)


if __name__ == "__main__":
    main()
