"""The harness's verdicts, with measurements given (so they are exact)."""

from __future__ import annotations

import sys

import pytest
from bench_helpers import BENCH, run_bench

sys.path.insert(0, str(BENCH))

from harness import Figure, Options, Sample, failed, measure, parse_options, report
from run import table

OPTIONS = Options(only=[], scales=["1x"], impossible=False)


def values(*samples: float):
    it = iter(samples)
    return lambda: Sample(next(it))


def test_median_min_max_and_ratio_of_medians_are_reported() -> None:
    figure = Figure("x.merge", "a merge", values(4.0, 2.0, 3.0), values(1.0, 1.5, 0.5),
                    "raw", ratio_goal=3.0, goal=5.0)  # fmt: skip
    record = measure(figure, OPTIONS)
    assert (record["min"], record["median"], record["max"]) == (2.0, 3.0, 4.0)
    assert (record["baseline_min"], record["baseline_median"], record["baseline_max"]) == (
        0.5, 1.0, 1.5,
    )  # fmt: skip
    assert record["ratio"] == 3.0 and record["ratio_met"] is True
    assert record["goal_met"] is True and record["goal_enforced"] is False
    assert not failed(record)


def test_a_missed_ratio_goal_fails_and_a_missed_time_goal_is_only_reported(capsys) -> None:
    slow = Figure("x.slow", "slow", values(4, 4, 4), values(1, 1, 1), "raw", ratio_goal=3.0)
    late = Figure("x.late", "late", values(9, 9, 9), values(1, 1, 1), "raw", ratio_goal=10.0,
                  goal=5.0)  # fmt: skip
    assert report([late], OPTIONS) == 0
    assert report([slow], OPTIONS) == 1
    lines = capsys.readouterr().out.splitlines()
    assert '"goal_met": false' in lines[0] and '"ratio_met": true' in lines[0]
    assert '"ratio_met": false' in lines[1]


def test_a_ratio_just_over_its_goal_is_missed_though_it_shows_as_the_goal() -> None:
    edge = Figure("x.edge", "edge", values(3.004, 3.004, 3.004), values(1, 1, 1), "raw",
                  ratio_goal=3.0)  # fmt: skip
    record = measure(edge, OPTIONS)
    assert record["ratio"] == 3.0 and record["ratio_met"] is False
    assert failed(record)


def test_an_enforced_absolute_goal_fails_when_missed() -> None:
    memory = Figure("x.memory", "peak", values(500, 500, 500), unit="MB", goal=400,
                    goal_enforced=True)  # fmt: skip
    assert report([memory], OPTIONS) == 1


def test_impossible_goals_are_missed() -> None:
    figure = Figure("x.fast", "fast", values(1, 1, 1), values(1, 1, 1), "raw", ratio_goal=3.0)
    record = measure(figure, Options(only=[], scales=["1x"], impossible=True))
    assert record["ratio_met"] is False and record["goal_met"] is False


def test_fewer_than_three_repetitions_or_a_ratio_without_baseline_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        Figure("x", "x", values(1), repetitions=2)
    with pytest.raises(ValueError, match="needs a baseline"):
        Figure("x", "x", values(1, 1, 1), ratio_goal=2.0)


def test_only_selects_by_part_of_a_name() -> None:
    options = parse_options(["--only", "merge,summary", "--quick"])
    assert options.scales == ["1x"]
    assert options.wanted("packs.merge_20_packs") and options.wanted("core.summary_in_process")
    assert not options.wanted("core.case_import")
    assert parse_options([]).scales == ["1x", "10x"]


def test_the_table_shows_each_verdict() -> None:
    figure = Figure("x.merge", "a merge", values(4, 4, 4), values(1, 1, 1), "raw",
                    ratio_goal=3.0, goal=5.0)  # fmt: skip
    shown = table([measure(figure, OPTIONS)])
    row = shown.splitlines()[2]
    assert row.split()[:2] == ["x.merge", "1x"]
    assert "4.0x" in row and "<= 3.0x" in row and "MISSED" in row and " met" in row


def test_make_bench_exits_1_and_names_the_miss_when_a_ratio_goal_is_missed() -> None:
    status, figures = run_bench("run.py", "--only=core.case_import", "--impossible")
    assert status == 1
    assert [f["bench"] for f in figures] == ["core.case_import"]
    assert figures[0]["ratio_met"] is False


def test_make_bench_exits_0_when_every_ratio_goal_is_met() -> None:
    status, figures = run_bench("run.py", "--only=core.case_import")
    assert [f["ratio_met"] for f in figures] == [True]
    assert status == 0
