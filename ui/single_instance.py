"""A second launch brings the running window forward instead of starting another.

The first instance (which holds the data folder's lock) listens on a ``QLocalServer``
named for its data folder; a second launch with the same folder connects, says "show",
and exits quietly. Qt's local sockets work alike on Linux, macOS and Windows.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

SHOW = b"show\n"
WAIT_MS = 1000


def server_name(data_dir: Path) -> str:
    """One name per user and data folder: two folders are two independent apps."""
    key = f"{getpass.getuser()}\0{data_dir.resolve()}".encode()
    return "afterword-" + hashlib.sha256(key).hexdigest()[:24]


def ask_running_to_show(data_dir: Path) -> bool:
    """True when an Afterword already open on ``data_dir`` was asked to come forward."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(WAIT_MS):
        return False
    socket.write(SHOW)
    sent = socket.waitForBytesWritten(WAIT_MS)
    socket.disconnectFromServer()
    return sent


def bring_forward(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()


class WindowCaller(QObject):
    """Listens for later launches on the same data folder, and shows ``window`` to each."""

    def __init__(self, window: QWidget, data_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a crash's leftover: we hold the folder's lock
        self.listening = self.server.listen(name)
        self.server.newConnection.connect(self._answer)

    def _answer(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if SHOW.strip() in bytes(socket.readAll().data()):
            bring_forward(self.window)
