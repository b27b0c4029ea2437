"""Helpers shared by the tests: fixtures and drivers, real third-party components, a sandboxed
environment, pollers."""
