"""A backup's settings, checked before the app ever reads them.

The app reads its settings as it wrote them; a backup may hold anything. A mailbox that
looks for replies every 40,000 minutes overflowed Qt's timer, so the window never opened
again; text that is not JSON, or an account without its security, broke Settings and
sending. So each setting the app reads is checked here, on the rebuilt copy, and a backup
with one that Afterword could not have written is refused, naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from composer.account import Security
from composer.dates import LOCALE_SETTING
from composer.errors import BackupRefused
from composer.providers import PROVIDER_SETTING
from composer.schedule import UNDO_SETTING
from composer.spelling import LANGUAGE_SETTING
from composer.store import Store
from composer.store.settings import ACCOUNT_SETTING, IMAP_ACCOUNT_SETTING, MAX_CHECK_MINUTES

MAX_TIMEOUT = 600.0  # seconds; the app writes 30

Check = Callable[[Any], str]  # what is wrong with a value, or "" when nothing is

_SERVER = {
    "host": str,
    "port": int,
    "security": str,
    "username": str,
    "ca_file": str,
    "timeout": float,
}
_ACCOUNT = {**_SERVER, "from_address": str}
_MAILBOX = {**_SERVER, "server_files_sent": bool, "own_password": bool, "check_minutes": int}
_OPTIONAL = {"ca_file", "timeout", "server_files_sent", "own_password", "check_minutes"}


def check_restored_settings(store: Store, name: str) -> None:
    """Raises BackupRefused, naming the first setting the app could not use."""
    for key, text in sorted(store.setting_texts().items()):
        problem = _problem(key, text)
        if problem:
            raise BackupRefused(
                f"{name} cannot be restored: its setting “{key}” {problem}. Afterword never "
                "writes such a setting, so the backup may have been damaged or changed by "
                "someone. Nothing was changed. Try another copy."
            )


def _problem(key: str, text: str) -> str:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return "is not readable (not JSON)"
    check = _CHECKS.get(key)
    return "" if value is None or check is None else check(value)


def _fields(value: Any, wanted: Mapping[str, type]) -> str:
    if not isinstance(value, dict):
        return "is not a set of fields"
    # a field the app does not know is a newer version's, kept but never used
    # (composer/account.py): not a reason to refuse
    missing = sorted(set(wanted) - _OPTIONAL - set(value))
    if missing:
        return f"lacks {', '.join(missing)}"
    for field, kind in wanted.items():
        if field in value and not _is(value[field], kind):
            return f"has {field} of the wrong kind ({type(value[field]).__name__})"
    return _ranges(value)


def _is(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _ranges(value: dict[str, Any]) -> str:
    if not 0 < value["port"] < 65536:
        return f"has port {value['port']}, not one from 1 to 65535"
    if value["security"] not in {choice.value for choice in Security}:
        return f"has security “{value['security']}”, not one of tls, starttls or none"
    if not 0 < value.get("timeout", 30) <= MAX_TIMEOUT:
        return f"has a timeout of {value['timeout']} seconds, not one up to {MAX_TIMEOUT:.0f}"
    if not 0 <= value.get("check_minutes", 0) <= MAX_CHECK_MINUTES:
        return (
            f"looks for replies every {value['check_minutes']} minutes, not 0 to "
            f"{MAX_CHECK_MINUTES}"
        )
    return ""


def _text(value: Any) -> str:
    return "" if isinstance(value, str) else "is not text"


def _seconds(value: Any) -> str:
    return "" if isinstance(value, int) and not isinstance(value, bool) else "is not a number"


_CHECKS: dict[str, Check] = {
    ACCOUNT_SETTING: lambda value: _fields(value, _ACCOUNT),
    IMAP_ACCOUNT_SETTING: lambda value: _fields(value, _MAILBOX),
    PROVIDER_SETTING: _text,
    LANGUAGE_SETTING: _text,
    LOCALE_SETTING: _text,
    UNDO_SETTING: _seconds,
}
