"""The brief's trend chart, drawn with matplotlib (Agg backend): SVG for HTML, PNG for Word.

matplotlib is imported only inside `draw`, when a document needs the chart, so no other command pays
for it; `drawn` keeps what it drew in the per-user cache (see `cache`), so making the same brief again
(same counts, same code) does not import it at all. The output is deterministic (fixed font, SVG ids
salted with a constant, no dates or software names in the metadata): the same counts give the same
bytes, and a brief made again equals the first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from ctr199.query import CATEGORY_LABELS, Category
from ctr199.templating import Format, Picture
from ctr199.trend import WeekCount

DONE_LABEL = "Đã hoàn thành"
SERIES = (
    ("done", DONE_LABEL, "#2e7d32"),
    ("overdue", CATEGORY_LABELS[Category.OVERDUE], "#c62828"),
    ("in_time", CATEGORY_LABELS[Category.ON_TRACK], "#1565c0"),
)
WIDTH_MM, HEIGHT_MM = 160, 75


def draw(weeks: Sequence[WeekCount], kind: Literal["svg", "png"]) -> bytes:
    """The chart of `weeks` as SVG text (UTF-8) or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    style: Any = {
        "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs everywhere, Vietnamese included
        "font.size": 10,
        "svg.hashsalt": "ctr199",
        "svg.fonttype": "none",  # text stays text in the HTML (selectable, the page's font)
        "path.simplify": False,
    }
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=150)
        axes = figure.add_subplot()
        days = mdates.date2num([week.day for week in weeks])  # type: ignore[no-untyped-call]
        for key, label, colour in SERIES:
            values = [getattr(week, key) for week in weeks]
            axes.plot(days, values, label=label, color=colour, linewidth=1.8, marker="o" if len(days) < 20 else None)
        axes.set_ylabel("Số nhiệm vụ")
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_locator(mdates.AutoDateLocator())  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))  # type: ignore[no-untyped-call]
        axes.grid(True, color="#dddddd", linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=3,
            frameon=False,
            fontsize=9,
            handlelength=1.5,
            columnspacing=1.2,
        )
        figure.subplots_adjust(left=0.09, right=0.98, top=0.96, bottom=0.26)
        buffer = io.BytesIO()
        if kind == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def drawn(weeks: Sequence[WeekCount], kind: Literal["svg", "png"]) -> bytes:
    """`draw`, through the per-user cache: the same counts drawn by the same code and library give the
    same bytes, so a chart drawn once is read back (no matplotlib import, half a second). A cache file
    not owned by the user, or any failure to read or write, means drawing again."""
    import hashlib
    import os
    from importlib.metadata import version

    from ctr199.cache import cache_dir, code_digest, enabled

    if not enabled():
        return draw(weeks, kind)
    key = f"{code_digest()}|{version('matplotlib')}|{kind}|" + ";".join(
        f"{w.day.isoformat()},{w.done},{w.overdue},{w.in_time}" for w in weeks
    )
    path = cache_dir() / "charts" / f"{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}.{kind}"
    try:
        if path.stat().st_uid == os.getuid():
            return path.read_bytes()
    except (OSError, AttributeError):  # none yet (or no getuid on this system)
        pass
    content = draw(weeks, kind)
    try:
        from ctr199.store import atomic_write

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, content)
    except OSError:
        pass  # only slower next time
    return content


def with_chart(data: dict[str, Any], output: Format) -> dict[str, Any]:
    """The brief's data with its trend chart drawn for `output`: inline SVG for HTML, a PNG picture for
    Word, nothing for Markdown (its table of changes says it in words). No weeks: no chart."""
    trend = data.get("trend")
    if output is Format.md or not isinstance(trend, dict) or not trend.get("weeks"):
        return data
    weeks = [
        WeekCount(date.fromisoformat(w["date_iso"]), w["done"], w["overdue"], w["in_time"]) for w in trend["weeks"]
    ]
    if output is Format.html:
        chart: object = inline_svg(drawn(weeks, "svg").decode("utf-8"))
    else:
        chart = Picture(drawn(weeks, "png"), WIDTH_MM)
    return {**data, "trend": {**trend, "chart": chart}}


def inline_svg(svg: str) -> str:
    """matplotlib's SVG made fit to sit inside an HTML page: the <svg> element alone (no XML declaration,
    doctype or RDF metadata), its text in the page's font, its style rule kept to the chart."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = svg.replace("font-family: 'DejaVu Sans'", "font-family: inherit")
    return svg.replace("*{stroke-linejoin", ".trend-chart *{stroke-linejoin")
