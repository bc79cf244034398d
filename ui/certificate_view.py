"""A CA certificate shown for the user to accept before a password goes with it: one that
came from a backup would make a stranger's server trusted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from composer.certificate import CertificateFacts
from ui.widgets import named

TRUST = "&Trust this certificate"


class CertificateView(QGroupBox):
    """Each certificate's subject, issuer, validity and fingerprint, and "Trust" to tick."""

    trusted_changed = Signal(bool)

    def __init__(self, certificates: Sequence[CertificateFacts], parent: QWidget | None) -> None:
        super().__init__("Certificate your settings now trust", parent)
        layout = QVBoxLayout(self)
        for facts in certificates:
            layout.addWidget(_facts_form(facts))
        self.trust = named(QCheckBox(TRUST), "Trust this certificate")
        self.trust.toggled.connect(self.trusted_changed)
        layout.addWidget(self.trust)

    def trusted(self) -> bool:
        return self.trust.isChecked()


def _facts_form(facts: CertificateFacts) -> QWidget:
    form = QWidget()
    layout = QFormLayout(form)
    rows = (
        ("Issued to", facts.subject),
        ("Issued by", facts.issuer),
        ("Valid from", facts.valid_from),
        ("Valid until", facts.valid_until),
        ("SHA-256 fingerprint", facts.sha256),
    )
    for label, value in rows:
        shown = named(QLabel(value), label)
        shown.setWordWrap(True)
        layout.addRow(label, shown)
    return form
