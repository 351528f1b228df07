"""The kit code is asked for, or read from WORKBENCH_KIT_CODE or a file; on the command line
(where ``ps`` shows it to other users) it still works, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from packs_helpers import ANN, PASSPHRASE, make_lead

from workbench.cli import main
from workbench.packs import export_kit


@pytest.fixture
def kit(tmp_path: Path):
    team = make_lead(tmp_path / "lead")
    made = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    team.lead.close()
    return made


def test_a_kit_code_from_a_file_opens_the_kit_without_a_warning(capsys, kit, tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_KIT_CODE", raising=False)
    code_file = tmp_path / "code.txt"
    code_file.write_text(kit.code + "\n")
    store = tmp_path / "ann.sqlite"
    assert main(["--db", str(store), "kit", "import", str(kit.path), "--code-file",
                 str(code_file)]) == 0  # fmt: skip
    assert "warning" not in capsys.readouterr().err


def test_a_kit_code_on_the_command_line_works_and_warns(capsys, kit, tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_KIT_CODE", raising=False)
    store = tmp_path / "ann.sqlite"
    assert main(["--db", str(store), "kit", "import", str(kit.path), "--code", kit.code]) == 0
    err = capsys.readouterr().err
    assert "warning: a kit code given with --code can be seen by other users" in err


def test_without_a_terminal_or_a_code_the_kit_is_refused_in_words(capsys, kit, tmp_path,
                                                                  monkeypatch):  # fmt: skip
    monkeypatch.delenv("WORKBENCH_KIT_CODE", raising=False)
    monkeypatch.setattr("sys.stdin", None)
    assert main(["--db", str(tmp_path / "ann.sqlite"), "kit", "import", str(kit.path)]) == 1
    assert "run on a terminal to be asked for it" in capsys.readouterr().err
