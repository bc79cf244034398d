"""A small bar chart of applications and interviews per month, in the palette's colours."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from composer.progress import Month

_BAR_GAP = 4


class ProgressChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[Month] = []
        self.setAccessibleName("Applications and interviews per month")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(360, 140)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 120)

    def set_months(self, months: list[Month]) -> None:
        self.months = months
        self.setAccessibleDescription(
            "; ".join(
                f"{m.label}: {m.applications} applied, {m.interviews} interviews" for m in months
            )
        )
        self.setToolTip(self.accessibleDescription().replace("; ", "\n"))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.months:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_height = self.fontMetrics().height()
        colours = (
            palette.color(QPalette.ColorRole.Highlight),
            palette.color(QPalette.ColorRole.PlaceholderText),
        )
        self._legend(painter, colours, text_height)
        top, bottom = text_height + 6, self.height() - text_height - 4
        highest = max(max(m.applications, m.interviews) for m in self.months) or 1
        slot = self.width() / len(self.months)
        bar = max(2.0, (slot - 3 * _BAR_GAP) / 2)
        for index, month in enumerate(self.months):
            left = index * slot + _BAR_GAP
            for offset, (value, colour) in enumerate(
                zip((month.applications, month.interviews), colours, strict=True)
            ):
                height = (bottom - top) * value / highest
                rect = QRectF(left + offset * (bar + _BAR_GAP), bottom - height, bar, height)
                painter.fillRect(rect, colour)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            label = QRectF(index * slot, bottom + 2, slot, text_height)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, month.label.split()[0])
        painter.end()

    def _legend(self, painter: QPainter, colours: tuple[QColor, QColor], size: int) -> None:
        x = 0
        for colour, text in zip(colours, ("Applied", "Interviews"), strict=True):
            painter.fillRect(QRectF(x, 2, size - 4, size - 4), colour)
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(x + size, size - 3, text)
            x += size + self.fontMetrics().horizontalAdvance(text) + 12
