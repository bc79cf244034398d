"""Writing follow-ups from a template and the records, ready to review and edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from composer.dates import chosen_locale
from composer.errors import AfterwordError, MissingField
from composer.fields import latest_said, notes_requested, template_fields
from composer.library import TemplateLibrary, check_usable, render_answered
from composer.mail import parse_address
from composer.outbox import Outbox
from composer.records import Attachment, Contact, Interview, Message, Participant, Role
from composer.store import Store


def address_of(contact: Contact) -> str:
    return str(parse_address(f"{contact.name} <{contact.email}>", "To"))


class Writer:
    """One template written for one or several people (a panel): the template, its
    default attachments and the user's profile are read once, not once a message."""

    def __init__(self, store: Store, library: TemplateLibrary, template_id: str) -> None:
        self.library = library
        self.template_id = template_id
        self.template = library.get(template_id)
        check_usable(self.template)
        self.profile = store.profile()
        self.store = store
        self.date_locale = chosen_locale(store)

    def _uses(self, field: str) -> bool:
        """Records only this template reads are looked up only for it."""
        return field in self.template.source

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Read with the first message written: a recipient without an address, or a
        field left blank, is told before a file that cannot be read."""
        return self.library.default_attachments(self.template_id)

    def draft(
        self,
        contact: Contact,
        interview: Interview | None = None,
        participants: Sequence[Participant] = (),
        *,
        detail: str = "",
        cc: Sequence[str] = (),
        answers: Mapping[str, str] | None = None,
    ) -> Message:
        """Fills the template for one recipient; a missing field raises, naming it.
        ``answers``: to the template's questions, typed in Compose."""
        if not contact.email.strip():
            raise MissingField(
                self.template_id,
                "recipient.email",
                f"{contact.name} has no email address: add it in Contacts.",
            )
        fields = template_fields(
            self.profile,
            contact,
            interview,
            participants,
            detail,
            date_locale=self.date_locale,
            said=latest_said(self.store, contact, interview) if self._uses("feedback.") else "",
            notes_requested=(
                notes_requested(self.store, interview) if self._uses("notes_requested") else None
            ),
            answers=answers,
        )
        rendered = render_answered(self.template, fields)
        return Message(
            subject=rendered.subject,
            body=rendered.body,
            to=[address_of(contact)],
            cc=list(cc),
            template_id=self.template_id,
            contact_id=contact.id,
            interview_id=interview.id if interview else None,
            attachments=[replace(attachment) for attachment in self.attachments],
        )


def draft_from_template(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_id: int,
    interview_id: int | None = None,
    detail: str = "",
    cc: Sequence[str] = (),
    answers: Mapping[str, str] | None = None,
) -> Message:
    """Fills the template for one recipient; a missing field raises, naming it."""
    writer = Writer(store, library, template_id)
    contact = store.contact(contact_id)
    interview = store.interview(interview_id) if interview_id is not None else None
    participants = store.participants(interview_id) if interview_id is not None else []
    return writer.draft(contact, interview, participants, detail=detail, cc=cc, answers=answers)


@dataclass
class PanelMessage:
    """One interviewer's personal message, or why it can't be written."""

    contact: Contact
    message: Message | None
    problem: str = ""
    already_sent: bool = False


def panel_messages(
    store: Store,
    library: TemplateLibrary,
    interview_id: int,
    template_id: str = "thank_you",
    details: Mapping[int, str] | None = None,
) -> list[PanelMessage]:
    """ "Thank each interviewer": one message per person, each with only its own recipient."""
    sent_before = store.already_sent_to(interview_id, template_id)
    participants = store.participants(interview_id)
    interviewers = [
        (person.contact.id, person.contact)
        for person in participants
        if person.role is Role.INTERVIEWER and person.contact.id is not None
    ]
    try:
        writer = Writer(store, library, template_id)
        interview = store.interview(interview_id)
    except AfterwordError as error:  # no message can be written: each person says why
        return [PanelMessage(c, None, str(error), i in sent_before) for i, c in interviewers]
    result = []
    for contact_id, contact in interviewers:
        detail = (details or {}).get(contact_id, "")
        try:
            message = writer.draft(contact, interview, participants, detail=detail)
        except AfterwordError as error:
            result.append(PanelMessage(contact, None, str(error), contact_id in sent_before))
            continue
        result.append(PanelMessage(contact, message, "", contact_id in sent_before))
    return result


def queue_panel(
    outbox: Outbox, panel: Sequence[PanelMessage], *, send_again_to: frozenset[int] = frozenset()
) -> list[int]:
    """Queues the panel's messages; someone already thanked is skipped unless the user
    explicitly chose to send to them again."""
    chosen = [
        item.message
        for item in panel
        if item.message is not None and (not item.already_sent or item.contact.id in send_again_to)
    ]
    queued = outbox.queue_many(chosen)  # all checked, then queued together: never half a panel
    return [message.id for message in queued if message.id is not None]
