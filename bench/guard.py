"""A guard against a crash in PySide6 6.12.0 on Python 3.11, so the figures can be taken.

That wheel returns ``None`` from most methods that return nothing (``setText``,
``setData``, ``addItem``...) without taking a reference to it. On Python 3.12 and later
``None`` is immortal and nothing happens; on 3.11 each call drops ``None``'s reference
count by one, and after a few thousand calls Python aborts with "none_dealloc: deallocating
None". Afterword at this scale makes tens of thousands such calls while starting. (``True``
and ``False`` lose references too, more slowly: "bool_dealloc" at exit. 6.11.3 has neither.)

The benchmark reports that crash as a figure of its own (the app started without this
guard); for every other figure it adds a large count to these three first, which makes
them as good as immortal, as they are on 3.12. Nothing else changes: they are never freed.
"""

from __future__ import annotations

import ctypes
import sys

ENV = "AFTERWORD_BENCH_GUARD_NONE"
_MARGIN = 1 << 40


def needed() -> bool:
    return sys.version_info < (3, 12)


def keep_none_alive() -> bool:
    """Returns whether the guard was applied (only where ``None`` is mortal)."""
    if not needed():
        return False
    for constant in (None, True, False):
        ctypes.c_ssize_t.from_address(id(constant)).value += _MARGIN
    return True


def none_references() -> int:
    """``None``'s reference count, less the guard's margin: a drop shows the leak."""
    return sys.getrefcount(None) % _MARGIN
