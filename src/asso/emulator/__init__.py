"""Layer emulator: a local IAM Identity Center for tests, benchmarks and `asso demo`.

Self-contained: imports the shared leaves and emulator only.
"""
