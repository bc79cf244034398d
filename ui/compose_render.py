"""Compose's text written from the template off the GUI thread: a render may run up to the
sandbox's time limit, and the window stays responsive meanwhile. Only the latest render's
text is shown, and never over text the user typed while it ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from composer.compose import Unwritten
from composer.errors import AfterwordError, InvalidAddress
from composer.records import Message

if TYPE_CHECKING:
    from ui.compose import ComposePage

WRITING = "Writing the text from the template…"


class TemplateRender:
    def __init__(self, page: ComposePage) -> None:
        self.page = page
        self.count = 0  # only the latest render's text is shown
        self.writing = False  # a render is running: Send waits for its text

    def start(self, unwritten: Unwritten) -> None:
        self.count += 1
        number = self.count
        self.writing = True
        self.page._update_send()
        self.page.runner.run(
            unwritten.write,
            lambda draft: self._written(number, draft),
            lambda error: self._written(number, error),
        )

    def stop(self) -> None:
        """A render in flight no longer applies: its result will be dropped."""
        self.count += 1
        self.writing = False

    def _written(self, number: int, draft: Message | BaseException) -> None:
        """Dropped if stale, or if the user typed their own text meanwhile."""
        page = self.page
        if number != self.count or page.sending:
            return
        self.writing = False
        if page.edited:
            page._update_send()
        elif isinstance(draft, BaseException):
            not_written(page, draft)
        else:
            page.show_draft(draft)


def not_written(page: ComposePage, error: BaseException) -> None:
    """The user's problem said with what to do; a bug stays loud."""
    if isinstance(error, InvalidAddress):
        page.to_error.setText(str(error))
        page._cannot_fill("Fix the recipient's address in Contacts, or untick them.")
    elif isinstance(error, AfterwordError):
        page._cannot_fill(str(error))
    else:
        raise error
