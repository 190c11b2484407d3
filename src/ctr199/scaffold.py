"""`ctr199 init`: a new data repository for a programme, made from its appendix.

What it writes: `data/programme.yaml` (the programme's identity; what only the office knows is a
marked placeholder), `data/tasks/`, `data/groups.yaml`, `data/agencies.yaml` (built from the
table's agency cells), `data/indicators.yaml` (empty), the pre-commit and CI configuration,
`.gitattributes` and a short README; then `git init` and a first commit where git exists.

The agency registry. Every lead, partner and authority cell is split into the agencies it names
(`appendix.split_agencies`: at ";", and at "," or " và " where an agency's name follows, so
"Sở Văn hóa, Thể thao và Du lịch" stays whole). Spellings that differ only in case, spaces or tone
placement are one agency; spellings that differ in a letter or a mark but fold to the same letters
are one agency too (the registry could not tell them apart) and are reported for a spelling check.
Collective names ("Các bộ, ngành, địa phương", "… liên quan") are marked generic. Everything merged,
marked or split is reported for staff to review.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ctr199 import __version__
from ctr199.agencies import Registry
from ctr199.appendix import ParsedAppendix, clean_cell, read_appendix, split_agencies
from ctr199.errors import Ctr199Error
from ctr199.merging import InstallError, configure
from ctr199.models import PLACEHOLDER, Agency, LetterheadSpec, ProgrammeFile, Task
from ctr199.store import (
    AGENCIES_FILE,
    GROUPS_FILE,
    INDICATORS_FILE,
    PROGRAMME_FILE,
    TASKS_DIR,
    dump_canonical,
    render_groups,
    render_task,
)
from ctr199.text import ascii_slug, fold, spelling_key


class InitError(Ctr199Error):
    """`init` refused: nothing was written. `code` is the exit code (1 bad source, 2 usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message, code)
        self.code = code


# ---------------------------------------------------------------- the programme's identity

_DOC_TYPES = {
    "chuong trinh hanh dong": "Chương trình hành động",
    "chuong trinh": "Chương trình",
    "ke hoach hanh dong": "Kế hoạch hành động",
    "ke hoach": "Kế hoạch",
    "ke hoach trien khai": "Kế hoạch triển khai",
    "de an": "Đề án",
}
# Words a heading's subject line starts with that are not names: "Thực hiện …", "Về …", "Của Chính phủ …".
_COMMON_STARTS = frozenset({"thuc", "trien", "ve", "cua", "nam", "giai", "hanh", "nham", "tiep", "phat", "tang"})
_YEAR = re.compile(r"\bnăm (\d{4})\b", re.IGNORECASE)
# Document numbers as Vietnamese documents write them: 57-NQ/TW, 88/2026/QH15, 12/NQ-CP, 05/2026/TT-BXD.
_DOC_NUMBER = re.compile(r"(?<![\w/-])\d{1,4}(?:/\d{4})?[-/][A-ZĐ][A-ZĐ0-9]*(?:[-/][A-ZĐ][A-ZĐ0-9]*)*")
_RULE = re.compile(r"^[-_*=~\s]*$")


def heading_title(preamble: list[str]) -> str | None:
    """The title in the document's own heading: "CHƯƠNG TRÌNH HÀNH ĐỘNG" and the line under it.

    None when there is no such heading, or when the line under it is in capitals throughout (its
    names could not be written in their proper case without guessing).
    """
    lines = [re.sub(r"^#+\s*", "", clean_cell(line)) for line in preamble[:80]]
    for index, line in enumerate(lines):
        kind = _DOC_TYPES.get(fold(line).rstrip(" .:"))
        if kind is None:
            continue
        subject = next((text for text in lines[index + 1 : index + 4] if not _RULE.match(text)), "")
        if not subject or subject.startswith("(") or subject.upper() == subject:
            return None
        first = fold(subject).split(" ", 1)[0]
        if first in _COMMON_STARTS:
            subject = subject[0].lower() + subject[1:]
        return f"{kind} {subject}"
    return None


def title_year(title: str) -> int | None:
    """The programme's year: the last "năm YYYY" of its title."""
    years = [int(match.group(1)) for match in _YEAR.finditer(title)]
    return years[-1] if years and 1945 <= years[-1] <= 2100 else None


def short_title(title: str) -> str:
    """ "Chương trình hành động 57-NQ/TW và 88/2026/QH15": the kind of document and the documents it carries out."""
    kind = _kind(title)
    numbers = list(dict.fromkeys(_DOC_NUMBER.findall(title)))
    if kind and numbers:
        return f"{kind} {' và '.join(numbers)}"
    words = title.split()
    return title if len(words) <= 12 else " ".join(words[:12]) + " …"


def programme_code(title: str, year: int) -> str:
    """A short ASCII id: the kind's initials, the documents' numbers and the year ("cthd-199-kl-tw-2026")."""
    kind = _kind(title)
    numbers = list(dict.fromkeys(_DOC_NUMBER.findall(title)))
    if kind and numbers:
        initials = "".join(word[0] for word in fold(kind).split())
        code = "-".join([initials, *(ascii_slug(number, 8) for number in numbers)])
    else:
        code = ascii_slug(title, 6)
    if not code.endswith(str(year)):
        code = f"{code}-{year}" if code else str(year)
    while len(code) > 60:
        code = code.rsplit("-", 2)[0] + f"-{year}" if code.count("-") > 1 else code[:60]
    return code


def _kind(title: str) -> str | None:
    folded = fold(title)
    for key in sorted(_DOC_TYPES, key=len, reverse=True):
        if folded == key or folded.startswith(key + " "):
            return title[: len(_DOC_TYPES[key])]
    return None


def programme_file(*, title: str, year: int, issued_by: str | None, place: str | None) -> ProgrammeFile:
    """programme.yaml's content: given values, and marked placeholders for what only the office knows."""
    return ProgrammeFile(
        code=programme_code(title, year),
        title=title,
        short_title=short_title(title),
        issued_by=issued_by or f"[{PLACEHOLDER}: cơ quan ban hành chương trình]",
        year=year,
        place=place or f"[{PLACEHOLDER}: địa danh]",
        soon_days=14,
        reply_days=7,
        default_letterhead="state",
        letterheads={
            "state": LetterheadSpec(
                parent_body=f"[{PLACEHOLDER}: CƠ QUAN CẤP TRÊN]",
                issuer=f"[{PLACEHOLDER}: CƠ QUAN LẬP VĂN BẢN]",
                motto=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
                brief_number=f"Số:        /BC-[{PLACEHOLDER}]",
                letter_number=f"Số:        /[{PLACEHOLDER}]",
                signer_title=f"[{PLACEHOLDER}: CHỨC VỤ NGƯỜI KÝ]",
                signer_name="",
                brief_recipients=[f"[{PLACEHOLDER}: nơi nhận báo cáo];", "Lưu: VT."],
                letter_recipients=["Như trên;", "Lưu: VT."],
            )
        },
    )


def render_programme(programme: ProgrammeFile) -> str:
    header = (
        "# Chương trình đang theo dõi: tên, năm, nơi ban hành và tiêu đề văn bản (tiêu đề, số, người ký, nơi nhận).\n"
        "# Mọi văn bản ctr199 lập (báo cáo tuần, công văn đôn đốc, Excel, lịch) lấy các giá trị ở đây.\n"
        f'# Thay mọi giá trị "[{PLACEHOLDER}: …]" bằng giá trị thật của cơ quan trước khi lập văn bản.\n'
    )
    return header + dump_canonical(programme.model_dump(exclude={"leadership"}))


# ---------------------------------------------------------------- the agency registry

_GENERIC_WORDS = (
    "bo",
    "so",
    "ban",
    "nganh",
    "dia phuong",
    "co quan",
    "don vi",
    "tinh",
    "thanh pho",
    "huyen",
    "quan",
    "xa",
    "phuong",
    "dac khu",
    "thi xa",
    "doanh nghiep",
    "to chuc",
)
_KIND_LIST = re.compile(rf",\s*(?:{'|'.join(_GENERIC_WORDS)})\b")
# "UBND các xã", "Ủy ban nhân dân các cấp" (but "Ban Quản lý các khu công nghiệp" is one agency).
_PEOPLES_COMMITTEES = re.compile(r"^(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan) cac ")
_PUNCT_SPACES = re.compile(r"\s*([,;:/()&-])\s*")


def is_generic(name: str) -> bool:
    """A collective name that names no one agency: "Các bộ, ngành", "Bộ, ngành liên quan", "UBND xã, phường"."""
    folded = fold(name)
    if folded.startswith(("cac ", "nhung ")) or _PEOPLES_COMMITTEES.match(folded) or "lien quan" in folded:
        return True
    return _KIND_LIST.search(folded) is not None and name.split(",", 1)[1].strip()[:1].islower()


def merge_key(name: str) -> str:
    """Spellings with one key differ only in case, spaces or tone placement."""
    return spelling_key(_PUNCT_SPACES.sub(r"\1 ", name).replace("( ", "(").replace(" )", ")"))


@dataclass
class _Entry:
    spellings: dict[str, int] = field(default_factory=dict)  # spelling → times used, in order of first use
    lead: bool = False


@dataclass
class RegistryReview:
    """What building the registry did, for staff to check."""

    merged: list[tuple[str, list[str]]] = field(default_factory=list)  # name, other spellings (case/space/tone)
    misspelt: list[tuple[str, list[str]]] = field(default_factory=list)  # name, spellings differing in a letter
    generic: list[str] = field(default_factory=list)
    split: list[tuple[str, list[str]]] = field(default_factory=list)  # cell, the agencies it names
    whole_authority: list[str] = field(default_factory=list)  # authority cells registered whole


def agency_names(task: Task) -> Iterable[tuple[str, list[str], bool]]:
    """(cell, agencies it names, is a lead) for the agency cells of one task."""
    for lead in task.lead:
        yield lead, [lead], True
    for partner in task.partners:
        yield partner, [partner] if ":" in partner else split_agencies(partner), False
    if task.authority:
        yield task.authority, authority_names(task.authority), False


def authority_names(cell: str) -> list[str]:
    """The agencies an authority cell names, read as `Registry.resolve_authority` reads it:
    "HĐND/UBND thành phố" → "HĐND thành phố", "UBND thành phố"."""
    parts = [piece for part in split_agencies(cell) for piece in re.split(r"\s*/\s*", part) if piece]
    tail = re.search(r"\s+(thành phố|TP)$", parts[-1], re.IGNORECASE) if len(parts) > 1 else None
    if tail is None:
        return parts
    return [part if part.endswith(tail.group(0)) or " " in part else part + tail.group(0) for part in parts]


def build_registry(
    tasks: list[Task], split_leads: dict[str, list[str]] | None = None
) -> tuple[list[Agency], RegistryReview]:
    """The agencies the tasks name, with codes, aliases and generic marks, and what was done to make them.

    `split_leads`: lead cells the import split (the tasks hold the agencies), to report them too.
    """
    review = RegistryReview()
    entries: dict[str, _Entry] = {}  # folded name → entry
    splits: dict[str, list[str]] = dict(split_leads or {})
    for task in tasks:
        for cell, names, is_lead in agency_names(task):
            if len(names) > 1:
                splits.setdefault(cell, names)
            for name in names:
                entry = entries.setdefault(fold(name), _Entry())
                entry.spellings[name] = entry.spellings.get(name, 0) + 1
                entry.lead = entry.lead or is_lead
    review.split = list(splits.items())
    agencies: list[Agency] = []
    taken: set[str] = set(entries)
    ordered = sorted(entries.values(), key=lambda e: is_generic(next(iter(e.spellings))))  # named first, stable
    for entry in ordered:
        name = _canonical(entry.spellings)
        others = [spelling for spelling in entry.spellings if spelling != name]
        same = [s for s in others if merge_key(s) == merge_key(name)]
        different = [s for s in others if merge_key(s) != merge_key(name)]
        if same:
            review.merged.append((name, same))
        if different:
            review.misspelt.append((name, different))
        aliases = list(dict.fromkeys(s for s in others if spelling_key(s) != spelling_key(name)))
        generic = is_generic(name)
        if generic:
            review.generic.append(name)
        code = _unique_code(name, taken)
        taken.add(fold(code))
        agencies.append(Agency(code=code, name=name, aliases=aliases, generic=generic))
    registry = Registry(agencies)
    for task in tasks:  # what `validate` will ask of the registry
        if not task.authority:
            continue
        try:
            registry.resolve_authority(task.authority, strict=True)
        except LookupError:  # a cell `validate` splits where an agency's name has a comma: keep it whole
            if fold(task.authority) not in taken:
                taken.add(fold(task.authority))
                agencies.append(Agency(code=_unique_code(task.authority, taken), name=task.authority))
                taken.add(fold(agencies[-1].code))
                review.whole_authority.append(task.authority)
                registry = Registry(agencies)
    return agencies, review


def _canonical(spellings: dict[str, int]) -> str:
    """The spelling to keep as the name: capitalised if any is, then the most used, then the first."""
    order = list(spellings)
    return min(order, key=lambda s: (not s[:1].isupper(), -spellings[s], order.index(s)))


def _unique_code(name: str, taken: set[str]) -> str:
    """Initials in ASCII capitals ("Sở Xây dựng" → SXD; abbreviations kept: "UBND thành phố" → UBNDTP)."""
    initials = []
    for word in re.findall(r"[\wĐđ]+", name):
        if word.lower() == "và":
            continue
        plain = fold(word).upper()
        initials.append(plain if word.isupper() and len(word) > 1 else plain[:1])
    base = re.sub(r"[^A-Z0-9]", "", "".join(initials))[:16] or "CQ"
    code, number = base, 1
    while fold(code) in taken:
        number += 1
        code = f"{base}-{number}"
    return code


def render_agencies(agencies: list[Agency]) -> str:
    header = (
        "# Danh mục cơ quan: tên chuẩn, mã ngắn và các cách viết khác gặp trong văn bản.\n"
        '# "generic: true" đánh dấu cụm từ chung (không chỉ một cơ quan cụ thể).\n'
        "# Lập tự động bởi ctr199 init từ các ô cơ quan của Phụ lục: hãy rà soát tên, mã và các cụm từ chung.\n"
    )
    documents = []
    for agency in agencies:
        document: dict[str, object] = {"code": agency.code, "name": agency.name}
        if agency.generic:
            document["generic"] = True
        document["aliases"] = list(agency.aliases)
        documents.append(document)
    return header + dump_canonical({"agencies": documents})


# ---------------------------------------------------------------- the repository's other files

INDICATORS_TEXT = (
    "# Chỉ tiêu chủ yếu của chương trình (xem README của ctr199, mục Chỉ tiêu). ctr199 init không đọc\n"
    "# chỉ tiêu từ văn bản: thêm từng chỉ tiêu vào danh sách này.\n"
    "indicators: []\n"
)

PRE_COMMIT_TEXT = """\
# Kiểm tra dữ liệu trước mỗi commit (https://pre-commit.com). Cài một lần: pre-commit install
# Cần lệnh ctr199 đã cài trên máy.
repos:
  - repo: local
    hooks:
      - id: ctr199-validate
        name: ctr199 validate (kiểm tra dữ liệu)
        entry: ctr199 validate
        language: system
        files: ^data/.*\\.ya?ml$
        pass_filenames: false
      - id: ctr199-fmt-check
        name: ctr199 fmt --check (bố cục chuẩn)
        entry: ctr199 fmt --check
        language: system
        files: ^data/.*\\.ya?ml$
"""

WORKFLOW_TEXT = f"""\
# Kiểm tra dữ liệu ở mỗi lần push và pull request: lỗi hiện ở đúng dòng đã sửa,
# tệp chưa theo bố cục chuẩn làm lần chạy thất bại.
name: Kiểm tra dữ liệu ctr199

on:
  push:
  pull_request:

permissions:
  contents: read

env:
  # {PLACEHOLDER}: địa chỉ cài ctr199 (bản phát hành đã chọn của công cụ).
  CTR199: "ctr199 @ git+https://github.com/<tổ-chức>/ctr199@v{__version__}"

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Cài ctr199
        run: python -m pip install "$CTR199"
      - name: Kiểm tra dữ liệu
        run: ctr199 validate --format github
      - name: Kiểm tra bố cục chuẩn
        run: ctr199 fmt --check
"""

GITATTRIBUTES_TEXT = """\
# Tệp dữ liệu: xuống dòng kiểu LF; nhiệm vụ và chỉ tiêu hợp nhất bằng trình hợp nhất của ctr199.
*.yaml text eol=lf
data/tasks/*.yaml merge=ctr199
data/indicators.yaml merge=ctr199
"""


def readme_text(programme: ProgrammeFile, tasks: int, groups: int, agencies: int) -> str:
    return f"""\
# {programme.short_title}

Dữ liệu theo dõi *{programme.title}* bằng công cụ `ctr199`: mỗi nhiệm vụ của Phụ lục là một tệp
YAML, mọi thay đổi được ghi lại trong git.

## Nội dung

| tệp | nội dung |
|---|---|
| `data/programme.yaml` | tên, năm, nơi ban hành chương trình; tiêu đề, số, người ký, nơi nhận của văn bản |
| `data/tasks/` | {tasks} nhiệm vụ, mỗi nhiệm vụ một tệp (tên tệp = số thứ tự trong Phụ lục) |
| `data/groups.yaml` | {groups} nhóm nhiệm vụ |
| `data/agencies.yaml` | {agencies} cơ quan: tên chuẩn, mã, cách viết khác |
| `data/indicators.yaml` | chỉ tiêu chủ yếu (thêm bằng tay) |

## Việc cần làm trước tiên

1. Thay mọi giá trị `[{PLACEHOLDER}: …]` trong `data/programme.yaml` (cơ quan lập văn bản, người ký,
   nơi nhận…) và địa chỉ cài ctr199 trong `.github/workflows/ctr199.yml`.
2. Rà soát `data/agencies.yaml`: tên chuẩn, mã, các cách viết đã gộp và các cụm từ chung (`generic: true`).
3. Chạy `ctr199 validate` rồi commit.

## Dùng hằng ngày

```sh
ctr199 overdue --agency "tên hoặc mã cơ quan"     # việc quá hạn
ctr199 upcoming --within 14                       # việc sắp đến hạn
ctr199 update 12 --status "đang thực hiện" --note "…"
ctr199 done 12 --date 15/3/{programme.year} --ref "Quyết định số …"
ctr199 brief --format docx -o bao-cao.docx        # báo cáo tuần
ctr199 remind -o cong-van/                        # công văn đôn đốc
ctr199 validate && ctr199 fmt --check              # kiểm tra trước khi commit
```

`pre-commit install` bật kiểm tra tự động trước mỗi commit (`.pre-commit-config.yaml`).
"""


# ---------------------------------------------------------------- making the repository


@dataclass
class InitResult:
    root: Path
    programme: ProgrammeFile
    parsed: ParsedAppendix
    agencies: list[Agency]
    review: RegistryReview
    placeholders: list[str]
    warnings: int
    git: str  # what happened with git, one line


def init_repository(
    target: Path,
    source: Path,
    *,
    as_of: date,
    title: str | None = None,
    year: int | None = None,
    issued_by: str | None = None,
    place: str | None = None,
    merge_driver: str = "ctr199",
) -> InitResult:
    """Make the data repository `target` (absent or empty) from the appendix in `source`.

    `merge_driver` is how git should start ctr199's merge driver (`merging.driver_command`).

    Everything is written in a staging folder, checked like `ctr199 validate`, and moved into
    place only when it passes: a refusal leaves nothing behind.
    """
    from ctr199.appendix import AppendixError
    from ctr199.loading import load_programme

    target = target.absolute()
    _check_target(target)
    try:
        parsed = read_appendix(source)
    except AppendixError as exc:
        raise InitError(str(exc)) from None
    if parsed.problems:
        shown = "; ".join(str(problem) for problem in parsed.problems[:3])
        more = f" (và {len(parsed.problems) - 3} hàng khác)" if len(parsed.problems) > 3 else ""
        raise InitError(
            f"{len(parsed.problems)} hàng của {source.name} không đọc được: {shown}{more}. "
            "Sửa tệp nguồn (ctr199 import-appendix cho biết từng hàng) rồi chạy lại; chưa ghi gì"
        )
    if not parsed.tasks:
        raise InitError(f"{source.name} không có nhiệm vụ nào; chưa ghi gì")
    heading = heading_title(parsed.preamble)
    title = " ".join((title or heading or "").split())
    if not title:
        raise InitError(
            'thiếu tên chương trình: văn bản không có dòng tiêu đề "CHƯƠNG TRÌNH HÀNH ĐỘNG"/"KẾ HOẠCH" kèm dòng '
            'nội dung viết thường bên dưới; dùng --title "…"',
            2,
        )
    year = year or title_year(heading or "") or title_year(title)
    if year is None:
        raise InitError('thiếu năm của chương trình: tên chương trình không có "năm YYYY"; dùng --year YYYY', 2)
    try:
        programme = programme_file(title=title, year=year, issued_by=issued_by, place=place)
        agencies, review = build_registry(parsed.tasks, parsed.split_lead_cells)
    except (ValueError, LookupError) as exc:  # pydantic's ValidationError, the registry's AgencyLookupError
        raise InitError(f"không lập được dữ liệu: {exc}") from None

    files = {
        f"data/{PROGRAMME_FILE}": render_programme(programme),
        f"data/{GROUPS_FILE}": render_groups(parsed.groups),
        f"data/{AGENCIES_FILE}": render_agencies(agencies),
        f"data/{INDICATORS_FILE}": INDICATORS_TEXT,
        **{f"data/{TASKS_DIR}/{task.id:03d}.yaml": render_task(task) for task in parsed.tasks},
        ".pre-commit-config.yaml": PRE_COMMIT_TEXT,
        ".github/workflows/ctr199.yml": WORKFLOW_TEXT,
        ".gitattributes": GITATTRIBUTES_TEXT,
        "README.md": readme_text(programme, len(parsed.tasks), len(parsed.groups), len(agencies)),
    }
    # Staged inside the empty folder, or beside the one to create, then moved into place.
    existed = target.is_dir()
    staging = Path(tempfile.mkdtemp(prefix=".ctr199-init-", dir=target if existed else target.parent))
    try:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        _, report = load_programme(staging / "data", as_of=as_of, use_cache=False)
        if report.errors:
            first = report.errors[0]
            raise InitError(f"dữ liệu lập ra chưa hợp lệ ({len(report.errors)} lỗi; lỗi đầu: {first.message})")
        if existed:
            for entry in sorted(staging.iterdir()):
                entry.replace(target / entry.name)
        else:
            staging.replace(target)
    except OSError as exc:
        if existed:  # leave the folder as empty as it was
            for entry in target.iterdir():
                if entry.name in {"data", ".github", *files} and entry != staging:
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        raise InitError(f"không ghi được {target}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InitResult(
        root=target,
        programme=programme,
        parsed=parsed,
        agencies=agencies,
        review=review,
        placeholders=programme.placeholders(),
        warnings=len(report.warnings),
        git=_git_first_commit(target, programme, merge_driver),
    )


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} là một tệp, không phải thư mục", 2)
    if target.is_dir() and any(target.iterdir()):
        raise InitError(f"thư mục {target} không trống; chọn thư mục mới hoặc thư mục trống", 2)
    if not target.parent.is_dir():
        raise InitError(f"không có thư mục {target.parent}; tạo thư mục đó trước", 2)


def _git_first_commit(root: Path, programme: ProgrammeFile, merge_driver: str) -> str:
    git = shutil.which("git")
    if git is None:
        return "không có git trên máy: chưa tạo kho git (chạy git init khi có git)"
    steps = (
        [git, "init", "-q"],
        [git, "add", "-A"],
        [git, "commit", "-q", "-m", f"Khởi tạo dữ liệu: {programme.short_title} (ctr199 init)"],
    )
    for step in steps:
        done = subprocess.run(step, cwd=root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["lỗi không rõ"])[-1]
            return f"git {step[1]} không thành công ({reason}); dữ liệu đã ghi, hãy commit bằng tay"
        if step[1] == "init":  # the merge driver that .gitattributes names, set up for this repository
            try:
                configure(root, merge_driver)
            except InstallError as exc:
                return f"chưa cài trình gộp ({exc}); chạy ctr199 merge-driver --install"
    return "đã tạo kho git và commit đầu tiên"
