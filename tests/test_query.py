"""The status model, filters, overdue/upcoming lists and summaries, without the CLI."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctr199.loading import load_programme
from ctr199.models import Task
from ctr199.output import Column, Table, display_width, plain_table, render_table, styled, write_csv, write_json
from ctr199.payload import ITEM_CSV_FIELDS, TASK_CSV_FIELDS, csv_row, item_payload, task_payload
from ctr199.programme import Programme, TaskRecord
from ctr199.query import (
    Category,
    FilterError,
    Filters,
    FilterSpec,
    Role,
    agency_loads,
    build_filters,
    classify,
    complete_agency_name,
    lead_names,
    overdue_items,
    parse_categories,
    select,
    started_by,
    summarise,
    upcoming_items,
)
from ctr199.text import fold

from .conftest import FIXTURES, make_data_dir

DEMO = FIXTURES / "progress-demo"
JULY_1 = date(2026, 7, 1)
C = Category


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Programme:
    root = make_data_dir(tmp_path_factory.mktemp("demo") / "data", DEMO)
    programme, report = load_programme(root, as_of=JULY_1)
    assert not report.findings, "\n".join(map(str, report.findings))
    return programme


def record(deadline: str = "Quý I/2026", **fields: Any) -> TaskRecord:
    task = Task.model_validate({"id": 1, "group": 1, "title": "Nhiệm vụ thử", "deadline": deadline, **fields})
    return TaskRecord.of(task, Path("tasks/001.yaml"))


def ids(states: list[Any]) -> list[int]:
    return [state.task_id for state in states]


def pick(demo: Programme, as_of: date = JULY_1, **spec: Any) -> list[int]:
    return ids(select(demo, build_filters(FilterSpec(**spec), demo), as_of))


# ---------------------------------------------------------------- categories


def test_every_category_on_the_demo_tree(demo: Programme) -> None:
    got = {state.task_id: state.category for state in select(demo, Filters(), JULY_1)}
    assert got == {
        1: C.DONE_ON_TIME,  # due 31/03, done 20/03
        2: C.DONE_LATE,  # due 31/03, done 15/04
        3: C.OVERDUE,  # due 30/06, open
        4: C.NO_DEADLINE,  # Thường xuyên
        5: C.ON_TRACK,  # milestone 1 done late, milestone 2 due 2028
        6: C.OVERDUE,  # milestone 1 overdue, milestone 2 still in time
        7: C.ON_TRACK,  # due 31/07
        8: C.OVERDUE,  # both milestones overdue
    }


def test_boundary_day_due_30_june(demo: Programme) -> None:
    task = demo.task(3)
    assert task is not None
    on_the_day = classify(task, date(2026, 6, 30))
    assert on_the_day.category is C.ON_TRACK
    assert on_the_day.days_overdue == 0
    assert on_the_day.due_soon
    day_after = classify(task, date(2026, 7, 1))
    assert day_after.category is C.OVERDUE
    assert day_after.days_overdue == 1


@pytest.mark.parametrize(
    ("done_on", "category"),
    [(date(2026, 3, 31), C.DONE_ON_TIME), (date(2026, 4, 1), C.DONE_LATE), (date(2026, 1, 2), C.DONE_ON_TIME)],
)
def test_done_on_the_due_date_is_on_time(done_on: date, category: Category) -> None:
    state = classify(record(status="done", completed_on=done_on), JULY_1)
    assert state.category is category
    assert state.milestones[0].done_on == done_on


def test_completion_reported_after_as_of_does_not_count(demo: Programme) -> None:
    task = demo.task(1)
    assert task is not None
    assert classify(task, date(2026, 3, 19)).category is C.ON_TRACK
    assert classify(task, date(2026, 3, 20)).category is C.DONE_ON_TIME
    late = demo.task(2)
    assert late is not None
    before_report = classify(late, date(2026, 4, 14))
    assert before_report.category is C.OVERDUE
    assert before_report.days_overdue == 14


def test_task_is_overdue_when_any_milestone_is_and_done_when_all_are(demo: Programme) -> None:
    five, six, eight = (classify(demo.task(n), JULY_1) for n in (5, 6, 8))  # type: ignore[arg-type]
    assert [m.category for m in five.milestones] == [C.DONE_LATE, C.ON_TRACK]
    assert five.milestones[0].done_on == date(2026, 4, 10)
    assert [m.category for m in six.milestones] == [C.OVERDUE, C.ON_TRACK]
    assert [(m.label, m.days_overdue) for m in eight.milestones] == [("Trình đề án", 92), ("Ban hành", 31)]
    assert eight.days_overdue == 92
    assert eight.next_due == date(2026, 3, 31)

    both_done = record(
        "Khởi công Quý I năm 2026; Hoàn thành trong năm 2026",
        status="done",
        completed_on=date(2026, 6, 1),
        completed_milestones=[{"milestone": 1, "date": date(2026, 3, 1)}],
    )
    state = classify(both_done, JULY_1)
    assert [m.done_on for m in state.milestones] == [date(2026, 3, 1), date(2026, 6, 1)]
    assert state.category is C.DONE_ON_TIME
    assert state.next_due == date(2026, 12, 31)
    one_late = record(
        "Khởi công Quý I năm 2026; Hoàn thành trong năm 2026",
        status="done",
        completed_on=date(2026, 6, 1),
        completed_milestones=[{"milestone": 1, "date": date(2026, 4, 1)}],
    )
    assert classify(one_late, JULY_1).category is C.DONE_LATE


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_ongoing_tasks_are_never_overdue(as_of: date) -> None:
    for deadline in ("Thường xuyên", "Từ năm 2026", "Thường xuyên trong năm 2026"):
        state = classify(record(deadline), as_of)
        assert state.category is C.NO_DEADLINE
        assert state.days_overdue == 0
        assert not overdue_items([state])


def test_ongoing_part_of_a_mixed_deadline() -> None:
    deadline = "Quý I năm 2026 cơ bản hoàn thành và thường xuyên, liên tục"
    open_task = classify(record(deadline), JULY_1)
    assert [m.category for m in open_task.milestones] == [C.OVERDUE, C.NO_DEADLINE]
    assert open_task.category is C.OVERDUE
    first_met = record(deadline, completed_milestones=[{"milestone": 1, "date": date(2026, 3, 2)}])
    assert classify(first_met, JULY_1).category is C.NO_DEADLINE


def test_tasks_without_milestones() -> None:
    assert classify(record(""), JULY_1).category is C.NO_DEADLINE
    done = record("", status="done", completed_on=date(2026, 5, 1))
    assert classify(done, JULY_1).category is C.DONE_ON_TIME
    assert classify(done, date(2026, 4, 30)).category is C.NO_DEADLINE
    assert classify(record("Thường xuyên", status="done", completed_on=date(2026, 5, 1)), JULY_1).category is (
        C.DONE_ON_TIME
    )


def test_explicit_milestones_override_the_text() -> None:
    state = classify(record("khi có chỉ đạo", milestones=[{"label": "Báo cáo", "due": date(2026, 6, 30)}]), JULY_1)
    assert [(m.label, m.due, m.category) for m in state.milestones] == [("Báo cáo", date(2026, 6, 30), C.OVERDUE)]


def test_due_soon_flags_open_items_within_14_days() -> None:
    task = record("Tháng 7/2026")
    assert classify(task, date(2026, 7, 17)).due_soon  # 14 days before 31/07
    assert not classify(task, date(2026, 7, 16)).due_soon
    assert not classify(task, date(2026, 7, 16), soon_days=10).due_soon
    done = record("Tháng 7/2026", status="done", completed_on=date(2026, 7, 20))
    assert not classify(done, date(2026, 7, 20)).due_soon


# ---------------------------------------------------------------- category names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đã hoàn thành đúng hạn", {C.DONE_ON_TIME}),
        ("da hoan thanh qua han", {C.DONE_LATE}),
        ("Chưa hoàn thành trong hạn", {C.ON_TRACK}),
        ("chưa hoàn thành, quá hạn", {C.OVERDUE}),
        # the names of earlier versions
        ("Hoàn thành đúng hạn", {C.DONE_ON_TIME}),
        ("hoan thanh qua han", {C.DONE_LATE}),
        ("ĐANG THỰC HIỆN TRONG HẠN", {C.ON_TRACK}),
        (unicodedata.normalize("NFD", "Đang thực hiện quá hạn"), {C.OVERDUE}),
        ("Không thời hạn", {C.NO_DEADLINE}),
        ("overdue", {C.OVERDUE}),
        ("quá hạn", {C.OVERDUE}),
        ("qua-han", {C.OVERDUE}),
        ("on_track", {C.ON_TRACK}),
        ("done-on-time", {C.DONE_ON_TIME}),
        ("thường xuyên", {C.NO_DEADLINE}),
        ("done", {C.DONE_ON_TIME, C.DONE_LATE}),
        ("Hoàn thành", {C.DONE_ON_TIME, C.DONE_LATE}),
        ("open", {C.ON_TRACK, C.OVERDUE}),
        ("Chưa hoàn thành", {C.ON_TRACK, C.OVERDUE}),
    ],
)
def test_category_names(text: str, expected: set[Category]) -> None:
    assert parse_categories(text) == expected


def test_category_parse_wants_exactly_one() -> None:
    assert Category.parse("Đang thực hiện quá hạn") is C.OVERDUE
    assert [c.label for c in Category] == [
        "Đã hoàn thành đúng hạn",
        "Đã hoàn thành quá hạn",
        "Chưa hoàn thành trong hạn",
        "Chưa hoàn thành quá hạn",
        "Không thời hạn",
    ]
    with pytest.raises(ValueError, match="nhiều trạng thái"):
        Category.parse("done")
    with pytest.raises(ValueError, match="không có trạng thái"):
        parse_categories("late")


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("quarter", ["II/2026", "Quý II/2026", "Q2/2026", "2026-Q2", "quy 2 nam 2026"])
def test_quarter_forms(demo: Programme, quarter: str) -> None:
    filters = build_filters(FilterSpec(quarter=quarter), demo)
    assert (filters.due_from, filters.due_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert pick(demo, quarter=quarter) == [3, 8]


@pytest.mark.parametrize("month", ["3/2026", "2026-03", "Tháng 3/2026", "03/2026"])
def test_month_forms(demo: Programme, month: str) -> None:
    assert pick(demo, month=month) == [1, 2, 5, 6, 8]


def test_period_filters_match_any_milestone(demo: Programme) -> None:
    assert pick(demo, month="5/2026") == [8]  # its second milestone
    assert pick(demo, year=2028) == [5]
    assert pick(demo, year=2026) == [1, 2, 3, 5, 6, 7, 8]  # not the ongoing task
    assert pick(demo, due_after="01/04/2026", due_before="2026-05-31") == [8]  # bounds included
    assert pick(demo, due_after="2026-06-01", due_before="2026-06-29") == []


def test_period_filters_intersect(demo: Programme) -> None:
    filters = build_filters(FilterSpec(quarter="II/2026", month="5/2026", year=2026), demo)
    assert (filters.due_from, filters.due_to) == (date(2026, 5, 1), date(2026, 5, 31))
    assert pick(demo, quarter="I/2026", month="5/2026") == []


def test_agency_roles(demo: Programme) -> None:
    assert pick(demo, agency="Sở Xây dựng") == [1, 3, 5, 8]
    assert pick(demo, agency="SXD", role="partner") == [2, 7]
    assert pick(demo, agency="so xay dung", role="ANY") == [1, 2, 3, 5, 7, 8]
    # The file writes "Văn hoá", the registry "Văn hóa"; either spelling finds the task.
    assert pick(demo, agency="Sở Văn hóa, Thể thao và Du lịch") == [6]
    assert pick(demo, agency=unicodedata.normalize("NFD", "sở văn hoá")) == [6]


def test_other_filters(demo: Programme) -> None:
    assert pick(demo, authority="HĐND") == [2, 6, 7]
    assert pick(demo, authority="ubnd thanh pho") == [1, 3, 5, 6, 8]
    assert pick(demo, group=6) == [7, 8]
    assert pick(demo, status=("overdue",)) == [3, 6, 8]
    assert pick(demo, status=("done_on_time, Hoàn thành quá hạn",)) == [1, 2]
    assert pick(demo, status=("done", "no_deadline")) == [1, 2, 4]
    assert pick(demo, search="ha tang so") == [8]
    assert pick(demo, search="HẠ TẦNG  SỐ") == [8]
    assert pick(demo, search="đạt chuẩn") == [7]  # in the output column
    assert pick(demo, search="  ") == [1, 2, 3, 4, 5, 6, 7, 8]


def test_filters_combine_with_and(demo: Programme) -> None:
    assert pick(demo, agency="SXD", quarter="I/2026") == [1, 5, 8]
    assert pick(demo, agency="SXD", quarter="I/2026", status=("quá hạn",)) == [8]
    assert pick(demo, agency="SXD", role="any", group=6, search="bệnh viện") == [7]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"agency": "Sở Xây dụng mới"}, '--agency: không tìm thấy cơ quan "Sở Xây dụng mới". Có phải: Sở Xây dựng'),
        ({"agency": "Sở"}, '--agency: "Sở" khớp nhiều cơ quan'),
        ({"authority": "Quốc hội"}, "--authority: không tìm thấy cơ quan"),
        ({"role": "owner"}, '--role: không có vai trò "owner"'),
        ({"quarter": "V/2026"}, "--quarter: không hiểu quý"),
        ({"quarter": "3/2026"}, "--quarter: không hiểu quý"),
        ({"month": "13/2026"}, "--month: không hiểu tháng"),
        ({"year": 1999}, "--year: năm 1999"),
        ({"group": 12}, "--group: không có nhóm 12; các nhóm: 1, 2, 3, 4, 5, 6, 7, 8, 9"),
        ({"status": ("xong rồi",)}, '--status: không có trạng thái "xong rồi"'),
        ({"due_before": "31/02/2026"}, "--due-before: không hiểu ngày"),
        ({"due_after": "tomorrow"}, "--due-after: không hiểu ngày"),
    ],
)
def test_bad_filter_values_name_the_option(demo: Programme, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(FilterError) as caught:
        build_filters(FilterSpec(**spec), demo)
    assert message in str(caught.value)


def test_default_spec_filters_nothing(demo: Programme) -> None:
    assert build_filters(FilterSpec(), demo) == Filters(role=Role.LEAD)


# ---------------------------------------------------------------- lists and counts


def test_overdue_items_one_row_per_milestone_most_overdue_first(demo: Programme) -> None:
    items = overdue_items(select(demo, Filters(), JULY_1))
    assert [(i.state.task_id, i.milestone.number, i.days_overdue) for i in items] == [
        (6, 1, 92),
        (8, 1, 92),
        (8, 2, 31),
        (3, 1, 1),
    ]
    assert not overdue_items(select(demo, Filters(), date(2026, 3, 31)))


def test_upcoming_items(demo: Programme) -> None:
    as_of = date(2026, 6, 20)
    items = upcoming_items(select(demo, Filters(), as_of), 14)
    assert [(i.state.task_id, i.days_left) for i in items] == [(3, 10)]
    assert [i.state.task_id for i in upcoming_items(select(demo, Filters(), as_of), 41)] == [3, 7]
    assert [i.days_left for i in upcoming_items(select(demo, Filters(), date(2026, 6, 30)), 0)] == [0]
    assert not upcoming_items(select(demo, Filters(), date(2026, 6, 20)), 9)


def test_summary_counts(demo: Programme) -> None:
    result = summarise(select(demo, Filters(), JULY_1), demo.registry)
    assert result.total == 8
    assert result.overall == {C.DONE_ON_TIME: 1, C.DONE_LATE: 1, C.ON_TRACK: 2, C.OVERDUE: 3, C.NO_DEADLINE: 1}
    assert list(result.by_group) == [1, 3, 5, 6, 7]
    assert result.by_group[6] == {C.ON_TRACK: 1, C.OVERDUE: 1}
    # Task 8 has two leads and counts for each; busiest agency first.
    assert list(result.by_lead)[:2] == ["Sở Xây dựng", "Sở Tài chính"]
    assert result.by_lead["Sở Xây dựng"] == {C.DONE_ON_TIME: 1, C.OVERDUE: 2, C.ON_TRACK: 1}
    assert result.by_lead["Sở Văn hóa, Thể thao và Du lịch"] == {C.OVERDUE: 1}
    # Of the open tasks, only (6) has nothing recorded: "chưa triển khai".
    assert result.not_started == {C.OVERDUE: 1}
    assert [s.task_id for s in select(demo, Filters(), JULY_1) if s.not_started] == [6]
    assert result.not_started_by_group == {1: 0, 3: 0, 5: 0, 6: 0, 7: 1}
    assert result.not_started_by_lead["Sở Văn hóa, Thể thao và Du lịch"] == 1
    assert result.not_started_by_lead["Sở Xây dựng"] == 0


def test_not_started_counts_what_was_recorded_by_the_date(demo: Programme) -> None:
    """On 01/05/2026 (3) and (7), in progress today, had no log entry yet; (5) and (8) had; (4) has no due date."""
    states = select(demo, Filters(), date(2026, 5, 1))
    assert [(s.task_id, s.category) for s in states if s.not_started] == [
        (3, C.ON_TRACK),
        (6, C.OVERDUE),
        (7, C.ON_TRACK),
    ]
    assert summarise(states, demo.registry).not_started == {C.ON_TRACK: 2, C.OVERDUE: 1}


def test_a_status_past_not_started_without_a_log_counts_as_started() -> None:
    assert started_by(record(status="in_progress"), JULY_1)
    assert not started_by(record(), JULY_1)
    later = [{"date": "2026-08-01", "status": "in_progress"}]
    assert not started_by(record(status="in_progress", log=later), JULY_1)
    assert started_by(record(status="in_progress", log=later), date(2026, 8, 1))


def test_lead_names_registry_names_each_once(demo: Programme) -> None:
    """What the summary and the weekly brief file a task under: one name per lead agency."""
    registry = demo.registry
    assert lead_names(record(lead=["so xay dung", "SXD", "Sở Tài chính"]), registry) == ["Sở Xây dựng", "Sở Tài chính"]
    assert lead_names(record(lead=["Ban chỉ đạo chưa có trong danh mục"]), registry) == [
        "Ban chỉ đạo chưa có trong danh mục"
    ]
    assert lead_names(record(lead=[]), registry) == []


def test_agency_loads(demo: Programme) -> None:
    loads = {load.agency.code: (load.leads, load.partners) for load in agency_loads(demo)}
    assert loads["SXD"] == (4, 2)
    assert loads["STC"] == (2, 0)
    assert loads["SKHCN"] == (0, 1)
    assert [load.agency.code for load in agency_loads(demo)] == [a.code for a in demo.registry.agencies]


@pytest.mark.parametrize(
    ("typed", "first"),
    [("So Xay", "Sở Xây dựng"), ("sở xây", "Sở Xây dựng"), ("SXD", "Sở Xây dựng"), ("bo xay", "Bộ Xây dựng")],
)
def test_completion_folds_accents(demo: Programme, typed: str, first: str) -> None:
    assert complete_agency_name(demo.registry, typed)[0].name == first


def test_completion_lists_prefix_matches_then_others(demo: Programme) -> None:
    codes = [a.code for a in complete_agency_name(demo.registry, "xay dung")]
    assert set(codes) == {"SXD", "BXD", "BQLDA-NNPTNT"}  # the last by its long alias
    starts = [fold(a.name).startswith("ban") for a in complete_agency_name(demo.registry, "ban")]
    assert starts == sorted(starts, reverse=True)
    assert starts.count(True) >= 3 and starts.count(False) >= 1  # "Ủy ban nhân dân…" comes after
    assert all(not a.generic for a in complete_agency_name(demo.registry, ""))
    assert complete_agency_name(demo.registry, "zzz") == []


# ---------------------------------------------------------------- payloads and writers


def test_task_payload_data_model(demo: Programme) -> None:
    state = classify(demo.task(8), JULY_1)  # type: ignore[arg-type]
    payload = task_payload(state)
    assert payload["id"] == 8
    assert payload["lead"] == ["Sở Tài chính", "Sở Xây dựng"]
    assert payload["deadline"] == "Trình đề án tháng 3/2026; Ban hành tháng 5/2026"
    assert (payload["status"], payload["status_label"], payload["days_overdue"]) == (
        "overdue",
        "Chưa hoàn thành quá hạn",
        92,
    )
    assert payload["due"] == "2026-03-31"
    assert payload["milestones"][1] == {
        "number": 2,
        "label": "Ban hành",
        "due": "2026-05-31",
        "ongoing": False,
        "done": False,
        "done_on": None,
        "status": "overdue",
        "status_label": "Chưa hoàn thành quá hạn",
        "days_overdue": 31,
        "original_due": "2026-05-31",
        "extensions": [],
        "extension": "",
    }
    row = item_payload(overdue_items([state])[1])
    assert (row["milestone"], row["milestone_label"], row["due"], row["days_overdue"]) == (
        2,
        "Ban hành",
        "2026-05-31",
        31,
    )


def test_csv_rows_flatten_lists(demo: Programme) -> None:
    state = classify(demo.task(5), JULY_1)  # type: ignore[arg-type]
    row = csv_row(task_payload(state), TASK_CSV_FIELDS)
    assert row["milestones"] == "1. Khởi công: 2026-03-31 (hoàn thành 2026-04-10); 2. Hoàn thành: 2028-12-31"
    assert row["lead"] == "Sở Xây dựng"
    assert list(row) == list(TASK_CSV_FIELDS)
    out = io.StringIO()
    write_csv([row, csv_row(item_payload(upcoming_items([state], 10_000)[0]), ITEM_CSV_FIELDS)], TASK_CSV_FIELDS, out)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["title"] == "Xây dựng cầu vượt sông Cấm"
    assert parsed[1]["due"] == "2028-12-31"


def test_write_json_keeps_vietnamese_letters() -> None:
    out = io.StringIO()
    write_json([{"title": "Sở Xây dựng"}], out)
    assert '"Sở Xây dựng"' in out.getvalue()


# ---------------------------------------------------------------- tables


def test_plain_table_aligns_columns_without_trailing_blanks() -> None:
    table = Table([Column("STT", "right"), Column("Tên")], title="Bảng")
    table.add("1", "Sở Xây dựng")
    table.add("12", unicodedata.normalize("NFD", "Sở Y tế"))
    lines = plain_table(table, table.rows).splitlines()
    assert lines == ["Bảng", "STT  Tên", "---  -----------", "  1  Sở Xây dựng", " 12  " + table.rows[1][1]]
    assert display_width(unicodedata.normalize("NFD", "Sở Y tế")) == 7


def test_render_table_caps_rows_to_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    table = Table([Column("STT")])
    for number in range(1, 36):
        table.add(str(number))
    out = io.StringIO()
    render_table(table, stream=out)
    lines = out.getvalue().splitlines()
    assert lines[-2:] == ["30", "… và 5 nhiệm vụ khác (dùng --all để xem tất cả)"]
    everything = io.StringIO()
    render_table(table, show_all=True, stream=everything)
    assert everything.getvalue().splitlines()[-1] == "35"
    assert "khác" not in everything.getvalue()


def test_styled_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert styled(Terminal())
    assert not styled(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not styled(Terminal())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not styled(Terminal())
    monkeypatch.delenv("NO_COLOR")
    assert styled(io.StringIO())
