"""Fieldwork benchmarks: drawing the sample from the force's full list. Prints JSON lines."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import emit, median, new_store, timed, write_case_csv  # noqa: E402

from workbench.services.sampling import draw_sample  # noqa: E402
from workbench.services.sampling_plan import SamplePlan  # noqa: E402

LISTED = 100_000


def bench_sampling(folder: Path) -> None:
    """A stratified draw of 400 cases (by category and unit) from a list of 100,000."""
    listing = write_case_csv(folder / "force-list.csv", LISTED)
    plan = SamplePlan(by=("category", "unit"), size=400)
    runs = []
    for run in range(3):
        store, inspection_id = new_store(folder / f"sample-{run}.sqlite")
        seconds, record = timed(lambda: draw_sample(store, inspection_id, listing, plan, run))
        runs.append(seconds)
        store.close()
    emit(
        "sampling",
        listed=record.listed,
        drawn=record.drawn,
        strata=len(record.strata),
        seconds=round(median(runs), 3),
        goal="under 2 s for 100,000 listed cases",
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_sampling(Path(tmp))


if __name__ == "__main__":
    main()
