"""The sidebar's icons, drawn with lines in the palette's own text colours: no image files,
and a dark theme gets light icons without a second set."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPainterPath, QPalette, QPen, QPixmap, QPolygonF

GRID = 24.0  # each drawing is made on a 24x24 grid and scaled to the icon's size

Drawing = Callable[[QPainter], None]


def _today(p: QPainter) -> None:
    """A sun: the day as it is now."""
    p.drawEllipse(QPointF(12, 12), 4, 4)
    for dx, dy in ((0, 1), (1, 0), (0, -1), (-1, 0), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7)):
        p.drawLine(QPointF(12 + 7 * dx, 12 + 7 * dy), QPointF(12 + 9.5 * dx, 12 + 9.5 * dy))
    p.drawLine(QPointF(12 - 4.9, 12 - 4.9), QPointF(12 - 6.7, 12 - 6.7))


def _interviews(p: QPainter) -> None:
    """A calendar page."""
    p.drawRoundedRect(QRectF(4, 6, 16, 14), 2, 2)
    p.drawLine(QPointF(4, 10.5), QPointF(20, 10.5))
    p.drawLine(QPointF(8.5, 3.5), QPointF(8.5, 7.5))
    p.drawLine(QPointF(15.5, 3.5), QPointF(15.5, 7.5))
    p.drawRect(QRectF(12.5, 13.5, 3.5, 3.5))


def _contacts(p: QPainter) -> None:
    """A person."""
    p.drawEllipse(QPointF(12, 8.5), 3.8, 3.8)
    path = QPainterPath(QPointF(4.5, 20.5))
    path.cubicTo(QPointF(5, 13.5), QPointF(19, 13.5), QPointF(19.5, 20.5))
    p.drawPath(path)


def _compose(p: QPainter) -> None:
    """A pencil."""
    p.drawPolygon(
        QPolygonF(
            [QPointF(x, y) for x, y in ((4.5, 19.5), (5.5, 15), (16, 4.5), (19.5, 8), (9, 18.5))]
        )
    )
    p.drawLine(QPointF(13.5, 7), QPointF(17, 10.5))


def _sent(p: QPainter) -> None:
    """A paper plane on its way."""
    p.drawPolygon(QPolygonF([QPointF(3, 11), QPointF(21, 4), QPointF(15, 20), QPointF(11, 13.5)]))
    p.drawLine(QPointF(11, 13.5), QPointF(21, 4))


def _feedback(p: QPainter) -> None:
    """A speech bubble: what they said."""
    path = QPainterPath()
    path.addRoundedRect(QRectF(3.5, 4.5, 17, 11.5), 3, 3)
    p.drawPath(path)
    p.drawPolyline(QPolygonF([QPointF(8, 16), QPointF(7.5, 20.5), QPointF(12.5, 16)]))


def _templates(p: QPainter) -> None:
    """A page of text."""
    p.drawRoundedRect(QRectF(5.5, 3, 13, 18), 1.5, 1.5)
    for y in (8.0, 11.5, 15.0):
        p.drawLine(QPointF(8.5, y), QPointF(15.5, y))


def _settings(p: QPainter) -> None:
    """A gear."""
    p.drawEllipse(QPointF(12, 12), 3, 3)
    p.drawEllipse(QPointF(12, 12), 6.5, 6.5)
    for step in range(8):
        p.save()
        p.translate(12, 12)
        p.rotate(step * 45)
        p.drawLine(QPointF(0, -6.5), QPointF(0, -9.5))
        p.restore()


DRAWINGS: dict[str, Drawing] = {
    "today": _today,
    "interviews": _interviews,
    "contacts": _contacts,
    "compose": _compose,
    "sent": _sent,
    "feedback": _feedback,
    "templates": _templates,
    "settings_page": _settings,
}


def _pixmap(
    drawing: Drawing, palette: QPalette, role: QPalette.ColorRole, size: int, ratio: float
) -> QPixmap:
    side = round(size * ratio)
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)  # see-through: only the lines are drawn
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(side / GRID, side / GRID)
    pen = QPen(palette.color(role), 1.7)  # the palette's own colour
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    drawing(painter)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def area_icon(name: str, palette: QPalette, size: int, ratio: float = 1.0) -> QIcon:
    """The area's icon in the palette's text colour, and in its highlighted-text colour
    when the area is the one shown (selected), so it stays visible on the highlight."""
    drawing = DRAWINGS[name]
    icon = QIcon()
    text, chosen = QPalette.ColorRole.WindowText, QPalette.ColorRole.HighlightedText
    icon.addPixmap(_pixmap(drawing, palette, text, size, ratio), QIcon.Mode.Normal)
    icon.addPixmap(_pixmap(drawing, palette, chosen, size, ratio), QIcon.Mode.Selected)
    return icon
