"""Contradictory progress: status, completed_on, completed_milestones and the log must agree.

Each contradiction is one finding with its own code at the line to fix; an edit of such a file is
refused with that line and writes nothing. A completion stays with the milestone it was recorded
for: a deadline edit that would hand its number to another milestone is reported, and refuses edits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..conftest import read_task, tree_digest
from .common import error_line, invoke

AS_OF = "2026-11-28"
MULTI = "tasks/065.yaml"  # '- Khởi công Quý I năm 2026; - Hoàn thành trong năm 2028.': two milestones
SINGLE = "tasks/036.yaml"  # 'Quý II/2026': one milestone
# What `update 65 --milestone 1 -s done --date 2026-03-10` logs: the milestone, then the task's new status.
MILESTONE_1_LOG = (
    "log:\n  - date: 2026-03-10\n    status: done\n    milestone: 1\n  - date: 2026-03-10\n    status: in_progress\n"
)


def _set_tracking(data: Path, name: str, tracking: str, *, before: str = "") -> None:
    """Replace the tracking fields (status … log) of a shipped task; `before` goes just above `lead:`."""
    path = data / name
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("status: ")]
    if before:
        head = head.replace("lead:\n", f"{before}lead:\n", 1)
    path.write_text(head + tracking, encoding="utf-8")


CASES = [
    pytest.param(
        SINGLE,
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-15\n"
        "log:\n  - date: 2026-03-15\n    status: in_progress\n",
        "",
        "11:9: error[progress-status]: completed_milestones ghi mốc duy nhất của nhiệm vụ đã hoàn thành nhưng "
        "status là 'in_progress'; đặt status: done và completed_on: 2026-03-15, hoặc xóa mốc chưa xong khỏi "
        "completed_milestones",
        id="one-milestone-listed-but-in-progress",
    ),
    pytest.param(
        MULTI,
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-10\n"
        "  - milestone: 2\n    date: 2026-09-10\nlog: []\n",
        "",
        "11:9: error[progress-status]: completed_milestones ghi cả 2 mốc đã hoàn thành nhưng status là "
        "'in_progress'; đặt status: done và completed_on: 2026-09-10, hoặc xóa mốc chưa xong khỏi "
        "completed_milestones",
        id="every-milestone-listed-but-in-progress",
    ),
    pytest.param(
        MULTI,
        "status: not_started\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-10\nlog: []\n",
        "",
        "11:9: error[progress-status]: completed_milestones ghi mốc 1 đã hoàn thành nhưng status là 'not_started'; "
        "đặt status: in_progress (hoặc xóa mốc khỏi completed_milestones)",
        id="milestone-done-but-not-started",
    ),
    pytest.param(
        MULTI,
        "status: done\ncompleted_on: 2026-02-01\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-01-10\n"
        "  - milestone: 2\n    date: 2026-03-20\nlog: []\n",
        "",
        "12:15: error[completion-date]: ngày hoàn thành nhiệm vụ 01/02/2026 trước ngày hoàn thành mốc 2 "
        "(20/03/2026); nhiệm vụ hoàn thành khi mốc cuối cùng hoàn thành — sửa completed_on hoặc ngày của mốc cho khớp",
        id="completed-before-a-milestone",
    ),
    pytest.param(
        SINGLE,
        "status: done\ncompleted_on: 2026-05-02\ncompleted_milestones: []\n"
        "log:\n  - date: 2026-05-01\n    status: done\n",
        "",
        "12:15: error[completion-date]: ngày hoàn thành 02/05/2026 khác ngày nhật ký ghi hoàn thành (01/05/2026); "
        "sửa completed_on hoặc nhật ký cho khớp",
        id="completed-on-differs-from-the-log",
    ),
    pytest.param(
        MULTI,
        "status: in_progress\ncompleted_on:\ncompleted_milestones: []\n" + MILESTONE_1_LOG,
        "",
        "17:16: error[log-milestone]: nhật ký ngày 10/03/2026 ghi mốc 1 hoàn thành nhưng completed_milestones "
        "không có mốc 1; thêm '- milestone: 1' với date: 2026-03-10 vào completed_milestones, hoặc sửa nhật ký",
        id="log-says-done-records-do-not",
    ),
    pytest.param(
        MULTI,
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-10\n"
        + MILESTONE_1_LOG
        + "  - date: 2026-04-01\n    status: in_progress\n    milestone: 1\n",
        "",
        "14:16: error[log-milestone]: completed_milestones ghi mốc 1 hoàn thành nhưng nhật ký ngày 01/04/2026 ghi "
        "mốc 1 'in_progress'; xóa mốc 1 khỏi completed_milestones hoặc sửa nhật ký",
        id="log-reopened-records-still-done",
    ),
    pytest.param(
        MULTI,
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-12\n"
        + MILESTONE_1_LOG,
        "",
        "15:11: error[log-milestone]: ngày hoàn thành mốc 1 (12/03/2026) khác ngày nhật ký ghi mốc 1 hoàn thành "
        "(10/03/2026); sửa cho khớp",
        id="log-and-record-dates-differ",
    ),
    pytest.param(
        SINGLE,
        "status: in_progress\ncompleted_on:\ncompleted_milestones: []\n"
        "log:\n  - date: 2026-05-01\n    status: done\n    milestone: 1\n",
        "",
        "17:16: error[log-milestone]: nhật ký ngày 01/05/2026 ghi mốc 1 (mốc duy nhất) hoàn thành nhưng status là "
        "'in_progress'; đặt status: done và completed_on: 2026-05-01, hoặc sửa nhật ký",
        id="log-says-the-only-milestone-is-done",
    ),
    pytest.param(
        SINGLE,
        "status: done\ncompleted_on:\ncompleted_milestones: []\nlog: []\n",
        "",
        "11:9: error[status]: nhiệm vụ đã hoàn thành cần ngày hoàn thành 'completed_on'",
        id="done-without-completed-on",
    ),
    pytest.param(
        SINGLE,
        "status: not_started\ncompleted_on:\ncompleted_milestones: []\nlog: []\n",
        "milestones: []\n",
        "6:1: error[milestones-empty]: 'milestones: []' không ghi mốc nào nên nhiệm vụ sẽ thành \"Không thời hạn\"; "
        "xóa dòng milestones (để dùng thời hạn) hoặc ghi ít nhất một mốc (label, due)",
        id="empty-milestones",
    ),
]


@pytest.mark.parametrize(("name", "tracking", "before", "finding"), CASES)
def test_contradiction_is_one_finding_and_refuses_edits(
    data: Path, name: str, tracking: str, before: str, finding: str
) -> None:
    _set_tracking(data, name, tracking, before=before)
    digest = tree_digest(data)
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [f"data/{name}:{finding}"]
    number = str(int(Path(name).stem))
    refused = invoke("update", number, "-s", "in_progress", "--date", "2026-11-20", "-d", "data", "--as-of", AS_OF)
    assert refused.exit_code == 1
    position, rest = finding.split(": ", 1)
    message = rest.split(": ", 1)[1]
    assert (
        error_line(refused)
        == f"Lỗi: tệp đang có lỗi, sửa tay trước (ctr199 validate): data/{name}:{position}: {message}"
    )
    assert tree_digest(data) == digest


# ---------------------------------------------------------------- completions stay with their milestone


def _update(*args: str) -> Any:
    return invoke(*args, "-d", "data", "--as-of", AS_OF)


def test_completing_a_milestone_records_its_label_and_due(data: Path) -> None:
    result = _update("update", "65", "--milestone", "1", "-s", "done", "--date", "2026-03-11", "--ref", "QĐ 88")
    assert result.exit_code == 0, result.output
    text = (data / MULTI).read_text(encoding="utf-8")
    assert (
        "completed_milestones:\n"
        "  - milestone: 1\n"
        "    label: Khởi công\n"
        "    due: 2026-03-31\n"
        "    date: 2026-03-11\n"
        "    ref: QĐ 88\n"
    ) in text
    assert _update("done", "65", "--date", "2026-11-20").exit_code == 0
    task = read_task(data, 65)
    assert [(m.milestone, m.label, str(m.due)) for m in task.completed_milestones] == [
        (1, "Khởi công", "2026-03-31"),
        (2, "Hoàn thành", "2028-12-31"),
    ]
    assert invoke("validate", "data", "--as-of", AS_OF).exit_code == 0
    assert invoke("fmt", "--check", "data").exit_code == 0


def test_deadline_edit_moving_a_completion_is_reported_and_refuses_edits(data: Path) -> None:
    assert _update("update", "65", "--milestone", "1", "-s", "done", "--date", "2026-03-11").exit_code == 0
    path = data / MULTI
    text = path.read_text(encoding="utf-8")
    # A segment added at the front: number 1 now names another milestone.
    path.write_text(
        text.replace("deadline: '- Khởi công", "deadline: 'Chuẩn bị đầu tư Tháng 2/2026; - Khởi công"),
        encoding="utf-8",
    )
    digest = tree_digest(data)
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    message = (
        'mốc 1 ghi hoàn thành là "Khởi công" (hạn 31/03/2026) nhưng theo thời hạn hiện nay mốc 1 là '
        '"Chuẩn bị đầu tư" (hạn 28/02/2026); đổi milestone: 1 thành 2 (cả trong nhật ký) hoặc sửa lại thời hạn'
    )
    assert errors == [f"data/tasks/065.yaml:14:16: error[milestone-moved]: {message}"]
    for args in (
        ["update", "65", "--milestone", "2", "-s", "done", "--date", "2026-11-20"],
        ["done", "65", "--date", "2026-11-20"],
    ):
        refused = _update(*args)
        assert refused.exit_code == 1
        assert error_line(refused) == (
            f"Lỗi: tệp đang có lỗi, sửa tay trước (ctr199 validate): data/tasks/065.yaml:14:16: {message}"
        )
    assert tree_digest(data) == digest


def test_deadline_edit_keeping_the_numbers_is_fine(data: Path) -> None:
    assert _update("update", "65", "--milestone", "1", "-s", "done", "--date", "2026-03-11").exit_code == 0
    path = data / MULTI
    text = path.read_text(encoding="utf-8")
    # A segment added at the end and the wording of another changed: milestone 1 is still "Khởi công Quý I".
    path.write_text(
        text.replace("Hoàn thành trong năm 2028.'", "Hoàn thành trong năm 2029; Quyết toán năm 2030'"),
        encoding="utf-8",
    )
    assert invoke("validate", "data", "--as-of", AS_OF).exit_code == 0


def test_records_without_label_are_not_questioned(data: Path) -> None:
    """Completions written before labels were recorded (by hand, or by older versions) keep working."""
    _set_tracking(
        data,
        MULTI,
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-10\n"
        + MILESTONE_1_LOG,
    )
    assert invoke("validate", "data", "--as-of", AS_OF).exit_code == 0


def test_merge_driver_does_not_move_a_completion_either() -> None:
    """One branch adds a segment at the front of the deadline, the other completes milestone 1: merging
    both would hand the completion to another milestone, so the driver leaves the conflict to a person."""
    from ctr199.merging import merge_texts

    from ..conftest import SHIPPED

    base = (SHIPPED / MULTI).read_text(encoding="utf-8")
    ours = base.replace("deadline: '- Khởi công", "deadline: 'Chuẩn bị đầu tư Tháng 2/2026; - Khởi công")
    theirs = base.replace(
        "status: not_started\ncompleted_on:\ncompleted_milestones: []\nlog: []\n",
        "status: in_progress\ncompleted_on:\ncompleted_milestones:\n  - milestone: 1\n    label: Khởi công\n"
        "    due: 2026-03-31\n    date: 2026-03-10\n" + MILESTONE_1_LOG,
    )
    result = merge_texts(base, ours, theirs, "data/tasks/065.yaml")
    assert not result.clean
    assert 'mốc 1 ghi hoàn thành là "Khởi công"' in result.message
    assert b"<<<<<<< ours" in result.text


@pytest.mark.parametrize(
    ("name", "tracking"),
    [
        pytest.param(
            MULTI,
            "status: done\ncompleted_on: 2026-09-10\ncompleted_milestones:\n  - milestone: 1\n    date: 2026-03-10\n"
            + MILESTONE_1_LOG
            + "  - date: 2026-09-10\n    status: done\n",
            id="done-unlisted-milestones-met-on-completed-on",
        ),
        pytest.param(
            SINGLE,
            "status: done\ncompleted_on: 2026-05-01\ncompleted_milestones: []\n"
            "log:\n  - date: 2026-05-01\n    status: done\n",
            id="single-milestone-done",
        ),
        pytest.param(
            MULTI,
            "status: in_progress\ncompleted_on:\ncompleted_milestones: []\n"
            + MILESTONE_1_LOG
            + "  - date: 2026-04-01\n    status: in_progress\n    milestone: 1\n",
            id="milestone-reopened-in-the-log-and-records",
        ),
    ],
)
def test_consistent_progress_passes(data: Path, name: str, tracking: str) -> None:
    _set_tracking(data, name, tracking)
    result = invoke("validate", "data", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
