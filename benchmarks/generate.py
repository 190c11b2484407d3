"""Generate a realistic data directory of N tasks for benchmarks (deterministic for a given seed).

Tasks are built from the shipped appendix rows (titles, outputs, deadlines, partners, authorities,
groups), varied by ward or commune, led by agencies of `data/agencies.yaml`, and carry progress
logs in the shapes staff write. Every file is written by the tool's own canonical writer, so the
tree looks exactly like one kept by `ctr199`, and it validates with 0 errors as of `--as-of`.

    python benchmarks/generate.py 10000 build/bench/n10000
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ctr199.models import AgenciesFile, Task
from ctr199.programme import milestones_of
from ctr199.store import DataDir, atomic_write, load_fast, render_task, roundtrip_yaml
from ctr199.store import task_document as store_document

SHIPPED = Path(__file__).resolve().parent.parent / "data"
DEFAULT_SEED = 199
DEFAULT_AS_OF = date(2026, 7, 1)
# Bump when the shape of generated files changes, so cached trees are regenerated.
GENERATOR_VERSION = 1
STAMP = "generated.json"
# Writing the files (ruamel's canonical layout, ~3 ms a task) is nearly all of the time: from this many
# tasks on, they are written by one process per CPU, in chunks. 100,000 tasks on 2 shared cores: ~3 min
# (~5 min in one process with an emitter made for every file).
PARALLEL_FROM = 2_000
CHUNK = 250

# Wards and communes of Hải Phòng, used to vary the appendix titles as a real multi-year,
# multi-locality programme would.
LOCALITIES = (
    "phường Hồng Bàng",
    "phường Hồng An",
    "phường Ngô Quyền",
    "phường Gia Viên",
    "phường Lê Chân",
    "phường An Biên",
    "phường Hải An",
    "phường Đông Hải",
    "phường Kiến An",
    "phường Phù Liễn",
    "phường Đồ Sơn",
    "phường Dương Kinh",
    "phường An Dương",
    "phường Thủy Nguyên",
    "phường Thiên Hương",
    "phường Hải Dương",
    "phường Thành Đông",
    "phường Chí Linh",
    "phường Kinh Môn",
    "xã An Lão",
    "xã Kiến Thụy",
    "xã Tiên Lãng",
    "xã Vĩnh Bảo",
    "xã Nam Sách",
    "xã Thanh Hà",
    "xã Gia Lộc",
    "xã Ninh Giang",
    "đặc khu Cát Hải",
    "đặc khu Bạch Long Vĩ",
)
ROMAN = ("I", "II", "III", "IV")
NOTES_IN_PROGRESS = (
    "Đã xây dựng dự thảo, gửi lấy ý kiến các sở, ngành liên quan",
    "Đang tổng hợp ý kiến góp ý, hoàn thiện hồ sơ trình UBND thành phố",
    "Đã ban hành kế hoạch triển khai; đang phân công nhiệm vụ cho các đơn vị",
    "Đã tổ chức hội nghị triển khai; đang đôn đốc các địa phương báo cáo",
    "Đang khảo sát, đánh giá thực trạng; dự kiến hoàn thành báo cáo trong quý",
    "Đã trình Thường trực Thành ủy cho ý kiến",
    "Đang thẩm định hồ sơ, lấy ý kiến Sở Tư pháp",
    "Vướng mắc về mặt bằng; đã báo cáo UBND thành phố xin ý kiến chỉ đạo",
    "Đã hoàn thành giải phóng mặt bằng khoảng 60% diện tích",
    "Đang lựa chọn nhà thầu tư vấn lập hồ sơ",
)
NOTES_DONE = (
    "Đã ban hành văn bản; gửi các cơ quan, đơn vị tổ chức thực hiện",
    "Đã hoàn thành, báo cáo kết quả về Văn phòng UBND thành phố",
    "Đã trình và được HĐND thành phố thông qua tại kỳ họp",
)
NOTE_MILESTONE = "Hoàn thành mốc theo kế hoạch"


def _templates(source: Path) -> list[dict[str, Any]]:
    return [load_fast(path) for path in DataDir(source).task_files()]


def _leads(source: Path) -> list[str]:
    registry = AgenciesFile.model_validate(load_fast(DataDir(source).agencies))
    return [agency.name for agency in registry.agencies if not agency.generic]


def _deadline(rng: random.Random, template: str) -> str:
    roll = rng.random()
    if roll < 0.6 or not template:
        return template or "Năm 2026"
    if roll < 0.75:
        return f"Quý {rng.choice(ROMAN)}/2026"
    if roll < 0.88:
        return f"Tháng {rng.randint(1, 12)}/2026"
    if roll < 0.94:
        return f"trước {rng.choice((10, 15, 20, 28))}/{rng.randint(1, 12)}/2026"
    return f"Khởi công Quý {rng.choice(ROMAN)} năm 2026; Hoàn thành trong năm {rng.randint(2027, 2030)}"


def _ref(rng: random.Random) -> str:
    number = rng.randint(12, 4800)
    return rng.choice(
        (f"Báo cáo số {number}/BC-UBND", f"Công văn số {number}/UBND-VP", f"Quyết định số {number}/QĐ-UBND", "")
    )


def _days(rng: random.Random, count: int, first: date, last: date) -> list[date]:
    span = max((last - first).days, 0)
    return sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count))


def _progress(rng: random.Random, document: dict[str, Any], as_of: date) -> None:
    """Fill status, log and completions consistently (what `ctr199 validate` demands)."""
    roll = rng.random()
    if roll < 0.45:
        return
    milestones = milestones_of(Task.model_validate(document))
    log: list[dict[str, Any]] = []
    dates = _days(rng, rng.randint(1, 3), date(2026, 1, 10), as_of - timedelta(days=1))
    for day in dates:
        entry = {"date": day, "status": "in_progress", "note": rng.choice(NOTES_IN_PROGRESS)}
        if ref := _ref(rng):
            entry["ref"] = ref
        log.append(entry)
    document["status"] = "in_progress"
    if len(milestones) > 1 and rng.random() < 0.5:
        # The first milestone met, reported on the day of the last log entry.
        log.append({"date": dates[-1], "status": "done", "milestone": 1, "note": NOTE_MILESTONE})
        document["completed_milestones"] = [{"milestone": 1, "date": dates[-1]}]
    if roll > 0.85:
        done_on = dates[-1] + timedelta(days=rng.randint(0, max((as_of - dates[-1]).days, 0)))
        log.append({"date": done_on, "status": "done", "note": rng.choice(NOTES_DONE), "ref": _ref(rng)})
        document["status"] = "done"
        document["completed_on"] = done_on
    document["log"] = log


def task_document(
    number: int, rng: random.Random, templates: list[dict[str, Any]], leads: list[str], as_of: date
) -> dict[str, Any]:
    """Plain data of task `number`: an appendix row, varied, with progress."""
    template = templates[(number - 1) % len(templates)]
    title = template["title"]
    if number > len(templates):
        title = f"{title.rstrip(' .,;')} — {rng.choice(LOCALITIES)}"
    document: dict[str, Any] = {
        "id": number,
        "group": template["group"],
        "title": title,
        "output": template["output"],
        "deadline": _deadline(rng, template["deadline"]),
        "lead": rng.sample(leads, 2 if rng.random() < 0.08 else 1),
        "partners": template["partners"],
        "authority": template["authority"],
        "status": "not_started",
    }
    if template.get("subgroup"):
        document["subgroup"] = template["subgroup"]
    _progress(rng, document, as_of)
    return document


def _stamp(count: int, seed: int, as_of: date) -> dict[str, Any]:
    """What a tree was generated with, as kept in its STAMP file."""
    return {"version": GENERATOR_VERSION, "count": count, "seed": seed, "as_of": as_of.isoformat()}


def generate(
    count: int, target: Path, *, seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF, source: Path = SHIPPED
) -> Path:
    """Write a data directory of `count` tasks to `target` (replacing a tree made earlier by this script)."""
    if target.exists():
        if not (target / STAMP).exists():
            raise SystemExit(f"{target} exists and was not made by this generator; choose another folder")
        shutil.rmtree(target)
    tasks = target / "tasks"
    tasks.mkdir(parents=True)
    for name in ("agencies.yaml", "groups.yaml", "indicators.yaml", "programme.yaml"):
        shutil.copy(source / name, target / name)
    rng = random.Random(seed)
    templates, leads = _templates(source), _leads(source)
    # The documents are drawn in order from one random generator, here; only their writing is shared
    # out, so the tree is the same byte for byte however many processes write it.
    documents = (task_document(number, rng, templates, leads, as_of) for number in range(1, count + 1))
    started = time.perf_counter()
    written = 0
    for done in _write_all(tasks, documents, count):
        if written // 1000 != (written + done) // 1000:
            print(f"  … {written + done}/{count} tệp ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        written += done
    atomic_write(target / STAMP, json.dumps(_stamp(count, seed, as_of)) + "\n")
    return target


_EMITTER: Any = None


def _render(task: Task) -> str:
    """`render_task` with one emitter kept for every file (a third faster than one made per file)."""
    global _EMITTER
    if _EMITTER is None:
        _EMITTER = roundtrip_yaml()
    stream = io.StringIO()
    _EMITTER.dump(store_document(task), stream)
    return stream.getvalue()


def _write_tasks(tasks: Path, documents: list[dict[str, Any]]) -> int:
    """Write task files with the tool's canonical writer; how many were written."""
    for index, document in enumerate(documents):
        task = Task.model_validate(document)
        text = _render(task)
        if index == 0 and text != render_task(task):  # the first of each chunk also written as the tool does
            raise SystemExit(f"benchmarks/generate.py: tệp {task.id} khác với render_task; sửa _render")
        (tasks / f"{task.id:03d}.yaml").write_text(text, encoding="utf-8")
    return len(documents)


def _chunks(documents: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_all(tasks: Path, documents: Iterable[dict[str, Any]], count: int) -> Iterator[int]:
    """Write every document, in this process or (many tasks) in one process per CPU; yields how many
    files each step wrote."""
    workers = min(os.cpu_count() or 1, 8)
    if count < PARALLEL_FROM or workers == 1:
        for chunk in _chunks(documents, CHUNK):
            yield _write_tasks(tasks, chunk)
        return
    with ProcessPoolExecutor(workers) as pool:
        pending: deque[Future[int]] = deque()
        for chunk in _chunks(documents, CHUNK):
            pending.append(pool.submit(_write_tasks, tasks, chunk))
            while len(pending) > 2 * workers:  # a few chunks in hand, not all the documents in memory
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def ensure(count: int, target: Path, *, seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF) -> Path:
    """The tree at `target`, generated only when missing or made with other parameters."""
    try:
        if json.loads((target / STAMP).read_text(encoding="utf-8")) == _stamp(count, seed, as_of):
            return target
    except (OSError, ValueError):
        pass
    print(f"Tạo {count} nhiệm vụ mẫu trong {target} …", file=sys.stderr)
    return generate(count, target, seed=seed, as_of=as_of)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Tạo thư mục dữ liệu mẫu N nhiệm vụ để đo hiệu năng.")
    parser.add_argument("count", type=int, help="số nhiệm vụ (ví dụ 75, 1000, 10000)")
    parser.add_argument("target", type=Path, help="thư mục sẽ tạo (ghi đè cây do công cụ này tạo trước đó)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF, help="nhật ký không sau ngày này")
    args = parser.parse_args(argv)
    generate(args.count, args.target, seed=args.seed, as_of=args.as_of)
    print(f"Đã tạo {args.count} nhiệm vụ trong {args.target}", file=sys.stderr)


if __name__ == "__main__":
    main()
