"""Drawing the sample from the force's full list: reproducible, stratified, audited, and kept
on record with the population it was drawn from."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_helpers import refused, write_file

from db.engine import Store
from db.models import AuditEvent, Case, SampleDraw
from workbench.errors import ImportRefused, WorkbenchError
from workbench.services.inspections import create_inspection
from workbench.services.sampling import draw_sample, preview_sample, sample_draws
from workbench.services.sampling_plan import SamplePlan, allocate, read_plan

CATEGORIES = {"section_47": 120, "cse": 40, "missing_children": 60, "police_protection": 9}
UNITS = ("North", "South")


def _list(folder: Path, name: str = "force-list.csv") -> Path:
    rng = random.Random(7)
    lines = ["reference,category,unit,opened_on,force_grade,team,risk_flag"]
    number = 0
    for category, count in CATEGORIES.items():
        for _ in range(count):
            number += 1
            unit = rng.choice(UNITS)
            lines.append(
                f"NS/{number:05d},{category},{unit},2026-0{rng.randint(1, 9)}-11,,T{number % 3},y"
            )
    return write_file(folder, name, "\n".join(lines) + "\n")


@pytest.fixture
def inspection_id(store: Store) -> str:
    return create_inspection(
        store, force="Northshire Police", title="Sampling", start=date(2026, 11, 2),
        end=date(2026, 11, 27),
    ).id  # fmt: skip


def _references(store: Store, inspection_id: str) -> list[str]:
    with store.sessions() as session:
        return sorted(
            session.scalars(select(Case.reference).where(Case.inspection_id == inspection_id))
        )


def _fresh(tmp_path: Path, name: str) -> tuple[Store, str]:
    from workbench.identity import set_user_name
    from workbench.store import open_workbench_store

    store = open_workbench_store(tmp_path / f"{name}.sqlite")
    set_user_name(store, "Alex Inspector")
    made = create_inspection(
        store,
        force="Northshire Police",
        title=name,
        start=date(2026, 11, 2),
        end=date(2026, 11, 27),
    )
    return store, made.id


def test_the_same_seed_and_file_draw_the_same_cases_and_another_seed_differs(tmp_path: Path):
    listing = _list(tmp_path)
    plan = SamplePlan(by=("category", "unit"), size=50)
    drawn = {}
    for name, seed in (("first", "2026"), ("again", "2026"), ("other", "2027")):
        store, inspection_id = _fresh(tmp_path, name)
        draw_sample(store, inspection_id, listing, plan, seed)
        drawn[name] = _references(store, inspection_id)
        store.close()

    assert len(drawn["first"]) == 50
    assert drawn["first"] == drawn["again"]
    assert drawn["first"] != drawn["other"]


def test_per_stratum_counts_match_the_plan_file(store: Store, inspection_id: str, tmp_path: Path):
    listing = _list(tmp_path)
    plan_file = write_file(
        tmp_path, "plan.csv",
        "category,share\nSection 47 child protection investigation,25%\ncse,10\n"
        "missing_children,0.5\n",
    )  # fmt: skip
    targets = read_plan(plan_file, ["category"])
    record = draw_sample(store, inspection_id, listing, SamplePlan(targets=targets), 11)

    with store.sessions() as session:
        drawn = Counter(session.scalars(select(Case.category)))
    assert drawn == {"section_47": 30, "cse": 10, "missing_children": 30}
    by_stratum = {s.stratum: (s.listed, s.drawn) for s in record.strata}
    assert by_stratum == {
        ("cse",): (40, 10),
        ("missing_children",): (60, 30),
        ("police_protection",): (9, 0),
        ("section_47",): (120, 30),
    }
    assert (record.listed, record.drawn) == (229, 70)


def test_per_stratum_with_over_sampling_and_extra_columns_kept(
    store: Store, inspection_id: str, tmp_path: Path
):
    listing = _list(tmp_path)
    plan = SamplePlan(by=("category",), per=5, oversample={("cse",): 3})
    draw_sample(store, inspection_id, listing, plan, "s")

    with store.sessions() as session:
        cases = session.scalars(select(Case)).all()
    assert Counter(c.category for c in cases) == {
        "section_47": 5, "cse": 15, "missing_children": 5, "police_protection": 5,
    }  # fmt: skip
    assert all(set(c.attributes) == {"team", "risk_flag"} for c in cases)
    assert {c.attributes["risk_flag"] for c in cases} == {"y"}


def test_proportional_allocation_adds_up_and_respects_stratum_sizes():
    sizes = {("a",): 100, ("b",): 50, ("c",): 3}
    targets = allocate(sizes, SamplePlan(size=30))
    assert sum(targets.values()) == 30
    assert targets == {("a",): 20, ("b",): 10, ("c",): 0}
    heavy = allocate(sizes, SamplePlan(size=30, oversample={("c",): 100}))
    assert heavy[("c",)] == 3 and sum(heavy.values()) == 30


def test_the_draw_is_audited_and_recorded_with_its_population(
    store: Store, inspection_id: str, tmp_path: Path
):
    listing = _list(tmp_path)
    draw_sample(store, inspection_id, listing, SamplePlan(size=20), 99)

    [record] = sample_draws(store, inspection_id)
    assert record.seed == "99" and record.listed == 229 and record.drawn == 20
    assert "stratified simple random sampling" in record.method
    with store.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sample")).one()
        row = session.scalars(select(SampleDraw)).one()
    details = json.loads(event.new_value)
    assert details["seed"] == "99" and details["drawn"] == 20 and details["listed"] == 229
    assert sum(item["listed"] for item in json.loads(row.strata)) == 229


def test_a_preview_saves_nothing_and_matches_the_draw(
    store: Store, inspection_id: str, tmp_path: Path
):
    listing = _list(tmp_path)
    plan = SamplePlan(by=("unit",), per=0.1)
    preview = preview_sample(store, inspection_id, listing, plan, 5)
    assert _references(store, inspection_id) == []
    record = draw_sample(store, inspection_id, listing, plan, 5)
    assert [(s.stratum, s.drawn) for s in preview.strata] == [
        (s.stratum, s.drawn) for s in record.strata
    ]


def test_a_bad_row_or_impossible_plan_is_refused_and_nothing_changes(
    store: Store, inspection_id: str, tmp_path: Path
):
    bad = write_file(tmp_path, "bad.csv", "reference,category,extra\nA/1,burglary,x\nA/2,cse,y\n")
    message = refused(
        store, lambda: draw_sample(store, inspection_id, bad, SamplePlan(size=1), 1), ImportRefused
    )
    assert "nothing was imported" in message
    listing = _list(tmp_path)
    message = refused(
        store, lambda: draw_sample(store, inspection_id, listing, SamplePlan(size=1000), 1)
    )
    assert "cannot be drawn from a list of 229" in message
    with pytest.raises(WorkbenchError, match="no cases in the stratum"):
        preview_sample(store, inspection_id, listing, SamplePlan(per=2, oversample={("x",): 2}), 1)


def test_the_methodology_annex_states_seed_method_and_population_counts(
    store: Store, inspection_id: str, tmp_path: Path
):
    from workbench.reports.content import TableBlock, TextBlock
    from workbench.reports.data import gather
    from workbench.reports.findings import findings_document

    listing = _list(tmp_path)
    draw_sample(store, inspection_id, listing, SamplePlan(by=("category",), per=4), "annex-7")

    document = findings_document(gather(store, inspection_id))
    [annex] = [s for s in document.sections if s.key == "sampling"]
    text = " ".join(b.text for b in annex.blocks if isinstance(b, TextBlock))
    assert "Seed: annex-7" in text
    assert "stratified simple random sampling without replacement" in text
    assert "16 of the 229 cases" in text and "213 cases not drawn" in text
    [counts] = [b for b in annex.blocks if isinstance(b, TableBlock)]
    assert counts.rows == [
        ["Child sexual exploitation", 40, 4, 36],
        ["Missing and absent children", 60, 4, 56],
        ["Police protection powers", 9, 4, 5],
        ["Section 47 child protection investigation", 120, 4, 116],
        ["All strata", 229, 16, 213],
    ]
