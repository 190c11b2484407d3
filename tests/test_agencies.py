from __future__ import annotations

import unicodedata

import pytest

from ctr199.agencies import AgencyLookupError, Registry, load_registry
from ctr199.models import Task
from ctr199.store import DataDir, load_fast
from ctr199.text import fold, spelling_key

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(SHIPPED / "agencies.yaml")


@pytest.mark.parametrize(
    "typed",
    ["Sở Xây dựng", "so xay dung", "SỞ XÂY DỰNG", "  sở   xây dựng ", "SXD", "sxd", "So Xay", "Sở Xây"],
)
def test_resolve_forgives_case_accents_and_prefixes(registry: Registry, typed: str) -> None:
    assert registry.resolve(typed).code == "SXD"


def test_resolve_nfd_and_tone_placement(registry: Registry) -> None:
    assert registry.resolve(unicodedata.normalize("NFD", "Sở Xây dựng")).code == "SXD"
    assert registry.resolve("Sở Văn hoá, Thể thao và Du lịch").code == "SVHTTDL"
    assert registry.resolve("Sở Văn hóa, Thể thao và Du lịch").code == "SVHTTDL"
    assert registry.resolve("ban quan ly khu kinh te").code == "BQLKKT"
    assert registry.resolve("HĐND thành phố") == registry.resolve("Hội đồng nhân dân thành phố")


def test_ambiguous_prefix_lists_candidates(registry: Registry) -> None:
    with pytest.raises(AgencyLookupError) as caught:
        registry.resolve("Sở")
    assert caught.value.ambiguous
    assert len(caught.value.candidates) > 2
    assert "khớp nhiều cơ quan" in str(caught.value)


def test_unknown_name_suggests_closest(registry: Registry) -> None:
    with pytest.raises(AgencyLookupError) as caught:
        registry.resolve("Sở Xây dụng mới")
    assert not caught.value.ambiguous
    assert "Sở Xây dựng" in str(caught.value)


def test_spelling_key_ignores_only_tone_placement() -> None:
    assert spelling_key("hoá") == spelling_key("hóa") == spelling_key("HÓA")
    assert spelling_key("thuỷ") == spelling_key("thủy")
    assert spelling_key("dựng") != spelling_key("dưng")
    assert fold("dựng") == fold("dưng") == "dung"
    assert fold("Đường") == "duong"


def test_authority_cells_name_one_or_two_agencies(registry: Registry) -> None:
    codes = lambda text: [a.code for a in registry.resolve_authority(text, strict=True)]  # noqa: E731
    assert codes("HĐND/UBND thành phố") == ["HDND", "UBND"]
    assert codes("HĐND, UBND thành phố") == ["HDND", "UBND"]
    assert codes("UBND thành phố /Sở Nội vụ") == ["UBND", "SNV"]
    assert codes("Ban Chấp hành Đảng bộ TP") == ["BCHDB"]
    with pytest.raises(AgencyLookupError):
        registry.resolve_authority("UBND quận", strict=True)


def test_every_shipped_lead_and_authority_resolves(registry: Registry) -> None:
    for path in DataDir(SHIPPED).task_files():
        task = Task.model_validate(load_fast(path))
        for lead in task.lead:
            assert registry.find_spelled(lead) is not None, (task.id, lead)
        if task.authority:
            assert registry.resolve_authority(task.authority, strict=True), task.id


def test_generic_phrases_are_marked_generic(registry: Registry) -> None:
    assert registry.resolve("Các Sở, ngành, đơn vị liên quan").generic
    assert registry.resolve("Ban QLDA liên quan").generic
    assert not registry.resolve("Sở Y tế").generic


def test_partner_mentions_whole_names(registry: Registry) -> None:
    snv = registry.resolve("Sở Nội vụ")
    assert registry.mentions(snv, "Sở Nội vụ, các cơ quan liên quan")
    assert not registry.mentions(snv, "Các sở, ban, ngành liên quan")


@pytest.mark.parametrize(
    ("typed", "candidates"),
    [
        ("Công", ["CATP", "SCT", "SKHCN", "BQLDA-NNPTNT"]),  # begins one name, a word of three others
        ("xây dựng", ["SXD", "BQLDA-NNPTNT", "BXD"]),
        ("Ủy ban nhân dân", ["UBND", "UBND-CAC-CAP", "VPUBND"]),
    ],
)
def test_a_word_of_several_names_is_ambiguous(registry: Registry, typed: str, candidates: list[str]) -> None:
    with pytest.raises(AgencyLookupError) as caught:
        registry.resolve(typed)
    assert caught.value.ambiguous
    assert [a.code for a in caught.value.candidates] == candidates


@pytest.mark.parametrize("typed", ["Nội vụ", "Sở Xây d", "khu kinh tế", "an thành phố"])
def test_only_whole_word_prefixes_are_taken(registry: Registry, typed: str) -> None:
    with pytest.raises(AgencyLookupError) as caught:
        registry.resolve(typed)
    assert not caught.value.ambiguous


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Văn phòng UBND thành phố", ["VPUBND"]),
        ("Văn phòng Ủy ban nhân dân thành phố (Trung tâm Phục vụ hành chính công TP)", ["VPUBND"]),
        ("UBND xã, phường, đặc khu", []),
        ("Sở Tài chính, Sở Tư pháp; UBND cấp xã", ["STC", "STP"]),
        ("UBND; Sở Nội vụ", ["UBND", "SNV"]),
        ("Các sở: Kế hoạch và Đầu tư, Xây dựng, Công Thương", ["SXD", "SCT"]),
        ("Các sở: Xây dựng; Bộ Xây dựng", ["SXD", "BXD"]),
        (
            "Các sở, ban, ngành có liên quan: Nông nghiệp và Môi trường, Công an TP (phòng cháy chữa cháy), "
            "Công Thương, Thuế thành phố",
            ["SNNMT", "CATP", "SCT", "THUE"],
        ),
        ("UBND các xã: Cẩm Giang, Mao Điền và các sở, ngành có liên quan", []),
        ("Các sở, ban, ngành liên quan", ["CAC-CO-QUAN"]),
    ],
)
def test_partner_cells_name_whole_agencies(registry: Registry, cell: str, codes: list[str]) -> None:
    assert [a.code for a in registry.partners_in(cell)] == codes
