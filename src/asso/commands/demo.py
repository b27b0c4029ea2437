"""``asso demo``: a subshell with asso loaded, against a local Identity Center emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shell",
        choices=("zsh", "bash"),
        help="the subshell (default: the shell you run asso from, else $SHELL, else bash)",
    )


def run(args: argparse.Namespace) -> int:
    from ..demo import main

    return main(args.shell)
