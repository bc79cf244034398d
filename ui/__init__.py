"""Afterword's desktop app: PySide6 widgets over ``composer``, nothing more."""
