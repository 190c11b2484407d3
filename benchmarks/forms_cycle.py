"""The weekly cycle with the agencies, for timing: forms out for every agency, 30 returned forms collected.

    python benchmarks/forms_cycle.py prepare build/bench/forms   # forms of the shipped data, filled in
    python benchmarks/forms_cycle.py reset build/bench/forms     # a fresh copy of the data to collect into
    python benchmarks/forms_cycle.py time build/bench/forms      # both commands once, with their times

`prepare` makes the form of every lead agency with open items (15 on the shipped data) as of
`AS_OF`, fills every row as an agency would (a status on each, a completion date on every third,
an extension request on every fifth), and saves each one twice under another name — an office
gets some replies twice — so that `collect` reads 30 forms. `reset` copies the shipped data into
the folder before each timed `collect`, which writes; the shipped data itself is never touched.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import DEFAULT_AS_OF

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data"
AS_OF = DEFAULT_AS_OF
RECEIVED = AS_OF + timedelta(days=7)
LIMIT_SECONDS = 3.0


def ctr199() -> str:
    return str(Path(sys.executable).parent / "ctr199")


def forms_argv(folder: Path) -> list[str]:
    """`ctr199 forms` for every agency, from the shipped data (reads it only)."""
    out = folder / "out"
    return [ctr199(), "forms", "-o", str(out), "--force", "--data", str(SHIPPED), "--as-of", AS_OF.isoformat()]


def collect_argv(folder: Path) -> list[str]:
    files = sorted(str(path) for path in (folder / "filled").glob("*.xlsx"))
    return [ctr199(), "collect", *files, "--data", str(folder / "data"), "--as-of", RECEIVED.isoformat()]


def reset(folder: Path) -> None:
    shutil.rmtree(folder / "data", ignore_errors=True)
    shutil.copytree(SHIPPED, folder / "data")


def prepare(folder: Path) -> int:
    """Forms made and filled in; the number of filled files (30 on the shipped data)."""
    subprocess.run(forms_argv(folder), check=True, capture_output=True)
    filled = folder / "filled"
    shutil.rmtree(filled, ignore_errors=True)
    filled.mkdir(parents=True)
    for form in sorted((folder / "out").glob("phieu-bao-cao-*.xlsx")):
        workbook = load_workbook(form)
        sheet = workbook["Phiếu báo cáo"]
        for index, line in enumerate(range(8, sheet.max_row + 1)):
            if sheet.cell(row=line, column=1).value is None:
                continue
            if index % 3 == 0:
                sheet.cell(row=line, column=6, value="Đã hoàn thành")
                sheet.cell(row=line, column=7, value=AS_OF.strftime("%d/%m/%Y"))
                sheet.cell(row=line, column=9, value=f"Báo cáo số {index + 1}/BC")
            else:
                sheet.cell(row=line, column=6, value="Đang thực hiện")
                sheet.cell(row=line, column=8, value="Đang triển khai theo kế hoạch")
            if index % 5 == 1:
                sheet.cell(row=line, column=11, value="31/12/2031")
                sheet.cell(row=line, column=12, value="Chờ bố trí vốn")
        workbook.save(filled / form.name)
        workbook.save(filled / form.name.replace("phieu-bao-cao-", "phieu-bao-cao-gui-lai-"))
    reset(folder)
    return len(list(filled.glob("*.xlsx")))


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of `argv`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv[1]} thất bại ({done.returncode}): {done.stderr or done.stdout}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] not in ("prepare", "reset", "time"):
        raise SystemExit(__doc__)
    folder = Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    if argv[0] == "reset":
        reset(folder)
        return
    count = prepare(folder)
    if argv[0] == "time":
        made, made_cpu = timed(forms_argv(folder))
        collected, collected_cpu = timed(collect_argv(folder))
        print(
            f"forms (mọi cơ quan): {made:.2f} s (CPU {made_cpu:.2f} s); "
            f"collect {count} phiếu: {collected:.2f} s (CPU {collected_cpu:.2f} s); giới hạn {LIMIT_SECONDS} s"
        )
        # CPU time: on a shared machine the wall clock grows with the others' load, not with ctr199's work.
        if max(made_cpu, collected_cpu) > LIMIT_SECONDS:
            raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
