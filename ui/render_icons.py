"""Renders the app icon's PNGs from its SVG: ``python -m ui.render_icons``.

The PNGs are committed (launchers and icon themes want them at fixed sizes); run this
again after changing the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from composer.desktop_entry import APP_ID, ICON_SIZES, icons_dir


def render_icon(svg: Path, size: int, target: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)  # transparent: the icon has rounded corners
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):
        raise OSError(f"could not write {target}")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = icons_dir() / f"{APP_ID}.svg"
    for size in ICON_SIZES:
        render_icon(svg, size, icons_dir() / f"{size}x{size}" / f"{APP_ID}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
