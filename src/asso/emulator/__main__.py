"""``python -m asso.emulator``: run the IAM Identity Center emulator stand-alone.

The base URL is printed on stdout as one line, then the emulator serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Optional

from asso.emulator.model import Organization
from asso.emulator.service import IdentityCenterEmulator


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m asso.emulator",
        description="Serve a local AWS IAM Identity Center emulator on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--org", metavar="FILE.json", help="organization JSON file")
    parser.add_argument(
        "--device-auto-approve",
        action="store_true",
        help="approve device authorizations at once (no browser step)",
    )
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="serve an organisation whose names try to break config files and terminals",
    )
    parser.add_argument("--page-size", type=int, default=20, help="portal page size")
    parser.add_argument(
        "--access-token-ttl", type=int, default=8 * 3600, help="access token lifetime (s)"
    )
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parse_args(argv)
    org: Optional[Organization] = None
    if args.org:
        try:
            with open(args.org, encoding="utf-8") as handle:
                org = Organization.from_json(json.load(handle))
        except (OSError, ValueError) as exc:
            print(f"idc: cannot load organization from {args.org}: {exc}", file=sys.stderr)
            return 2
    if args.hostile:
        from asso.emulator.hostile import hostile_organization

        org = hostile_organization()
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator = IdentityCenterEmulator(
        org,
        port=args.port,
        device_auto_approve=args.device_auto_approve,
        page_size=args.page_size,
        access_token_ttl=args.access_token_ttl,
    )
    try:
        emulator.start()
    except OSError as exc:
        print(f"idc: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    try:
        print(emulator.url, flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
