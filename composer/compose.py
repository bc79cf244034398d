"""Writing a follow-up from a template and the records, ready to review and edit."""

from __future__ import annotations

from composer.errors import MissingField
from composer.fields import template_fields
from composer.mail import parse_address
from composer.records import Message
from composer.store import Store
from composer.templates import TemplateLibrary


def draft_from_template(
    store: Store,
    library: TemplateLibrary,
    template_id: str,
    *,
    contact_id: int,
    interview_id: int | None = None,
) -> Message:
    """Fills the template for one recipient; a missing field raises, naming it."""
    template = library.get(template_id)
    contact = store.contact(contact_id)
    if not contact.email.strip():
        raise MissingField(
            template_id,
            "recipient.email",
            f"{contact.name} has no email address: add it in Contacts.",
        )
    interview = store.interview(interview_id) if interview_id is not None else None
    participants = store.participants(interview_id) if interview_id is not None else []
    rendered = template.render(template_fields(store.profile(), contact, interview, participants))
    address = parse_address(f"{contact.name} <{contact.email}>", "To")
    return Message(
        subject=rendered.subject,
        body=rendered.body,
        to=[str(address)],
        template_id=template_id,
        contact_id=contact_id,
        interview_id=interview_id,
    )
