"""The grading panel's drafts journal: text is written to the store as it is typed.

Each keystroke in a text box marks it for the journal; at most ``DRAFT_DELAY_MS`` later
(a throttle, not a pause: steady typing is journaled too) the box's text is written as a
draft (``workbench.services.drafts``). Saving the text as the audited edit, after the
panel's pause or when the cursor leaves the box, deletes the draft. A draft found when a
case opens was typed before the workbench stopped without saving it: the panel puts it back
and says so (``restore``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.dates import LOCAL, long_date
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from ui.grading_panel import GradingPanel
    from workbench.services.drafts import PendingDraft

DRAFT_DELAY_MS = 50  # the journal is at most this far behind the last keystroke
log = logging.getLogger("workbench.window")


class DraftJournal(QObject):
    """Writes the panel's unsaved text boxes to the store's drafts as they are typed."""

    written = Signal()  # the boxes typed in are journaled

    def __init__(self, panel: GradingPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self._dirty: set[str] = set()  # typed since the last draft was written
        self._journaled: set[str] = set()  # fields with a draft in the store
        self._refused = False  # the store refused a draft (a read-only login): stop trying
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DRAFT_DELAY_MS)
        self._timer.timeout.connect(self.write)

    def typed(self, field: str) -> None:
        self._dirty.add(field)
        if not self._timer.isActive():  # a throttle: typing on does not put it off
            self._timer.start()

    def write(self) -> None:
        """Journal every box typed in since the last write."""
        from workbench.services import drafts
        from workbench.services.grading import MAX_TEXT

        self._timer.stop()
        panel = self.panel
        if panel.detail is None or panel.form is None or panel.store is None or self._refused:
            self._dirty.clear()
            return
        for field in sorted(self._dirty):
            text = panel.form.value(field) or ""
            if len(text) > MAX_TEXT:
                continue  # saving it is refused, in words, when the pause ends
            try:
                drafts.save(panel.store, panel.detail.id, panel.user_name, field, text)
            except WorkbenchError as exc:  # saving the edit says why, in words, at the pause
                log.warning("drafts are not kept for this case: %s", exc)
                self._refused = True
                break
            self._journaled.add(field)
        self._dirty.clear()
        self.written.emit()

    def saved(self, case_id: str, field: str) -> None:
        """The field's text is saved as an edit (or put back by undo): its draft goes."""
        from workbench.services import drafts

        self._dirty.discard(field)
        if field in self._journaled and self.panel.store is not None:
            self._journaled.discard(field)
            drafts.discard(self.panel.store, case_id, self.panel.user_name, [field])

    def forget(self) -> None:
        """Another case is opening (its text was saved first)."""
        self._timer.stop()
        self._dirty.clear()
        self._journaled.clear()
        self._refused = False

    def left_behind(self, case_id: str) -> list[PendingDraft]:
        """The drafts of this case typed before the workbench last stopped unsaved."""
        from workbench.services import drafts

        store = self.panel.store
        if store is None:
            return []
        found = drafts.pending(store, case_id, self.panel.user_name)
        self._journaled.update(d.field for d in found)
        return found


def restored_note(labels: list[str], drafts_: list[PendingDraft]) -> str:
    """What the panel says after putting back text typed before a crash."""
    when = max(d.saved_at for d in drafts_).astimezone(LOCAL)
    boxes = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return (
        f"Restored text you typed on {long_date(when)} at {when:%H:%M} that was not saved "
        f"when the workbench last closed ({boxes}). It is saved now; Edit ▸ Undo takes "
        + ("it back." if len(labels) == 1 else "each back in turn.")
    )
