"""Fixtures shared by the pack tests."""

from __future__ import annotations

import pytest
from pack_docs import make_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A lead store with a keyed inspection and four cases (copied for each scenario)."""
    return make_template(tmp_path_factory.mktemp("merge-template"))
