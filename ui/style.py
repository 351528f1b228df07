"""Colours, text roles, cards and grade chips for the main window.

Grade colours come from the inspection's methodology, never from here. A chip is always
shown beside the grade's name: colour is a help, never the only way something is told.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:
    from workbench.methodology import Methodology

PROBLEM_COLOUR = "#B3261E"  # words under a field that is missing something
WARNING_COLOUR = "#7A4F01"  # dark amber, readable on white
MUTED_COLOUR = "#5F6368"
REFERRAL_COLOUR = "#B3261E"
CHIP_SIZE = 12

# Text roles: (point size relative to the application font, bold, colour or None).
# Fonts and palettes rather than a stylesheet: a stylesheet on the window puts every
# widget under QStyleSheetStyle, which made building and painting the grading form
# two to three times slower.
ROLES: dict[str, tuple[float, bool, str | None]] = {
    "caseTitle": (1.5, True, None),
    "caseSubtitle": (1.0, False, MUTED_COLOUR),
    "muted": (1.0, False, MUTED_COLOUR),
    "stageTitle": (1.15, True, None),
    "stageDescription": (1.0, False, MUTED_COLOUR),
    "problem": (1.0, True, PROBLEM_COLOUR),
    "warning": (1.0, True, WARNING_COLOUR),
    "referralFlag": (1.0, True, REFERRAL_COLOUR),
    "progressText": (1.0, True, None),
    "placeholder": (1.15, False, MUTED_COLOUR),
    "primary": (1.0, True, None),
    "": (1.0, False, None),
}


def set_role(widget: QWidget, role: str) -> None:
    """Give a widget the font and text colour of a role (its object name names the role)."""
    scale, bold, colour = ROLES[role]
    widget.setObjectName(role)
    font = QFont(QApplication.font())
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    widget.setFont(font)
    palette = QPalette(QApplication.palette())
    if colour is not None:
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
        palette.setColor(QPalette.ColorRole.Text, QColor(colour))
    widget.setPalette(palette)


def role_label(text: str = "", role: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    set_role(label, role)
    label.setWordWrap(wrap)
    return label


class Card(QFrame):
    """A rounded panel in the base colour with a light edge, painted without a stylesheet."""

    def __init__(self, parent: QWidget | None = None, *, tint: bool = False) -> None:
        super().__init__(parent)
        self._tint = tint

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        fill = palette.color(
            QPalette.ColorRole.AlternateBase if self._tint else QPalette.ColorRole.Base
        )
        painter.setBrush(fill)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()


@lru_cache(maxsize=64)
def chip_pixmap(colour: str, size: int = CHIP_SIZE) -> QPixmap:
    """A small rounded square of the colour with a darker edge (visible on any background)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    painter.setPen(QPen(fill.darker(140), 1))
    painter.setBrush(fill)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    painter.drawPath(path)
    painter.end()
    return pixmap


@lru_cache(maxsize=64)
def chip_icon(colour: str) -> QIcon:
    return QIcon(chip_pixmap(colour))


@lru_cache(maxsize=4)
def flag_icon(colour: str = REFERRAL_COLOUR, size: int = CHIP_SIZE + 2) -> QIcon:
    """A small pennant flag for a case referred to the force (always shown with words)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour).darker(130), 1.5))
    painter.drawLine(2, 1, 2, size - 1)
    path = QPainterPath()
    path.moveTo(2.5, 1.5)
    path.lineTo(size - 1.5, 4.5)
    path.lineTo(2.5, 8.0)
    path.closeSubpath()
    painter.fillPath(path, QColor(colour))
    painter.end()
    return QIcon(pixmap)


def grade_name(method: Methodology | None, grade_id: str | None, missing: str = "—") -> str:
    """The grade's name in the methodology, or the id itself if the methodology lacks it."""
    if not grade_id:
        return missing
    return method.grade_name(grade_id) if method is not None else grade_id


def grade_colour(method: Methodology | None, grade_id: str | None) -> str | None:
    if not grade_id or method is None:
        return None
    try:
        return method.grade(grade_id).colour
    except KeyError:
        return None


class GradeChip(QWidget):
    """A colour chip and the grade's name, for the grading panel's header."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._chip = QLabel(self)
        self._chip.setFixedSize(CHIP_SIZE, CHIP_SIZE)
        self._text = QLabel(self)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._chip)
        layout.addWidget(self._text)
        layout.addStretch(1)

    def set_grade(self, method: Methodology | None, grade_id: str | None, missing: str) -> None:
        colour = grade_colour(method, grade_id)
        self._chip.setVisible(colour is not None)
        if colour is not None:
            self._chip.setPixmap(chip_pixmap(colour))
        self._text.setText(grade_name(method, grade_id, missing))
        set_role(self._text, "" if grade_id else "muted")

    def text(self) -> str:
        return self._text.text()
