"""Time the deadline grammar on 10,000 "Thời hạn" cells: the budget is 1 s for all of them.

    python benchmarks/deadlines.py            # 10,000 cells, best of 5 rounds
    python benchmarks/deadlines.py --cells 50000 --rounds 3

The cells are the phrases of tests/fixtures/deadlines.tsv (accepted and refused, each spelling of
each form) and the 75 shipped cells, repeated in a fixed shuffled order, every third with a task number
appended so that no cache of whole phrases can help. Times are CPU seconds of this process (the
machine may be shared); exit code 1 when the best round is over budget. A benchmark, not a unit
test: a timing on a shared machine is not a test result.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from ctr199.deadline import DeadlineError, read_deadline

REPO = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 1.0


def cells(count: int, seed: int = 199) -> list[str]:
    """`count` cells drawn from the fixture tables, some made unique by a trailing label."""
    phrases: list[str] = []
    for name in ("deadlines.tsv", "deadlines-shipped.tsv"):
        for line in (REPO / "tests" / "fixtures" / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                columns = line.split("\t")
                phrases.append(columns[1] if name == "deadlines-shipped.tsv" else columns[0].replace("\\n", "\n"))
    rng = random.Random(seed)
    out = []
    for index in range(count):
        phrase = rng.choice(phrases)
        out.append(f"{phrase} (nhiệm vụ số {index})" if index % 3 == 0 else phrase)
    return out


def run_once(batch: list[str]) -> tuple[float, int, int]:
    accepted = refused = 0
    start = time.process_time()
    for cell in batch:
        try:
            read_deadline(cell, year=2026)
            accepted += 1
        except DeadlineError:
            refused += 1
    return time.process_time() - start, accepted, refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    batch = cells(args.cells)
    times = []
    for _ in range(args.rounds):
        seconds, accepted, refused = run_once(batch)
        times.append(seconds)
    best = min(times)
    budget = BUDGET_SECONDS * args.cells / 10_000
    print(
        f"{args.cells} cells ({accepted} read, {refused} refused): best {best:.3f} s, "
        f"worst {max(times):.3f} s (CPU), {best / args.cells * 1e6:.0f} µs/cell; budget {budget:.2f} s"
    )
    return 0 if best <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
