"""A password field's dealings with the system keyring (Settings and its Mailbox group):
whether one is stored, storing a typed one, else keeping it for this session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QLineEdit

from composer.credentials import Credentials
from composer.errors import CredentialError, NoKeyring
from composer.password_binding import Destination
from ui.runner import Runner

STORED = "Stored in your system keyring"
NOT_STORED = "Enter your password"
SESSION_ONLY = "Kept in memory until you quit"
STORED_NOW = "Password saved in your system keyring."
LEFT_BEHIND = (
    "The password of the account as it was is still in your keyring: unlock it, then save "
    "again to remove it."
)


def forget_entry(credentials: Credentials, key: str) -> str | None:
    """Blocking, for the worker: the keyring's message if it kept the entry (locked).
    Without a keyring there is no entry to keep."""
    try:
        credentials.forget(key)
    except NoKeyring:
        return None
    except CredentialError as error:
        return str(error)
    return None


class PasswordHint:
    """A password field's dealings with the keyring, off the GUI thread: it says whether a
    password is stored (the password itself is never fetched here; only the latest answer
    counts), and stores a typed one, else keeps it for this session."""

    def __init__(
        self,
        field: QLineEdit,
        runner: Runner,
        credentials: Credentials,
        unanswered: Callable[[str], None],
    ) -> None:
        """``unanswered(message)``: the keyring did not say whether a password is stored
        (locked): the hint alone would make a stored one look missing."""
        self.field = field
        self.runner = runner
        self.credentials = credentials
        self.unanswered = unanswered
        self.busy = False  # a password is on its way to the keyring
        self.left_behind: str | None = None  # an old entry a locked keyring kept: saving retries
        self._request = 0

    def drop_pending(self) -> None:
        """An answer still on its way is about an old password: it is not shown."""
        self._request += 1

    def refresh(self, key: str) -> None:
        self.drop_pending()
        if self.credentials.in_session(key):  # also after it moved with its account
            self.field.setPlaceholderText(SESSION_ONLY)
            return
        request, credentials = self._request, self.credentials
        self.runner.run(
            lambda: credentials.password(key) is not None,
            lambda stored: self._show(request, STORED if stored else NOT_STORED),
            lambda error: self._show(request, NOT_STORED, error),
        )

    def _show(self, request: int, hint: str, error: BaseException | None = None) -> None:
        if error is not None and not isinstance(error, CredentialError):
            raise error  # a bug
        if request != self._request:
            return
        self.field.setPlaceholderText(hint)
        if error is not None:
            self.unanswered(str(error))

    def store(
        self,
        key: str,
        password: str,
        *,
        forget: str | None,
        done: Callable[[str | None], None],
        finished: Callable[[], None],
        servers: Sequence[Any] = (),
        shared: Sequence[Any] = (),
    ) -> None:
        """Stores it under ``key``, bound to the ``servers`` (accounts) it is for, and to
        those ``shared`` ones the stored password already went to (a mailbox a backup
        brought back is asked for at its visit, named), and
        removes the ``forget`` entry. ``finished()`` comes
        after, whatever happened (so Save can be used again); then ``done(problem)``, with
        what to tell the user if the password is kept for this session only, or the
        ``forget`` entry is kept (then ``left_behind``). The field says which, and is
        cleared if it still holds that password."""
        self.drop_pending()
        self.busy = True
        credentials = self.credentials
        bound_to: list[Destination] = []

        def work() -> str | None:
            also = [Destination.of(server) for server in shared]
            bound_to.extend(Destination.of(server) for server in servers)
            bound_to.extend(credentials.already_bound(key, also))
            credentials.store(key, password, bound_to)
            return None if forget is None else forget_entry(credentials, forget)

        def stored(problem: str | None) -> None:
            self.left_behind = forget if problem else None
            self._stored(password, STORED)
            finished()
            done(f"{STORED_NOW} {problem} {LEFT_BEHIND}" if problem else None)

        def not_stored(error: BaseException) -> None:
            self.busy = False
            if not isinstance(error, CredentialError):
                finished()
                raise error  # a bug stays loud
            credentials.use_for_session(key, password, bound_to)
            if not isinstance(error, NoKeyring):  # a keyring that would not forget either
                self.left_behind = forget
            self._stored(password, SESSION_ONLY)
            finished()
            left = f" {LEFT_BEHIND}" if self.left_behind is not None else ""
            done(f"{error} Using it for this session only.{left}")

        self.runner.run(work, stored, not_stored)

    def old_entry(self, previous: str | None, key: str) -> str | None:
        """The entry this save moves or removes: the account's as it was, or one a locked
        keyring kept at an earlier save."""
        old = self.left_behind if self.left_behind is not None else previous
        if old == key:  # back where the password is
            self.left_behind = None
        return old if old != key else None

    def _stored(self, password: str, hint: str) -> None:
        self.busy = False
        if self.field.text() == password:  # not what was typed since
            self.field.clear()
        self.field.setPlaceholderText(hint)
