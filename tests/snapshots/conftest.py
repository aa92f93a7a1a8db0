"""Snapshot testing: compare a scene's SVG with its committed reference.

`pytest tests/snapshots --snapshot-update` rewrites the references in `__snapshots__/`
instead of comparing (then look at `git diff --stat` and at the images before
committing). On a mismatch the test fails with a diff of the screen's text and writes
the new SVG to the test's temporary directory, to open in a browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots.compare import REFERENCES, SnapshotCheck, describe_mismatch, normalise


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        default=False,
        help="rewrite the snapshot references in tests/snapshots/__snapshots__ (vpstui)",
    )


@pytest.fixture
def snapshot(request: pytest.FixtureRequest, tmp_path: Path) -> SnapshotCheck:
    """`snapshot(name, svg)`: assert `svg` matches the reference, or rewrite it if asked."""
    update = bool(request.config.getoption("--snapshot-update", default=False))

    def check(name: str, svg: str) -> None:
        reference = REFERENCES / f"{name}.svg"
        if update:
            REFERENCES.mkdir(exist_ok=True)
            if not reference.exists() or reference.read_text(encoding="utf-8") != svg:
                reference.write_text(svg, encoding="utf-8")
            return
        if not reference.exists():
            pytest.fail(
                f"No reference for {name!r}: run pytest tests/snapshots --snapshot-update",
                pytrace=False,
            )
        expected = reference.read_text(encoding="utf-8")
        if normalise(expected) != normalise(svg):
            actual_path = tmp_path / f"{name}.svg"
            actual_path.write_text(svg, encoding="utf-8")
            pytest.fail(describe_mismatch(name, expected, svg, actual_path), pytrace=False)

    return check
