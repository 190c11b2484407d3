"""Deadline cells found to read wrong (a plausible wrong date, or labels that mislead): each is now read
right or refused pointing at the word."""

from __future__ import annotations

from datetime import date

import pytest

from ctr199.deadline import DeadlineError, read_deadline


def _refused_at(text: str) -> str:
    with pytest.raises(DeadlineError) as caught:
        read_deadline(text, year=2026)
    return caught.value.word


def test_a_yearless_month_borrowing_a_later_year_that_puts_it_after_the_lender_is_refused() -> None:
    # "Tháng 12 và tháng 1/2027" was read as December 2027, after the January 2027 it borrowed its year from.
    assert _refused_at("Tháng 12 và tháng 1/2027") == "Tháng 12"
    assert _refused_at("Quý IV và Quý I/2027") == "Quý IV"


def test_a_list_in_calendar_order_still_borrows_the_year() -> None:
    dues = [r.milestone.due for r in read_deadline("Tháng 6 và tháng 12/2026")]
    assert dues == [date(2026, 6, 30), date(2026, 12, 31)]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # "before Tết 2027" is January/February 2027, was read 31/12/2027 with the "trước" lost.
        ("Trước Tết Nguyên đán 2027", "Trước"),
        # "before the year-end council session" was read as 31/12/2026.
        ("Trước kỳ họp HĐND cuối năm 2026", "Trước"),
        ("Sau Tết Nguyên đán 2027", "Sau"),
    ],
)
def test_before_or_after_an_event_then_a_period_is_refused(text: str, word: str) -> None:
    assert _refused_at(text) == word


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Trước hết hoàn thành Quý II/2026", date(2026, 6, 30)),
        ("Sau khi được phê duyệt, triển khai trong năm 2026", date(2026, 12, 31)),
        ("trước sau như một, năm 2026", date(2026, 12, 31)),
        ("Trình UBND thành phố trước ngày 15/10/2026", date(2026, 10, 15)),
    ],
)
def test_before_and_after_in_ordinary_phrases_stay_label_text(text: str, due: date) -> None:
    assert [r.milestone.due for r in read_deadline(text)] == [due]


def test_labels_are_never_bare_brackets() -> None:
    readings = read_deadline("Quý II/2026 (chậm nhất 15/6/2026)")
    assert [r.milestone.due for r in readings] == [date(2026, 6, 30), date(2026, 6, 15)]
    for reading in readings:
        assert any(ch.isalnum() for ch in reading.milestone.label), reading.milestone.label
        assert reading.milestone.label.count("(") == reading.milestone.label.count(")"), reading.milestone.label


def test_words_after_and_belong_to_the_next_period() -> None:
    # Was: "hoàn thành" due 31/03/2026 and "trước 30/6/2026" due 30/06/2026.
    readings = read_deadline("Quý I/2026 và hoàn thành trước 30/6/2026")
    labels = {r.milestone.due: r.milestone.label for r in readings}
    assert labels[date(2026, 6, 30)] == "hoàn thành"
    assert "hoàn thành" not in labels[date(2026, 3, 31)]


@pytest.mark.parametrize("text", ["Quý II năm 2026 và 2027", "Tháng 6/2026, 2027", "Quý IV/2026, 2027 và 2028"])
def test_a_bare_year_listed_after_a_shorter_period_is_refused(text: str) -> None:
    # Was read as the whole year 2027 (31/12/2027) where "Quý II/2027" (30/06/2027) was likely meant.
    assert _refused_at(text) == "2027"


@pytest.mark.parametrize(
    ("text", "dues"),
    [
        ("Tháng 12 năm 2026 và năm 2027", [date(2026, 12, 31), date(2027, 12, 31)]),
        ("Năm 2026, 2027", [date(2026, 12, 31), date(2027, 12, 31)]),
        ("Quý IV/2026 - 2027", [date(2027, 12, 31)]),
    ],
)
def test_a_year_written_as_a_year_still_lists(text: str, dues: list[date]) -> None:
    assert [r.milestone.due for r in read_deadline(text)] == dues


@pytest.mark.parametrize("text", ["6 tháng/lần", "6 tháng một lần", "06 tháng 1 lần", "Định kỳ 6 tháng"])
def test_every_six_months_reads_like_dinh_ky(text: str) -> None:
    # "6 tháng/lần" was refused as a duration; it says what "Định kỳ 6 tháng" says.
    assert [r.milestone.due for r in read_deadline(text, year=2026)] == [date(2026, 6, 30), date(2026, 12, 31)]


def test_every_n_months_still_needs_the_programme_year_and_a_divisor_of_twelve() -> None:
    with pytest.raises(DeadlineError):
        read_deadline("6 tháng/lần")
    assert _refused_at("5 tháng/lần") != ""


@pytest.mark.parametrize(
    ("text", "dues"),
    [
        ("Năm 2026: 1500 căn", [date(2026, 12, 31)]),
        ("Năm 2026: 2000 căn; năm 2027: 3000 căn", [date(2026, 12, 31), date(2027, 12, 31)]),
    ],
)
def test_a_four_digit_quantity_outside_the_years_is_a_quantity(text: str, dues: list[date]) -> None:
    # Was refused: "năm 3000 nằm ngoài khoảng 2000–2100".
    assert [r.milestone.due for r in read_deadline(text)] == dues


@pytest.mark.parametrize("text", ["Năm 3000", "Quý II/1999", "Tháng 6/2101", "1999"])
def test_a_year_out_of_range_is_still_refused(text: str) -> None:
    with pytest.raises(DeadlineError):
        read_deadline(text)


def test_ngay_sau_khi_is_label_text_not_an_unaccented_day() -> None:
    # Was refused at "Ngay" (read as "ngày sáu" typed without accents).
    readings = read_deadline("Ngay sau khi được phê duyệt, trong Quý II/2026")
    assert [r.milestone.due for r in readings] == [date(2026, 6, 30)]
    with pytest.raises(DeadlineError):
        read_deadline("Ngay sau khi Nghị quyết được ban hành")  # no date at all


@pytest.mark.parametrize(
    ("text", "dues"),
    [
        # A cell wrapped with Alt+Enter inside a range was read as two milestones (an extra, earlier one).
        ("Quý I/2026 -\nQuý II/2026", [date(2026, 6, 30)]),
        ("Quý I/2026 –\n2027", [date(2027, 12, 31)]),
        ("Từ tháng 6/2026\nđến tháng 12/2026", [date(2026, 12, 31)]),
        ("Tháng 6 và\ntháng 12/2026", [date(2026, 6, 30), date(2026, 12, 31)]),
        # A new line that starts with a bullet, or with a period, is a new part.
        ("Năm 2026\n- Năm 2027", [date(2026, 12, 31), date(2027, 12, 31)]),
        ("Tháng 6/2026\nTháng 12/2026", [date(2026, 6, 30), date(2026, 12, 31)]),
        ("- Khởi công Quý I/2026\n- Hoàn thành năm 2028", [date(2026, 3, 31), date(2028, 12, 31)]),
    ],
)
def test_a_line_break_inside_a_phrase_does_not_split_it(text: str, dues: list[date]) -> None:
    assert [r.milestone.due for r in read_deadline(text)] == dues


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # "IV" was left as label text: the Quý IV milestone was silently dropped.
        ("Quý III/2026, IV", "IV"),
        # "I" was label text: due 31/12/2026 where Quý I of 2027 was likely meant.
        ("Quý IV/2026 - I", "I"),
        ("Tháng 12/2026 - 1", "1"),
    ],
)
def test_a_bare_quarter_or_month_after_a_dated_one_is_refused(text: str, word: str) -> None:
    assert _refused_at(text) == word


def test_a_count_after_a_dated_quarter_stays_a_quantity() -> None:
    assert [r.milestone.due for r in read_deadline("Quý III/2026, 5 xã")] == [date(2026, 9, 30)]


def test_giai_doan_n_keeps_its_name_in_the_label() -> None:
    readings = read_deadline("Giai đoạn 1: Quý II/2026; Giai đoạn 2: Quý IV/2026")
    assert [r.milestone.label for r in readings] == ["Giai đoạn 1", "Giai đoạn 2"]


@pytest.mark.parametrize(
    "text", ["Tháng 6/2026 (âm lịch)", "Ngày 15 tháng 7 năm 2026 âm lịch", "15/7/2026 Âm Lịch", "15/7/2026 am lich"]
)
def test_a_lunar_date_is_refused(text: str) -> None:
    # Was read as the solar date: 15/7/2026 where the lunar 15/7 is 27/8/2026.
    assert _refused_at(text).casefold() in ("âm lịch", "am lich")


@pytest.mark.parametrize(
    "text", ["Từ Quý II/2026 trở đi, hằng quý", "Hằng quý, bắt đầu từ Quý II/2026", "Hằng quý kể từ Quý II/2026"]
)
def test_periodic_milestones_start_where_the_work_starts(text: str) -> None:
    # Was: a Quý I/2026 milestone too, overdue from 01/04/2026 for work that starts in Quý II.
    dues = [r.milestone.due for r in read_deadline(text, year=2026) if r.milestone.due is not None]
    assert dues == [date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def test_periodic_milestones_all_before_the_start_are_refused() -> None:
    with pytest.raises(DeadlineError):
        read_deadline("Hằng quý, từ năm 2027", year=2026)


def test_periodic_milestones_within_a_range_start_with_it() -> None:
    readings = read_deadline("Từ tháng 10 đến tháng 12/2026, hằng tháng", year=2026)
    assert [r.milestone.due for r in readings] == [
        date(2026, 12, 31),
        date(2026, 10, 31),
        date(2026, 11, 30),
        date(2026, 12, 31),
    ]
