"""The main window: one tab per area, menus and shortcuts, and a note when set-up is due.

Each area is a widget module of its own; this only wires them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from composer import APP_NAME
from composer.app import Afterword
from composer.due import DueItem
from composer.files import set_aside
from composer.records import MessageState
from ui import dialogs
from ui.compose import ComposePage
from ui.contacts import ContactsPage
from ui.feedback import FeedbackPage
from ui.interviews import InterviewsPage
from ui.runner import Runner
from ui.sent import SentPage
from ui.settings import SettingsPage
from ui.templates_page import TemplatesPage
from ui.today import Clock, TodayPage, utc_now


class MainWindow(QMainWindow):
    def __init__(
        self,
        afterword: Afterword,
        runner: Runner | None = None,
        *,
        demo: str = "",
        clock: Clock = utc_now,
    ) -> None:
        super().__init__()
        self.afterword = afterword
        self.runner = runner or Runner(self)
        self.setWindowTitle(f"{APP_NAME} (demo)" if demo else APP_NAME)
        self.settings = QSettings(
            str(afterword.paths.config_dir / "window.ini"), QSettings.Format.IniFormat
        )
        self.settings_notice = ""
        self.today = TodayPage(afterword, self.runner, clock=clock)
        self.interviews = InterviewsPage(afterword, self.runner)
        self.contacts = ContactsPage(afterword, self.runner)
        self.compose = ComposePage(afterword, self.runner)
        self.sent = SentPage(afterword, self.runner)
        self.feedback = FeedbackPage(afterword, self.runner)
        self.templates = TemplatesPage(afterword, self.runner)
        self.settings_page = SettingsPage(afterword, self.runner)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        for page, title in self._areas():
            self.tabs.addTab(page, title)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Notice")
        self.banner_button = QPushButton()
        self.banner_button.setAccessibleName("Notice action")
        self.demo_label = QLabel(demo)
        self.demo_label.setWordWrap(True)
        self.demo_label.setAccessibleName("Demo notice")
        self.demo_label.setVisible(bool(demo))
        self._lay_out()
        self._connect()
        self._menus()
        self._restore()
        self.update_banner()

    def _areas(self) -> list[tuple[QWidget, str]]:
        return [
            (self.today, "Toda&y"),
            (self.interviews, "&Interviews"),
            (self.contacts, "&Contacts"),
            (self.compose, "Co&mpose"),
            (self.sent, "&Outbox && Sent"),
            (self.feedback, "Feed&back"),
            (self.templates, "Tem&plates"),
            (self.settings_page, "Se&ttings"),
        ]

    def _lay_out(self) -> None:
        notice = QHBoxLayout()
        notice.addWidget(self.banner, 1)
        notice.addWidget(self.banner_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.demo_label)
        layout.addLayout(notice)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        self.contacts.changed.connect(self._records_changed)
        self.interviews.changed.connect(self._records_changed)
        self.interviews.follow_up_requested.connect(self.follow_up)
        self.compose.sent.connect(lambda _: self.sent.refresh_when_shown())
        self.compose.sent.connect(lambda _: self.today.refresh_when_shown())
        self.today.compose_requested.connect(self.write_due)
        self.today.new_interview_requested.connect(self._new_interview)
        self.today.changed.connect(self._records_changed)
        self.feedback.changed.connect(self.today.refresh_when_shown)
        self.feedback.thank_requested.connect(
            lambda interview_id, template_id, people: self.write(
                interview_id, template_id, people or None
            )
        )
        self.compose.saved.connect(lambda _: self.sent.refresh_when_shown())
        self.compose.fix_account_requested.connect(lambda: self.show_area(self.settings_page))
        self.sent.open_draft_requested.connect(self.open_draft)
        self.sent.changed.connect(self.update_banner)
        self.settings_page.account_changed.connect(self.update_banner)
        self.settings_page.profile_changed.connect(self.compose.refresh)
        self.settings_page.records_replaced.connect(self._records_replaced)
        self.templates.changed.connect(self.compose.refresh)
        self.banner_button.clicked.connect(self._banner_action)

    def _records_changed(self) -> None:
        for page in (self.interviews, self.contacts, self.compose, self.sent, self.feedback):
            page.refresh()
        self.today.refresh_when_shown()

    def _records_replaced(self) -> None:
        """A backup was restored: every page shows the records as they now are."""
        self.afterword.interrupted = []
        self.compose.forget()
        self._records_changed()
        self.templates.refresh()
        self.update_banner()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New message", QKeySequence.StandardKey.New, self.new_message)
        self._action(file_menu, "New &contact…", "Ctrl+Shift+C", self._new_contact)
        self._action(file_menu, "New &interview…", "Ctrl+Shift+I", self._new_interview)
        self._action(file_menu, "&Save", QKeySequence.StandardKey.Save, self._save)
        self.templates.save_shortcut.setEnabled(False)  # File › Save serves that tab too
        self._action(file_menu, "Sen&d", "Ctrl+Return", self._send)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        self._action(edit_menu, "&Find contact", QKeySequence.StandardKey.Find, self._find)
        view_menu = self.menuBar().addMenu("&View")
        for number, (page, title) in enumerate(self._areas(), start=1):
            label = title.replace("&&", "\0").replace("&", "").replace("\0", "&&")
            self._action(view_menu, label, f"Ctrl+{number}", lambda p=page: self.show_area(p))

    def _action(
        self, menu: QMenu, text: str, keys: QKeySequence.StandardKey | str, slot: object
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- areas and actions --------------------------------------------------------------

    def show_area(self, page: QWidget) -> None:
        self.tabs.setCurrentWidget(page)

    def follow_up(self, interview_id: int, template_id: str) -> None:
        self.show_area(self.compose)
        self.compose.start_follow_up(interview_id, template_id)

    def write_due(self, item: DueItem) -> None:
        """A reminder from Today: its template, people and thread, ready to review."""
        if item.template_id is not None:
            self.write(item.interview_id, item.template_id, item.contact_ids or None, item.reply_to)

    def write(
        self,
        interview_id: int | None,
        template_id: str,
        contact_ids: Sequence[int] | None = None,
        reply_to: int | None = None,
    ) -> None:
        self.show_area(self.compose)
        self.compose.start_follow_up(interview_id, template_id, contact_ids, reply_to)

    def open_draft(self, message_id: int) -> None:
        self.show_area(self.compose)
        self.compose.open_draft(message_id)

    def new_message(self) -> None:
        self.show_area(self.compose)
        self.compose.new_message()

    def _new_contact(self) -> None:
        self.show_area(self.contacts)
        self.contacts.new_contact()

    def _new_interview(self) -> None:
        self.show_area(self.interviews)
        self.interviews.new_interview()

    def _save(self) -> None:
        """Ctrl+S: the template on Templates, the settings on Settings, else the draft."""
        if self.tabs.currentWidget() is self.templates:
            self.templates.save()
        elif self.tabs.currentWidget() is self.settings_page:
            self.settings_page.save()
        else:
            self.compose.save_draft()

    def _send(self) -> None:
        if self.tabs.currentWidget() is self.compose:
            self.compose.send()

    def _find(self) -> None:
        self.show_area(self.contacts)
        self.contacts.focus_search()

    # --- first run and notices ----------------------------------------------------------

    def update_banner(self) -> None:
        store = self.afterword.store
        interrupted = [
            i
            for i in self.afterword.interrupted
            if store.message(i).state is MessageState.UNCERTAIN
        ]
        if interrupted:
            self._notice(
                f"{len(interrupted)} message(s) were being sent when Afterword last stopped. "
                "They may or may not have arrived: check them before sending again.",
                "Check in Outbox && Sent",
            )
        elif self.settings_notice:
            self._notice(self.settings_notice, "")
        elif self.afterword.outbox.account() is None:
            self._notice(
                "Welcome! To send follow-ups, first set up your mail account and your name.",
                "Set up my account",
            )
        else:
            self._notice("", "")

    def _notice(self, text: str, button: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.banner_button.setText(button)
        self.banner_button.setVisible(bool(button))

    def _banner_action(self) -> None:
        if "Outbox" in self.banner_button.text():
            self.show_area(self.sent)
        else:
            self.show_area(self.settings_page)

    # --- window state -------------------------------------------------------------------

    def _restore(self) -> None:
        """Window size and area; a settings file that makes no sense is set aside."""
        geometry, area = self.settings.value("geometry"), self.settings.value("area", 0)
        try:
            area = int(area)  # type: ignore[call-overload]
            if geometry is not None and not self.restoreGeometry(geometry):
                raise ValueError("geometry")
        except (TypeError, ValueError):
            self._set_aside_settings()
            geometry, area = None, 0
        if geometry is None:
            self.resize(1000, 700)
        self.tabs.setCurrentIndex(area)

    def _set_aside_settings(self) -> None:
        path = Path(self.settings.fileName())
        kept = set_aside(path)
        self.settings = QSettings(str(path), QSettings.Format.IniFormat)
        self.settings_notice = (
            f"The window settings file could not be read; it was kept as {kept.name} and "
            "the window starts with its usual size."
        )

    @property
    def sending(self) -> bool:
        return self.runner.sends > 0

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.afterword.store.is_open:  # the records were closed first: nothing to keep
            event.accept()
            return
        if self.sending and not dialogs.ask(
            self,
            "A message is still being sent. Quit once it is done? Afterword waits for "
            "the server's answer first (at most a minute), so it is recorded as it should be.",
            yes="Quit when sent",
            no="Keep working",
        ):
            event.ignore()
            return
        if self.templates.has_unsaved_changes() and not dialogs.ask(
            self,
            "The template you are editing has changes that are not saved. Quit anyway and "
            "lose them?",
            yes="Quit and lose them",
            no="Keep editing",
        ):
            self.show_area(self.templates)
            event.ignore()
            return
        if self.settings_page.has_unsaved_changes() and not dialogs.ask(
            self,
            "Your changes in Settings are not saved. Quit anyway and lose them?",
            yes="Quit and lose them",
            no="Keep editing",
        ):
            self.show_area(self.settings_page)
            event.ignore()
            return
        self.compose.save_draft()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("area", self.tabs.currentIndex())
        self.settings.sync()
        event.accept()
