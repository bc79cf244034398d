"""Afterword's built-in follow-up templates, one ``.j2`` file each (package data)."""
