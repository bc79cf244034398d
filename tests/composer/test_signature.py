"""The signature is written into the text when a message is drafted, never twice, and the
sign-off and signature never repeat a line; drafts from before get it once, on upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from composer.records import Message, MessageState, Profile
from composer.signature import signed
from composer.store import MIGRATIONS, Store
from composer.store.schema import _signature_in_text

SAM = "Sam Rivera\n+1 555 0100"

CASES = {
    "the sign-off has the name: the phone goes under it": (
        "Dear Ana,\n\nWith thanks,\nSam Rivera\n",
        SAM,
        "Dear Ana,\n\nWith thanks,\nSam Rivera\n+1 555 0100\n",
    ),
    "the sign-off has name and phone: nothing added": (
        "Dear Ana,\n\nKind regards,\nSam Rivera\n+1 555 0100\n",
        SAM,
        "Dear Ana,\n\nKind regards,\nSam Rivera\n+1 555 0100\n",
    ),
    "nothing in common: the standard separator": (
        "Dear Ana,\n\nBest,\nSam\n",
        "Sam Rivera\nData Engineer",
        "Dear Ana,\n\nBest,\nSam\n\n-- \nSam Rivera\nData Engineer\n",
    ),
    "no signature: the text alone": (
        "Dear Ana,\n\nBest,\nSam\n",
        "  \n",
        "Dear Ana,\n\nBest,\nSam\n",
    ),
    "a follow-up: above the quoted message": (
        "Hello again,\n\nOn Tue 3 Nov 2026 at 14:30, Sam wrote:\n> Dear Ana,\n",
        "Sam Rivera",
        "Hello again,\n\n-- \nSam Rivera\n\nOn Tue 3 Nov 2026 at 14:30, Sam wrote:\n> Dear Ana,\n",
    ),
    "Windows line ends in the signature": (
        "Dear Ana,\n\nThanks,\nSam Rivera\n",
        "Sam Rivera\r\n+1 555 0100\r\n",
        "Dear Ana,\n\nThanks,\nSam Rivera\n+1 555 0100\n",
    ),
}


@pytest.mark.parametrize(("body", "signature", "expected"), CASES.values(), ids=list(CASES))
def test_no_line_of_the_sign_off_and_signature_repeats(
    body: str, signature: str, expected: str
) -> None:
    assert signed(body, signature) == expected
    assert signed(expected, signature) == expected, "signing twice adds nothing"


def test_drafts_from_before_get_the_signature_once_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "afterword.db"
    with Store(path) as store:
        store.save_profile(Profile("Sam Rivera", "sam@example.org", signature=SAM))
        ids = {}
        for state in (MessageState.DRAFT, MessageState.QUEUED):
            saved = store.save_message(
                Message("Hi", "Dear Ana,\n\nBest,\nSam Rivera\n", ["a@b.example"], state=state)
            )
            assert saved.id is not None
            ids[state] = saved.id
        sent = store.save_message(Message("Hi", "Dear Bo,\n\nBest,\nSam Rivera\n", ["b@b.example"]))
        assert sent.id is not None
    db = sqlite3.connect(path)  # as an older version left it: the text without the signature
    db.execute("UPDATE messages SET state = 'sent' WHERE id = ?", (sent.id,))
    db.execute(f"PRAGMA user_version = {MIGRATIONS.index(_signature_in_text)}")  # before it
    db.commit()
    db.close()

    with Store(path) as store:
        for message_id in ids.values():
            assert store.message(message_id).body == "Dear Ana,\n\nBest,\nSam Rivera\n+1 555 0100\n"
        assert store.message(sent.id).body == "Dear Bo,\n\nBest,\nSam Rivera\n", "sent: as it went"
    with Store(path) as store:  # opened again: nothing more
        assert store.message(ids[MessageState.DRAFT]).body.count("+1 555 0100") == 1
