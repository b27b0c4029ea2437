"""The account directory fetch logs in with the org fixtures (they replace tests/sso's `home`)."""

from ...support.org import home, make_emulator

__all__ = ["home", "make_emulator"]
