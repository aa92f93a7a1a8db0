"""The benchmarks are scripts (`python tests/benchmarks/run.py`), not tests: pytest must not
collect or import them."""

collect_ignore_glob = ["*.py"]
