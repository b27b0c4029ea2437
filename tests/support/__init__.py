"""Shared test helpers: fixtures and drivers more than one test package uses."""
