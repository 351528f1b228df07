"""bench_server's verdicts can fail: with impossible goals every figure misses them. It
starts a throwaway PostgreSQL server (``.ci/postgres.sh``), as ``make bench`` does."""

from __future__ import annotations

import os

import pytest
from bench_helpers import assert_verdicts_fail, run_bench


def test_server_figures_miss_impossible_goals() -> None:
    status, figures = run_bench("bench_server.py", "--impossible", timeout=900)
    if figures and "skipped" in figures[0]:  # no PostgreSQL here
        if os.environ.get("CI"):  # .ci/run installs PostgreSQL first: it must run there
            pytest.fail(figures[0]["skipped"])
        pytest.skip(f"{figures[0]['skipped']} (install Debian's postgresql; CI runs this)")
    assert status == 1
    assert_verdicts_fail(
        figures,
        {
            "server.push",
            "server.merge",
            "server.national_summary",
            "server.graders_one",
            "server.graders_many_flat_out",
            "server.graders_many_paced",
        },
    )
