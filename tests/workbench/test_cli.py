"""The headless command line, run as a user runs it: ``python -m workbench --db PATH ...`` in a
real subprocess. Each test checks the exit code, what is printed and what lands in the store;
refused input must leave the store exactly as it was."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_helpers import connect_file, write_file

from db.engine import Store
from db.models import Assessment, AuditEvent, Case, Inspection, Referral, StoreIdentity
from ui.main import main as console_main
from ui.main import wants_window
from workbench.methodology import available_methodologies, load_methodology
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection
from workbench.services.summary import headline

pytestmark = pytest.mark.slow

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SAMPLE = "\n".join(
    [
        "reference,category,unit,opened_on,force_grade,assigned_to",
        "NS/2026/0001,section_47,North borough,03/09/2026,Good,Alex Inspector",
        "NS/2026/0002,Missing and absent children,South borough,2026-09-14,requires improvement,",
        "NS/2026/0003,cse,North borough,21/09/2026,,Sam Inspector",
        "",
    ]
)
STAGES = ["initial_contact", "assessment_and_help", "investigation", "decision_making"]
STAGES += ["trusted_adult"]
GRADES = "\n".join(
    [
        ",".join(["case_ref,overall_grade,rationale", *(f"stage:{s}" for s in STAGES)])
        + ",referred,referral_summary",
        "NS/2026/0001,Good,Child seen and spoken to.,good,good,good,good,good,no,",
        "NS/2026/0002,Requires improvement,No return interview.,good,good,requires improvement,"
        "requires_improvement,good,yes,Repeat missing episodes; exploitation risk not assessed.",
        "NS/2026/0003,inadequate,Delay in safeguarding.,,,,,,no,",
        "",
    ]
)


def cli(db: Path | str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m workbench --db DB ARGS...`` in a subprocess, as a user would type it."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    env["WORKBENCH_PASSPHRASE"] = "correct horse battery staple"
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def snapshot(path: Path) -> list[str]:
    """Every row of every table, as SQL: equal snapshots mean an unchanged store."""
    with closing(connect_file(path)) as conn:
        query = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        tables = [row[0] for row in conn.execute(query)]
        return [
            f"{table}: {row!r}"
            for table in tables
            for row in sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr)
        ]


def new_inspection(store: Store) -> Inspection:
    return create_inspection(
        store,
        force="Northshire Police",
        title="Child protection inspection of Northshire Police",
        start=date(2026, 11, 2),
        end=date(2026, 11, 29),
    )


def test_identity_and_methodology(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"

    shown = cli(path, "identity", "show")
    assert shown.returncode == 0, shown.stderr
    assert "Name:     (not set: run workbench identity set --name" in shown.stdout
    assert f"Store:    {path}" in shown.stdout

    refused = cli(path, "demo")
    assert refused.returncode == 1
    assert "identity set --name" in refused.stderr
    assert refused.stdout == ""

    named = cli(path, "identity", "set", "--name", "  Alex Inspector ")
    assert (named.returncode, named.stdout) == (0, "Name set to Alex Inspector.\n")

    by_url = cli(f"sqlite:///{path}", "identity", "show")
    with closing(connect_file(path)) as conn:
        store_id, name = conn.execute("SELECT id, user_name FROM store_identity").fetchone()
        inspections = conn.execute("SELECT count(*) FROM inspection").fetchone()[0]
    assert name == "Alex Inspector"
    assert inspections == 0  # the refused demo wrote nothing
    assert by_url.stdout.splitlines() == [
        "Name:     Alex Inspector",
        f"Store id: {store_id}",
        f"Store:    {path}",
    ]

    listed = cli(path, "methodology", "list")
    assert listed.returncode == 0
    for method in available_methodologies():
        assert re.search(
            rf"^{method.id}\s+{re.escape(method.version)}\s+{re.escape(method.name)}$",
            listed.stdout,
            re.M,
        )

    method = load_methodology()
    as_json = cli(path, "methodology", "show", "--json")
    assert json.loads(as_json.stdout) == method.to_dict()

    as_text = cli(path, "methodology", "show", method.id)
    assert as_text.returncode == 0
    for item in (*method.stages, *method.categories):
        assert re.search(rf"^\s+{item.id}\s+{re.escape(item.name)}\b", as_text.stdout, re.M)

    old = cli(path, "methodology", "show", "--version", "1.0")
    assert old.stdout.startswith("Child protection (NCPI) case audit: ncpi-child-protection "
                                 "version 1.0\n")  # fmt: skip
    assert re.search(r"^\s+police_detention\s+Police detention\s+7\s+4$", as_text.stdout, re.M)

    unknown = cli(path, "methodology", "show", "no-such-method")
    assert unknown.returncode == 1
    assert "No methodology 'no-such-method'" in unknown.stderr
    assert method.id in unknown.stderr


def test_from_inspection_to_summary(store: Store, store_path: Path, tmp_path: Path) -> None:
    created = cli(
        store_path, "inspection", "create", "--force", "Northshire Police", "--title",
        "Child protection inspection of Northshire Police", "--start", "2026-11-02",
        "--end", "29/11/2026",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    first = created.stdout.strip()
    assert UUID.match(first) and created.stdout == first + "\n"  # the id alone, for scripts
    second = cli(
        store_path, "inspection", "create", "--force", "Southshire Police", "--title", "Follow-up",
        "--start", "01/12/2026", "--end", "2026-12-11", "--marking", "OFFICIAL",
        "--methodology", "ncpi-child-protection",
    ).stdout.strip()  # fmt: skip
    with store.sessions() as session:
        row = session.get(Inspection, first)
        assert (row.force, row.start_date, row.end_date) == (
            "Northshire Police",
            date(2026, 11, 2),
            date(2026, 11, 29),
        )
        assert (row.marking, row.methodology_id, row.created_by) == (
            "OFFICIAL-SENSITIVE",
            "ncpi-child-protection",
            "Alex Inspector",
        )
        assert session.get(Inspection, second).marking == "OFFICIAL"

    listed = cli(store_path, "inspection", "list").stdout
    assert re.search(rf"^{first[:8]}\s+Child protection .*02/11/2026 to 29/11/2026\s+0\s+0$",
                     listed, re.M)  # fmt: skip
    assert re.search(rf"^{second[:8]}\s+Follow-up\s+Southshire Police\s+01/12/2026", listed, re.M)
    as_json = json.loads(cli(store_path, "inspection", "list", "--json").stdout)
    assert [(i["id"], i["start_date"], i["cases"]) for i in as_json] == [
        (first, "2026-11-02", 0),
        (second, "2026-12-01", 0),
    ]

    sample = write_file(tmp_path, "sample.csv", SAMPLE)
    imported = cli(store_path, "cases", "import", "--inspection", first[:8], str(sample))
    assert imported.returncode == 0, imported.stderr
    assert (
        imported.stdout
        == "Imported 3 cases into Child protection inspection of Northshire Police.\n"
    )
    with store.sessions() as session:
        cases = session.execute(
            select(Case.reference, Case.category, Case.opened_on, Case.force_grade)
            .where(Case.inspection_id == first)
            .order_by(Case.reference)
        ).all()
    assert cases == [
        ("NS/2026/0001", "section_47", date(2026, 9, 3), "good"),
        ("NS/2026/0002", "missing_children", date(2026, 9, 14), "requires_improvement"),
        ("NS/2026/0003", "cse", date(2026, 9, 21), None),
    ]

    grades = write_file(tmp_path, "grades.csv", GRADES)
    graded = cli(
        store_path, "grades", "import", "--inspection", first, "--inspector", "Jo Marsh",
        str(grades),
    )  # fmt: skip
    assert graded.returncode == 0, graded.stderr
    lines = graded.stdout.splitlines()
    assert lines[0] == (
        "Imported Jo Marsh's grades for 3 cases into Child protection inspection of Northshire "
        "Police: 2 graded, 1 still in progress."
    )
    assert lines[1:3] == ["1 referral raised.", "Warnings:"]
    assert "line 4, case 'NS/2026/0003' stays in progress" in lines[3]
    with store.sessions() as session:
        statuses = dict(
            session.execute(
                select(Case.reference, Assessment.status)
                .join(Assessment)
                .where(Assessment.inspector == "Jo Marsh")
            ).all()
        )
        referred = session.scalars(select(Case.reference).join(Referral)).all()
    assert statuses == {
        "NS/2026/0001": "graded",
        "NS/2026/0002": "graded",
        "NS/2026/0003": "in_progress",
    }
    assert referred == ["NS/2026/0002"]

    summary = json.loads(cli(store_path, "summary", "--inspection", first[:6], "--json").stdout)
    assert (summary["cases"], summary["graded"], summary["in_progress"]) == (3, 2, 1)
    assert {k: summary["overall"][k] for k in ("good", "requires_improvement", "inadequate")} == {
        "good": 1,
        "requires_improvement": 1,
        "inadequate": 0,
    }
    assert summary["by_category"]["missing_children"]["requires_improvement"] == 1
    assert summary["by_category"]["cse"] | {"name": ""} == {
        "name": "", "cases": 1, "graded": 0, "good": 0, "requires_improvement": 0,
        "inadequate": 0, "unresolved": 0,
    }  # fmt: skip
    assert summary["by_stage"]["investigation"]["requires_improvement"] == 1
    assert summary["by_stage"]["managing_risk"]["good"] == 0  # applies to neither graded case
    assert {k: summary["referrals"][k] for k in ("total", "open", "closed")} == {
        "total": 1,
        "open": 1,
        "closed": 0,
    }
    assert summary["force_vs_inspector"]["good"]["good"] == 1
    assert summary["force_vs_inspector"]["requires_improvement"]["requires_improvement"] == 1

    text = cli(store_path, "summary", "--inspection", first).stdout.splitlines()
    assert text[0] == text[-1] == "OFFICIAL-SENSITIVE  INTERIM: 2 of 3 cases graded"
    assert text[1] == (
        "Child protection inspection of Northshire Police: Northshire Police, "
        "fieldwork 02/11/2026 to 29/11/2026"
    )
    assert text[3 : 3 + len(headline(summary))] == headline(summary)
    assert re.search(r"^Missing and absent children\s+1\s+1\s+0\s+1\s+0\s+0$", "\n".join(text),
                     re.M)  # fmt: skip

    verified = cli(store_path, "audit", "verify")
    with store.sessions() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    assert events > 10
    assert verified.returncode == 0
    assert verified.stdout.splitlines()[0] == f"Audit trail intact: {events} events from 1 store."
    assert verified.stdout.splitlines()[1].startswith("Every audited value of ")


def test_refused_input_leaves_the_store_as_it_was(
    store: Store, store_path: Path, tmp_path: Path
) -> None:
    inspection = new_inspection(store)
    import_cases(store, inspection.id, write_file(tmp_path, "sample.csv", SAMPLE))
    before = snapshot(store_path)
    key = inspection.id[:8]
    unknown_category = write_file(
        tmp_path, "categories.csv", "reference,category\nA-1,section_47\nA-2,burglary\nA-3,\n"
    )
    bad_grade = write_file(
        tmp_path, "grades.csv", "case_ref,overall_grade\nNS/2026/0001,outstanding\n"
    )
    malformed = write_file(
        tmp_path, "malformed.csv", "reference,category\nA-1,cse\nA-2,cse,extra\n"
    )
    method = load_methodology()

    missing = cli(store_path, "cases", "import", "--inspection", key, str(tmp_path / "nope.csv"))
    assert missing.returncode == 1
    assert f"There is no file '{tmp_path / 'nope.csv'}'" in missing.stderr

    broken = cli(store_path, "cases", "import", "--inspection", key, str(malformed))
    assert broken.returncode == 1
    assert "'malformed.csv' is not a well-formed CSV file: line 3 has 3 cells" in broken.stderr

    categories = cli(store_path, "cases", "import", "--inspection", key, str(unknown_category))
    assert categories.returncode == 1
    assert "2 rows of categories.csv cannot be imported; nothing was imported." in categories.stderr
    assert "line 3, column 'category': 'burglary' is not a category" in categories.stderr
    assert "line 4, column 'category': the category is empty" in categories.stderr
    assert ", ".join(method.category_ids) in categories.stderr

    grade = cli(
        store_path, "grades", "import", "--inspection", key, "--inspector", "Jo", str(bad_grade)
    )
    assert grade.returncode == 1
    assert "line 2, column 'overall_grade': 'outstanding' is not a grade" in grade.stderr

    nowhere = cli(store_path, "summary", "--inspection", "ffffffff")
    assert nowhere.returncode == 1
    assert "No inspection with id 'ffffffff' in this store." in nowhere.stderr

    def create(start: str, end: str) -> subprocess.CompletedProcess:
        return cli(
            store_path, "inspection", "create", "--force", "F", "--title", "T",
            "--start", start, "--end", end,
        )  # fmt: skip

    backwards = create("29/11/2026", "2026-11-02")
    assert backwards.returncode == 1
    assert "ends (02/11/2026) before it starts (29/11/2026)" in backwards.stderr

    bad_date = create("31/02/2026", "2026-11-02")
    assert bad_date.returncode == 2
    assert "argument --start: The date '31/02/2026' is not a date" in bad_date.stderr

    usage = cli(store_path, "cases", "import", str(unknown_category))
    assert usage.returncode == 2
    assert "usage: workbench cases import" in usage.stderr
    assert "the following arguments are required: --inspection" in usage.stderr

    for refused in (missing, broken, categories, grade, nowhere, backwards, bad_date, usage):
        assert refused.stdout == ""
        assert "Traceback" not in refused.stderr
    assert snapshot(store_path) == before


def test_a_store_from_a_newer_version_is_refused(store: Store, store_path: Path) -> None:
    store.close()
    with closing(connect_file(store_path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = store_path.read_bytes()

    refused = cli(store_path, "inspection", "list")

    assert refused.returncode == 1
    assert "written by a newer version of the Inspector's Workbench" in refused.stderr
    assert store_path.read_bytes() == before


def test_audit_verify_names_an_edited_event(store: Store, store_path: Path) -> None:
    inspection = new_inspection(store)
    with store.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == inspection.id)
        ).one()
        seq, event_id = event.seq, event.id
    with closing(connect_file(store_path)) as conn, conn:
        conn.execute(
            'UPDATE audit_event SET new_value = \'{"title": "Something else"}\' WHERE id = ?',
            (event_id,),
        )

    result = cli(store_path, "audit", "verify")

    assert result.returncode == 1
    assert result.stdout == ""
    assert f"audit event #{seq} ({event_id})" in result.stderr
    assert "by Alex Inspector: create inspection" in result.stderr
    assert "its content does not match its hash (edited after it was written)" in result.stderr


def test_demo_through_the_workbench_console_script(store: Store, store_path: Path) -> None:
    made = cli(store_path, "demo")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    demo_id = lines[0]
    assert UUID.match(demo_id)
    assert "fictional" in lines[1]
    with store.sessions() as session:
        demo = session.get(Inspection, demo_id)
        categories = session.scalars(
            select(func.count(func.distinct(Case.category))).where(Case.inspection_id == demo_id)
        ).one()
        cases = session.scalar(select(func.count()).where(Case.inspection_id == demo_id))
        graded = session.scalar(
            select(func.count(func.distinct(Assessment.case_id)))
            .join(Case)
            .where(Case.inspection_id == demo_id, Assessment.status == "graded")
        )
        referrals = session.scalar(select(func.count()).select_from(Referral))
    assert demo.fictional and "fictional" in demo.force.lower()
    assert 50 <= cases <= 70 and categories == len(load_methodology().categories)
    assert 0 < graded < cases
    assert referrals >= 2

    # The installed ``workbench`` entry point (ui.main:main) runs the CLI without Qt.
    script = Path(sys.executable).with_name("workbench")
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    summary = subprocess.run(
        [str(script), "--db", str(store_path), "summary", "--inspection", demo_id[:8]],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert summary.returncode == 0
    assert "These findings are from fictional demonstration data." in summary.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in summary.stderr.splitlines()]
    assert "workbench.services.summary" in imported  # the import log really is there
    assert not [name for name in imported if name.split(".")[0] in {"PySide6", "shiboken6"}]
    # The summary counts in plain Python: the libraries of the reports are not loaded for it.
    heavy = {"pandas", "reportlab", "openpyxl"}
    assert not [name for name in imported if name.split(".")[0] in heavy]


def test_help_never_imports_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workbench", "--help"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0
    for command in ("demo", "identity", "methodology", "inspection", "cases", "grades",
                    "summary", "audit"):  # fmt: skip
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M)
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "workbench.cli" in imported
    assert not [name for name in imported if name.split(".")[0] in {"PySide6", "shiboken6"}]


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["--db", "team.sqlite"], True),
        (["--db=team.sqlite", "--self-test"], True),
        (["summary", "--inspection", "3f2a"], False),
        (["--db", "team.sqlite", "audit", "verify"], False),
        (["--help"], False),
        (["--db"], False),  # incomplete: let argparse say so rather than open a window
    ],
)
def test_the_console_script_opens_the_window_only_without_a_command(
    argv: list[str], window: bool
) -> None:
    assert wants_window(argv) is window


def test_the_console_script_runs_a_command_in_process(
    store: Store, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert console_main(["--db", str(store_path), "identity", "show"]) == 0
    with store.sessions() as session:
        store_id = session.scalars(select(StoreIdentity.id)).one()
    assert f"Store id: {store_id}" in capsys.readouterr().out
