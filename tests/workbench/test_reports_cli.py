"""``workbench report ...`` end to end through ``workbench.cli.main``, and the inspector's
own report."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from reports_helpers import (
    add_case,
    flat,
    font_problems,
    grade_case,
    make_inspection,
    read,
    refer,
    texts,
)

from db.engine import Store
from workbench.cli import main
from workbench.errors import NotFoundError
from workbench.reports import write_inspector_pdf


@pytest.fixture
def inspection(store: Store) -> str:
    inspection = make_inspection(store)
    first = add_case(store, inspection, "A/1", force_grade="good")
    grade_case(store, first, "requires_improvement")
    refer(store, first, "immediate", "The child is still living with the suspect.")
    second = add_case(store, inspection, "B/1", unit="South borough")
    grade_case(store, second, "good", inspector="Jo Marsh")
    third = add_case(store, inspection, "C/1")
    grade_case(store, third, "inadequate", inspector="Jo Marsh")
    return inspection


@pytest.mark.parametrize(
    ("kind", "suffix"),
    [("pdf", "pdf"), ("referrals", "pdf"), ("xlsx", "xlsx"), ("html", "html")],
)
def test_each_report_command_writes_its_file(
    kind: str,
    suffix: str,
    inspection: str,
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / f"report.{suffix}"
    code = main(["--db", str(store_path), "report", kind, "--inspection", inspection[:8],
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    assert out.stat().st_size > 1000
    assert f"to {out}" in capsys.readouterr().out
    if suffix == "pdf":
        assert font_problems(read(out)) == []
    if suffix == "xlsx":
        assert "Cases" in openpyxl.load_workbook(out).sheetnames


def test_the_inspector_command_writes_only_that_persons_cases(
    inspection: str, store_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "jo.pdf"
    code = main(["--db", str(store_path), "report", "inspector", "--inspection", inspection,
                 "--inspector", "Jo Marsh", "--out", str(out)])  # fmt: skip
    assert code == 0
    reader = read(out)
    text = flat(" ".join(texts(reader)))
    assert "Case B/1" in text and "Case C/1" in text
    assert "A/1" not in text
    assert "Jo Marsh has assessed 2 cases in this inspection: 2 graded." in text
    assert reader.metadata.title.startswith("Cases assessed by Jo Marsh")
    assert font_problems(reader) == []


def test_an_unknown_inspector_is_refused_naming_those_who_have_assessed(
    store: Store, inspection: str, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="Alex Inspector, Jo Marsh"):
        write_inspector_pdf(store, inspection, "Jo Marshall", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_missing_folder_exits_1_with_the_reason(
    inspection: str, store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "report.pdf"
    code = main(["--db", str(store_path), "report", "pdf", "--inspection", inspection,
                 "--out", str(out)])  # fmt: skip
    assert code == 1
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_a_report_without_out_is_a_usage_error(inspection: str, store_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(store_path), "report", "pdf", "--inspection", inspection])
    assert exit_info.value.code == 2


def test_an_unknown_inspection_exits_1(
    inspection: str, store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(store_path), "report", "xlsx", "--inspection", "ffffffff",
                 "--out", str(tmp_path / "x.xlsx")])  # fmt: skip
    assert code == 1
    assert "No inspection" in capsys.readouterr().err
