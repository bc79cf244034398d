"""Settings › Mailbox (IMAP) and the provider presets: real Dovecot, the real keyring daemon."""

# ruff: noqa: F811  (the fixtures imported below are parameters of the tests)

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from composer.account import ImapAccount, Security, SmtpAccount
from composer.afterword import Afterword
from composer.credentials import SERVICE
from composer.errors import NoKeyring
from composer.mailbox import MailboxSettings, mailbox_settings
from composer.password_binding import Destination
from composer.paths import Paths
from composer.providers import presets
from tests.helpers.imap_fixtures import dovecot, imap_user  # noqa: F401
from tests.helpers.imap_server import PASSWORD, DovecotServer, free_port
from tests.ui.conftest import Dialogs
from tests.ui.helpers import mnemonics
from tests.ui.test_settings import (  # the Settings page's own fixtures
    WAIT,
    MakePage,
    OpenAfterword,
    files_holding,
    make_page,
    no_keyring,
    open_afterword,
    runner,
)
from ui.mailbox_settings import MailboxGroup
from ui.password_hint import NOT_STORED, STORED
from ui.settings import SettingsPage

__all__ = ["make_page", "no_keyring", "open_afterword", "runner"]


# --- helpers ----------------------------------------------------------------------------------


def choose_provider(page: SettingsPage, name: str) -> None:
    """As a user picking it from the list: Qt sets the item, then says it was activated."""
    index = page.provider.findText(name)
    assert index >= 0, f"no provider {name!r}"
    page.provider.setCurrentIndex(index)
    page.provider.activated.emit(index)


def fill_mailbox(
    box: MailboxGroup, dovecot: DovecotServer, user: str, ca_file: Path | None
) -> None:
    box.host.setText(dovecot.host)
    box.security.setCurrentIndex(box.security.findData(Security.TLS.value))
    box.port.setValue(dovecot.tls_port)
    box.username.setText(user)
    box.ca_file.setText(str(ca_file) if ca_file else "")


def own_password(box: MailboxGroup, password: str) -> None:
    box.shared_password.setChecked(False)
    box.password.setText(password)


def save(qtbot: QtBot, page: SettingsPage, expected: str) -> None:
    with qtbot.waitSignal(page.mailbox_changed, timeout=WAIT):
        page.mailbox.save_button.click()
    qtbot.waitUntil(lambda: expected in page.mailbox.status.text(), timeout=WAIT)


OWN_KEY = ImapAccount("imap.example.org", 993, Security.TLS, "zoe").key


def saved_with_own_password(qtbot: QtBot, page: SettingsPage) -> None:
    """imap.example.org for zoe, saved with a password of its own, in the keyring (OWN_KEY)."""
    page.mailbox.host.setText("imap.example.org")
    page.mailbox.username.setText("zoe")
    own_password(page.mailbox, "own secret")
    save(qtbot, page, "Password saved in your system keyring.")


@pytest.fixture
def own_in_keyring(
    qtbot: QtBot, secret_backend: Any, open_afterword: OpenAfterword, make_page: MakePage
) -> tuple[Afterword, SettingsPage]:
    """A mailbox saved with a password of its own, in the real keyring (OWN_KEY)."""
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    saved_with_own_password(qtbot, page)
    return afterword, page


@pytest.fixture
def filled(
    no_keyring: Afterword,
    make_page: MakePage,
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> SettingsPage:
    """Settings with the test's Dovecot account typed in, not saved; no keyring."""
    page = make_page(no_keyring)
    fill_mailbox(page.mailbox, dovecot, imap_user, ca_file)
    return page


def click_test_connection(qtbot: QtBot, box: MailboxGroup) -> str:
    box.test_button.click()
    assert not box.test_button.isEnabled(), "no second click while it runs"
    qtbot.waitUntil(box.test_button.isEnabled, timeout=WAIT)
    return box.test_status.text()


def labels_text(page: SettingsPage) -> str:
    return "\n".join(label.text() for label in page.findChildren(QLabel))


# --- provider presets -------------------------------------------------------------------------


def test_a_provider_fills_both_servers_and_shows_its_note(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    box = page.mailbox
    assert page.provider.currentText() == "Choose a provider…"
    assert page.provider_note.isHidden()
    page.username.setText("zoe@gmail.com")
    page.password.setText("typed app password")
    box.username.setText("zoe.imap")

    choose_provider(page, "Gmail")
    assert (page.host.text(), page.port.value(), page.security.currentData()) == (
        "smtp.gmail.com",
        465,
        Security.TLS.value,
    )
    assert (box.host.text(), box.port.value(), box.security.currentData()) == (
        "imap.gmail.com",
        993,
        Security.TLS.value,
    )
    assert box.server_files_sent.isChecked()
    assert "app password" in page.provider_note.text() and page.provider_note.wordWrap()
    assert not page.provider_note.isHidden()
    assert page.username.text() == "zoe@gmail.com" and page.password.text() == "typed app password"
    assert box.username.text() == "zoe.imap"

    choose_provider(page, "iCloud")
    assert (page.host.text(), page.port.value(), page.security.currentData()) == (
        "smtp.mail.me.com",
        587,
        Security.STARTTLS.value,
    )
    assert (box.host.text(), box.port.value()) == ("imap.mail.me.com", 993)
    assert not box.server_files_sent.isChecked(), "iCloud does not file Sent itself"
    assert "app-specific password" in page.provider_note.text()

    choose_provider(page, "Other")
    assert page.provider_note.isHidden() and page.provider_note.text() == ""
    assert page.host.text() == "" and box.host.text() == "", "iCloud's servers go with it"
    assert page.username.text() == "zoe@gmail.com" and box.username.text() == "zoe.imap"


def test_a_provider_filling_the_mailbox_is_no_unsaved_change_of_the_user(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    choose_provider(page, "Gmail")
    page.username.setText("zoe@gmail.com")
    page.from_address.setText("zoe@gmail.com")
    page.password.setText("app password")
    with qtbot.waitSignal(page.account_changed, timeout=WAIT):
        page.save_button.click()
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert page.mailbox.host.text() == "imap.gmail.com"
    assert not page.has_unsaved_changes(), "quitting would ask, and Ctrl+S would fail"

    page.mailbox.username.setText("zoe@gmail.com")  # the user's own edit counts
    assert page.has_unsaved_changes()


def test_a_saved_account_shows_its_provider_again(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    gmail = next(p for p in presets() if p.name == "Gmail")
    no_keyring.outbox.save_account(gmail.smtp_account("zoe@gmail.com", "zoe@gmail.com"))
    page = make_page(no_keyring)
    assert page.provider.currentText() == "Gmail"
    assert "app password" in page.provider_note.text()


def test_the_provider_list_holds_every_preset_between_choose_and_other(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    names = [page.provider.itemText(i) for i in range(page.provider.count())]
    assert names == [
        "Choose a provider…",
        "Gmail",
        "Outlook / Microsoft 365",
        "iCloud",
        "Yahoo",
        "Fastmail",
        "Proton Mail Bridge",
        "Other",
    ]


def test_a_known_from_address_picks_its_provider_while_no_server_is_set(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    qtbot.keyClicks(page.from_address, "zoe@fastmail.com")
    qtbot.keyClick(page.from_address, Qt.Key.Key_Return)  # as leaving the field does
    assert page.provider.currentText() == "Fastmail"
    assert page.host.text() == "smtp.fastmail.com"
    assert page.mailbox.host.text() == "imap.fastmail.com"
    assert "Fastmail" in page.provider_note.text()

    page.from_address.clear()
    qtbot.keyClicks(page.from_address, "zoe@yahoo.com")
    qtbot.keyClick(page.from_address, Qt.Key.Key_Return)
    assert page.provider.currentText() == "Fastmail", "a server is set: left alone"
    assert page.host.text() == "smtp.fastmail.com"


def test_an_unknown_domain_picks_no_provider(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    qtbot.keyClicks(page.from_address, "zoe@example.org")
    qtbot.keyClick(page.from_address, Qt.Key.Key_Return)
    assert page.provider.currentText() == "Choose a provider…"
    assert page.host.text() == "" and page.mailbox.host.text() == ""


# --- saving and loading -----------------------------------------------------------------------


def test_mailbox_settings_are_saved_and_shown_again_after_a_restart(
    qtbot: QtBot,
    no_keyring: Afterword,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    ca_file: Path,
) -> None:
    page = make_page(no_keyring)
    box = page.mailbox
    assert box.shared_password.isChecked(), "the sending password, unless told otherwise"
    assert box.password.isHidden()
    box.host.setText("imap.example.org")
    box.security.setCurrentIndex(box.security.findData(Security.STARTTLS.value))
    assert box.port.value() == 143, "the usual port follows the security"
    box.port.setValue(1143)
    box.username.setText("zoe")
    box.ca_file.setText(str(ca_file))
    box.server_files_sent.setChecked(True)
    box.check_minutes.setValue(0)
    assert box.check_minutes.text() == "only when asked"
    assert page.has_unsaved_changes()

    save(qtbot, page, "Mailbox settings saved.")
    assert not page.has_unsaved_changes()
    expected = MailboxSettings(
        ImapAccount("imap.example.org", 1143, Security.STARTTLS, "zoe", str(ca_file)),
        server_files_sent=True,
        own_password=False,
        check_minutes=0,
    )
    assert mailbox_settings(no_keyring.store) == expected
    no_keyring.close()

    page_again = make_page(open_afterword(keyring.backends.fail.Keyring()))
    again = page_again.mailbox  # the page holds it: kept while the test runs
    assert again.settings() == expected
    assert (again.host.text(), again.port.value()) == ("imap.example.org", 1143)
    assert again.security.currentData() == Security.STARTTLS.value
    assert again.username.text() == "zoe" and again.ca_file.text() == str(ca_file)
    assert again.server_files_sent.isChecked() and again.shared_password.isChecked()
    assert again.check_minutes.value() == 0
    assert again.remove_button.isEnabled()


def test_security_offers_no_plain_text(no_keyring: Afterword, make_page: MakePage) -> None:
    page = make_page(no_keyring)
    security = page.mailbox.security
    choices = [security.itemData(i) for i in range(security.count())]
    assert choices == [Security.TLS.value, Security.STARTTLS.value]


def test_a_missing_server_is_said_and_nothing_typed_is_lost(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    box = page.mailbox
    box.port.setValue(1993)
    box.username.setText("zoe")
    own_password(box, "typed secret")
    with qtbot.assertNotEmitted(page.mailbox_changed):
        box.save_button.click()
    assert "no server name" in box.status.text()
    assert not box.status.isHidden()
    assert mailbox_settings(no_keyring.store) is None
    assert box.port.value() == 1993 and box.username.text() == "zoe"
    assert box.password.text() == "typed secret" and not box.shared_password.isChecked()

    box.host.setText("imap.example.org")
    box.username.clear()
    with qtbot.assertNotEmitted(page.mailbox_changed):
        box.save_button.click()
    assert "no user name" in box.status.text()
    assert box.host.text() == "imap.example.org" and box.password.text() == "typed secret"
    assert mailbox_settings(no_keyring.store) is None


def test_saving_emits_mailbox_changed_once(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    page.mailbox.host.setText("imap.example.org")
    page.mailbox.username.setText("zoe")
    emitted: list[None] = []
    page.mailbox_changed.connect(lambda: emitted.append(None))
    page.save()  # Ctrl+S saves the mailbox too
    assert emitted == [None]
    assert mailbox_settings(no_keyring.store) is not None


# --- the mailbox's own password in the real keyring -------------------------------------------


def test_an_own_password_is_kept_in_the_keyring_under_the_mailbox_key_only(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    box = page.mailbox
    fill_mailbox(box, dovecot, imap_user, ca_file)
    own_password(box, PASSWORD)
    assert not box.password.isHidden()
    assert box.password.placeholderText() == NOT_STORED
    threads: list[threading.Thread] = []
    real_store = afterword.credentials.store

    def store_and_note_thread(key: str, password: str, *bound_to: Any) -> None:
        threads.append(threading.current_thread())
        real_store(key, password, *bound_to)

    monkeypatch.setattr(afterword.credentials, "store", store_and_note_thread)
    save(qtbot, page, "Password saved in your system keyring.")

    settings = mailbox_settings(afterword.store)
    assert settings is not None and settings.own_password
    key = settings.account.key
    assert key.startswith("imap:")
    assert threads and threads[0] is not threading.main_thread(), "the keyring is slow: off GUI"
    assert secret_backend.get_password(SERVICE, key) == PASSWORD
    assert box.password.text() == "" and box.password.placeholderText() == STORED
    assert PASSWORD not in labels_text(page)
    assert files_holding(paths.data_dir, imap_user) != [], "the settings are in the database"
    assert files_holding(paths.data_dir, PASSWORD) == []

    assert "Sent folder" in click_test_connection(qtbot, box), "opened with the stored password"
    assert PASSWORD not in labels_text(page)
    afterword.close()
    assert files_holding(paths.data_dir, PASSWORD) == []

    page_again = make_page(open_afterword(secret_backend))
    again = page_again.mailbox
    assert not again.shared_password.isChecked()
    assert again.password.text() == "", "never filled from the keyring"
    assert again.password.placeholderText() == STORED


def test_sharing_the_sending_password_again_leaves_no_own_entry_behind(
    qtbot: QtBot,
    secret_backend: Any,
    own_in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    _, page = own_in_keyring
    box = page.mailbox
    key = OWN_KEY
    assert secret_backend.get_password(SERVICE, key) == "own secret"

    box.shared_password.setChecked(True)
    assert box.password.isHidden()
    save(qtbot, page, "Mailbox settings saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert secret_backend.get_password(SERVICE, key) is None


def test_removing_asks_first_then_forgets_the_settings_and_the_own_password(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    answers: Dialogs,
) -> None:
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    box = page.mailbox
    assert not box.remove_button.isEnabled(), "nothing to remove yet"
    saved_with_own_password(qtbot, page)
    key = OWN_KEY

    answers.answers.append(False)
    with qtbot.assertNotEmitted(page.mailbox_changed):
        box.remove_button.click()
    assert answers.asked and "Remove the mailbox settings?" in answers.asked[0]
    assert mailbox_settings(afterword.store) is not None

    answers.answers.append(True)
    with qtbot.waitSignal(page.mailbox_changed, timeout=WAIT):
        box.remove_button.click()
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert mailbox_settings(afterword.store) is None
    assert secret_backend.get_password(SERVICE, key) is None
    assert box.host.text() == "" and box.username.text() == ""
    assert box.shared_password.isChecked() and not box.remove_button.isEnabled()
    assert box.status.text() == "Mailbox settings removed."


def test_removing_while_the_keyring_is_locked_keeps_the_settings_and_says_why(
    qtbot: QtBot,
    daemon: Any,
    secret_backend: Any,
    answers: Dialogs,
    own_in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    afterword, page = own_in_keyring
    box = page.mailbox
    key = OWN_KEY

    daemon.lock()
    answers.answers.append(True)
    with qtbot.assertNotEmitted(page.mailbox_changed):
        box.remove_button.click()
        qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert box.status.text().startswith("The mailbox settings were not removed.")
    assert "keyring is locked" in box.status.text()
    assert mailbox_settings(afterword.store) is not None and box.remove_button.isEnabled()

    daemon.unlock()
    answers.answers.append(True)
    with qtbot.waitSignal(page.mailbox_changed, timeout=WAIT):
        box.remove_button.click()
    assert mailbox_settings(afterword.store) is None
    assert secret_backend.get_password(SERVICE, key) is None
    assert box.status.text() == "Mailbox settings removed."


def test_a_moved_mailbox_with_a_locked_keyring_says_so_and_saving_again_moves_it(
    qtbot: QtBot,
    daemon: Any,
    secret_backend: Any,
    own_in_keyring: tuple[Afterword, SettingsPage],
) -> None:
    _, page = own_in_keyring
    box = page.mailbox
    old = OWN_KEY

    daemon.lock()
    box.username.setText("zoe.new")
    save(qtbot, page, "Mailbox settings saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    assert "keyring is locked" in box.status.text()
    assert box.has_unsaved_changes()

    daemon.unlock()
    save(qtbot, page, "Mailbox settings saved.")
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)
    new = ImapAccount("imap.example.org", 993, Security.TLS, "zoe.new").key
    assert secret_backend.get_password(SERVICE, new) == "own secret"
    assert secret_backend.get_password(SERVICE, old) is None
    assert box.status.text() == "Mailbox settings saved."
    assert not box.has_unsaved_changes()


def test_a_keyring_locked_at_start_is_said_for_the_mailbox_password(
    qtbot: QtBot,
    daemon: Any,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
) -> None:
    afterword = open_afterword(secret_backend)
    page = make_page(afterword)
    page.mailbox.host.setText("imap.example.org")
    page.mailbox.username.setText("zoe")
    own_password(page.mailbox, "own secret")
    save(qtbot, page, "Password saved in your system keyring.")

    daemon.lock()
    again = make_page(afterword)
    assert "keyring is locked" in again.mailbox.status.text()


def test_without_a_keyring_an_own_password_is_used_for_this_session(
    qtbot: QtBot,
    filled: SettingsPage,
) -> None:
    page, box = filled, filled.mailbox
    own_password(box, PASSWORD)
    save(qtbot, page, "this session only")
    assert "No system keyring is available" in box.status.text()
    assert box.password.text() == "" and PASSWORD not in labels_text(page)
    assert "Sent folder" in click_test_connection(qtbot, box)


# --- Test connection, against the real Dovecot ------------------------------------------------


def test_connection_succeeds_with_the_sending_password(
    qtbot: QtBot,
    secret_backend: Any,
    open_afterword: OpenAfterword,
    make_page: MakePage,
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    afterword = open_afterword(secret_backend)
    smtp = SmtpAccount("127.0.0.1", 587, Security.STARTTLS, imap_user, "zoe@example.org")
    afterword.outbox.save_account(smtp)
    page = make_page(afterword)
    box = page.mailbox
    fill_mailbox(box, dovecot, imap_user, ca_file)
    assert box.shared_password.isChecked()
    on_screen = box.settings().account  # saved for it, as Save (or the prompt) binds it
    afterword.credentials.store(
        smtp.key, PASSWORD, [Destination.of(smtp), Destination.of(on_screen)]
    )

    report = click_test_connection(qtbot, box)
    assert report.startswith(f"Connected to {dovecot.host}:{dovecot.tls_port}."), report
    assert "Sent folder" in report and "Afterword will" in report
    assert PASSWORD not in labels_text(page)


def test_connection_with_a_wrong_password_says_so(
    qtbot: QtBot,
    filled: SettingsPage,
) -> None:
    page, box = filled, filled.mailbox
    own_password(box, "not the password")
    report = click_test_connection(qtbot, box)
    assert "did not accept the user name or password" in report
    assert "not the password" not in labels_text(page)
    assert box.password.text() == "not the password", "kept, to be corrected"


def test_connection_refuses_an_untrusted_certificate_clearly(
    qtbot: QtBot,
    no_keyring: Afterword,
    make_page: MakePage,
    dovecot: DovecotServer,
    imap_user: str,
) -> None:
    page = make_page(no_keyring)
    box = page.mailbox
    fill_mailbox(box, dovecot, imap_user, ca_file=None)  # the test CA is not trusted
    own_password(box, PASSWORD)
    report = click_test_connection(qtbot, box)
    assert "presented a certificate this computer does not trust" in report
    assert PASSWORD not in labels_text(page)


def test_connection_to_a_wrong_port_says_so_and_keeps_the_fields(
    qtbot: QtBot, filled: SettingsPage, dovecot: DovecotServer
) -> None:
    box = filled.mailbox
    port = free_port()  # nothing listens there
    box.port.setValue(port)
    own_password(box, PASSWORD)
    report = click_test_connection(qtbot, box)
    assert f"{dovecot.host}:{port} refused the connection" in report
    assert box.port.value() == port and box.host.text() == dovecot.host


def test_connection_without_a_stored_password_says_so(
    qtbot: QtBot, no_keyring: Afterword, make_page: MakePage, dovecot: DovecotServer
) -> None:
    page = make_page(no_keyring)
    box = page.mailbox
    fill_mailbox(box, dovecot, "zoe", None)
    report = click_test_connection(qtbot, box)
    assert "No system keyring is available" in report or "No password is stored" in report
    with pytest.raises(NoKeyring):
        no_keyring.credentials.password("anything")


# --- the background check's line, and the keyboard --------------------------------------------


def test_the_last_check_is_shown_in_the_mailbox_group(
    no_keyring: Afterword, make_page: MakePage
) -> None:
    page = make_page(no_keyring)
    status = page.mailbox.check_status
    assert status.isHidden()
    page.show_mailbox_status("Looked for replies at 10:15: one new reply.")
    assert status.text() == "Looked for replies at 10:15: one new reply."
    assert not status.isHidden()
    page.show_mailbox_status("")
    assert status.isHidden()


def test_mnemonics_on_the_page_do_not_clash(no_keyring: Afterword, make_page: MakePage) -> None:
    page = make_page(no_keyring)
    page.mailbox.shared_password.setChecked(False)
    keys = mnemonics(page)
    assert len(keys) >= 20
    assert sorted(keys) == sorted(set(keys)), f"clashing: {sorted(keys)}"


def test_a_password_typed_while_the_last_one_is_stored_is_kept(
    qtbot: QtBot,
    filled: SettingsPage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The field stays open while the keyring works; what is typed meanwhile stays."""
    release = threading.Event()
    real_store = filled.afterword.credentials.store

    def slow_store(key: str, password: str, *bound_to: Any) -> None:
        release.wait(5)
        real_store(key, password, *bound_to)

    monkeypatch.setattr(filled.afterword.credentials, "store", slow_store)
    page, box = filled, filled.mailbox
    own_password(box, "first password")
    with qtbot.waitSignal(page.mailbox_changed, timeout=WAIT):
        box.save_button.click()
    box.password.setText("typed meanwhile")
    page.save()  # Ctrl+S while the first is still on its way: waits, starts no second store
    release.set()
    qtbot.waitUntil(box.save_button.isEnabled, timeout=WAIT)
    assert box.password.text() == "typed meanwhile"


def test_an_unexpected_keyring_failure_leaves_save_usable(
    qtbot: QtBot,
    filled: SettingsPage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(key: str, password: str, *bound_to: Any) -> None:
        raise RuntimeError("a bug in a keyring backend")

    monkeypatch.setattr(filled.afterword.credentials, "store", broken)
    page, box = filled, filled.mailbox
    own_password(box, "a password")
    with qtbot.captureExceptions() as raised:
        box.save_button.click()
        qtbot.waitUntil(lambda: bool(raised), timeout=WAIT)
    assert "a bug in a keyring backend" in str(raised[0][1])
    assert box.save_button.isEnabled() and not page.password_hint.busy
