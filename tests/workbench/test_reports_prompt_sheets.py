"""The workbook's Prompt answers and Prompt counts sheets, and ``report csv --out DIR``, over
``evidence_helpers.build_evidence`` (its table is in test_summary_prompts)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from evidence_helpers import build_evidence

from db.engine import Store
from workbench.cli import main
from workbench.identity import set_user_name
from workbench.reports import write_xlsx
from workbench.store import open_workbench_store


@dataclass
class Built:
    store: Store
    path: Path  # the store
    xlsx: Path
    inspection: str
    sheets: dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = Path(tmp_path_factory.mktemp("sheets"))
    store = open_workbench_store(folder / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    inspection = build_evidence(store)
    path = write_xlsx(store, inspection, folder / "data.xlsx").path
    sheets = pd.read_excel(path, sheet_name=None)
    yield Built(store, folder / "store.sqlite", path, inspection, sheets)
    store.close()


def test_prompt_answers_has_a_row_per_case_and_prompt_that_applies(built: Built) -> None:
    answers = built.sheets["Prompt answers"]
    seen = answers[answers["Id"] == "ic.child_seen"]
    assert sorted(seen["Reference"]) == ["K1", "K2", "K3", "K4", "M1", "M2", "S2"]
    by_case = dict(zip(seen["Reference"], seen["Answer"], strict=True))
    assert by_case == {
        "K1": "No", "K2": "Partly", "K3": "Yes", "K4": "Yes", "M1": "Yes",  # Jo's, moderated
        "M2": "Inspectors differed", "S2": "Yes",
    }  # fmt: skip
    assert "S1" not in set(answers["Reference"])  # in progress: not counted
    episodes = answers[answers["Id"] == "inv.fact_missing_episodes"]
    assert sorted(episodes["Reference"]) == ["M1", "M2"]  # not section 47 or custody


def test_prompt_answers_cells_are_typed(built: Built) -> None:
    book = openpyxl.load_workbook(built.xlsx)
    sheet = book["Prompt answers"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "K1"
               and r[header.index("Id")] == "pd.fact_kept_after_charge")  # fmt: skip
    assert row[header.index("Answer")] == "Yes"
    assert row[header.index("Fell short")] is True
    assert row[header.index("Kind")] == "Fact"


def test_prompt_counts_are_the_summarys_by_category_and_in_all(built: Built) -> None:
    counts = built.sheets["Prompt counts"]
    kept = counts[counts["Id"] == "pd.fact_kept_after_charge"]
    everything = kept[kept["Category"] == "All categories"].set_index("Answer id")
    assert everything["Cases"].to_dict() == {
        "yes": 2, "no": 1, "not_known": 0, "not_charged": 1, "differed": 0, "unanswered": 0,
    }  # fmt: skip
    assert set(everything["Base"]) == {3} and set(everything["Cases it applies to"]) == {4}
    assert bool(everything.loc["yes", "Fell short"]) and not everything.loc["no", "Fell short"]
    assert not everything.loc["not_charged", "In the base"]
    seen = counts[(counts["Id"] == "ic.child_seen") & (counts["Answer id"] == "partly")]
    assert dict(zip(seen["Category"], seen["Cases"], strict=True)) == {
        "All categories": 1, "Children in custody": 1, "Missing and absent children": 0,
        "Section 47 child protection investigation": 0,
    }  # fmt: skip
    answers = built.sheets["Prompt answers"]
    counted = answers[answers["Id"] == "ic.child_seen"]
    assert (counted["Answer"] == "Yes").sum() == int(
        counts[(counts["Id"] == "ic.child_seen") & (counts["Category"] == "All categories")
               & (counts["Answer id"] == "yes")]["Cases"].item()
    )  # fmt: skip


def test_report_csv_writes_every_sheet(built: Built, tmp_path: Path, capsys) -> None:
    code = main(["--db", str(built.path), "report", "csv", "--inspection", built.inspection[:8],
                 "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    assert f"to {tmp_path}" in capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{n.lower().replace(' ', '-')}.csv" for n in built.sheets)
    with open(tmp_path / "prompt-answers.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(built.sheets["Prompt answers"])
    k1 = next(r for r in rows if r["Reference"] == "K1" and r["Id"] == "ic.child_seen")
    assert (k1["Answer"], k1["Fell short"], k1["Stage"]) == ("No", "TRUE", "Initial contact")


def test_report_csv_into_a_missing_folder_exits_1(built: Built, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere"
    code = main(["--db", str(built.path), "report", "csv", "--inspection", built.inspection[:8],
                 "--out", str(missing)])  # fmt: skip
    assert code == 1
    assert f"The folder {missing} does not exist; create it first." in capsys.readouterr().err
    assert not missing.exists()


def test_every_sheet_opens_with_its_header_styled_frozen_and_filtered(built: Built) -> None:
    book = openpyxl.load_workbook(built.xlsx)
    assert book.sheetnames[-2:] == ["Prompt answers", "Prompt counts"]
    for sheet in book.worksheets:
        header = sheet[1]
        assert all(c.font.b and c.fill.fgColor.rgb.endswith("1F3A5F") for c in header), sheet.title
        assert all(c.alignment.wrap_text for c in header)
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
        assert sheet.print_title_rows == "$1:$1" and sheet.oddFooter.right.text == "Page &P of &N"
        assert sheet.oddHeader.center.text.startswith("OFFICIAL")
    answers = book["Prompt answers"]
    assert answers.max_row == len(built.sheets["Prompt answers"]) + 1
    assert all(isinstance(c.value, str) and not c.quotePrefix for c in answers["A"][1:])
    written = [c for sheet in book.worksheets[2:] for row in sheet.iter_rows(min_row=2)
               for c in row if isinstance(c.value, datetime)]  # fmt: skip
    assert written and all(c.number_format in ("dd/mm/yyyy", "dd/mm/yyyy hh:mm") for c in written)
