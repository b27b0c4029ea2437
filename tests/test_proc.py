"""asso.proc: a process started detached (own session, no terminal, output discarded)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from asso.proc import spawn_detached

from .support.poll import wait_for

# The child reports what it was given and what it has: argv, environment, session, std fds.
REPORT = """
import json, os, sys
fds = {}
for fd in (0, 1, 2):
    try:
        fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError as error:
        fds[fd] = type(error).__name__
print("to stdout, which nobody should see")
print("to stderr, which nobody should see", file=sys.stderr)
report = {
    "argv": sys.argv[1:],
    "env": {k: v for k, v in os.environ.items() if k.startswith("ASSO_T_")},
    "home": os.environ.get("HOME"),
    "pid": os.getpid(),
    "sid": os.getsid(0),
    "pgid": os.getpgid(0),
    "fds": fds,
    "open": sorted(int(n) for n in os.listdir("/proc/self/fd")),
}
out = os.environ["ASSO_T_OUT"]
with open(out + ".tmp", "w", encoding="utf-8") as handle:
    json.dump(report, handle)
os.replace(out + ".tmp", out)
"""

AWKWARD = [
    "two words",
    'it\'s "quoted"',
    "$(touch pwned)",
    "100%s %F{red}",
    "new\nline",
    "日本 é",
    "",
]

needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")


def _report(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        wait_for(lambda: path.exists() and path.read_text(), "the child's report")
    )
    return data


@needs_proc
def test_child_gets_argv_as_given_and_only_the_env_given(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    env = {"ASSO_T_OUT": str(out), "ASSO_T_VALUE": "a b $(x) 'q' 日本", "PATH": os.defpath}
    spawn_detached([sys.executable, "-c", REPORT, *AWKWARD], env)
    report = _report(out)
    assert report["argv"] == AWKWARD  # one argument each: no shell split or expanded them
    assert report["env"] == {"ASSO_T_OUT": str(out), "ASSO_T_VALUE": "a b $(x) 'q' 日本"}
    assert report["home"] is None  # the environment given, not this process's
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@needs_proc
def test_child_is_detached_from_terminal_and_output(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    # A descriptor this process holds open must not reach the child.
    keep_r, keep_w = os.pipe()
    os.set_inheritable(keep_w, True)
    try:
        spawn_detached([sys.executable, "-c", REPORT], {"ASSO_T_OUT": str(out)})
        report = _report(out)
    finally:
        os.close(keep_r)
        os.close(keep_w)
    pid = report["pid"]
    assert report["sid"] == pid and report["pgid"] == pid  # its own session and group
    assert report["sid"] != os.getsid(0)
    assert report["fds"] == {"0": "/dev/null", "1": "/dev/null", "2": "/dev/null"}
    assert keep_w not in report["open"]  # type: ignore[operator]


@needs_proc
def test_no_env_means_this_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.json"
    monkeypatch.setenv("ASSO_T_OUT", str(out))
    monkeypatch.setenv("ASSO_T_INHERITED", "yes %s")
    spawn_detached([sys.executable, "-c", REPORT])
    report = _report(out)
    assert report["env"] == {"ASSO_T_OUT": str(out), "ASSO_T_INHERITED": "yes %s"}


def test_returns_without_waiting(tmp_path: Path) -> None:
    marker = tmp_path / "done"
    code = f"import time, pathlib; time.sleep(10); pathlib.Path({str(marker)!r}).touch()"
    started = time.monotonic()
    spawn_detached([sys.executable, "-c", code], {})
    assert time.monotonic() - started < 8  # it did not wait the child's 10 s
    assert not marker.exists()


def test_a_program_that_cannot_start_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        spawn_detached([str(tmp_path / "no such program")], {})
    not_executable = tmp_path / "plain file"
    not_executable.write_text("#!/bin/sh\n")
    with pytest.raises(OSError):
        spawn_detached([str(not_executable)], {})
