"""Change and trend (#17 item 2): the week's change, the weekly counts since the start, and the chart."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

from ctr199.brief import Brief, BriefRequest, build_brief, iso_week
from ctr199.chart import draw, inline_svg
from ctr199.loading import for_document
from ctr199.query import Category, Filters, classify, select
from ctr199.trend import WeekCount, categories_on, week_ends, weekly_counts

from .brief_helpers import W48, brief_data, parse_html, run
from .conftest import AS_OF, ROOT


def _brief(data: Path, as_of: date) -> Brief:
    programme = for_document(data, as_of=as_of)
    return build_brief(programme, BriefRequest(period=iso_week(as_of), as_of=as_of))


def test_the_week_change_of_the_fixture(tmp_path: Path) -> None:
    data = brief_data(tmp_path)
    trend = _brief(data, AS_OF).trend  # 28/11/2026: task 5 completed on 26/11
    assert trend.before == "21/11/2026"
    table = {c.key: (c.before, c.now, c.change) for c in trend.changes}
    assert table == {
        "done_on_time": (0, 1, "+1"),
        "done_late": (1, 1, "0"),
        "on_track": (3, 2, "\u22121"),
        "overdue": (4, 4, "0"),
        "no_deadline": (1, 1, "0"),
    }
    assert [(t.task_id, t.date) for t in trend.completed] == [(5, "26/11/2026")]
    assert trend.newly_overdue == []
    # A week in which two tasks fell due unmet.
    early = _brief(data, date(2026, 4, 5)).trend
    assert [(t.task_id, t.date) for t in early.newly_overdue] == [(2, "31/03/2026"), (65, "31/03/2026")]
    assert {c.key: c.change for c in early.changes}["overdue"] == "+2"


def test_the_weekly_counts_are_the_counts_of_each_day(tmp_path: Path) -> None:
    data = brief_data(tmp_path)
    trend = _brief(data, AS_OF).trend
    days = [w.date_iso for w in trend.weeks]
    # From the programme's year (2026): the Sunday of ISO week 1 (04/01), every Sunday, then the as-of day.
    assert days[0] == date(2026, 1, 4) and days[-1] == AS_OF and days[-2] == date(2026, 11, 22)
    assert all((later - earlier).days == 7 for earlier, later in itertools.pairwise(days[:-1]))
    programme = for_document(data, as_of=AS_OF)
    for week in trend.weeks[::5] + trend.weeks[-1:]:
        states = select(programme, Filters(), week.date_iso)
        count = {category: sum(s.category is category for s in states) for category in Category}
        done = count[Category.DONE_ON_TIME] + count[Category.DONE_LATE]
        assert (week.done, week.overdue, week.in_time) == (done, count[Category.OVERDUE], count[Category.ON_TRACK])
    # Computed from recorded dates only: the counts as of an early week are those of that week's own brief.
    april = _brief(data, date(2026, 4, 5)).trend.weeks[-1]
    assert next(w for w in trend.weeks if w.date_iso == date(2026, 4, 5)).model_dump() == april.model_dump()
    assert week_ends(date(2026, 11, 30), AS_OF) == [AS_OF]
    assert weekly_counts([], [AS_OF]) == [WeekCount(AS_OF, 0, 0, 0)]


def _weeks() -> list[WeekCount]:
    return [
        WeekCount(date(2026, 1, 4 + 7 * i) if i < 4 else date(2026, 2, 1 + 7 * (i - 4)), i, 1, 8 - i) for i in range(7)
    ]


def test_the_chart_is_deterministic_and_reads_in_vietnamese() -> None:
    weeks = _weeks()
    svg = draw(weeks, "svg")
    assert svg == draw(weeks, "svg")
    text = svg.decode("utf-8")
    for label in ("Đã hoàn thành", "Chưa hoàn thành quá hạn", "Chưa hoàn thành trong hạn", "Số nhiệm vụ", "15/01"):
        assert label in text
    assert "<dc:date>" not in text and "Matplotlib" not in text
    png = draw(weeks, "png")
    assert png.startswith(b"\x89PNG") and png == draw(weeks, "png") and b"Software" not in png
    inline = inline_svg(text)
    assert inline.startswith("<svg") and "<metadata>" not in inline and "DejaVu" not in inline
    assert "*{" not in inline.replace(".trend-chart *{", "")


def test_each_format_shows_the_trend_its_own_way(tmp_path: Path) -> None:
    data = brief_data(tmp_path)
    code, md = run("brief", "-d", data, *W48)
    assert code == 0, md
    assert "## Thay đổi so với tuần trước" in md and "<svg" not in md
    assert "| Chưa hoàn thành trong hạn | 3 | 2 | \u22121 |" in md
    assert "- (5) Xây dựng Đề án" in md and "(hoàn thành ngày 26/11/2026)" in md
    assert md.index("Thay đổi so với tuần trước") < md.index("I. Kết quả chung")
    page = tmp_path / "brief.html"
    code, out = run("brief", "-d", data, *W48, "-o", page)
    assert code == 0, out
    source = page.read_text(encoding="utf-8")
    parsed = parse_html(source)
    assert sum(tag == "figure" and attrs.get("class") == "trend-chart" for tag, attrs in parsed.tags) == 1
    assert "Chưa hoàn thành quá hạn" in source and "<?xml" not in source
    brief = _brief(data, AS_OF)
    weeks = [WeekCount(w.date_iso, w.done, w.overdue, w.in_time) for w in brief.trend.weeks]
    assert inline_svg(draw(weeks, "svg").decode("utf-8")) in source
    word = tmp_path / "brief.docx"
    code, out = run("brief", "-d", data, *W48, "-o", word)
    assert code == 0, out
    with zipfile.ZipFile(io.BytesIO(word.read_bytes())) as package:
        images = [package.read(name) for name in package.namelist() if name.startswith("word/media/")]
    assert draw(weeks, "png") in images


def test_only_the_html_brief_imports_matplotlib(tmp_path: Path) -> None:
    """The Word picture is drawn with Pillow (milliseconds), the HTML chart with matplotlib (half a second)."""
    data = brief_data(tmp_path)
    probe = (
        "import sys\n"
        "from ctr199.cli import main\n"
        "sys.argv = ['ctr199', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    html = ["brief", "-d", str(data), *W48, "-f", "html"]
    for args, expected, env in (
        (["overdue", "-d", str(data), *W48], "False", {}),
        (["brief", "-d", str(data), *W48], "False", {}),
        (["brief", "-d", str(data), *W48, "-o", str(tmp_path / "b.docx")], "False", {"CTR199_NO_CACHE": "1"}),
        (html, "True", {}),
        (html, "False", {}),  # the same chart again: read from the cache
        (html, "True", {"CTR199_NO_CACHE": "1"}),
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}
        )
        assert done.stderr.strip().splitlines()[-1] == expected, (args, env, done.stderr)
        assert "<svg" in done.stdout or args[0] != "brief" or "-f" not in args


def test_the_weekly_categories_equal_classify_on_every_day(tmp_path: Path) -> None:
    """The shortcut of `categories_on` (ask classify again only when a date of the task has passed) gives
    exactly classify's answer, day by day, extensions included."""
    data = brief_data(tmp_path)
    code, out = run(
        "extend", "37", "--to", "Quý I/2027", "-r", "Văn bản số 12/UBND-XD", "--date", "2026-06-10", "-d", data
    )
    assert code == 0, out
    programme = for_document(data, as_of=AS_OF)
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 3)]
    extended = 0
    for record in programme.tasks:
        extended += bool(record.task.extensions)
        assert categories_on(record, days) == [classify(record, day).category for day in days], record.id
    assert extended  # the fixture has an extended task
