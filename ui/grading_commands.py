"""The grading panel's commands beyond saving: putting back drafts left by a crash, reading
another inspector's assessment read only, saying when the list's filters hide the case, and
the keyboard commands of the window's action table (next stage, next unanswered, not
applicable to the rest of a stage). A mixin of ``GradingPanel``, kept apart to keep each
module small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from ui.grading_drafts import restored_note
from ui.grading_form import field_label
from ui.grading_keys import NOT_APPLICABLE
from workbench.services.status import STATUS_NAMES

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea

    from db.engine import Store
    from ui.grading_drafts import DraftJournal
    from ui.grading_form import CategoryForm
    from ui.grading_header import CaseHeader
    from workbench.methodology import Methodology
    from workbench.services.caselist import CaseDetail


class PanelCommands:
    """Drafts put back, another's assessment read, the filters, and keyboard commands."""

    if TYPE_CHECKING:  # what ``GradingPanel`` provides
        detail: CaseDetail | None
        form: CategoryForm | None
        method: Methodology | None
        header: CaseHeader
        undo_stack: QUndoStack
        journal: DraftJournal
        reading: str | None
        draft_note: QLabel
        reading_note: QLabel
        hidden_note: QLabel
        mark_button: QPushButton
        footer_text: QLabel
        scroll_area: QScrollArea
        notice: SignalInstance
        _saved: dict[str, str | None]

        def flush(self) -> None: ...
        def show_case(self, case_id: str | None) -> None: ...
        def _store(self) -> Store: ...
        def _save(self, field: str, value: str | None, *, text: bool) -> None: ...

    def _restore_drafts(self) -> None:
        """Put back text typed before the workbench stopped unsaved, save it, and say so."""
        assert self.detail is not None and self.form is not None and self.method is not None
        case_id = self.detail.id
        restored = []
        for draft in self.journal.left_behind(case_id):
            if (
                draft.field in self.form.texts
                and (self._saved.get(draft.field) or "") != draft.text
            ):
                self.form.set_value(draft.field, draft.text)
                self._save(draft.field, draft.text, text=True)
                restored.append(draft)
            else:
                self.journal.saved(case_id, draft.field)
        if restored:
            labels = [field_label(self.method, d.field) for d in restored]
            self.draft_note.setText(restored_note(labels, restored))
            self.draft_note.setVisible(True)

    def set_listed(self, listed: bool) -> None:
        """Say when the case shown is not in the case list as it is filtered now."""
        if self.detail is not None and not listed:
            self.hidden_note.setText(
                f"{self.detail.reference} is not in the case list as it is searched and "
                "filtered now; it stays open here. Clear the search or filters to see it there."
            )
        self.hidden_note.setVisible(self.detail is not None and not listed)

    # --- Another inspector's assessment ---------------------------------------------------

    def show_assessment_of(self, inspector: str | None) -> None:
        """Show another inspector's assessment of the case, read only (None: one's own)."""
        from workbench.services import grading

        if self.detail is None or self.form is None or inspector == self.reading:
            return
        if inspector is None:
            self.show_case(self.detail.id)  # one's own again, as saved
            return
        self.flush()
        view = grading.view(self._store(), self.detail.id, inspector)
        self.form.load(view)
        self._read_only(inspector, STATUS_NAMES.get(view.status, view.status).lower())

    def _read_only(self, inspector: str | None, status: str = "") -> None:
        self.reading = inspector
        if self.form is not None:
            self.form.set_read_only(inspector is not None)
        self.mark_button.setEnabled(inspector is None)
        self.reading_note.setVisible(inspector is not None)
        if inspector is not None:
            self.reading_note.setText(
                f"You are reading {inspector}'s assessment ({status}). It cannot be changed "
                "here; choose “Your assessment” above to grade."
            )
            self.footer_text.setText(f"<b>Reading {inspector}'s assessment</b> · read only")
        elif self.header.whose.currentIndex() > 0:
            self.header.whose.blockSignals(True)
            self.header.whose.setCurrentIndex(0)
            self.header.whose.blockSignals(False)

    # --- Grading by keyboard ----------------------------------------------------------------

    def _reveal(self, widget: QWidget) -> None:
        self.scroll_area.ensureWidgetVisible(widget, 50, 80)

    def next_stage(self, step: int = 1) -> None:
        """Move the keyboard to the next stage's first prompt (``step`` -1: the previous)."""
        if self.form is not None and self.detail is not None:
            self.form.keys.next_stage(step)

    def next_unanswered(self) -> None:
        """Move to the next prompt without an answer or stage without a grade."""
        if (
            self.form is not None
            and self.detail is not None
            and not self.form.keys.next_unanswered()
        ):
            self.notice.emit(f"Nothing is left to answer in {self.detail.reference}.")

    def rest_not_applicable(self) -> None:
        """Answer "not applicable" to the rest of the stage's unanswered prompts (one undo),
        then move to what is left unanswered (a fact with no such answer), else the grade."""
        if self.form is None or self.detail is None or self.method is None:
            return
        self.show_assessment_of(None)  # one's own: another's is never changed
        keys = self.form.keys
        chosen = keys.rest_not_applicable()
        stage = keys.stage_index(keys.current_field())
        if chosen:
            name = self.method.stage(self.form.stage_fields[stage].stage_id).name
            self.undo_stack.beginMacro(
                f"Not applicable to the rest of {name} ({self.detail.reference})"
            )
            try:
                for field in chosen:
                    keys.choose(field, NOT_APPLICABLE)
            finally:
                self.undo_stack.endMacro()
        if 0 <= stage < len(self.form.stage_fields):  # what is left (a fact), else the grade
            found = self.form.stage_fields[stage]
            left = [f for f in found.items if self.form.value(f) is None]
            keys.go(left[0] if left else found.grade)
