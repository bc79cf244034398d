"""Settings remembers what the user chose (Other stays Other) and leaves the focus alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from composer.account import Security
from composer.afterword import Afterword
from composer.mailbox import mailbox_settings
from composer.records import Profile
from tests.helpers.smtp_server import PASSWORD, USER, SmtpServer, account_for
from tests.ui.helpers import shown
from ui.runner import Runner
from ui.settings import NOTHING_TO_SAVE, OTHER_PROVIDER, SettingsPage

WAIT = 15_000


def open_page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> SettingsPage:
    page = shown(qtbot, SettingsPage(afterword, runner))
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)
    return page


def choose(page: SettingsPage, provider: str) -> None:
    """As the user does: picks it in the list (``activated``, not a programmatic change)."""
    page.provider.setCurrentIndex(page.provider.findData(provider))
    page.provider.activated.emit(page.provider.currentIndex())


def test_other_stays_other_and_a_local_server_is_not_called_proton(
    qtbot: QtBot, afterword: Afterword, runner: Runner, smtp_server: SmtpServer, ca_file: Path
) -> None:
    page = open_page(qtbot, afterword, runner)
    choose(page, OTHER_PROVIDER)
    page.host.setText("127.0.0.1")
    page.port.setValue(1025)
    page.username.setText(USER)
    page.from_address.setText("zoe@example.org")
    with qtbot.waitSignal(page.account_changed, timeout=WAIT):
        page.save_button.click()
    page.close()

    reopened = open_page(qtbot, afterword, runner)

    assert reopened.provider.currentText() == OTHER_PROVIDER
    assert "Proton" not in reopened.provider_note.text()
    assert reopened.host.text() == "127.0.0.1"


def test_an_account_on_this_computer_saved_before_is_not_called_proton(
    qtbot: QtBot, afterword: Afterword, runner: Runner, smtp_server: SmtpServer, ca_file: Path
) -> None:
    afterword.outbox.save_account(account_for(smtp_server, ca_file))  # 127.0.0.1, no choice kept

    page = open_page(qtbot, afterword, runner)

    assert "Proton" not in page.provider.currentText()
    assert page.provider_note.text() == ""


def test_gmail_then_other_clears_what_gmail_filled_in_and_keeps_what_was_typed(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    page = open_page(qtbot, afterword, runner)
    page.username.setText("zoe@gmail.com")
    choose(page, "Gmail")
    assert page.host.text() == "smtp.gmail.com"
    assert page.mailbox.host.text() == "imap.gmail.com"

    choose(page, OTHER_PROVIDER)

    assert page.host.text() == ""
    assert page.mailbox.host.text() == ""
    assert "Gmail" not in page.provider_note.text()
    assert page.username.text() == "zoe@gmail.com", "what the user typed stays"


def test_a_server_the_user_typed_stays_when_the_provider_changes(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    page = open_page(qtbot, afterword, runner)
    choose(page, "Gmail")
    page.mailbox.host.setText("mail.example.org")  # typed over Gmail's

    choose(page, OTHER_PROVIDER)

    assert page.mailbox.host.text() == "mail.example.org"


def test_focus_stays_on_the_test_button_after_the_test_message(
    qtbot: QtBot, ready: Afterword, runner: Runner, smtp_server: SmtpServer
) -> None:
    ready.store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
    page = open_page(qtbot, ready, runner)
    page.mailbox.host.setText("imap.example.org")
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=WAIT)
    page.test_button.setFocus()
    assert page.test_button.hasFocus()

    page.test_button.click()
    qtbot.waitUntil(lambda: "Test message sent" in page.test_status.text(), timeout=WAIT)

    assert len(smtp_server.received) == 1
    assert not page.mailbox.host.hasFocus()
    assert page.mailbox.host.selectedText() == "", "the next key would replace it"
    assert QApplication.focusWidget() is page.test_button
    assert PASSWORD not in page.test_status.text()
    assert page.security.currentData() == Security.STARTTLS.value


def test_one_save_for_the_whole_page_saves_each_part_changed(
    qtbot: QtBot, afterword: Afterword, runner: Runner, smtp_server: SmtpServer
) -> None:
    page = open_page(qtbot, afterword, runner)
    saves = [
        b
        for b in page.findChildren(QAbstractButton)
        if b.text().replace("&", "").startswith("Save")
    ]
    assert saves == [page.save_button], "one Save, not one per group"

    page.name.setText("Zoë Müller")
    page.host.setText(smtp_server.host)
    page.port.setValue(smtp_server.port)
    page.username.setText(USER)
    page.from_address.setText("zoe@example.org")
    page.mailbox.host.setText("imap.example.org")
    page.mailbox.username.setText(USER)
    with qtbot.waitSignal(page.account_changed, timeout=WAIT):
        page.save_button.click()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)

    assert afterword.store.profile().name == "Zoë Müller"
    assert afterword.has_account()
    assert mailbox_settings(afterword.store) is not None
    assert not page.has_unsaved_changes()
    page.save_button.click()
    assert page.save_status.text() == NOTHING_TO_SAVE
