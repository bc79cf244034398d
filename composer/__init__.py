"""Afterword's core: everything the app does, without a screen.

Nothing in this package imports Qt; the desktop app in ``ui/`` is a thin layer over it.
"""

__version__ = "0.1.0"
APP_NAME = "Afterword"
