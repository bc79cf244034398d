"""The areas in a sidebar, as mail tools list their folders: an icon, the area's name and
what waits there (due today, failed, drafts), in the palette's colours so dark themes work.

The counts are shown here and taken in ui/area_counts.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.area_icons import area_icon

BADGES = Qt.ItemDataRole.UserRole + 1  # an area's list of Badge
ICON_SIZE = 20
GAP = 6  # between badges, and around the row's content


@dataclass(frozen=True)
class Badge:
    """A number beside an area. ``urgent`` ones are filled (the user should act: due,
    failed); the others are outlined (drafts: there when wanted)."""

    count: int
    words: str  # "due", "failed", "drafts": what screen readers and tooltips say
    urgent: bool = True

    @property
    def text(self) -> str:
        return f"! {self.count}" if self.words == "failed" else str(self.count)


def plain(title: str) -> str:
    """A title without its Alt+letter mark ("Outbox && Sent" is "Outbox & Sent")."""
    return title.replace("&&", "\0").replace("&", "").replace("\0", "&")


class Sidebar(QListWidget):
    """One row per area; choosing a row (click, arrows, Ctrl+1…8) shows that area."""

    def __init__(self, areas: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = [name for name, _ in areas]
        self.setAccessibleName("Areas")
        self.setItemDelegate(BadgeDelegate(self))  # the view's style draws each row
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        for _, title in areas:
            item = QListWidgetItem(plain(title))
            item.setData(BADGES, [])
            item.setData(Qt.ItemDataRole.AccessibleTextRole, plain(title))
            item.setToolTip(plain(title))
            self.addItem(item)
        self._draw_icons()
        self.setFixedWidth(self._width())

    def area_item(self, name: str) -> QListWidgetItem:
        item = self.item(self.names.index(name))
        assert item is not None
        return item

    def set_badges(self, name: str, badges: Sequence[Badge]) -> None:
        """Zero counts are not shown: an empty sidebar is a calm one."""
        shown = [badge for badge in badges if badge.count > 0]
        item = self.area_item(name)
        said = ", ".join(f"{badge.count} {badge.words}" for badge in shown)
        described = f"{item.text()}: {said}" if said else item.text()
        item.setData(BADGES, shown)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, described)
        item.setToolTip(described)

    def badges(self, name: str) -> list[Badge]:
        return list(self.area_item(name).data(BADGES))

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (the system turned dark) or scale: the icons are drawn again."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._draw_icons()

    def _draw_icons(self) -> None:
        ratio = self.devicePixelRatioF()
        for row, name in enumerate(self.names):
            item = self.item(row)
            if item is not None:
                item.setIcon(area_icon(name, self.palette(), ICON_SIZE, ratio))

    def _width(self) -> int:
        """Room for the longest name and two badges of two digits (failed, drafts), at the
        font's size (150% scale too); a larger count is shortened, never the name."""
        metrics = self.fontMetrics()
        longest = max(metrics.horizontalAdvance(self.item(r).text()) for r in range(self.count()))
        bold = QFontMetrics(badge_font(self.font()))
        badges = badge_width(bold, "! 99") + badge_width(bold, "99") + 2 * GAP
        return ICON_SIZE + longest + badges + 4 * GAP


def badge_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def badge_width(metrics: QFontMetrics, text: str) -> int:
    return max(metrics.horizontalAdvance(text) + metrics.height(), 2 * metrics.height())


class BadgeDelegate(QStyledItemDelegate):
    """Paints a row as the style does, with its badges at the right end."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() * 2 + 4))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        badges: list[Badge] = index.data(BADGES) or []
        font = badge_font(option.font)
        metrics = QFontMetrics(font)
        widths = [badge_width(metrics, badge.text) for badge in badges]
        room = sum(widths) + GAP * len(widths)
        view = QStyleOptionViewItem(option)
        self.initStyleOption(view, index)
        style = view.widget.style()
        panel = QStyle.PrimitiveElement.PE_PanelItemViewItem
        style.drawPrimitive(panel, view, painter, view.widget)
        if view.state & QStyle.StateFlag.State_HasFocus:  # around the whole row, badges too
            focus = QStyle.PrimitiveElement.PE_FrameFocusRect
            style.drawPrimitive(focus, view, painter, view.widget)
        view.state &= ~QStyle.StateFlag.State_HasFocus
        view.rect = view.rect.adjusted(GAP, 0, -room - GAP, 0)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view, painter, view.widget)
        chosen = bool(option.state & QStyle.StateFlag.State_Selected)
        right = option.rect.right() - GAP
        painter.save()
        painter.setFont(font)
        for badge, width in zip(reversed(badges), reversed(widths), strict=True):
            height = metrics.height() + 2
            box = QRect(right - width, option.rect.center().y() - height // 2, width, height)
            _paint_badge(painter, option.palette, box, badge, chosen)
            right -= width + GAP
        painter.restore()


def _paint_badge(
    painter: QPainter, palette: QPalette, box: QRect, badge: Badge, chosen: bool
) -> None:
    """Filled in the highlight colour (the row's text colour on a chosen row), or outlined."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    role = QPalette.ColorRole
    fill = palette.color(role.HighlightedText if chosen else role.Highlight)
    ink = palette.color(role.Highlight if chosen else role.HighlightedText)
    radius = box.height() / 2
    if badge.urgent:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, radius, radius)
        painter.setPen(ink)
    else:
        painter.setPen(palette.color(role.HighlightedText if chosen else role.WindowText))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), radius, radius)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge.text)
