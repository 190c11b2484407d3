"""Tests for ctr199.deadline: every phrase of the programme, variants, errors, properties."""

import contextlib
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctr199.deadline import (
    _DATE_FORMS,
    _DATE_KINDS,
    DeadlineError,
    Milestone,
    _spec_match,
    month_end,
    parse_date,
    parse_deadline,
    parse_month,
    parse_quarter,
    quarter_end,
)

from .conftest import cpu_limit

D = date.fromisoformat
ONGOING = "ongoing"

# Every "Thời hạn" phrase of the programme: (text, [(label or None to skip, due or ONGOING)]).
PROGRAMME: list[tuple[str, list[tuple[str | None, str]]]] = [
    ("Năm 2026", [("Năm 2026", "2026-12-31")]),
    ("Trong năm 2026", [(None, "2026-12-31")]),
    ("Tháng 3/2026", [("Tháng 3/2026", "2026-03-31")]),
    ("Tháng 12/2026", [(None, "2026-12-31")]),
    ("Tháng 7/2026", [(None, "2026-07-31")]),
    ("Tháng 5/2026", [(None, "2026-05-31")]),
    ("Tháng 10/2026", [(None, "2026-10-31")]),
    ("Tháng 11/2026", [(None, "2026-11-30")]),
    ("Tháng 8/2026", [(None, "2026-08-31")]),
    ("Tháng 4/2026", [(None, "2026-04-30")]),
    ("Tháng 6/2026", [(None, "2026-06-30")]),
    ("Quý I/2026", [("Quý I/2026", "2026-03-31")]),
    ("Quý II/2026", [("Quý II/2026", "2026-06-30")]),
    ("Quý III/2026", [(None, "2026-09-30")]),
    ("Quý IV/2026", [(None, "2026-12-31")]),
    ("Từ năm 2026", [(None, ONGOING)]),
    ("Thường xuyên", [("Thường xuyên", ONGOING)]),
    ("Thường xuyên trong năm 2026", [(None, ONGOING)]),
    ("Giai đoạn 2026 - 2030", [(None, "2030-12-31")]),
    ("2026-2030", [(None, "2030-12-31")]),
    ("Khởi công trong năm 2026", [("Khởi công", "2026-12-31")]),
    (
        "Ban hành Đề án trong năm 2025-2026; triển khai giai đoạn 2026-2030",
        [("Ban hành Đề án", "2026-12-31"), ("triển khai", "2030-12-31")],
    ),
    (
        "Ban hành 2026; triển khai 2026-2030",
        [("Ban hành", "2026-12-31"), ("triển khai", "2030-12-31")],
    ),
    (
        "Phê duyệt nhiệm vụ năm 2025-2026; triển khai giai đoạn 2026-2030",
        [("Phê duyệt nhiệm vụ", "2026-12-31"), ("triển khai", "2030-12-31")],
    ),
    (
        "Quý I năm 2026 cơ bản hoàn thành và thường xuyên, liên tục trong quá trình quản lý, "
        "sử dụng tài sản của các đơn vị",
        [
            ("cơ bản hoàn thành", "2026-03-31"),
            (
                "thường xuyên, liên tục trong quá trình quản lý, sử dụng tài sản của các đơn vị",
                ONGOING,
            ),
        ],
    ),
    (
        "Phân đầu khởi công bến 7-8 trong Quý II/2026; bến 9-12 trong Quý IV/2026, hoàn thành năm 2030",
        [
            ("Phân đầu khởi công bến 7-8", "2026-06-30"),
            ("bến 9-12", "2026-12-31"),
            ("hoàn thành", "2030-12-31"),
        ],
    ),
    (
        "Xây dựng hồ sơ: 2026 - 2028; Hoàn thiện hồ sơ và trình UNESCO: 2028",
        [("Xây dựng hồ sơ", "2028-12-31"), ("Hoàn thiện hồ sơ và trình UNESCO", "2028-12-31")],
    ),
    (
        "Xây dựng hồ sơ: 2026 - 2027; Hoàn thiện hồ sơ và trình UNESCO : 2028",
        [("Xây dựng hồ sơ", "2027-12-31"), ("Hoàn thiện hồ sơ và trình UNESCO", "2028-12-31")],
    ),
    (
        "Khởi công năm 2026; Đưa vào vận hành trong năm 2027.",
        [("Khởi công", "2026-12-31"), ("Đưa vào vận hành", "2027-12-31")],
    ),
    (
        "- Khởi công Quý I năm 2026; - Hoàn thành trong năm 2028.",
        [("Khởi công", "2026-03-31"), ("Hoàn thành", "2028-12-31")],
    ),
    (
        "Khởi công Quý I năm 2026; Hoàn thành trong năm 2028",
        [("Khởi công", "2026-03-31"), ("Hoàn thành", "2028-12-31")],
    ),
    (
        "Khởi công tháng 10 năm 2026; Hoàn thành trong năm 2030",
        [("Khởi công", "2026-10-31"), ("Hoàn thành", "2030-12-31")],
    ),
    ("", []),
]


def _check(milestones: list[Milestone], expected: list[tuple[str | None, str]]) -> None:
    assert len(milestones) == len(expected), milestones
    for got, (label, due) in zip(milestones, expected, strict=True):
        if due == ONGOING:
            assert got.ongoing
            assert got.due is None
        else:
            assert not got.ongoing
            assert got.due == D(due)
        if label is not None:
            assert got.label == label
        assert got.label
        assert got.label == got.label.strip()


@pytest.mark.parametrize(("text", "expected"), PROGRAMME, ids=[t[:40] for t, _ in PROGRAMME])
def test_programme_phrases(text: str, expected: list[tuple[str | None, str]]) -> None:
    _check(parse_deadline(text), expected)


@pytest.mark.parametrize(("text", "expected"), PROGRAMME, ids=[t[:40] for t, _ in PROGRAMME])
def test_programme_phrases_nfd_and_case(text: str, expected: list[tuple[str | None, str]]) -> None:
    nfd = parse_deadline(unicodedata.normalize("NFD", text))
    _check(nfd, expected)
    assert nfd == parse_deadline(text)  # labels come back in NFC
    upper = parse_deadline(text.upper())
    assert [(m.due, m.ongoing) for m in upper] == [(m.due, m.ongoing) for m in nfd]


VARIANTS: list[tuple[str, str]] = [
    ("Quý 2/2026", "2026-06-30"),
    ("quý II năm 2026", "2026-06-30"),
    ("QUÝ IV/2026", "2026-12-31"),
    ("Quý Ii/2026", "2026-06-30"),
    ("Qúy II/2026", "2026-06-30"),  # old tone placement
    ("Q3/2026", "2026-09-30"),
    ("2026-Q1", "2026-03-31"),
    ("Tháng 03/2026", "2026-03-31"),
    ("tháng 3 năm 2026", "2026-03-31"),
    ("Tháng 2/2028", "2028-02-29"),
    ("6 tháng đầu năm 2026", "2026-06-30"),
    ("9 tháng đầu năm 2026", "2026-09-30"),
    ("6 tháng cuối năm 2026", "2026-12-31"),
    ("trước 30/6/2026", "2026-06-30"),
    ("30/6/2026", "2026-06-30"),
    ("30/06/2026", "2026-06-30"),
    ("ngày 30/6/2026", "2026-06-30"),
    ("Hoàn thành trước ngày 30 tháng 6 năm 2026", "2026-06-30"),
    ("2026-06-30", "2026-06-30"),
    ("đến hết năm 2026", "2026-12-31"),
    ("Năm 2026.", "2026-12-31"),
    ("  Năm\u00a0 2026  ", "2026-12-31"),
    ("Quý\u200bII/2026", "2026-06-30"),
    ("cuối năm 2026", "2026-12-31"),
    ("Từ năm 2026 đến năm 2030", "2030-12-31"),
    ("Quý I/2026 - Quý III/2027", "2027-09-30"),
]


@pytest.mark.parametrize(("text", "due"), VARIANTS)
def test_variants(text: str, due: str) -> None:
    for spelling in (text, unicodedata.normalize("NFD", text)):
        [milestone] = parse_deadline(spelling)
        assert milestone.due == D(due)
        assert not milestone.ongoing


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Triển khai từ năm 2026", "Triển khai"),
        ("Từ Quý III/2026", "Từ Quý III/2026"),
        ("Báo cáo hằng tuần", "Báo cáo hằng tuần"),
        ("- Thường xuyên.", "Thường xuyên"),
        ("Từ năm 2026 trở đi", "Từ năm 2026 trở đi"),
        ("Trong năm 2026 và các năm tiếp theo", "Trong năm 2026 và các năm tiếp theo"),
    ],
)
def test_ongoing_variants(text: str, label: str) -> None:
    assert parse_deadline(text) == [Milestone(label=label, due=None, ongoing=True)]


def test_periodic_marker_is_one_milestone_per_period_of_the_programme_year() -> None:
    assert parse_deadline("Báo cáo hằng năm", year=2027) == [Milestone(label="Báo cáo", due=D("2027-12-31"))]
    with pytest.raises(DeadlineError, match="năm của chương trình"):
        parse_deadline("Báo cáo hằng năm")


def test_multi_part_labels_and_newlines() -> None:
    got = parse_deadline("- Khởi công Quý I/2026\n- Hoàn thành Quý IV/2027")
    assert [(m.label, m.due) for m in got] == [
        ("Khởi công", D("2026-03-31")),
        ("Hoàn thành", D("2027-12-31")),
    ]
    got = parse_deadline("Khởi công 2026 và hoàn thành 2028")
    assert [m.label for m in got] == ["Khởi công", "hoàn thành"]


def test_dated_part_then_ongoing_part() -> None:
    got = parse_deadline("Hoàn thành Quý II/2026, sau đó thường xuyên")
    assert got == [
        Milestone(label="Hoàn thành", due=D("2026-06-30")),
        Milestone(label="thường xuyên", due=None, ongoing=True),
    ]
    got = parse_deadline("Triển khai từ năm 2026, báo cáo Quý IV/2026")
    assert [(m.label, m.due, m.ongoing) for m in got] == [
        ("Triển khai", None, True),
        ("báo cáo", D("2026-12-31"), False),
    ]


def test_words_after_a_single_period_stay_in_the_label() -> None:
    [milestone] = parse_deadline("Hoàn thành trong Quý II/2026 đối với bến 7-8")
    assert milestone.label == "Hoàn thành trong Quý II/2026 đối với bến 7-8"
    assert milestone.due == D("2026-06-30")


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "-", " ; "])
def test_blank_is_no_milestones(text: str) -> None:
    assert parse_deadline(text) == []


ERRORS = [
    "sắp tới",
    "khi có chỉ đạo",
    "Quý V/2026",
    "Quý 5/2026",
    "Tháng 13/2026",
    "Tháng 0/2026",
    "31/02/2026",
    "29/02/2026",
    "Năm 1890",
    "Năm 2200",
    "2030-2026",
    "Quý /2026",
    "Khởi công Quý II, hoàn thành năm 2027",
    "Khởi công 2026; khi có chỉ đạo",
    "asdkjh 12 qwe !!",
    "13 tháng đầu năm 2026",
    # No end date can be read from these without guessing one.
    "đầu năm 2026",
    "Giữa năm 2026",
]


@pytest.mark.parametrize("text", ERRORS)
def test_errors_name_the_phrase(text: str) -> None:
    with pytest.raises(DeadlineError) as info:
        parse_deadline(text)
    message = str(info.value)
    assert f'"{text}"' in message
    assert "\n" not in message
    assert "dùng dạng" in message
    assert info.value.phrase == text
    assert isinstance(info.value, ValueError)


def test_error_message_wording() -> None:
    with pytest.raises(DeadlineError) as info:
        parse_deadline("sắp tới")
    assert str(info.value) == (
        'không hiểu thời hạn "sắp tới": dùng dạng "Quý II/2026", "Tháng 3/2026", '
        '"Năm 2026", "30/6/2026" hoặc "Thường xuyên"'
    )
    with pytest.raises(DeadlineError, match="quý V không có"):
        parse_deadline("Quý V/2026")
    with pytest.raises(DeadlineError, match='phần "khi có chỉ đạo"'):
        parse_deadline("Khởi công 2026; khi có chỉ đạo")


def test_long_input_is_refused_quickly() -> None:
    for text in ("a" * 10_000, "Quý II/2026; " * 1000, "2026 - " * 2000):
        with cpu_limit(1), pytest.raises(DeadlineError) as info:
            parse_deadline(text)
        assert info.value.phrase == text
        assert len(str(info.value)) < 400


@pytest.mark.parametrize(
    "text",
    [
        "quý " + " " * 480 + "2",
        "1" + " " * 490 + "tháng",
        "Quý II/2026, " * 38,
        "2026-" * 99,
        "tháng 1 " * 62,
        "- ; " * 120,
    ],
)
def test_adversarial_input_is_fast(text: str) -> None:
    with cpu_limit(1), contextlib.suppress(DeadlineError):
        parse_deadline(text)


def test_milestone_record_is_frozen_and_strict() -> None:
    milestone = Milestone(label="Khởi công", due=D("2026-12-31"))
    assert milestone.ongoing is False
    with pytest.raises(AttributeError, match="frozen"):
        milestone.label = "x"  # type: ignore[misc]
    with pytest.raises(TypeError, match="extra"):
        Milestone(label="x", due=None, extra=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="due"):
        Milestone(label="x")  # type: ignore[call-arg]


# ---------------------------------------------------------------------------
# parse_quarter / parse_month / parse_date / *_end


@pytest.mark.parametrize(
    "spec",
    ["II/2026", "Quý II/2026", "quý 2/2026", "Q2/2026", "q2/2026", "2026-Q2", "quý II năm 2026"],
)
def test_parse_quarter_accepts(spec: str) -> None:
    assert parse_quarter(spec) == (D("2026-04-01"), D("2026-06-30"))
    assert parse_quarter(unicodedata.normalize("NFD", spec.upper())) == parse_quarter(spec)


@pytest.mark.parametrize("spec", ["2/2026", "Quý V/2026", "Q5/2026", "Quý /2026", "Quý II", "V/2026", "", "Năm 2026"])
def test_parse_quarter_rejects(spec: str) -> None:
    with pytest.raises(DeadlineError) as info:
        parse_quarter(spec)
    assert f'"{spec}"' in str(info.value)


@pytest.mark.parametrize("spec", ["3/2026", "03/2026", "2026-03", "Tháng 3/2026", "tháng 3 năm 2026", "THÁNG 03/2026"])
def test_parse_month_accepts(spec: str) -> None:
    assert parse_month(spec) == (D("2026-03-01"), D("2026-03-31"))


@pytest.mark.parametrize("spec", ["13/2026", "0/2026", "2026-13", "Tháng 3", "3/1999", "Quý I/2026", "31/3/2026"])
def test_parse_month_rejects(spec: str) -> None:
    with pytest.raises(DeadlineError):
        parse_month(spec)


@pytest.mark.parametrize("spec", ["30/6/2026", "30/06/2026", "2026-06-30", " ngày 30/6/2026 "])
def test_parse_date_accepts(spec: str) -> None:
    assert parse_date(spec) == D("2026-06-30")


@pytest.mark.parametrize("spec", ["31/02/2026", "30/6", "6/2026", "2026-02-30", "hôm nay", "32/1/2026", "1/1/1999"])
def test_parse_date_rejects(spec: str) -> None:
    with pytest.raises(DeadlineError) as info:
        parse_date(spec)
    assert "30/6/2026" in str(info.value)  # names an accepted form


@given(
    st.one_of(
        st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 12, 31)).map(date.isoformat),
        st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),  # 2026-02-30, 2026-13-01, 0000-00-00 …
        st.text(alphabet="0123456789-/ ０１２٣²", min_size=8, max_size=12),  # odd digits and shapes
    )
)
def test_plain_iso_shortcut_agrees_with_the_grammar(spec: str) -> None:
    """parse_date reads "2026-07-01" without the grammar; it must accept and refuse exactly as the grammar does."""
    try:
        expected: date | str = _spec_match(spec, _DATE_KINDS, "ngày", _DATE_FORMS)[0]
    except DeadlineError as exc:
        expected = str(exc)
    try:
        got: date | str = parse_date(spec)
    except DeadlineError as exc:
        got = str(exc)
    assert got == expected


def test_period_ends() -> None:
    assert [quarter_end(2026, q) for q in range(1, 5)] == [
        D("2026-03-31"),
        D("2026-06-30"),
        D("2026-09-30"),
        D("2026-12-31"),
    ]
    assert month_end(2028, 2) == D("2028-02-29")
    assert month_end(2026, 2) == D("2026-02-28")
    for bad in ((2026, 0), (2026, 5)):
        with pytest.raises(DeadlineError):
            quarter_end(*bad)
    with pytest.raises(DeadlineError):
        month_end(2026, 13)


# ---------------------------------------------------------------------------
# Properties

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
years = st.integers(min_value=2000, max_value=2100)


@settings(max_examples=500)
@given(st.text())
def test_arbitrary_text_raises_only_deadline_error(text: str) -> None:
    try:
        milestones = parse_deadline(text)
    except DeadlineError as exc:
        assert exc.phrase == text
        assert "\n" not in str(exc)
    else:
        assert all(m.label for m in milestones)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789/-. ;:,QqIiVvXxquýtháng năm", max_size=60))
def test_digit_heavy_text_raises_only_deadline_error(text: str) -> None:
    with contextlib.suppress(DeadlineError):
        parse_deadline(text)


def _spell(text: str, how: int) -> str:
    if how == 1:
        return unicodedata.normalize("NFD", text)
    if how == 2:
        return text.upper()
    if how == 3:
        return f"- Khởi công {text}."
    return text


@given(
    years,
    st.integers(min_value=1, max_value=4),
    st.sampled_from(["Quý {r}/{y}", "quý {n}/{y}", "Quý {r} năm {y}", "Q{n}/{y}", "{y}-Q{n}", "trong quý {r}/{y}"]),
    st.integers(min_value=0, max_value=3),
)
def test_quarter_phrases_end_on_quarter_end(year: int, quarter: int, form: str, how: int) -> None:
    text = _spell(form.format(r=ROMAN[quarter], n=quarter, y=year), how)
    [milestone] = parse_deadline(text)
    assert milestone.due is not None
    assert milestone.due.year == year
    assert milestone.due.month == 3 * quarter
    assert (milestone.due + timedelta(days=1)).day == 1
    assert milestone.due == quarter_end(year, quarter)
    if not form.startswith("trong"):
        assert parse_quarter(form.format(r=ROMAN[quarter], n=quarter, y=year))[1] == milestone.due


@given(
    years,
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["Tháng {m}/{y}", "tháng {m:02d}/{y}", "tháng {m} năm {y}", "{m}/{y}"]),
    st.integers(min_value=0, max_value=3),
)
def test_month_phrases_end_on_month_end(year: int, month: int, form: str, how: int) -> None:
    text = _spell(form.format(m=month, y=year), how)
    [milestone] = parse_deadline(text)
    assert milestone.due is not None
    assert (milestone.due.year, milestone.due.month) == (year, month)
    assert (milestone.due + timedelta(days=1)).day == 1
    assert parse_month(form.format(m=month, y=year)) == (date(year, month, 1), milestone.due)


@given(years, st.sampled_from(["Năm {y}", "Trong năm {y}", "đến hết năm {y}", "{y}"]))
def test_year_phrases_end_on_december_31(year: int, form: str) -> None:
    [milestone] = parse_deadline(form.format(y=year))
    assert milestone.due == date(year, 12, 31)


@given(years, years)
def test_year_ranges(first: int, second: int) -> None:
    text = f"Giai đoạn {first} - {second}"
    if second < first:
        with pytest.raises(DeadlineError):
            parse_deadline(text)
    else:
        [milestone] = parse_deadline(text)
        assert milestone.due == date(second, 12, 31)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    for spec in (f"{day.day}/{day.month}/{day.year}", f"{day:%d/%m/%Y}", day.isoformat()):
        assert parse_date(spec) == day
        [milestone] = parse_deadline(f"trước {spec}")
        assert milestone.due == day
