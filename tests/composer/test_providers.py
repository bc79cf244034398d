"""Provider presets build accounts Afterword accepts, and passwords reach the senders as logins."""

from __future__ import annotations

from typing import Any

import pytest

from composer.account import Security, is_loopback
from composer.credentials import Credentials
from composer.errors import NoKeyring
from composer.login import Login, LoginSecret, Mechanism, PasswordSecret
from composer.password_binding import Destination
from composer.providers import Preset, preset_for_address, presets

ADDRESS = "zoe@example.org"
NAMES = [p.name for p in presets()]


def by_name(name: str) -> Preset:
    return next(p for p in presets() if p.name == name)


def test_the_six_providers_are_offered() -> None:
    assert NAMES == [
        "Gmail",
        "Outlook / Microsoft 365",
        "iCloud",
        "Yahoo",
        "Fastmail",
        "Proton Mail Bridge",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_builds_accounts_that_validate(name: str) -> None:
    preset = by_name(name)
    smtp = preset.smtp_account(ADDRESS, ADDRESS)
    imap = preset.imap_account(ADDRESS)
    smtp.validate()
    imap.validate()
    assert (smtp.host, smtp.port, smtp.security) == (
        preset.smtp.host,
        preset.smtp.port,
        preset.smtp.security,
    )
    assert (imap.host, imap.port, imap.security, imap.username) == (
        preset.imap.host,
        preset.imap.port,
        preset.imap.security,
        ADDRESS,
    )
    assert smtp.key != imap.key  # the two passwords never overwrite each other


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_encrypts_and_only_bridge_is_local(name: str) -> None:
    preset = by_name(name)
    assert Security.NONE not in (preset.smtp.security, preset.imap.security)
    local = is_loopback(preset.smtp.host) or is_loopback(preset.imap.host)
    assert local is (name == "Proton Mail Bridge")
    assert preset.needs_ca_file is local  # Bridge's own certificate, exported by the user


def test_usual_ports_go_with_their_security() -> None:
    for preset in presets():
        for server in (preset.smtp, preset.imap):
            if server.port in (465, 993):
                assert server.security is Security.TLS
            if server.port in (587, 143, 1025, 1143):
                assert server.security is Security.STARTTLS


def test_bridge_runs_on_its_loopback_ports_with_the_exported_certificate(tmp_path: Any) -> None:
    bridge = by_name("Proton Mail Bridge")
    cert = tmp_path / "bridge.pem"
    cert.write_text("exported from Bridge")
    smtp = bridge.smtp_account("zoe@proton.me", "zoe@proton.me", ca_file=str(cert))
    imap = bridge.imap_account("zoe@proton.me", ca_file=str(cert))
    smtp.validate()
    imap.validate()
    assert (smtp.host, smtp.port, imap.port) == ("127.0.0.1", 1025, 1143)
    assert smtp.ca_file == imap.ca_file == str(cert)


def test_only_gmail_and_microsoft_file_sent_mail_themselves() -> None:
    filing = {p.name for p in presets() if p.files_sent_itself}
    assert filing == {"Gmail", "Outlook / Microsoft 365"}


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_says_which_password_to_use(name: str) -> None:
    note = by_name(name).sign_in_note
    assert "password" in note.lower()
    assert "\n" not in note and len(note) < 200  # one line in Settings


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("zoe@gmail.com", "Gmail"),
        ("zoe@googlemail.com", "Gmail"),
        ("Zoe@GMAIL.COM", "Gmail"),
        ("zoe@outlook.com", "Outlook / Microsoft 365"),
        ("zoe@Hotmail.com", "Outlook / Microsoft 365"),
        ("zoe@live.com", "Outlook / Microsoft 365"),
        ("zoe@msn.com", "Outlook / Microsoft 365"),
        ("zoe@icloud.com", "iCloud"),
        ("zoe@me.com", "iCloud"),
        ("zoe@mac.com", "iCloud"),
        ("zoe@yahoo.com", "Yahoo"),
        ("zoe@yahoo.co.uk", "Yahoo"),
        ("zoe@YAHOO.FR", "Yahoo"),
        ("zoe@ymail.com", "Yahoo"),
        ("zoe@fastmail.com", "Fastmail"),
        ("zoe@fastmail.fm", "Fastmail"),
        (" zoe@gmail.com. ", "Gmail"),
    ],
)
def test_address_picks_its_provider(address: str, name: str) -> None:
    preset = preset_for_address(address)
    assert preset is not None and preset.name == name


@pytest.mark.parametrize(
    "address",
    [
        "zoe@example.org",  # a custom domain: could be anywhere
        "zoe@proton.me",  # Bridge is chosen explicitly, never guessed
        "zoe@protonmail.com",
        "zoe@yahoo.co.jp",  # Yahoo! JAPAN is a different service
        "zoe@mail.gmail.com.evil.example",
        "zoe@notgmail.com",
        "gmail.com",  # no @ at all
        "",
    ],
)
def test_other_addresses_get_no_preset(address: str) -> None:
    assert preset_for_address(address) is None


def test_a_session_password_becomes_a_password_login() -> None:
    credentials = Credentials(backend=object())  # in memory only: no keyring here
    smtp = by_name("Gmail").smtp_account(ADDRESS, ADDRESS)
    credentials.use_for_session(smtp.key, "app password 1234", [Destination.of(smtp)])
    secret: LoginSecret = PasswordSecret(credentials, smtp.key, smtp)
    assert secret.login() == Login(Mechanism.PASSWORD, "app password 1234")


def test_each_account_key_gets_its_own_password() -> None:
    credentials = Credentials(backend=object())
    gmail = by_name("Gmail")
    smtp, imap = gmail.smtp_account(ADDRESS, ADDRESS), gmail.imap_account(ADDRESS)
    credentials.use_for_session(smtp.key, "smtp secret", [Destination.of(smtp)])
    credentials.use_for_session(imap.key, "imap secret", [Destination.of(imap)])
    smtp_login = PasswordSecret(credentials, smtp.key, smtp).login()
    imap_login = PasswordSecret(credentials, imap.key, imap).login()
    assert smtp_login == Login(Mechanism.PASSWORD, "smtp secret")
    assert imap_login == Login(Mechanism.PASSWORD, "imap secret")


def test_a_forgotten_password_gives_no_login(secret_backend: object) -> None:
    credentials = Credentials(secret_backend)
    smtp = by_name("Fastmail").smtp_account(ADDRESS, ADDRESS)
    credentials.use_for_session(smtp.key, "for now", [Destination.of(smtp)])
    credentials.forget(smtp.key)
    assert PasswordSecret(credentials, smtp.key, smtp).login() is None


def test_a_stored_password_is_read_from_the_keyring(secret_backend: object) -> None:
    imap = by_name("Yahoo").imap_account(ADDRESS)
    Credentials(secret_backend).store(imap.key, "kept safe")
    assert PasswordSecret(Credentials(secret_backend), imap.key, imap).login() == Login(
        Mechanism.PASSWORD, "kept safe"
    )
    Credentials(secret_backend).forget(imap.key)


def test_without_a_keyring_the_clear_error_reaches_the_caller() -> None:
    smtp = by_name("Gmail").smtp_account(ADDRESS, ADDRESS)
    secret = PasswordSecret(Credentials(backend=object()), smtp.key, smtp)
    with pytest.raises(NoKeyring):
        secret.login()


def test_a_login_never_shows_its_secret() -> None:
    login = Login(Mechanism.PASSWORD, "hunter2-secret")
    assert "hunter2-secret" not in repr(login)
    assert "hunter2-secret" not in str(login)
