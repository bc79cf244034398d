"""The main window: the areas in a sidebar (ui/sidebar.py) beside the one shown, menus and
shortcuts, and a note when set-up is due.

Each area is a widget module of its own; this only wires them together.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from composer import APP_NAME
from composer.afterword import Afterword
from composer.broken_files import set_aside
from composer.clock import Clock
from composer.errors import AfterwordError
from composer.records import MessageState
from composer.store import IMAP_ACCOUNT_SETTING
from ui import dialogs, spelling
from ui.area_counts import COUNTS_AFTER_MS, AreaCounts
from ui.areas import AREAS, area_frames
from ui.mailbox_watch import MailboxWatcher
from ui.operations import EVERY_RECORD, Changes
from ui.runner import Runner
from ui.sidebar import Sidebar
from ui.undo_send import keep_waiting_as_draft
from ui.widgets import PAGE_MARGIN
from ui.window_menus import add_area_keys, add_menus

if TYPE_CHECKING:  # each area's module is imported when the area is first shown
    from composer.due import DueItem
    from composer.mailbox import MailboxVisit
    from ui.compose import ComposePage
    from ui.contacts import ContactsPage
    from ui.feedback import FeedbackPage
    from ui.first_run import FirstRunAssistant
    from ui.interviews import InterviewsPage
    from ui.sent import SentPage
    from ui.settings import SettingsPage
    from ui.templates_page import TemplatesPage
    from ui.today import TodayPage


COMPOSE_SHOWS = Changes.CONTACTS | Changes.INTERVIEWS | Changes.PROFILE | Changes.TEMPLATES


def _refresh(page: Any) -> None:
    page.refresh()


class MainWindow(QMainWindow):
    """Each area is built the first time it is shown (or asked for): opening the window
    costs one page, not eight, and what an area loads is loaded when it is wanted."""

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner | None = None,
        *,
        demo: str = "",
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.afterword = afterword
        self.runner = runner or Runner(self)
        self.runner.changed.connect(self._announced)
        self.clock = clock or afterword.clock  # tests may move the window's day alone
        self.setWindowTitle(f"{APP_NAME} (demo)" if demo else APP_NAME)
        self.settings = QSettings(
            str(afterword.paths.config_dir / "window.ini"), QSettings.Format.IniFormat
        )
        self.settings_notice = ""
        self._built: dict[str, QWidget] = {}
        self.sidebar = Sidebar(AREAS)
        self.counts = AreaCounts(afterword, self.runner, self.sidebar)
        self.stack = QStackedWidget()
        self.frames = area_frames()
        for frame in self.frames:
            self.stack.addWidget(frame)  # empty until the area is first shown
        self.sidebar.currentRowChanged.connect(self.show_area_at)
        self.stack.currentChanged.connect(self._build_shown)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Notice")
        self.assistant: FirstRunAssistant | None = None  # the first-run assistant, once opened
        self.banner_button = QPushButton()
        self.banner_button.setAccessibleName("Notice action")
        self.banner_button.clicked.connect(self._banner_action)
        self.demo_label = QLabel(demo)
        self.demo_label.setWordWrap(True)
        self.demo_label.setAccessibleName("Demo notice")
        self.demo_label.setVisible(bool(demo))
        self.mailbox = MailboxWatcher(afterword, self.runner, self.clock, self)
        self.mailbox.visited.connect(self._mailbox_visited)
        self.mailbox.said.connect(self._mailbox_said)
        self._lay_out()
        self._menus()
        add_area_keys(self)
        self._restore()
        self._build_shown(self.stack.currentIndex())
        self.update_banner()
        self.mailbox.start()
        self._watch_scheduled()

    # --- the areas, built when first wanted ---------------------------------------------

    @property
    def today(self) -> TodayPage:
        return cast("TodayPage", self._area("today"))

    @property
    def interviews(self) -> InterviewsPage:
        return cast("InterviewsPage", self._area("interviews"))

    @property
    def contacts(self) -> ContactsPage:
        return cast("ContactsPage", self._area("contacts"))

    @property
    def compose(self) -> ComposePage:
        return cast("ComposePage", self._area("compose"))

    @property
    def sent(self) -> SentPage:
        return cast("SentPage", self._area("sent"))

    @property
    def feedback(self) -> FeedbackPage:
        return cast("FeedbackPage", self._area("feedback"))

    @property
    def templates(self) -> TemplatesPage:
        return cast("TemplatesPage", self._area("templates"))

    @property
    def settings_page(self) -> SettingsPage:
        return cast("SettingsPage", self._area("settings_page"))

    def built(self, name: str) -> QWidget | None:
        """The area if it was built; an area never built has nothing to refresh or save."""
        return self._built.get(name)

    def _area(self, name: str) -> QWidget:
        if name not in self._built:
            page = self._make(name)
            self._built[name] = page
            self._place(name, page)
            getattr(self, f"_wire_{name}")(page)
        return self._built[name]

    def _make(self, name: str) -> QWidget:
        afterword, runner = self.afterword, self.runner
        if name == "today":
            from ui.today import TodayPage

            return TodayPage(afterword, runner, clock=self.clock)
        module, kind = {
            "interviews": ("ui.interviews", "InterviewsPage"),
            "contacts": ("ui.contacts", "ContactsPage"),
            "compose": ("ui.compose", "ComposePage"),
            "sent": ("ui.sent", "SentPage"),
            "feedback": ("ui.feedback", "FeedbackPage"),
            "templates": ("ui.templates_page", "TemplatesPage"),
            "settings_page": ("ui.settings", "SettingsPage"),
        }[name]
        page: QWidget = getattr(importlib.import_module(module), kind)(afterword, runner)
        return page

    def _place(self, name: str, page: QWidget) -> None:
        self.frames[[n for n, _ in AREAS].index(name)].put(page)

    def _build_shown(self, index: int) -> None:
        if 0 <= index < len(AREAS):
            self._area(AREAS[index][0])
            self.sidebar.setCurrentRow(index)
            if self.counts.started:
                self.update_counts()  # whatever happened elsewhere, the counts catch up

    def _refresh_if_built(self, name: str, refresh: Callable[[Any], object]) -> None:
        page = self.built(name)
        if page is not None:
            refresh(page)

    def _wire_today(self, page: TodayPage) -> None:
        page.counted.connect(self.counts.show_due)
        page.compose_requested.connect(self.write_due)
        page.check_replies_requested.connect(self.check_mailbox)
        page.new_interview_requested.connect(self.new_interview)
        page.changed.connect(self._records_changed)
        page.open_message_requested.connect(self.show_message)
        page.settings_requested.connect(lambda: self.show_area(self.settings_page))
        page.edit_interview_requested.connect(self._edit_interview)

    def _wire_interviews(self, page: InterviewsPage) -> None:
        page.changed.connect(self._records_changed)
        page.follow_up_requested.connect(self.follow_up)

    def _wire_contacts(self, page: ContactsPage) -> None:
        page.changed.connect(self._records_changed)

    def _watch_scheduled(self) -> None:
        """Send later: due messages go while the window is open; overdue ones are asked about."""
        from ui.scheduled_sends import ScheduledSends

        self.scheduled = ScheduledSends(self.afterword, self.runner, self.clock, self)
        self.scheduled.said.connect(self.statusBar().showMessage)
        self.scheduled.sent.connect(self._records_changed)
        self.scheduled.start()

    def _wire_compose(self, page: ComposePage) -> None:
        from ui.undo_send import UndoBar  # "Sending in 9… Undo" stays in view in every area

        self.statusBar().addPermanentWidget(UndoBar(page.undo_send))
        page.sent.connect(lambda _: self.announce(Changes.MESSAGES | Changes.DUE))
        page.saved.connect(lambda _: self.announce(Changes.MESSAGES))
        page.fix_account_requested.connect(lambda: self.show_area(self.settings_page))

    def _wire_sent(self, page: SentPage) -> None:
        page.open_draft_requested.connect(self.open_draft)
        page.changed.connect(lambda: self.announce(Changes.MESSAGES))

    def _wire_feedback(self, page: FeedbackPage) -> None:
        page.changed.connect(lambda: self.announce(Changes.FEEDBACK | Changes.LESSONS))
        page.thank_requested.connect(
            lambda interview_id, template_id, people: self.write(
                interview_id, template_id, people or None
            )
        )

    def _wire_templates(self, page: TemplatesPage) -> None:
        page.save_shortcut.setEnabled(False)  # File › Save serves that tab too
        page.changed.connect(lambda: self.announce(Changes.TEMPLATES))

    def _wire_settings_page(self, page: SettingsPage) -> None:
        page.account_changed.connect(self.update_banner)
        page.profile_changed.connect(lambda: self.announce(Changes.PROFILE))
        page.dates_changed.connect(self._records_changed)  # dates are written anew
        page.records_replaced.connect(self._records_replaced)
        page.restoring.connect(self._restoring)
        page.mailbox_changed.connect(self.mailbox.start)

    def _lay_out(self) -> None:
        """The sidebar the window's full height; notices above the area they concern."""
        notice = QHBoxLayout()
        notice.addWidget(self.banner, 1)
        notice.addWidget(self.banner_button)
        shown = QVBoxLayout()
        shown.setContentsMargins(0, 0, 0, 0)
        shown.setSpacing(0)
        notices = QWidget()  # a widget, not a nested layout: with its row of notice and
        # button hidden, a layout would be measured as narrow as that empty row
        column = QVBoxLayout(notices)
        column.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN // 2, PAGE_MARGIN, 0)
        column.addWidget(self.demo_label)
        column.addLayout(notice)
        shown.addWidget(notices)
        shown.addWidget(self.stack, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.areas = QWidget()
        self.areas.setAccessibleName("Areas and the area shown")
        row = QHBoxLayout(self.areas)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(line)
        row.addLayout(shown, 1)
        self.setCentralWidget(self.areas)

    def showEvent(self, event: QShowEvent) -> None:
        """The counts begin a moment after the window is up: the area shown first gets the
        worker threads (and the time to import its modules) to itself. Counting at once
        doubled the time to the first rows painted (bench: start-up, app / bare)."""
        super().showEvent(event)
        if not self.counts.started:
            self.counts.started = True
            QTimer.singleShot(COUNTS_AFTER_MS, self, self._start_counting)

    def _start_counting(self) -> None:
        """Today is built even when another area is shown: its due count is the sidebar's."""
        if not self.isVisible() or not self.afterword.store.is_open:  # closed meanwhile
            return
        today = self.today
        if not today.isVisible():
            today.refresh()
        self.update_counts()

    def update_counts(self) -> None:
        self.counts.update()

    def _records_changed(self) -> None:
        self.announce(EVERY_RECORD)

    def announce(self, changes: Changes) -> None:
        """For a change made outside ``ui.operations`` (an import, a batch sent later)."""
        self.runner.changed.emit(changes)

    def _announced(self, changes: Changes) -> None:
        """The pages refresh themselves; the window's own parts, and Compose, catch up."""
        if changes & COMPOSE_SHOWS:
            self._refresh_if_built("compose", _refresh)
        if changes & Changes.MESSAGES:
            self.update_banner()
        self.update_counts()

    def _restoring(self, busy: bool) -> None:
        """While a backup is restored nothing may be written: an edit made meanwhile would
        be in neither the safety copy nor the restored records. Compose's draft is saved
        first, so the safety copy has it."""
        if busy:
            self._refresh_if_built("compose", lambda page: page.save_draft())
        self.mailbox.hold(busy)
        self.scheduled.held = busy  # nor does a scheduled message go meanwhile
        self.areas.setEnabled(not busy)
        self.menuBar().setEnabled(not busy)

    def _records_replaced(self) -> None:
        """A backup was restored: every page shows the records as they now are."""
        self.afterword.interrupted = []
        self._refresh_if_built("compose", lambda page: page.forget())
        self._records_changed()
        self._refresh_if_built("templates", _refresh)
        spelling.service(self.afterword).reload()  # the user's own words came back with it
        self.update_banner()

    def _menus(self) -> None:
        self.edit_menu = add_menus(self)

    # --- areas and actions --------------------------------------------------------------

    def show_area(self, page: QWidget) -> None:
        for index, frame in enumerate(self.frames):
            if frame.page is page:
                self.show_area_at(index)
                return
        raise ValueError("not one of the window's areas")

    def show_area_at(self, index: int) -> None:
        """The area in the sidebar's row ``index`` (Ctrl+1 is 0)."""
        self.stack.setCurrentIndex(index)

    def current_area(self) -> QWidget:
        """The page shown; always built (an area is built as it is shown)."""
        page = self.frames[self.stack.currentIndex()].page
        assert page is not None
        return page

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

    def new_contact(self) -> None:
        self.show_area(self.contacts)
        self.contacts.new_contact()

    def new_interview(self) -> None:
        self.show_area(self.interviews)
        self.interviews.new_interview()

    def _edit_interview(self, interview_id: int) -> None:
        self.show_area(self.interviews)
        self.interviews.edit_interview(interview_id)

    def show_message(self, message_id: int) -> None:
        """From Today: the message in Outbox & Sent, in its folder."""
        self.show_area(self.sent)
        self.sent.show_message(message_id)

    def save(self) -> None:
        """Ctrl+S: the template on Templates, the settings on Settings, else the draft."""
        current = self.current_area()
        if current is self.built("templates"):
            self.templates.save()
        elif current is self.built("settings_page"):
            self.settings_page.save()
        else:
            self._refresh_if_built("compose", lambda page: page.save_draft())

    def send(self) -> None:
        if self.current_area() is self.built("compose"):
            self.compose.send()

    def find_contact(self) -> None:
        self.show_area(self.contacts)
        self.contacts.focus_search()

    # --- the mailbox ----------------------------------------------------------------------

    def check_mailbox(self) -> None:
        if not self.afterword.store.get_setting(IMAP_ACCOUNT_SETTING):
            dialogs.tell(
                self,
                "To have replies noticed, set up your mailbox (IMAP) in Settings first.",
            )
            self.show_area(self.settings_page)
            return
        self.statusBar().showMessage("Looking for replies…")
        self.mailbox.check()

    def _mailbox_visited(self, result: MailboxVisit) -> None:
        if result.replies.noted or result.filing.filed or result.filing.failed:
            self._records_changed()

    def _mailbox_said(self, text: str) -> None:
        self.statusBar().showMessage(text)
        self._refresh_if_built("settings_page", lambda page: page.show_mailbox_status(text))

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
        elif not self.afterword.has_account():
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
            if not self.afterword.has_account():
                self.set_up_account()

    def set_up_account(self) -> None:
        """The first-run assistant (ui/first_run.py); once, however often it is asked for."""
        from ui.first_run import FirstRunAssistant

        if self.assistant is not None and self.assistant.isVisible():
            self.assistant.raise_()
            return
        self.assistant = FirstRunAssistant(self.afterword, self.runner, self)
        self.assistant.set_up.connect(self._account_set_up)
        self.assistant.open()

    def _account_set_up(self) -> None:
        self.update_banner()
        self._refresh_if_built("settings_page", lambda page: page.reload())
        self._refresh_if_built("compose", _refresh)

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
        self.show_area_at(area if 0 <= area < len(AREAS) else 0)

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

    def _draft_kept(self) -> bool:
        """Saves what Compose holds; one that cannot be saved (the records busy in another
        program, a full disk) would be lost by quitting, so the user is asked first."""
        if self.built("compose") is None:
            return True
        try:
            self.compose.save_draft()
        except AfterwordError as error:
            self.show_area(self.compose)
            return dialogs.ask(
                self,
                f"Your message in Compose could not be saved as a draft: {error} Quit anyway "
                "and lose it?",
                yes="Quit and lose it",
                no="Keep working",
            )
        return True

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
        templates, settings = self.built("templates"), self.built("settings_page")
        if (
            templates is not None
            and self.templates.has_unsaved_changes()
            and not dialogs.ask(
                self,
                "The template you are editing has changes that are not saved. Quit anyway and "
                "lose them?",
                yes="Quit and lose them",
                no="Keep editing",
            )
        ):
            self.show_area(self.templates)
            event.ignore()
            return
        if (
            settings is not None
            and self.settings_page.has_unsaved_changes()
            and not dialogs.ask(
                self,
                "Your changes in Settings are not saved. Quit anyway and lose them?",
                yes="Quit and lose them",
                no="Keep editing",
            )
        ):
            self.show_area(self.settings_page)
            event.ignore()
            return
        if self.built("compose") is not None and (told := keep_waiting_as_draft(self.compose)):
            dialogs.tell(self, told)  # it waited for Undo: not sent, kept, and said so
        if not self._draft_kept():
            event.ignore()
            return
        self.mailbox.stop()
        self.scheduled.stop()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("area", self.stack.currentIndex())
        self.settings.sync()
        event.accept()
