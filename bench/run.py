"""Run the benchmarks, print a table of every figure at the end, exit 1 on a missed goal.

``python bench/run.py`` (``make bench``) runs every ``bench/bench_*.py`` in its own process
with the same options (see ``bench/harness.py``): ``--only merge`` or ``make bench
BENCH=merge`` runs only the sections and figures whose names contain ``merge``; ``--quick``
runs the 1x sizes only. A benchmark named as a whole (``--only packs``) runs alone.
The exit status is 1 when a figure missed an enforced goal (every ratio goal) or a
benchmark failed to run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from harness import failed, forwarded, parse_options  # noqa: E402


def scripts(only: list[str]) -> list[Path]:
    """The benchmarks to run: those named (``packs``, or ``packs.merge`` for a figure of
    bench_packs), else every one (each runs only the figures whose names match)."""
    found = sorted(HERE.glob("bench_*.py"))
    modules = {word.split(".")[0] for word in only}
    named = [p for p in found if p.stem.removeprefix("bench_") in modules]
    return named or found


def run_script(path: Path, args: list[str]) -> tuple[int, list[dict[str, Any]]]:
    """Run one benchmark, passing its output through; its exit status and figures."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, str(path), *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert child.stdout is not None
    records = []
    for line in child.stdout:
        print(line, end="", flush=True)
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "bench" in record and not record.get("info_only"):
            records.append(record)
    return child.wait(), records


def _figure(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.3g} {unit}".strip()


def _verdict(record: dict[str, Any], key: str) -> str:
    if key not in record:
        return "-"
    return "met" if record[key] else "MISSED"


def table(records: list[dict[str, Any]]) -> str:
    header = ("figure", "scale", "median (min-max)", "baseline", "ratio", "ratio goal",
              "ratio", "goal", "goal")  # fmt: skip
    rows = [header]
    for r in records:
        unit = r.get("unit", "s")
        rows.append(
            (
                r["bench"],
                r.get("scale", ""),
                f"{_figure(r['median'], unit)} ({r['min']:.3g}-{r['max']:.3g})",
                _figure(r.get("baseline_median"), unit),
                f"{r['ratio']}x" if r.get("ratio") is not None else "-",
                f"<= {r['ratio_goal']}x" if "ratio_goal" in r else "-",
                _verdict(r, "ratio_met"),
                f"<= {_figure(r['goal'], unit)}" if "goal" in r else "-",
                _verdict(r, "goal_met") + (" (enforced)" if r.get("goal_enforced") else ""),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    args = forwarded(options)
    started, load = time.perf_counter(), os.getloadavg()
    records: list[dict[str, Any]] = []
    crashed = []
    for path in scripts(options.only):
        status, found = run_script(path, args)
        records += found
        if status and not any(failed(r) for r in found):
            crashed.append(f"{path.name} exited {status}")
    missed = [f"{r['bench']} {r.get('scale', '')}" for r in records if failed(r)]
    print()
    print(table(records))
    print()
    end_load = os.getloadavg()
    print(
        f"{len(records)} figures in {time.perf_counter() - started:.0f} s; load average "
        f"{load[0]:.2f} at the start, {end_load[0]:.2f} at the end."
    )
    for line in crashed:
        print(f"FAILED TO RUN: {line}")
    if missed:
        print(f"MISSED {len(missed)} enforced goal(s): {', '.join(missed)}")
    return 1 if missed or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
