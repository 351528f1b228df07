"""View ▸ Follow-up: a dock holding the follow-up panel (``ui.followup_panel``) for the
inspection shown. The panel, and the follow-up services under it, load on first use, so that
the window opens without them; the dock follows the inspection chosen while it is open, and
the panel reads the store again whenever a service publishes a follow-up change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.changes import Topic

if TYPE_CHECKING:
    from ui.followup_panel import FollowupView
    from ui.main_window import MainWindow


def show_followup(window: MainWindow) -> None:
    """View ▸ Follow-up, in a dock that follows the inspection shown."""

    def make(inspection_id: str) -> FollowupView:
        from ui.followup_panel import FollowupView

        view = FollowupView(window.active_store(), inspection_id)
        window.changes.follow(view, view.refresh, Topic.FOLLOWUP)
        return view

    window.show_dock("followup", "Follow-up", make)
