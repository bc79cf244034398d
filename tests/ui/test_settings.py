"""Settings: the profile, the mail account with its password in the real keyring, a test send."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from composer.account import Security
from composer.afterword import Afterword
from composer.credentials import SERVICE
from composer.errors import NoKeyring
from composer.paths import Paths
from composer.records import MessageState, Profile
from composer.store import ACCOUNT_SETTING
from tests.helpers.smtp_server import PASSWORD, USER, SmtpServer, free_port
from ui import dialogs
from ui.from_line import from_line_text
from ui.password_hint import NOT_STORED, SESSION_ONLY, STORED
from ui.runner import Runner
from ui.settings import SettingsPage

WAIT = 10_000  # ms: a callback from the runner, or a real SMTP exchange
OpenAfterword = Callable[[Any], Afterword]
MakePage = Callable[[Afterword], SettingsPage]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def open_afterword(paths: Paths) -> Iterator[OpenAfterword]:
    opened: list[Afterword] = []

    def open_(backend: Any) -> Afterword:
        afterword = Afterword.open(paths, keyring_backend=backend)
        opened.append(afterword)
        return afterword

    yield open_
    for afterword in opened:
        afterword.close()


@pytest.fixture
def no_keyring(open_afterword: OpenAfterword) -> Afterword:
    return open_afterword(keyring.backends.fail.Keyring())


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[Runner]:
    """Overrides tests/ui/conftest.py's: settles every keyring or SMTP callback through qtbot."""
    running = Runner()
    yield running
    qtbot.waitUntil(lambda: running.busy == 0, timeout=WAIT)  # no callback after teardown


@pytest.fixture
def make_page(qtbot: QtBot, runner: Runner) -> MakePage:
    def make(afterword: Afterword) -> SettingsPage:
        page = SettingsPage(afterword, runner)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)  # keyring checks answered
        return page

    return make


def fill_account(page: SettingsPage, server: SmtpServer, password: str = PASSWORD) -> None:
    page.host.setText(server.host)
    page.security.setCurrentIndex(page.security.findData(Security.STARTTLS.value))
    page.port.setValue(server.port)
    page.username.setText(USER)
    page.from_address.setText("zoe@example.org")
    page.password.setText(password)


def choose_ca(page: SettingsPage, ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def choose(parent: QWidget | None, caption: str, filters: str = "") -> str:
        asked.append(caption)
        return str(ca_file)

    monkeypatch.setattr(dialogs, "choose_file", choose)
    page.choose_ca_button.click()
    assert asked and page.ca_file.text() == str(ca_file)


def save_account(qtbot: QtBot, page: SettingsPage, expected: str) -> None:
    with qtbot.waitSignal(page.account_changed, timeout=WAIT):
        page.save_button.click()
    qtbot.waitUntil(lambda: expected in page.account_status.text(), timeout=WAIT)


@pytest.fixture
def in_keyring(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
) -> tuple[Afterword, SettingsPage]:
    """Settings with the account saved, its password in the real keyring."""
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    fill_account(page, smtp_server)
    save_account(qtbot, page, "Password saved in your system keyring.")
    return afterword, page


def send_test_message(qtbot: QtBot, page: SettingsPage) -> None:
    page.test_button.click()
    assert not page.test_button.isEnabled(), "no second click while it runs"
    qtbot.waitUntil(page.test_button.isEnabled, timeout=WAIT)


def files_holding(directory: Path, secret: str) -> list[Path]:
    needles = [secret.encode(), secret.encode("utf-16-le")]
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert files, f"nothing written under {directory}"
    return [p for p in files if any(n in p.read_bytes() for n in needles)]


def interactive_widgets(page: SettingsPage) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
    return [
        widget
        for widget in page.findChildren(QWidget)
        if isinstance(widget, kinds)
        and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))  # their inner parts
    ]


# --- the profile ------------------------------------------------------------------------------


def test_profile_is_saved_and_shown_again(
    qtbot: QtBot, no_keyring: Afterword, open_afterword: OpenAfterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    page.name.setText("Zoë Müller")
    page.email.setText("zoe@example.org")
    page.phone.setText("+44 20 7946 0000")
    page.signature.setPlainText("Zoë Müller\nData Engineer")
    with qtbot.waitSignal(page.profile_changed, timeout=WAIT):
        page.save_button.click()
    assert page.profile_status.text() == "Profile saved."
    no_keyring.close()

    again = make_page(open_afterword(keyring.backends.fail.Keyring()))
    assert again.name.text() == "Zoë Müller"
    assert again.email.text() == "zoe@example.org"
    assert again.phone.text() == "+44 20 7946 0000"
    assert again.signature.toPlainText() == "Zoë Müller\nData Engineer"


def test_a_bad_email_is_shown_at_its_field_and_nothing_is_lost(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    no_keyring.store.save_profile(Profile("Zoë", "zoe@example.org"))
    page = make_page(no_keyring)
    page.name.setText("Zoë Müller")
    page.email.setText("zoe at example")
    with qtbot.assertNotEmitted(page.profile_changed):
        page.save_button.click()
    assert "zoe at example" in page.email_error.text()
    assert "@" in page.email_error.text()  # says what an address needs
    assert page.name.text() == "Zoë Müller" and page.email.text() == "zoe at example"
    assert no_keyring.store.profile() == Profile("Zoë", "zoe@example.org"), "nothing saved"

    page.email.setText("zoe@example.net")
    page.save_button.click()
    assert page.email_error.text() == ""
    assert no_keyring.store.profile().email == "zoe@example.net"


# --- the account and the real keyring ---------------------------------------------------------


def test_account_saved_and_password_kept_only_in_the_real_keyring(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
    ca_file: Path,
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    assert page.keyring_status.text() == ""
    assert page.password.placeholderText() == NOT_STORED
    threads: list[threading.Thread] = []
    real_store = afterword.credentials.store

    def store_and_note_thread(key: str, password: str, *bound_to: Any) -> None:
        threads.append(threading.current_thread())
        real_store(key, password, *bound_to)

    monkeypatch.setattr(afterword.credentials, "store", store_and_note_thread)
    fill_account(page, smtp_server)
    choose_ca(page, ca_file, monkeypatch)
    save_account(qtbot, page, "Password saved in your system keyring.")

    account = afterword.outbox.account()
    assert account is not None
    assert (account.host, account.port, account.username) == (
        smtp_server.host,
        smtp_server.port,
        USER,
    )
    assert account.ca_file == str(ca_file)
    assert threads and threads[0] is not threading.main_thread(), "the keyring is slow: off GUI"
    assert secret_backend.get_password(SERVICE, account.key) == PASSWORD
    assert page.password.text() == ""
    assert page.password.placeholderText() == STORED
    assert all(PASSWORD not in label.text() for label in page.findChildren(QLabel))
    assert files_holding(paths.data_dir, PASSWORD) == []
    afterword.close()
    assert files_holding(paths.data_dir, PASSWORD) == []

    again = make_page(open_afterword(secret_backend))
    assert again.host.text() == smtp_server.host and again.port.value() == smtp_server.port
    assert again.ca_file.text() == str(ca_file)
    assert again.password.text() == "", "never filled from the keyring"
    assert again.password.placeholderText() == STORED


def test_a_changed_server_takes_its_password_along_and_leaves_no_old_entry(
    qtbot: QtBot,
    secret_backend: Any,
    smtp_server: SmtpServer,
    in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    afterword, page = in_keyring
    first = afterword.outbox.account()
    assert first is not None

    page.port.setValue(smtp_server.port + 1)  # the same account on another port
    save_account(qtbot, page, "Account saved.")
    moved = afterword.outbox.account()
    assert moved is not None and moved.key != first.key
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)  # moved, hint refreshed
    assert page.password.placeholderText() == STORED
    assert secret_backend.get_password(SERVICE, moved.key) == PASSWORD, "no need to retype"
    assert secret_backend.get_password(SERVICE, first.key) is None, "nothing left behind"

    page.username.setText("zoe.new")
    page.password.setText("another secret")
    save_account(qtbot, page, "Password saved in your system keyring.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    latest = afterword.outbox.account()
    assert latest is not None
    assert secret_backend.get_password(SERVICE, latest.key) == "another secret"
    assert secret_backend.get_password(SERVICE, moved.key) is None


def test_a_locked_keyring_keeps_the_old_entry_says_so_and_saving_again_moves_it(
    qtbot: QtBot,
    daemon: Any,
    secret_backend: Any,
    smtp_server: SmtpServer,
    in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    afterword, page = in_keyring
    first = afterword.outbox.account()
    assert first is not None

    daemon.lock()
    page.port.setValue(smtp_server.port + 1)
    save_account(qtbot, page, "Account saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert "keyring is locked" in page.account_status.text()
    assert "unlock it, then save again" in page.account_status.text()
    assert page.has_unsaved_changes(), "the password is not where the account is"

    daemon.unlock()
    save_account(qtbot, page, "Account saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    moved = afterword.outbox.account()
    assert moved is not None
    assert secret_backend.get_password(SERVICE, moved.key) == PASSWORD
    assert secret_backend.get_password(SERVICE, first.key) is None, "nothing left behind"
    assert page.account_status.text() == "Account saved."
    assert page.password.placeholderText() == STORED
    assert not page.has_unsaved_changes()


def test_a_keyring_locked_at_start_is_said_not_taken_for_a_missing_password(
    qtbot: QtBot,
    daemon: Any,
    make_page: MakePage,
    in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    afterword, _ = in_keyring

    daemon.lock()
    again = make_page(afterword)
    assert "keyring is locked" in again.keyring_status.text()


def test_a_test_message_reaches_the_server_addressed_to_me(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afterword = open_afterword(secret_backend)
    afterword.store.save_profile(Profile("Zoë Müller", "me@example.net"))
    page = make_page(afterword)
    fill_account(page, smtp_server)
    choose_ca(page, ca_file, monkeypatch)
    save_account(qtbot, page, "Password saved in your system keyring.")

    send_test_message(qtbot, page)
    assert page.test_status.text().startswith("Test message sent to me@example.net: 250")
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0].recipients == ["me@example.net"]
    assert afterword.store.message_ids(MessageState.SENT) == [], "a check, not a message"


# --- without a keyring ------------------------------------------------------------------------


def test_without_a_keyring_the_password_is_used_for_this_session(
    qtbot: QtBot,
    no_keyring: Afterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page(no_keyring)
    assert "No system keyring is available" in page.keyring_status.text()
    fill_account(page, smtp_server)
    choose_ca(page, ca_file, monkeypatch)
    save_account(qtbot, page, "this session only")
    assert "No system keyring is available" in page.account_status.text()
    assert page.password.text() == ""
    assert all(PASSWORD not in label.text() for label in page.findChildren(QLabel))

    send_test_message(qtbot, page)
    assert page.test_status.text().startswith("Test message sent to zoe@example.org: 250")
    assert len(smtp_server.received) == 1


def test_a_password_for_this_session_is_still_said_to_be_so_after_the_account_moved(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage, smtp_server: SmtpServer
) -> None:
    page = make_page(no_keyring)
    fill_account(page, smtp_server)
    save_account(qtbot, page, "this session only")
    assert page.password.placeholderText() == SESSION_ONLY

    page.port.setValue(smtp_server.port + 1)  # the password follows, still in memory only
    save_account(qtbot, page, "Account saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    moved = no_keyring.outbox.account()
    assert moved is not None and no_keyring.credentials.password(moved.key) == PASSWORD
    assert page.password.placeholderText() == SESSION_ONLY, "not 'Stored in your keyring'"


def test_a_failed_test_message_says_why(
    qtbot: QtBot,
    no_keyring: Afterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page(no_keyring)
    send_test_message(qtbot, page)
    assert "No mail account is set up yet" in page.test_status.text()

    fill_account(page, smtp_server, password="wrong password")
    choose_ca(page, ca_file, monkeypatch)
    save_account(qtbot, page, "this session only")
    monkeypatch.setattr(dialogs, "run_dialog", lambda dialog: False)  # asked again: Cancel
    send_test_message(qtbot, page)
    assert page.test_status.text().startswith("The test message was not sent: ")
    assert "did not accept the user name or password" in page.test_status.text()
    assert "wrong password" not in page.test_status.text()
    assert smtp_server.received == []


def test_a_test_message_uses_the_account_and_password_on_screen_and_leaves_no_record(
    qtbot: QtBot,
    no_keyring: Afterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page(no_keyring)
    fill_account(page, smtp_server, password="wrong password")
    choose_ca(page, ca_file, monkeypatch)
    save_account(qtbot, page, "this session only")

    page.password.setText(PASSWORD)  # corrected, not saved yet
    send_test_message(qtbot, page)
    assert page.test_status.text().startswith("Test message sent to zoe@example.org: 250")

    page.password.clear()
    page.port.setValue(free_port())  # a wrong port, not saved: nothing listens there
    asked: list[str] = []  # the password was saved for the other port: asked, and Cancel

    def cancel(dialog: object) -> bool:
        asked.append("asked")
        return False

    monkeypatch.setattr(dialogs, "run_dialog", cancel)
    send_test_message(qtbot, page)
    assert asked == ["asked"]
    assert page.test_status.text().startswith("The test message was not sent: ")
    assert len(smtp_server.received) == 1
    assert no_keyring.store.message_ids(MessageState.FAILED) == [], "no failed record left"
    assert no_keyring.store.message_ids(MessageState.SENT) == []


# --- what is refused, and how it is said ------------------------------------------------------


def test_plain_text_to_another_computer_is_refused_and_nothing_typed_is_lost(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    page.host.setText("mail.example.org")
    page.security.setCurrentIndex(page.security.findData(Security.NONE.value))
    page.port.setValue(25)
    page.username.setText(USER)
    page.from_address.setText("zoe@example.org")
    page.password.setText(PASSWORD)
    with qtbot.assertNotEmitted(page.account_changed):
        page.save_button.click()
    assert "only allowed to this computer, not to mail.example.org" in page.account_status.text()
    assert no_keyring.outbox.account() is None
    assert page.host.text() == "mail.example.org" and page.password.text() == PASSWORD
    with pytest.raises(NoKeyring):  # nothing was kept for the session either
        no_keyring.credentials.password("smtp:zoe@mail.example.org:25")


def test_changing_security_suggests_its_usual_port_but_keeps_a_custom_one(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    assert page.port.value() == 587
    page.security.setCurrentIndex(page.security.findData(Security.TLS.value))
    assert page.port.value() == 465
    page.security.setCurrentIndex(page.security.findData(Security.STARTTLS.value))
    assert page.port.value() == 587
    page.port.setValue(2525)
    page.security.setCurrentIndex(page.security.findData(Security.TLS.value))
    assert page.port.value() == 2525


def test_the_ca_file_can_be_cleared(
    no_keyring: Afterword, make_page: MakePage, ca_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(no_keyring)
    choose_ca(page, ca_file, monkeypatch)
    page.clear_ca_button.click()
    assert page.ca_file.text() == ""


# --- accessibility ----------------------------------------------------------------------------


def test_every_interactive_widget_has_an_accessible_name(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    widgets = interactive_widgets(page)
    assert len(widgets) >= 15
    unnamed = [type(w).__name__ for w in widgets if not w.accessibleName().strip()]
    assert unnamed == []


def test_the_keyboard_reaches_every_widget(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    page.mailbox.shared_password.setChecked(False)  # shows the mailbox's own password
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    page.name.setFocus()
    qtbot.waitUntil(page.name.hasFocus)
    reached: list[QWidget] = []
    for _ in range(60):
        focused = QApplication.focusWidget()
        assert focused is not None
        reached.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    enabled = [w for w in interactive_widgets(page) if w.isEnabled()]  # not Remove, yet
    missing = [w.accessibleName() for w in enabled if w not in reached]
    assert missing == []


def test_a_name_that_cannot_go_into_a_header_is_refused_at_save(
    afterword: Afterword, make_page: MakePage
) -> None:
    page = make_page(afterword)  # its keyring check answered before the page goes
    page.name.setText("Zoë\x00Müller")
    page.save_profile()
    assert "your name contains a line break or a control character" in page.profile_status.text()
    assert afterword.store.profile().name == ""


# --- damaged settings -------------------------------------------------------------------------


def test_a_damaged_account_is_said_on_the_page_and_set_again_by_saving(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    smtp_server: SmtpServer,
) -> None:
    """Settings a hand edit or a newer version broke: the page opens, says what is damaged
    and where to set it, and saving the account again mends it (a newer version's keys kept)."""
    afterword = open_afterword(secret_backend)
    afterword.store.set_setting(
        ACCOUNT_SETTING,
        {"host": "smtp.example.org", "port": "587", "security": "starttls", "newer": 1},
    )
    page = make_page(afterword)
    assert page.account_status.text() == (
        "Your mail account settings are damaged (port is not a number). "
        "Set them again in Settings › Account."
    )
    assert (
        from_line_text(afterword) == page.account_status.text()
    )  # Compose's From line says it too

    fill_account(page, smtp_server)
    save_account(qtbot, page, "Password saved in your system keyring.")

    account = afterword.outbox.account()
    assert account is not None and account.port == smtp_server.port
    assert afterword.store.get_setting(ACCOUNT_SETTING)["newer"] == 1
