"""The drafts journal: text is in the store moments after it is typed, and text typed before
the workbench stopped unsaved is put back, saved and announced when the case next opens."""

from __future__ import annotations

from pathlib import Path

import backends
import shiboken6
from PySide6.QtGui import QUndoStack
from test_grading_panel import METHOD, USER, audit_fields, make_cases

from db.engine import Store
from ui.grading_panel import GradingPanel
from ui.main_window import MainWindow
from workbench.services import drafts, grading

TYPED = "Strategy discussion held late; no record of the child's views"


def open_panel(qtbot, store: Store, *, crashes: bool = False) -> GradingPanel:
    stack = QUndoStack()
    widget = GradingPanel(store, USER, stack)
    widget._test_stack = stack
    widget.set_methodology(METHOD)
    widget.resize(560, 700)
    if not crashes:  # pytest-qt closes it at the end; a crashed one is gone by then
        qtbot.addWidget(widget)
    # The pause before the edit is saved never ends by itself here (on a busy machine it
    # could end before the journal is read): these tests end it, or crash before it does.
    widget._timer.setInterval(600_000)
    widget.show()
    return widget


def journaled(store: Store, case_id: str) -> dict[str, str]:
    return {d.field: d.text for d in drafts.pending(store, case_id, USER)}


def test_typing_is_journaled_before_the_pause_and_the_draft_goes_once_saved(qtbot, store):
    (case_id,) = make_cases(store, ["section_47"])
    panel = open_panel(qtbot, store)
    panel.show_case(case_id)

    with qtbot.waitSignal(panel.journal.written, timeout=1000):
        qtbot.keyClicks(panel.form.texts["rationale"], TYPED)
    assert journaled(store, case_id) == {"rationale": TYPED}
    assert grading.view(store, case_id, USER).rationale == ""  # the pause has not ended

    panel.flush()  # the pause ends (or the cursor leaves the box)
    assert grading.view(store, case_id, USER).rationale == TYPED
    assert journaled(store, case_id) == {}


def test_text_typed_before_a_crash_is_restored_in_a_new_window_with_a_note(
    qtbot, store_path: Path, store
):
    (case_id,) = make_cases(store, ["section_47"])
    panel = open_panel(qtbot, store, crashes=True)
    panel.show_case(case_id)
    notes = "stage:investigation:notes"
    with qtbot.waitSignal(panel.journal.written, timeout=1000):
        qtbot.keyClicks(panel.form.texts["rationale"], TYPED)
        qtbot.keyClicks(panel.form.texts[notes], "ABE interview not considered")
    assert len(journaled(store, case_id)) == 2

    # The crash: the panel goes without its pause ending and without the cursor leaving.
    panel._timer.stop()
    shiboken6.delete(panel)
    store.close()
    reopened = backends.open_test_store(store_path, USER)
    try:
        assert grading.view(reopened, case_id, USER).rationale == ""  # nothing was saved
        window = MainWindow(reopened, USER)  # a new window: it opens the inspection's case
        qtbot.addWidget(window)
        window.show()
        again = window.panel
        assert again.case_id == case_id

        assert again.form.texts["rationale"].toPlainText() == TYPED
        assert again.form.texts[notes].toPlainText() == "ABE interview not considered"
        note = again.draft_note
        assert note.isVisibleTo(again)
        assert "Restored text you typed" in note.text()
        assert "Rationale" in note.text() and "Investigation notes" in note.text()
        saved = grading.view(reopened, case_id, USER)
        assert saved.rationale == TYPED  # saved as the edit, audited, and undoable
        assert saved.stage_notes["investigation"] == "ABE interview not considered"
        assert ("rationale", None, TYPED) in audit_fields(reopened)
        assert journaled(reopened, case_id) == {}

        window.undo()  # Edit ▸ Undo: the last restored box, the notes
        assert grading.view(reopened, case_id, USER).stage_notes["investigation"] == ""
        again.show_case(None)
        again.show_case(case_id)  # opened again: nothing to restore, no note
        assert not again.draft_note.isVisibleTo(again)
    finally:
        reopened.close()
