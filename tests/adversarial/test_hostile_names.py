"""Agency names: a prefix, a word of several names or a name inside another is never taken for an agency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import tree_digest
from .common import AS_OF, error_line, invoke, write

_CONG = (
    'Lỗi: --agency: "Công" khớp nhiều cơ quan: Công an thành phố (CATP); Sở Công Thương (SCT); Sở Khoa học và '
    "Công nghệ (SKHCN); Ban QLDA ĐTXD công trình NN và PTNT Hải Phòng (BQLDA-NNPTNT). Gõ đầy đủ hơn hoặc dùng mã."
)


@pytest.mark.parametrize("command", ["list", "overdue", "upcoming", "summary"])
def test_a_word_of_several_names_lists_them(data: Path, command: str) -> None:
    result = invoke(command, "--agency", "Công", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result) == _CONG


def test_a_word_inside_one_name_is_offered_not_taken(data: Path) -> None:
    result = invoke("list", "--agency", "Nội vụ", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert error_line(result) == 'Lỗi: --agency: không tìm thấy cơ quan "Nội vụ". Có phải: Sở Nội vụ (SNV)?'


def test_a_partial_last_word_is_not_a_prefix(data: Path) -> None:
    result = invoke("list", "--agency", "Sở Xây dự", "-d", "data", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert error_line(result).startswith('Lỗi: --agency: không tìm thấy cơ quan "Sở Xây dự". Có phải: Sở Xây dựng')


def _listed(*args: str) -> list[int]:
    result = invoke("list", *args, "-d", "data", "--as-of", AS_OF, "--all", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_partner_role_never_matches_inside_another_name(data: Path) -> None:
    # Task 19's partner is "Văn phòng Ủy ban nhân dân thành phố (…)": the office, not the committee.
    assert 19 in _listed("--agency", "VPUBND", "--role", "partner")
    assert 19 not in _listed("--agency", "UBND", "--role", "partner")
    assert _listed("--agency", "UBND", "--role", "partner") == []


def test_listed_partners_resolve_to_registry_agencies(data: Path) -> None:
    # Task 28: "Các sở: Nông nghiệp và Môi trường, Xây dựng, Công Thương, Khoa học và Công nghệ; Ban Quản lý …"
    for code in ("SNNMT", "SXD", "SCT", "SKHCN", "BQLKKT"):
        assert 28 in _listed("--agency", code, "--role", "partner"), code
    shown = invoke("show", "28", "-d", "data", "--as-of", AS_OF)
    assert shown.exit_code == 0
    assert (
        "  gồm các cơ quan        Sở Nông nghiệp và Môi trường; Sở Xây dựng; Sở Công Thương; "
        "Sở Khoa học và Công nghệ; Ban Quản lý Khu kinh tế Hải Phòng"
    ) in shown.stdout.splitlines()
    agencies = json.loads(invoke("agencies", "-d", "data", "-f", "json").stdout)
    assert {row["code"]: row["partners"] for row in agencies}["SXD"] == 1
    # The stored cell stays as written.
    assert "'Các sở: Nông nghiệp và Môi trường, Xây dựng, Công Thương" in (data / "tasks" / "028.yaml").read_text()


def test_a_list_item_the_registry_lacks_is_not_guessed(data: Path) -> None:
    path = data / "tasks" / "028.yaml"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("Các sở: Nông nghiệp và Môi trường, Xây dựng,", "Các sở: Kế hoạch và Đầu tư, Xây dựng,"))
    assert 28 in _listed("--agency", "SXD", "--role", "partner")
    shown = invoke("show", "28", "-d", "data", "--as-of", AS_OF, "-f", "json")
    assert json.loads(shown.stdout)["partner_agencies"] == [
        "Sở Xây dựng",
        "Sở Công Thương",
        "Sở Khoa học và Công nghệ",
        "Ban Quản lý Khu kinh tế Hải Phòng",
    ]


_NEW = ("new", "--title", "Việc mới", "--group", "5", "--deadline", "Quý III/2026", "-d", "data", "--as-of", AS_OF)


@pytest.mark.parametrize(
    ("option", "typed", "message"),
    [
        ("--lead", "Sở Xây", 'Lỗi: --lead: "Sở Xây" chưa đủ tên cơ quan; ghi đầy đủ "Sở Xây dựng" hoặc mã SXD'),
        ("--lead", "cong an", 'Lỗi: --lead: "cong an" chưa đủ tên cơ quan; ghi đầy đủ "Công an thành phố" hoặc mã'),
        ("--partner", "Sở Xây", 'Lỗi: --partner: "Sở Xây" chưa đủ tên cơ quan; ghi đầy đủ tên: "Sở Xây dựng"'),
        ("--partner", "Công an", 'Lỗi: --partner: "Công an" chưa đủ tên cơ quan; ghi đầy đủ tên: "Công an thành phố"'),
    ],
)
def test_new_never_stores_a_guessed_agency(data: Path, option: str, typed: str, message: str) -> None:
    before = tree_digest(data)
    lead = () if option == "--lead" else ("--lead", "Sở Xây dựng")
    result = invoke(*_NEW, *lead, option, typed)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result).startswith(message)
    assert tree_digest(data) == before


def test_new_lead_ambiguous_word_lists_candidates(data: Path) -> None:
    result = invoke(*_NEW, "--lead", "Công")
    assert result.exit_code == 2
    assert error_line(result) == (
        'Lỗi: --lead: "Công" khớp nhiều cơ quan: "Công an thành phố"; "Sở Công Thương"; "Sở Khoa học và Công nghệ"; '
        '"Ban QLDA ĐTXD công trình NN và PTNT Hải Phòng"; ghi rõ hơn'
    )


def test_new_stores_names_equal_after_folding_in_the_registry_spelling(data: Path) -> None:
    result = invoke(*_NEW, "--lead", "so xay dung", "--partner", "cong an thanh pho", "--partner", "Các sở: Xây dựng")
    assert result.exit_code == 0, result.stderr
    text = (data / "tasks" / "076.yaml").read_text(encoding="utf-8")
    assert "lead:\n  - Sở Xây dựng\n" in text
    assert "partners:\n  - Công an thành phố\n  - 'Các sở: Xây dựng'\n" in text
