"""The seam from a gesture to the core: one function per gesture that changes the records.

Each runs its core call on the runner's worker, on one connection opened there for the
whole gesture (a Send again's queueing and sending included; the GUI thread's connection
only reads), and on success announces what changed through ``runner.changed``: pages
connect once (``refresh_on``) and refresh themselves.
The runner's error policy applies: a user's error reaches ``on_error`` (or the editor
shown again, for ``until_saved``), a bug stays loud. In the manner of Anki's
``aqt/operations``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QDialog

from composer import drafts, weekly_goal
from composer.afterword import Afterword
from composer.contacts import merge_into
from composer.errors import AfterwordError
from composer.records import Contact, FeedbackNote, Interview, Lesson, Reply, Role
from ui import dialogs
from ui.runner import Failed, Runner

if TYPE_CHECKING:
    from composer.outbox import Outbox, SendResult
    from composer.store import Store

T = TypeVar("T")


class Changes(enum.Flag):
    """What a gesture changed, so that each page knows whether it shows it."""

    CONTACTS = enum.auto()
    INTERVIEWS = enum.auto()
    MESSAGES = enum.auto()
    DUE = enum.auto()  # Today's reminders: snoozed, dismissed
    REPLIES = enum.auto()
    FEEDBACK = enum.auto()
    LESSONS = enum.auto()
    SETTINGS = enum.auto()
    PROFILE = enum.auto()
    TEMPLATES = enum.auto()


# What a deletion, a restore or an import may reach: every record kept with another.
EVERY_RECORD = (
    Changes.CONTACTS
    | Changes.INTERVIEWS
    | Changes.MESSAGES
    | Changes.DUE
    | Changes.REPLIES
    | Changes.FEEDBACK
    | Changes.LESSONS
)


def refresh_on(runner: Runner, shown: Changes, refresh: Callable[[], object]) -> None:
    """Connects a page once: it refreshes itself when a change it shows is announced."""
    runner.changed.connect(lambda changes: refresh() if changes & shown else None)


def write(
    afterword: Afterword,
    runner: Runner,
    work: Callable[[Store], T],
    changes: Changes,
    on_done: Callable[[T], object] | None = None,
    on_error: Failed | None = None,
) -> None:
    """Runs one gesture's writes on the worker, then announces ``changes``."""

    def run() -> T:
        with afterword.reading() as store:
            return work(store)

    def done(result: T) -> None:
        runner.changed.emit(changes)
        if on_done is not None:
            on_done(result)

    runner.run(run, done, on_error, on_end=_nothing_to_clean_up)


def _nothing_to_clean_up() -> None:
    """Given as ``on_end``: a bug then never reaches the gesture's user-error handler."""


def write_outbox(
    afterword: Afterword,
    runner: Runner,
    work: Callable[[Outbox], T],
    changes: Changes,
    on_done: Callable[[T], object] | None = None,
    on_error: Failed | None = None,
) -> None:
    """As ``write``, for a gesture whose rules live in the outbox (a Sent copy wanted?)."""
    write(
        afterword, runner, lambda store: work(_outbox(afterword, store)), changes, on_done, on_error
    )


def _outbox(afterword: Afterword, store: Store) -> Outbox:
    from composer.outbox import Outbox

    return Outbox(store, afterword.credentials, clock=afterword.clock)


def until_saved(
    dialog: QDialog,
    save: Callable[[Callable[[Any], object], Failed], None],
    on_saved: Callable[[Any], object] | None = None,
) -> None:
    """Shows the editor until what it holds is saved or the user cancels; when saving
    fails (a locked or full disk), says why and shows it again with the text kept."""
    if not dialogs.run_dialog(dialog):
        dialog.deleteLater()
        return

    def failed(error: AfterwordError) -> None:
        dialogs.tell(
            dialog.parentWidget(), f"{error}\n\nWhat you typed is still there.", error=True
        )
        until_saved(dialog, save, on_saved)

    def saved(result: Any) -> None:
        dialog.deleteLater()
        if on_saved is not None:
            on_saved(result)

    save(saved, failed)


# --- Today's reminders --------------------------------------------------------------------


def snooze(
    afterword: Afterword, runner: Runner, key: str, until: datetime, on_error: Failed
) -> None:
    write(afterword, runner, lambda s: s.snooze_due(key, until), Changes.DUE, on_error=on_error)


def dismiss(afterword: Afterword, runner: Runner, key: str, on_error: Failed) -> None:
    write(afterword, runner, lambda s: s.dismiss_due(key), Changes.DUE, on_error=on_error)


def note_reply(
    afterword: Afterword,
    runner: Runner,
    reply: Reply,
    on_done: Callable[[Reply], object],
    on_error: Failed,
) -> None:
    """They answered: the reminders of that thread stop."""
    write(afterword, runner, lambda s: s.add_reply(reply), Changes.REPLIES, on_done, on_error)


# --- sending ------------------------------------------------------------------------------


def send_again(
    afterword: Afterword,
    runner: Runner,
    message_id: int,
    on_done: Callable[[list[SendResult]], object],
    on_error: Failed,
    *,
    on_end: Callable[[], None],
    uncertain: bool = False,
) -> None:
    """Queues a failed (or, asked first, an uncertain) message again and sends it: one
    worker call, one connection, so it cannot go in twice. ``on_end`` runs however it ends."""

    def work() -> list[SendResult]:
        with afterword.background() as outbox:
            if uncertain:
                outbox.send_again(message_id)
            else:
                outbox.retry(message_id)
            return outbox.send([message_id])

    def done(results: list[SendResult]) -> None:
        runner.changed.emit(Changes.MESSAGES)
        on_done(results)

    def failed(error: AfterwordError) -> None:
        runner.changed.emit(Changes.MESSAGES)  # it may have been queued before the error
        on_error(error)

    runner.run(work, done, failed, on_end=on_end, sending=True)


def mark_sent(afterword: Afterword, runner: Runner, message_id: int, on_error: Failed) -> None:
    """The user checked that an uncertain message did arrive."""
    changes = Changes.MESSAGES | Changes.DUE
    write_outbox(afterword, runner, lambda o: o.mark_sent(message_id), changes, on_error=on_error)


def delete_draft(
    afterword: Afterword,
    runner: Runner,
    message_id: int,
    on_done: Callable[[None], object],
    on_error: Failed,
) -> None:
    write(
        afterword,
        runner,
        lambda s: s.delete_message(message_id),
        Changes.MESSAGES,
        on_done,
        on_error,
    )


def edit_failed_as_draft(
    afterword: Afterword,
    runner: Runner,
    message_id: int,
    on_done: Callable[[None], object],
    on_error: Failed,
) -> None:
    """The user acts on a failed message: it becomes a draft again."""
    now = afterword.clock()

    def work(store: Store) -> None:
        drafts.edit_failed_as_draft(store, message_id, now)

    write(afterword, runner, work, Changes.MESSAGES | Changes.DUE, on_done, on_error)


def remove_drafts(
    afterword: Afterword,
    runner: Runner,
    ids: Sequence[int],
    on_done: Callable[[int], object],
    on_error: Failed,
) -> None:
    """Drafts already sent another way; how many went."""

    def work(store: Store) -> int:
        return drafts.remove_drafts(store, ids) if ids else 0

    write(afterword, runner, work, Changes.MESSAGES, on_done, on_error)


# --- settings -----------------------------------------------------------------------------


def set_weekly_goal(
    afterword: Afterword, runner: Runner, goal: Callable[[], int | None]
) -> Callable[[Callable[[Any], object], Failed], None]:
    """For ``until_saved``: applications a week, as the editor holds it when saved."""

    def save(done: Callable[[Any], object], failed: Failed) -> None:
        chosen = goal()  # read from the editor here, on the GUI thread

        def work(store: Store) -> None:
            weekly_goal.set_weekly_goal(store, chosen)

        write(afterword, runner, work, Changes.SETTINGS, done, failed)

    return save


# --- contacts -----------------------------------------------------------------------------


def save_contact(
    afterword: Afterword,
    runner: Runner,
    contact: Contact,
    on_done: Callable[[Contact], object],
    on_error: Failed,
    *,
    merge_into_id: int | None = None,
) -> None:
    """A new contact, an edited one, or a new one merged into who has its address."""

    def work(store: Store) -> Contact:
        if merge_into_id is not None:
            return merge_into(store, merge_into_id, contact)
        if contact.id is None:
            return store.add_contact(contact)
        store.update_contact(contact)
        return contact

    write(afterword, runner, work, Changes.CONTACTS, on_done, on_error)


def delete_contact(
    afterword: Afterword,
    runner: Runner,
    contact_id: int,
    on_done: Callable[[None], object],
    on_error: Failed,
) -> None:
    """What was sent to them is kept."""
    write(
        afterword, runner, lambda s: s.delete_contact(contact_id), EVERY_RECORD, on_done, on_error
    )


# --- interviews ---------------------------------------------------------------------------


def save_interview(
    afterword: Afterword,
    runner: Runner,
    interview: Interview,
    people: Sequence[tuple[int, Role]],
    on_done: Callable[[Interview], object],
    on_error: Failed,
) -> None:
    """A new or edited interview and who was in it, in one transaction."""

    def work(store: Store) -> Interview:
        with store.transaction():
            saved = interview
            if interview.id is None:
                saved = store.add_interview(interview)
            else:
                store.update_interview(interview)
            store.set_participants(saved.id or 0, people)
            return saved

    changes = Changes.INTERVIEWS | Changes.DUE | Changes.CONTACTS  # some made on the spot
    write(afterword, runner, work, changes, on_done, on_error)


def delete_interview(
    afterword: Afterword,
    runner: Runner,
    interview_id: int,
    on_done: Callable[[None], object],
    on_error: Failed,
) -> None:
    write(
        afterword,
        runner,
        lambda s: s.delete_interview(interview_id),
        EVERY_RECORD,
        on_done,
        on_error,
    )


# --- feedback and lessons -----------------------------------------------------------------


def save_feedback(
    afterword: Afterword, runner: Runner, note: Callable[[], FeedbackNote]
) -> Callable[[Callable[[Any], object], Failed], None]:
    """For ``until_saved``: the note as the editor holds it when the user saves."""

    def save(done: Callable[[Any], object], failed: Failed) -> None:
        typed = note()  # read from the editor here, on the GUI thread
        write(afterword, runner, lambda s: s.save_feedback(typed), Changes.FEEDBACK, done, failed)

    return save


def delete_feedback(
    afterword: Afterword,
    runner: Runner,
    note_id: int,
    on_done: Callable[[None], object],
    on_error: Failed,
) -> None:
    write(
        afterword, runner, lambda s: s.delete_feedback(note_id), Changes.FEEDBACK, on_done, on_error
    )


def mark_practised(
    afterword: Afterword, runner: Runner, lesson_id: int, practised: bool, on_error: Failed
) -> None:
    def work(store: Store) -> None:
        store.mark_practised(lesson_id, practised)

    write(afterword, runner, work, Changes.LESSONS, on_error=on_error)


def delete_lesson(afterword: Afterword, runner: Runner, lesson_id: int, on_error: Failed) -> None:
    write(
        afterword, runner, lambda s: s.delete_lesson(lesson_id), Changes.LESSONS, on_error=on_error
    )


def save_lesson(
    afterword: Afterword, runner: Runner, lesson: Callable[[], Lesson]
) -> Callable[[Callable[[Any], object], Failed], None]:
    """For ``until_saved``: the lesson as the editor holds it when the user saves."""

    def save(done: Callable[[Any], object], failed: Failed) -> None:
        typed = lesson()  # read from the editor here, on the GUI thread
        write(afterword, runner, lambda s: s.save_lesson(typed), Changes.LESSONS, done, failed)

    return save
