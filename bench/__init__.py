"""Benchmarks, run by hand (``python -m bench.search``); never part of the test suite."""
