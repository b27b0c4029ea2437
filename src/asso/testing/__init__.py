"""Test and demo support shipped with asso (the local Identity Center emulator)."""
