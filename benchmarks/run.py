"""Time whole ctr199 commands side by side with the floor (a typer "hello world") and Taskwarrior.

    make bench                                   # = python benchmarks/run.py
    python benchmarks/run.py --sizes 75,1000 --runs 5
    python benchmarks/run.py --readme            # also write the table into README.md
    python benchmarks/run.py --hyperfine         # time with hyperfine, one command after another

Each command runs as a whole process, as staff run it, in rounds that run every command once, so
that load from others on a shared machine falls on all commands alike (`--hyperfine` times each
command's runs back to back with hyperfine instead). The table shows the median (not the mean: the
machine may be busy), the spread, the mean CPU time, and the peak memory (RSS) of one more run. Data: the
shipped data for 75 tasks, generated trees (benchmarks/generate.py) in build/bench/ for more.
ctr199's cache goes to build/bench/, never the user's own.
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
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

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


@dataclass
class Result:
    bench: Bench
    times: list[float]
    cpu: float  # mean user + system seconds of a run: steadier than wall time on a busy machine
    peak_kb: int
    exit_code: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# ---------------------------------------------------------------- running commands


def spawn(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run once: wall seconds and CPU (user + system) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# Reports the peak RSS of a command in KiB. Run in between because a child's peak counts the
# memory it had before exec, i.e. a copy of whoever forked it: a small process must do the forking.
_PEAK_HELPER = """
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_memory(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Peak RSS (KiB) and exit code of one run: with GNU time when installed, else a small Python helper."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
            command = ["/usr/bin/time", "-o", out.name, "-f", "%M %x", *argv]
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            words = out.read().split()
    else:  # the helper's own few MB are the floor of what it can report
        done = subprocess.run([sys.executable, "-c", _PEAK_HELPER, *argv], env=env, capture_output=True, text=True)
        words = done.stdout.split()
    return int(words[-2]), int(words[-1])


def with_hyperfine(bench: Bench, env: dict[str, str], hyperfine: str) -> tuple[list[float], float]:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "result.json"
        command = [hyperfine, "-N", "--style", "none", "-i", "--warmup", str(bench.warmup)]
        command += ["--runs", str(bench.runs), "--export-json", str(export)]
        if bench.prepare:
            command += ["--prepare", shlex.join(bench.prepare)]
        subprocess.run([*command, shlex.join(bench.argv)], env=env, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(export.read_text(encoding="utf-8"))["results"][0]
        return result["times"], result["user"] + result["system"]


def prepared(bench: Bench, env: dict[str, str]) -> dict[str, str]:
    """Run the bench's prepare step, if it has one; the environment to run the bench in."""
    bench_env = {**env, **bench.env}
    if bench.prepare:
        subprocess.run(bench.prepare, env=bench_env, check=True)
    return bench_env


def interleaved(benches: list[Bench], env: dict[str, str]) -> dict[str, tuple[list[float], float]]:
    """Timings in rounds, each round running every command once: on a shared machine a burst of
    load then falls on all commands alike instead of on whichever was being repeated."""
    for bench in benches:
        for _ in range(bench.warmup):
            spawn(bench.argv, prepared(bench, env))
    times: dict[str, list[float]] = {bench.key: [] for bench in benches}
    cpu: dict[str, list[float]] = {bench.key: [] for bench in benches}
    for round_number in range(max(bench.runs for bench in benches)):
        for bench in benches:
            if round_number < bench.runs:
                elapsed, used = spawn(bench.argv, prepared(bench, env))
                times[bench.key].append(elapsed)
                cpu[bench.key].append(used)
    return {key: (times[key], statistics.mean(cpu[key])) for key in times}


def measure_all(benches: list[Bench], env: dict[str, str], hyperfine: str | None) -> list[Result]:
    timings = {} if hyperfine else interleaved(benches, env)
    results = []
    for bench in benches:
        if hyperfine:
            print(f"Đo: {bench.label} ({bench.size or '—'}) …", file=sys.stderr)
        times, cpu = with_hyperfine(bench, {**env, **bench.env}, hyperfine) if hyperfine else timings[bench.key]
        peak, code = peak_memory(bench.argv, prepared(bench, env))  # one more run, for its memory and exit code
        results.append(Result(bench, times, cpu, peak, code))
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
    """TASKRC/TASKDATA of a Taskwarrior database holding the same tasks (imported once per day)."""
    if shutil.which("task") is None:
        return None
    folder = BUILD / f"taskwarrior-{size}"
    today = date.today()
    stamp = {"size": size, "root": str(root), "today": today.isoformat(), "tree": _tree_stamp(root)}
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
    source.write_text(_taskwarrior_json(root, size, today), encoding="utf-8")
    print(f"Nhập {size} nhiệm vụ vào Taskwarrior …", file=sys.stderr)
    subprocess.run(["task", "import", str(source)], env={**env, **tw_env}, check=True, capture_output=True)
    (folder / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return tw_env


def _tree_stamp(root: Path) -> str:
    stamp = root / STAMP
    return stamp.read_text(encoding="utf-8") if stamp.exists() else "shipped"


def _taskwarrior_json(root: Path, size: int, today: date) -> str:
    """The tasks as Taskwarrior JSON: due dates moved so that its "today" is our as-of date."""
    from ctr199.loading import load_programme
    from ctr199.models import Status

    programme, _ = load_programme(root, as_of=AS_OF, use_cache=False)  # not the user's cache
    shift = today - AS_OF
    lines = []
    for record in programme.tasks:
        task = record.task
        dues = [m.due for m in record.milestones if m.due is not None and not m.ongoing]
        lead = programme.registry.find(task.lead[0]) if task.lead else None
        item = {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ctr199-bench/{size}/{task.id}")),
            "description": task.title,
            "status": "completed" if task.status is Status.DONE else "pending",
            "entry": _tw_date(date(2026, 1, 1) + shift),
            "project": lead.code if lead else "KHAC",
        }
        if dues:
            item["due"] = _tw_date(min(dues) + shift)
        if task.status is Status.DONE and task.completed_on:
            item["end"] = _tw_date(task.completed_on + shift)
        lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _tw_date(day: date) -> str:
    return f"{day:%Y%m%d}T000000Z"


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
        largest = size == max(sizes)
        cold_runs = 3 if size >= 10_000 else runs
        argv = [ctr199, "overdue", "--agency", AGENCY, *data, *as_of]
        found.append(Bench(f"overdue-{size}", f'ctr199 overdue --agency "{AGENCY}"', size, argv, runs, 2))
        if largest:
            cold = [ctr199, "--no-cache", *argv[1:]]
            found.append(Bench(f"overdue-cold-{size}", "… --no-cache", size, cold, cold_runs, 0))
        argv = [ctr199, "list", *data, *as_of, "--agency", AGENCY]
        found.append(Bench(f"list-{size}", "ctr199 list --agency …", size, argv, runs, 2))
        argv = [ctr199, "scorecard", *data, *as_of]
        found.append(Bench(f"scorecard-{size}", "ctr199 scorecard", size, argv, runs, 2))
        if size == 75:  # the weekly brief in Word, nothing cached: the data checked and the chart drawn again
            out = BUILD / "bao-cao-tuan.docx"
            argv = [ctr199, "--no-cache", "brief", *data, *as_of, "-o", str(out), "--force"]
            found.append(Bench("brief-docx-75", "ctr199 --no-cache brief -o ….docx", size, argv, runs, 0))
        validate = [ctr199, "validate", str(root), *as_of]
        found.append(Bench(f"validate-{size}", "ctr199 validate", size, validate, runs, 2))
        found.append(
            Bench(
                f"validate-cold-{size}",
                "ctr199 --no-cache validate",
                size,
                [ctr199, "--no-cache", *validate[1:]],
                cold_runs,
                0,
            )
        )
        if largest and size > 75:  # never edit the shipped data
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
        tw_env = taskwarrior(root, size, env) if size in (75, max(sizes)) else None
        if tw_env is not None:
            argv = ["task", f"project:{AGENCY_CODE}", "+OVERDUE", "list"]
            found.append(
                Bench(
                    f"taskwarrior-{size}", f"task project:{AGENCY_CODE} +OVERDUE list", size, argv, runs, 2, env=tw_env
                )
            )
    return found


# ---------------------------------------------------------------- report


@dataclass
class Target:
    text: str
    key: str
    check: Callable[[dict[str, Result]], tuple[bool, str]]


def targets() -> list[Target]:
    def within_floor(results: dict[str, Result]) -> tuple[bool, str]:
        ratio = results["overdue-75"].median / results["floor"].median
        return ratio <= 1.2, f"{ratio:.2f}× sàn"

    def under(key: str, seconds: float) -> Callable[[dict[str, Result]], tuple[bool, str]]:
        return lambda results: (results[key].median <= seconds, f"{results[key].median:.2f} s")

    def memory(results: dict[str, Result]) -> tuple[bool, str]:
        peak = max(r.peak_kb for k, r in results.items() if k.endswith("-10000") and not k.startswith("taskwarrior"))
        return peak <= 300 * 1024, f"{peak / 1024:.0f} MB"

    return [
        Target("75 nhiệm vụ: overdue ≤ 1.2 × sàn typer", "overdue-75", within_floor),
        Target("10 000: overdue (có cache) < 0.8 s", "overdue-10000", under("overdue-10000", 0.8)),
        Target("10 000: overdue không cache < 6 s", "overdue-cold-10000", under("overdue-cold-10000", 6)),
        Target("10 000: validate không cache < 10 s", "validate-cold-10000", under("validate-cold-10000", 10)),
        Target("10 000: sửa 1 tệp rồi validate < 1 s", "validate-edited-10000", under("validate-edited-10000", 1)),
        Target("10 000: bộ nhớ đỉnh < 300 MB", "validate-cold-10000", memory),
        Target("75 nhiệm vụ: forms cho mọi cơ quan ≤ 3 s", "forms-75", under("forms-75", 3)),
        Target("75 nhiệm vụ: collect 30 phiếu ≤ 3 s", "collect-75", under("collect-75", 3)),
        Target("10 000: scorecard ≤ 1 s", "scorecard-10000", under("scorecard-10000", 1)),
        # 1.5 × the 0.6 s the Word brief took before the trend chart (farm-bench, 03/12/2026, same machine).
        Target("75 nhiệm vụ: brief docx không cache ≤ 0.9 s", "brief-docx-75", under("brief-docx-75", 0.9)),
    ]


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
        size = f"{bench.size:,}".replace(",", " ") if bench.size else "—"
        failed = f" (mã thoát {result.exit_code})" if result.exit_code not in (0, 1) else ""
        rows.append(
            f"| {bench.label}{failed} | {size} | {_ms(result.median)} | {_ms(min(result.times))} – "
            f"{_ms(max(result.times))} | {_ms(result.cpu)} | {result.peak_kb / 1024:.0f} MB | {ratio} |"
        )
    return "\n".join(rows)


def verdicts(results: dict[str, Result]) -> str:
    lines = []
    for target in targets():
        if target.key not in results:
            lines.append(f"- {target.text}: chưa đo (lệnh chưa có hoặc cỡ dữ liệu không chạy)")
            continue
        ok, shown = target.check(results)
        lines.append(f"- {'✓' if ok else '✗'} {target.text}: {shown}")
    if "overdue-75" in results and "floor-gc" in results:
        ratio = results["overdue-75"].median / results["floor-gc"].median
        lines.append(f"- (không phải chỉ tiêu / not a target) 75 nhiệm vụ: overdue ÷ sàn GC như ctr199: {ratio:.2f}×")
    return "\n".join(lines)


def conditions(hyperfine: str | None, runs: int, load: tuple[float, float, float]) -> str:
    runner = "hyperfine" if hyperfine else "các lệnh chạy xen kẽ từng vòng"
    if hyperfine:
        version = subprocess.run([hyperfine, "--version"], capture_output=True, text=True).stdout.strip()
        runner = version or runner
    return (
        f"{datetime.now():%d/%m/%Y %H:%M}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} nhân CPU, tải trung bình lúc bắt đầu {load[0]:.2f}; {runner}, "
        f"{runs} lần đo mỗi lệnh (3 lần cho lệnh không cache với 10 000 nhiệm vụ), ngày đối chiếu {AS_OF:%d/%m/%Y}."
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
    parser.add_argument("--sizes", default="75,1000,10000", help="số nhiệm vụ, cách nhau bằng dấu phẩy")
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
    results = measure_all(chosen, env, hyperfine)
    by_key = {result.bench.key: result for result in results}
    text = "\n\n".join([table(results), verdicts(by_key), conditions(hyperfine, args.runs, load)])
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    if args.readme:
        write_readme(text)


if __name__ == "__main__":
    main()
