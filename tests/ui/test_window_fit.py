"""Windows that fit a 1366x768 laptop: the first window, remembered geometry, every dialog
at its size hint, validation messages, and the dashboard beside the case list.

The offscreen platform's screen is 800x800, smaller than any laptop's: a window that fits it
fits a laptop. The size limit of the issue, 1366x728 (a 768-pixel screen less a title bar
and a panel), is checked against each window's size hint.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget, QWidget

import ui
import ui.dialogs
from db.engine import Store
from ui.dialogs import FieldError
from ui.main_window import FIRST_SIZE, MainWindow, settings
from ui.status_line import STORE_LABEL_WIDTH
from ui.window_fit import available, grow_height, room
from workbench.services.caselist import case_rows
from workbench.services.demo import create_demo
from workbench.services.referrals import list_referrals

LAPTOP = QSize(1366, 728)  # 1366x768 less a title bar and a panel
USER = "Alex Inspector"
# As long as the longest refusals shown under a field (a file named, what to do instead).
LONG_PROBLEM = (
    "/home/alex/Documents/northshire-police-alex-inspector-2026-11-29.wbpack could not be "
    "read: choose the file again."
)


def fits(size: QSize, limit: QSize) -> bool:
    return size.width() <= limit.width() and size.height() <= limit.height()


def inside(rect: QRect, area: QRect) -> bool:
    return area.contains(rect.topLeft()) and area.contains(rect.bottomRight())


@pytest.fixture
def demo_id(store: Store) -> str:
    return create_demo(store)


@pytest.fixture
def window(qtbot, store: Store, demo_id: str) -> MainWindow:
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


# --- The main window --------------------------------------------------------------------


def test_the_first_window_fits_the_screen_it_opens_on(qtbot, store: Store, demo_id) -> None:
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)

    assert main.size() == FIRST_SIZE.boundedTo(room(main))  # the screen is smaller here
    assert inside(main.frameGeometry(), available(main))
    assert main.statusBar().isVisible() and inside(
        QRect(main.statusBar().mapTo(main, main.statusBar().rect().topLeft()),
              main.statusBar().size()),
        main.rect(),
    )  # fmt: skip


def test_a_remembered_window_from_a_larger_screen_comes_back_onto_this_one(
    qtbot, store: Store, demo_id
) -> None:
    first = MainWindow(store, USER)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(900, 700, 2400, 1500)  # as on a large monitor, since unplugged
    first.close()
    assert settings().value("main/geometry") is not None

    second = MainWindow(store, USER)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)

    assert fits(second.size(), room(second))
    assert inside(second.frameGeometry(), available(second))


def test_a_validation_message_in_moderation_does_not_grow_the_window(window) -> None:
    window.actions["view.moderation"].trigger()
    before = window.size()
    view = window.docks["moderation"].widget()

    view.record()  # nothing chosen: the agreed grade and the reason are refused in words

    errors = [e for e in view.findChildren(FieldError) if e.isVisibleTo(view)]
    assert [e.text()[:2] for e in errors] == ["⚠ ", "⚠ "]
    QApplication.processEvents()
    assert window.size() == before
    assert inside(window.frameGeometry(), available(window))


def test_the_main_window_with_every_view_open_fits_a_laptop(window) -> None:
    for key in ("view.referrals", "view.moderation", "view.imports", "view.followup",
                "view.dashboard"):  # fmt: skip
        window.actions[key].trigger()
    window.docks["moderation"].widget().record()  # with its validation messages showing
    QApplication.processEvents()

    assert set(window.docks) >= {"referrals", "moderation", "imports", "followup", "dashboard"}
    assert fits(window.minimumSizeHint(), LAPTOP), window.minimumSizeHint()
    assert fits(window.sizeHint(), LAPTOP), window.sizeHint()
    assert inside(window.frameGeometry(), available(window))


# --- Every dialog -------------------------------------------------------------------------


def dialog_classes() -> Iterator[type[QDialog]]:
    """Every QDialog subclass defined in the window's modules (ui/ and ui/dialogs/)."""
    for package in (ui, ui.dialogs):
        for found in pkgutil.iter_modules(package.__path__):
            if found.name in ("main", "self_test"):
                continue
            module = importlib.import_module(f"{package.__name__}.{found.name}")
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, QDialog)
                    and value.__module__ == module.__name__
                ):
                    yield value


def arguments(store: Store, inspection_id: str) -> dict[str, object]:
    """A value, from the demonstration, for each parameter a dialog's constructor takes."""
    from ui.shortcuts import SHORTCUTS
    from workbench.about import about_facts
    from workbench.audit_check import verify_store
    from workbench.methodology import load_methodology

    rows = case_rows(store, inspection_id)
    referrals = list_referrals(store, inspection_id)
    open_referral = next(r for r in referrals if r.status != "closed")
    return {
        "store": store,
        "inspection_id": inspection_id,
        "case_id": rows[0].id,
        "referral_id": referrals[0].id,
        "row": open_referral,
        "method": load_methodology(),
        "references": [r.reference for r in rows[:3]],
        "reference": rows[0].reference,
        "entries": [],
        "facts": about_facts(store),
        "shortcuts": SHORTCUTS,
        "result": verify_store(store),
        "described": "the store at /home/alex/.local/share/InspectorsWorkbench/workbench.sqlite",
        "new": True,
        "paths": (),
        "title": "Work",
        "intro": "Some work on the store.",
        "quarter": 1,
        "number": 1,
    }


def build(cls: type[QDialog], values: dict[str, object]) -> QDialog:
    given = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name == "parent":
            given[name] = None  # a window of its own, as tall as it wants
            continue
        if name == "self" or parameter.kind in (
            parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD
        ):  # fmt: skip
            continue
        if name in values:
            given[name] = values[name]
        elif parameter.default is parameter.empty:
            raise AssertionError(
                f"{cls.__qualname__} takes {name!r}: add a demonstration value for it to "
                "arguments() in this test, so the dialog's size is checked too"
            )
    return cls(**given)


def at_hint_width(dialog: QDialog) -> QSize:
    """The dialog's size at its size hint's width: with wrapped lines (the refusals) its
    height is the layout's height for that width, as a window manager would show it."""
    width = max(dialog.sizeHint().width(), dialog.minimumWidth())  # as a window is shown
    layout = dialog.layout()
    if layout is not None and layout.hasHeightForWidth():
        return QSize(width, layout.totalHeightForWidth(width))
    return dialog.sizeHint()


def test_no_dialog_at_its_size_hint_is_larger_than_a_laptop_screen(
    qtbot, store: Store, demo_id: str
) -> None:
    values = arguments(store, demo_id)
    checked = []
    for cls in dialog_classes():
        dialog = build(cls, values)
        qtbot.addWidget(dialog)
        dialog.show()
        assert fits(dialog.sizeHint(), LAPTOP), (cls.__qualname__, dialog.sizeHint())
        for error in dialog.findChildren(FieldError):  # every field refused at once
            error.show_problem(LONG_PROBLEM)
        QApplication.processEvents()
        hinted = at_hint_width(dialog)
        assert fits(hinted, LAPTOP), (cls.__qualname__, "refusing", hinted)
        assert inside(dialog.frameGeometry(), available(dialog)), (cls.__qualname__, dialog.size())
        checked.append(cls.__qualname__)
        dialog.close()
    assert {"IssueKitDialog", "RaiseReferralDialog", "NewInspectionDialog",
            "DrawSampleDialog", "NationalView"} <= set(checked)  # fmt: skip


def test_a_dialog_grows_for_a_new_line_but_never_past_the_screen(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(400, 300)
    grow_height(dialog, 350)
    assert dialog.height() == 350
    grow_height(dialog, 5000)
    assert dialog.height() == room(dialog).height()
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    grow_height(window, 5000)  # not a dialog (the main window): its layout makes room
    assert window.height() == 300


# --- The dashboard beside the case list ---------------------------------------------------


def test_the_dashboard_opens_beside_the_case_list_and_leaves_the_panel_its_width(
    qtbot, window
) -> None:
    window.resize(LAPTOP)
    # The lead's store: the dashboard opens by itself, once the case list has been painted.
    qtbot.waitUntil(lambda: "dashboard" in window.docks)
    dock = window.docks["dashboard"]
    QApplication.processEvents()

    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.NoDockWidgetArea
    assert window.views.currentWidget() is dock and dock.isVisible()
    assert [window.views.tabText(i) for i in range(window.views.count())] == [
        "Cases",
        "Dashboard",
    ]
    assert window.panel.width() >= window.panel.minimumSizeHint().width()
    assert window.panel.width() >= window.splitter.sizes()[1] - 1
    assert window.panel.width() > 450

    window.actions["view.case_list"].trigger()  # Ctrl+L: back to the list, keyboard there
    assert window.views.currentWidget() is window.cases
    window.actions["view.dashboard"].trigger()
    assert window.views.currentWidget() is dock

    window.views.close_tab(1)
    assert window.views.count() == 1 and not dock.isVisible()
    window.actions["view.dashboard"].trigger()
    assert window.views.currentWidget() is dock and "40 of 60 cases graded" in (
        dock.widget().headline.text()
    )


def test_a_bottom_dock_scrolls_rather_than_pushing_the_window(window) -> None:
    window.actions["view.moderation"].trigger()
    dock = window.docks["moderation"]
    assert isinstance(dock, QDockWidget)
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.minimumSizeHint().height() < dock.widget().minimumSizeHint().height()


# --- The status bar -----------------------------------------------------------------------


def test_a_confirmation_has_room_beside_the_store_label(window, store: Store, tmp_path) -> None:
    window.resize(LAPTOP)
    QApplication.processEvents()
    assert window.store_label.text() == f"Store: {store.describe()}"
    assert window.store_label.width() <= STORE_LABEL_WIDTH

    text = f"The findings report was written to {tmp_path / 'northshire-findings.pdf'}."
    window.tell(text)
    QApplication.processEvents()

    bar = window.statusBar()
    assert bar.currentMessage() == text
    permanent = window.store_label.width() + window.saved_label.width()
    assert bar.width() - permanent >= bar.fontMetrics().horizontalAdvance(text)


# --- The case list's columns --------------------------------------------------------------


def test_the_case_lists_columns_fit_their_content_at_1366(qtbot, store: Store, demo_id) -> None:
    from ui.case_model import CATEGORY, COLUMNS, UNIT

    main = MainWindow()  # as the application starts: the window first, then the store
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.resize(LAPTOP)  # a laptop's screen (this one is smaller)
    QApplication.processEvents()
    main.attach(store, USER)
    main.views.show_cases()
    header, table = main.table.horizontalHeader(), main.table
    metrics = table.fontMetrics()

    widths = [header.sectionSize(c) for c in range(len(COLUMNS))]
    assert sum(widths) <= table.viewport().width()  # no scrolling sideways to see a column
    for text in ("Children in custody", "Police protection powers", "Section 47 child"):
        assert widths[CATEGORY] > metrics.horizontalAdvance(text), text
    for text in ("Central borough", "South borough"):
        assert widths[UNIT] > metrics.horizontalAdvance(text), text
    for column in set(range(len(COLUMNS))) - {CATEGORY, UNIT}:  # the others whole
        shown = {table.model().index(r, column).data() or "" for r in range(20)}
        longest = max(metrics.horizontalAdvance(t) for t in shown | {COLUMNS[column]})
        assert widths[column] >= longest, COLUMNS[column]


def test_a_refused_field_in_a_docked_view_is_scrolled_into_sight(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.actions["view.moderation"].trigger()
    dock = window.docks["moderation"]
    window.resizeDocks([dock], [160], Qt.Orientation.Vertical)  # far smaller than the view
    view = dock.widget()
    QApplication.processEvents()
    scroller, viewport = dock.scroller, dock.scroller.viewport()
    bar = scroller.verticalScrollBar()
    bar.setValue(bar.maximum())  # the evidence in sight, the form's fields above it

    def in_sight(field) -> bool:
        return viewport.rect().intersects(
            QRect(field.mapTo(viewport, field.rect().topLeft()), field.size())
        )

    assert bar.maximum() > 0 and not in_sight(view.grade)
    view.record()  # the agreed grade and the reason refused, the keyboard sent to one

    field = QApplication.focusWidget()
    assert field in (view.grade, view.reason)
    assert in_sight(field) and bar.value() < bar.maximum()


def test_moderations_record_button_is_in_sight_at_1366x768(window) -> None:
    """The lead sees the grades, the form and its Record button without scrolling, even with
    both refusals showing; the grades never scroll sideways."""
    window.resize(LAPTOP)
    window.actions["view.moderation"].trigger()
    dock = window.docks["moderation"]
    view = dock.widget()
    QApplication.processEvents()
    assert view.current_case() is not None  # the demo's case graded differently
    view.record()  # nothing chosen: both fields refused, their messages shown
    QApplication.processEvents()
    dock.scroller.verticalScrollBar().setValue(0)

    viewport = dock.scroller.viewport()
    button = view.record_button
    shown = QRect(button.mapTo(viewport, button.rect().topLeft()), button.size())
    assert viewport.rect().contains(shown), (shown, viewport.rect())
    table = view.comparison_view
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert table.verticalHeader().length() <= table.viewport().height()
