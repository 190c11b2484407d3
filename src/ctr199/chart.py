"""The brief's trend chart: SVG for HTML drawn with matplotlib (Agg backend), PNG for Word drawn with Pillow.

matplotlib is imported only inside `draw`, when an HTML brief needs the chart, so no other command
pays for it (half a second); the Word picture is drawn with Pillow, matplotlib's own dependency, which
imports in milliseconds, in the same layout, colours and font (matplotlib's DejaVu Sans file). `drawn`
keeps what it drew in the per-user cache (see `cache`), so making the same brief again (same counts,
same code) draws nothing. The output is deterministic (fixed font, SVG ids salted with a constant, no
dates or software names in the metadata): the same counts give the same bytes, and a brief made again
equals the first.
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
    if kind == "png":
        return _png(weeks)
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
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


# The PNG's geometry, in pixels at 150 dpi (160 × 75 mm), as the SVG's subplots_adjust places the axes.
_DPI = 150
_SIZE = (round(WIDTH_MM / 25.4 * _DPI), round(HEIGHT_MM / 25.4 * _DPI))
_PLOT = (round(0.09 * _SIZE[0]), round(0.04 * _SIZE[1]), round(0.98 * _SIZE[0]), round(0.74 * _SIZE[1]))


def _font(size_pt: float) -> Any:
    """matplotlib's DejaVu Sans (Vietnamese included) at `size_pt`, found without importing matplotlib."""
    from importlib.util import find_spec
    from pathlib import Path

    from PIL import ImageFont

    spec = find_spec("matplotlib")
    folder = Path(spec.origin).parent if spec is not None and spec.origin else Path()
    return ImageFont.truetype(str(folder / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"), round(size_pt * _DPI / 72))


def _step(top: int) -> int:
    """A round step for about five integer ticks up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if top / step <= 6:
            return step
    return int(10 ** len(str(top)))


def _png(weeks: Sequence[WeekCount]) -> bytes:
    """The chart as PNG bytes: three lines of weekly counts, integer y ticks, dd/mm x ticks, legend below."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", _SIZE, "white")
    pen = ImageDraw.Draw(image)
    font, small = _font(10), _font(9)
    left, top, right, bottom = _PLOT
    highest = max([1, *(max(w.done, w.overdue, w.in_time) for w in weeks)])
    step = _step(highest)
    ceiling = -(-highest // step) * step
    first, last = weeks[0].day.toordinal(), weeks[-1].day.toordinal()
    span = max(1, last - first)

    def x(day: date) -> float:
        return left + (day.toordinal() - first) / span * (right - left) if len(weeks) > 1 else (left + right) / 2

    def y(value: int) -> float:
        return bottom - value / ceiling * (bottom - top)

    for value in range(0, ceiling + 1, step):  # horizontal grid and y labels
        pen.line([(left, y(value)), (right, y(value))], fill="#dddddd", width=1)
        pen.text((left - 8, y(value)), str(value), font=small, fill="black", anchor="rm")
    months = [w.day for i, w in enumerate(weeks) if i == 0 or w.day.month != weeks[i - 1].day.month]
    every = max(1, -(-len(months) // 8))
    for day in months[::every]:  # vertical grid and dd/mm labels at each month's first week
        pen.line([(x(day), top), (x(day), bottom)], fill="#dddddd", width=1)
        pen.line([(x(day), bottom), (x(day), bottom + 6)], fill="black", width=2)
        pen.text((x(day), bottom + 10), f"{day:%d/%m}", font=small, fill="black", anchor="mt")
    pen.line([(left, top), (left, bottom), (right, bottom)], fill="black", width=2)
    for key, _, colour in SERIES:
        points = [(x(w.day), y(getattr(w, key))) for w in weeks]
        if len(points) > 1:
            pen.line(points, fill=colour, width=4, joint="curve")
        if len(points) < 20:
            for px, py in points:
                pen.ellipse([px - 5, py - 5, px + 5, py + 5], fill=colour)
    label = Image.new("RGBA", (300, 40), (255, 255, 255, 0))  # the y axis title, turned upright
    ImageDraw.Draw(label).text((150, 20), "Số nhiệm vụ", font=font, fill="black", anchor="mm")
    turned = label.rotate(90, expand=True)
    image.paste(turned, (4, round((top + bottom) / 2 - turned.height / 2)), turned)
    widths = [pen.textlength(name, font=small) + 60 for _, name, _ in SERIES]
    at = (_SIZE[0] - sum(widths)) / 2
    legend_y = bottom + 58
    for (_, name, colour), width in zip(SERIES, widths, strict=True):
        pen.line([(at, legend_y), (at + 36, legend_y)], fill=colour, width=4)
        pen.text((at + 44, legend_y), name, font=small, fill="black", anchor="lm")
        at += width
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
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
