"""The first-run assistant: name and address, the provider recognised from the address, the
password (with the provider's note on app passwords), a test message to oneself, done.

It fills in what Settings holds (profile, account, mailbox for a known provider, the
provider chosen) and can be left at any step with "Set up later".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from composer.account import DEFAULT_PORTS, ImapAccount, Security, SmtpAccount
from composer.afterword import Afterword
from composer.autoconfig import FoundServers
from composer.errors import AfterwordError
from composer.mail import parse_address_or_none
from composer.mailbox import MailboxSettings, save_mailbox_settings
from composer.providers import (
    OTHER,
    Preset,
    preset_for_address,
    preset_named,
    presets,
    remember_provider,
)
from ui.account_fields import CaFileRow, send_test_message, user_message
from ui.password_prompt import Answer, keep, keyring_problem
from ui.runner import Runner
from ui.server_lookup import ServerLookup, sentence
from ui.widgets import combo, named, push_button, status_label

SET_UP_LATER = "Set up &later"
SECURITY_CHOICES = (
    (Security.STARTTLS, "STARTTLS (usually port 587)"),
    (Security.TLS, "TLS (usually port 465)"),
)


class AboutYouPage(QWizardPage):
    """Who the messages are from."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("About you")
        self.setSubTitle("Your follow-ups go out under this name, from this address.")
        self.name = named(QLineEdit(), "Your name")
        self.email = named(QLineEdit(), "Your email address")
        self.email.setPlaceholderText("you@example.org")
        form = QFormLayout(self)
        form.addRow("&Name:", self.name)
        form.addRow("E&mail address:", self.email)
        for field in (self.name, self.email):
            field.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        address = parse_address_or_none(self.email.text().strip())
        return bool(self.name.text().strip()) and address is not None


class ProviderPage(QWizardPage):
    """The provider recognised from the address, or the user's own servers."""

    def __init__(self, about: AboutYouPage, runner: Runner) -> None:
        super().__init__()
        self.about = about
        self.setTitle("Your mail provider")
        self.recognised = status_label("Provider recognised")
        self.lookup = ServerLookup(runner)
        self.lookup.use.connect(self.use_found)
        self.lookup.nothing_found.connect(self._say_unknown)
        self.found: FoundServers | None = None  # confirmed with "Use these"
        choices: list[tuple[str, object]] = [(p.name, p.name) for p in presets()]
        self.provider = combo("Mail provider", [*choices, (OTHER, OTHER)])
        self.provider.currentIndexChanged.connect(self._show_servers)
        self.host = named(QLineEdit(), "Mail server name")
        self.host.setPlaceholderText("smtp.example.org")
        self.port = named(QSpinBox(), "Mail server port")
        self.port.setRange(1, 65535)
        self.security = combo("Connection security", [(t, s.value) for s, t in SECURITY_CHOICES])
        self.security.currentIndexChanged.connect(self._suggest_port)
        self.username = named(QLineEdit(), "Mail account username")
        row = CaFileRow(self, choose="C&hoose…", clear="Clea&r")
        self.ca_file, self.choose_ca_button = row.field, row.choose_button
        self.servers = QWidget()
        servers = QFormLayout(self.servers)
        servers.setContentsMargins(0, 0, 0, 0)
        servers.addRow("Ser&ver:", self.host)
        servers.addRow("P&ort:", self.port)
        servers.addRow("S&ecurity:", self.security)
        servers.addRow("Extra CA certificate (optional):", row)
        form = QFormLayout(self)
        form.addRow(self.recognised)
        form.addRow(self.lookup)
        form.addRow("Provi&der:", self.provider)
        form.addRow(self.servers)
        form.addRow("&User name:", self.username)
        self.host.textChanged.connect(self.completeChanged)
        self._suggest_port()

    def initializePage(self) -> None:
        address = self.about.email.text().strip()
        preset = preset_for_address(address)
        name = preset.name if preset is not None else OTHER
        self.provider.setCurrentIndex(self.provider.findData(name))
        self.recognised.setText(
            f"Your address is at {preset.name}: Afterword knows its servers." if preset else ""
        )
        self.username.setText(address)
        self.found = None
        self._show_servers()
        self.lookup.setVisible(preset is None)
        if preset is None:
            self.lookup.look_up(address)

    def _say_unknown(self) -> None:
        self.recognised.setText(
            "Afterword does not know your provider's servers: your provider's help "
            "pages list them (look for SMTP)."
        )

    def use_found(self, found: FoundServers) -> None:
        """The servers the user confirmed fill the page (and, later, the mailbox)."""
        name = found.preset.name if found.preset is not None else OTHER
        self.provider.setCurrentIndex(self.provider.findData(name))
        self.host.setText(found.smtp.host)
        self.security.setCurrentIndex(self.security.findData(found.smtp.security.value))
        self.port.setValue(found.smtp.port)  # after security, which suggests a port
        self.username.setText(found.username)
        self.found = found
        self.recognised.setText(f"{sentence(found.source)}: its servers are filled in.")

    def preset(self) -> Preset | None:
        return preset_named(self.provider.currentData())

    def _show_servers(self) -> None:
        self.servers.setVisible(self.preset() is None)
        self.completeChanged.emit()

    def mailbox(self, account: SmtpAccount) -> MailboxSettings | None:
        """A known provider's mailbox, or the one found with the server the user kept."""
        preset, found, user = self.preset(), self.found, account.username
        if preset is not None:
            imap = preset.imap_account(user, account.ca_file)
            return MailboxSettings(imap, preset.files_sent_itself)
        if found is None or found.imap is None or found.smtp.host != account.host:
            return None
        server = found.imap
        imap = ImapAccount(server.host, server.port, server.security, user, account.ca_file)
        return MailboxSettings(imap, server_files_sent=False)

    def _suggest_port(self) -> None:
        self.port.setValue(DEFAULT_PORTS[Security(self.security.currentData())])

    def isComplete(self) -> bool:
        return self.preset() is not None or bool(self.host.text().strip())

    def account(self) -> SmtpAccount:
        address, user = self.about.email.text().strip(), self.username.text().strip()
        preset, ca_file = self.preset(), self.ca_file.text().strip()
        if preset is not None:
            return preset.smtp_account(user, address, ca_file)
        security = Security(self.security.currentData())
        return SmtpAccount(
            self.host.text().strip(), self.port.value(), security, user, address, ca_file
        )


class PasswordPage(QWizardPage):
    """The password, with the provider's note on app passwords."""

    def __init__(self, provider: ProviderPage, afterword: Afterword, runner: Runner) -> None:
        super().__init__()
        self.provider = provider
        self.afterword = afterword
        self.runner = runner
        self.setTitle("Your password")
        self.note = status_label("Provider sign-in note", selectable=True)
        self.password = named(QLineEdit(), "Mail account password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textChanged.connect(self.completeChanged)
        self.keep = named(QCheckBox("&Keep it in the system keyring"), "Keep it in the keyring")
        self.keyring_note = status_label("Keyring note")
        form = QFormLayout(self)
        form.addRow(self.note)
        form.addRow("Pass&word:", self.password)
        form.addRow(self.keep)
        form.addRow(self.keyring_note)

    def initializePage(self) -> None:
        preset = self.provider.preset()
        self.note.setText(
            preset.sign_in_note
            if preset is not None
            else "Use the password your provider gives for mail apps (some call it an app "
            "password)."
        )
        self.keep.setEnabled(False)
        credentials = self.afterword.credentials
        self.runner.run(lambda: keyring_problem(credentials), self._keyring_answered)

    def _keyring_answered(self, problem: str | None) -> None:
        self.keep.setEnabled(problem is None)
        self.keep.setChecked(problem is None)
        self.keyring_note.setText(problem or "")

    def isComplete(self) -> bool:
        return bool(self.password.text())

    def answer(self) -> Answer:
        return Answer(self.password.text(), self.keep.isEnabled() and self.keep.isChecked())


class TestPage(QWizardPage):
    """Everything is saved as the page opens; the test shows it works."""

    def __init__(self, assistant: FirstRunAssistant) -> None:
        super().__init__()
        self.assistant = assistant
        self.setTitle("A test message to yourself")
        self.setSubTitle("Your settings are saved. Send yourself a message to see that it works.")
        self.test_button = push_button(
            "Send a &test message to myself", "Send a test message to myself", self.send_test
        )
        self.status = status_label("Test message status", selectable=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.status.setText("")
        problem = self.assistant.save()
        self.test_button.setEnabled(problem is None)
        if problem is not None:
            self.status.setText(f"{problem} Go back to correct it.")

    def send_test(self) -> None:
        self.test_button.setEnabled(False)
        self.status.setText("Sending a test message…")
        self.assistant.send_test(self._sent, self._not_sent)

    def _sent(self, outcome: tuple[str, str]) -> None:
        address, reply = outcome
        self.status.setText(f"Test message sent to {address}: {reply}. Check your inbox.")
        self.test_button.setEnabled(True)

    def _not_sent(self, error: BaseException) -> None:
        self.status.setText(f"The test message was not sent: {user_message(error)}")
        self.test_button.setEnabled(True)


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("All set")
        text = QLabel(
            "Afterword is ready to send your follow-ups. Next: add the interview you just "
            "had, and who you met. You can change any of this in Settings."
        )
        text.setWordWrap(True)
        QVBoxLayout(self).addWidget(text)


class FirstRunAssistant(QWizard):
    set_up = Signal()  # the profile and account were saved

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.setWindowTitle("Set up Afterword")
        self.setButtonText(QWizard.WizardButton.CancelButton, SET_UP_LATER)
        self.about = AboutYouPage()
        self.provider = ProviderPage(self.about, runner)
        self.password = PasswordPage(self.provider, afterword, runner)
        self.test = TestPage(self)
        for page in (self.about, self.provider, self.password, self.test, DonePage()):
            self.addPage(page)
        profile = afterword.store.profile()
        self.about.name.setText(profile.name)
        self.about.email.setText(profile.email)

    def save(self) -> str | None:
        """Profile, account, provider and, for a known provider, the mailbox; the problem
        to tell the user if something could not be saved."""
        store, account = self.afterword.store, self.provider.account()
        name, email = self.about.name.text().strip(), self.about.email.text().strip()
        preset = self.provider.preset()
        try:
            store.save_profile(replace(store.profile(), name=name, email=email))
            self.afterword.outbox.save_account(account)
            remember_provider(store, preset.name if preset is not None else OTHER)
            mailbox = self.provider.mailbox(account)
            if mailbox is not None:
                save_mailbox_settings(store, mailbox)
        except AfterwordError as error:
            return str(error)
        self.set_up.emit()
        return None

    def send_test(
        self, done: Callable[[tuple[str, str]], None], failed: Callable[[BaseException], None]
    ) -> None:
        """Keeps the password (memory, and the keyring when ticked), then the test, off the
        GUI thread."""
        afterword, account = self.afterword, self.provider.account()
        answer = self.password.answer()

        def work() -> tuple[str, str]:
            from composer.mailbox import password_destinations

            with afterword.reading() as store:  # the servers this assistant just showed
                servers = password_destinations(store, account.key)
            keep(afterword.credentials, account.key, answer, servers)
            return send_test_message(afterword, account, "")

        self.runner.run(work, done, failed, sending=True)


def wanted(afterword: Afterword) -> bool:
    """A first start: no account and no address yet (the demo and restored records have)."""
    return not afterword.has_account() and not afterword.store.profile().email
