"""Shared leaf: starting a process that outlives asso, detached from the terminal."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Optional


def spawn_detached(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> None:
    """Start ``argv`` in its own session, no terminal, output discarded; do not wait for it.

    A console program would otherwise take the terminal, and Ctrl-C in the shell would reach it.
    Raises OSError when it cannot start.
    """
    import subprocess

    subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        env=dict(env) if env is not None else None,
    )
