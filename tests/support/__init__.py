"""Helpers shared by the tests: real third-party components, a sandboxed environment, pollers."""
