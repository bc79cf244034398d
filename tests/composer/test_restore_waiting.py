"""Messages waiting to be sent in a backup come back as drafts: a restore never sends
anything from the user's account that the user has not reviewed (#16)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.backup import backup
from composer.paths import resolve
from composer.records import Message, MessageState
from composer.restore import restore
from tests.helpers.clock import NOW, clock
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for

OpenAfterword = Callable[[str], Afterword]


@pytest.fixture
def open_afterword(tmp_path: Path) -> Iterator[OpenAfterword]:
    """Afterwords on data dirs of their own, on the tests' clock."""
    opened: list[Afterword] = []

    def open_(name: str) -> Afterword:
        opened.append(
            Afterword.open(resolve(tmp_path / name), keyring_backend=object(), clock=clock)
        )
        return opened[-1]

    yield open_
    for afterword in opened:
        afterword.close()


def waiting_backup(open_afterword: OpenAfterword, tmp_path: Path) -> Path:
    """One message queued, one scheduled for an hour after NOW with a Bcc, one draft."""
    maker = open_afterword("maker")
    maker.outbox.queue(Message("Queued", "Thank you.", ["ana@acme.example"]))
    later = Message("Later", "Thanks again.", ["bo@acme.example"], bcc=["spy@evil.example"])
    maker.outbox.schedule(later, NOW + timedelta(hours=1))
    maker.outbox.save_draft(Message("Draft", "Not yet.", ["cy@acme.example"]))
    return backup(maker, tmp_path / "waiting.zip").path


def test_queued_and_scheduled_messages_are_restored_as_drafts_and_the_user_is_told(
    open_afterword: OpenAfterword, tmp_path: Path
) -> None:
    user = open_afterword("user")
    summary = restore(user, waiting_backup(open_afterword, tmp_path))

    drafts = user.store.message_ids(MessageState.DRAFT)
    assert sorted(user.store.message(i).subject for i in drafts) == ["Draft", "Later", "Queued"]
    assert all(user.store.message(i).scheduled_at is None for i in drafts)
    assert summary.kept_as_drafts == 2
    assert (
        "2 messages that were waiting to be sent in the backup are kept as drafts: nothing "
        "was sent. Review and send them from Outbox & Sent." in summary.describe()
    )


def test_nothing_from_the_backup_goes_out_when_sending_is_due(
    open_afterword: OpenAfterword, tmp_path: Path, smtp_server: SmtpServer, ca_file: Path
) -> None:
    user = open_afterword("user")
    restore(user, waiting_backup(open_afterword, tmp_path))
    account = account_for(smtp_server, ca_file)
    user.outbox.save_account(account)
    user.credentials.use_for_session(account.key, PASSWORD)

    due = user.outbox.send_due(NOW + timedelta(hours=2))

    assert due.results == [] and due.overdue == []
    assert user.store.message_ids(MessageState.QUEUED, MessageState.SCHEDULED) == []
    assert smtp_server.received == []


def test_a_backup_with_nothing_waiting_says_nothing_about_drafts(
    open_afterword: OpenAfterword, tmp_path: Path
) -> None:
    maker = open_afterword("maker")
    maker.outbox.save_draft(Message("Draft", "Not yet.", ["cy@acme.example"]))
    summary = restore(open_afterword("user"), backup(maker, tmp_path / "quiet.zip").path)
    assert summary.kept_as_drafts == 0 and "draft" not in summary.describe()
