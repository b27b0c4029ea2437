#!/usr/bin/env python3
"""Mutation check for the prompt path and the token cache: does the test suite notice?

Each mutation below changes one line of the helper (``src/``) or the plugin (``plugin/``) and
names the tests that should catch it. For each, this script applies it, runs those tests
(``pytest -x``), restores the file, and says whether the tests failed (caught) or passed (the
mutation survived: a hole in the tests). Not part of CI: it takes a few minutes.

    .venv/bin/python scripts/mutate.py [--only NAME ...] [--list]

A mutation finds its file by a snippet of code, not a path: every file under src/ and plugin/
is searched for it (``only`` narrows the search to names matching a pattern), so the list
survives modules moving between packages. A snippet must occur exactly once.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
SEARCHED = ("src", "plugin")


@dataclass(frozen=True)
class Mutation:
    name: str
    snippet: str
    replacement: str
    tests: tuple[str, ...]
    only: str = "*"  # a glob on the file name, when the snippet is in several files


MUTATIONS = [
    # -- the token cache ----------------------------------------------------------------------
    Mutation(
        "window-edge",
        "if remaining < REFRESH_WINDOW and can_refresh:",
        "if remaining <= REFRESH_WINDOW and can_refresh:",
        ("tests/test_tokens.py", "tests/test_token_clock.py"),
    ),
    Mutation(
        "expiry-edge",
        "    if remaining <= 0:\n        return TokenStatus(EXPIRED",
        "    if remaining < 0:\n        return TokenStatus(EXPIRED",
        ("tests/test_tokens.py", "tests/test_token_clock.py"),
    ),
    Mutation(
        "registration-expiry-ignored",
        "return registration_expires is not None and registration_expires > now",
        "return registration_expires is not None",
        ("tests/test_tokens.py",),
    ),
    Mutation(
        "access-token-not-required",
        'if not isinstance(data.get("accessToken"), str) or expires_at is None:',
        "if expires_at is None:",
        ("tests/test_tokens.py",),
    ),
    Mutation(
        "token-bytes-not-compact",
        'return json.dumps(ordered, separators=(",", ":")).encode("utf-8")',
        'return json.dumps(ordered).encode("utf-8")',
        ("tests/test_tokens.py",),
    ),
    Mutation(
        "token-mode-0644",
        "write_atomic(path, serialize_token(token), mode=0o600, dir_mode=0o700)",
        "write_atomic(path, serialize_token(token), mode=0o644, dir_mode=0o700)",
        ("tests/test_tokens.py",),
    ),
    Mutation(
        "token-write-not-atomic",
        "        os.replace(temp_path, path)\n    except BaseException:",
        "        os.rename(temp_path, path + '.x')\n    except BaseException:",
        ("tests/test_tokens.py",),
    ),
    Mutation(
        "next-change-skips-window",
        "if self.can_refresh and now <= self.expires_at - REFRESH_WINDOW:",
        "if False:",
        ("tests/test_token_clock.py", "tests/shell/test_zero_forks.py"),
    ),
    Mutation(
        "next-change-at-window-is-expiry",
        "if self.can_refresh and now <= self.expires_at - REFRESH_WINDOW:",
        "if self.can_refresh and now < self.expires_at - REFRESH_WINDOW:",
        ("tests/test_token_clock.py",),
    ),
    Mutation(
        "format-left-rounds",
        "    minutes = int(seconds // 60)\n",
        "    minutes = int(round(seconds / 60))\n",
        ("tests/test_tokens.py", "tests/shell/test_time_left.py"),
    ),
    # -- the state file the shell reads -------------------------------------------------------
    Mutation(
        "stamp-after-reading",
        "        return started_ns - 1, records\n",
        "        return time.time_ns(), records\n",
        ("tests/shell/test_stamp.py", "tests/shell/test_zero_forks.py"),
    ),
    Mutation(
        "table-stamp-after-reading",
        "write_stamped(path, encode_fields([*gen, *fields]), generation, stamp)",
        "write_stamped(path, encode_fields([*gen, *fields]), generation, time.time_ns())",
        ("tests/shell/test_profile_table.py",),
    ),
    Mutation(
        "token-not-watched",
        "        files.append(res.token.path)\n",
        "        pass\n",
        ("tests/shell/test_zero_forks.py",),
    ),
    Mutation(
        "no-next-check",
        '("next_check", next_check(res.token, now)),',
        '("next_check", ""),',
        ("tests/shell/test_zero_forks.py",),
    ),
    Mutation(
        "directory-cache-not-watched",
        "            files.append(accounts.cache_path(sha1_hex(res.sso_session or res.start_url",
        "            (accounts.cache_path(sha1_hex(res.sso_session or res.start_url",
        ("tests/sso/directory/test_fetch.py", "tests/cli/test_status.py"),
    ),
    Mutation(
        "no-percent-escape",
        'return value.replace("%", "%%") if shell == "zsh" else value',
        "return value",
        ("tests/test_render.py", "tests/shell/test_injection.py"),
    ),
    Mutation(
        "config-error-name-unsanitised",
        'prompt = render.sanitize(name, shell) + " (config error)"',
        'prompt = name + " (config error)"',
        ("tests/shell/test_prompt_escapes.py", "tests/shell/test_injection.py"),
    ),
    # -- the plugin: when to ask the helper again, and the time left --------------------------
    Mutation(
        "zsh-newer-file-ignored",
        "    (( f <= st[1] )) || return 1\n",
        "    true\n",
        ("tests/shell/test_zero_forks.py", "tests/shell/test_stamp.py"),
        only="*.zsh",
    ),
    Mutation(
        "bash-newer-file-ignored",
        "[[ -e $file && ! $file -nt $stamp ]] || return 0",
        "[[ -e $file ]] || return 0",
        ("tests/shell/test_zero_forks.py", "tests/shell/test_stamp.py"),
        only="*.bash",
    ),
    Mutation(
        "zsh-next-check-ignored",
        "{ [[ -z $_asso_next_check ]] || (( EPOCHSECONDS < _asso_next_check )) } &&",
        "{ true } &&",
        ("tests/shell/test_zero_forks.py",),
    ),
    Mutation(
        "bash-next-check-ignored",
        "[[ -z $_asso_next_check ]] || ((_asso_clock < _asso_next_check)) || return 1",
        ":",
        ("tests/shell/test_zero_forks.py",),
    ),
    # No zsh twin: zsh compares each watched file's own mtime, so another shell's rewrite hides
    # no change from it; the stamp in its zstat only makes such a rewrite reload at once.
    Mutation(
        "bash-other-shell-rewrite-ignored",
        # The state file itself as a fixed stamp: another shell's rewrite moves its date.
        "_asso_stamp=$file$_asso_stamp_mark$gen _asso_stamp_fixed=1",
        "_asso_stamp=$file _asso_stamp_fixed=1",
        ("tests/shell/test_zero_forks.py",),
    ),
    Mutation(
        "zsh-minutes-unpadded",
        "left=$(( remaining / 3600 ))h${(l:2::0:)$(( remaining % 3600 / 60 ))}m",
        "left=$(( remaining / 3600 ))h$(( remaining % 3600 / 60 ))m",
        ("tests/shell/test_asp_asr.py", "tests/shell/test_zero_forks.py"),
    ),
    Mutation(
        "bash-expired-at-zero-left",
        "    if ((remaining <= 0)); then\n      left=expired",
        "    if ((remaining < 0)); then\n      left=expired",
        ("tests/shell/test_time_left.py",),
    ),
    Mutation(
        "bash-minutes-unpadded",
        "((minutes < 10)) && minutes=0$minutes",
        ":",
        ("tests/shell/test_asp_asr.py", "tests/shell/test_zero_forks.py"),
    ),
    Mutation(
        "zsh-expired-at-zero-left",
        "    if (( remaining <= 0 )); then\n      left=expired",
        "    if (( remaining < 0 )); then\n      left=expired",
        ("tests/shell/test_time_left.py",),
    ),
    # -- integrations --------------------------------------------------------------------------
    Mutation(
        "omz-aws-prompt-info-percent",
        "${ZSH_THEME_AWS_PROFILE_PREFIX-<aws:}${AWS_PROFILE//\\%/%%}",
        "${ZSH_THEME_AWS_PROFILE_PREFIX-<aws:}${AWS_PROFILE}",
        ("tests/integrations/test_omz.py",),
    ),
    Mutation(
        "p10k-expired-colour",
        "state=EXPIRED fg=244",
        "state=EXPIRED fg=208",
        ("tests/integrations/test_p10k.py",),
    ),
    Mutation(
        "p10k-prod-state",
        "      state=PROD fg=196",
        "      state=DEFAULT fg=196",
        ("tests/integrations/test_p10k.py",),
    ),
    Mutation(
        "p10k-keeps-asso-red",
        "      text=${${text#'%F{red}'}%'%f'}",
        "      :",
        ("tests/integrations/test_p10k.py",),
    ),
    Mutation(
        "p10k-instant-percent",
        "-e -t '${${AWS_PROFILE:-$AWS_DEFAULT_PROFILE}//\\%/%%}'",
        "-e -t '${AWS_PROFILE:-$AWS_DEFAULT_PROFILE}'",
        ("tests/integrations/test_p10k.py",),
    ),
]


def candidates() -> list[Path]:
    files = []
    for top in SEARCHED:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path)
    return files


def locate(mutation: Mutation, files: list[Path]) -> tuple[Optional[Path], str]:
    """The one file holding the snippet exactly once, or why there is none."""
    found = []
    for path in files:
        if not fnmatch.fnmatch(path.name, mutation.only):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if mutation.snippet in text:
            found.append((path, text.count(mutation.snippet)))
    if not found:
        return None, "snippet not found"
    if len(found) > 1 or found[0][1] > 1:
        where = ", ".join(f"{p.relative_to(REPO)} x{n}" for p, n in found)
        return None, f"snippet not unique: {where}"
    return found[0][0], ""


def drop_bytecode(path: Path) -> None:
    """A restored file may have the size and mtime second of its mutant: drop cached bytecode."""
    if path.suffix != ".py":
        return
    for pyc in (path.parent / "__pycache__").glob(path.stem + ".*.pyc"):
        pyc.unlink(missing_ok=True)


def find_test(name: str) -> str:
    """A test file by its path, else by its file name under tests/ (tests move between layers).

    A path that matches nothing must not count as a catch (pytest would exit 4)."""
    if (REPO / name).is_file():
        return name
    found = sorted((REPO / "tests").rglob(Path(name).name))
    if len(found) != 1:
        raise SystemExit(f"mutate.py: test file {name!r} not found (or not unique) under tests/")
    return str(found[0].relative_to(REPO))


def run_tests(tests: tuple[str, ...], timeout: float) -> tuple[bool, str, float]:
    """(caught, by which test, seconds)."""
    started = time.monotonic()
    files = [find_test(name) for name in tests]
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rf", "-p", "no:cacheprovider", *files]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        result = subprocess.run(
            cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return True, f"(timed out after {timeout:.0f} s)", time.monotonic() - started
    seconds = time.monotonic() - started
    if result.returncode == 0:
        return False, "", seconds
    failed = re.search(r"^FAILED (\S+)", result.stdout, re.M)
    if failed:
        return True, failed.group(1), seconds
    error = re.search(r"^ERROR (\S+)", result.stdout, re.M)
    by = error.group(1) if error else f"(pytest exit {result.returncode})"
    return True, by, seconds


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="mutation names to run")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per test run")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if args.only is None or m.name in args.only]
    files = candidates()
    if args.list:
        for m in chosen:
            path, problem = locate(m, files)
            where = path.relative_to(REPO) if path else problem
            print(f"{m.name:34} {where}")
        return 0
    survivors, broken = [], []
    print(f"{'mutation':34} {'result':9} by")
    for m in chosen:
        path, problem = locate(m, files)
        if path is None:
            broken.append(m.name)
            print(f"{m.name:34} {'MISSING':9} {problem}", flush=True)
            continue
        original = path.read_bytes()
        try:
            path.write_bytes(original.replace(m.snippet.encode(), m.replacement.encode(), 1))
            drop_bytecode(path)
            caught, by, seconds = run_tests(m.tests, args.timeout)
        finally:
            path.write_bytes(original)
            drop_bytecode(path)
        if not caught:
            survivors.append(m.name)
        verdict = "caught" if caught else "SURVIVED"
        print(f"{m.name:34} {verdict:9} {by or ', '.join(m.tests)} ({seconds:.0f} s)", flush=True)
    print()
    print(f"{len(chosen) - len(survivors) - len(broken)} caught, {len(survivors)} survived", end="")
    print(f", {len(broken)} not applied" if broken else "")
    for name in survivors:
        print(f"  survived: {name}")
    return 1 if survivors or broken else 0


if __name__ == "__main__":
    sys.exit(main())
