"""The main window; each area will be a widget module of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

from composer import APP_NAME
from composer.app import Afterword


class MainWindow(QMainWindow):
    def __init__(self, afterword: Afterword) -> None:
        super().__init__()
        self.afterword = afterword
        self.setWindowTitle(APP_NAME)
        self.resize(960, 640)
        self.welcome = QLabel(self._welcome_text())
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.welcome.setAccessibleName("Welcome")
        self.setCentralWidget(self.welcome)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)

    def _welcome_text(self) -> str:
        lines = [f"<h2>{APP_NAME}</h2>", "<p>Follow up graciously after every interview.</p>"]
        interrupted = len(self.afterword.interrupted)
        if interrupted:
            lines.append(
                f"<p><b>{interrupted} message(s) were being sent when Afterword last stopped.</b>"
                " They are marked “uncertain”: check your Sent folder before sending again.</p>"
            )
        lines.append(f"<p><small>Your records: {self.afterword.paths.database}</small></p>")
        return "".join(lines)
