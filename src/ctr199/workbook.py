"""Workbooks from outside, read as data and never as code.

Before openpyxl sees a file, its bytes are checked: an .xlsx is a zip of XML parts; anything else
(an Excel 97-2003 .xls, a password-protected or encrypted workbook — both OLE compound files —, a
CSV or HTML file renamed .xlsx, an OpenDocument sheet) is refused with a message saying what to do.
The zip's size, its number of parts and each part's unpacked size and compression ratio are checked
from its directory before anything is unpacked (zipfile never unpacks more than a part's declared
size), macros (vbaProject.bin) are refused, and XML with a DOCTYPE (entity expansion) is refused.
Then openpyxl opens it read-only, values only, without external links; formulas come back as their
text and are never evaluated.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20_000_000
MAX_PARTS = 500
MAX_PART_BYTES = 20_000_000  # a filled-in form's largest part is some 100 KB
MAX_UNPACKED_BYTES = 60_000_000
MAX_RATIO = 150  # an XML part compresses ~10–30×; a bomb ~1000×
MAX_ROWS = 5_000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
SAVE_AS = "mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) “Sổ làm việc Excel (.xlsx)” rồi gửi lại"


class WorkbookRefused(Exception):
    """A file that is not read; the message says why and what to do."""


def open_workbook(path: Path) -> Any:
    """The workbook, opened read-only after every check; raises `WorkbookRefused`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise WorkbookRefused(
                f"tệp quá lớn ({size:,} byte; tối đa {MAX_FILE_BYTES:,}); phiếu báo cáo chỉ vài chục KB — "
                "gửi lại đúng tệp phiếu".replace(",", ".")
            )
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookRefused(f"không đọc được tệp: {exc.strerror or exc}") from None
    _refuse_non_zip(data)
    archive = _checked_zip(data)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False, rich_text=False
            )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused(f"tệp .xlsx hỏng, không đọc được ({type(exc).__name__}); {SAVE_AS}") from None
    finally:
        archive.close()


def _refuse_non_zip(data: bytes) -> None:
    if data.startswith(_ZIP):
        return
    if data.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookRefused(
                "tệp có mật khẩu (mã hóa), ctr199 không mở; mở tệp, bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm "
                "việc › Mã hóa bằng mật khẩu: xóa mật khẩu), lưu lại rồi gửi lại"
            )
        raise WorkbookRefused(f"tệp Excel 97-2003 (.xls) hoặc tệp Office cũ, không phải .xlsx; {SAVE_AS}")
    if not data:
        raise WorkbookRefused("tệp rỗng; gửi lại đúng tệp phiếu")
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"<":
        kind = "trang HTML/XML"
    elif b"\x00" not in head:
        kind = "văn bản (có thể là CSV đổi đuôi)"
    else:
        kind = "một loại tệp khác"
    raise WorkbookRefused(f"không phải tệp Excel .xlsx: nội dung là {kind}; {SAVE_AS}")


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise WorkbookRefused(f"tệp .xlsx hỏng (không phải zip hợp lệ); {SAVE_AS}") from None
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise WorkbookRefused(f"tệp có {len(parts)} phần nén (tối đa {MAX_PARTS}); không phải phiếu báo cáo")
    names = {part.filename for part in parts}
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
        raise WorkbookRefused(f"tệp OpenDocument (.ods), không phải .xlsx; {SAVE_AS}")
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        bomb = part.file_size > 1_000_000 and ratio > MAX_RATIO
        if part.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES or bomb:
            raise WorkbookRefused(
                f"tệp giải nén ra quá lớn (phần {part.filename}: {part.file_size:,} byte, nén {ratio:.0f} lần); "
                "có thể là “bom zip”, không mở".replace(",", ".")
            )
        lowered = part.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
            raise WorkbookRefused(
                "tệp có macro (VBA), ctr199 không mở tệp có macro; mở tệp, lưu lại dạng “Sổ làm việc Excel "
                "(.xlsx)” (không macro) rồi gửi lại"
            )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(f"tệp không phải sổ Excel .xlsx (có thể là tệp Word hoặc tệp nén khác); {SAVE_AS}")
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise WorkbookRefused("tệp có macro (.xlsm), ctr199 không mở tệp có macro; lưu lại dạng .xlsx rồi gửi lại")
    for part in parts:
        if part.filename.endswith((".xml", ".rels", ".vml")):
            markup = archive.read(part)  # bounded by the size checks above; text in a cell is escaped (&lt;)
            if b"<!DOCTYPE" in markup or b"<!ENTITY" in markup:
                raise WorkbookRefused(f"phần {part.filename} có khai báo DOCTYPE/ENTITY, không mở (an toàn XML)")
    return archive
