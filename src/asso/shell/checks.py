"""Shell-side checks for ``asso doctor``: the helper the plugin uses, the shell and its hooks
(from the ``ASSO_DOCTOR_*`` variables the plugin's ``_asso_doctor`` sets), the state dir."""

from __future__ import annotations

import os
import sys

from asso.checks import FAIL, OK, SKIP, WARN, Check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


def check_helper(env: Mapping[str, str]) -> list[Check]:
    import platform

    from asso import __version__, paths

    me = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else sys.executable
    checks = [
        Check(
            "helper",
            OK,
            f"asso {__version__} at {me} (Python {platform.python_version()}, {sys.executable})",
        )
    ]
    # What install.sh recorded, and what the plugin uses.
    recorded_file = os.path.join(paths.user_data_dir(), "helper-path")
    recorded: Optional[str] = None
    try:
        with open(recorded_file, encoding="utf-8") as handle:
            recorded = handle.readline().rstrip("\n")
    except OSError:
        pass
    if recorded is not None and not _is_executable(recorded):
        checks.append(
            Check(
                "helper-path",
                FAIL,
                f"{recorded_file} names {recorded!r}, which is not an executable file",
                "re-run ./install.sh (or delete that file and set ASSO_HELPER)",
            )
        )
    plugin_helper = env.get("ASSO_DOCTOR_HELPER")
    if plugin_helper is not None:
        if not plugin_helper:
            checks.append(
                Check(
                    "helper-path",
                    FAIL,
                    "the plugin found no helper (ASSO_HELPER is empty)",
                    "run ./install.sh, or set ASSO_HELPER to the helper's absolute path",
                )
            )
        elif not _is_executable(plugin_helper):
            checks.append(
                Check(
                    "helper-path",
                    FAIL,
                    f"the plugin's ASSO_HELPER {plugin_helper!r} is not an executable file",
                    "re-run ./install.sh, or fix ASSO_HELPER",
                )
            )
        elif not _same_file(plugin_helper, me):
            checks.append(
                Check(
                    "helper-path",
                    WARN,
                    f"the plugin uses {plugin_helper}, but this doctor is {me}",
                    "run `asso doctor` from the shell, or point ASSO_HELPER at one install",
                )
            )
        else:
            message = f"the plugin uses this helper ({plugin_helper})"
            checks.append(Check("helper-path", OK, message))
    return checks


def _is_executable(path: str) -> bool:
    return os.path.isabs(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# Oldest versions the plugin is written for.
MIN_VERSIONS = {"zsh": (5, 1), "bash": (3, 2)}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.replace("(", ".").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        if not digits or not piece[:1].isdigit():
            break
        parts.append(int(digits))
    return tuple(parts)


def check_shell(env: Mapping[str, str]) -> list[Check]:
    checks: list[Check] = []
    detected = "unknown"
    try:
        import shellingham  # type: ignore[import-untyped,unused-ignore]

        name, path = shellingham.detect_shell()
        detected = f"{name} ({path})"
    except Exception:  # shellingham.ShellDetectionFailure, or not installed
        pass
    login_shell = env.get("SHELL", "") or "unset"
    shell = env.get("ASSO_DOCTOR_SHELL")
    if not shell:
        checks.append(
            Check(
                "shell",
                SKIP,
                f"parent shell {detected}, $SHELL {login_shell}; the plugin's state was not "
                "passed (run `asso doctor` in a shell that loads the plugin to check it)",
            )
        )
        return checks
    version = env.get("ASSO_DOCTOR_SHELL_VERSION", "")
    minimum = MIN_VERSIONS.get(shell)
    message = f"{shell} {version} (parent {detected}, $SHELL {login_shell})"
    if minimum and _version_tuple(version)[:2] < minimum:
        need = ".".join(map(str, minimum))
        checks.append(Check("shell", FAIL, message, f"asso needs {shell} {need} or later"))
    else:
        checks.append(Check("shell", OK, message))
    plugin_dir = env.get("ASSO_DOCTOR_PLUGIN_DIR", "")
    if plugin_dir and not os.path.isdir(plugin_dir):
        message = f"the plugin's directory {plugin_dir} is gone"
        checks.append(Check("plugin", FAIL, message, "reload the shell"))
    hooks = env.get("ASSO_DOCTOR_HOOKS", "")
    hook = "precmd hook _asso_precmd" if shell == "zsh" else "PROMPT_COMMAND entry"
    if hooks == "1":
        checks.append(Check("prompt-hook", OK, f"{hook} installed once"))
    elif hooks == "0":
        checks.append(
            Check(
                "prompt-hook",
                FAIL,
                f"the {hook} is not installed: the prompt variables never update",
                "source the plugin after anything that resets "
                + ("precmd_functions" if shell == "zsh" else "PROMPT_COMMAND"),
            )
        )
    elif hooks.isdigit():
        checks.append(
            Check(
                "prompt-hook",
                FAIL,
                f"the {hook} is installed {hooks} times: every prompt does the work {hooks} times",
                "load the plugin once (check for both a plugin manager and a `source` line)",
            )
        )
    asp_source = env.get("ASSO_DOCTOR_ASP", "")
    if asp_source and asp_source != "asso":
        checks.append(
            Check(
                "asp",
                FAIL,
                f"`asp` is not asso's: it comes from {asp_source}",
                "load asso after oh-my-zsh's aws plugin, or run `_asso_reclaim` (see docs)",
            )
        )
    elif asp_source:
        checks.append(Check("asp", OK, "asp, asr and asso are asso's"))
    uses = env.get("ASSO_DOCTOR_PROMPT")
    if uses == "0":
        example = "RPROMPT='${ASSO_PROMPT}'" if shell == "zsh" else "PS1='${ASSO_PROMPT} '$PS1"
        checks.append(
            Check(
                "prompt",
                WARN,
                "the prompt does not show asso (no ASSO_PROMPT, asso_prompt_info or p10k asso)",
                f"e.g. {example}; see docs/integrations.md",
            )
        )
    elif uses:
        checks.append(Check("prompt", OK, f"the prompt shows asso ({uses})"))
    return checks


def check_state_dir() -> list[Check]:
    from asso import paths

    state = paths.user_state_dir()
    probe = state
    while probe and not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if os.access(probe or "/", os.W_OK):
        return [Check("state-dir", OK, f"{state} is writable")]
    return [
        Check(
            "state-dir",
            FAIL,
            f"{state} is not writable: the prompt cannot keep its state",
            "fix its permissions, or set ASSO_STATE_DIR",
        )
    ]
