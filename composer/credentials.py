"""The mail password, held by the operating system's keyring and nowhere else.

Only real OS keyrings are accepted (Secret Service, KWallet, macOS Keychain, Windows
Credential Locker). A plaintext "keyring" (keyrings.alt) would put the password in a file
in clear, so it is refused; without a usable keyring, the password can be kept in memory
for this session only. Keyring calls can block (D-Bus, an unlock prompt): call them off
the GUI thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from composer import APP_NAME
from composer.errors import (
    AuthenticationFailed,
    CredentialError,
    KeyringLocked,
    NoKeyring,
    PasswordNotForThisServer,
)
from composer.password_binding import (
    BINDING_SUFFIX,
    Destination,
    check_destination,
    destinations_from_text,
    to_text,
)

SERVICE = APP_NAME
OS_BACKENDS = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)
SESSION_ONLY = (
    "Afterword asks for the password when it needs it and keeps it in memory until you quit."
)


MISSING = "missing"
REFUSED = "refused"


def password_problem(error: BaseException) -> str:
    """What typing the password would get past: ``MISSING`` (none stored, or the keyring
    cannot give it), ``REFUSED`` (the server said no to the one it had); "" for the rest."""
    if isinstance(error, CredentialError):
        return MISSING
    return REFUSED if isinstance(error, AuthenticationFailed) else ""


def is_os_backend(backend: Any) -> bool:
    return type(backend).__module__.startswith(OS_BACKENDS)


def os_backend(candidates: list[Any]) -> Any:
    """The OS keyring to use among keyring's candidates; refuses anything else."""
    usable = [b for b in candidates if is_os_backend(b)]
    if usable:
        return max(usable, key=_priority)
    names = ", ".join(_name(b) for b in candidates)
    if any(_name(b).startswith("keyrings.alt") for b in candidates) or not all(
        type(b).__module__.startswith(("keyring.backends.fail", "keyring.backends.null"))
        for b in candidates
    ):
        raise NoKeyring(
            f"The only keyring found ({names}) stores passwords in a file, unprotected, so "
            f"Afterword will not put your password there. {SESSION_ONLY} To have it "
            "remembered safely, use your desktop's keyring (GNOME Keyring, KWallet, macOS "
            "Keychain or Windows Credential Manager)."
        )
    raise NoKeyring(
        "No system keyring is available to remember your password safely. "
        f"{SESSION_ONLY} To have it remembered, install or start your desktop's keyring "
        "(for example GNOME Keyring or KWallet)."
    )


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend whose service is gone reports it by raising here
        return 0.0


def _name(backend: Any) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


class Credentials:
    """Passwords by account key: the OS keyring, or this session's memory when asked."""

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend
        self._session: dict[str, str] = {}
        self._session_for: dict[str, tuple[Destination, ...]] = {}

    def _keyring(self) -> Any:
        import keyring  # here, not at start-up: finding the backends takes a fifth of a second

        backend = self._backend if self._backend is not None else keyring.get_keyring()
        try:
            candidates = list(getattr(backend, "backends", None) or [backend])
        except Exception as error:  # keyring's chainer asks each backend, which may fail
            raise CredentialError(
                f"Your system keyring did not answer ({type(error).__name__}). Make sure it "
                f"is running and unlocked, then try again. {SESSION_ONLY}"
            ) from None
        return os_backend(candidates)

    def check(self) -> None:
        """Raises the clear error if passwords cannot be remembered; for Settings to show."""
        self._keyring()

    def store(self, key: str, password: str, destinations: Sequence[Destination] = ()) -> None:
        """Remembers the password in the OS keyring (replacing any earlier one), with the
        servers it may go to (``composer/password_binding.py``)."""
        backend = self._keyring()
        self._session.pop(key, None)
        self._session_for.pop(key, None)
        self._call(backend.set_password, SERVICE, key, password)
        self._write_binding(backend, key, destinations)

    def use_for_session(
        self, key: str, password: str, destinations: Sequence[Destination] = ()
    ) -> None:
        """Held in memory; typed in this session, so bound only when ``destinations`` say."""
        self._session[key] = password
        if destinations:
            self._session_for[key] = tuple(destinations)
        else:
            self._session_for.pop(key, None)

    def password_for(self, key: str, destination: Destination) -> str | None:
        """The password, if it was saved for ``destination``; else ``PasswordNotForThisServer``
        (nothing sent). None when none is stored."""
        password = self.password(key)
        if password is None:
            return None
        check_destination(key, self._bound_to(key), destination)
        return password

    def _bound_to(self, key: str) -> tuple[Destination, ...] | None:
        """A password held for this session without servers is treated like one stored
        before bindings: good only for the server its key names, with the system's CAs."""
        return self._session_for.get(key) if key in self._session else self.saved_for(key)

    def refusal(
        self, key: str, destinations: Sequence[Destination]
    ) -> PasswordNotForThisServer | None:
        """Why the stored password would not be sent to one of ``destinations``, if so."""
        for destination in destinations:
            try:
                self.password_for(key, destination)
            except PasswordNotForThisServer as error:
                return error
        return None

    def not_yet_bound(
        self, key: str, destinations: Sequence[Destination]
    ) -> tuple[Destination, ...]:
        """Those of ``destinations`` the stored password does not go to yet: all of them
        when none is stored (what is typed then is for the servers named, no others)."""
        if not destinations:
            return ()
        if self.password(key) is None:
            return tuple(destinations)
        saved_for = self._bound_to(key)
        return tuple(d for d in destinations if not _allowed(key, saved_for, d))

    def already_bound(self, key: str, destinations: Sequence[Destination]) -> list[Destination]:
        """Those of ``destinations`` the stored password goes to now: what a save may keep
        it bound to without asking."""
        new = self.not_yet_bound(key, destinations)
        return [d for d in destinations if d not in new]

    def saved_for(self, key: str) -> tuple[Destination, ...] | None:
        """None: stored before passwords were bound (composer/password_binding.py says
        what such an entry may do)."""
        text = self._call(self._keyring().get_password, SERVICE, key + BINDING_SUFFIX)
        return destinations_from_text(text) if isinstance(text, str) else None

    def _write_binding(self, backend: Any, key: str, destinations: Sequence[Destination]) -> None:
        if destinations:
            self._call(backend.set_password, SERVICE, key + BINDING_SUFFIX, to_text(destinations))
        else:
            with contextlib.suppress(_NotStored):
                self._call(backend.delete_password, SERVICE, key + BINDING_SUFFIX)

    def in_session(self, key: str) -> bool:
        """Its password is held in memory only, and gone when Afterword quits."""
        return key in self._session

    def password(self, key: str) -> str | None:
        if key in self._session:
            return self._session[key]
        value = self._call(self._keyring().get_password, SERVICE, key)
        return value if isinstance(value, str) else None

    def forget(self, key: str) -> None:
        """From memory and from the keyring. If the keyring will not let go of it (locked),
        the copy in memory stays too: what it belongs to is kept, and still works."""
        held = self._session.pop(key, None)
        self._session_for.pop(key, None)
        try:
            backend = self._keyring()
            with contextlib.suppress(_NotStored):
                self._call(backend.delete_password, SERVICE, key)
            self._write_binding(backend, key, ())
        except NoKeyring:
            raise  # no keyring to hold an entry: memory was all there was
        except CredentialError:
            if held is not None:
                self._session[key] = held
            raise

    def move(self, old: str, new: str, destinations: Sequence[Destination] = ()) -> None:
        """The account's server, port or user changed (in Settings): its password follows it
        to the new entry, bound to ``destinations``, and the old entry is removed rather than
        left behind in the keyring."""
        if old == new:
            return
        destinations = self._still_allowed(old, new, destinations)
        if old in self._session:
            self._session[new] = self._session.pop(old)
            self._session_for.pop(old, None)
            if destinations:
                self._session_for[new] = tuple(destinations)
        backend = self._keyring()
        value = self._call(backend.get_password, SERVICE, old)
        if isinstance(value, str) and new not in self._session:
            self._call(backend.set_password, SERVICE, new, value)
            self._write_binding(backend, new, destinations)
        for entry in (old, old + BINDING_SUFFIX):
            with contextlib.suppress(_NotStored):
                self._call(backend.delete_password, SERVICE, entry)

    def _still_allowed(
        self, old: str, new: str, destinations: Sequence[Destination]
    ) -> list[Destination]:
        """The moved account itself (on screen as it was saved), and the servers sharing its
        password only if the password went to them before: never one a restore named."""
        saved_for = self._bound_to(old)
        return [d for d in destinations if d.account_key == new or _allowed(old, saved_for, d)]

    @staticmethod
    def _call(method: Any, *args: str) -> Any:
        """Keyring errors become clear ones; their text never carries the arguments."""
        import keyring.errors

        try:
            return method(*args)
        except keyring.errors.KeyringLocked:
            raise KeyringLocked(
                "Your system keyring is locked and could not be unlocked. Unlock it (for "
                f"example by logging in to your desktop again) and try again. {SESSION_ONLY}"
            ) from None
        except keyring.errors.PasswordDeleteError:
            raise _NotStored from None
        except (keyring.errors.KeyringError, RuntimeError, OSError) as error:
            raise CredentialError(
                "Your system keyring did not answer "
                f"({type(error).__name__}). Make sure it is running and unlocked, then try "
                f"again. {SESSION_ONLY}"
            ) from None


def _allowed(key: str, saved_for: tuple[Destination, ...] | None, wanted: Destination) -> bool:
    try:
        check_destination(key, saved_for, wanted)
    except PasswordNotForThisServer:
        return False
    return True


class _NotStored(Exception):
    pass
