"""Shared helpers for the model-file tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "reference" / "model-file.md"


def doc_example() -> str:
    """The fenced YAML block under "A complete example" in the reference page."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "no ```yaml block under '## A complete example'"
    return match.group(1)


@pytest.fixture
def example_text() -> str:
    return doc_example()
