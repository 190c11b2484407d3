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
