"""Your name in this store: File ▸ My name…, the offer to use a kit's name when it differs,
and, before a pack is exported, the offer to include work recorded under another name.

Every change of name is ``workbench.identity.set_user_name`` (audited) and every move of
work to the name is ``workbench.services.names.reattribute`` (audited); the window then
works under the new name (``MainWindow.attach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.dialogs.identity import IdentityDialog
from ui.messages import show_error
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store
    from ui.main_window import MainWindow
    from workbench.packs import KitNameDiffers

KIT_NAME_TITLE = "Use the kit's name?"
OTHER_NAMES_TITLE = "Work under another name"


def offer_kit_name(parent: QWidget | None, store: Store, refused: KitNameDiffers) -> bool:
    """Offer to use the kit's name in this store (one click); True once it is the name."""
    from workbench.identity import set_user_name

    box = QMessageBox(
        QMessageBox.Icon.Question,
        KIT_NAME_TITLE,
        f"This kit was issued to {refused.kit_name}, but this store's name is "
        f"{refused.store_name}.\n\nIf you are {refused.kit_name}, use the kit's name here: "
        "the lead's store knows your work by it, and your packs must carry it. Work already "
        f"recorded under {refused.store_name} can be included when you export your pack.",
        parent=parent,
    )
    box.setAccessibleName(KIT_NAME_TITLE)
    use = box.addButton(f"&Use {refused.kit_name}", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(use)
    box.exec()
    if box.clickedButton() is not use:
        return False
    try:
        set_user_name(store, refused.kit_name)
    except WorkbenchError as exc:
        show_error(parent, exc)
        return False
    return True


def include_other_names(parent: QWidget | None, store: Store, inspection_id: str) -> bool:
    """Before a pack is exported: warn of work recorded here under another name, and offer
    to include it under the user's name. False when the user chose not to export."""
    from workbench.identity import user_name
    from workbench.services.names import other_names, reattribute

    found = other_names(store, inspection_id)
    if not found:
        return True
    with store.sessions() as session:
        me = user_name(session) or ""
    lines = [
        f"{o.name}: {o.assessments} assessment{'s' * (o.assessments != 1)} "
        f"({o.graded} graded), {o.referrals} referral{'s' * (o.referrals != 1)}"
        for o in found
    ]
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        OTHER_NAMES_TITLE,
        "This store holds work on this inspection recorded under another name than yours "
        f"({me}):\n\n" + "\n".join(lines) + "\n\nA pack carries only your own work, so this "
        f"would be left out. Include it under your name, {me}? The change is recorded in the "
        "audit trail.",
        parent=parent,
    )
    box.setAccessibleName(OTHER_NAMES_TITLE)
    include = box.addButton(f"&Include it as {me}", QMessageBox.ButtonRole.AcceptRole)
    leave = box.addButton("&Leave it out", QMessageBox.ButtonRole.NoRole)
    box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(include)
    box.exec()
    if box.clickedButton() is leave:
        return True
    if box.clickedButton() is not include:
        return False
    try:
        for other in found:
            reattribute(store, inspection_id, other.name)
    except WorkbenchError as exc:
        show_error(parent, exc)
        return False
    return True


def my_name_command(window: MainWindow) -> None:
    """File ▸ My name…: change the name this store records work under (audited)."""
    dialog = IdentityDialog(window.active_store(), window)
    if window.exec_dialog(dialog) and dialog.name and dialog.name != window.user_name:
        window.attach(window.active_store(), dialog.name)
