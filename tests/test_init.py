"""`ctr199 init`: a new programme's data repository from its appendix, tracked without touching code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctr199.appendix import split_agencies
from ctr199.cli import app
from ctr199.models import AgenciesFile, IndicatorsFile, ProgrammeFile
from ctr199.scaffold import build_registry, heading_title, is_generic, programme_code, short_title
from ctr199.store import load_fast

from .conftest import SEED, SHIPPED, tree_digest
from .test_appendix_formats import GOVERNMENT, write_delimited, write_xlsx

runner = CliRunner()


def _init(*args: str) -> object:
    return runner.invoke(app, ["init", *args, "--as-of", "2027-01-20"])


def test_init_then_validate_then_overdue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(variable, "Văn phòng")
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(variable, "vp@example.invalid")
    repo = tmp_path / "ctr-chinh-phu"
    result = runner.invoke(
        app,
        ["init", str(repo), "--from", str(GOVERNMENT), "--issued-by", "Chính phủ", "--place", "Hà Nội"],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "20 nhiệm vụ, 3 nhóm" in out and "0 lỗi" in out
    assert '"Bộ Tài chính" ← "Bộ tài chính"' in out  # merged: case only
    assert '"Bộ Văn hóa, Thể thao và Du lịch" ← "Bộ Văn hoá, Thể thao và Du lịch"' in out  # tone placement
    assert '"Bộ Tài chính, Bộ Công Thương" → Bộ Tài chính + Bộ Công Thương' in out
    assert '"Văn phòng Chính phủ; Bộ Công an" → Văn phòng Chính phủ + Bộ Công an' in out
    assert '"Bộ Khoa học và Công nghệ và các địa phương" → Bộ Khoa học và Công nghệ + các địa phương' in out
    assert "Cần điền trong data/programme.yaml: letterheads.state.parent_body" in out

    data = repo / "data"
    programme = ProgrammeFile.model_validate(load_fast(data / "programme.yaml"))
    assert programme.title == (
        "Chương trình hành động của Chính phủ thực hiện Nghị quyết số 88/2026/QH15 của Quốc hội về kế hoạch "
        "phát triển kinh tế - xã hội năm 2027"
    )
    assert (programme.year, programme.issued_by, programme.place) == (2027, "Chính phủ", "Hà Nội")
    assert (programme.short_title, programme.code) == ("Chương trình hành động 88/2026/QH15", "cthd-88-2026-qh15-2027")
    assert (programme.soon_days, programme.reply_days, programme.default_letterhead) == (14, 7, "state")
    assert programme.letterheads["state"].signer_title == "[CẦN ĐIỀN: CHỨC VỤ NGƯỜI KÝ]"
    assert IndicatorsFile.model_validate(load_fast(data / "indicators.yaml")).indicators == []

    agencies = {a.name: a for a in AgenciesFile.model_validate(load_fast(data / "agencies.yaml")).agencies}
    assert "Bộ Văn hoá, Thể thao và Du lịch" not in agencies and "Bộ Khoa học và Công nghệ" in agencies
    assert agencies["Bộ Tài chính"].code == "BTC" and not agencies["Bộ Tài chính"].generic
    assert agencies["Các bộ, ngành, địa phương"].generic and agencies["Bộ, ngành liên quan"].generic
    codes = [a.code for a in agencies.values()]
    assert len(codes) == len(set(codes))

    assert (repo / ".gitattributes").read_text(encoding="utf-8").splitlines()[-2:] == [
        "data/tasks/*.yaml merge=ctr199",
        "data/indicators.yaml merge=ctr199",
    ]
    workflow = (repo / ".github" / "workflows" / "ctr199.yml").read_text(encoding="utf-8")
    assert "ctr199 validate --format github" in workflow and "ctr199 fmt --check" in workflow
    assert "ctr199 fmt --check" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Chương trình hành động 88/2026/QH15\n") and "CẦN ĐIỀN" in readme
    if shutil.which("git"):
        log = subprocess.run(["git", "log", "--format=%s"], cwd=repo, capture_output=True, text=True, check=True)
        assert log.stdout == "Khởi tạo dữ liệu: Chương trình hành động 88/2026/QH15 (ctr199 init)\n"
        driver = subprocess.run(
            ["git", "config", "merge.ctr199.driver"], cwd=repo, capture_output=True, text=True, check=True
        )
        assert driver.stdout.strip().endswith("merge-driver %O %A %B %L %P")  # the merge driver is set up too

    checked = runner.invoke(app, ["validate", str(data), "--as-of", "2027-07-15"])
    assert checked.exit_code == 0, checked.output
    assert "20 nhiệm vụ" in checked.stdout and "0 lỗi" in checked.stdout
    assert runner.invoke(app, ["fmt", "--check", str(data)]).exit_code == 0

    overdue = runner.invoke(
        app, ["overdue", "--data", str(data), "--agency", "bo tai chinh", "--as-of", "2027-07-15", "-f", "csv"]
    )
    assert overdue.exit_code == 0, overdue.output
    assert [line.split(",")[0] for line in overdue.stdout.splitlines()[1:]] == ["1", "2", "11"]
    split_lead = runner.invoke(
        app, ["overdue", "--data", str(data), "--agency", "Bộ Khoa học và Công nghệ", "--as-of", "2027-07-15"]
    )
    assert split_lead.exit_code == 0 and "Triển khai Chiến lược quốc gia về trí tuệ nhân tạo" in split_lead.stdout


def test_init_from_a_workbook_gives_the_same_data(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.xlsx"
    write_xlsx(source)
    assert _init(str(tmp_path / "a"), "--from", str(GOVERNMENT)).exit_code == 0
    assert _init(str(tmp_path / "b"), "--from", str(source)).exit_code == 0
    assert tree_digest(tmp_path / "a" / "data") == tree_digest(tmp_path / "b" / "data")


def test_options_win_over_the_heading_and_a_missing_title_or_year_names_its_option(tmp_path: Path) -> None:
    bare = tmp_path / "bang.csv"  # the table alone, without the document's heading
    write_delimited(bare, ",")
    bare.write_text(bare.read_text(encoding="utf-8").split("TT,", 1)[1].join(["TT,", ""]), encoding="utf-8")

    no_title = _init(str(tmp_path / "a"), "--from", str(bare))
    assert no_title.exit_code == 2 and "--title" in no_title.stderr
    no_year = _init(str(tmp_path / "a"), "--from", str(bare), "--title", "Kế hoạch hành động của Bộ")
    assert no_year.exit_code == 2 and "--year" in no_year.stderr
    assert not (tmp_path / "a").exists()

    given = _init(str(tmp_path / "a"), "--from", str(bare), "--title", "Kế hoạch hành động của Bộ", "--year", "2027")
    assert given.exit_code == 0, given.output
    programme = ProgrammeFile.model_validate(load_fast(tmp_path / "a" / "data" / "programme.yaml"))
    assert (programme.title, programme.year, programme.code) == (
        "Kế hoạch hành động của Bộ",
        2027,
        "ke-hoach-hanh-dong-cua-bo-2027",
    )


def test_a_folder_that_is_not_empty_is_refused_untouched(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "ghi-chu.txt").write_text("x", encoding="utf-8")
    result = _init(str(repo), "--from", str(GOVERNMENT))
    assert result.exit_code == 2 and "không trống" in result.stderr
    assert sorted(p.name for p in repo.iterdir()) == ["ghi-chu.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _init(str(empty), "--from", str(GOVERNMENT)).exit_code == 0
    assert (empty / "data" / "programme.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "repo"]  # no staging folder left behind


def test_init_in_the_current_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    result = _init(".", "--from", str(GOVERNMENT))
    assert result.exit_code == 0, result.output
    assert {".gitattributes", ".github", ".pre-commit-config.yaml", "README.md", "data"} <= {
        p.name for p in repo.iterdir()
    }
    assert not [p for p in repo.iterdir() if p.name.startswith(".ctr199-init-")]
    assert runner.invoke(app, ["validate", "--as-of", "2027-01-20"]).exit_code == 0


def test_a_source_with_unreadable_rows_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "phu-luc.md"
    source.write_text(GOVERNMENT.read_text(encoding="utf-8").replace("| 7. |", "| 7 bis |"), encoding="utf-8")
    result = _init(str(tmp_path / "repo"), "--from", str(source))
    assert result.exit_code == 1
    assert "không đọc được hàng: 7 bis" in result.stderr and "chưa ghi gì" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phu-luc.md"]


def test_the_shipped_programme_from_its_source_text(tmp_path: Path) -> None:
    result = _init(str(tmp_path / "repo"), "--from", str(SEED))
    assert result.exit_code == 0, result.output
    data = tmp_path / "repo" / "data"
    assert tree_digest(data / "tasks") == tree_digest(SHIPPED / "tasks")
    assert (data / "groups.yaml").read_bytes() == (SHIPPED / "groups.yaml").read_bytes()
    programme = ProgrammeFile.model_validate(load_fast(data / "programme.yaml"))
    shipped = ProgrammeFile.model_validate(load_fast(SHIPPED / "programme.yaml"))
    assert programme.year == shipped.year
    assert programme.short_title == "Chương trình hành động 199-KL/TW và 244/2025/QH15"  # the shipped file shortens it
    assert programme.title.startswith("Chương trình hành động thực hiện Kết luận số 199-KL/TW, ngày 10/10/2025")


# ---------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Bộ Tài chính, Bộ Công Thương", ["Bộ Tài chính", "Bộ Công Thương"]),
        ("Văn phòng Chính phủ; Bộ Công an", ["Văn phòng Chính phủ", "Bộ Công an"]),
        ("Bộ Khoa học và Công nghệ và các địa phương", ["Bộ Khoa học và Công nghệ", "các địa phương"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Bộ Khoa học và Công nghệ", ["Bộ Khoa học và Công nghệ"]),
        (
            "Tòa án nhân dân tối cao, Viện kiểm sát nhân dân tối cao",
            ["Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao"],
        ),
        ("Đài Truyền hình Việt Nam, Thông tấn xã Việt Nam", ["Đài Truyền hình Việt Nam", "Thông tấn xã Việt Nam"]),
        ("Bộ Lao động - Thương binh và Xã hội", ["Bộ Lao động - Thương binh và Xã hội"]),
    ],
)
def test_agency_cells_split_only_where_an_agency_name_follows(cell: str, names: list[str]) -> None:
    assert split_agencies(cell) == names


@pytest.mark.parametrize(
    ("name", "generic"),
    [
        ("Các bộ, ngành, địa phương", True),
        ("Bộ, ngành liên quan", True),
        ("Các cơ quan liên quan", True),
        ("UBND xã, phường, đặc khu", True),
        ("Bộ Văn hóa, Thể thao và Du lịch", False),
        ("Ngân hàng Nhà nước Việt Nam", False),
        ("UBND các xã, phường, đặc khu", True),
        ("Ủy ban nhân dân các cấp", True),
        ("Ban Quản lý các khu công nghiệp tỉnh", False),
    ],
)
def test_collective_names_are_generic(name: str, generic: bool) -> None:
    assert is_generic(name) is generic


def test_registry_merges_case_space_and_tone_spellings_and_reports_letter_differences() -> None:
    from ctr199.models import Task

    tasks = [
        Task(id=1, group=1, title="a", lead=["Sở Xây dựng"], authority="HĐND/UBND thành phố"),
        Task(id=2, group=1, title="b", lead=["sở xây  dựng"], partners=["Sở Văn hoá, Thể thao và Du lịch"]),
        Task(id=3, group=1, title="c", lead=["Sở Xây dưng"], partners=["Sở Văn hóa, Thể thao và Du lịch"]),
        Task(id=4, group=1, title="d", lead=["Sở Nội vụ", "Sở Ngoại vụ"]),
    ]
    agencies, review = build_registry(tasks)
    by_name = {a.name: a for a in agencies}
    assert by_name["Sở Xây dựng"].aliases == ["Sở Xây dưng"]  # "sở xây  dựng" needs no alias: same spelling
    assert review.misspelt == [("Sở Xây dựng", ["Sở Xây dưng"])]
    assert ("Sở Xây dựng", ["sở xây  dựng"]) in review.merged
    assert {"HĐND thành phố", "UBND thành phố"} <= set(by_name)
    assert (by_name["Sở Nội vụ"].code, by_name["Sở Ngoại vụ"].code) == ("SNV", "SNV-2")


def test_heading_title_and_what_is_derived_from_it() -> None:
    assert heading_title(["**KẾ HOẠCH**", "", "Triển khai Nghị quyết số 57-NQ/TW năm 2027"]) == (
        "Kế hoạch triển khai Nghị quyết số 57-NQ/TW năm 2027"
    )
    assert heading_title(["KẾ HOẠCH", "TRIỂN KHAI NGHỊ QUYẾT SỐ 57-NQ/TW"]) is None  # capitals: not guessed
    assert heading_title(["PHỤ LỤC", "Danh mục nhiệm vụ"]) is None
    title = "Kế hoạch triển khai Nghị quyết số 57-NQ/TW và Nghị quyết số 12/NQ-CP năm 2027"
    assert short_title(title) == "Kế hoạch triển khai 57-NQ/TW và 12/NQ-CP"
    assert programme_code(title, 2027) == "khtk-57-nq-tw-12-nq-cp-2027"


def test_an_authority_cell_validate_cannot_split_is_registered_whole_and_reported() -> None:
    from ctr199.agencies import Registry
    from ctr199.models import Task

    cell = "Sở Văn hóa, Thể thao và Du lịch; UBND thành phố"
    agencies, review = build_registry([Task(id=1, group=1, title="a", lead=["Sở Nội vụ"], authority=cell)])
    assert review.whole_authority == [cell]
    assert [a.name for a in Registry(agencies).resolve_authority(cell, strict=True)] == [cell]
