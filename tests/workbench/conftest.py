"""Fixtures shared by the service tests: the pack template and the demonstration inspection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pack_docs import make_template
from store_helpers import DemoStore

from workbench.identity import set_user_name
from workbench.services.demo import create_demo
from workbench.store import open_workbench_store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A lead store with a keyed inspection and four cases (copied for each scenario)."""
    return make_template(tmp_path_factory.mktemp("merge-template"))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """The demonstration inspection, built once for every test that only reads it (the demo
    and report tests); a test that changes a store must build its own."""
    store = open_workbench_store(tmp_path_factory.mktemp("demo") / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    steps: list[tuple[int, int, str]] = []
    inspection_id = create_demo(store, progress=lambda *step: steps.append(step))
    yield DemoStore(store, inspection_id, steps)
    store.close()
