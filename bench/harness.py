"""The benchmark harness: every figure with its goal, its same-run baseline and a verdict.

A benchmark declares each figure as a :class:`Figure`: what it measures, the work (one
repetition), a baseline doing the same work with the least code that could (plain
``sqlite3``, ``json``, bare platypus, a bare Qt window ...), and its goals:

- ``ratio_goal``: the median of the work over the median of the baseline must not exceed
  it. Enforced: a missed ratio goal makes the benchmark (and ``make bench``) exit 1.
- ``goal``: an absolute limit on the median (seconds, milliseconds, megabytes, in the
  figure's ``unit``). Reported with ``goal_met``, not enforced (these machines are noisy),
  unless the figure says ``goal_enforced=True`` (peak memory, which noise does not move).

The work and the baseline run alternately, ``repetitions`` (at least 3) times each; a
function returning :class:`Sample` supplies its own measurement (a latency percentile, a time
read from a child process, a peak memory) instead of its wall time, and may carry figures
for the JSON line (``info``). Each figure prints one JSON line: ``min``/``median``/``max`` of
the work and of the baseline, ``ratio`` (of medians), ``ratio_met`` and ``goal_met``.

Command line of every ``bench/bench_*.py`` (and of ``bench/run.py``, which runs them all):

- ``--only WORD`` (repeatable, or comma separated): only the sections and figures whose name
  contains a word (``--only merge``, ``--only core.summary``);
- ``--scale 1x`` (repeatable): the sizes to run, of ``tiny``, ``1x`` and ``10x`` (default
  ``1x`` and ``10x``); ``--quick`` is ``--scale 1x``;
- ``--impossible``: every goal set to something no code can meet (a ratio of 1e-6, an
  absolute goal of 0), so a test can see that each verdict can fail.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

SCALES = ("tiny", "1x", "10x")
IMPOSSIBLE_RATIO = 1e-6


@dataclass
class Sample:
    """A measurement a work function took itself (instead of its wall time)."""

    value: float
    info: dict[str, Any] = field(default_factory=dict)


def clock(fn: Callable[[], object], **info: Any) -> Sample:
    """The wall time of ``fn()`` alone, for a work function that prepares untimed first."""
    start = time.perf_counter()
    fn()
    return Sample(time.perf_counter() - start, info)


@dataclass
class Figure:
    name: str
    measures: str
    work: Callable[[], object]
    baseline: Callable[[], object] | None = None
    baseline_is: str = ""  # what the baseline does, in words
    ratio_goal: float | None = None
    goal: float | None = None
    goal_enforced: bool = False
    unit: str = "s"
    scale: str = "1x"
    repetitions: int = 3
    note: str = ""  # e.g. "10x at half size: 50,000 cases"
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.repetitions < 3:
            raise ValueError(f"{self.name}: at least 3 repetitions")
        if self.ratio_goal is not None and self.baseline is None:
            raise ValueError(f"{self.name}: a ratio goal needs a baseline")


@dataclass
class Options:
    only: list[str]
    scales: list[str]
    impossible: bool

    def wanted(self, *names: str) -> bool:
        """Whether a section or figure named by any of ``names`` is to run."""
        if not self.only:
            return True
        return any(word in name for word in self.only for name in names)


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(add_help=True)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--scale", action="append", choices=SCALES, default=[])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--impossible", action="store_true")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    only = [w.strip() for item in args.only for w in item.split(",") if w.strip()]
    scales = args.scale or (["1x"] if args.quick else ["1x", "10x"])
    return Options(only=only, scales=scales, impossible=args.impossible)


def forwarded(options: Options) -> list[str]:
    """The command-line arguments that give a child benchmark the same options."""
    args = [f"--only={w}" for w in options.only]
    args += [f"--scale={s}" for s in options.scales]
    return args + (["--impossible"] if options.impossible else [])


def _measure(fn: Callable[[], object]) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    if isinstance(result, Sample):
        return result.value, result.info
    return elapsed, {}


def _spread(values: list[float], prefix: str = "") -> dict[str, float]:
    return {
        f"{prefix}min": _round(min(values)),
        f"{prefix}median": _round(statistics.median(values)),
        f"{prefix}max": _round(max(values)),
    }


def _round(value: float) -> float:
    return round(value, 4) if abs(value) < 1 else round(value, 3)


def measure(figure: Figure, options: Options) -> dict[str, Any]:
    """Run the figure's work and baseline alternately; its JSON record."""
    works: list[float] = []
    bases: list[float] = []
    info: dict[str, Any] = {}
    for _ in range(figure.repetitions):
        value, seen = _measure(figure.work)
        works.append(value)
        info.update(seen)
        if figure.baseline is not None:
            value, seen = _measure(figure.baseline)
            bases.append(value)
            info.update(seen)
    ratio_goal, goal = figure.ratio_goal, figure.goal
    if options.impossible:
        ratio_goal = IMPOSSIBLE_RATIO if figure.baseline is not None else None
        goal = 0.0
    record: dict[str, Any] = {
        "bench": figure.name,
        "scale": figure.scale,
        "measures": figure.measures,
        "unit": figure.unit,
        "runs": figure.repetitions,
        **_spread(works),
    }
    median = statistics.median(works)
    exact: float | None = None  # the ratio the verdict is on (shown to two decimals)
    if bases:
        record.update(baseline=figure.baseline_is, **_spread(bases, "baseline_"))
        base = statistics.median(bases)
        exact = median / base if base > 0 else None
        record["ratio"] = round(exact, 2) if exact is not None else None
    if ratio_goal is not None:
        record["ratio_goal"] = ratio_goal
        record["ratio_met"] = exact is not None and exact <= ratio_goal
    if goal is not None:
        record["goal"] = goal
        record["goal_met"] = median <= goal
        record["goal_enforced"] = figure.goal_enforced
    if figure.note:
        record["note"] = figure.note
    record.update(figure.info)
    record.update(info)
    return record


def failed(record: dict[str, Any]) -> bool:
    """Whether a figure missed a goal that is enforced."""
    return record.get("ratio_met") is False or (
        record.get("goal_enforced") is True and record.get("goal_met") is False
    )


def report(figures: Iterable[Figure], options: Options | None = None) -> int:
    """Measure and print each wanted figure; 1 if any missed an enforced goal, else 0.

    ``figures`` may be a generator, so a benchmark builds the data of each figure only when
    it is about to run."""
    options = options or parse_options()
    status = 0
    for figure in figures:
        if not options.wanted(figure.name):
            continue
        record = measure(figure, options)
        print(json.dumps(record), flush=True)
        status |= int(failed(record))
    return status


def emit(name: str, **figures: object) -> None:
    """A JSON line of figures that have no goal (e.g. how long building the data took)."""
    print(json.dumps({"bench": name, "info_only": True, **figures}), flush=True)
