"""Shared leaf: the doctor's finding (ok, warn, fail, skip) and its report for a terminal."""

from __future__ import annotations

from asso.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"


class Check:
    __slots__ = ("details", "fix", "message", "name", "status")

    def __init__(
        self,
        name: str,
        status: str,
        message: str,
        fix: Optional[str] = None,
        details: Optional[list[str]] = None,
    ) -> None:
        self.name = name
        self.status = status
        self.message = message
        self.fix = fix
        self.details = details or []

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
            "details": self.details,
        }


def marks(stream: Any) -> dict[str, str]:
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if encoding == "utf8":
        return {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}
    return {OK: "ok", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def format_report(checks: list[Check], colour: bool, marks: dict[str, str]) -> str:
    colours = {OK: "32", WARN: "33", FAIL: "31", SKIP: "2"}
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        mark = marks[check.status]
        if colour:
            mark = f"\x1b[{colours[check.status]}m{mark}\x1b[0m"
        lines.append(f"{mark} {check.name.ljust(width)}  {printable(check.message)}")
        pad = " " * (len(marks[check.status]) + 1 + width + 2)
        for detail in check.details:
            lines.append(f"{pad}- {printable(detail)}")
        if check.fix and check.status in (WARN, FAIL):
            lines.append(f"{pad}fix: {printable(check.fix)}")
    failures = sum(c.status == FAIL for c in checks)
    warnings = sum(c.status == WARN for c in checks)
    if failures or warnings:
        summary = f"{failures} problem(s), {warnings} warning(s)."
    else:
        summary = "Everything looks right."
    return "\n".join([*lines, summary]) + "\n"
