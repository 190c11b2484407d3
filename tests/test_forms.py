"""`ctr199 forms` and `ctr199 collect`: progress forms out to the agencies and back into the task files."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ctr199.cli import app
from ctr199.forms import COLUMNS, HEADER_ROW, ID_SHEET, SHEET, row_digest
from ctr199.models import Status

from .conftest import read_task, tree_digest

runner = CliRunner()
SENT = "2026-11-23"  # the forms' as-of date
RECEIVED = "2026-11-30"  # the day they are collected
SXD = "phieu-bao-cao-so-xay-dung.xlsx"
STC = "phieu-bao-cao-so-tai-chinh.xlsx"


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def sent(shipped_copy: Path, tmp_path: Path) -> Path:
    """The forms of every agency, made on SENT from a copy of the shipped data (in `tmp_path/phieu`)."""
    code, out = run("forms", "-o", tmp_path / "phieu", "--as-of", SENT, "--data", shipped_copy)
    assert code == 0, out
    return tmp_path / "phieu"


def line_of(form: Path, task_id: int, milestone: int | None = None) -> int:
    """The sheet row of a task (or milestone) on a form, as its hidden sheet says."""
    workbook = load_workbook(form)
    for row in workbook[ID_SHEET].iter_rows(values_only=True):
        wanted = str(milestone) if milestone is not None else None
        if str(row[0]).isdigit() and row[1] == str(task_id) and (row[2] or None) == wanted:
            return int(row[0])
    raise AssertionError(f"no row for task {task_id}")


def fill(form: Path, cells: dict[str, Any], target: Path | None = None, sheet: str = SHEET) -> Path:
    """The agency at work: open the form in a spreadsheet program, type values, save (openpyxl here)."""
    workbook = load_workbook(form)
    for coordinate, value in cells.items():
        workbook[sheet][coordinate] = value
    target = target or form
    workbook.save(target)
    return target


def filled_sxd(sent: Path, target: Path | None = None) -> Path:
    """Sở Xây dựng reports: (30) done, (32) in progress with a difficulty and an extension request."""
    form = sent / SXD
    done, going = line_of(form, 30), line_of(form, 32)
    return fill(
        form,
        {
            f"F{done}": "Đã hoàn thành",
            f"G{done}": "20/11/2026",
            f"H{done}": "Đã ban hành quy hoạch",
            f"I{done}": "Quyết định số 12/QĐ-UBND",
            f"F{going}": "Đang thực hiện",
            f"H{going}": "Đang lấy ý kiến các bộ",
            f"J{going}": "Chờ ý kiến Bộ Xây dựng",
            f"K{going}": "Quý II/2027",
            f"L{going}": "Chờ thẩm định",
        },
        target,
    )


def collect(data: Path, *files: Path, as_of: str = RECEIVED, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    return run("collect", *files, "--as-of", as_of, "--data", data, *extra)


# ---------------------------------------------------------------- the forms


def test_one_form_per_lead_agency_with_its_open_items(sent: Path, shipped_copy: Path) -> None:
    names = sorted(path.name for path in sent.iterdir())
    assert len(names) == 15 and SXD in names and STC in names
    workbook = load_workbook(sent / SXD)
    assert workbook.sheetnames == [SHEET, ID_SHEET]
    sheet = workbook[SHEET]
    assert sheet["A1"].value == "PHIẾU BÁO CÁO TIẾN ĐỘ THỰC HIỆN"
    assert sheet["A2"].value.startswith("Chương trình hành động thực hiện Kết luận số 199-KL/TW")
    assert sheet["A3"].value == "Cơ quan báo cáo: Sở Xây dựng"
    assert "23/11/2026" in sheet["A4"].value and "30/11/2026" in sheet["A4"].value  # reply_days: 7
    assert [cell.value for cell in sheet[HEADER_ROW]] == [heading for heading, _ in COLUMNS]
    ids = [sheet.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert 30 in ids and 56 in ids and len(ids) == 14
    assert all(read_task(shipped_copy, i).status is not Status.DONE for i in ids)
    # Locked appendix cells, open agency cells, protected sheet and workbook, no password.
    first = HEADER_ROW + 1
    assert sheet.protection.sheet and not sheet.protection.password
    assert workbook.security.lockStructure
    assert sheet[f"B{first}"].protection.locked and not sheet[f"F{first}"].protection.locked
    assert not sheet[f"L{first}"].protection.locked
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    status_rule = rules[f"F{first}:F{sheet.max_row}"]
    assert status_rule.type == "list" and "Đang thực hiện" in status_rule.formula1
    assert rules[f"G{first}:G{sheet.max_row}"].type == "date"
    # Printing: A4 landscape, header row on every page; frozen header.
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{first}"
    # The hidden identity sheet.
    identity = workbook[ID_SHEET]
    assert identity.sheet_state == "hidden"
    values = {row[0]: row[1] for row in identity.iter_rows(values_only=True)}
    assert values["programme"] == "ctr199-hai-phong-2026" and values["agency_code"] == "SXD"
    assert values["as_of"] == SENT
    line = line_of(sent / SXD, 30)
    cells = tuple(sheet.cell(row=line, column=c).value for c in range(1, 6))
    digests = [row[3] for row in identity.iter_rows(values_only=True) if row[0] == str(line)]
    assert digests == [row_digest(cells)]


def test_multi_milestone_tasks_have_a_row_per_open_milestone(sent: Path) -> None:
    sheet = load_workbook(sent / STC)[SHEET]
    line = line_of(sent / STC, 65, 2)
    assert sheet[f"A{line}"].value == 65 and sheet[f"C{line}"].value == "2. Hoàn thành"
    ongoing = line_of(sent / STC, 25, 2)
    assert sheet[f"E{ongoing}"].value == "Không thời hạn"


def test_forms_for_one_agency_and_existing_files(shipped_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "mot"
    code, output = run("forms", "-o", out, "-a", "so xay dung", "--as-of", SENT, "--reply-by", "5/12/2026",
                       "--data", shipped_copy)  # fmt: skip
    assert code == 0, output
    assert [p.name for p in out.iterdir()] == [SXD]
    assert "05/12/2026" in load_workbook(out / SXD)[SHEET]["A4"].value
    code, output = run("forms", "-o", out, "-a", "SXD", "--as-of", SENT, "--data", shipped_copy)
    assert code == 2 and "--force" in output
    code, output = run("forms", "-o", out, "-a", "Sở", "--as-of", SENT, "--data", shipped_copy)
    assert code == 2 and "--agency" in output


def test_remind_puts_each_form_beside_its_letter(shipped_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "cong-van"
    code, output = run("remind", "-o", out, "--forms", "--as-of", SENT, "--data", shipped_copy)
    assert code == 0, output
    letters = sorted(p.name.removeprefix("don-doc-").removesuffix(".docx") for p in out.glob("don-doc-*.docx"))
    forms = sorted(p.name.removeprefix("phieu-bao-cao-").removesuffix(".xlsx") for p in out.glob("phieu-*.xlsx"))
    assert letters == forms and letters


# ---------------------------------------------------------------- collecting


def test_collect_records_progress_and_requests(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    before = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form, extra=("--dry-run",))
    assert code == 0, out
    assert "Nhiệm vụ (30)" in out and "Chưa thực hiện → Hoàn thành" in out and "Quý II/2027" in out
    assert tree_digest(shipped_copy) == before  # --dry-run writes nothing
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert "Đã ghi 2 mục nhật ký, 1 đề nghị gia hạn vào 2 tệp nhiệm vụ" in out
    assert "Chưa gửi báo cáo từ 23/11/2026 (14 cơ quan)" in out and "Sở Tài chính" in out
    changed = {name for name, digest in tree_digest(shipped_copy).items() if before.get(name) != digest}
    assert changed == {"tasks/030.yaml", "tasks/032.yaml"}
    done = read_task(shipped_copy, 30)
    assert done.status is Status.DONE and done.completed_on == date(2026, 11, 20)
    source = "Phiếu báo cáo Sở Xây dựng tính đến 23/11/2026, nhận 30/11/2026"
    assert done.log[-1].source == source and done.log[-1].ref == "Quyết định số 12/QĐ-UBND"
    going = read_task(shipped_copy, 32)
    assert going.status is Status.IN_PROGRESS and going.log[-1].date == date(2026, 11, 30)
    assert going.log[-1].note == "Đang lấy ý kiến các bộ\nKhó khăn, vướng mắc: Chờ ý kiến Bộ Xây dựng"
    [request] = going.requests
    assert (request.requested_to, request.reason, request.received_on) == (
        "Quý II/2027",
        "Chờ thẩm định",
        date(2026, 11, 30),
    )
    assert going.deadline == "Trong năm 2026"  # a request is not an extension
    # The files stay valid and canonical; `show` lists the request.
    assert run("validate", shipped_copy, "--as-of", RECEIVED)[0] == 0
    assert run("fmt", "--check", shipped_copy)[0] == 0
    code, out = run("show", "32", "--data", shipped_copy, "--as-of", RECEIVED)
    assert "Đề nghị gia hạn (chờ xem xét)" in out and "Quý II/2027" in out and "nhận 30/11/2026" in out


def test_the_same_form_twice_adds_nothing(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    assert collect(shipped_copy, form)[0] == 0
    after = tree_digest(shipped_copy)
    code, out = collect(shipped_copy, form, as_of="2026-12-02")
    assert code == 0, out
    assert "Không có gì mới để ghi" in out
    assert tree_digest(shipped_copy) == after


def test_dates_as_serial_numbers_text_or_date_cells(sent: Path, shipped_copy: Path) -> None:
    form = sent / SXD
    lines = [line_of(form, n) for n in (30, 32, 33)]
    values = [46346, "19/11/2026", date(2026, 11, 18)]  # 46346 = 20/11/2026
    cells: dict[str, Any] = {}
    for line, value in zip(lines, values, strict=True):
        cells[f"F{line}"] = "Đã hoàn thành"
        cells[f"G{line}"] = value
    fill(form, cells)
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert [read_task(shipped_copy, n).completed_on for n in (30, 32, 33)] == [
        date(2026, 11, 20),
        date(2026, 11, 19),
        date(2026, 11, 18),
    ]


def test_milestone_rows(sent: Path, shipped_copy: Path) -> None:
    form = sent / STC
    line = line_of(form, 65, 2)
    fill(form, {f"F{line}": "Đang thực hiện", f"K{line}": "31/12/2029", f"L{line}": "Vướng giải phóng mặt bằng"})
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    task = read_task(shipped_copy, 65)
    assert [(e.milestone, e.status) for e in task.log[-2:]] == [(2, Status.IN_PROGRESS), (None, Status.IN_PROGRESS)]
    assert task.requests[0].milestone == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không được cài")
def test_a_form_resaved_by_libreoffice(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    form = filled_sxd(sent)
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(form)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    code, output = collect(shipped_copy, out / SXD)
    assert code == 0, output
    assert read_task(shipped_copy, 30).completed_on == date(2026, 11, 20)
    assert read_task(shipped_copy, 32).requests[0].requested_to == "Quý II/2027"


# ---------------------------------------------------------------- refusals: nothing written


def refused(data: Path, *files: Path, expect: str, as_of: str = RECEIVED) -> str:
    before = tree_digest(data)
    code, out = collect(data, *files, as_of=as_of)
    assert code == 1, out
    assert expect in out, out
    assert tree_digest(data) == before
    return out


def test_a_changed_appendix_cell_is_refused(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    line = line_of(form, 32)
    fill(form, {f"B{line}": "Nhiệm vụ khác"})
    out = refused(shipped_copy, form, expect=f"dòng {line}, ô A{line}: các ô STT, Nhiệm vụ")
    assert "Không ghi gì" in out


def test_a_task_that_is_not_the_agencys_is_refused(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    workbook = load_workbook(form)
    line = line_of(form, 30)
    sheet, identity = workbook[SHEET], workbook[ID_SHEET]
    sheet[f"A{line}"] = 1  # task 1 is not Sở Xây dựng's; the digest is forged to match
    cells = tuple(sheet.cell(row=line, column=c).value for c in range(1, 6))
    for row in identity.iter_rows():
        if row[0].value == str(line):
            row[1].value, row[3].value = "1", row_digest(cells)
    workbook.save(form)
    refused(shipped_copy, form, expect="nhiệm vụ (1) không do Sở Xây dựng chủ trì")


def test_a_form_of_another_programme_is_refused(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    fill(form, {"B2": "chuong-trinh-khac"}, sheet=ID_SHEET)
    refused(shipped_copy, form, expect="phiếu của chương trình khác")


def test_an_older_form_is_refused(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    old = filled_sxd(sent, tmp_path / "cu.xlsx")
    code, out = run("forms", "-o", tmp_path / "moi", "-a", "SXD", "--as-of", "2026-11-27", "--data", shipped_copy)
    assert code == 0, out
    new = tmp_path / "moi" / SXD
    line = line_of(new, 33)
    fill(new, {f"F{line}": "Đang thực hiện"})
    assert collect(shipped_copy, new)[0] == 0
    refused(shipped_copy, old, expect="cũ hơn phiếu tính đến 27/11/2026")


def test_all_or_nothing_across_forms(sent: Path, shipped_copy: Path) -> None:
    good = filled_sxd(sent)
    bad = sent / STC
    line = line_of(bad, 65, 2)
    fill(bad, {f"F{line}": "Đã hoàn thành", f"G{line}": "01/12/2026"})  # after the as-of date
    out = refused(shipped_copy, good, bad, expect=f"ô G{line}: ngày 01/12/2026 sau ngày đối chiếu")
    assert "Sở Xây dựng" in out


@pytest.mark.parametrize(
    ("cells", "cell", "expect"),
    [
        ({"F": "Đã hoàn thành"}, "G", "cần Ngày hoàn thành"),
        ({"F": "Xong rồi"}, "F", "không phải tình trạng"),
        ({"H": "Đang làm"}, "F", "chưa chọn Tình trạng"),
        ({"F": "Đang thực hiện", "G": "20/11/2026"}, "G", "chỉ ghi khi Tình trạng"),
        ({"F": "Đã hoàn thành", "G": "31/11/2026"}, "G", "không phải ngày"),
        ({"L": "Thiếu vốn"}, "K", "chưa ghi Đề nghị gia hạn"),
        ({"K": "sớm nhất có thể"}, "K", "Đề nghị gia hạn đến"),
        ({"K": "Quý I/2026"}, "K", "không sau hạn hiện tại"),
        ({"F": "=1+1"}, "F", "công thức"),
        ({"H": '=HYPERLINK("http://x")'}, "H", "công thức"),
    ],
)
def test_a_wrong_row_is_refused_naming_its_cell(
    sent: Path, shipped_copy: Path, cells: dict[str, str], cell: str, expect: str
) -> None:
    form = sent / SXD
    line = line_of(form, 32)
    fill(form, {f"{column}{line}": value for column, value in cells.items()})
    refused(shipped_copy, form, expect=f"trang “Phiếu báo cáo”, dòng {line}, ô {cell}{line}: ")
    refused(shipped_copy, form, expect=expect)


def test_an_item_already_done_is_not_reopened_by_a_form(sent: Path, shipped_copy: Path) -> None:
    form = sent / SXD
    line = line_of(form, 30)
    code, out = run("done", "30", "--date", "2026-11-24", "--as-of", "2026-11-24", "--data", shipped_copy)
    assert code == 0, out
    fill(form, {f"F{line}": "Đang thực hiện"})
    refused(shipped_copy, form, expect="đã ghi hoàn thành ngày 24/11/2026")


# ---------------------------------------------------------------- hostile workbooks


def _rezip(source: Path, target: Path, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            copy.writestr(item.filename, replace.get(item.filename, original.read(item.filename)))
        for name, content in extra.items():
            copy.writestr(name, content)
    return target


def test_macro_workbooks_are_refused(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    form = filled_sxd(sent)
    macro = _rezip(form, tmp_path / "macro.xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake macro"})
    refused(shipped_copy, macro, expect="tệp có macro")
    with zipfile.ZipFile(form) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
        )
    xlsm = _rezip(form, tmp_path / "b.xlsm", {}, {"[Content_Types].xml": types})
    refused(shipped_copy, xlsm, expect="tệp có macro (.xlsm)")


def test_password_protected_old_and_renamed_files_are_refused(shipped_copy: Path, tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    encrypted = tmp_path / "mat-khau.xlsx"
    encrypted.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100)
    refused(shipped_copy, encrypted, expect="tệp có mật khẩu")
    xls = tmp_path / "cu.xlsx"
    xls.write_bytes(ole + "Workbook".encode("utf-16-le"))
    refused(shipped_copy, xls, expect="Excel 97-2003")
    csv = tmp_path / "bang.xlsx"
    csv.write_text("STT,Nhiệm vụ,Tình trạng\n30,Quy hoạch,Đã hoàn thành\n", encoding="utf-8")
    refused(shipped_copy, csv, expect="có thể là CSV đổi đuôi")
    docx = tmp_path / "van-ban.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    refused(shipped_copy, docx, expect="không phải sổ Excel .xlsx")
    code, out = collect(shipped_copy, tmp_path / "khong-co.xlsx")
    assert code == 2 and "không thấy tệp" in out and "khong-co.xlsx" in out


def test_a_zip_bomb_is_stopped_before_it_is_unpacked(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    bomb = _rezip(sent / SXD, tmp_path / "bom.xlsx", {"xl/media/padding.xml": b"<a>" + b" " * 30_000_000 + b"</a>"})
    assert bomb.stat().st_size < 200_000
    refused(shipped_copy, bomb, expect="bom zip")


def test_xml_entities_are_refused(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha">]><x>&a;</x>'
    hostile = _rezip(sent / SXD, tmp_path / "xml.xlsx", {"xl/extra.xml": laughs})
    refused(shipped_copy, hostile, expect="DOCTYPE")


def test_too_many_rows_are_refused(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    form = sent / SXD
    workbook = load_workbook(form)
    workbook[SHEET].protection.sheet = False
    workbook[SHEET]["H6000"] = "dòng thứ 6000"
    workbook.save(tmp_path / "dai.xlsx")
    refused(shipped_copy, tmp_path / "dai.xlsx", expect="hơn 5.000 dòng")


def test_hidden_extra_sheets_and_external_links_are_ignored(sent: Path, shipped_copy: Path) -> None:
    form = filled_sxd(sent)
    workbook = load_workbook(form)
    workbook.security.lockStructure = False
    extra = workbook.create_sheet("Nháp")
    extra["A1"] = "=[1]Sheet1!A1"
    extra["F8"] = "Đã hoàn thành"
    extra.sheet_state = "hidden"
    workbook.save(form)
    with zipfile.ZipFile(form) as archive:
        assert any("Nháp" in archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert read_task(shipped_copy, 30).status is Status.DONE


def test_a_failed_write_puts_back_the_files_already_written(
    sent: Path, shipped_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctr199.collect
    from ctr199.store import atomic_write as real

    form = filled_sxd(sent)
    before = tree_digest(shipped_copy)
    calls: list[Path] = []

    def failing(path: Path, text: str | bytes, **kwargs: Any) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, text, **kwargs)

    monkeypatch.setattr(ctr199.collect, "atomic_write", failing)
    code, out = collect(shipped_copy, form)
    assert code == 1 and "không ghi được" in out
    assert tree_digest(shipped_copy) == before
    assert len(calls) == 3  # the first file, the failure, the first file put back


def test_collect_reads_values_never_code(sent: Path, shipped_copy: Path) -> None:
    """Text that looks like a formula (typed as text) is stored as text and neutralised in exports."""
    form = sent / SXD
    line = line_of(form, 32)
    workbook = load_workbook(form)
    cell = workbook[SHEET][f"H{line}"]
    cell.value, cell.data_type = "=2+3", "s"  # a string cell, as Excel stores '=2+3
    workbook[SHEET][f"F{line}"] = "Đang thực hiện"
    workbook.save(form)
    code, out = collect(shipped_copy, form)
    assert code == 0, out
    assert read_task(shipped_copy, 32).log[-1].note == "=2+3"


def test_a_damaged_sheet_is_refused(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    form = filled_sxd(sent)
    with zipfile.ZipFile(form) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    broken = _rezip(form, tmp_path / "hong.xlsx", {}, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})
    refused(shipped_copy, broken, expect="tệp .xlsx hỏng")


def test_pending_requests_are_listed_in_the_brief(sent: Path, shipped_copy: Path, tmp_path: Path) -> None:
    code, before = run("brief", "--as-of", RECEIVED, "--data", shipped_copy)
    assert code == 0 and "Đề nghị gia hạn" not in before
    assert collect(shipped_copy, filled_sxd(sent))[0] == 0
    code, out = run("brief", "--as-of", RECEIVED, "--data", shipped_copy)
    assert code == 0, out
    assert "### 3. Đề nghị gia hạn của các cơ quan (chờ xem xét)" in out
    assert "| 30/11/2026 | (32) | Phối hợp với Bộ Xây dựng" in out
    assert "gia hạn đến Quý II/2027 — Chờ thẩm định |" in out
    code, out = run("brief", "--as-of", RECEIVED, "--data", shipped_copy, "-o", tmp_path / "b.docx")
    assert code == 0, out
    from docx import Document

    text = "\n".join(cell.text for table in Document(str(tmp_path / "b.docx")).tables for cell in table._cells)
    assert "gia hạn đến Quý II/2027 — Chờ thẩm định" in text


def test_agencies_without_open_items_and_a_reply_by_before_the_as_of(shipped_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "phieu"
    code, output = run("forms", "-o", out, "-a", "SNGV", "-a", "UBND", "--as-of", SENT, "--data", shipped_copy)
    assert code == 0, output
    assert "không lập phiếu cho Ủy ban nhân dân thành phố" in output
    assert [p.name for p in out.iterdir()] == ["phieu-bao-cao-so-ngoai-vu.xlsx"]
    code, output = run(
        "forms", "-o", tmp_path / "b", "--as-of", SENT, "--reply-by", "20/11/2026", "--data", shipped_copy
    )
    assert code == 2 and "--reply-by 20/11/2026 trước ngày đối chiếu 23/11/2026" in output
    assert not (tmp_path / "b").exists()


def test_agencies_that_sent_nothing_since_a_date(sent: Path, shipped_copy: Path) -> None:
    assert collect(shipped_copy, filled_sxd(sent))[0] == 0
    line = line_of(sent / STC, 1)
    fill(sent / STC, {f"F{line}": "Đang thực hiện"})
    code, out = collect(shipped_copy, sent / STC, as_of="2026-12-02", extra=("--since", "2026-11-29"))
    assert code == 0, out
    assert "Chưa gửi báo cáo từ 29/11/2026 (13 cơ quan)" in out  # Sở Xây dựng's form came on 30/11
    code, out = collect(shipped_copy, sent / STC, as_of="2026-12-02", extra=("--since", "2026-12-01"))
    assert "Chưa gửi báo cáo từ 01/12/2026 (14 cơ quan)" in out and "Sở Xây dựng" in out
