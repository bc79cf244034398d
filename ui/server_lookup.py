"""The mail servers looked up for an address, shown for the user to confirm.

The lookup (composer/autoconfig.py) may wait on the network for a moment: it runs on the
runner, and nothing is filled in until the user says "Use these".
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget
from shiboken6 import isValid

from composer.autoconfig import FoundServers, Lookup
from composer.providers import Server
from ui.runner import Runner
from ui.widgets import push_button, status_label

LOOKUP = Lookup()  # the real hosts; the tests put one on loopback (or offline) here

SECURITY_NAMES = {"tls": "TLS", "starttls": "STARTTLS"}


class ServerLookup(QWidget):
    """Looking up…, then what was found with "Use these" / "Enter them myself"."""

    use = Signal(object)  # FoundServers, confirmed by the user
    nothing_found = Signal()
    declined = Signal()

    def __init__(self, runner: Runner) -> None:
        super().__init__()
        self.runner = runner
        self.address = ""  # the address looked up last: an older answer is dropped
        self.found: FoundServers | None = None
        self.status = status_label("Mail server lookup", selectable=True)
        self.use_button = push_button("&Use these", "Use these mail servers", self._use)
        self.myself_button = push_button(
            "&Enter them myself", "Enter the mail servers myself", self._decline
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.myself_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._show_buttons(False)

    def look_up(self, address: str) -> None:
        self.address, self.found = address, None
        self.setVisible(True)
        self._show_buttons(False)
        domain = address.rpartition("@")[2]
        self.status.setText(f"Looking up mail servers for {domain}…")
        lookup = LOOKUP
        self.runner.run(lambda: lookup.find(address), lambda found: self._answer(address, found))

    def _answer(self, address: str, found: FoundServers | None) -> None:
        if not isValid(self) or address != self.address:  # closed, or asked again since
            return
        self.found = found
        if found is None:
            self.setVisible(False)
            self.nothing_found.emit()
            return
        self.status.setText(describe_servers(found))
        self._show_buttons(True)

    def _use(self) -> None:
        if self.found is not None:
            self.setVisible(False)
            self.use.emit(self.found)

    def _decline(self) -> None:
        self.setVisible(False)
        self.declined.emit()

    def _show_buttons(self, shown: bool) -> None:
        self.use_button.setVisible(shown)
        self.myself_button.setVisible(shown)


def describe_servers(found: FoundServers) -> str:
    """What was found and where from, for the user to check before using it."""
    lines = [f"{sentence(found.source)}:", f"Sending (SMTP): {_server(found.smtp)}"]
    if found.imap is not None:
        lines.append(f"Receiving (IMAP): {_server(found.imap)}")
    lines.append(f"User name: {found.username}")
    return "\n".join(lines)


def sentence(source: str) -> str:
    """A source ("your domain's mail is …") as the start of a line."""
    return source[:1].upper() + source[1:]


def _server(server: Server) -> str:
    return f"{server.host}, port {server.port}, {SECURITY_NAMES.get(server.security, '')}"
