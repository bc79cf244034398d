"""Writing follow-ups from a template and the records, ready to review and edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from composer.errors import AfterwordError, MissingField
from composer.fields import template_fields
from composer.library import TemplateLibrary, check_usable
from composer.mail import parse_address
from composer.outbox import Outbox
from composer.records import Contact, Message, Role
from composer.store import Store


def address_of(contact: Contact) -> str:
    return str(parse_address(f"{contact.name} <{contact.email}>", "To"))


def draft_from_template(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_id: int,
    interview_id: int | None = None,
    detail: str = "",
    cc: Sequence[str] = (),
) -> Message:
    """Fills the template for one recipient; a missing field raises, naming it."""
    template = library.get(template_id)
    check_usable(template)
    contact = store.contact(contact_id)
    if not contact.email.strip():
        raise MissingField(
            template_id,
            "recipient.email",
            f"{contact.name} has no email address: add it in Contacts.",
        )
    interview = store.interview(interview_id) if interview_id is not None else None
    participants = store.participants(interview_id) if interview_id is not None else []
    fields = template_fields(store.profile(), contact, interview, participants, detail)
    rendered = template.render(fields)
    return Message(
        subject=rendered.subject,
        body=rendered.body,
        to=[address_of(contact)],
        cc=list(cc),
        template_id=template_id,
        contact_id=contact_id,
        interview_id=interview_id,
        attachments=library.default_attachments(template_id),
    )


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
    result = []
    for person in store.participants(interview_id):
        contact = person.contact
        if person.role is not Role.INTERVIEWER or contact.id is None:
            continue
        try:
            message = draft_from_template(
                store,
                library,
                template_id,
                contact_id=contact.id,
                interview_id=interview_id,
                detail=(details or {}).get(contact.id, ""),
            )
        except AfterwordError as error:
            result.append(PanelMessage(contact, None, str(error), contact.id in sent_before))
            continue
        result.append(PanelMessage(contact, message, "", contact.id in sent_before))
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
