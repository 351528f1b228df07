"""The inspection's data as an XLSX workbook: typed pandas frames (written by ``xlsx_write``).

Sheets: About, Summary, Cases, Assessments, Stage grades, Referrals, and the summary's
tables (By category, By stage, By unit, Force vs ours). Columns are typed (dates are dates,
counts are whole numbers, flags are TRUE/FALSE), every sheet has its header row frozen and
a filter on it, and the marking is printed in the header and footer of every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from db.engine import Store
from workbench.dates import long_date
from workbench.errors import WorkbenchError
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.reports import csv_cells
from workbench.reports import xlsx_frames as frames
from workbench.reports import xlsx_prompts as prompt_frames
from workbench.reports.data import ReportData, gather
from workbench.reports.files import Written, atomic_path, final_path
from workbench.reports.xlsx_write import write_workbook


def sheets(data: ReportData) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook, in order, as a typed DataFrame."""
    method: Methodology = data.method
    summary: dict[str, Any] = data.summary
    return {
        "About": frames.about(data),
        "Summary": frames.key_figures(summary, method),
        "Cases": frames.cases(data),
        "Assessments": frames.assessments(data),
        "Stage grades": frames.stage_grades(data),
        "Referrals": frames.referrals(data),
        "By category": frames.breakdown(summary, method, "by_category", "Category"),
        "By stage": frames.by_stage(summary, method),
        "By unit": frames.breakdown(summary, method, "by_unit", "Unit"),
        "Force vs ours": frames.force_vs_ours(summary, method),
        "Prompt answers": prompt_frames.prompt_answers(data),
        "Prompt counts": prompt_frames.prompt_counts(summary, method),
    }


def write_csv(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    """Every sheet of the workbook as a CSV file (UTF-8, header row) in the folder ``out``,
    each written atomically: about.csv, summary.csv, ..., prompt-answers.csv."""
    folder = Path(out).expanduser().absolute()
    if not folder.is_dir():
        raise WorkbenchError(f"The folder {folder} does not exist; create it first.")
    data = gather(store, inspection_id, progress, every_assessment=True)
    frames_by_sheet = sheets(data)
    total = len(frames_by_sheet)
    for number, (name, frame) in enumerate(frames_by_sheet.items(), start=1):
        target = folder / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.csv"
        cells = frame.astype(object).where(frame.notna(), None)
        with (
            atomic_path(target) as temporary,
            open(temporary, "w", encoding="utf-8", newline="") as handle,
        ):
            csv_cells.write_csv(handle, list(frame.columns), cells.itertuples(index=False))
        progress(number, total, f"Writing {target.name}")
    return Written(folder)


def _marking(data: ReportData) -> str:
    """The marking for each page's header and footer, with the interim label beside it."""
    facts = data.facts
    return f"{facts.marking}   {facts.interim}" if facts.interim else facts.marking


def write_xlsx(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    """The workbook, written atomically."""
    data = gather(store, inspection_id, progress, every_assessment=True)
    frames_by_sheet = sheets(data)
    properties = {
        "title": f"{data.facts.title}: data",
        "author": data.author,
        "subject": f"Case file audit data: {data.facts.force}",
        "keywords": data.facts.marking,
        "comments": f"Produced {long_date(data.produced)}",
    }
    with atomic_path(out) as temporary:
        write_workbook(Path(temporary), frames_by_sheet, _marking(data), properties, progress)
    return Written(final_path(out))
