"""``workbench summary`` reads a store file without SQLAlchemy (``workbench.quick_store``): the
same summary, to the byte, as the store opened the usual way, on real stores (the demo, a
store holding two inspections, generated graded cases with answers in and out of the plain
canonical form); and every store the quick reader cannot read is opened the usual way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from backends import on_server
from store_helpers import connect_file

from db import cipher
from db.engine import Store
from db.revisions import head_revision, known_revisions
from workbench.cli.core_summary import render
from workbench.quick_store import quick_reader
from workbench.services.demo import create_demo
from workbench.services.inspections import create_inspection
from workbench.services.prompt_counts import counted_answers, tallies
from workbench.services.summary import summarise, summarise_rows
from workbench.store import open_workbench_store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from _common import fill_graded_cases  # the benchmarks' graded cases

pytestmark = pytest.mark.skipif(
    on_server(),
    reason="the quick reader reads only a store file, not a server; the SQLite run of make "
    "test and of CI runs these",
)


def cli(path: Path, *args: str, passphrase: str | None = None) -> subprocess.CompletedProcess:
    """``python -m workbench --db PATH ARGS...`` in a fresh process, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    if passphrase is not None:
        env["WORKBENCH_STORE_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(path), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def imported(path: Path, *args: str) -> set[str]:
    """The modules a command imports (``-X importtime``)."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workbench", "--db", str(path), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}


def same_as_usual(store: Store, path: Path, inspection_id: str) -> None:
    """The command's JSON and text, from a fresh process, are the summary of the store opened
    the usual way (SQLAlchemy), byte for byte; and the command did not load SQLAlchemy."""
    usual = summarise(store, inspection_id)
    done = cli(path, "summary", "--json", "--inspection", inspection_id)
    assert done.returncode == 0, done.stderr
    assert done.stdout == json.dumps(usual, indent=2, ensure_ascii=False) + "\n"
    text = cli(path, "summary", "--inspection", inspection_id[:8])
    assert text.stdout == "\n".join(render(usual)) + "\n"
    modules = imported(path, "summary", "--json", "--inspection", inspection_id)
    assert "workbench.services.summary" in modules
    assert not {"sqlalchemy", "db.models", "db.engine", "alembic"} & modules


@pytest.mark.slow  # fresh processes on real stores
def test_the_demo_summarised_quickly_is_the_usual_summary(store: Store, store_path: Path) -> None:
    demo = create_demo(store)  # dual grading, moderation, referrals, the force's own grades
    same_as_usual(store, store_path, demo)


@pytest.mark.slow  # fresh processes on real stores
def test_a_store_of_two_inspections_counts_each_its_own(store: Store, store_path: Path) -> None:
    first = create_demo(store)
    second = create_inspection(
        store, force="Testshire Police", title="Second", start=date(2026, 1, 5),
        end=date(2026, 1, 30),
    ).id  # fmt: skip
    fill_graded_cases(store, second, 300)
    same_as_usual(store, store_path, first)
    same_as_usual(store, store_path, second)
    assert summarise(store, second)["graded"] == 300


@pytest.mark.slow  # fresh processes on real stores
def test_graded_cases_counted_from_their_answers_text(store: Store, store_path: Path) -> None:
    inspection = create_inspection(
        store, force="Testshire Police", title="Generated", start=date(2026, 1, 5),
        end=date(2026, 1, 30),
    ).id  # fmt: skip
    fill_graded_cases(store, inspection, 2000)
    with closing(connect_file(store_path)) as conn:  # two texts not in the plain form
        ids = [row[0] for row in conn.execute("SELECT id FROM assessment LIMIT 2")]
        conn.execute(
            "UPDATE assessment SET answers = ? WHERE id = ?",
            ('{"ah.risk_factors": "yes", "ah.strategy_discussion":"no"}', ids[0]),
        )
        conn.execute("UPDATE assessment SET answers = '{}' WHERE id = ?", (ids[1],))
        conn.commit()
    same_as_usual(store, store_path, inspection)
    summary = summarise(store, inspection)
    assert summary["by_prompt"]["ah.risk_factors"]["all"]["cases"] > 0


def test_answer_tallies_are_those_of_the_parsed_answers() -> None:
    graded = [("c1", "cse", "good"), ("c2", "cse", "good"), ("c3", "s47", "inadequate"),
              ("c4", "s47", "good"), ("c5", "cse", "unresolved")]  # fmt: skip
    columns = {
        "case_id": ["c1", "c2", "c3", "c4", "c4", "c5", "c5"],
        "overall_grade": ["good", "good", "inadequate", "good", "good", "good", "inadequate"],
        "answers": [
            '{"a.one":"yes","a.two":"no"}',
            '{"a.one":"yes","a.two":"partly, mostly"}',  # a comma inside: parsed
            '{"a.one":null,"b.x":"no"}',
            '{"a.one":"yes"}',
            '{"a.one":"no","a.two":"yes"}',
            '{"a.one":"yes"}',
            '{"a.one":"yes","a.two":"no"}',
        ],
    }
    answers = counted_answers(columns, {})
    where = {case_id: (category, outcome) for case_id, category, outcome in graded}
    expected = Counter(
        (*where[case_id], item, answer)
        for case_id, items in answers.items()
        for item, answer in items.items()
    )
    given, groups = tallies(graded, columns, {})
    assert given == expected
    assert given["cse", "good", "a.two", "partly, mostly"] == 1
    assert given["s47", "inadequate", "a.one", None] == 1
    assert given["s47", "good", "a.one", "differed"] == 1
    assert groups == Counter({("cse", "good"): 2, ("s47", "inadequate"): 1,
                              ("s47", "good"): 1, ("cse", "unresolved"): 1})  # fmt: skip


def _parsed_tallies(graded: list, columns: dict, moderated: dict) -> Counter:
    """The tallies by definition: every case's counted answers, parsed (``counted_answers``)."""
    where = {case_id: (category, outcome) for case_id, category, outcome in graded}
    return Counter(
        (*where[case_id], item, answer)
        for case_id, items in counted_answers(columns, moderated).items()
        if case_id in where
        for item, answer in items.items()
    )


def test_braces_and_commas_inside_answers_are_counted_as_parsed() -> None:
    graded = [(f"c{i}", "cse", "good") for i in range(8)]
    texts = [
        '{"a.one":"yes"}',  # one pair: the text's "{" and "}" round it
        '{"a.one":"}{","a.two":"no"}',  # a "}{" inside an answer
        '{"a.one":"{yes}","a.two":"no}"}',  # braces inside answers
        '{"{a.one":"yes","a.two}":null}',  # braces inside items
        '{"a.one":"no","a.two":"yes"}',
        "{}",
        '{"a.one":"yes","a.two":"partly"}',
        '{"a.one":"yes"}',
    ]
    columns = {"case_id": [c for c, _g, _o in graded], "overall_grade": ["good"] * 8,
               "answers": texts}  # fmt: skip
    given, _groups = tallies(graded, columns, {})
    assert given == _parsed_tallies(graded, columns, {})
    assert given["cse", "good", "a.one", "}{"] == 1
    assert given["cse", "good", "a.one", "{yes}"] == 1
    assert given["cse", "good", "a.two}", None] == 1
    for plain in ([0, 4, 6, 7], [0], [4, 6]):  # the plain texts alone: split, not parsed
        some = {k: [v[i] for i in plain] for k, v in columns.items()}
        cases = [graded[i] for i in plain]
        assert tallies(cases, some, {})[0] == _parsed_tallies(cases, some, {})


def test_a_real_store_tallies_as_its_parsed_answers(store: Store, store_path: Path) -> None:
    """The demo (dual grading, moderated grades, unresolved cases, cases not graded) and
    generated cases graded once, some texts not in the plain form: the answers split from
    the texts count as the texts parsed, case by case."""
    from workbench.services.moderation import moderate, moderation_cases
    from workbench.services.summary_data import load, per_case

    demo = create_demo(store)
    fill_graded_cases(store, demo, 500)
    with closing(connect_file(store_path)) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM assessment LIMIT 3 OFFSET 100")]
        for text, assessment in zip(
            ['{"ah.risk_factors": "yes"}', '{"ah.risk_factors":"yes, mostly"}', "{}"],
            ids,
            strict=True,
        ):
            conn.execute("UPDATE assessment SET answers = ? WHERE id = ?", (text, assessment))
        conn.execute(  # a second inspector grading a generated case otherwise: unresolved
            "INSERT INTO assessment SELECT 'second-' || id, case_id, 'Sam Second', status, "
            "CASE overall_grade WHEN 'good' THEN 'inadequate' ELSE 'good' END, rationale, "
            "methodology_id, methodology_version, revision, created_at, updated_at, "
            'graded_at, \'{"ah.risk_factors":"no"}\', pack_digest FROM assessment '
            "WHERE id = ?",
            (ids[0],),
        )
        conn.commit()
    waiting = [c for c in moderation_cases(store, demo) if c.moderation is None]
    moderate(store, demo, waiting[0].reference, "good", "Agreed at the meeting.")
    data = load(store, demo)
    records = per_case(data)
    assert {r.outcome for r in records} >= {"unresolved", None}  # and cases not graded
    assert data.moderations
    graded = [(r.case_id, r.category, r.outcome) for r in records if r.graded]
    rows = data.graded_assessments()
    columns = {"case_id": [a[0] for a in rows], "overall_grade": [a[3] for a in rows],
               "answers": [a[4] for a in rows]}  # fmt: skip
    given, groups = tallies(graded, columns, data.moderations)
    assert given == _parsed_tallies(graded, columns, data.moderations)
    assert sum(groups.values()) == len(graded) > 500


def test_a_wrong_passphrase_is_refused_as_before(store: Store, store_path: Path) -> None:
    demo = create_demo(store)
    before = store_path.read_bytes()
    done = cli(store_path, "summary", "--inspection", demo, passphrase="not the passphrase at all")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"workbench: The store passphrase does not open {store_path}")
    assert store_path.read_bytes() == before


def test_an_unknown_inspection_is_named(store: Store, store_path: Path) -> None:
    create_demo(store)
    done = cli(store_path, "summary", "--inspection", "ffffffff")
    assert (done.returncode, done.stdout) == (1, "")
    assert "No inspection with id 'ffffffff' in this store." in done.stderr


def test_stores_the_quick_reader_leaves_to_the_usual_opening(
    store: Store, store_path: Path, tmp_path: Path
) -> None:
    demo = create_demo(store)
    with quick_reader(store_path) as quick:
        assert quick.fetch is not None
        assert summarise_rows(quick.fetch, demo) == summarise(store, demo)
    with quick_reader("postgresql://nobody@localhost/none") as quick:  # a server
        assert (quick.fetch, quick.passphrase) == (None, None)
    with quick_reader(tmp_path / "none.sqlite") as quick:  # not there yet
        assert quick.fetch is None
    passphrase = os.environ["WORKBENCH_STORE_PASSPHRASE"]
    os.environ["WORKBENCH_STORE_PASSPHRASE"] = "not the passphrase at all"
    try:
        with quick_reader(store_path) as quick:  # wrong: the usual opening says so
            assert quick.fetch is None
    finally:
        os.environ["WORKBENCH_STORE_PASSPHRASE"] = passphrase
    with closing(connect_file(store_path)) as conn:  # a store to update to this version
        conn.execute("UPDATE alembic_version SET version_num = ?", (known_revisions()[-2],))
        conn.commit()
    with quick_reader(store_path) as quick:
        assert quick.fetch is None and quick.passphrase == passphrase
    with closing(connect_file(store_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (head_revision(),))
        conn.commit()


def test_the_store_key_is_derived_while_the_caller_imports(
    store: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = create_demo(store)
    key = cipher.store_key(os.environ["WORKBENCH_STORE_PASSPHRASE"])
    salt = cipher.read_salt(store_path)
    assert salt is not None
    key._derived.pop(salt, None)  # not derived yet, as in a fresh process
    derived = threading.Event()
    raw = key.raw

    def derive(of: bytes) -> bytes:
        try:
            return raw(of)
        finally:
            derived.set()

    monkeypatch.setattr(key, "raw", derive)
    seen: list[object] = []

    def meanwhile() -> None:  # the command's imports: the key is derived beside them
        seen.append(threading.current_thread() is threading.main_thread())
        seen.append(derived.wait(timeout=20) and salt in key._derived)

    with quick_reader(store_path, meanwhile) as quick:
        assert seen == [True, True]
        assert quick.fetch is not None
        assert summarise_rows(quick.fetch, demo) == summarise(store, demo)
    calls: list[int] = []
    with quick_reader("postgresql://nobody@localhost/none", lambda: calls.append(1)) as quick:
        assert quick.fetch is None and calls == [1]  # run all the same: imports are needed


def test_a_plaintext_store_is_encrypted_by_the_usual_opening(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    from db.engine import open_store

    plain = open_store(path, plaintext=True)
    plain.close()
    assert cipher.is_plaintext(path)
    with quick_reader(path) as quick:
        assert quick.fetch is None
    done = cli(path, "summary", "--inspection", "ffffffff")
    assert done.returncode == 1 and "No inspection with id 'ffffffff'" in done.stderr
    assert not cipher.is_plaintext(path)  # as any command does on a plaintext store
    open_workbench_store(path).close()
