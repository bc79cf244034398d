"""What Today says when no reminder is due: only the truth, and praise only when earned.

A first run gets its next step (set up the account, then add the interview just had);
drafts still to finish or messages on their way are said as such; "well done" is kept for
when follow-ups were sent and nothing is left failed, uncertain or unwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from composer.store import ACCOUNT_SETTING, Store

NOTHING_DUE = "Nothing is due today. Well done: every follow-up is sent."
QUIET = "Nothing is due today. Afterword will remind you after your next interview."


class FirstStep(StrEnum):
    """What a new user does next, in the words of its button."""

    ACCOUNT = "Set up your account"
    INTERVIEW = "Add the interview you just had"


@dataclass(frozen=True)
class Standing:
    """What the records say when nothing is due."""

    has_account: bool
    has_interview: bool
    counts: dict[str, int]  # messages by state, from Store.message_counts()

    @property
    def first_step(self) -> FirstStep | None:
        if not self.has_account:
            return FirstStep.ACCOUNT
        if not self.has_interview:
            return FirstStep.INTERVIEW
        return None

    def words(self) -> str:
        """The line Today shows in place of an empty list."""
        drafts = self.counts.get("draft", 0)
        waiting = sum(self.counts.get(state, 0) for state in ("queued", "sending", "scheduled"))
        unsent = sum(self.counts.get(state, 0) for state in ("failed", "uncertain"))
        if self.first_step is FirstStep.ACCOUNT:
            return (
                "Welcome to Afterword. Start by setting up the email account your "
                "follow-ups go from; then add the interview you just had."
            )
        if self.first_step is FirstStep.INTERVIEW:
            return (
                "Your account is ready. Add the interview you just had, and Afterword "
                "will remind you of each follow-up at the right time."
            )
        if unsent:
            return "Nothing else is due today; a message still has not gone: see Outbox & Sent."
        if drafts:
            return f"Nothing is due today. {_drafts(drafts)} still to finish in Outbox & Sent."
        if waiting:
            return f"Nothing is due today. {waiting} message(s) will go out soon."
        return NOTHING_DUE if self.counts.get("sent", 0) else QUIET


def _drafts(count: int) -> str:
    return "1 draft is" if count == 1 else f"{count} drafts are"


def standing(store: Store) -> Standing:
    return Standing(
        has_account=store.get_setting(ACCOUNT_SETTING) is not None,
        has_interview=bool(store.interview_ids(limit=1)),
        counts=store.message_counts(),
    )
