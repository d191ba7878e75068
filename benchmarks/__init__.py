"""Benchmarks, run by hand from the repository root (``python -m benchmarks.NAME``); results are
written down in benchmarks/README.md. They import the package, never a file by its path."""
