"""Settings: who the user is (the profile), how their mail goes out (the SMTP account), the
mailbox where copies are filed and replies looked for (ui/mailbox_settings.py), and backing
up and restoring everything.

The password is typed here and handed to the system keyring off the GUI thread. It is
never read back into the field, a label or the records: the field only says whether one
is stored.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from composer.account import DEFAULT_PORTS, Security, SmtpAccount
from composer.app import Afterword
from composer.credentials import password_problem
from composer.errors import AccountError, AfterwordError, CredentialError, NoKeyring
from composer.mail import check_header_text, parse_address
from composer.mailbox import password_accounts
from composer.password_binding import Destination
from composer.providers import (
    Preset,
    preset_for_address,
    preset_named,
    presets,
    provider_for,
    remember_provider,
)
from composer.records import Profile
from ui import password_prompt
from ui.account_fields import CaFileRow, hold, release, say, send_test_message, user_message
from ui.backup_settings import BackupGroup
from ui.mailbox_settings import MailboxGroup
from ui.password_hint import (
    LEFT_BEHIND,
    NOT_STORED,
    STORED_NOW,
    PasswordHint,
)
from ui.password_prompt import PasswordAsker
from ui.runner import Runner
from ui.sending_settings import SendingGroup
from ui.sign_in import SignInRow
from ui.spelling_settings import SpellingGroup
from ui.widgets import combo, named, plain_text_edit, push_button, status_label

SECURITY_CHOICES = (
    (Security.STARTTLS, "STARTTLS (recommended)"),
    (Security.TLS, "TLS"),
    (Security.NONE, "None: only for a server on this computer"),
)
CHOOSE_PROVIDER = "Choose a provider…"
OTHER_PROVIDER = "Other"
NOTHING_TO_SAVE = "Nothing to save: everything here is as saved."


class SettingsPage(QWidget):
    account_changed = Signal()
    profile_changed = Signal()
    mailbox_changed = Signal()  # its settings were saved or removed: the reply timer restarts
    records_replaced = Signal()  # a restore replaced every record: pages reload
    dates_changed = Signal()  # another date format: messages and lists are written again
    restoring = Signal(bool)  # True from the start of a restore until it has ended

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self._timeout: float | None = None  # a loaded account keeps its own
        self._filled: Preset | None = None  # the provider whose servers are in the fields
        self.save_button = push_button("&Save", "Save settings", self.save)  # one, for all
        self.save_status = status_label("Save status")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._profile_group())
        layout.addWidget(SpellingGroup(afterword))
        layout.addWidget(self._dates_group())
        layout.addWidget(SendingGroup(afterword.store))  # the Undo send delay
        layout.addWidget(self._account_group())
        layout.addWidget(self._mailbox_group())
        self.backup = BackupGroup(afterword, self.runner)
        self.backup.restoring.connect(self.restoring)
        self.backup.restored.connect(self._restored)
        self.backup_button, self.restore_button = (
            self.backup.backup_button,
            self.backup.restore_button,
        )
        layout.addWidget(self.backup)
        layout.addStretch(1)
        self._scroll(content)
        for label in self._status_labels():
            say(label, "")  # hidden until they have something to say
        self._load_profile(afterword.store.profile())
        self._load_account(self._stored_account())
        self._check_keyring()

    # --- building ---------------------------------------------------------------------------

    def _profile_group(self) -> QGroupBox:
        group = QGroupBox("My profile")
        form = QFormLayout(group)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.email_error = status_label("Email problem")
        self.phone = QLineEdit()
        self.signature = plain_text_edit("Signature")
        self.profile_status = status_label("Profile status")
        form.addRow("&Name:", named(self.name, "Your name"))
        form.addRow("E&mail:", named(self.email, "Your email address"))
        form.addRow("", self.email_error)
        form.addRow("&Phone:", named(self.phone, "Your phone number"))
        form.addRow("Si&gnature:", self.signature)
        form.addRow("", self.profile_status)
        return group

    def _scroll(self, content: QWidget) -> None:
        """The page is taller than a small window: it scrolls rather than set its height."""
        area = QScrollArea()
        area.setWidget(content)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, scrolling to them
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        bar = QHBoxLayout()  # below the scrolling part: Save is always in view
        bar.setContentsMargins(9, 0, 9, 9)
        bar.addWidget(self.save_status, 1)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

    def _account_group(self) -> QGroupBox:
        group = QGroupBox("Mail account (SMTP)")
        form = QFormLayout(group)
        self._add_provider_rows(form)
        self._add_server_rows(form)
        self._add_identity_rows(form)
        self._add_action_rows(form)
        return group

    def _add_provider_rows(self, form: QFormLayout) -> None:
        """A provider fills in both servers; what to sign in with stays the user's."""
        choices: list[tuple[str, object]] = [(CHOOSE_PROVIDER, None)]
        choices += [(preset.name, preset.name) for preset in presets()]
        self.provider = combo("Mail provider", [*choices, (OTHER_PROVIDER, OTHER_PROVIDER)])
        self.provider.activated.connect(lambda: self._use_provider(chosen=True))
        self.provider_note = status_label("Provider sign-in note", selectable=True)
        form.addRow("Provi&der:", self.provider)
        form.addRow("", self.provider_note)
        self.sign_in = SignInRow(  # OAuth2, for a provider that offers it (ui/sign_in.py)
            self.afterword, self.runner, lambda: self.username.text() or self.from_address.text()
        )
        form.addRow("", self.sign_in)

    def _add_server_rows(self, form: QFormLayout) -> None:
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORTS[Security.STARTTLS])
        self.security = combo(
            "Connection security", [(label, security.value) for security, label in SECURITY_CHOICES]
        )
        self.security.currentIndexChanged.connect(self._suggest_port)
        form.addRow("Ser&ver:", named(self.host, "Mail server name"))
        form.addRow("P&ort:", named(self.port, "Mail server port"))
        form.addRow("S&ecurity:", self.security)

    def _add_identity_rows(self, form: QFormLayout) -> None:
        self.username = QLineEdit()
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("you@example.org")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(NOT_STORED)
        form.addRow("&Username:", named(self.username, "Mail account username"))
        form.addRow("&From address:", named(self.from_address, "From address"))
        self.from_address.editingFinished.connect(self._suggest_provider)
        ca_label = QLabel("Extra &CA certificate (optional):")
        form.addRow(ca_label, self._ca_row())
        ca_label.setBuddy(self.ca_file)
        form.addRow("Pass&word:", named(self.password, "Mail account password"))
        self.password_hint = PasswordHint(
            self.password,
            self.runner,
            self.afterword.credentials,
            lambda problem: say(self.keyring_status, problem),
        )

    def _ca_row(self) -> QHBoxLayout:
        row = CaFileRow(self, choose="C&hoose…", clear="Clea&r")
        self.ca_file, self.choose_ca_button = row.field, row.choose_button
        self.clear_ca_button = row.clear_button
        return row

    def _add_action_rows(self, form: QFormLayout) -> None:
        self.account_status = status_label("Account status")
        self.keyring_status = status_label("Keyring status")
        self.test_button = push_button(
            "Send a &test message to myself",
            "Send a test message to myself",
            self.send_test_message,
        )
        self.test_status = status_label("Test message status")
        self.password_asker = PasswordAsker(self, self.afterword.credentials, self.runner)
        form.addRow("", self.account_status)
        form.addRow("", self.keyring_status)
        form.addRow("", self.test_button)
        form.addRow("", self.test_status)

    def _dates_group(self) -> QGroupBox:
        from ui.date_settings import DatesGroup

        self.dates = DatesGroup(self.afterword.store)
        self.dates.changed.connect(self.dates_changed)
        return self.dates

    def _mailbox_group(self) -> MailboxGroup:
        self.mailbox = MailboxGroup(self.afterword, self.runner, self.save_button)
        self.mailbox.changed.connect(self.mailbox_changed)
        return self.mailbox

    def _status_labels(self) -> tuple[QLabel, ...]:
        return (
            self.provider_note,
            self.email_error,
            self.profile_status,
            self.account_status,
            self.keyring_status,
            self.test_status,
        )

    # --- loading ----------------------------------------------------------------------------

    def _load_profile(self, profile: Profile) -> None:
        self.name.setText(profile.name)
        self.email.setText(profile.email)
        self.phone.setText(profile.phone)
        self.signature.setPlainText(profile.signature)

    def _stored_account(self) -> SmtpAccount | None:
        """The saved account; damaged settings are said here (as empty fields to set again),
        never a crash."""
        try:
            return self.afterword.outbox.account()
        except AccountError as error:
            say(self.account_status, str(error))
            return None

    def _load_account(self, account: SmtpAccount | None) -> None:
        if account is None:
            return
        self.host.setText(account.host)
        self.security.setCurrentIndex(self.security.findData(account.security.value))
        self.port.setValue(account.port)  # after security, which may suggest a port
        self.username.setText(account.username)
        self.from_address.setText(account.from_address)
        self.ca_file.setText(account.ca_file)
        self._timeout = account.timeout
        self._refresh_password_hint(account)
        name = provider_for(self.afterword.store, account.host)
        self.provider.setCurrentIndex(max(0, self.provider.findData(name)))
        preset = preset_named(name)  # the provider it was set up with, and its sign-in note
        say(self.provider_note, preset.sign_in_note if preset is not None else "")
        self.sign_in.show_for(preset)
        self._filled = preset if preset is not None and preset.smtp.host == account.host else None

    # --- the keyring ------------------------------------------------------------------------

    def _check_keyring(self) -> None:
        self.runner.run(
            self.afterword.credentials.check,
            None,  # the password hint may have said the keyring did not answer
            lambda error: say(self.keyring_status, user_message(error)),
        )

    def _refresh_password_hint(self, account: SmtpAccount) -> None:
        self.password_hint.refresh(account.key)

    # --- actions ----------------------------------------------------------------------------

    def _profile(self) -> Profile:
        return Profile(
            name=self.name.text().strip(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            signature=self.signature.toPlainText(),
        )

    def has_unsaved_changes(self) -> bool:
        """Typed but not saved: the profile, the account, the mailbox, or a password."""
        return (
            self._profile() != self.afterword.store.profile()
            or self._account_unsaved()
            or self._provider_unsaved()
            or self.mailbox.has_unsaved_changes()
        )

    def _account_unsaved(self) -> bool:
        if self.password.text() or self.password_hint.left_behind is not None:
            return True
        stored = self._stored_account()
        if stored is None:
            return bool(self.host.text().strip() or self.username.text().strip())
        return self._account() != stored

    def save(self) -> None:
        """Save and Ctrl+S: whatever was changed here; each part says how it went."""
        changed = False
        if self._profile() != self.afterword.store.profile():
            changed = True
            self.save_profile()
        if self._account_unsaved() or self._provider_unsaved():
            changed = True
            self.save_account()
        if self.mailbox.has_unsaved_changes():
            changed = True
            self.mailbox.save()
        self.save_status.setText("" if changed else NOTHING_TO_SAVE)

    def _provider_unsaved(self) -> bool:
        """Choosing Other over a server typed by hand changes no field, only the choice."""
        chosen = self.provider.currentData()
        saved = provider_for(self.afterword.store, self.host.text().strip())
        return self.afterword.has_account() and chosen is not None and chosen != saved

    def show_mailbox_status(self, text: str) -> None:
        """The last background visit of the mailbox, as the window tells it."""
        self.mailbox.show_check_status(text)

    def _use_provider(self, *, chosen: bool) -> None:
        """``chosen``: by the user, so both servers follow; else suggested by the From
        address, which leaves a mailbox already set alone."""
        preset = self._chosen_preset()
        say(self.provider_note, preset.sign_in_note if preset is not None else "")
        self.sign_in.show_for(preset)
        self._clear_filled()
        if preset is None:
            return
        self._filled = preset
        smtp = preset.smtp
        self.host.setText(smtp.host)
        self.security.setCurrentIndex(self.security.findData(smtp.security.value))
        self.port.setValue(smtp.port)  # after security, which may suggest a port
        if chosen or not self.mailbox.host.text().strip():  # a saved mailbox stays as it is
            self.mailbox.use_server(preset.imap, preset.files_sent_itself)

    def _clear_filled(self) -> None:
        """What the provider chosen before filled in goes; what the user typed stays."""
        filled, self._filled = self._filled, None
        if filled is None:
            return
        if self.host.text().strip() == filled.smtp.host:
            self.host.clear()
            self.security.setCurrentIndex(self.security.findData(Security.STARTTLS.value))
            self.port.setValue(DEFAULT_PORTS[Security.STARTTLS])
        self.mailbox.clear_server(filled.imap)

    def _chosen_preset(self) -> Preset | None:
        name = self.provider.currentData()
        return next((preset for preset in presets() if preset.name == name), None)

    def _suggest_provider(self) -> None:
        """A known address with no server yet: its provider, as if chosen."""
        preset = preset_for_address(self.from_address.text())
        if preset is not None and not self.host.text().strip():
            self.provider.setCurrentIndex(self.provider.findData(preset.name))
            self._use_provider(chosen=False)

    def save_profile(self) -> None:
        profile = self._profile()
        try:
            if profile.email:
                parse_address(profile.email, "email")
        except AfterwordError as error:
            say(self.email_error, str(error))
            say(self.profile_status, "")
            return
        say(self.email_error, "")
        try:  # the name goes into every From: header
            check_header_text(profile.name, "name", label="In Settings › My profile, your name")
        except AfterwordError as error:
            say(self.profile_status, str(error))
            return
        self._store_profile(profile)

    def _store_profile(self, profile: Profile) -> None:
        try:
            self.afterword.store.save_profile(profile)
        except AfterwordError as error:
            say(self.profile_status, str(error))
            return
        say(self.profile_status, "Profile saved.")
        self.profile_changed.emit()

    def save_account(self) -> None:
        if self.password_hint.busy:  # a password is still going to the keyring (Ctrl+S)
            return
        account, previous = self._account(), self._stored_account()
        try:
            self.afterword.outbox.save_account(account)
        except AfterwordError as error:
            say(self.account_status, str(error))
            return
        remember_provider(self.afterword.store, self.provider.currentData())
        self.account_changed.emit()
        moved = self.password_hint.old_entry(previous.key if previous else None, account.key)
        password = self.password.text()
        if password:
            self._store_password(account.key, password, forget=moved)
        elif moved is not None:
            self._move_password(moved, account)
        else:
            say(self.account_status, "Account saved.")
            self._refresh_password_hint(account)

    def _move_password(self, old_key: str, account: SmtpAccount) -> None:
        """The server or user changed: the saved password goes with the account."""
        say(self.account_status, "Account saved.")
        credentials = self.afterword.credentials
        servers = password_accounts(self.afterword.store, account.key)
        self.runner.run(
            lambda: credentials.move(old_key, account.key, [Destination.of(s) for s in servers]),
            lambda _: self._moved(None, account),
            lambda error: self._not_moved(error, old_key, account),
        )

    def _moved(self, left_behind: str | None, account: SmtpAccount) -> None:
        self.password_hint.left_behind = left_behind
        self._refresh_password_hint(account)  # it says whether a password is needed

    def _not_moved(self, error: BaseException, old_key: str, account: SmtpAccount) -> None:
        if not isinstance(error, CredentialError):
            raise error
        if isinstance(error, NoKeyring):  # nothing in a keyring; a session password moved
            self._moved(None, account)
            return
        say(self.account_status, f"Account saved. {error} {LEFT_BEHIND}")
        self._moved(old_key, account)

    def _account(self) -> SmtpAccount:
        account = SmtpAccount(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self._security(),
            username=self.username.text().strip(),
            from_address=self.from_address.text().strip(),
            ca_file=self.ca_file.text().strip(),
        )
        return account if self._timeout is None else replace(account, timeout=self._timeout)

    def _security(self) -> Security:
        return Security(self.security.currentData())

    def _suggest_port(self) -> None:
        """A port still at one security's default follows the newly chosen one."""
        security = self._security()
        if security is not Security.NONE and self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[security])

    def _store_password(self, key: str, password: str, *, forget: str | None = None) -> None:
        """Stores it; ``forget``: the entry of the account as it was before this save."""
        hold(self.save_button)
        say(self.account_status, "Account saved. Saving the password in your keyring…")
        self.password_hint.store(
            key,
            password,
            forget=forget,
            done=self._password_done,
            finished=lambda: release(self.save_button),
            servers=password_accounts(self.afterword.store, key),
        )

    def _password_done(self, problem: str | None) -> None:
        say(self.account_status, f"Account saved. {problem or STORED_NOW}")

    def send_test_message(self) -> None:
        """Over the account as it is on screen, saved or not, with a password just typed."""
        hold(self.test_button)
        say(self.test_status, "Sending a test message…")
        afterword, account, typed = self.afterword, self._account(), self.password.text()
        self.runner.run(
            lambda: send_test_message(afterword, account, typed),
            self._test_message_done,
            self._test_message_failed,
            sending=True,
        )

    def _test_message_done(self, outcome: tuple[str, str]) -> None:
        address, reply = outcome
        say(self.test_status, f"Test message sent to {address}: {reply}")
        release(self.test_button)

    def _test_message_failed(self, error: BaseException) -> None:
        problem = password_problem(error)
        if problem:  # asked for, then the test goes on; Cancel says why it was not sent
            self.password.clear()  # a password typed here was refused: not tried again
            request = password_prompt.request_for(self._account(), problem)
            self.password_asker.ask_then(
                request, self.send_test_message, lambda: self._test_not_sent(error)
            )
            return
        self._test_not_sent(error)

    def _test_not_sent(self, error: BaseException) -> None:
        release(self.test_button)
        say(self.test_status, f"The test message was not sent: {user_message(error)}")

    # --- after a restore ---------------------------------------------------------------

    def _restored(self) -> None:
        """Every record was replaced: the fields show what the backup held."""
        self.reload()
        self.mailbox_changed.emit()
        self.records_replaced.emit()

    def reload(self) -> None:
        """Saved elsewhere (the first-run assistant): the fields show it."""
        self._load_profile(self.afterword.store.profile())
        self._reload_account()
        self.mailbox.load(self.mailbox.stored())

    def _reload_account(self) -> None:
        """The restored account, or empty fields if the backup had none."""
        account = self._stored_account()
        self.provider.setCurrentIndex(0)
        say(self.provider_note, "")
        self.sign_in.show_for(None)
        self._filled = None
        if account is None:
            for field in (self.host, self.username, self.from_address, self.ca_file):
                field.clear()
            self.security.setCurrentIndex(0)
            self.port.setValue(DEFAULT_PORTS[self._security()])
            self._timeout = None
        self._load_account(account)
