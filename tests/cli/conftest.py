"""Fixtures for command tests that log in to an emulator (status, populate, demo)."""

from ..support.org import home, make_emulator

__all__ = ["home", "make_emulator"]
