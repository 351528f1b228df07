"""A whole inspection through the command line, each step a real subprocess as people run it:
the lead sets up and issues kits, two inspectors grade in their own stores (one case both,
differently; one referral), send packs back, the lead merges, moderates and reads the
summary, which says exactly what was done."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packs_helpers import FIELDWORK

pytestmark = pytest.mark.slow

PASSPHRASE = "a lead inspector's long passphrase"
ANN, BOB = "Ann Able", "Bob Baker"
STAGES = ["initial_contact", "assessment_and_help", "investigation", "decision_making"]
STAGES += ["trusted_adult"]
CASES = "\n".join(
    [
        "reference,category,unit,child_ref,assigned_to",
        f"NS/26/0101,section_47,North borough,CH-0101,{ANN}",
        f"NS/26/0102,section_47,North borough,CH-0102,{ANN}",
        f"NS/26/0103,section_47,South borough,CH-0103,{BOB}",
        f"NS/26/0104,section_47,South borough,CH-0104,{BOB}",
        "",
    ]
)
HEADER = ",".join(["case_ref,overall_grade,rationale", *(f"stage:{s}" for s in STAGES)])
HEADER += ",referred,referral_summary,referral_urgency"


def grades(*rows: tuple[str, str, str, str]) -> str:
    """Rows of (case, grade, rationale, referral summary or '')."""
    lines = [HEADER]
    for case, grade, rationale, referral in rows:
        referred = f"yes,{referral},immediate" if referral else "no,,"
        lines.append(",".join([case, grade, rationale, *([grade] * len(STAGES)), referred]))
    return "\n".join([*lines, ""])


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WORKBENCH_") or k == "WORKBENCH_STORE_PASSPHRASE"
    }
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
    )
    return result


def ok(db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = cli(db, *args, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def test_an_inspection_from_kits_to_moderated_summary(tmp_path: Path) -> None:
    lead, ann, bob = (tmp_path / f"{n}.sqlite" for n in ("lead", "ann", "bob"))
    secret = {"WORKBENCH_PASSPHRASE": PASSPHRASE}
    (tmp_path / "cases.csv").write_text(CASES)

    # The lead sets up the inspection: its key pair, the case sample, two kits.
    ok(lead, "identity", "set", "--name", "Lee Lead")
    create = ("inspection", "create", "--force", "Northshire Police", "--title", "NCPI 2026",
              "--start", str(FIELDWORK[0]), "--end", str(FIELDWORK[1]))  # fmt: skip
    refused = cli(lead, *create)  # creating an inspection makes its keys: needs the passphrase
    assert refused.returncode == 1 and "WORKBENCH_PASSPHRASE" in refused.stderr
    assert "NCPI 2026" not in cli(lead, "inspection", "list").stdout
    inspection = ok(lead, *create, env=secret).strip()
    assert "(private key held here)" in ok(lead, "keys", "show", "--inspection", inspection)
    ok(lead, "cases", "import", "--inspection", inspection, str(tmp_path / "cases.csv"))
    codes = {}
    for name, extra in ((ANN, []), (BOB, ["--all-cases"])):
        out = ok(
            lead, "kit", "export", "--inspection", inspection, "--inspector", name,
            "--out", str(tmp_path / f"{name[:3]}.wbkit"), *extra, env=secret,
        )  # fmt: skip
        codes[name] = re.search(r"Kit code: (\S+)", out).group(1)

    # Each inspector opens their kit in their own store (the code by option or environment).
    out = ok(ann, "kit", "import", str(tmp_path / "Ann.wbkit"), "--code", codes[ANN])
    assert "2 cases added" in out and "now Ann Able" in out
    out = ok(
        bob, "kit", "import", str(tmp_path / "Bob.wbkit"), env={"WORKBENCH_KIT_CODE": codes[BOB]}
    )
    assert "4 cases added" in out

    # They grade: both grade NS/26/0101, differently; Ann refers NS/26/0102.
    (tmp_path / "ann.csv").write_text(
        grades(
            ("NS/26/0101", "good", "Prompt strategy discussion.", ""),
            ("NS/26/0102", "inadequate", "No safety plan.", "Sibling remains at home with him."),
        )
    )
    (tmp_path / "bob.csv").write_text(
        grades(
            ("NS/26/0101", "inadequate", "Child not seen alone.", ""),
            ("NS/26/0103", "good", "Thorough and timely.", ""),
            ("NS/26/0104", "requires_improvement", "Late review.", ""),
        )
    )
    for db, name, sheet in ((ann, ANN, "ann.csv"), (bob, BOB, "bob.csv")):
        ok(db, "grades", "import", "--inspection", inspection[:8], "--inspector", name,
           str(tmp_path / sheet))  # fmt: skip
        out = ok(
            db,
            "pack",
            "export",
            "--inspection",
            inspection,
            "--out",
            str(tmp_path / f"{name[:3]}.wbpack"),
        )
        assert "Pack written" in out

    # The packs reveal nothing to someone who opens them.
    for name in (ANN, BOB):
        raw = (tmp_path / f"{name[:3]}.wbpack").read_bytes()
        for secret_text in ("NS/26/01", "CH-01", "Ann", "Bob", "Sibling", "Child not seen"):
            assert secret_text.encode() not in raw

    # The lead merges both packs; again, nothing changes.
    packs = [str(tmp_path / "Ann.wbpack"), str(tmp_path / "Bob.wbpack")]
    out = ok(lead, "pack", "import", *packs, env=secret)
    assert re.search(r"Ann\.wbpack: from Ann Able \(key [0-9A-F ]{39}\): 3 added, 0 changed", out)
    assert "Bob.wbpack: from Bob Baker" in out and "3 added, 0 changed" in out
    assert out.count("now registered") == 2
    again = json.loads(ok(lead, "pack", "import", *packs, "--json", env=secret))
    assert [(e["added"], e["changed"]) for e in again] == [(0, 0), (0, 0)]
    wrong = cli(lead, "pack", "import", packs[0], env={"WORKBENCH_PASSPHRASE": "wrong" * 4})
    assert wrong.returncode == 1 and "passphrase is wrong" in wrong.stderr
    log = json.loads(ok(lead, "imports", "list", "--inspection", inspection, "--json"))
    packs_log = [(e["inspector"], e["added"], e["changed"]) for e in log if e["kind"] == "pack"]
    assert packs_log == [(BOB, 0, 0), (ANN, 0, 0), (BOB, 3, 0), (ANN, 3, 0)]  # newest first

    # Moderation: the one case graded differently, side by side; the lead settles it.
    listed = json.loads(ok(lead, "moderation", "list", "--inspection", inspection, "--json"))
    assert [c["reference"] for c in listed] == ["NS/26/0101"]
    stage = listed[0]["stages"][0]
    assert stage["grades"] == {ANN: "good", BOB: "inadequate"} and stage["differs"]
    text = ok(lead, "moderation", "list", "--inspection", inspection)
    assert "NS/26/0101" in text and "awaiting moderation" in text
    summary = json.loads(ok(lead, "summary", "--inspection", inspection, "--json"))
    assert summary["overall"]["unresolved"] == 1
    ok(lead, "moderate", "--inspection", inspection, "--case", "NS/26/0101",
       "--grade", "requires improvement", "--reason", "Seen at home but not alone.")  # fmt: skip

    summary = json.loads(ok(lead, "summary", "--inspection", inspection, "--json"))
    assert (summary["cases"], summary["graded"]) == (4, 4)
    overall = summary["overall"]
    assert (overall["good"], overall["requires_improvement"], overall["inadequate"]) == (1, 2, 1)
    assert overall["unresolved"] == 0
    assert summary["referrals"]["total"] == summary["referrals"]["open"] == 1
    assert summary["referrals"]["cases_referred"] == 1
    moderation = summary["moderation"]
    assert (moderation["dual_graded"], moderation["agreed"], moderation["disagreed"]) == (1, 0, 1)
    assert moderation["moderated"] == 1 and moderation["percent_agreement"] == 0
    assert "intact" in ok(lead, "audit", "verify")
    keys = ok(lead, "keys", "show", "--inspection", inspection)
    assert ANN in keys and BOB in keys and "private key held here" in keys
