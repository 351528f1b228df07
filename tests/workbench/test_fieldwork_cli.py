"""``cases sample`` and ``cases assign`` as a lead types them: exit codes, what is printed and
what lands in the store."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_helpers import write_file

from db.engine import Store
from db.models import Case
from workbench.cli import main
from workbench.services.inspections import create_inspection

LIST = "reference,category,unit,district\n" + "".join(
    f"NS/{n:04d},{('section_47', 'cse', 'missing_children')[n % 3]},{('North', 'South')[n % 2]},"
    f"D{n % 5}\n"
    for n in range(90)
)


@pytest.fixture
def inspection_id(store: Store) -> str:
    return create_inspection(
        store, force="Northshire Police", title="Fieldwork", start=date(2026, 11, 2),
        end=date(2026, 11, 27),
    ).id  # fmt: skip


def _cases(store: Store) -> list[Case]:
    with store.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.reference)))


def test_cases_sample_prints_the_strata_and_draws_the_plan(
    store: Store, store_path: Path, inspection_id: str, tmp_path: Path, capsys
):
    listing = write_file(tmp_path, "list.csv", LIST)
    args = ["--db", str(store_path), "cases", "sample", "--inspection", inspection_id[:8]]
    args += ["--from", str(listing), "--by", "category", "--per", "4", "--seed", "42"]

    assert main([*args, "--preview"]) == 0
    assert "nothing was saved" in capsys.readouterr().out
    assert _cases(store) == []

    assert main([*args, "--oversample", "cse=2"]) == 0
    out = capsys.readouterr().out
    assert "Drew 16 of the 90 cases listed into Fieldwork (seed 42)." in out
    assert "Child sexual exploitation" in out
    assert Counter(c.category for c in _cases(store)) == {
        "section_47": 4, "cse": 8, "missing_children": 4,
    }  # fmt: skip
    assert all(set(c.attributes) == {"district"} for c in _cases(store))


def test_cases_sample_refuses_a_bad_share_with_exit_1(
    store_path: Path, inspection_id: str, tmp_path: Path, capsys
):
    listing = write_file(tmp_path, "list.csv", LIST)
    args = ["--db", str(store_path), "cases", "sample", "--inspection", inspection_id]
    code = main([*args, "--from", str(listing), "--per", "150%", "--seed", "1"])
    assert code == 1
    assert "not a number of cases or a share" in capsys.readouterr().err


def test_cases_assign_singly_in_bulk_and_a_second_inspector(
    store: Store, store_path: Path, inspection_id: str, tmp_path: Path, capsys
):
    listing = write_file(tmp_path, "list.csv", LIST)
    db = ["--db", str(store_path)]
    sample = ["cases", "sample", "--inspection", inspection_id, "--from", str(listing)]
    assert main([*db, *sample, "--size", "6", "--seed", "3"]) == 0
    refs = [c.reference for c in _cases(store)]
    capsys.readouterr()

    assign = [*db, "cases", "assign", "--inspection", inspection_id]
    assert main([*assign, "--case", refs[0], "--to", "Ann Able"]) == 0
    assert "Assigned 1 case to Ann Able" in capsys.readouterr().out
    refs_file = write_file(tmp_path, "refs.txt", "\n".join(refs[1:]) + "\n")
    assert main([*assign, "--from", str(refs_file), "--to", "Bob Baker"]) == 0
    assert "Assigned 5 cases to Bob Baker" in capsys.readouterr().out
    assert main([*assign, "--case", refs[0], "--second", "Bob Baker"]) == 0
    assert "for second grading to Bob Baker" in capsys.readouterr().out

    cases = _cases(store)
    assert [c.assigned_to for c in cases] == ["Ann Able"] + ["Bob Baker"] * 5
    assert [c.second_inspector for c in cases] == ["Bob Baker"] + [None] * 5

    assert main([*assign, "--case", refs[1], "--second", "Bob Baker"]) == 1
    assert "graded twice by Bob Baker" in capsys.readouterr().err
    assert main([*assign, "--case", "NO/SUCH", "--to", "Ann Able"]) == 1
    assert "not in this inspection: NO/SUCH" in capsys.readouterr().err


def test_cases_balance_and_dual_from_the_command_line(
    store: Store, store_path: Path, inspection_id: str, tmp_path: Path, capsys
):
    listing = write_file(tmp_path, "list.csv", LIST)
    db = ["--db", str(store_path)]
    sample = ["cases", "sample", "--inspection", inspection_id, "--from", str(listing)]
    assert main([*db, *sample, "--by", "category", "--per", "4", "--seed", "3"]) == 0
    capsys.readouterr()

    balance = [*db, "cases", "balance", "--inspection", inspection_id]
    assert main([*balance, "--among", "Ann Able,Bob Baker", "--by", "category"]) == 0
    assert "12 cases shared between Ann Able and Bob Baker by category" in capsys.readouterr().out
    pairs = Counter((c.category, c.assigned_to) for c in _cases(store))
    assert set(pairs.values()) == {2}  # two of each category each

    dual = [*db, "cases", "dual", "--inspection", inspection_id, "--share", "25%"]
    assert main([*dual, "--seed", "9", "--among", "Ann Able,Bob Baker"]) == 0
    assert "3 cases given a second inspector" in capsys.readouterr().out
    seconds = [c for c in _cases(store) if c.second_inspector]
    assert len(seconds) == 3 and all(c.second_inspector != c.assigned_to for c in seconds)
