"""Writing follow-ups from a template and the records, ready to review and edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from composer.dates import chosen_locale
from composer.errors import AfterwordError, MissingField
from composer.followups import suggested_recipients
from composer.greeting import greeting_for_several, greeting_of
from composer.mail import parse_address
from composer.mail_threads import follow_up_draft
from composer.outbox import Outbox
from composer.records import Attachment, Contact, Interview, Message, Participant
from composer.sent_before import sent_before
from composer.signature import signed
from composer.store import Store
from composer.templates import (
    BuiltIn,
    FieldGroup,
    TemplateLibrary,
    check_usable,
    render_answered,
    template_fields,
)
from composer.templates.fields import join_names, latest_said, notes_requested


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

    def _fields(
        self,
        contact: Contact,
        interview: Interview | None,
        participants: Sequence[Participant],
        detail: str,
        said: str,
        answers: Mapping[str, str] | None,
    ) -> dict[str, FieldGroup]:
        requested = self._uses("notes_requested")
        return template_fields(
            self.profile,
            contact,
            interview,
            participants,
            detail,
            date_locale=self.date_locale,
            said=said,
            notes_requested=notes_requested(self.store, interview) if requested else None,
            answers=answers,
        )

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Read with the first message written: a recipient without an address, or a
        field left blank, is told before a file that cannot be read."""
        return self.library.default_attachments(self.template_id)

    def unwritten(
        self,
        contact: Contact,
        interview: Interview | None = None,
        participants: Sequence[Participant] = (),
        *,
        detail: str = "",
        cc: Sequence[str] = (),
        answers: Mapping[str, str] | None = None,
    ) -> Unwritten:
        """Everything read from the records for one recipient, not yet rendered; a missing
        address raises, naming it. ``answers``: to the template's questions, typed in Compose."""
        if not contact.email.strip():
            raise MissingField(
                self.template_id,
                "recipient.email",
                f"{contact.name} has no email address: add it in Contacts.",
            )
        said = latest_said(self.store, contact, interview) if self._uses("feedback.") else ""
        fields = self._fields(contact, interview, participants, detail, said, answers)
        return Unwritten(self, fields, [contact], list(cc), interview.id if interview else None)

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
        """Fills the template for one recipient; a missing field raises, naming it."""
        unwritten = self.unwritten(
            contact, interview, participants, detail=detail, cc=cc, answers=answers
        )
        return unwritten.write()

    def unwritten_together(
        self,
        contacts: Sequence[Contact],
        interview: Interview | None = None,
        participants: Sequence[Participant] = (),
        *,
        cc: Sequence[str] = (),
        answers: Mapping[str, str] | None = None,
    ) -> Unwritten:
        """One message to several people, because the user asked for it: its greeting
        names them all ("Dear Ana and Bo,"), never one of them."""
        for contact in contacts:
            if not contact.email.strip():
                raise MissingField(
                    self.template_id,
                    "recipient.email",
                    f"{contact.name} has no email address: add it in Contacts.",
                )
        fields = self._fields(contacts[0], interview, participants, "", "", answers)
        fields["recipient"] = recipients_group(contacts)
        return Unwritten(
            self, fields, list(contacts), list(cc), interview.id if interview else None
        )

    def draft_together(
        self,
        contacts: Sequence[Contact],
        interview: Interview | None = None,
        participants: Sequence[Participant] = (),
        *,
        cc: Sequence[str] = (),
        answers: Mapping[str, str] | None = None,
    ) -> Message:
        unwritten = self.unwritten_together(
            contacts, interview, participants, cc=cc, answers=answers
        )
        return unwritten.write()


@dataclass
class Unwritten:
    """A message with all it needs from the records, not yet rendered: the render (up to
    the sandbox's time limit) can then run off the GUI thread, which owns the records."""

    writer: Writer
    fields: dict[str, FieldGroup]
    contacts: list[Contact]
    cc: list[str]
    interview_id: int | None

    def write(self) -> Message:
        """Renders it; touches no records, so any thread may call it."""
        writer = self.writer
        rendered = render_answered(writer.template, self.fields)
        return Message(
            subject=rendered.subject,
            body=signed(rendered.body, writer.profile.signature),  # the whole text, as sent
            to=[address_of(contact) for contact in self.contacts],
            cc=list(self.cc),
            template_id=writer.template_id,
            contact_id=self.contacts[0].id,
            interview_id=self.interview_id,
            attachments=[replace(attachment) for attachment in writer.attachments],
        )


def recipients_group(contacts: Sequence[Contact]) -> FieldGroup:
    """The ``recipient`` fields of a message to several people: whatever greets one person
    (greeting, first name) greets them all; what only one person has (title, company when
    they differ, detail) is left out, so a template that needs it says so."""
    greeting = greeting_for_several([greeting_of(contact).text for contact in contacts])
    companies = {contact.company for contact in contacts}
    return FieldGroup(
        "recipient",
        {
            "name": join_names([contact.name for contact in contacts]),
            "first_name": greeting,
            "greeting": greeting,
            "email": ", ".join(contact.email for contact in contacts),
            "company": companies.pop() if len(companies) == 1 else None,
        },
        "Contacts",
    )


def unwritten_from_template(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_id: int,
    interview_id: int | None = None,
    detail: str = "",
    cc: Sequence[str] = (),
    answers: Mapping[str, str] | None = None,
) -> Unwritten:
    """What the template needs for one recipient, read on the records' thread."""
    writer = Writer(store, library, template_id)
    contact = store.contact(contact_id)
    interview = store.interview(interview_id) if interview_id is not None else None
    participants = store.participants(interview_id) if interview_id is not None else []
    return writer.unwritten(contact, interview, participants, detail=detail, cc=cc, answers=answers)


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
    unwritten = unwritten_from_template(
        store,
        library,
        template_id,
        contact_id=contact_id,
        interview_id=interview_id,
        detail=detail,
        cc=cc,
        answers=answers,
    )
    return unwritten.write()


def unwritten_together(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_ids: Sequence[int],
    interview_id: int | None = None,
    cc: Sequence[str] = (),
    answers: Mapping[str, str] | None = None,
) -> Unwritten:
    """What the template needs for one message to several people, read on the records' thread."""
    writer = Writer(store, library, template_id)
    found = store.contacts_by_id(contact_ids)
    contacts = [found[i] for i in contact_ids if i in found]
    interview = store.interview(interview_id) if interview_id is not None else None
    participants = store.participants(interview_id) if interview_id is not None else []
    return writer.unwritten_together(contacts, interview, participants, cc=cc, answers=answers)


def draft_together(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_ids: Sequence[int],
    interview_id: int | None = None,
    cc: Sequence[str] = (),
    answers: Mapping[str, str] | None = None,
) -> Message:
    """Fills the template once for several people, when the user chose one message to all."""
    unwritten = unwritten_together(
        store,
        library,
        template_id,
        contact_ids=contact_ids,
        interview_id=interview_id,
        cc=cc,
        answers=answers,
    )
    return unwritten.write()


@dataclass
class PanelMessage:
    """One person's own message, or why it can't be written."""

    contact: Contact
    message: Message | None
    problem: str = ""
    already_sent: bool = False
    sent_on: datetime | None = None  # when they were sent this follow-up, if known


def panel_messages(
    store: Store,
    library: TemplateLibrary,
    interview_id: int | None,
    template_id: str = BuiltIn.THANK_YOU,
    details: Mapping[int, str] | None = None,
    contact_ids: Sequence[int] | None = None,
) -> list[PanelMessage]:
    """One message each: every person gets their own, greeting them, with only them as
    recipient. Without ``contact_ids``, the people this template goes to at the interview."""
    return write_panel(
        unwritten_panel(store, library, interview_id, template_id, details, contact_ids)
    )


PanelUnwritten = list[tuple[PanelMessage, Unwritten | None]]


def unwritten_panel(
    store: Store,
    library: TemplateLibrary,
    interview_id: int | None,
    template_id: str = BuiltIn.THANK_YOU,
    details: Mapping[int, str] | None = None,
    contact_ids: Sequence[int] | None = None,
) -> PanelUnwritten:
    """Each person, with what their message needs from the records (read on the records'
    thread), or why it cannot be written; ``write_panel`` renders them, on any thread."""
    participants = store.participants(interview_id) if interview_id is not None else []
    people = _people(store, template_id, interview_id, contact_ids)
    before = (
        sent_before(store, interview_id, template_id, [c for _, c in people])
        if interview_id is not None
        else {}
    )

    def item(contact_id: int, contact: Contact, problem: str = "") -> PanelMessage:
        known = before.get(contact_id)
        return PanelMessage(contact, None, problem, contact_id in before, known)

    try:
        writer = Writer(store, library, template_id)
        interview = store.interview(interview_id) if interview_id is not None else None
    except AfterwordError as error:  # no message can be written: each person says why
        return [(item(i, c, str(error)), None) for i, c in people]
    result: PanelUnwritten = []
    for contact_id, contact in people:
        detail = (details or {}).get(contact_id, "")
        try:
            unwritten = writer.unwritten(contact, interview, participants, detail=detail)
        except AfterwordError as error:
            result.append((item(contact_id, contact, str(error)), None))
            continue
        result.append((item(contact_id, contact), unwritten))
    return result


def write_panel(panel: PanelUnwritten) -> list[PanelMessage]:
    """Renders each person's message; touches no records, so any thread may call it."""
    result = []
    for item, unwritten in panel:
        if unwritten is None:
            result.append(item)
            continue
        try:
            result.append(replace(item, message=unwritten.write()))
        except AfterwordError as error:
            result.append(replace(item, problem=str(error)))
    return result


def people_for(store: Store, template_id: str, interview_id: int | None) -> list[int]:
    """Whom a follow-up goes to at an interview: thanks for feedback only to those who
    gave some (never to an interviewer who said nothing), else the usual people."""
    if interview_id is None:
        return []
    if template_id == BuiltIn.THANKS_FOR_FEEDBACK:
        notes = store.feedback_notes(interview_id=interview_id)
        return list(dict.fromkeys(n.contact_id for n in notes if n.contact_id is not None))
    return suggested_recipients(template_id, store.participants(interview_id))


def _people(
    store: Store,
    template_id: str,
    interview_id: int | None,
    contact_ids: Sequence[int] | None,
) -> list[tuple[int, Contact]]:
    if contact_ids is None:
        contact_ids = people_for(store, template_id, interview_id)
    found = store.contacts_by_id(list(contact_ids))
    return [(i, found[i]) for i in dict.fromkeys(contact_ids) if i in found]


def queue_panel(
    outbox: Outbox, panel: Sequence[PanelMessage], *, send_again_to: frozenset[int] = frozenset()
) -> list[int]:
    """Queues the panel's messages; someone already sent this follow-up is skipped unless
    the user explicitly chose to send to them again."""
    chosen = [
        item.message
        for item in panel
        if item.message is not None and (not item.already_sent or item.contact.id in send_again_to)
    ]
    queued = outbox.queue_many(chosen)  # all checked, then queued together: never half a panel
    return [message.id for message in queued if message.id is not None]


def follow_up_in_thread(store: Store, original: Message) -> Message:
    """A follow-up of a sent message, in its thread, with the signature above the quote
    (the whole text as it will go), addressed as the original was."""
    draft = follow_up_draft(original, chosen_locale(store))
    draft.body = "\n\n" + signed(draft.body, store.profile().signature)  # room to write on top
    return draft


def follow_ups_each(store: Store, original: Message) -> list[PanelMessage]:
    """A sent message that went to several people, followed up one message each: each
    greets its own recipient, in the same thread. Cc is left out: a person copied in would
    get one copy per recipient."""
    draft = follow_up_in_thread(store, original)
    known = {
        c.email.lower(): c for c in store.contacts_by_id(_contact_ids(store, draft.to)).values()
    }
    result = []
    for address in draft.to:
        parsed = parse_address(address, "To")
        contact = known.get(parsed.addr_spec.lower()) or Contact(
            parsed.display_name, parsed.addr_spec
        )
        greeting = greeting_of(contact)
        hello = f"Dear {greeting.text}," if greeting.certain else "Hello,"
        message = replace(
            draft,
            to=[address],
            cc=[],
            contact_id=contact.id,
            body=f"{hello}\n\n{draft.body}",
            attachments=[],
        )
        result.append(PanelMessage(contact, message))
    return result


def _contact_ids(store: Store, addresses: Sequence[str]) -> list[int]:
    return store.contact_ids_by_email([parse_address(a, "To").addr_spec.lower() for a in addresses])
