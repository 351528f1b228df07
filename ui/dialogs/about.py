"""Help ▸ About: the version, the store, its schema revision, the pack format and licences.

What a person reads out to support; "Copy details" puts the same text on the clipboard.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from workbench.about import AboutFacts, about_facts
from workbench.logs import current_log

TITLE = "About Inspector's Workbench"


def details_text(facts: AboutFacts) -> str:
    """The facts as plain lines (for the clipboard and a support email)."""
    log = current_log()
    lines = [
        f"Inspector's Workbench {facts.version}",
        f"Store: {facts.store}",
        f"Store schema revision: {facts.schema_revision}",
        f"Pack and kit format: {facts.pack_format}",
        f"Log: {log if log else 'not kept'}",
        f"Licence: {facts.licence}",
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.facts = facts
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>Inspector's Workbench {escape(facts.version)}</h2>")
        heading.setObjectName("about_version")
        layout.addWidget(heading)
        self.summary = QLabel(
            "<p>Grade sampled child protection case files offline, record referrals, merge "
            "findings packs and publish print-ready findings.</p>"
            + "".join(
                f"<p><b>{escape(name)}:</b> {escape(value)}</p>"
                for name, value in (
                    ("Store", facts.store),
                    ("Store schema revision", facts.schema_revision),
                    ("Pack and kit format", str(facts.pack_format)),
                    ("Log", str(current_log() or "not kept")),
                    ("Licence", f"{facts.licence}; free software, without warranty"),
                )
            )
        )
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("<b>Third-party software and its licences</b>"))
        self.licences = QTextBrowser()
        self.licences.setAccessibleName("Third-party licences")
        self.licences.setHtml(
            "<table>"
            + "".join(
                f"<tr><td>{escape(name)}</td><td>&nbsp;&nbsp;{escape(licence)}</td></tr>"
                for name, licence in facts.third_party
            )
            + "</table>"
        )
        layout.addWidget(self.licences)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("&Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(details_text(self.facts))


def show_about(parent: QWidget) -> AboutDialog:
    """Open the About box over ``parent`` (the main window, with its store if open)."""
    dialog = AboutDialog(about_facts(getattr(parent, "store", None)), parent)
    dialog.open()
    return dialog
