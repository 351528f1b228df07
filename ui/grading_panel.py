"""The grading panel: the selected case's header, its form, and "Mark graded".

Every change is saved as it is made, through ``workbench.services.grading.edit``: choices
at once, text after a short pause (``SAVE_DELAY_MS``) and whenever the cursor leaves the
text box or another case is opened. Each saved change is pushed on the undo stack as a
``FieldEdit`` whose undo saves the old value again through the same service.

The form for a category is built once from the methodology and reused for every case of
that category; opening another case only loads values into it.

The services (and so SQLAlchemy) are imported when a case is first opened, not with this
module, so the main window can be on screen before the store is even opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.grading_commands import PanelCommands
from ui.grading_drafts import DraftJournal
from ui.grading_form import CategoryForm, field_label
from ui.grading_header import CaseHeader
from ui.grading_keys import GradingKeys
from ui.messages import show_error
from ui.style import PROBLEM_COLOUR, role_label, set_role
from ui.undo import FieldEdit
from workbench import fields
from workbench.errors import WorkbenchError
from workbench.services.status import GRADED, NOT_STARTED, STATUS_NAMES

if TYPE_CHECKING:
    from db.engine import Store
    from workbench.methodology import Methodology
    from workbench.services.caselist import CaseDetail
    from workbench.services.grading import GradeCheck
    from workbench.services.grading_undo import StatusChange

SAVE_DELAY_MS = 800
PLACEHOLDER = "Choose a case from the list to grade it."


class GradingPanel(PanelCommands, QWidget):
    """Grades one case at a time for the store's user."""

    saved = Signal(str)  # case id: a change was saved (the time is in ``last_saved``)
    graded = Signal(str)  # case id: marked graded
    reveal_requested = Signal(str)  # case id: undo/redo is about to change another case
    notice = Signal(str)  # words for the status line: a case no longer graded, or again
    raise_referral_requested = Signal(str)
    referrals_requested = Signal(str)

    def __init__(
        self,
        store: Store | None,
        user_name: str,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.user_name, self.undo_stack = store, user_name, undo_stack
        self.method: Methodology | None = None
        self.detail: CaseDetail | None = None
        self.form: CategoryForm | None = None
        self.last_saved: datetime | None = None
        self._forms: dict[str, CategoryForm] = {}
        self._saved: dict[str, str | None] = {}
        self._status = NOT_STARTED
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.journal = DraftJournal(self)
        self.reading: str | None = None  # another inspector whose assessment is shown
        self._to_build: list[str] = []
        self._builder = QTimer(self)
        self._builder.setInterval(0)
        self._builder.timeout.connect(self._build_next_form)
        self._build()

    # --- Layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.placeholder = role_label(PLACEHOLDER, "placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.placeholder)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAccessibleName("Grading form")
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(12, 12, 16, 12)
        self.content_layout.setSpacing(12)
        self.header = CaseHeader(self.content)
        self.header.raise_referral.connect(self._raise_referral_clicked)
        self.header.show_referrals.connect(self._referrals_clicked)
        self.header.assessment_chosen.connect(self.show_assessment_of)
        self.content_layout.addWidget(self.header)
        self.draft_note = role_label("", "warning")
        self.draft_note.setAccessibleName("Text restored after the workbench closed unsaved")
        self.draft_note.setVisible(False)
        self.content_layout.addWidget(self.draft_note)
        self.reading_note = role_label("", "warning")
        self.reading_note.setAccessibleName("Another inspector's assessment, read only")
        self.reading_note.setVisible(False)
        self.content_layout.addWidget(self.reading_note)
        self.hidden_note = role_label("", "warning")
        self.hidden_note.setAccessibleName("This case is not in the case list as filtered")
        self.hidden_note.setVisible(False)
        self.content_layout.addWidget(self.hidden_note)
        self.scroll_area.setWidget(self.content)
        page_layout.addWidget(self.scroll_area, 1)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        page_layout.addWidget(rule)
        page_layout.addWidget(self._footer())
        self.pages.addWidget(page)

    def _footer(self) -> QFrame:
        footer = QFrame()
        layout = QHBoxLayout(footer)
        layout.setContentsMargins(12, 8, 12, 8)
        self.footer_text = QLabel()
        self.footer_text.setWordWrap(True)
        self.footer_text.setAccessibleName("Grading progress of this case")
        layout.addWidget(self.footer_text, 1)
        self.mark_button = QPushButton("Mark graded")
        set_role(self.mark_button, "primary")
        self.mark_button.setAccessibleName("Mark this case graded")
        self.mark_button.setToolTip("Check that nothing is missing and mark the case graded")
        self.mark_button.clicked.connect(self.mark_graded)
        layout.addWidget(self.mark_button)
        return footer

    def _raise_referral_clicked(self) -> None:
        if self.detail is not None:
            self.raise_referral_requested.emit(self.detail.id)

    def _referrals_clicked(self) -> None:
        if self.detail is not None:
            self.referrals_requested.emit(self.detail.id)

    # --- Showing a case ---------------------------------------------------------------------

    @property
    def case_id(self) -> str | None:
        return self.detail.id if self.detail else None

    def set_methodology(self, method: Methodology | None) -> None:
        """Use another inspection's methodology: forget the forms built for the last one."""
        self.show_case(None)
        if method is not self.method:
            self._to_build.clear()
            for form in self._forms.values():
                form.hide()
                form.deleteLater()
            self._forms.clear()
            self.form = None
        self.method = method

    def _store(self) -> Store:
        """The store: a case is shown only once the window has one."""
        assert self.store is not None
        return self.store

    def show_case(self, case_id: str | None) -> None:
        """Open a case (saving any text still waiting), or show the placeholder for None."""
        self.flush()
        self.journal.forget()
        self.draft_note.setVisible(False)
        self._read_only(None)
        self.hidden_note.setVisible(False)
        if case_id is None or self.method is None:
            self.detail = None
            self.pages.setCurrentIndex(0)
            return
        from workbench.services import grading
        from workbench.services.caselist import case_detail

        detail = case_detail(self._store(), case_id, inspector=self.user_name)
        view = grading.view(self._store(), case_id, self.user_name)
        self.detail = detail
        self._use_form(detail.category)
        assert self.form is not None
        self.form.load(view)
        self._saved = {field: self.form.value(field) for field in self.form.fields()}
        self._status = view.status
        self.header.show_case(self.method, detail, view.status)
        self.header.set_our_grade(self.method, view.overall_grade)
        self._update_footer()
        self.pages.setCurrentIndex(1)
        self.scroll_area.verticalScrollBar().setValue(0)
        self._restore_drafts()

    def prebuild(self, categories: list[str]) -> None:
        """Build these categories' forms while the application is idle, one per turn.

        Building a form takes a tenth of a second or more; doing it ahead means even the
        first case of each category opens at once.
        """
        self._to_build = [c for c in categories if c not in self._forms]
        if self._to_build:
            self._builder.start()

    def _build_next_form(self) -> None:
        if not self._to_build or self.method is None:
            self._builder.stop()
            return
        self._form_for(self._to_build.pop(0))

    def _form_for(self, category: str) -> CategoryForm:
        assert self.method is not None
        form = self._forms.get(category)
        if form is None:
            form = CategoryForm(self.method, category, self.content)
            form.hide()
            form.value_changed.connect(self._choice_changed)
            form.text_changed.connect(self._text_changed)
            form.text_left.connect(self._save_text)
            form.keys = GradingKeys(form, self._reveal)
            self._forms[category] = form
        return form

    def _use_form(self, category: str) -> None:
        form = self._form_for(category)
        if form is self.form:
            return
        if self.form is not None:
            self.content_layout.removeWidget(self.form)
            self.form.hide()
        self.content_layout.addWidget(form)
        form.show()
        self.form = form
        self._set_tab_order(form)

    def _set_tab_order(self, form: CategoryForm) -> None:
        chain = [
            self.header.referral_button,
            self.header.referrals_button,
            *form.focus_chain,
            self.mark_button,
        ]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def focus_form(self) -> None:
        """Put the keyboard in the form's first field."""
        if self.form is not None and self.form.focus_chain:
            first = self.form.focus_chain[0]
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.scroll_area.ensureWidgetVisible(first)

    # --- Saving -----------------------------------------------------------------------------

    def _choice_changed(self, field: str, value: str | None) -> None:
        if self.reading is not None:  # another's assessment is shown: never saved as one's own
            return
        self.flush()  # typing before this choice is saved first, so the audit reads in order
        self._save(field, value, text=False)

    def _text_changed(self, field: str) -> None:
        if self.reading is not None:
            return
        self._pending.add(field)
        self._timer.start()
        self.journal.typed(field)

    def _save_text(self, field: str) -> None:
        if field in self._pending and self.form is not None:
            self._pending.discard(field)
            self._save(field, self.form.value(field) or "", text=True)

    def flush(self) -> None:
        """Save every text box still waiting for its pause to end."""
        self._timer.stop()
        for field in sorted(self._pending):
            self._save_text(field)

    def _save(self, field: str, value: str | None, *, text: bool) -> None:
        from workbench.services import grading

        if self.detail is None or self.method is None or self.form is None:
            return
        old = self._saved.get(field)
        case_id, reference = self.detail.id, self.detail.reference
        if (old or None) == (value or None):
            if text:
                self.journal.saved(case_id, field)
            return
        before = self._status
        try:
            changed = grading.edit(self._store(), case_id, self.user_name, field, value)
        except WorkbenchError as exc:
            self.form.set_value(field, old)
            show_error(self, exc)
            return
        self._saved[field] = value
        if text:
            self.journal.saved(case_id, field)
        after = grading.status(self._store(), case_id, self.user_name)
        if changed:
            label = field_label(self.method, field)
            ungraded = before == GRADED and after != GRADED
            command = FieldEdit(
                self.apply_field, case_id, reference, field, label, old, value, text=text,
                ungraded=ungraded,
            )  # fmt: skip
            self.undo_stack.push(command)
        self._after_save(case_id, field, value, before)

    def _after_save(self, case_id: str, field: str, value: str | None, before: str) -> None:
        from workbench.services import grading, grading_undo

        self.last_saved = datetime.now()
        notice = ""
        if self.detail is not None and case_id == self.detail.id and self.form is not None:
            self.form.clear_problem(field)
            if field == "overall_grade" and self.method is not None:
                self.header.set_our_grade(self.method, value)
            self._status = grading.status(self._store(), case_id, self.user_name)
            self.header.set_status(self._status)
            missing: tuple[str, ...] = ()
            if before == GRADED and self._status != GRADED:
                missing = grading_undo.missing(self._store(), case_id, self.user_name)
                notice = f"{self.detail.reference} is no longer graded: {' '.join(missing)}"
            elif before != GRADED and self._status == GRADED:
                notice = f"{self.detail.reference} is graded again."
            self._update_footer(len(missing))
        self.saved.emit(case_id)
        if notice:  # after "Saved …", so that the status line keeps it
            self.notice.emit(notice)

    def apply_field(
        self, case_id: str, field: str, value: str | None, regrade: bool = False
    ) -> StatusChange | None:
        """Save a value for undo/redo and show it; opens the case first if it is another.
        With ``regrade``, the case is marked graded again once it is complete."""
        from workbench.services import grading_undo

        if case_id != self.case_id:
            self.reveal_requested.emit(case_id)
        elif self.reading is not None:
            self.show_case(case_id)  # one's own again: undo changes it
        try:
            change = grading_undo.reapply(
                self._store(), case_id, self.user_name, field, value, regrade=regrade
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            return None
        if case_id == self.case_id and self.form is not None:
            self._saved[field] = value
            self._pending.discard(field)
            if field in self.form.texts:
                self.journal.saved(case_id, field)
            self.form.set_value(field, value)
            widget = self.form.widget_for(field)
            if widget is not None:
                self.scroll_area.ensureWidgetVisible(widget, 50, 80)
        self._after_save(case_id, field, value, change.before)
        return change

    def set_overall_grade(self, grade_id: str) -> None:
        """Choose the overall grade (as the keyboard shortcuts do); saved at once."""
        if self.form is not None and self.detail is not None:
            self.show_assessment_of(None)  # one's own: another's is never changed
            combo = self.form.combos["overall_grade"]
            combo.setCurrentIndex(combo.findData(grade_id))

    # --- Marking graded ---------------------------------------------------------------------

    def mark_graded(self) -> bool:
        """Run the checks; mark the case graded or show what is missing beside each field."""
        from workbench.services import grading

        if self.detail is None or self.form is None:
            return False
        self.flush()
        case_id = self.detail.id
        try:
            result = grading.mark_graded(self._store(), case_id, self.user_name)
        except grading.GradingIncomplete as exc:
            self._show_check(exc.check)
            return False
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        self._status = GRADED
        self._show_check(result)
        self.header.set_status(self._status)
        self.last_saved = datetime.now()
        self._update_footer()
        self.saved.emit(case_id)
        self.graded.emit(case_id)
        return True

    def _show_check(self, check: GradeCheck) -> None:
        assert self.form is not None
        problems: dict[str, str] = {}
        for problem in check.problems:
            earlier = problems.get(problem.field)
            problems[problem.field] = f"{earlier} {problem.message}" if earlier else problem.message
        self.form.show_problems(problems, [w.message for w in check.warnings])
        self._update_footer(len(check.problems))
        first = next((self.form.widget_for(p.field) for p in check.problems), None)
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first, 50, 120)
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem_text(self, field: str) -> str:
        """The words shown under a field (empty when none), as a person reads them."""
        if self.form is None or field not in self.form.problems:
            return ""
        label = self.form.problems[field]
        return label.text() if label.isVisibleTo(self) else ""

    def _update_footer(self, missing: int = 0) -> None:
        if self.detail is None:
            return
        stages = self.detail.stage_ids
        done = sum(1 for s in stages if self._saved.get(fields.stage_grade(s)))
        status = STATUS_NAMES.get(self._status, self._status)
        text = f"<b>{status}</b> · {done} of {len(stages)} stages graded"
        if missing:
            plural = "s" if missing > 1 else ""
            words = f"{missing} field{plural} to complete"
            text += f" · <span style='color:{PROBLEM_COLOUR}'>{words}</span>"
        self.footer_text.setText(text)
